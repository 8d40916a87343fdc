"""Settings of the web channel (``FRONTDESK_WEB_*``), with defaults fit for a demo on one machine."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRONTDESK_WEB_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="sites allowed to embed the widget (comma-separated origins, e.g. https://example.com)",
    )
    admin_token: SecretStr | None = Field(
        None, description="opens the explanation view; without it the view is closed"
    )
    max_message_chars: int = Field(2000, ge=1, description="longest customer message accepted")
    max_body_bytes: int = Field(16_384, ge=1024, description="largest request body accepted")
    messages_per_minute: int = Field(20, ge=1, description="per client address")
    conversations_per_hour: int = Field(30, ge=1, description="new conversations per client address")

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip().rstrip("/") for part in value.split(",") if part.strip()]
        return value

"""Where the client connects and with which credentials: read from FRONTDESK_ST_* variables or .env."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    PRODUCTION = "production"
    INTEGRATION = "integration"
    SANDBOX = "sandbox"


# (API base, auth base). The sandbox serves both from one origin: `frontdesk sandbox` listens on 8400.
BASE_URLS: dict[Environment, tuple[str, str]] = {
    Environment.PRODUCTION: ("https://api.servicetitan.io", "https://auth.servicetitan.io"),
    Environment.INTEGRATION: (
        "https://api-integration.servicetitan.io",
        "https://auth-integration.servicetitan.io",
    ),
    Environment.SANDBOX: ("http://127.0.0.1:8400", "http://127.0.0.1:8400"),
}


class ServiceTitanSettings(BaseSettings):
    """Credentials and environment of one ServiceTitan tenant connection.

    ``FRONTDESK_ST_TENANT_ID``, ``…_CLIENT_ID``, ``…_CLIENT_SECRET``, ``…_APP_KEY``, ``…_ENVIRONMENT``
    (production | integration | sandbox), and ``…_API_URL`` / ``…_AUTH_URL`` to point anywhere else.
    """

    model_config = SettingsConfigDict(
        env_prefix="FRONTDESK_ST_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    tenant_id: int = Field(description="the ServiceTitan tenant id (a number)")
    client_id: str = Field(description="the API client id, `cid.…`; per environment and tenant")
    client_secret: SecretStr = Field(description="the API client secret, `cs1.…`")
    app_key: SecretStr = Field(description="the application key, `ak1.…`; the same in every environment")
    environment: Environment = Environment.PRODUCTION
    api_url: str | None = Field(None, description="API base URL; overrides the environment's")
    auth_url: str | None = Field(
        None,
        description="auth base URL, token at {auth_url}/connect/token; defaults to api_url's origin when that is set",
    )
    redis_url: str | None = Field(
        None, description="share tokens and the rate limit with other workers through this Redis"
    )
    rate_limit_per_second: int = Field(
        60, ge=1, description="ServiceTitan allows 60 calls/s per app and tenant"
    )
    token_margin_seconds: float = Field(60.0, ge=0.0, description="renew a token this long before it expires")

    @property
    def api_base(self) -> str:
        return (self.api_url or BASE_URLS[self.environment][0]).rstrip("/")

    @property
    def auth_base(self) -> str:
        if self.auth_url:
            return self.auth_url.rstrip("/")
        if self.api_url:
            # an API elsewhere (a sandbox, a proxy) serves its tokens from the same origin, and a secret
            # meant for it must never travel to ServiceTitan's own auth server by default
            return self.api_base
        return BASE_URLS[self.environment][1]

    @property
    def token_url(self) -> str:
        return f"{self.auth_base}/connect/token"

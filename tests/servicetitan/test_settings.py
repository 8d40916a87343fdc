"""Settings from the environment and .env, and where each environment points."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from frontdesk.servicetitan import Environment, ServiceTitanSettings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("TENANT_ID", "CLIENT_ID", "CLIENT_SECRET", "APP_KEY", "ENVIRONMENT", "API_URL", "AUTH_URL"):
        monkeypatch.delenv(f"FRONTDESK_ST_{name}", raising=False)


def _env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"FRONTDESK_ST_{name.upper()}", value)


def test_production_by_default_from_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    _env(monkeypatch, tenant_id="4242", client_id="cid.abc", client_secret="cs1.hush", app_key="ak1.key")
    settings = ServiceTitanSettings()
    assert settings.tenant_id == 4242 and settings.environment is Environment.PRODUCTION
    assert settings.api_base == "https://api.servicetitan.io"
    assert settings.token_url == "https://auth.servicetitan.io/connect/token"
    assert settings.client_secret.get_secret_value() == "cs1.hush"
    assert "cs1.hush" not in repr(settings) and "ak1.key" not in repr(settings)


def test_integration_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    _env(monkeypatch, tenant_id="1", client_id="c", client_secret="s", app_key="k", environment="integration")
    settings = ServiceTitanSettings()
    assert settings.api_base == "https://api-integration.servicetitan.io"
    assert settings.token_url == "https://auth-integration.servicetitan.io/connect/token"


def test_a_sandbox_anywhere_serves_tokens_from_its_own_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    _env(
        monkeypatch,
        tenant_id="1",
        client_id="c",
        client_secret="s",
        app_key="k",
        api_url="http://127.0.0.1:9000/",
    )
    settings = ServiceTitanSettings()
    assert settings.api_base == "http://127.0.0.1:9000"
    assert settings.token_url == "http://127.0.0.1:9000/connect/token"  # never auth.servicetitan.io
    _env(monkeypatch, auth_url="https://auth.example.test")
    assert ServiceTitanSettings().token_url == "https://auth.example.test/connect/token"


def test_the_local_sandbox_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    _env(monkeypatch, tenant_id="1", client_id="c", client_secret="s", app_key="k", environment="sandbox")
    assert ServiceTitanSettings().token_url == "http://127.0.0.1:8400/connect/token"


def test_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "FRONTDESK_ST_TENANT_ID=77\nFRONTDESK_ST_CLIENT_ID=cid.file\nFRONTDESK_ST_CLIENT_SECRET=cs1.file\n"
        "FRONTDESK_ST_APP_KEY=ak1.file\nFRONTDESK_ST_ENVIRONMENT=integration\n"
    )
    settings = ServiceTitanSettings()
    assert (settings.tenant_id, settings.client_id, settings.environment) == (
        77,
        "cid.file",
        Environment.INTEGRATION,
    )


def test_missing_credentials_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    _env(monkeypatch, tenant_id="1")
    with pytest.raises(ValidationError) as caught:
        ServiceTitanSettings()
    missing = {e["loc"][0] for e in caught.value.errors()}
    assert missing == {"client_id", "client_secret", "app_key"}
    _env(monkeypatch, client_id="c", client_secret="s", app_key="k", environment="staging")
    with pytest.raises(ValidationError):
        ServiceTitanSettings()

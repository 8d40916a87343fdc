"""OAuth 2.0 client credentials, as ServiceTitan's identity server answers them, and bearer checks."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from frontdesk.clock import Clock
from frontdesk.sandbox.config import SandboxClient, SandboxConfig
from frontdesk.sandbox.problems import Problem
from frontdesk.sandbox.ratelimit import SlidingWindow, retry_after_header
from frontdesk.sandbox.store import Store, to_us

APP_KEY_HEADER = "st-app-key"
APP_KEY_QUERY = "servicetitanapplicationkey"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the client behind the token, and the app key sent with the call."""

    client_id: str
    tenants: frozenset[int]
    scopes: frozenset[str] | None  # None: every scope
    app_key: str

    def has_scope(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes


def _digest(token: str) -> str:
    # only a digest of each token is stored, so a copied database file holds no usable token
    return hashlib.sha256(token.encode()).hexdigest()


def _oauth_error(
    status: int, error: str, description: str, headers: dict[str, str] | None = None
) -> Response:
    return JSONResponse(
        {"error": error, "error_description": description}, status_code=status, headers=headers
    )


class Authority:
    """Issues tokens, remembers them in the store (so they survive restarts), and checks them."""

    def __init__(self, config: SandboxConfig, store: Store, clock: Clock, throttle: SlidingWindow) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.throttle = throttle
        self.clients = {c.client_id: c for c in config.clients}
        self.app_keys = set(config.app_keys)
        self.token_requests = 0
        with store.lock:
            store.conn.execute(
                "CREATE TABLE IF NOT EXISTS tokens (digest TEXT PRIMARY KEY, client_id TEXT NOT NULL, "
                "expires INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0)"
            )

    # --- the token endpoint ---------------------------------------------------------------------

    async def token_endpoint(self, request: Request) -> Response:
        self.token_requests += 1
        if "application/x-www-form-urlencoded" not in request.headers.get("content-type", ""):
            return _oauth_error(400, "invalid_request", "The request must be form-encoded.")
        body = await request.body()
        if len(body) > 16_384:
            return _oauth_error(400, "invalid_request", "The request is too large.")
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        grant = form.get("grant_type")
        client_id = str(form.get("client_id") or "")
        secret = str(form.get("client_secret") or "")
        if grant != "client_credentials":
            return _oauth_error(400, "unsupported_grant_type", "Only client_credentials is supported.")
        wait = self.throttle.hit(("token", client_id))
        if wait is not None:
            return _oauth_error(
                429,
                "rate_limited",
                "Too many token requests: cache the token and reuse it until it expires.",
                {"Retry-After": retry_after_header(wait)},
            )
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.client_secret.encode(), secret.encode()):
            return _oauth_error(400, "invalid_client", "The client id or client secret is wrong.")
        return JSONResponse(self.issue(client))

    def issue(self, client: SandboxClient) -> dict[str, object]:
        token = "eyJsandbox." + secrets.token_urlsafe(32)
        expires = self.clock.now() + timedelta(seconds=self.config.token_ttl)
        with self.store.lock:
            self.store.conn.execute(
                "INSERT INTO tokens (digest, client_id, expires) VALUES (?, ?, ?)",
                (_digest(token), client.client_id, to_us(expires)),
            )
        scopes = client.scopes if client.scopes is not None else sorted(all_scopes())
        return {
            "access_token": token,
            "expires_in": self.config.token_ttl,
            "token_type": "Bearer",
            "scope": " ".join(scopes),
        }

    # --- resource calls -------------------------------------------------------------------------

    def authenticate(self, request: Request) -> Principal:
        app_key = request.headers.get(APP_KEY_HEADER) or request.query_params.get(APP_KEY_QUERY)
        header = request.headers.get("authorization", "").strip()
        token = header[7:].strip() if header[:7].lower() == "bearer " else header
        if not token:
            raise _unauthorized("No access token: send 'Authorization: Bearer <token>'.", "invalid_request")
        row = self.store.conn.execute(
            "SELECT client_id, expires, revoked FROM tokens WHERE digest = ?", (_digest(token),)
        ).fetchone()
        if row is None:
            raise _unauthorized("The access token is not valid.", "invalid_token")
        client_id, expires, revoked = row
        if revoked:
            raise _unauthorized("The access token has been revoked.", "invalid_token")
        if expires <= (to_us(self.clock.now()) or 0):
            raise _unauthorized("The access token has expired.", "invalid_token")
        if not app_key:
            raise _unauthorized("No application key: send the 'ST-App-Key' header.", "invalid_request")
        if app_key not in self.app_keys:
            raise _unauthorized("The application key is not valid.", "invalid_token")
        client = self.clients.get(client_id)
        if client is None:
            raise _unauthorized("The client of this token no longer exists.", "invalid_token")
        scopes = frozenset(client.scopes) if client.scopes is not None else None
        return Principal(client_id, frozenset(client.tenants), scopes, app_key)

    def revoke(self, client_id: str | None = None) -> int:
        """Revoke every live token (of one client, or of all); returns how many."""
        with self.store.lock:
            if client_id:
                cursor = self.store.conn.execute(
                    "UPDATE tokens SET revoked = 1 WHERE client_id = ? AND revoked = 0", (client_id,)
                )
            else:
                cursor = self.store.conn.execute("UPDATE tokens SET revoked = 1 WHERE revoked = 0")
        return cursor.rowcount


def _unauthorized(message: str, error: str) -> Problem:
    return Problem(
        401,
        title=message,
        errors={"": [message]},
        headers={"WWW-Authenticate": f'Bearer error="{error}", error_description="{message}"'},
    )


def all_scopes() -> set[str]:
    from frontdesk.sandbox.registry import REGISTRY

    return {route.scope for route in REGISTRY.routes.values()}

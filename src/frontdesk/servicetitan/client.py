"""The ServiceTitan API client: tokens, pacing, retries, errors and recording around one httpx client."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from pydantic import BaseModel

from frontdesk.clock import Clock, SystemClock, iso
from frontdesk.servicetitan._wire import decode_body, encode_json, encode_params
from frontdesk.servicetitan.auth import RedisTokenStore, TokenAnswer, TokenCache, TokenProvider
from frontdesk.servicetitan.errors import (
    ConnectionFailed,
    ErrorContext,
    ServiceTitanError,
    Timeout,
    error_from_response,
)
from frontdesk.servicetitan.models import ExportPage, Page, export_page_of, page_of
from frontdesk.servicetitan.paging import BULK_PAGE_SIZE, ExportIterator, PageIterator
from frontdesk.servicetitan.ratelimit import (
    PACING_WINDOW,
    RateLimiter,
    RedisRateLimiter,
    SlidingWindowLimiter,
    limit_key,
)
from frontdesk.servicetitan.recorder import Exchange, Recorder, Redactor, as_recorder
from frontdesk.servicetitan.resources import Accounting, Crm, Dispatch, Jpm, Marketing, Memberships, Settings
from frontdesk.servicetitan.retry import SAFE_METHODS, RetryPolicy, parse_retry_after
from frontdesk.servicetitan.settings import ServiceTitanSettings
from frontdesk.servicetitan.transport import PooledTransport

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger("frontdesk.servicetitan")

M = TypeVar("M", bound=BaseModel)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0, pool=10.0)
USER_AGENT = "frontdesk-servicetitan/0.1"
_HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json"}
# connections kept to ServiceTitan: its limit of 60 requests a second per tenant needs far fewer than this
MAX_CONNECTIONS = 16


class _NoAnswer(Exception):
    """A try that got no HTTP answer; ``sent`` tells whether the request may have reached the server."""

    def __init__(self, cause: BaseException, *, sent: bool, timed_out: bool) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.sent = sent
        self.timed_out = timed_out


class ServiceTitanClient:
    """Async client for ServiceTitan's API v2 (or the local sandbox).

    ``async with ServiceTitanClient(ServiceTitanSettings()) as st: await st.crm.customers.get(42)``.
    Inject ``transport`` (e.g. ``httpx.ASGITransport(app=sandbox)``), ``monotonic``/``sleep``/``clock`` for
    tests, ``redis`` to share tokens and the rate limit with other workers, ``recorder`` to receive every
    exchange (redacted).
    """

    def __init__(
        self,
        settings: ServiceTitanSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | float | None = None,
        attempt_timeout: float | None = None,
        limits: httpx.Limits | None = None,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        token_cache: TokenCache | None = None,
        redis: Redis | None = None,
        recorder: Recorder | None = None,
        clock: Clock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        redis_prefix: str = "frontdesk:st:",
    ) -> None:
        self.config = settings
        self.tenant_id = settings.tenant_id
        self.retry = retry or RetryPolicy()
        self._monotonic = monotonic
        self._sleep = sleep
        self._clock = clock or SystemClock()
        self._rng = rng or random.Random()
        if timeout is None:
            self._timeout = DEFAULT_TIMEOUT
        elif isinstance(timeout, httpx.Timeout):
            self._timeout = timeout
        else:
            self._timeout = httpx.Timeout(timeout)
        # httpx's timeouts are per phase and do not apply to in-process transports; this bounds a whole try
        self.attempt_timeout = attempt_timeout or (self._timeout.connect or 0) + (self._timeout.read or 30.0)
        limits = limits or httpx.Limits(
            max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS
        )
        # exchanges beyond the pool's size wait here, before they reach any transport: a call that gives up
        # while waiting is then known never to have left, and no transport's queue (httpcore's re-scans every
        # waiting request whenever one starts or ends) grows with hundreds of conversations calling at once
        self._slots = asyncio.Semaphore(limits.max_connections or MAX_CONNECTIONS)
        # requests go straight to the transport: httpx's AsyncClient around it would add a second parse of
        # every URL, a cookie jar and redirect handling, none of which ServiceTitan's API uses, and which
        # together cost about a third of the client's CPU per call (bench/client_cpu.py)
        self._transport = transport or PooledTransport(limits)
        self._timeouts = self._timeout.as_dict()
        app_key = settings.app_key.get_secret_value()
        self._app_key = app_key
        self._client_secret = settings.client_secret.get_secret_value()
        self.redactor = Redactor([self._client_secret, app_key])
        self._record = as_recorder(recorder)
        self._owns_redis = False
        if redis is None and settings.redis_url:
            from redis.asyncio import Redis as _Redis

            redis = _Redis.from_url(settings.redis_url)
            self._owns_redis = True
        self._redis = redis
        self.rate_key = limit_key(app_key, settings.tenant_id)
        if limiter is None:
            if redis is not None:
                limiter = RedisRateLimiter(
                    redis,
                    settings.rate_limit_per_second,
                    PACING_WINDOW,
                    prefix=redis_prefix + "ratelimit:",
                    sleep=sleep,
                    monotonic=monotonic,
                )
            else:
                limiter = SlidingWindowLimiter(
                    settings.rate_limit_per_second, PACING_WINDOW, monotonic=monotonic, sleep=sleep
                )
        self.limiter = limiter
        self.tokens = TokenProvider(
            settings.token_url,
            settings.client_id,
            self._fetch_token,
            cache=token_cache,
            shared=RedisTokenStore(redis, prefix=redis_prefix + "token:", clock=self._clock)
            if redis is not None
            else None,
            margin=settings.token_margin_seconds,
            monotonic=monotonic,
            sleep=sleep,
            on_token=self.redactor.add_secret,
        )
        self._context = ErrorContext(
            environment=settings.environment.value,
            tenant_id=settings.tenant_id,
            client_id=settings.client_id,
            rate_limit_per_second=settings.rate_limit_per_second,
        )
        self.crm = Crm(self)
        self.jpm = Jpm(self)
        self.dispatch = Dispatch(self)
        self.settings = Settings(self)
        self.accounting = Accounting(self)
        self.memberships = Memberships(self)
        self.marketing = Marketing(self)

    async def __aenter__(self) -> ServiceTitanClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()
        if self._owns_redis and self._redis is not None:
            await self._redis.aclose()

    # --- the public calls -------------------------------------------------------------------------

    def url(self, module: str, path: str) -> str:
        """``{api}/{module}/v2/tenant/{tenant}/{path}``."""
        if not module or "/" in module:
            raise ValueError(f"not a ServiceTitan module name: {module!r}")
        return f"{self.config.api_base}/{module}/v2/tenant/{self.tenant_id}/{path.lstrip('/')}"

    async def request(
        self,
        method: str,
        module: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Call any operation; returns the decoded JSON answer (None when the answer is empty).

        ``idempotent=True`` marks a POST that only reads (capacity): it is retried after a 5xx or a
        timeout like a GET. By default only GET, HEAD and OPTIONS are.
        """
        response = await self.send(method, module, path, params=params, json=json, idempotent=idempotent)
        return decode_body(response)

    async def send(
        self,
        method: str,
        module: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Like ``request`` but returns the successful httpx answer itself."""
        content = encode_json(json) if json is not None else None
        headers = {"Content-Type": "application/json"} if content is not None else {}
        return await self._call(
            method.upper(),
            self.url(module, path),
            encode_params(params),
            content,
            headers,
            kind="api",
            idempotent=idempotent,
        )

    async def send_url(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Call an absolute URL on this connection's API, with auth, pacing, retries and recording.

        Query names are sent as given. Authorization and ST-App-Key are always this client's own.
        """
        if not url.startswith(self.config.api_base + "/"):
            raise ValueError(
                f"{self._safe_url(url)} is not on this connection's API ({self.config.api_base})"
            )
        content = encode_json(json) if json is not None else None
        send_headers = dict(headers or {})
        if content is not None:
            send_headers["Content-Type"] = "application/json"
        return await self._call(method.upper(), url, dict(params or {}), content, send_headers, kind="api")

    async def get_model(
        self, model: type[M], module: str, path: str, params: Mapping[str, Any] | None = None
    ) -> M:
        return model.model_validate(await self.request("GET", module, path, params=params))

    def paginate(
        self,
        model: type[M],
        module: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        page_size: int = BULK_PAGE_SIZE,
    ) -> PageIterator[M]:
        """Every item of a list operation; ``page_size`` defaults to ServiceTitan's maximum, 5000."""

        async def fetch(page: int, size: int) -> Page[M]:
            response = await self.send(
                "GET", module, path, params={**(params or {}), "page": page, "pageSize": size}
            )
            # validated straight from the bytes: pydantic reads JSON faster than json.loads + validation
            return page_of(model).model_validate_json(response.content)

        return PageIterator(fetch, page_size=page_size)

    def export(
        self,
        model: type[M],
        module: str,
        path: str,
        *,
        start: str | datetime | None = None,
        include_recent_changes: bool = False,
    ) -> ExportIterator[M]:
        """An export feed from ``start`` (a continueFrom token or a date; None: from the beginning)."""

        async def fetch(token: str | None) -> bytes:
            params: dict[str, Any] = {"from": token, "includeRecentChanges": include_recent_changes or None}
            return (await self.send("GET", module, path, params=params)).content

        def parse(answer: bytes) -> ExportPage[M]:
            return export_page_of(model).model_validate_json(answer)

        first = iso(start) if isinstance(start, datetime) else start
        return ExportIterator(fetch, parse, start=first)

    # --- one call, with its retries ---------------------------------------------------------------

    async def _call(
        self,
        method: str,
        url: str,
        params: dict[str, str],
        content: bytes | None,
        headers: dict[str, str],
        *,
        kind: str,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        policy = self.retry
        token_call = kind == "token"
        deadline = self._monotonic() + policy.deadline
        attempt = 0
        renewed = False
        # asking for a token twice does no harm, nor does a POST that only reads
        safe = token_call or (method in SAFE_METHODS if idempotent is None else idempotent)
        while True:
            attempt += 1
            token = None
            send_headers = dict(headers)
            if not token_call:
                token = await self.tokens.get()
                await self.limiter.acquire(self.rate_key)
                send_headers["Authorization"] = f"Bearer {token}"
                send_headers["ST-App-Key"] = self._app_key
            remaining = deadline - self._monotonic()
            try:
                response = await self._send_once(
                    method,
                    url,
                    params,
                    content,
                    send_headers,
                    attempt,
                    kind,
                    min(self.attempt_timeout, remaining),
                )
            except _NoAnswer as failure:
                error = self._transport_error(failure, method, url)
                if attempt < policy.max_attempts and policy.retries_transport_error(
                    method, sent=failure.sent, idempotent=safe
                ):
                    wait = policy.backoff(attempt, self._rng)
                    if self._monotonic() + wait < deadline:
                        log.info(
                            "retrying %s %s in %.2f s after %s",
                            method,
                            self._safe_url(url),
                            wait,
                            error.message,
                        )
                        await self._sleep(wait)
                        continue
                raise error from None
            status = response.status_code
            if status < 400:
                return response
            if status == 401 and token is not None and not renewed:
                # expired early or revoked: one fresh token, one more try
                renewed = True
                log.info("401 from %s; renewing the token once", self._safe_url(url))
                await self.tokens.invalidate(token)
                continue
            retry_after = parse_retry_after(response.headers.get("Retry-After"), self._clock.now())
            error = error_from_response(
                status,
                decode_body(response),
                method=method,
                url=self._safe_url(url),
                retry_after=retry_after,
                context=self._error_context(token_call),
            )
            if attempt < policy.max_attempts and policy.retries_status(method, status, idempotent=safe):
                if status == 429:
                    wait = policy.wait_after_429(retry_after, attempt, self._rng)
                else:
                    wait = policy.backoff(attempt, self._rng)
                if self._monotonic() + wait <= deadline:
                    log.info("retrying %s %s in %.2f s after %d", method, self._safe_url(url), wait, status)
                    await self._sleep(wait)
                    continue
            raise error

    async def _send_once(
        self,
        method: str,
        url: str,
        params: dict[str, str],
        content: bytes | None,
        headers: dict[str, str],
        attempt: int,
        kind: str,
        limit: float,
    ) -> httpx.Response:
        request = httpx.Request(
            method,
            f"{url}?{httpx.QueryParams(params)}" if params else url,
            content=content,
            headers={**_HEADERS, **headers},
            extensions={"timeout": self._timeouts},
        )
        started_at = self._clock.now()
        began = time.perf_counter()
        response: httpx.Response | None = None
        failure: _NoAnswer | None = None
        on_wire = False
        try:
            if limit <= 0:
                raise TimeoutError("the call's deadline passed")
            async with asyncio.timeout(limit), self._slots:
                on_wire = True
                response = await self._exchange(request)
        except TimeoutError as exc:
            # our bound on the whole try: once sending began, the request may have reached the server
            failure = _NoAnswer(exc, sent=on_wire, timed_out=True)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            failure = _NoAnswer(exc, sent=False, timed_out=isinstance(exc, httpx.TimeoutException))
        except httpx.TimeoutException as exc:
            failure = _NoAnswer(exc, sent=True, timed_out=True)
        except httpx.TransportError as exc:
            failure = _NoAnswer(exc, sent=True, timed_out=False)
        elapsed = time.perf_counter() - began
        self._emit(request, response, started_at, elapsed, attempt, kind, failure)
        if failure is not None:
            raise failure
        assert response is not None
        return response

    async def _exchange(self, request: httpx.Request) -> httpx.Response:
        """One request through the transport, its answer read whole."""
        response = await self._transport.handle_async_request(request)
        response.request = request
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response

    def _emit(
        self,
        request: httpx.Request,
        response: httpx.Response | None,
        started_at: datetime,
        elapsed: float,
        attempt: int,
        kind: str,
        failure: _NoAnswer | None,
    ) -> None:
        """Log and record one exchange; everything passes through the redactor first."""
        status = response.status_code if response is not None else None
        error = f"{type(failure.cause).__name__}: {failure}" if failure is not None else None
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s %s -> %s in %.0f ms (attempt %d)",
                request.method,
                self.redactor.url(str(request.url)),
                status if status is not None else self.redactor.text(error or ""),
                elapsed * 1000,
                attempt,
            )
        if self._record is None:
            return
        raw = Exchange(
            method=request.method,
            url=str(request.url),
            request_headers=dict(request.headers),
            request_body=request.content.decode("utf-8", "replace") if request.content else None,
            status=status,
            response_headers=dict(response.headers) if response is not None else {},
            response_body=response.text if response is not None else None,
            started_at=started_at,
            elapsed=elapsed,
            attempt=attempt,
            kind=kind,
            error=error,
        )
        try:
            self._record(self.redactor.exchange(raw))
        except Exception:  # a broken recorder must not break the call
            log.exception("the exchange recorder failed")

    def _transport_error(self, failure: _NoAnswer, method: str, url: str) -> ServiceTitanError:
        safe_url = self._safe_url(url)
        reached = "may have reached ServiceTitan" if failure.sent else "never reached ServiceTitan"
        advice = (
            ("Reads were retried with backoff. " if method in SAFE_METHODS else "")
            + f"This request {reached}"
            + ("; for a write, check whether it took effect before trying again." if failure.sent else ".")
        )
        detail = self.redactor.text(str(failure) or type(failure.cause).__name__)
        if failure.timed_out:
            return Timeout(f"No answer in time ({detail})", method=method, url=safe_url, advice=advice)
        return ConnectionFailed(f"Connection failed ({detail})", method=method, url=safe_url, advice=advice)

    def _safe_url(self, url: str) -> str:
        return self.redactor.url(url)

    def _error_context(self, token_call: bool) -> ErrorContext:
        return replace(self._context, token_request=True) if token_call else self._context

    # --- tokens -----------------------------------------------------------------------------------

    async def _fetch_token(self) -> TokenAnswer:
        form = httpx.QueryParams(
            {
                "grant_type": "client_credentials",
                "client_id": self.config.client_id,
                "client_secret": self._client_secret,
            }
        )
        response = await self._call(
            "POST",
            self.config.token_url,
            {},
            str(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
            kind="token",
        )
        body = decode_body(response)
        if not isinstance(body, dict) or not body.get("access_token"):
            raise ServiceTitanError(
                "The token endpoint answered without an access token",
                status=response.status_code,
                method="POST",
                url=self._safe_url(self.config.token_url),
                advice=f"Check that {self.config.auth_base} is ServiceTitan's auth server (or the sandbox's).",
            )
        try:
            expires_in = float(body.get("expires_in") or 900)
        except (TypeError, ValueError):
            expires_in = 900.0
        return TokenAnswer(str(body["access_token"]), expires_in, str(body.get("scope") or ""))

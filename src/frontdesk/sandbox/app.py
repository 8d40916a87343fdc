"""The sandbox's ASGI application: ServiceTitan's URL space, auth, limits and faults in front of routes."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from frontdesk.clock import Clock, FrozenClock, SystemClock, iso, parse_instant
from frontdesk.sandbox import api  # noqa: F401  (registers every route module)
from frontdesk.sandbox.auth import Authority, Principal
from frontdesk.sandbox.config import SandboxConfig
from frontdesk.sandbox.faults import FaultInjector, FaultPlan
from frontdesk.sandbox.jsonio import dumps, loads
from frontdesk.sandbox.problems import Problem, problem_response
from frontdesk.sandbox.ratelimit import SlidingWindow, retry_after_header
from frontdesk.sandbox.registry import REGISTRY, Ctx
from frontdesk.sandbox.registry import Route as ApiRoute
from frontdesk.sandbox.spec import body_errors, parse_query
from frontdesk.sandbox.store import Store
from frontdesk.sandbox.tables import open_store

log = logging.getLogger("frontdesk.sandbox")


class Sandbox:
    """State shared by every request: configuration, data, clock, tokens, limits and faults."""

    def __init__(
        self,
        config: SandboxConfig,
        store: Store | None = None,
        clock: Clock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.store = store or open_store(config.database)
        self.clock: Clock = clock or (FrozenClock(config.now) if config.now else SystemClock())
        self.limiter = SlidingWindow(config.rate_limit_per_second, 1.0, monotonic)
        self.authority = Authority(
            config, self.store, self.clock, SlidingWindow(config.token_requests_per_minute, 60.0, monotonic)
        )
        self.faults = FaultInjector(config.faults)
        self.stats: Counter[str] = Counter()
        self._trace = random.Random(config.seed)

    def trace_id(self) -> str:
        return f"00-{self._trace.getrandbits(128):032x}-{self._trace.getrandbits(64):016x}-00"

    def ensure_data(self) -> None:
        """Generate demo data for every configured tenant that has none yet."""
        from frontdesk.sandbox.seed import generate

        for tenant in sorted(self.config.tenants):
            if self.store["business_units"].count(tenant) == 0:
                generate(
                    self.store,
                    tenant,
                    seed=self.config.seed,
                    customers=self.config.customers,
                    now=self.clock.now(),
                    time_zone=self.config.time_zone,
                )


async def _apply_fault(sandbox: Sandbox, request: Request) -> None:
    if not sandbox.faults.plan.rules:  # the usual case: skip building the URL on every request
        return
    fault = sandbox.faults.decide(request.method, request.scope["path"])
    if fault.delay:
        await asyncio.sleep(fault.delay)
    if fault.hang:
        await asyncio.sleep(fault.hang)
        raise Problem(504, title="The request timed out.")
    if fault.status:
        headers = {"Retry-After": retry_after_header(fault.retry_after)} if fault.retry_after else {}
        raise Problem(fault.status, title=f"Injected fault ({fault.status}).", headers=headers)


async def _read_json(sandbox: Sandbox, request: Request) -> Any:
    declared = request.headers.get("content-length")
    if declared and _is_number(declared) and int(declared) > sandbox.config.max_body_bytes:
        raise Problem(413, title="The request body is too large.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > sandbox.config.max_body_bytes:
            raise Problem(413, title="The request body is too large.")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        return None
    try:
        return loads(raw)
    except ValueError:
        raise Problem(400, errors={"$": ["The request body is not valid JSON."]}) from None


def _is_number(text: str, digits: int = 18) -> bool:
    # ASCII only: str.isdigit() accepts '²' and other digits that int() rejects, and int() refuses
    # strings of more than 4300 digits; no ServiceTitan id has more than 18 digits.
    return text.isascii() and text.isdigit() and len(text) <= digits


def _endpoint(sandbox: Sandbox, api_route: ApiRoute) -> Callable[[Request], Any]:
    op = api_route.operation

    async def endpoint(request: Request) -> Response:
        sandbox.stats["requests"] += 1
        sandbox.stats[op.operation_id] += 1
        trace = sandbox.trace_id()
        try:
            await _apply_fault(sandbox, request)
            principal: Principal = sandbox.authority.authenticate(request)
            raw_tenant = request.path_params.get("tenant", "")
            if not _is_number(raw_tenant):
                raise Problem(
                    404,
                    title="Unknown tenant.",
                    errors={"tenant": ["The tenant id must be a number of at most 18 digits."]},
                )
            tenant = int(raw_tenant)
            if tenant not in principal.tenants:
                raise Problem(
                    403,
                    title=f"The client is not authorized for tenant {tenant}.",
                    errors={"tenant": [f"Tenant {tenant} has not granted access to this application."]},
                )
            wait = sandbox.limiter.hit((principal.app_key, tenant))
            if wait is not None:
                sandbox.stats["rate_limited"] += 1
                raise Problem(
                    429,
                    title=f"Rate limit exceeded: {sandbox.config.rate_limit_per_second} requests per second "
                    "per application and tenant.",
                    headers={"Retry-After": retry_after_header(wait)},
                )
            if not principal.has_scope(api_route.scope):
                raise Problem(
                    403,
                    title=f"The application lacks the scope {api_route.scope}.",
                    errors={"": [f"This call requires the scope '{api_route.scope}'."]},
                    data={"requiredScope": api_route.scope},
                )
            path: dict[str, int] = {}
            for name in op.path_params:
                if name == "tenant":
                    continue
                value = request.path_params.get(name, "")
                if not _is_number(value):
                    raise Problem(404, title=f"No {name} '{value[:40]}'.", errors={name: ["Not found."]})
                path[name] = int(value)
            query, errors = parse_query(op, request.query_params.multi_items())
            if errors:
                raise Problem(400, errors=errors)
            body = None
            if op.body_schema is not None:
                body = await _read_json(sandbox, request)
                if body is None and op.body_required:
                    raise Problem(400, errors={"$": ["A non-empty request body is required."]})
                if body is not None:
                    errors = body_errors(op, body)
                    if errors:
                        raise Problem(400, errors=errors)
            ctx = Ctx(sandbox, op, tenant, path, query, body, principal.client_id)
            result = api_route.handler(ctx)
        except Problem as problem:
            return problem_response(problem, trace, as_text=problem.status in op.text_errors)
        except Exception:
            log.exception("sandbox error in %s", op.operation_id)
            return problem_response(Problem(500), trace)
        if isinstance(result, Response):
            return result
        if result is None:
            return Response(status_code=200)
        return Response(dumps(result), media_type="application/json")

    return endpoint


def _route_key(path: str) -> tuple[tuple[int, str], ...]:
    # literal segments before parameters, so /customers/contacts wins over /customers/{id}
    return tuple((1, "") if seg.startswith("{") else (0, seg) for seg in path.split("/"))


async def _control_body(request: Request) -> dict[str, Any] | None:
    """A control request's JSON object ({} when the body is empty), or None when it is not one."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _control_routes(sandbox: Sandbox) -> list[BaseRoute]:
    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "now": iso(sandbox.clock.now())})

    async def faults(request: Request) -> Response:
        if request.method == "PUT":
            try:
                plan = FaultPlan.model_validate(loads(await request.body()))
            except ValueError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            sandbox.faults.configure(plan)
        elif request.method == "DELETE":
            sandbox.faults.configure(FaultPlan())
        return JSONResponse({**sandbox.faults.plan.model_dump(), "injected": sandbox.faults.injected})

    async def revoke(request: Request) -> Response:
        data = await _control_body(request)
        client_id = data.get("client_id") if data is not None else None
        if data is None or not isinstance(client_id, str | None):
            return JSONResponse({"error": 'send {} or {"client_id": "..."}'}, status_code=400)
        return JSONResponse({"revoked": sandbox.authority.revoke(client_id)})

    async def clock(request: Request) -> Response:
        if request.method == "PUT":
            if not isinstance(sandbox.clock, FrozenClock):
                return JSONResponse({"error": "the clock is not frozen (start with --now)"}, status_code=409)
            data = await _control_body(request)
            if data is None:
                return JSONResponse(
                    {"error": 'send {"now": "<instant>"} or {"advance": <seconds>}'}, status_code=400
                )
            try:
                if "now" in data:
                    sandbox.clock.set(parse_instant(str(data["now"])))
                if "advance" in data:
                    sandbox.clock.advance(float(data["advance"]))
            except (ValueError, TypeError, OverflowError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(
            {"now": iso(sandbox.clock.now()), "frozen": isinstance(sandbox.clock, FrozenClock)}
        )

    async def stats(request: Request) -> Response:
        if request.method == "DELETE":
            sandbox.stats.clear()
            sandbox.authority.token_requests = 0
        return JSONResponse({**sandbox.stats, "token_requests": sandbox.authority.token_requests})

    return [
        Route("/_sandbox/health", health, methods=["GET"]),
        Route("/_sandbox/faults", faults, methods=["GET", "PUT", "DELETE"]),
        Route("/_sandbox/tokens/revoke", revoke, methods=["POST"]),
        Route("/_sandbox/clock", clock, methods=["GET", "PUT"]),
        Route("/_sandbox/stats", stats, methods=["GET", "DELETE"]),
    ]


def create_app(
    config: SandboxConfig | None = None,
    *,
    store: Store | None = None,
    clock: Clock | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    generate: bool = True,
) -> Starlette:
    """A ServiceTitan-compatible API; ``app.state.sandbox`` gives tests its store, clock and faults."""
    config = config or SandboxConfig()
    sandbox = Sandbox(config, store, clock, monotonic)
    if generate:
        sandbox.ensure_data()

    async def token(request: Request) -> Response:
        sandbox.stats["token_endpoint"] += 1
        try:
            await _apply_fault(sandbox, request)
        except Problem as problem:
            return problem_response(problem, sandbox.trace_id())
        return await sandbox.authority.token_endpoint(request)

    routes: list[BaseRoute] = [Route("/connect/token", token, methods=["POST"])]
    for api_route in sorted(REGISTRY.routes.values(), key=lambda r: _route_key(r.operation.url_path)):
        routes.append(
            Route(
                api_route.operation.url_path,
                _endpoint(sandbox, api_route),
                methods=[api_route.operation.method],
            )
        )
    if config.control:
        routes.extend(_control_routes(sandbox))

    async def not_found(request: Request, exc: Exception) -> Response:
        return problem_response(
            Problem(404, title=f"No resource at {request.url.path[:200]}."), sandbox.trace_id()
        )

    async def not_allowed(request: Request, exc: Exception) -> Response:
        allow = dict(getattr(exc, "headers", None) or {})  # keep the Allow header RFC 9110 requires
        return problem_response(
            Problem(405, title=f"{request.method} is not allowed here.", headers=allow), sandbox.trace_id()
        )

    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_allowed})
    app.state.sandbox = sandbox
    return app

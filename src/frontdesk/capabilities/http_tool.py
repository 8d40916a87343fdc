"""A declarative HTTP tool: one call described in a capability file, run like any other tool.

A ServiceTitan URL (``https://api.servicetitan.io/…``, the integration host, or ``{{api_url}}/…``) goes
through the connection's ServiceTitanClient, on whatever API that connection points at (production,
integration or the sandbox), so tokens, the rate limit, retries and recording apply and the credentials
come from the client, never from the file. Any other host is called with a plain httpx client, recorded
the same way with its secrets redacted.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx
from jsonschema import Draft7Validator

from frontdesk.capabilities import variables
from frontdesk.capabilities.capture import capture_exchange
from frontdesk.capabilities.compact import compact
from frontdesk.capabilities.data_facts import facts_from
from frontdesk.capabilities.model import HttpToolDef, Param
from frontdesk.capabilities.tool import Tool, ToolContext, ToolResult
from frontdesk.servicetitan.errors import NotFound
from frontdesk.servicetitan.recorder import Exchange, Redactor

SERVICETITAN_ORIGINS = ("https://api.servicetitan.io", "https://api-integration.servicetitan.io")
_API_URL = re.compile(r"^\{\{\s*api_url\s*\}\}")
# set by the ServiceTitan client on every call; a file's values for them are only the guide's reminder
_CLIENT_HEADERS = frozenset({"authorization", "st-app-key", "content-type"})
CUSTOMER_PARAMS = ("customerId", "customer_id")
DEFAULT_TIMEOUT = 15.0


def servicetitan_path(url: str) -> str | None:
    """The path of a ServiceTitan URL (``/crm/v2/…``), or None when the URL is another host's."""
    text = url.strip()
    match = _API_URL.match(text)
    if match:
        return "/" + text[match.end() :].lstrip("/")
    for origin in SERVICETITAN_ORIGINS:
        if text.lower().startswith(origin + "/"):
            return text[len(origin) :]
    return None


def wire(value: Any) -> str:
    """A value as text in a query string or header."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(wire(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def only_whether_found(result: ToolResult) -> ToolResult:
    """What a lookup may tell before the customer is verified: that something matched, nothing more."""
    count = result.data.get("count", 1)
    return ToolResult(
        status=result.status,
        data={"found": True, "count": count},
        message="A match was found. Verify the customer before sharing or using any of its details.",
    )


class HttpTool(Tool):
    """Runs an ``HttpToolDef``. ``secrets`` are the values of the file's ``{{secret.NAME}}`` placeholders."""

    def __init__(
        self,
        definition: HttpToolDef,
        *,
        secrets: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.definition = definition
        self.id = definition.id
        self.description = definition.description
        self.effect = definition.tool_effect
        self.access = definition.access
        self.st_path = servicetitan_path(definition.url)
        self._secrets = {f"{variables.SECRET_PREFIX}{k}": v for k, v in (secrets or {}).items()}
        self._transport = transport
        self._timeout = timeout
        self._params = {p.name: p for p in definition.params}
        self._validator = Draft7Validator(self.parameters())

    # --- the contract ---------------------------------------------------------------------------

    def parameters(self) -> dict[str, Any]:
        required = [p.name for p in self.definition.params if p.required or p.location == "path"]
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {p.name: p.json_schema() for p in self.definition.params},
            "additionalProperties": False,
        }
        if required:
            schema["required"] = required
        return schema

    async def summarize(self, ctx: ToolContext, args: dict[str, Any]) -> str:
        values = self._arguments(ctx, args)
        if self.definition.summary:
            filled = {name: wire(values[name]) if name in values else "" for name in self._params}
            return " ".join(variables.render(self.definition.summary, filled).split())
        details = ", ".join(f"{name}: {wire(value)}" for name, value in values.items())
        return f"{self.description.rstrip('.')}" + (f" ({details})" if details else "")

    # --- running ----------------------------------------------------------------------------------

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        result = await self._run(ctx, args)
        if self.access == "lookup" and not ctx.state.verified and result.ok:
            return only_whether_found(result)
        return result

    async def _run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        values = self._arguments(ctx, args)
        problems = [
            f"{'/'.join(map(str, e.absolute_path)) or 'arguments'}: {e.message}"
            for e in self._validator.iter_errors(values)
        ]
        if problems:
            return ToolResult.error("The arguments are not valid: " + "; ".join(problems[:5]))
        query = {p.name: wire(values[p.name]) for p in self._located("query") if p.name in values}
        body = {p.name: values[p.name] for p in self._located("body") if p.name in values}
        json_body = body if body or self._located("body") else None
        connection = self._connection(ctx)
        if self.st_path is not None:
            url = ctx.client.config.api_base + self._render_url(self.st_path, connection, values)
            headers = self._headers(connection, servicetitan=True)
            try:
                response = await ctx.client.send_url(
                    self.definition.method, url, params=query, json=json_body, headers=headers
                )
            except NotFound as exc:
                return ToolResult(status="not_found", message=f"ServiceTitan found nothing: {exc.message}")
            return self._answer(response)
        url = self._render_url(self.definition.url, connection, values)
        headers = self._headers(connection, servicetitan=False)
        return await self._call_other(ctx, url, query, json_body, headers)

    def _located(self, location: str) -> list[Param]:
        return [p for p in self.definition.params if p.location == location]

    def _arguments(self, ctx: ToolContext, args: Mapping[str, Any]) -> dict[str, Any]:
        values = dict(args)
        for param in self.definition.params:
            if param.name not in values and param.default is not None:
                values[param.name] = param.default
        verified = ctx.state.verified_customer_id
        if self.access == "account" and verified is not None:
            # an account tool only ever reads the verified customer's records, so it is scoped to them
            # even when the model leaves the customer out (which would otherwise list everybody's)
            for name in CUSTOMER_PARAMS:
                if name in self._params and name not in values:
                    values[name] = verified
        return values

    def _connection(self, ctx: ToolContext) -> dict[str, str]:
        return {
            "tenant_id": str(ctx.client.tenant_id),
            "api_url": ctx.client.config.api_base,
            **self._secrets,
        }

    def _render_url(self, template: str, connection: Mapping[str, str], values: Mapping[str, Any]) -> str:
        filled = {
            **connection,
            **{p.name: wire(values[p.name]) for p in self._located("path") if p.name in values},
        }
        return variables.render(template, filled, encode=variables.path_segment)

    def _headers(self, connection: Mapping[str, str], *, servicetitan: bool) -> dict[str, str]:
        out = {}
        for name, template in self.definition.headers.items():
            uses_credentials = bool(set(variables.names(template)) & variables.CREDENTIALS)
            if servicetitan and (name.lower() in _CLIENT_HEADERS or uses_credentials):
                continue  # ServiceTitan's client sends the credentials itself
            out[name] = variables.render(template, connection)
        return out

    def _answer(self, response: httpx.Response, host: str = "ServiceTitan") -> ToolResult:
        try:
            decoded: Any = response.json() if response.content else None
        except ValueError:
            decoded = response.text
        if response.status_code == 404:
            return ToolResult(status="not_found", message=f"{host} found nothing for that request.")
        shrunk = compact(decoded, fields=self.definition.fields, max_items=self.definition.max_items)
        if response.status_code >= 400:
            return ToolResult(
                status="error",
                message=f"{host} answered {response.status_code}; the request was not carried out.",
                data=shrunk.data,
            )
        note = "; ".join(shrunk.notes) or None
        if shrunk.data.get("count") == 0:
            return ToolResult(status="not_found", data=shrunk.data, message="No matching records.")
        return ToolResult(data=shrunk.data, message=note, facts=facts_from(shrunk.data, self.id))

    async def _call_other(
        self,
        ctx: ToolContext,
        url: str,
        query: dict[str, str],
        body: dict[str, Any] | None,
        headers: dict[str, str],
    ) -> ToolResult:
        host = urlsplit(url).hostname or "the service"
        redactor = Redactor(self._secrets.values())
        async with httpx.AsyncClient(
            transport=self._transport, timeout=self._timeout, follow_redirects=False
        ) as http:
            request = http.build_request(
                self.definition.method, url, params=query or None, json=body, headers=headers
            )
            started_at = ctx.clock.now()
            began = time.perf_counter()
            response: httpx.Response | None = None
            error: str | None = None
            try:
                response = await http.send(request)
            except httpx.TimeoutException as exc:
                error = f"{type(exc).__name__}: no answer within {self._timeout:g} s"
            except httpx.TransportError as exc:
                error = f"{type(exc).__name__}: {exc}"
            capture_exchange(
                redactor.exchange(
                    Exchange(
                        method=request.method,
                        url=str(request.url),
                        request_headers=dict(request.headers),
                        request_body=request.content.decode("utf-8", "replace") if request.content else None,
                        status=response.status_code if response is not None else None,
                        response_headers=dict(response.headers) if response is not None else {},
                        response_body=response.text if response is not None else None,
                        started_at=started_at,
                        elapsed=time.perf_counter() - began,
                        attempt=1,
                        kind="http",
                        error=error,
                    )
                )
            )
        if response is None:
            detail = redactor.text(error or "")
            return ToolResult.error(f"{host} could not be reached ({detail}). Try again later or hand over.")
        return self._answer(response, host)

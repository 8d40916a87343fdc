"""ServiceTitan's published OpenAPI documents, turned into request validators for the sandbox.

The sandbox answers only operations found in the vendored documents (``openapi/``), and checks each
request's query parameters and JSON body against them before any route code runs: a request the
published schema marks invalid gets the 400 problem ServiceTitan would send.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from frontdesk.clock import parse_instant

MODULES = ("crm", "jpm", "dispatch", "settings", "accounting", "memberships", "marketing")
_METHODS = ("get", "post", "put", "patch", "delete")
_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class QueryParam:
    name: str
    kind: str  # integer | number | boolean | string | date-time | enum | array
    required: bool = False
    enum: tuple[str, ...] = ()
    item_kind: str = "string"
    int_range: tuple[int, int] = _INT64


@dataclass
class Operation:
    module: str
    operation_id: str
    method: str
    path: str  # as published, e.g. /tenant/{tenant}/customers/{id}
    path_params: tuple[str, ...]
    query: dict[str, QueryParam]
    body_schema: dict[str, Any] | None
    body_required: bool
    response_schema: dict[str, Any] | None
    # error statuses whose published body is a plain string rather than problem details (e.g. the 400 of
    # TechnicianTracking_Get): the sandbox answers those as documented
    text_errors: frozenset[int] = frozenset()
    _validator: Draft7Validator | None = field(default=None, repr=False)

    @property
    def url_path(self) -> str:
        """The route as served: ``/{module}/v2/tenant/{tenant}/...``."""
        return f"/{self.module}/v2{self.path}"

    def validator(self) -> Draft7Validator | None:
        if self.body_schema is None:
            return None
        if self._validator is None:
            self._validator = Draft7Validator(self.body_schema, format_checker=_FORMATS)
        return self._validator


_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date-time", raises=(ValueError,))
def _is_datetime(value: object) -> bool:
    if isinstance(value, str):
        parse_instant(value)
    return True


@_FORMATS.checks("date", raises=(ValueError,))
def _is_date(value: object) -> bool:
    if isinstance(value, str):
        datetime.fromisoformat(value)
    return True


def _to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema → JSON Schema (draft 7): ``nullable`` becomes a null alternative."""
    if isinstance(node, list):
        return [_to_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {
        # under "properties" the keys are field names (an invoice item has a field "description")
        k: {name: _to_json_schema(s) for name, s in v.items()} if k == "properties" else _to_json_schema(v)
        for k, v in node.items()
        if k not in ("nullable", "example", "x-enumNames", "description", "readOnly", "writeOnly")
    }
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/definitions/")
    if node.get("format") in ("decimal", "double", "float", "int32", "int64", "html", "guid", "uuid"):
        fmt = node["format"]
        out.pop("format")
        if fmt == "int32":
            out["minimum"], out["maximum"] = _INT32
        elif fmt == "int64":
            out["minimum"], out["maximum"] = _INT64
    if node.get("nullable"):
        if "type" in out and "oneOf" not in out and "anyOf" not in out:
            kind = out["type"]
            out["type"] = [*kind, "null"] if isinstance(kind, list) else [kind, "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    elif "oneOf" in out and len(out["oneOf"]) == 1:
        # ServiceTitan wraps a single $ref in oneOf to attach a description; keep it as the ref itself.
        (only,) = out.pop("oneOf")
        out.pop("type", None)
        out = {**out, **only} if "$ref" not in out else {"allOf": [out, only]}
    return out


@cache
def load_document(module: str) -> dict[str, Any]:
    text = resources.files("frontdesk.sandbox").joinpath(f"openapi/{module}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _resolve(doc: Mapping[str, Any], schema: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _query_param(doc: Mapping[str, Any], raw: Mapping[str, Any]) -> QueryParam:
    schema = raw.get("schema", {})
    if "oneOf" in schema:
        schema = _resolve(doc, schema["oneOf"][0])
    name, required = raw["name"], bool(raw.get("required"))
    if "enum" in schema:
        return QueryParam(name, "enum", required, enum=tuple(schema["enum"]))
    kind = schema.get("type") or "string"
    if kind == "array":
        items = _resolve(doc, schema.get("items", {}))
        item_kind = "enum" if "enum" in items else items.get("type", "string")
        return QueryParam(name, "array", required, enum=tuple(items.get("enum", ())), item_kind=item_kind)
    if kind == "integer":
        bounds = _INT32 if schema.get("format") == "int32" else _INT64
        return QueryParam(name, "integer", required, int_range=bounds)
    if kind == "string" and schema.get("format") == "date-time":
        return QueryParam(name, "date-time", required)
    if kind in ("number", "boolean"):
        return QueryParam(name, kind, required)
    return QueryParam(name, "string", required)


def _body_schema(doc: dict[str, Any], op: Mapping[str, Any]) -> tuple[dict[str, Any] | None, bool]:
    body = op.get("requestBody")
    if not body:
        return None, False
    content = body.get("content", {})
    media = content.get("application/json") or next(iter(content.values()), None)
    if not media or "schema" not in media:
        return None, False
    schema = _to_json_schema(copy.deepcopy(media["schema"]))
    schema["definitions"] = {k: _to_json_schema(v) for k, v in doc["components"]["schemas"].items()}
    return schema, bool(body.get("required", True))


def _response_schema(doc: dict[str, Any], op: Mapping[str, Any]) -> dict[str, Any] | None:
    ok = op.get("responses", {}).get("200", {})
    media = ok.get("content", {}).get("application/json")
    if not media or "schema" not in media:
        return None
    schema = _to_json_schema(copy.deepcopy(media["schema"]))
    schema["definitions"] = {k: _to_json_schema(v) for k, v in doc["components"]["schemas"].items()}
    return schema  # type: ignore[no-any-return]


@cache
def operations() -> dict[str, Operation]:
    """Every vendored operation, by operationId."""
    found: dict[str, Operation] = {}
    for module in MODULES:
        doc = load_document(module)
        for path, item in doc["paths"].items():
            for method in _METHODS:
                if method not in item:
                    continue
                op = item[method]
                params = [*item.get("parameters", []), *op.get("parameters", [])]
                body, body_required = _body_schema(doc, op)
                found[op["operationId"]] = Operation(
                    module=module,
                    operation_id=op["operationId"],
                    method=method.upper(),
                    path=path,
                    path_params=tuple(re.findall(r"{(\w+)}", path)),
                    query={p["name"]: _query_param(doc, p) for p in params if p.get("in") == "query"},
                    body_schema=body,
                    body_required=body_required,
                    response_schema=_response_schema(doc, op),
                    text_errors=frozenset(
                        int(status)
                        for status, answer in op.get("responses", {}).items()
                        if status.isdigit()
                        and int(status) >= 400
                        and answer.get("content", {}).get("application/json", {}).get("schema")
                        == {"type": "string"}
                    ),
                )
    return found


# --- field names in errors, the way ServiceTitan (ASP.NET) spells them --------------------------------


def field_name(path: Iterable[str | int]) -> str:
    """``['appointments', 0, 'end']`` → ``Appointments[0].End``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part[:1].upper() + part[1:]
            out += f".{name}" if out else name
    return out


def _describe(error: ValidationError) -> tuple[str, str]:
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = re.match(r"'([^']+)'", error.message)
        prop = missing.group(1) if missing else "?"
        name = field_name([*path, prop])
        label = prop[:1].upper() + prop[1:]
        return name, f"The {label} field is required."
    if error.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)'", error.message)
        prop = extra[0] if extra else "?"
        return field_name([*path, prop]), f"Could not find member '{prop}' on the request model."
    name = field_name(path) or "$"
    if error.validator in ("type", "anyOf", "oneOf", "allOf", "format", "$ref"):
        return name, f"The JSON value could not be converted for {name or 'the request'}."
    if error.validator == "enum":
        options: list[Any] = list(error.validator_value) if isinstance(error.validator_value, list) else []
        allowed = ", ".join(str(v) for v in options if v is not None)
        return name, f"The value is not one of the allowed values: {allowed}."
    if error.validator in ("minimum", "maximum"):
        return name, f"The value is out of range for {name}."
    return name, error.message


def body_errors(op: Operation, body: Any) -> dict[str, list[str]]:
    """Validation errors of a JSON body against the published schema, keyed by ST-style field name."""
    validator = op.validator()
    if validator is None:
        return {}
    errors: dict[str, list[str]] = {}
    for error in sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path))):
        if error.context and error.validator in ("anyOf", "oneOf"):
            # report the most specific cause of a failed alternative (e.g. a required field inside a ref)
            best = max(error.context, key=lambda e: len(e.absolute_path))
            if best.validator != "type":
                error = best
        name, message = _describe(error)
        errors.setdefault(name, [])
        if message not in errors[name]:
            errors[name].append(message)
    return errors


# --- query strings ---------------------------------------------------------------------------------


def _convert(param: QueryParam, kind: str, raw: str) -> Any:
    if kind == "integer":
        text = raw.strip()
        if not re.fullmatch(r"[+-]?[0-9]+", text):  # int() would also take '1_000' and '²'
            raise ValueError
        value = int(text)
        low, high = param.int_range
        if not low <= value <= high:
            raise ValueError
        return value
    if kind == "number":
        number = float(raw)
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError
        return number
    if kind == "boolean":
        flag = raw.strip().lower()
        if flag in ("true", "1"):
            return True
        if flag in ("false", "0"):
            return False
        raise ValueError
    if kind == "date-time":
        return parse_instant(raw)
    if kind == "enum":
        for allowed in param.enum:
            if allowed.lower() == raw.strip().lower():
                return allowed
        raise ValueError
    return raw


def parse_query(
    op: Operation, items: Iterable[tuple[str, str]]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Typed query values for the operation's declared parameters, and errors for bad ones.

    Names match case-insensitively, as ASP.NET binds them; unknown parameters are ignored, as
    ServiceTitan ignores them; empty values count as absent.
    """
    by_lower = {name.lower(): p for name, p in op.query.items()}
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, raw in items:
        param = by_lower.get(name.lower())
        if param is None or raw == "":
            continue
        try:
            if param.kind == "array":
                parts = [part for part in raw.split(",") if part.strip()]
                converted = [_convert(param, param.item_kind, part) for part in parts]
                values.setdefault(param.name, []).extend(converted)
            else:
                values[param.name] = _convert(param, param.kind, raw)
        except (ValueError, OverflowError):
            hint = f" Allowed values: {', '.join(param.enum)}." if param.enum else ""
            errors.setdefault(param.name, []).append(
                f"The value '{raw[:100]}' is not valid for {param.name}.{hint}"
            )
    for param in op.query.values():
        if param.required and param.name not in values and param.name not in errors:
            errors[param.name] = [f"The {param.name} field is required."]
    return values, errors

"""Loading capability files: everything is checked at load, and each problem names file, field and reason.

A file loads whole or not at all, and a bad file never stops the others (nor the server): its problems
are reported and the rest is used. Placeholders are checked here, so a typo in ``{{tenant_id}}`` is a
load error rather than a failed call in front of a customer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml
from jsonschema import Draft7Validator
from pydantic import ValidationError

from frontdesk.capabilities import variables
from frontdesk.capabilities.http_tool import HttpTool, servicetitan_path
from frontdesk.capabilities.model import BuiltinToolDef, Capability, HttpToolDef, Param
from frontdesk.capabilities.tool import Tool

SECRET_ENV_PREFIX = "FRONTDESK_SECRET_"  # {{secret.NAME}} reads FRONTDESK_SECRET_NAME
_FIXED_TENANT = re.compile(r"/tenant/(?!\{\{\s*tenant_id\s*\}\})")
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
_HEADER_NAME = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


@dataclass(frozen=True)
class LoadError:
    """One problem in one capability file."""

    file: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.reason}"


@dataclass
class LoadResult:
    capabilities: list[Capability] = field(default_factory=list)
    tools: dict[str, Tool] = field(default_factory=dict)
    errors: list[LoadError] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # tool id → the file it came from

    @property
    def ok(self) -> bool:
        return not self.errors


def env_secrets(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The secrets capability files may use: ``FRONTDESK_SECRET_*`` variables, by their short name."""
    env = os.environ if environ is None else environ
    return {k[len(SECRET_ENV_PREFIX) :]: v for k, v in env.items() if k.startswith(SECRET_ENV_PREFIX) and v}


def capability_files(source: str | Path | Iterable[str | Path]) -> list[Path]:
    """The files to load: a directory's ``*.yaml``/``*.yml`` (sorted), or the paths given."""
    if isinstance(source, str | Path):
        path = Path(source)
        if path.is_dir():
            return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        return [path]
    return [Path(p) for p in source]


def load_capabilities(
    source: str | Path | Iterable[str | Path],
    builtins: Mapping[str, Tool] | None = None,
    *,
    secrets: Mapping[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> LoadResult:
    """Load capability files; ``secrets`` default to the ``FRONTDESK_SECRET_*`` environment variables."""
    known = dict(builtins or {})
    secret_values = env_secrets() if secrets is None else dict(secrets)
    result = LoadResult()
    for path in capability_files(source):
        try:
            _load_file(path, known, secret_values, transport, result)
        except Exception as exc:  # a file we did not foresee must still not stop the others
            result.errors.append(LoadError(str(path), "(file)", f"could not be loaded: {exc!r}"))
    return result


def _load_file(
    path: Path,
    known: Mapping[str, Tool],
    secret_values: Mapping[str, str],
    transport: httpx.AsyncBaseTransport | None,
    result: LoadResult,
) -> None:
    name = str(path)
    capability, errors = _parse(path)
    if capability is None:
        result.errors.extend(LoadError(name, f, r) for f, r in errors)
        return
    tools: dict[str, Tool] = {}
    problems: list[tuple[str, str]] = []
    for index, definition in enumerate(capability.tools):
        where = f"tools[{index}]"
        tool: Tool | None = None
        if isinstance(definition, BuiltinToolDef):
            tool = known.get(definition.builtin)
            if tool is None:
                choices = ", ".join(sorted(known)) or "none are registered"
                problems.append(
                    (f"{where}.builtin", f"no built-in tool named {definition.builtin!r} ({choices})")
                )
                continue
        else:
            found = check_http_tool(definition, secret_values)
            problems.extend((f"{where}.{f}", r) for f, r in found)
            if found:
                continue
            used = _secrets_used(definition)
            tool = HttpTool(definition, secrets={k: secret_values[k] for k in used}, transport=transport)
        if tool.id in tools:
            problems.append((f"{where}.id", f"tool id {tool.id!r} appears twice in this file"))
        elif tool.id in result.tools:
            problems.append(
                (f"{where}.id", f"tool id {tool.id!r} is already defined in {result.files[tool.id]}")
            )
        else:
            tools[tool.id] = tool
    if problems:
        result.errors.extend(LoadError(name, f, r) for f, r in problems)
        return
    result.capabilities.append(capability)
    result.tools.update(tools)
    result.files.update(dict.fromkeys(tools, name))


def _parse(path: Path) -> tuple[Capability | None, list[tuple[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return None, [("(file)", f"cannot be read: {exc.strerror or exc}")]
    except UnicodeDecodeError:
        return None, [("(file)", "cannot be read: it is not UTF-8 text")]
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(yaml)"
        return None, [(where, f"YAML syntax: {exc.problem or exc.context or exc}")]
    except yaml.YAMLError as exc:
        return None, [("(yaml)", f"YAML syntax: {exc}")]
    if not isinstance(data, dict):
        return None, [("(top)", "a capability file is a mapping with name, description, instructions, tools")]
    try:
        return Capability.model_validate(data), []
    except ValidationError as exc:
        return None, [(_field_path(e["loc"]), _reason(e)) for e in exc.errors()]


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for index, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        elif index > 0 and isinstance(loc[index - 1], int) and part in ("http", "builtin"):
            continue  # the union's tag, not a field of the file
        else:
            out += ("." if out else "") + part
    return out or "(top)"


def _reason(error: Any) -> str:
    message = str(error["msg"])
    if error["type"] == "missing":
        return "required field is missing"
    if error["type"] == "extra_forbidden":
        return "unknown field (check the spelling)"
    return message.removeprefix("Value error, ")


def _secrets_used(definition: HttpToolDef) -> set[str]:
    texts = [definition.url, *definition.headers.values()]
    return {
        name[len(variables.SECRET_PREFIX) :]
        for text in texts
        for name in variables.names(text)
        if name.startswith(variables.SECRET_PREFIX)
    }


def check_http_tool(definition: HttpToolDef, secrets: Mapping[str, str]) -> list[tuple[str, str]]:
    """What is wrong with a declarative tool beyond its fields' shapes, as (field path, reason)."""
    params = {p.name: p for p in definition.params}
    problems = _check_params(definition)
    problems += _check_url(definition, params, secrets)
    problems += _check_headers(definition, params, secrets)
    if definition.summary is not None:
        for name in variables.names(definition.summary):
            if name not in params:
                problems.append(("summary", f"{_ph(name)} is not a parameter of this tool"))
    return problems


def _ph(name: str) -> str:
    return "{{" + name + "}}"


def _check_params(definition: HttpToolDef) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    url_names = variables.names(definition.url)
    for index, param in enumerate(definition.params):
        where = f"params[{index}]"
        if param.name in seen:
            problems.append((f"{where}.name", f"parameter {param.name!r} is listed twice"))
        seen.add(param.name)
        if param.location == "path" and param.name not in url_names:
            problems.append(
                (f"{where}.location", f"path parameter {param.name!r} has no {_ph(param.name)} in the URL")
            )
        if param.location == "path" and param.type in ("object", "array"):
            problems.append((f"{where}.type", "a path parameter must be a string, number or boolean"))
        if param.location == "body" and definition.method == "GET":
            problems.append((f"{where}.location", "a GET request has no body; use query or path"))
        problems.extend((f"{where}.{f}", r) for f, r in _check_values(param))
    return problems


def _check_url(
    definition: HttpToolDef, params: Mapping[str, Param], secrets: Mapping[str, str]
) -> list[tuple[str, str]]:
    url = definition.url
    problems = [("url", f"{bad!r} is not a valid {{{{variable}}}}") for bad in variables.malformed(url)]
    for position, name in enumerate(variables.names(url)):
        problem: str | None = None
        if name in params:
            if params[name].location != "path":
                problem = (
                    f"{_ph(name)} is a {params[name].location} parameter; only path parameters go in the URL"
                )
        elif name == "api_url":
            if position != 0 or not url.lstrip().startswith("{{"):
                problem = "{{api_url}} can only begin the URL"
        elif name in variables.CREDENTIALS:
            problem = f"{_ph(name)} is a credential and never goes in a URL"
        elif name not in variables.CONNECTION_VARIABLES:
            problem = _variable_problem(name, secrets)
        if problem:
            problems.append(("url", problem))
    if servicetitan_path(url) is None:
        problems.extend(_check_other_url(url))
    elif not problems and _FIXED_TENANT.search(url):  # one reason per mistake
        problems.append(("url", "write the tenant as {{tenant_id}} so calls go to the connection's tenant"))
    return problems


def _check_headers(
    definition: HttpToolDef, params: Mapping[str, Param], secrets: Mapping[str, str]
) -> list[tuple[str, str]]:
    to_servicetitan = servicetitan_path(definition.url) is not None
    problems: list[tuple[str, str]] = []
    for header, template in definition.headers.items():
        where = f"headers.{header}"
        if not header or set(header) - _HEADER_NAME:
            problems.append((where, "not a valid header name"))
        if "\n" in template or "\r" in template:
            problems.append((where, "a header value must be one line"))
        problems.extend(
            (where, f"{bad!r} is not a valid {{{{variable}}}}") for bad in variables.malformed(template)
        )
        for name in variables.names(template):
            problem: str | None = None
            if name in params:
                problem = f"{_ph(name)} is a parameter; parameters go in the query, path or body"
            elif name in variables.CREDENTIALS and not to_servicetitan:
                problem = f"{_ph(name)} is a ServiceTitan credential and is only ever sent to ServiceTitan"
            elif name not in variables.CONNECTION_VARIABLES:
                problem = _variable_problem(name, secrets)
            if problem:
                problems.append((where, problem))
    return problems


def _check_values(param: Param) -> list[tuple[str, str]]:
    """The default and the enum values must be values the parameter accepts."""
    schema = {k: v for k, v in param.json_schema().items() if k not in ("default", "enum")}
    validator = Draft7Validator(schema)
    problems = []
    for index, value in enumerate(param.enum or []):
        if not validator.is_valid(value):
            problems.append((f"enum[{index}]", f"{value!r} is not a valid {param.type}"))
    if param.default is not None:
        if not validator.is_valid(param.default):
            problems.append(("default", f"{param.default!r} is not a valid {param.type} within the bounds"))
        elif param.enum is not None and param.default not in param.enum:
            problems.append(("default", f"{param.default!r} is not one of the enum values"))
    return problems


def _variable_problem(name: str, secrets: Mapping[str, str]) -> str | None:
    if name.startswith(variables.SECRET_PREFIX):
        short = name[len(variables.SECRET_PREFIX) :]
        if short not in secrets:
            return f"unknown secret {_ph(name)}: set {SECRET_ENV_PREFIX}{short} in the environment"
        return None
    known = ", ".join(sorted(variables.CONNECTION_VARIABLES))
    return f"unknown variable {_ph(name)} (known: {known}, secret.NAME and the tool's path parameters)"


def _check_other_url(url: str) -> list[tuple[str, str]]:
    if url.lstrip().startswith("{{"):
        return [("url", "the URL must begin with https:// and a host (or be ServiceTitan's)")]
    parts = urlsplit(variables.PLACEHOLDER.sub("x", url.strip()))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [("url", "the URL must begin with https:// and a host")]
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        return [("url", "plain http is allowed only to this machine (localhost); use https")]
    host = urlsplit(url.strip()).netloc
    if "{{" in host:
        return [("url", "the host cannot be a variable")]
    return []

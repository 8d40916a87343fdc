"""``{{name}}`` placeholders in capability files: finding them, checking them, filling them in.

A placeholder names a connection variable (``tenant_id``, ``access_token``, ``app_key``, ``api_url``), a
secret from the environment (``secret.NAME``) or one of the tool's own parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from urllib.parse import quote

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}")

# What the ServiceTitan connection supplies. The two credentials are never rendered by us: the
# ServiceTitan client sets Authorization and ST-App-Key itself on every call it makes.
CONNECTION_VARIABLES = frozenset({"tenant_id", "access_token", "app_key", "api_url"})
CREDENTIALS = frozenset({"access_token", "app_key"})
SECRET_PREFIX = "secret."


class MissingVariable(KeyError):
    """A placeholder with no value when a template is rendered."""


def names(template: str) -> list[str]:
    """The placeholder names in ``template``, in order of appearance (repeats kept)."""
    return PLACEHOLDER.findall(template)


def malformed(template: str) -> list[str]:
    """Brace pairs that look like placeholders but are not (``{{ }}``, ``{{tenant id}}``, a lone ``{{``)."""
    rest = PLACEHOLDER.sub("", template)
    return re.findall(r"\{\{[^}]*\}?\}?|\}\}", rest)


def render(template: str, values: Mapping[str, str], *, encode: Callable[[str], str] | None = None) -> str:
    """Fill every placeholder from ``values``; ``encode`` is applied to each value (e.g. URL-encoding)."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise MissingVariable(name)
        value = values[name]
        return encode(value) if encode is not None else value

    return PLACEHOLDER.sub(fill, template)


def path_segment(value: str) -> str:
    """A value as one URL path segment: ``/``, ``?``, ``#`` and spaces are encoded, and so are the dots of
    ``.`` and ``..``, which would otherwise move the request up the path."""
    encoded = quote(value, safe="")
    return encoded.replace(".", "%2E") if set(value) == {"."} else encoded

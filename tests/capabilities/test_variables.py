"""{{name}} placeholders: found, filled and URL-encoded the same way every time."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.capabilities import variables

NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True)


def test_names_and_render() -> None:
    template = "https://api.servicetitan.io/jpm/v2/tenant/{{ tenant_id }}/jobs/{{jobId}}"
    assert variables.names(template) == ["tenant_id", "jobId"]
    filled = variables.render(template, {"tenant_id": "42", "jobId": "7"})
    assert filled == "https://api.servicetitan.io/jpm/v2/tenant/42/jobs/7"
    with pytest.raises(variables.MissingVariable):
        variables.render(template, {"tenant_id": "42"})


@given(st.text())
def test_a_path_value_is_always_one_segment_and_decodes_back(value: str) -> None:
    segment = variables.path_segment(value)
    assert "/" not in segment and "?" not in segment and "#" not in segment
    assert segment not in (".", "..")
    assert unquote(segment) == value


@given(st.dictionaries(NAMES, st.text(), min_size=1, max_size=5))
def test_rendering_fills_every_placeholder_with_its_value(values: dict[str, str]) -> None:
    template = "/".join("{{" + name + "}}" for name in values)
    assert variables.render(template, values) == "/".join(values.values())
    assert variables.malformed(template) == []


@given(st.text(alphabet="{} ab_", max_size=12))
def test_brace_leftovers_are_reported_not_ignored(text: str) -> None:
    if "{{" in text or "}}" in text:
        cleaned = variables.PLACEHOLDER.sub("", text)
        assert variables.malformed(text) or ("{{" not in cleaned and "}}" not in cleaned)

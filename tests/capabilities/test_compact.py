"""Compact answers: whatever an API sends, the model gets a bounded, null-free form and a note of cuts."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from frontdesk.capabilities.compact import compact, prune, size

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=400),
    lambda inner: st.lists(inner, max_size=30) | st.dictionaries(st.text(max_size=8), inner, max_size=8),
    max_leaves=200,
)


def _has_empty(value: Any) -> bool:
    if isinstance(value, dict):
        return any(v is None or v in ("", [], {}) or _has_empty(v) for v in value.values())
    if isinstance(value, list):
        return any(v is None or v in ("", [], {}) or _has_empty(v) for v in value)
    return False


@given(JSON, st.integers(min_value=64, max_value=4096))
def test_any_answer_fits_the_cap_and_carries_no_empty_values(answer: Any, cap: int) -> None:
    shrunk = compact(answer, max_bytes=cap, max_items=5)
    assert size(shrunk.data) <= cap
    assert not _has_empty({k: v for k, v in shrunk.data.items() if k != "items"})
    if isinstance(answer, list) and "items" in shrunk.data:
        assert shrunk.data["count"] == len(prune(answer))
        if len(shrunk.data["items"]) < shrunk.data["count"]:
            assert shrunk.notes


def test_one_record_too_large_for_the_cap_is_left_out_and_named() -> None:
    shrunk = compact({"id": 1, "blob": ["x" * 200] * 100, "name": "Ann"}, max_bytes=300)
    assert shrunk.data["id"] == 1 and shrunk.data["name"] == "Ann" and "blob" not in shrunk.data
    assert any("blob" in note for note in shrunk.notes)


def test_an_empty_page_is_an_answer_of_none() -> None:
    shrunk = compact({"page": 1, "pageSize": 50, "hasMore": False, "totalCount": None, "data": []})
    assert shrunk.data == {"count": 0, "page": 1, "hasMore": False, "items": []}
    assert not shrunk.cut

"""Tests of what a request is read to carry: its query, body and Referer as pairs."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote

from hypothesis import given
from hypothesis import strategies as st

from tagsig import load_har
from tagsig._compliance.rules.text import entry_params, parse_query

from .builders import entry, har

_QUERY_CHARS = st.sampled_from(list("ab=&+%2541Ff0é\x00 ;?#"))


@given(st.text(alphabet=_QUERY_CHARS, max_size=30))
def test_parse_query_reads_as_parse_qsl(query: str) -> None:
    """Queries of separators, escapes and pluses split and decode as parse_qsl's do."""
    assert parse_query(query) == parse_qsl(query, keep_blank_values=True)


@given(st.text())
def test_parse_query_reads_any_text_as_parse_qsl(query: str) -> None:
    """Any text splits as parse_qsl splits it."""
    assert parse_query(query) == parse_qsl(query, keep_blank_values=True)


def test_json_in_values_is_read_to_a_bound() -> None:
    """JSON text inside JSON is read a few levels deep; deeper, it stays text."""
    shallow, deep = '[["[1]"]]', '[[[[["[1]"]]]]]'
    for value in (shallow, deep):
        capture = load_har(har(entry("https://t.example/p?x=" + quote(value))))
        read = entry_params(capture.entries[0])
        assert read[:2] == (("x", value), ("x", "[1]"))
        assert (("x", "1") in read) == (value == shallow)

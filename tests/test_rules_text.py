"""Tests of what a request is read to carry: its query, body and Referer as pairs."""

from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import given
from hypothesis import strategies as st

from tagsig._compliance.rules.text import parse_query

_QUERY_CHARS = st.sampled_from(list("ab=&+%2541Ff0é\x00 ;?#"))


@given(st.text(alphabet=_QUERY_CHARS, max_size=30))
def test_parse_query_reads_as_parse_qsl(query: str) -> None:
    """Queries of separators, escapes and pluses split and decode as parse_qsl's do."""
    assert parse_query(query) == parse_qsl(query, keep_blank_values=True)


@given(st.text())
def test_parse_query_reads_any_text_as_parse_qsl(query: str) -> None:
    """Any text splits as parse_qsl splits it."""
    assert parse_query(query) == parse_qsl(query, keep_blank_values=True)

"""The TC string decoder's limit on the length of what it reads."""

from __future__ import annotations

import pytest

from tagsig import ConsentStringError, decode_tc_string, try_decode_tc_string

# The example of the IAB's "Consent string and vendor list formats v2" document.
_IAB_CORE = "COw4XqLOw4XqLAAAAAENAXCAAAAAAAAAAAAAAAAAAAAA"


def test_longest_string_refused() -> None:
    """A string past 100,000 characters is refused before any of it is decoded."""
    text = _IAB_CORE + "A" * (100_001 - len(_IAB_CORE))
    with pytest.raises(ConsentStringError) as caught:
        decode_tc_string(text)
    assert str(caught.value) == ("expected a TC string of at most 100000 characters, found 100001")
    assert try_decode_tc_string(text) is None


def test_longest_string_allowed() -> None:
    """At exactly 100,000 characters the string is decoded (trailing zero bits ignored)."""
    text = _IAB_CORE + "A" * (100_000 - len(_IAB_CORE))
    decoded = decode_tc_string(text)
    assert decoded.consent_language == "EN"
    assert decoded == decode_tc_string(_IAB_CORE)

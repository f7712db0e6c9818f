"""Edges of look-ups and messages: close tag names, fixed regex paths, msgspec wording."""

from __future__ import annotations

from typing import Literal

import msgspec
import pytest

from tagsig._exceptions import UnknownTagError
from tagsig._inputs.har.errors import validation_message
from tagsig._signatures.catalogue import catalogue_entry
from tagsig._signatures.file import _regex_literal


def test_suggestions_name_each_tag_once() -> None:
    """A query close to both the id and the name of one tag suggests that tag once."""
    with pytest.raises(UnknownTagError) as excinfo:
        catalogue_entry("google-analytic")
    suggestions = excinfo.value.suggestions
    assert suggestions[0] == "Google Analytics"
    assert len(set(suggestions)) == len(suggestions)


@pytest.mark.parametrize(
    ("regex", "literal"),
    [
        ("^/collect/tag", "/collect/tag"),
        ("/collect", "/collect"),
        ("^/a.b", "/a"),
        ("(x)", ""),
    ],
)
def test_regex_literal(regex: str, literal: str) -> None:
    """The fixed start of a path regex ends at its first special character."""
    assert _regex_literal(regex) == literal


def test_validation_message_kept_as_msgspec_words_it() -> None:
    """A msgspec message of no known shape is kept, without its path."""
    with pytest.raises(msgspec.ValidationError) as excinfo:
        msgspec.convert({"a": "z"}, dict[str, Literal["a"]])
    assert validation_message(excinfo.value, "member") == "Invalid enum value 'z'"

"""A request URL whose host is only dots is a problem of its entry, named as such."""

from __future__ import annotations

import json

import pytest

from tagsig import load_har
from tagsig._inputs.url import parse_url, url_fault

from .builders import entry, har


@pytest.mark.parametrize("url", ["http://./", "http://../x", "https://.../a?b=1"])
def test_a_host_of_dots_has_no_host_and_says_why(url: str) -> None:
    """parse_url gives no host, and url_fault says what the URL held instead of ``None``."""
    assert parse_url(url).host == ""
    fault = url_fault(url)
    assert fault is not None
    assert "which names no host" in fault


def test_the_problem_names_the_dots() -> None:
    """The entry is kept without a host, and its problem quotes what the URL held."""
    capture = load_har(json.loads(har(entry("http://../x"))))
    messages = [problem.message for problem in capture.problems]
    assert any("'..', which names no host" in message for message in messages), messages


def test_a_trailing_dot_is_still_a_host() -> None:
    """A fully qualified name keeps its host; no fault."""
    assert parse_url("http://a.example./").host == "a.example"
    assert url_fault("http://a.example./") is None

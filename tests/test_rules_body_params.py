"""Form parameters of a request body, and a request sending more personal data than shown."""

from __future__ import annotations

from urllib.parse import quote

from tagsig import load_har
from tagsig._compliance.rules.text import entry_params

from .audits import audit, document, flags, hit
from .builders import entry, har

TRACKER = "https://t.tracker.example/collect"


def test_form_params_are_read_as_given() -> None:
    """A body the capture gives as form parameters is read from them, not from its text."""
    request = entry(TRACKER, method="POST", post="ignored=1")
    request["request"]["postData"]["params"] = [
        {"name": "user", "value": "jane"},
        {"name": "data", "value": '{"a": "b"}'},
    ]
    (loaded,) = load_har(har(request)).entries
    assert entry_params(loaded) == (("user", "jane"), ("data", '{"a": "b"}'), ("data.a", "b"))


def test_more_than_five_personal_items() -> None:
    """A flag names the first five items of personal data and counts the rest."""
    hits = [hit(f"{TRACKER}?e{n}={quote(f'person{n}@example.org')}", 1 + n) for n in range(7)]
    report = audit(document(0), *hits)
    (flag,) = flags(report, "pii-to-third-party")
    assert "and 2 more" in flag.message
    assert "e4" in flag.message
    assert "e5 " not in flag.message

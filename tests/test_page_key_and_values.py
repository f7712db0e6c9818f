"""Which page an entry without a pageref belongs to; how value evidence reads."""

from __future__ import annotations

import json

from tagsig import Evidence, load_har
from tagsig._audit.party import page_key
from tagsig._render.common import evidence_text

from .builders import entry, har


def test_entry_without_pageref_joins_the_latest_page_started() -> None:
    """An entry without pageref belongs to the last page started before it, else the first."""
    document = json.loads(
        har(
            entry("https://www.shop.example/early", started="2024-05-01T09:59:00.000Z", page=None),
            entry("https://www.shop.example/a", started="2024-05-01T10:00:05.000Z", page=None),
            entry("https://www.shop.example/b", started="2024-05-01T10:01:05.000Z", page=None),
            pages=(
                ("page_1", "https://www.shop.example/"),
                ("page_2", "https://www.shop.example/2"),
            ),
        )
    )
    document["log"]["pages"][1]["startedDateTime"] = "2024-05-01T10:01:00Z"
    capture = load_har(json.dumps(document).encode())
    key = page_key(capture)
    assert [key(e) for e in capture.entries] == ["page_1", "page_1", "page_2"]


def test_value_evidence_text() -> None:
    """Value evidence names its parameter, its value, both, or neither."""
    assert evidence_text(Evidence(kind="value", name="uid")) == "value uid"
    assert evidence_text(Evidence(kind="value", value="abc")) == "value abc"
    assert evidence_text(Evidence(kind="value", name="uid", value="abc")) == "value uid=abc"
    assert evidence_text(Evidence(kind="value")) == "value"

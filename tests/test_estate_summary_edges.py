"""The estate summary of batch lines: the site's own products, and its text's longest tables."""

from __future__ import annotations

import json

from tagsig import render
from tagsig._render.estate import render_estate_text
from tagsig._render.estate_summary import summarize_estate

from .reports import example_report


def _report() -> dict[str, object]:
    loaded: dict[str, object] = json.loads(render(example_report(), "json"))
    return loaded


def test_own_products_are_no_third_party_tag() -> None:
    """A tag of the site's own organisation is left out of the estate's tags."""
    report = _report()
    tags = report["tags"]
    assert isinstance(tags, list)
    own = tags[0]["id"]
    tags[0]["own"] = True
    summary = summarize_estate([{"path": "a.har", "report": report}])
    ids = [t.id for t in summary.tags]
    assert own not in ids
    assert len(ids) == len(tags) - 1


def test_text_names_how_many_more_tags() -> None:
    """The text shows the top tags and counts the rest."""
    summary = summarize_estate([{"path": "a.har", "report": _report()}])
    assert len(summary.tags) > 1
    text = render_estate_text(summary, top=1)
    assert f"... {len(summary.tags) - 1} more tags" in text


def test_text_of_an_estate_without_tags_or_flags() -> None:
    """An estate whose captures hold no tag and no flag shows neither table."""
    report = _report()
    report["tags"] = []
    report["flags"] = []
    summary = summarize_estate([{"path": "a.har", "report": report}])
    assert (summary.tags, summary.rules) == ((), ())
    text = render_estate_text(summary)
    assert "Tags across the estate" not in text
    assert "Flags by rule" not in text

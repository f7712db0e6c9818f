"""How renderers name the signature database, and ``explain_tag``'s edges."""

from __future__ import annotations

import json

import pytest
from attrs import evolve

from tagsig import SignatureVersion, render
from tagsig._render.common import provenance
from tagsig._render.text import explain_tag

from .reports import example_report


def test_signatures_built_in_memory() -> None:
    """A report of signatures built in memory says so, and its JSON has no database."""
    report = evolve(example_report(), signatures=None)
    assert "signatures built in memory" in provenance(report)
    assert json.loads(render(report, "json"))["signature_database"] is None


def test_dated_layered_signatures() -> None:
    """A dated database of several layers names its date and its layers."""
    report = evolve(
        example_report(),
        signatures=SignatureVersion(version="sha256:abc", date="2026-01-02", layers=3),
    )
    text = provenance(report)
    assert "signatures sha256:abc of 2026-01-02 (3 layers)" in text
    assert json.loads(render(report, "json"))["signature_database"] == {
        "version": "sha256:abc",
        "date": "2026-01-02",
        "layers": 3,
    }


def test_explain_unknown_tag() -> None:
    """Explaining a tag the report does not hold is a KeyError naming it."""
    with pytest.raises(KeyError, match="no-such-tag"):
        explain_tag(example_report(), "no-such-tag")


def test_explain_tag_without_flags() -> None:
    """A tag without flags is explained as having none."""
    report = example_report()
    tag = next(t for t in report.tags if not t.flags)
    assert "No flag." in explain_tag(report, tag.id)


def test_explain_tag_without_cookies_or_mistakes() -> None:
    """A tag without cookies or recorded mistakes is explained without those sections."""
    report = example_report()
    tag = next(t for t in report.tags if t.cookies)
    bare = evolve(tag, cookies=(), signature=evolve(tag.signature, mistakes=()))
    report = evolve(report, tags=tuple(bare if t is tag else t for t in report.tags))
    text = explain_tag(report, tag.id)
    assert "cookies:" not in text
    assert "Common mistakes:" not in text

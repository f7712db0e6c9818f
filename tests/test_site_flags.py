"""Flags about the site as a whole reach every format, the diff and the estate summary."""

from __future__ import annotations

import json

import pytest
from attrs import evolve

from tagsig import (
    Evidence,
    Flag,
    Report,
    diff_reports,
    render,
    report_to_document,
    summarize_estate,
)

from .reports import example_report

MESSAGE = "A host nobody recognises: tracker.unknown.example"


def _with_site_flag() -> Report:
    flag = Flag(
        rule="unknown-third-party",
        severity="info",
        message=MESSAGE,
        evidence=(Evidence(kind="entry", input=0, index=13),),
    )
    return evolve(example_report(), flags=(flag,))


@pytest.mark.parametrize("format", ["text", "json", "html", "markdown", "sarif"])
def test_every_format_shows_site_flags(format: str) -> None:
    """The site's own flag appears in each format that lists flags."""
    assert MESSAGE in render(_with_site_flag(), format)


def test_sarif_site_flag_has_no_tag() -> None:
    """A site flag's SARIF result names no tag and points at the capture."""
    log = json.loads(render(_with_site_flag(), "sarif"))
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "unknown-third-party"]
    assert result["properties"]["tag"] is None
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == (
        "/log/entries/13"
    )


def test_diff_sees_new_site_flags() -> None:
    """A site flag that appears counts as a new flag, owned by no tag."""
    diff = diff_reports(example_report(), _with_site_flag())
    assert [(f.tag, f.rule) for f in diff.flags_added] == [(None, "unknown-third-party")]
    assert diff.is_significant


def test_estate_counts_site_flags() -> None:
    """The estate summary counts site flags by rule, without a tag."""
    line = {
        "path": "a.har",
        "report": json.loads(json.dumps(report_to_document(_with_site_flag()))),
    }
    summary = summarize_estate([line])
    (rule,) = [r for r in summary.rules if r.rule == "unknown-third-party"]
    assert (rule.flags, rule.captures, rule.tags) == (1, 1, ())

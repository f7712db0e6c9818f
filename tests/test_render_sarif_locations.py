"""Where a SARIF result points when its flag has no evidence, or evidence without a request."""

from __future__ import annotations

import json

from attrs import evolve

from tagsig import Evidence, Flag, Report, render

from .reports import example_report


def _with_flag(flag: Flag) -> tuple[Report, str]:
    report = example_report()
    tag = next(t for t in report.tags if t.entries)
    tagged = evolve(flag, tag=tag.id)
    tags = tuple(evolve(t, flags=(*t.flags, tagged)) if t is tag else t for t in report.tags)
    return evolve(report, tags=tags), tag.id


def _results(report: Report, rule: str) -> list[dict[str, object]]:
    sarif = json.loads(render(report, "sarif"))
    return [r for r in sarif["runs"][0]["results"] if r["ruleId"] == rule]


def test_flag_without_evidence_points_at_the_first_request() -> None:
    """A flag about a tag as a whole points at the tag's first request."""
    report, tag_id = _with_flag(
        Flag(rule="test-whole-tag", severity="low", tag=None, message="about the whole tag")
    )
    tag = report.tag(tag_id)
    assert tag is not None
    (result,) = _results(report, "test-whole-tag")
    locations = result["locations"]
    assert isinstance(locations, list)
    (location,) = locations
    (logical,) = location["logicalLocations"]
    assert logical["fullyQualifiedName"] == f"/log/entries/{tag.entries[0].index}"


def test_evidence_without_a_request_has_no_logical_location() -> None:
    """Evidence of an input but no request points at the file alone."""
    report, _ = _with_flag(
        Flag(
            rule="test-file-only",
            severity="low",
            tag=None,
            message="about the capture",
            evidence=(Evidence(kind="entry", input=0),),
        )
    )
    (result,) = _results(report, "test-file-only")
    locations = result["locations"]
    assert isinstance(locations, list)
    (location,) = locations
    assert "logicalLocations" not in location
    assert location["physicalLocation"]["artifactLocation"]

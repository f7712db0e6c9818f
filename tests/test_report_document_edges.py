"""Edges of reading a report's JSON document back: values the schema leaves to the reader."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tagsig import InputError, Report, render
from tagsig._analysis.saved import load_report_document
from tagsig._report.document import report_from_document

from .reports import example_report


def _document() -> dict[str, object]:
    loaded: dict[str, object] = json.loads(render(example_report(), "json"))
    return copy.deepcopy(loaded)


def _consent(document: dict[str, object]) -> dict[str, list[dict[str, object]]]:
    consent = document["consent"]
    assert isinstance(consent, dict)
    return consent


def test_time_not_iso_unvalidated() -> None:
    """Without the schema, a signal time that is not ISO 8601 is refused where it stands."""
    document = _document()
    _consent(document)["signals"][0]["time"] = "next tuesday"
    with pytest.raises(InputError, match="expected an ISO 8601 time") as info:
        report_from_document(document, source="saved.json", validate=False)
    assert info.value.pointer == "/consent/signals/0/time"


def test_mistakes_not_a_list_unvalidated() -> None:
    """Without the schema, a tag's mistakes that are no list of strings are refused."""
    document = _document()
    tags = document["tags"]
    assert isinstance(tags, list)
    tags[0]["mistakes"] = [1]
    with pytest.raises(InputError, match="expected a list of strings") as info:
        report_from_document(document, validate=False)
    assert info.value.pointer == "/tags/0/mistakes"


def test_signal_detail_not_a_string_unvalidated() -> None:
    """A consent signal's detail holds strings only, with or without the schema."""
    document = _document()
    _consent(document)["signals"][0]["detail"] = {"a/b": 3}
    with pytest.raises(InputError, match="expected a string, found 3") as info:
        report_from_document(document, validate=False)
    assert info.value.pointer == "/consent/signals/0/detail/a~1b"


def test_timeline_change_without_time() -> None:
    """A consent change needs the time it starts to hold."""
    document = _document()
    _consent(document)["timeline"] = [
        {"input": 0, "time": None, "entry": 3, "purposes": {"marketing": "granted"}}
    ]
    with pytest.raises(InputError, match="found null") as info:
        report_from_document(document, validate=False)
    assert info.value.pointer == "/consent/timeline/0/time"


def test_timeline_change_reads_back() -> None:
    """A consent change with a time reads back as the one written."""
    document = _document()
    _consent(document)["timeline"] = [
        {
            "input": 0,
            "time": "2026-03-14T09:26:56+00:00",
            "entry": 3,
            "purposes": {"marketing": "granted"},
        }
    ]
    report = report_from_document(document, validate=False)
    (change,) = report.consent.timeline
    assert change.entry == 3
    assert change.purposes == (("marketing", "granted"),)
    assert change.time.isoformat() == "2026-03-14T09:26:56+00:00"


def test_no_signature_database() -> None:
    """A report without a signature database reads back with none."""
    document = _document()
    document["signature_database"] = None
    report = report_from_document(document, validate=False)
    assert report.signatures is None


def test_nested_too_deeply_for_the_schema() -> None:
    """A document nested deeper than the validator can walk is a tagsig error."""
    document = _document()
    nested: list[object] = []
    for _ in range(100_000):
        nested = [nested]
    document["tags"] = nested
    with pytest.raises(InputError, match="nested too deeply"):
        Report.from_document(document)


class TestSavedReport:
    """A saved file is told apart from a capture before it is read as a report."""

    def test_broken_json_object_is_no_report(self, tmp_path: Path) -> None:
        """A file that opens like an object but is no JSON is left to the capture reader."""
        path = tmp_path / "broken.json"
        path.write_bytes(b'{"schema_version": 1, "tags": [')
        assert load_report_document(path) is None

    def test_not_utf8_is_no_report(self, tmp_path: Path) -> None:
        """A file that is not UTF-8 is left to the capture reader."""
        path = tmp_path / "latin1.json"
        path.write_bytes(b'{"schema_version": 1, "tags": [], "x": "\xe9"}')
        assert load_report_document(path) is None

    def test_report_is_read(self, tmp_path: Path) -> None:
        """A saved JSON report is read as one."""
        path = tmp_path / "report.json"
        path.write_text(render(example_report(), "json"), encoding="utf-8")
        document = load_report_document(path)
        assert document is not None
        assert document["schema_version"] == 1

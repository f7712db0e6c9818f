"""Tests of ``tagsig diff``: the comparison, its renderings and its exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from attrs import evolve

from tagsig import analyze, render
from tagsig._analysis.saved import load_report_document
from tagsig._cli.main import main
from tagsig._render.compare import diff_reports
from tagsig._render.diff import render_diff

from .builders import entry, har
from .reports import EXAMPLE, example_report

GTM = "https://www.googletagmanager.com/gtm.js?id=GTM-ABC"
HOTJAR = "https://static.hotjar.com/c/hotjar-123.js?sv=6"
PIXEL = "https://connect.facebook.net/en_US/fbevents.js"


def _capture(tmp_path: Path, name: str, *urls: str, size: int = 1000) -> Path:
    path = tmp_path / name
    path.write_bytes(
        har(
            entry("https://www.shop.example/"),
            *(entry(url, mime="application/javascript", size=size, transfer=size) for url in urls),
        )
    )
    return path


class TestDiffReports:
    """``diff_reports``."""

    def test_identical(self) -> None:
        """A report compared with itself has no difference."""
        diff = diff_reports(example_report(), example_report())
        assert diff.is_empty
        assert not diff.is_significant
        assert render_diff(diff) == "no difference\n"

    def test_tags_added_and_removed(self) -> None:
        """Tags only in the new report are added; only in the old, removed."""
        old = analyze(
            har(
                entry(GTM, mime="application/javascript"),
                entry(HOTJAR, mime="application/javascript"),
            )
        )
        new = analyze(
            har(
                entry(GTM, mime="application/javascript"),
                entry(PIXEL, mime="application/javascript"),
            )
        )
        diff = diff_reports(old, new)
        assert [t.id for t in diff.added] == ["meta-pixel"]
        assert [t.id for t in diff.removed] == ["hotjar"]
        assert diff.is_significant

    def test_weight_change(self) -> None:
        """A tag whose bytes changed is listed with both weights."""
        old = analyze(har(entry(GTM, transfer=1000)))
        new = analyze(har(entry(GTM, transfer=5000), entry(GTM + "&x=1", transfer=10)))
        (change,) = diff_reports(old, new).weight_changes
        assert (change.id, change.transfer_bytes, change.requests) == (
            "google-tag-manager",
            4010,
            1,
        )
        assert not diff_reports(old, new).is_significant

    def test_new_and_resolved_flags(self) -> None:
        """A flag only in the new report is new; one only in the old is resolved."""
        report = example_report()
        clean = evolve(report, tags=tuple(evolve(t, flags=()) for t in report.tags))
        diff = diff_reports(clean, report)
        assert [(f.tag, f.rule, f.severity) for f in diff.flags_added] == [
            ("meta-pixel", "before-consent", "high"),
            ("google-analytics", "cookie-lifetime", "medium"),
        ]
        assert diff.is_significant
        back = diff_reports(report, clean)
        assert len(back.flags_resolved) == 2
        assert not back.is_significant

    def test_flags_matched_despite_entry_index(self) -> None:
        """A flag on another entry of the same tag and rule is the same flag."""
        report = example_report()
        moved = evolve(
            report,
            tags=tuple(
                evolve(
                    t,
                    flags=tuple(
                        evolve(
                            f,
                            evidence=tuple(evolve(e, index=(e.index or 0) + 5) for e in f.evidence),
                        )
                        for f in t.flags
                    ),
                )
                for t in report.tags
            ),
        )
        assert diff_reports(report, moved).is_empty

    def test_cookie_changes(self) -> None:
        """Cookie names that appear or disappear per tag are listed."""
        with_jar = example_report()
        without = analyze(EXAMPLE)
        diff = diff_reports(without, with_jar)
        assert ("meta-pixel", "_fbp") in {(c.tag, c.name) for c in diff.cookies_added}
        assert "cookies added" in render_diff(diff)

    def test_json_documents_compare_like_reports(self) -> None:
        """A saved JSON report compares the same as the report object."""
        report = example_report()
        document = json.loads(render(report, "json"))
        other = analyze(EXAMPLE)
        assert diff_reports(document, other) == diff_reports(report, other)

    def test_bad_document(self) -> None:
        """A document of an unknown schema or shape is an InputError with a pointer."""
        from tagsig import InputError

        with pytest.raises(
            InputError,
            match=r"old\.json#/schema_version: not a tagsig JSON "
            r"report: expected schema_version 1, found 9",
        ):
            diff_reports({"schema_version": 9, "tags": []}, example_report(), old_name="old.json")
        with pytest.raises(InputError, match=r"#/tags/0: .*expected 'id' of type str"):
            diff_reports({"schema_version": 1, "tags": [{}], "unattributed": []}, example_report())

    def test_time_that_is_not_a_number(self) -> None:
        """A tag time no JSON can hold (NaN, read by a lenient parser) is an InputError."""
        from tagsig import InputError

        document = json.loads(render(example_report(), "json"))
        document["tags"][0]["time_ms"] = float("nan")
        with pytest.raises(InputError, match=r"#/tags/0: .*expected 'time_ms' to be a finite"):
            diff_reports(document, example_report())

    def test_time_written_as_an_integer(self) -> None:
        """A whole number of milliseconds reads as that time; one beyond any count does not."""
        from tagsig import InputError

        document = json.loads(render(example_report(), "json"))
        document["tags"][0]["time_ms"] = 120
        other = json.loads(render(example_report(), "json"))
        other["tags"][0]["time_ms"] = 120.0
        assert diff_reports(document, example_report()) == diff_reports(other, example_report())
        document["tags"][0]["time_ms"] = 10**30
        with pytest.raises(InputError, match=r"#/tags/0: .*expected 'time_ms' to be a count"):
            diff_reports(document, example_report())

    def test_render_json(self) -> None:
        """The JSON form lists every kind of change and whether it matters."""
        report = example_report()
        clean = evolve(report, tags=tuple(evolve(t, flags=()) for t in report.tags))
        document = json.loads(render_diff(diff_reports(clean, report), "json"))
        assert document["significant"] is True
        assert {f["rule"] for f in document["flags_added"]} == {"before-consent", "cookie-lifetime"}
        assert set(document) == {
            "significant",
            "tags_added",
            "tags_removed",
            "weight_changes",
            "cookies_added",
            "cookies_removed",
            "flags_added",
            "flags_resolved",
            "unattributed_added",
            "unattributed_removed",
        }

    def test_render_unknown_format(self) -> None:
        """Only text and json are known."""
        with pytest.raises(ValueError, match="expected a format among 'text', 'json'"):
            render_diff(diff_reports(example_report(), example_report()), "html")


class TestDetection:
    """``load_report_document`` tells JSON reports from captures by content."""

    def test_report(self, tmp_path: Path) -> None:
        """A JSON report is recognised."""
        path = tmp_path / "report.txt"
        path.write_text(render(example_report(), "json"), encoding="utf-8")
        document = load_report_document(path)
        assert document is not None
        assert document["schema_version"] == 1

    def test_capture(self) -> None:
        """A HAR capture is not a report."""
        assert load_report_document(EXAMPLE) is None

    def test_missing(self, tmp_path: Path) -> None:
        """A missing file is an InputError."""
        from tagsig import InputError

        with pytest.raises(InputError, match="found an unreadable file"):
            load_report_document(tmp_path / "missing.json")


class TestCommand:
    """``tagsig diff OLD NEW`` exit codes: 0 unchanged, 1 tag added or new flag, 2 error."""

    def test_same_capture(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The same capture twice exits 0."""
        old = _capture(tmp_path, "old.har", GTM)
        assert main(["diff", str(old), str(old)]) == 0
        assert capsys.readouterr().out == "no difference\n"

    def test_tag_added(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A tag added exits 1 and is named."""
        old = _capture(tmp_path, "old.har", GTM)
        new = _capture(tmp_path, "new.har", GTM, PIXEL)
        assert main(["diff", str(old), str(new)]) == 1
        out = capsys.readouterr().out
        assert "tags added (1):" in out
        assert "+ Meta Pixel (meta-pixel)" in out

    def test_tag_removed_only(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Removing a tag and a weight change alone exit 0."""
        old = _capture(tmp_path, "old.har", GTM, PIXEL)
        new = _capture(tmp_path, "new.har", GTM, size=3000)
        assert main(["diff", str(old), str(new)]) == 0
        out = capsys.readouterr().out
        assert "tags removed (1):" in out
        assert "weight changes (1):" in out

    def test_json_reports(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Two JSON reports (with a new flag) exit 1; the JSON output says so."""
        report = example_report()
        clean = evolve(report, tags=tuple(evolve(t, flags=()) for t in report.tags))
        old, new = tmp_path / "old.json", tmp_path / "new.json"
        old.write_text(render(clean, "json"), encoding="utf-8")
        new.write_text(render(report, "json"), encoding="utf-8")
        assert main(["diff", str(old), str(new), "--format", "json"]) == 1
        assert json.loads(capsys.readouterr().out)["significant"] is True

    def test_report_against_capture(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A JSON report compares with a capture; output goes to --output."""
        old = tmp_path / "old.json"
        old.write_text(render(analyze(EXAMPLE), "json"), encoding="utf-8")
        out = tmp_path / "diff.txt"
        assert main(["diff", str(old), str(EXAMPLE), "--output", str(out)]) == 0
        assert out.read_text(encoding="utf-8") == "no difference\n"
        assert capsys.readouterr().out == ""

    def test_unreadable(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A file that is neither a capture nor a report exits 2 with one error line."""
        bad = tmp_path / "bad.json"
        bad.write_text("not json", encoding="utf-8")
        assert main(["diff", str(bad), str(EXAMPLE)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("tagsig: error: ")
        assert err.count("\n") == 1

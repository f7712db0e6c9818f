"""Tests of ``tagsig batch``: inputs, parallel analysis, output lines and the estate summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tagsig import InputError
from tagsig._batch.run import analyze_capture, expand_captures, run_batch
from tagsig._cli.main import main
from tagsig._render.estate_summary import estate_to_document, summarize_estate

from .builders import entry, har

GTM = "https://www.googletagmanager.com/gtm.js?id=GTM-ABC"
PIXEL = "https://connect.facebook.net/en_US/fbevents.js"


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    """Return a directory of three captures (one nested), a broken one and a non-capture."""
    (tmp_path / "site" / "deep").mkdir(parents=True)
    (tmp_path / "site" / "a.har").write_bytes(har(entry(GTM, transfer=1000)))
    (tmp_path / "site" / "b.har").write_bytes(
        har(entry(GTM, transfer=2000), entry(PIXEL, transfer=500))
    )
    (tmp_path / "site" / "deep" / "c.har").write_bytes(har(entry(PIXEL, transfer=700)))
    (tmp_path / "site" / "broken.har").write_text("{not json", encoding="utf-8")
    (tmp_path / "site" / "notes.json").write_text("{}", encoding="utf-8")
    return tmp_path / "site"


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class TestExpand:
    """``expand_captures``."""

    def test_directory(self, estate: Path) -> None:
        """A directory contributes every .har below it, sorted."""
        names = [Path(p).name for p in expand_captures([str(estate)])]
        assert names == ["a.har", "b.har", "broken.har", "c.har"]

    def test_glob_and_duplicates(self, estate: Path) -> None:
        """Globs expand (** recurses) and duplicates collapse."""
        paths = expand_captures([f"{estate}/*.har", str(estate / "a.har"), f"{estate}/**/c.har"])
        assert [Path(p).name for p in paths] == ["a.har", "b.har", "broken.har", "c.har"]

    def test_nothing_matches(self, tmp_path: Path) -> None:
        """An argument that names no capture is an InputError."""
        with pytest.raises(InputError, match="no capture found"):
            expand_captures([str(tmp_path / "*.har")])


class TestAnalyzeCapture:
    """The per-capture unit of work."""

    def test_report_line(self, estate: Path) -> None:
        """A good capture gives its path and report document."""
        line = analyze_capture(str(estate / "b.har"))
        assert line["path"] == str(estate / "b.har")
        report = line["report"]
        assert isinstance(report, dict)
        assert isinstance(report["tags"], list)
        assert {t["id"] for t in report["tags"] if isinstance(t, dict)} == {
            "google-tag-manager",
            "meta-pixel",
        }

    def test_error_line(self, estate: Path) -> None:
        """A bad capture gives an error line instead of raising."""
        line = analyze_capture(str(estate / "broken.har"))
        assert set(line) == {"path", "error"}
        assert "broken.har" in str(line["error"])


class TestRunBatch:
    """``run_batch`` gives the same lines, in order, with one or two processes."""

    def test_jobs_agree(self, estate: Path) -> None:
        """--jobs 1 and --jobs 2 give identical lines in input order."""
        paths = expand_captures([str(estate)])
        one = list(run_batch(paths, jobs=1))
        two = list(run_batch(paths, jobs=2))
        assert one == two
        assert [line["path"] for line in one] == list(paths)

    def test_bad_jobs(self) -> None:
        """Zero jobs is a ValueError."""
        with pytest.raises(ValueError, match="expected at least 1 job"):
            list(run_batch(["x.har"], jobs=0))


class TestSummary:
    """``summarize_estate``."""

    def test_counts(self, estate: Path) -> None:
        """Tags are counted per capture and page, weights summed, failures listed."""
        summary = summarize_estate(run_batch(expand_captures([str(estate)])))
        assert (summary.captures, summary.analysed, summary.failed) == (4, 3, 1)
        gtm = next(t for t in summary.tags if t.id == "google-tag-manager")
        pixel = next(t for t in summary.tags if t.id == "meta-pixel")
        assert (gtm.captures, gtm.pages, gtm.requests, gtm.transfer_bytes) == (2, 2, 2, 3000)
        assert (pixel.captures, pixel.transfer_bytes) == (2, 1200)
        assert [Path(p).name for p in pixel.capture_paths] == ["b.har", "c.har"]
        assert [Path(p).name for p, _ in summary.errors] == ["broken.har"]

    def test_flags_by_rule(self) -> None:
        """Flags are counted by rule, with the captures and tags they came from."""
        flag = {"rule": "before-consent", "severity": "high", "message": "m", "evidence": []}
        low = {**flag, "severity": "low"}
        lines = [
            {
                "path": "a",
                "report": {
                    "inputs": [{"pages": 1}],
                    "unattributed": [],
                    "tags": [{"id": "x", "name": "X", "flags": [flag, low]}],
                },
            },
            {
                "path": "b",
                "report": {
                    "inputs": [{"pages": 2}],
                    "unattributed": [{"host": "h"}],
                    "tags": [{"id": "y", "name": "Y", "flags": [low]}],
                },
            },
        ]
        summary = summarize_estate(lines)
        (rule,) = summary.rules
        assert (rule.rule, rule.severity, rule.flags, rule.captures, rule.tags) == (
            "before-consent",
            "high",
            3,
            2,
            ("x", "y"),
        )
        assert summary.pages == 3
        assert summary.unattributed == (("h", 1),)
        assert estate_to_document(summary)["rules"] == [
            {
                "rule": "before-consent",
                "severity": "high",
                "flags": 3,
                "captures": 2,
                "tags": ["x", "y"],
            }
        ]


class TestCommand:
    """``tagsig batch``."""

    @pytest.mark.parametrize("jobs", ["1", "2"])
    def test_output_and_summary(
        self, estate: Path, tmp_path: Path, jobs: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """One JSON line per capture, the summary printed and written, throughput on stderr."""
        output, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
        assert (
            main(
                [
                    "batch",
                    str(estate),
                    "--jobs",
                    jobs,
                    "--output",
                    str(output),
                    "--summary",
                    str(summary),
                ]
            )
            == 0
        )
        lines = _lines(output)
        assert len(lines) == 4
        assert sum("error" in line for line in lines) == 1
        document = json.loads(summary.read_text(encoding="utf-8"))
        assert (document["captures"], document["failed"]) == (4, 1)
        captured = capsys.readouterr()
        assert "estate: 4 captures (3 analysed, 1 failed)" in captured.out
        assert "Google Tag Manager" in captured.out
        assert "Failed captures" in captured.out
        assert "captures/s" in captured.err
        assert "\x1b" not in captured.err  # no progress bar when stderr is not a terminal

    def test_summary_counts_site_flags(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The summary the command writes counts the site's own flags, as the lines hold."""
        (tmp_path / "a.har").write_bytes(
            har(entry(GTM), entry("https://beacon.unknown-tracker.example/p.gif?uid=12345678"))
        )
        output, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
        assert (
            main(
                [
                    "batch",
                    str(tmp_path / "a.har"),
                    "--jobs",
                    "1",
                    "--output",
                    str(output),
                    "--summary",
                    str(summary),
                ]
            )
            == 0
        )
        lines = _lines(output)
        site_rules = {flag["rule"] for flag in lines[0]["report"]["flags"]}
        assert "unknown-third-party" in site_rules
        document = json.loads(summary.read_text(encoding="utf-8"))
        assert document == estate_to_document(summarize_estate(lines))
        assert site_rules <= {rule["rule"] for rule in document["rules"]}
        assert "unknown-third-party" in capsys.readouterr().out

    def test_json_summary(
        self, estate: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--format json prints the summary document."""
        assert (
            main(
                [
                    "batch",
                    f"{estate}/a.har",
                    "--jobs",
                    "1",
                    "--output",
                    str(tmp_path / "o.jsonl"),
                    "--format",
                    "json",
                ]
            )
            == 0
        )
        document = json.loads(capsys.readouterr().out)
        assert [t["id"] for t in document["tags"]] == ["google-tag-manager"]

    def test_no_input(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """No matching capture exits 2."""
        assert (
            main(["batch", str(tmp_path / "none-*.har"), "--output", str(tmp_path / "o.jsonl")])
            == 2
        )
        assert "no capture found" in capsys.readouterr().err

    def test_bad_jobs(
        self, estate: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--jobs 0 exits 2."""
        assert (
            main(["batch", str(estate), "--jobs", "0", "--output", str(tmp_path / "o.jsonl")]) == 2
        )
        assert "--jobs" in capsys.readouterr().err

    def test_unwritable_output(
        self, estate: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An output file that cannot be written exits 2."""
        assert main(["batch", str(estate), "--output", str(tmp_path / "no" / "o.jsonl")]) == 2
        assert "cannot write the file" in capsys.readouterr().err

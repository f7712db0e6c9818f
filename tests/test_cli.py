"""Tests of the command line."""

from __future__ import annotations

import gc
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tagsig._cli.main import main, run

from .builders import entry, har
from .conftest import REPO

Asset = Callable[[str], Path]
EXAMPLE_HAR = str(REPO / "examples" / "shop.har")
EXAMPLE_JAR = str(REPO / "examples" / "cookies.txt")


class TestInspect:
    """``tagsig inspect``."""

    def test_text(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The summary names the producer, counts, hosts and the jar's cookies."""
        assert main(["inspect", EXAMPLE_HAR, "--cookies", EXAMPLE_JAR]) == 0
        out = capsys.readouterr().out
        assert "producer: WebInspector 537.36" in out
        assert "pages: 2  entries: 14" in out
        assert "www.googletagmanager.com" in out
        assert "format: netscape  cookies: 9" in out

    def test_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The JSON form lists each input with its kind and counts."""
        assert main(["inspect", EXAMPLE_HAR, "--cookies", EXAMPLE_JAR, "--format", "json"]) == 0
        document = json.loads(capsys.readouterr().out)
        har, jar = document["inputs"]
        assert (har["kind"], har["entries"], har["pages"]) == ("har", 14, 2)
        assert (jar["kind"], jar["cookies"]) == ("cookies", 9)

    def test_sanitized_capture_says_cookies_unavailable(
        self, asset: Asset, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A capture without cookie evidence is reported as such, not as cookie-free."""
        assert main(["inspect", str(asset("har/chrome-sanitized.har"))]) == 0
        assert "cookies: unavailable" in capsys.readouterr().out

    def test_stripped_capture_says_cookies_unavailable(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A capture whose cookie headers were stripped says so, not that it has none."""
        path = tmp_path / "wpt.har"
        path.write_bytes(
            har(
                entry(
                    "https://www.shop.example/",
                    request_headers={"Cookie": "[427 bytes were stripped]"},
                )
            )
        )
        assert main(["inspect", str(path)]) == 0
        assert (
            "cookies: unavailable (the producer stripped the cookie headers of 1 entry)"
        ) in capsys.readouterr().out

    def test_problems_are_listed(self, asset: Asset, capsys: pytest.CaptureFixture[str]) -> None:
        """Damaged parts are listed with their pointers."""
        assert main(["inspect", str(asset("har/damaged-entries.har"))]) == 0
        assert "#/log/entries/1/request: entry skipped" in capsys.readouterr().out


class TestErrors:
    """Exit codes and one-line errors."""

    def test_unreadable_input(self, asset: Asset, capsys: pytest.CaptureFixture[str]) -> None:
        """A file that is not a HAR exits 2 with one line naming it."""
        path = asset("har/single-entry.har")
        assert main(["inspect", str(path)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"tagsig: error: {path}: expected a HAR file")
        assert err.count("\n") == 1

    def test_bad_usage(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Bad usage exits 2."""
        with pytest.raises(SystemExit) as info:
            main(["inspect", "--format", "xml", EXAMPLE_HAR])
        assert info.value.code == 2
        assert "tagsig: error:" in capsys.readouterr().err

    def test_nothing_to_read(self) -> None:
        """Inspect without inputs is bad usage."""
        with pytest.raises(SystemExit) as info:
            main(["inspect"])
        assert info.value.code == 2

    def test_version(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--version prints the version and the date of the Public Suffix List."""
        with pytest.raises(SystemExit) as info:
            main(["--version"])
        assert info.value.code == 0
        assert re.fullmatch(
            r"tagsig \S+ \(Public Suffix List \d{4}-\d{2}-\d{2}\)\n", capsys.readouterr().out
        )


def test_module_entry_point() -> None:
    """``python -m tagsig`` runs the command line."""
    result = subprocess.run(
        [sys.executable, "-m", "tagsig", "inspect", EXAMPLE_HAR],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "entries: 14" in result.stdout


def test_program_exit_codes() -> None:
    """The ``tagsig`` program's entry point exits with the command line's exit code."""
    script = "import sys; from tagsig._cli.main import run; sys.argv[1:] = sys.argv[2:]; run()"
    for arguments, code in ((["inspect", EXAMPLE_HAR], 0), (["analyze", "missing.har"], 2)):
        result = subprocess.run(
            [sys.executable, "-c", script, "tagsig", *arguments],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert result.returncode == code, result.stderr
    assert result.stderr.startswith("tagsig: error: missing.har: ")


def test_program_exits_with_the_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry point exits with what the command line returns, its heap frozen."""
    monkeypatch.setattr(sys, "argv", ["tagsig", "inspect", EXAMPLE_HAR])
    try:
        with pytest.raises(SystemExit) as info:
            run()
        assert info.value.code == 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_program_runs_exit_handlers() -> None:
    """Exiting through the entry point still runs the handlers a program registered."""
    script = (
        "import atexit, sys; from tagsig._cli.main import run; "
        "atexit.register(lambda: print('handler ran', file=sys.stderr)); "
        "sys.argv[1:] = ['--version']; run()"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.startswith("tagsig ")
    assert "handler ran" in result.stderr


class TestAnalyze:
    """``tagsig analyze``."""

    def test_text(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The text report has a row per tag and lists unknown third parties."""
        assert main(["analyze", EXAMPLE_HAR, "--cookies", EXAMPLE_JAR]) == 0
        out = capsys.readouterr().out
        assert "Meta Pixel" in out
        assert "google-tag-manager" in out
        assert "cdn.example-tracker.net" in out

    def test_json_to_file(self, tmp_path: Path) -> None:
        """--output writes the JSON report to a file."""
        target = tmp_path / "report.json"
        assert main(["analyze", EXAMPLE_HAR, "--format", "json", "--output", str(target)]) == 0
        document = json.loads(target.read_text(encoding="utf-8"))
        assert document["schema_version"] == 1
        assert "meta-pixel" in {tag["id"] for tag in document["tags"]}

    def test_first_party_option(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--first-party removes a host from the unknown third parties."""
        assert (
            main(
                ["analyze", EXAMPLE_HAR, "--first-party", "example-tracker.net", "--format", "json"]
            )
            == 0
        )
        assert json.loads(capsys.readouterr().out)["unattributed"] == []

    def test_invalid_signatures_one_line_each(
        self, asset: Asset, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An invalid signature file exits 2 with one line per problem."""
        path = asset("signatures/invalid-regex.json")
        assert main(["analyze", EXAMPLE_HAR, "--signatures", str(path)]) == 2
        lines = capsys.readouterr().err.splitlines()
        assert lines
        assert all(line.startswith(f"tagsig: error: {path}#/signatures/") for line in lines)

    def test_unwritable_output(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An output file that cannot be written exits 2."""
        target = tmp_path / "missing" / "report.json"
        assert main(["analyze", EXAMPLE_HAR, "--output", str(target)]) == 2
        assert capsys.readouterr().err.startswith(f"tagsig: error: {target}: cannot write")


class TestMarkdownBound:
    """``tagsig analyze --format markdown`` with ``--max-chars`` and ``--baseline``."""

    def test_max_chars(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The Markdown stays within ``--max-chars`` and says what it left out."""
        assert main(["analyze", EXAMPLE_HAR, "--format", "markdown", "--max-chars", "2500"]) == 0
        out = capsys.readouterr().out
        assert len(out) <= 2500
        assert "> **Note**: to stay within 2,500 characters" in out

    def test_baseline(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A JSON report as baseline gives the change in the summary."""
        baseline = tmp_path / "old.json"
        assert main(["analyze", EXAMPLE_HAR, "--format", "json", "--output", str(baseline)]) == 0
        assert (
            main(
                [
                    "analyze",
                    EXAMPLE_HAR,
                    "--cookies",
                    EXAMPLE_JAR,
                    "--format",
                    "markdown",
                    "--baseline",
                    str(baseline),
                ]
            )
            == 0
        )
        out = capsys.readouterr().out
        assert "## Change against the baseline" in out
        assert "- Tags added: none" in out

    def test_baseline_not_a_report(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A baseline that is no JSON report ends with one error line and exit 2."""
        assert (
            main(["analyze", EXAMPLE_HAR, "--format", "markdown", "--baseline", EXAMPLE_HAR]) == 2
        )
        err = capsys.readouterr().err
        assert err == (
            f"tagsig: error: {EXAMPLE_HAR}: expected a tagsig JSON report "
            "(--format json) as the baseline\n"
        )


class TestExplain:
    """``tagsig analyze --explain TAG``."""

    def test_one_tag_in_full(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The tag's facts, every flag with its evidence, and its common mistakes."""
        assert (
            main(["analyze", EXAMPLE_HAR, "--cookies", EXAMPLE_JAR, "--explain", "intercom"]) == 0
        )
        out = capsys.readouterr().out
        assert out.startswith("Intercom (intercom)\n")
        assert "  consent purpose: functional\n" in out
        assert "high identity-verification-missing: " in out
        assert "POST https://api-iam.intercom.io/messenger/web/ping at " in out
        assert "\nCommon mistakes:\n" in out
        assert "Tags" not in out

    def test_unknown_tag(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A tag the report does not have ends with one error line and exit 2."""
        assert main(["analyze", EXAMPLE_HAR, "--explain", "nope"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("tagsig: error: no tag 'nope' in the report (tags: ")
        assert err.count("\n") == 1


def test_main_restores_garbage_collection(capsys: pytest.CaptureFixture[str]) -> None:
    """An in-process caller gets its garbage collector back as it was."""
    assert gc.isenabled()
    assert main(["show", "intercom", "--format", "json"]) == 0
    assert gc.isenabled()
    gc.disable()
    try:
        assert main(["show", "intercom", "--format", "json"]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
    capsys.readouterr()

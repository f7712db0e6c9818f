"""The command line's streams: standard input and output, colour, progress and Ctrl-C."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tagsig._cli.main import EXIT_INTERRUPTED, main

from .conftest import REPO

EXAMPLE_HAR = REPO / "examples" / "shop.har"
ESCAPE = "\x1b["


def _tagsig(
    *args: str,
    stdin: bytes = b"",
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "tagsig", *args],
        input=stdin,
        capture_output=True,
        check=False,
        timeout=120,
        env=environment,
    )


class TestStandardInput:
    """``-`` as a capture reads standard input."""

    def test_analyze_reads_standard_input(self) -> None:
        """The report of a capture piped in is the report of the file, named <stdin>."""
        result = _tagsig("analyze", "-", "--format", "json", stdin=EXAMPLE_HAR.read_bytes())
        assert result.returncode == 0, result.stderr
        document = json.loads(result.stdout)
        assert [i["path"] for i in document["inputs"]] == ["<stdin>"]
        assert "meta-pixel" in {tag["id"] for tag in document["tags"]}

    def test_inspect_reads_standard_input(self) -> None:
        """``inspect -`` summarises the capture piped in."""
        result = _tagsig("inspect", "-", stdin=EXAMPLE_HAR.read_bytes())
        assert result.returncode == 0, result.stderr
        assert result.stdout.decode().startswith("<stdin>\n")
        assert b"entries: 14" in result.stdout

    def test_damaged_standard_input(self) -> None:
        """What is not a HAR on standard input is one error line naming <stdin>."""
        result = _tagsig("analyze", "-", stdin=b"{not json")
        assert result.returncode == 2
        lines = result.stderr.decode().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("tagsig: error: <stdin>")

    def test_standard_input_only_once(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Standard input cannot stand for two captures."""
        assert main(["analyze", "-", "-"]) == 2
        assert capsys.readouterr().err == (
            "tagsig: error: standard input (-) can be read only once\n"
        )


class TestOutput:
    """``--output`` and its short form ``-o``."""

    @pytest.mark.parametrize("option", ["--output", "-o"])
    def test_dash_is_standard_output(self, option: str, capsys: pytest.CaptureFixture[str]) -> None:
        """``--output -`` writes the report on standard output."""
        assert main(["analyze", str(EXAMPLE_HAR), "--format", "json", option, "-"]) == 0
        assert json.loads(capsys.readouterr().out)["schema_version"] == 1

    @pytest.mark.parametrize(
        "command",
        [
            ["analyze", str(EXAMPLE_HAR)],
            ["inspect", str(EXAMPLE_HAR)],
            ["diff", str(EXAMPLE_HAR), str(EXAMPLE_HAR)],
        ],
    )
    def test_short_form_writes_the_file(
        self, command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``-o FILE`` writes the file and leaves standard output empty."""
        target = tmp_path / "out.json"
        assert main([*command, "--format", "json", "-o", str(target)]) == 0
        assert capsys.readouterr().out == ""
        assert json.loads(target.read_text(encoding="utf-8"))

    def test_catalogue_short_form(self, tmp_path: Path) -> None:
        """``tagsig catalogue -o DIR`` writes the pages into DIR."""
        assert main(["catalogue", "-o", str(tmp_path / "site"), "--lang", "en"]) == 0
        assert (tmp_path / "site" / "index.html").is_file()

    def test_batch_lines_on_standard_output(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``batch -o -``: the JSON lines on standard output, the summary on standard error."""
        shutil.copy(EXAMPLE_HAR, tmp_path / "a.har")
        shutil.copy(EXAMPLE_HAR, tmp_path / "b.har")
        assert main(["batch", str(tmp_path), "-j", "1", "-o", "-"]) == 0
        out, err = capsys.readouterr()
        lines = [json.loads(line) for line in out.splitlines()]
        assert [Path(line["path"]).name for line in lines] == ["a.har", "b.har"]
        assert "estate: 2 captures" in err


class TestColour:
    """``NO_COLOR`` and ``FORCE_COLOR``."""

    def test_no_color_into_a_pipe(self) -> None:
        """A pipe gets plain text."""
        result = _tagsig("analyze", str(EXAMPLE_HAR))
        assert result.returncode == 0
        assert ESCAPE not in result.stdout.decode()

    def test_force_color(self) -> None:
        """``FORCE_COLOR`` colours even a pipe (a CI log that shows colour)."""
        result = _tagsig("analyze", str(EXAMPLE_HAR), env={"FORCE_COLOR": "1"})
        assert result.returncode == 0
        assert ESCAPE in result.stdout.decode()

    def test_no_color_wins(self) -> None:
        """``NO_COLOR`` wins over ``FORCE_COLOR``."""
        result = _tagsig("analyze", str(EXAMPLE_HAR), env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
        assert ESCAPE not in result.stdout.decode()

    def test_empty_force_color_is_unset(self) -> None:
        """An empty ``FORCE_COLOR`` forces nothing."""
        result = _tagsig("analyze", str(EXAMPLE_HAR), env={"FORCE_COLOR": ""})
        assert ESCAPE not in result.stdout.decode()

    def test_force_color_not_into_a_file(self, tmp_path: Path) -> None:
        """A report written to a file is never coloured."""
        target = tmp_path / "report.txt"
        result = _tagsig("analyze", str(EXAMPLE_HAR), "-o", str(target), env={"FORCE_COLOR": "1"})
        assert result.returncode == 0
        assert ESCAPE not in target.read_text(encoding="utf-8")


class TestProgress:
    """``batch --progress`` on a standard error that is no terminal."""

    def _estate(self, folder: Path, count: int) -> None:
        for number in range(count):
            shutil.copy(EXAMPLE_HAR, folder / f"{number:03d}.har")

    def test_lines_when_asked(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """With --progress, plain lines count the captures done; the last says all."""
        self._estate(tmp_path, 3)
        assert (
            main(
                [
                    "batch",
                    str(tmp_path),
                    "-j",
                    "1",
                    "-o",
                    str(tmp_path / "lines.jsonl"),
                    "--progress",
                ]
            )
            == 0
        )
        progress = [
            line
            for line in capsys.readouterr().err.splitlines()
            if line.startswith("tagsig: analysed")
        ]
        assert progress
        assert progress[-1].startswith("tagsig: analysed 3/3 captures (")
        assert ESCAPE not in "".join(progress)

    @pytest.mark.parametrize("option", [[], ["--no-progress"]])
    def test_none_by_default(
        self, option: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Without it (or with --no-progress), a log gets no progress lines."""
        self._estate(tmp_path, 2)
        assert (
            main(["batch", str(tmp_path), "-j", "1", "-o", str(tmp_path / "l.jsonl"), *option]) == 0
        )
        assert "tagsig: analysed" not in capsys.readouterr().err


def _wait_reading(pid: int) -> None:
    """Return once process ``pid`` waits in a read of a pipe (imported, and reading).

    Where ``/proc`` does not say what a process waits for (no ``/proc``, or a kernel that
    shows ``0`` for every wait), wait a generous while instead.
    """
    wchan = Path(f"/proc/{pid}/wchan")
    if not wchan.exists():
        time.sleep(10)
        return
    started = time.monotonic()
    told = False  # whether the kernel ever named a wait
    while True:
        waiting = wchan.read_text(encoding="ascii", errors="replace")
        if "pipe" in waiting:
            break
        told = told or waiting not in {"", "0"}
        elapsed = time.monotonic() - started
        if not told and elapsed > 10:
            return
        assert elapsed < 120, "the command never waited for its input"
        time.sleep(0.05)
    time.sleep(0.2)  # let the read settle


class TestInterrupt:
    """Ctrl-C ends any command with one line and exit status 130."""

    def _estate(self, folder: Path, count: int) -> None:
        for number in range(count):
            shutil.copy(EXAMPLE_HAR, folder / f"{number:03d}.har")

    def test_in_process(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An interrupt during a batch: the lines written are kept, one line, 130."""
        shutil.copy(EXAMPLE_HAR, tmp_path / "a.har")
        shutil.copy(EXAMPLE_HAR, tmp_path / "b.har")
        from tagsig._batch import run as _batch

        real = _batch.run_batch

        def interrupted(paths: list[str], **options: object) -> Iterator[object]:
            lines = real(paths, jobs=1)
            yield next(lines)
            raise KeyboardInterrupt

        monkeypatch.setattr(_batch, "run_batch", interrupted)
        target = tmp_path / "lines.jsonl"
        assert main(["batch", str(tmp_path), "-o", str(target)]) == EXIT_INTERRUPTED
        assert capsys.readouterr().err == "tagsig: interrupted\n"
        assert len(target.read_text(encoding="utf-8").splitlines()) == 1

    @pytest.mark.slow
    def test_waiting_for_standard_input(self) -> None:
        """Ctrl-C while ``analyze -`` waits for its input."""
        process = subprocess.Popen(
            [sys.executable, "-m", "tagsig", "analyze", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        _wait_reading(process.pid)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        assert process.returncode == EXIT_INTERRUPTED
        assert (out, err) == (b"", b"tagsig: interrupted\n")

    @pytest.mark.slow
    @pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs process groups")
    def test_batch_with_workers(self, tmp_path: Path) -> None:
        """Ctrl-C at a terminal reaches the batch and its workers: one line, no traceback."""
        estate = tmp_path / "estate"
        estate.mkdir()
        self._estate(estate, 400)
        target = tmp_path / "lines.jsonl"
        process = subprocess.Popen(
            [sys.executable, "-m", "tagsig", "batch", str(estate), "-j", "2", "-o", str(target)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            not target.is_file() or not target.read_bytes().count(b"\n")
        ):
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGINT)  # as a terminal sends it: to the whole group
        _, err = process.communicate(timeout=60)
        assert process.returncode == EXIT_INTERRUPTED
        assert err == b"tagsig: interrupted\n"
        assert 0 < target.read_bytes().count(b"\n") < 400


class TestHelp:
    """``--help`` points at documentation a wheel does not ship: online, never a path."""

    @pytest.mark.parametrize("command", [[], ["analyze"]])
    def test_online_documentation(
        self, command: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The help ends with the online address of an existing page."""
        from tagsig._resources import DOCS_URL

        with pytest.raises(SystemExit):
            main([*command, "--help"])
        out = capsys.readouterr().out
        assert "docs/" not in out.replace(DOCS_URL, "")
        address = out.rstrip().splitlines()[-1].removeprefix("Documentation: ")
        assert address.startswith(DOCS_URL)
        assert (REPO / "docs" / address.removeprefix(DOCS_URL)).is_file()

    def test_pages_named_in_help_exist(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Each page the option help names is a page of the documentation."""
        import re

        with pytest.raises(SystemExit):
            main(["analyze", "--help"])
        pages = re.findall(r"([a-z-]+\.md) in the\s+documentation", capsys.readouterr().out)
        assert pages
        assert all((REPO / "docs" / page).is_file() for page in pages)

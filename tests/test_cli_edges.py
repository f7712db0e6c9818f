"""Edges of the command line run in-process: options, standard streams, unexpected errors."""

from __future__ import annotations

import errno
import io
import json
import sys
from pathlib import Path

import pytest

import tagsig._render.formats
from tagsig._cli.main import main

from .builders import entry, har
from .conftest import REPO

EXAMPLE_HAR = str(REPO / "examples" / "shop.har")


class _Stdin:
    """A standard input whose bytes are a capture."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_max_input_bytes_below_one(capsys: pytest.CaptureFixture[str]) -> None:
    """--max-input-bytes 0 is bad usage."""
    with pytest.raises(SystemExit) as info:
        main(["--max-input-bytes", "0", "analyze", EXAMPLE_HAR])
    assert info.value.code == 2
    assert "--max-input-bytes: expected at least 1, found 0" in capsys.readouterr().err


def test_capture_from_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``-`` reads the capture from standard input."""
    data = har(
        entry("https://www.shop.example/"),
        entry("https://www.google-analytics.com/g/collect?v=2&tid=G-1"),
    )
    monkeypatch.setattr(sys, "stdin", _Stdin(data))
    assert main(["analyze", "-", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["inputs"][0]["path"] == "<stdin>"
    assert "google-analytics" in [t["id"] for t in report["tags"]]


def test_forced_colour(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """FORCE_COLOR colours the text report even when standard output is no terminal."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert main(["analyze", EXAMPLE_HAR]) == 0
    assert "\x1b[" in capsys.readouterr().out


def test_streams_without_reconfigure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard streams that cannot be reconfigured (no TextIOWrapper) are written as they are."""
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    assert main(["analyze", EXAMPLE_HAR, "--format", "json"]) == 0
    assert json.loads(out.getvalue())["schema_version"] == 1


def test_full_standard_output(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A standard output that cannot be written (a full device) is one line on stderr."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "w", encoding="utf-8") as full:
        monkeypatch.setattr(sys, "stdout", full)
        assert main(["analyze", EXAMPLE_HAR, "--format", "json"]) == 2
        monkeypatch.undo()
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("<stdout>: cannot write the output: No space left on device")
    )


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (
            PermissionError(errno.EACCES, "Permission denied"),
            "unexpected PermissionError: [Errno 13] Permission denied",
        ),
        (RuntimeError("broken renderer"), "unexpected RuntimeError: broken renderer"),
    ],
)
def test_unexpected_error_is_one_line(
    error: Exception,
    shown: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An error no reader turned into a tagsig error is one line, never a traceback."""

    def broken(*args: object, **kwargs: object) -> str:
        raise error

    monkeypatch.setattr(tagsig._render.formats, "render", broken)
    assert main(["analyze", EXAMPLE_HAR, "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert shown in err
    assert "Traceback" not in err

"""``tagsig inspect``: what it prints of captures and jars, and that it prints no control codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tagsig._cli.main import main
from tagsig._exceptions import ArgumentError
from tagsig._inputs.cookies.jars import load_cookies
from tagsig._inputs.har.reader import load_har
from tagsig._render.inspect import render_inspect

ESCAPES = ("\x1b", "\x07", "\x9b", "\u202e")


def _hostile_har(path: Path) -> Path:
    entry = {
        "startedDateTime": "2024-01-01T00:00:00Z",
        "time": 1,
        "request": {
            "method": "GET",
            "url": "https://cdn.example.com/x",
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Cookie", "value": "c\x1b[5m=1"}],
            "queryString": [],
            "cookies": [{"name": "k\x1b[1m", "value": "v"}],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": 200,
            "statusText": "OK",
            "httpVersion": "HTTP/1.1",
            "headers": [],
            "cookies": [{"name": "set\x9b31m", "value": "1"}],
            "content": {"size": 0, "mimeType": "text/html"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": 0,
        },
        "cache": {},
        "timings": {"send": 0, "wait": 0, "receive": 0},
    }
    har = {
        "log": {
            "version": "1.2",
            "creator": {"name": "evil\x1b[31mproducer", "version": "1\x1b]0;title\x07"},
            "browser": {"name": "B\u202erowser\x1b[2J", "version": "1"},
            "pages": [],
            "entries": [entry],
        }
    }
    path.write_text(json.dumps(har), encoding="utf-8")
    return path


def _hostile_jar(path: Path) -> Path:
    path.write_text(
        "# Netscape HTTP Cookie File\n.example.com\tTRUE\t/\tFALSE\t0\tna\x1b[31mme\tv\n",
        encoding="utf-8",
    )
    return path


def test_inspect_prints_no_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Escape sequences in a producer, browser or cookie name reach the terminal as ``?``."""
    har = _hostile_har(tmp_path / "capture.har")
    jar = _hostile_jar(tmp_path / "jar.txt")
    assert main(["inspect", str(har), "--cookies", str(jar)]) == 0
    out = capsys.readouterr().out
    assert not [c for c in ESCAPES if c in out], out
    assert "producer: evil?[31mproducer 1?]0;title? (B?rowser?[2J 1)" in out
    assert "na?[31mme  example.com  session" in out


def test_render_inspect_text_cleans_every_line(tmp_path: Path) -> None:
    """The renderer itself cleans what it writes, whoever calls it."""
    capture = load_har(_hostile_har(tmp_path / "capture.har"))
    jar = load_cookies(_hostile_jar(tmp_path / "jar.txt"))
    text = render_inspect([capture], [jar])
    assert not [c for c in ESCAPES if c in text]
    assert text.startswith(f"{capture.source}\n  producer: evil?[31mproducer")


def test_render_inspect_json_keeps_the_text(tmp_path: Path) -> None:
    """JSON escapes control characters itself, so the producer is given as recorded."""
    capture = load_har(_hostile_har(tmp_path / "capture.har"))
    text = render_inspect([capture], [], "json")
    assert "\x1b" not in text
    assert json.loads(text)["inputs"][0]["producer"] == "evil\x1b[31mproducer 1\x1b]0;title\x07"


def test_render_inspect_refuses_an_unknown_format() -> None:
    """A format other than text or JSON is an ArgumentError."""
    with pytest.raises(ArgumentError):
        render_inspect([], [], "html")

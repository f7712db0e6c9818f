"""Hostile inputs: each is refused with a tagsig error, or read with its damage a problem."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from attrs import evolve

from tagsig import (
    CookieJarError,
    HarError,
    InputError,
    PolicyError,
    TagsigError,
    analyze,
    load_cookies,
    load_har,
    load_policy,
    load_signatures,
    render,
)
from tagsig._analysis.saved import load_report_document
from tagsig._batch import pool as _batch_pool
from tagsig._batch import run as _batch
from tagsig._batch.pool import BatchLine
from tagsig._batch.run import run_batch
from tagsig._cli.main import main
from tagsig._inputs.url import parse_url
from tagsig._render.compare import diff_reports
from tagsig._render.csv import CSV_COLUMNS
from tagsig._report.model import REPORT_SCHEMA_VERSION, Report

from .builders import entry, har
from .reports import example_report

DEEP = 100_000


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _capture_with(old: bytes, new: bytes) -> bytes:
    data = har(entry("https://www.shop.example/", time=7.0))
    assert data.count(old) == 1
    return data.replace(old, new)


class TestDeepNesting:
    """JSON nested far deeper than the interpreter's recursion limit."""

    @pytest.mark.parametrize(
        "data",
        [
            _nested(DEEP),
            b'{"log": {"entries": [], "x": ' + _nested(DEEP) + b"}}",
            _capture_with(b'"cache": {}', b'"cache": ' + _nested(DEEP)),
            _capture_with(
                b'"cache": {}',
                b'"_initiator": {"type": "script", "stack": '
                + b'{"parent": ' * 5000
                + b"null"
                + b"}" * 5000
                + b"}",
            ),
        ],
        ids=["document", "log member", "entry member", "initiator stack"],
    )
    def test_capture(self, data: bytes) -> None:
        """A capture is refused with a HarError that says why."""
        with pytest.raises(HarError, match="nested too deeply"):
            load_har(data)

    def test_mapping(self) -> None:
        """A mapping nested too deeply is refused with a HarError."""
        document: dict[str, object] = {"log": {"entries": []}}
        inner = document
        for _ in range(5000):
            inner["x"] = inner = {}
        with pytest.raises(HarError, match="nested too deeply"):
            load_har(document)

    def test_jar(self) -> None:
        """A JSON jar nested too deeply is refused with a CookieJarError."""
        with pytest.raises(CookieJarError, match="nested too deeply"):
            load_cookies(_nested(DEEP))


class TestNumbers:
    """Numbers that no typed member can hold."""

    @pytest.mark.parametrize("number", [b"1e999", b"-1e999", b"9" * 5000])
    def test_typed_member_is_ignored(self, number: bytes) -> None:
        """The member is ignored with a problem at its pointer; the entry is kept."""
        capture = load_har(_capture_with(b'"time": 7.0', b'"time": ' + number))
        assert len(capture.entries) == 1
        (problem,) = capture.problems
        assert problem.pointer == "/log/entries/0/time"
        assert "too large" in problem.message

    def test_two_members(self) -> None:
        """Each out-of-range member is ignored in turn."""
        data = _capture_with(b'"time": 7.0', b'"time": 1e999')
        data = data.replace(b'"status": 200', b'"status": ' + b"9" * 5000)
        capture = load_har(data)
        assert len(capture.entries) == 1
        assert {p.pointer for p in capture.problems} == {
            "/log/entries/0/time",
            "/log/entries/0/response/status",
        }

    def test_log_member(self) -> None:
        """Outside the entries, such a number refuses the capture with a HarError."""
        with pytest.raises(HarError, match="too large"):
            load_har(b'{"log": {"version": 1e999, "entries": []}}')


class TestText:
    """Bytes that are not UTF-8 and escapes of unpaired surrogates."""

    def test_invalid_utf8_in_url(self) -> None:
        """The entry is read with U+FFFD, and the replacement is a problem of that entry."""
        data = har(entry("https://www.shop.example/a"))
        capture = load_har(data.replace(b"example/a", b"example/\xff\xfe"))
        (only,) = capture.entries
        assert only.url.raw.endswith("\ufffd\ufffd")
        (problem,) = capture.problems
        assert (problem.pointer, "not UTF-8" in problem.message) == ("/log/entries/0", True)

    def test_invalid_utf8_in_header(self) -> None:
        """A header value that is not UTF-8 is read the same way."""
        data = har(entry("https://www.shop.example/", request_headers={"X-A": "Q"}))
        capture = load_har(data.replace(b'"Q"', b'"\xc3"'))
        assert capture.entries[0].request_headers.get("x-a") == "\ufffd"

    @pytest.mark.parametrize("escape", [rb"\ud800", rb"\udfff", rb"x\ud83d"])
    def test_lone_surrogate_in_body(self, escape: bytes) -> None:
        """A lone surrogate inside ``content.text`` no longer rejects the capture."""
        capture = load_har(
            _capture_with(
                b'"mimeType": "text/html"}', b'"mimeType": "text/html", "text": "' + escape + b'"}'
            )
        )
        assert len(capture.entries) == 1
        assert "surrogate" in capture.problems[0].message

    def test_pairs_and_escaped_backslashes_are_kept(self) -> None:
        r"""A surrogate pair and ``\\ud800`` (a backslash, then text) are left alone."""
        data = har(entry("https://www.shop.example/a"))
        capture = load_har(data.replace(b"example/a", rb"example/\ud83d\ude00/\\ud800"))
        assert capture.entries[0].url.raw == "https://www.shop.example/\U0001f600/\\ud800"
        assert capture.problems == ()

    def test_lone_surrogate_in_json_jar(self) -> None:
        """A JSON jar's lone surrogate becomes U+FFFD, with a problem."""
        jar = load_cookies(rb'[{"name": "a\ud800", "value": "v", "domain": ".x.example"}]')
        assert jar.cookies[0].name == "a\ufffd"
        assert "surrogate" in jar.problems[0].message
        jar.cookies[0].name.encode("utf-8")


class TestSizes:
    """Inputs larger than the limit, compressed or not."""

    def test_gzip_bomb(self) -> None:
        """Inflating stops at the limit with an error that names how to raise it."""
        bomb = gzip.compress(b" " * 5_000_000)
        with pytest.raises(HarError, match="TAGSIG_MAX_INPUT_BYTES"):
            load_har(bomb, max_bytes=1_000_000)
        with pytest.raises(CookieJarError, match="at most 1000000 bytes"):
            load_cookies(bomb, max_bytes=1_000_000)

    def test_limit_from_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """``TAGSIG_MAX_INPUT_BYTES`` sets the default limit."""
        monkeypatch.setenv("TAGSIG_MAX_INPUT_BYTES", "100")
        with pytest.raises(HarError, match="at most 100 bytes"):
            load_har(gzip.compress(har(entry("https://www.shop.example/"))))

    def test_command_line_option(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``tagsig --max-input-bytes N`` sets the limit for the run."""
        monkeypatch.setenv("TAGSIG_MAX_INPUT_BYTES", "")  # restored after the test
        path = tmp_path / "x.har.gz"
        path.write_bytes(gzip.compress(har(entry("https://www.shop.example/"))))
        assert main(["--max-input-bytes", "100", "inspect", str(path)]) == 2
        assert "at most 100 bytes" in capsys.readouterr().err
        assert main(["--max-input-bytes", "100000", "inspect", str(path)]) == 0

    def test_gzip_members(self) -> None:
        """A stream of several gzip members reads as their concatenation."""
        data = har(entry("https://www.shop.example/"))
        stream = gzip.compress(data[:50]) + gzip.compress(data[50:])
        assert len(load_har(stream).entries) == 1

    @pytest.mark.parametrize("tail", [b"junk", b"\x1f"])
    def test_data_after_gzip(self, tail: bytes) -> None:
        """Data after the last member is a damaged stream."""
        with pytest.raises(HarError, match="damaged gzip stream"):
            load_har(gzip.compress(har()) + tail)

    def test_reading_reserves_no_limit(self, tmp_path: Path) -> None:
        """A small file is read without reserving the limit's worth of memory."""
        path = tmp_path / "small.har"
        path.write_bytes(har(entry("https://www.shop.example/")))
        assert _peak_bytes(lambda: load_har(path)) < 10_000_000
        with path.open("rb") as stream:
            assert _peak_bytes(lambda: load_har(stream)) < 100_000_000

    def test_large_file(self, tmp_path: Path) -> None:
        """A file over the limit is refused without reading it whole."""
        path = tmp_path / "big.har"
        path.write_bytes(b" " * 2000)
        with pytest.raises(HarError, match="at most 1000 bytes"):
            load_har(path, max_bytes=1000)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
class TestSpecialFiles:
    """Files that are not regular files: they could block or never end."""

    def test_fifo(self, tmp_path: Path) -> None:
        """A FIFO is refused at once, without waiting for a writer."""
        fifo = tmp_path / "pipe.har"
        os.mkfifo(fifo)
        result: list[BaseException] = []

        def read() -> None:
            try:
                load_har(fifo)
            except HarError as error:
                result.append(error)

        thread = threading.Thread(target=read, daemon=True)
        thread.start()
        thread.join(10)
        assert not thread.is_alive()
        assert "named pipe" in str(result[0])

    @pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
    def test_endless_device(self) -> None:
        """``/dev/zero`` is refused as a character device."""
        with pytest.raises(CookieJarError, match="character device"):
            load_cookies("/dev/zero")

    def test_directory(self, tmp_path: Path) -> None:
        """A directory is refused as one."""
        with pytest.raises(HarError, match="a directory"):
            load_har(tmp_path)


class TestSqlite:
    """A damaged SQLite jar."""

    def test_flipped_bytes(self, tmp_path: Path) -> None:
        """Flipping the high bit of any byte gives a jar or a CookieJarError, nothing else.

        A flip inside the schema's text makes a table or column name that is not UTF-8.
        """
        path = tmp_path / "Cookies"
        with sqlite3.connect(path) as connection:
            connection.execute(
                "CREATE TABLE cookies (host_key TEXT, name TEXT, value TEXT, "
                "path TEXT, expires_utc INTEGER, is_secure INTEGER, "
                "is_httponly INTEGER, samesite INTEGER, is_persistent INTEGER)"
            )
            connection.executemany(
                "INSERT INTO cookies VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (".x.example", f"n{i}", "v", "/", 13_300_000_000_000_000, 0, 0, 1, 1)
                    for i in range(20)
                ],
            )
        connection.close()
        data = path.read_bytes()
        for offset in range(len(data)):
            damaged = bytearray(data)
            damaged[offset] ^= 0x80
            try:
                load_cookies(bytes(damaged))
            except CookieJarError:
                pass


class TestCommandLine:
    """What the command line prints for hostile inputs."""

    def test_control_characters_in_error(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An error naming a hostile key prints no escape sequence."""
        path = tmp_path / "x.har"
        path.write_text(json.dumps({"\x1b]0;owned\x07": {"log": {"entries": 3}}}))
        assert main(["inspect", str(path)]) == 2
        err = capsys.readouterr().err
        assert "\x1b" not in err
        assert "\x07" not in err
        assert err.count("\n") == 1
        assert err.startswith("tagsig: error: ")

    def test_huge_key_in_error(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An error naming a key of a megabyte prints one short line."""
        path = tmp_path / "x.har"
        path.write_text(json.dumps({"k" * 1_000_000: {"log": {"entries": 3}}}))
        assert main(["inspect", str(path)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert len(err) < 1100

    def test_control_characters_in_inspect(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``inspect`` neutralises control characters from the capture."""
        path = tmp_path / "x.har"
        path.write_bytes(har(entry("https://www.shop.example/"), creator="\x1b[2J\x9bevil"))
        assert main(["inspect", str(path)]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out
        assert "\x9b" not in out
        assert "?[2J?evil" in out

    @pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
    def test_full_output(self, tmp_path: Path) -> None:
        """A full standard output is one error line and exit status 2."""
        path = tmp_path / "x.har"
        path.write_bytes(har(entry("https://www.shop.example/")))
        with open("/dev/full", "w") as full:
            result = subprocess.run(
                [sys.executable, "-m", "tagsig", "inspect", str(path)],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
                timeout=120,
            )
        assert result.returncode == 2
        assert result.stderr.splitlines() == [
            "tagsig: error: <stdout>: cannot write the output: No space left on device"
        ]


class TestPolicies:
    """Policy files that pass a schema check yet mean nothing, or cannot be read."""

    @pytest.mark.parametrize(
        ("name", "text"),
        [
            ("p.toml", "version = 1\n[cookies]\nmax_lifetime_days = nan\n"),
            ("p.toml", "version = 1\n[weight]\nmax_bytes_per_tag = -inf\n"),
            ("p.json", '{"version": 1, "cookies": {"max_lifetime_days": NaN}}'),
        ],
    )
    def test_non_finite_number(self, tmp_path: Path, name: str, text: str) -> None:
        """``nan`` and ``inf`` are refused with the pointer of the value."""
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(PolicyError, match="expected a finite number") as caught:
            load_policy(path)
        assert caught.value.pointer in {"/cookies/max_lifetime_days", "/weight/max_bytes_per_tag"}

    def test_long_wrong_value_is_shortened(self, tmp_path: Path) -> None:
        """A wrong value of megabytes is not echoed whole."""
        path = tmp_path / "p.toml"
        path.write_text(f'version = 1\n[cookies]\nmax_lifetime_days = "{"x" * 1_000_000}"\n')
        with pytest.raises(PolicyError) as caught:
            load_policy(path)
        assert len(str(caught.value)) < 400

    @pytest.mark.parametrize(
        ("name", "text"),
        [
            ("p.json", "[" * DEEP + "]" * DEEP),
            ("p.json", '{"a": ' * DEEP + "1" + "}" * DEEP),
            ("p.toml", "a = " + "[" * DEEP + "]" * DEEP),
        ],
    )
    def test_deep_nesting(self, tmp_path: Path, name: str, text: str) -> None:
        """JSON and TOML nested too deeply are a PolicyError."""
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(PolicyError):
            load_policy(path)

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
    def test_fifo(self, tmp_path: Path) -> None:
        """A named pipe is refused, not waited on."""
        os.mkfifo(tmp_path / "p.toml")
        with pytest.raises(PolicyError, match="named pipe"):
            load_policy(tmp_path / "p.toml")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_signature_fifo(tmp_path: Path) -> None:
    """A named pipe given as a signature file is refused, not waited on."""
    os.mkfifo(tmp_path / "s.json")
    with pytest.raises(TagsigError, match="no regular file"):
        load_signatures(tmp_path / "s.json")


class TestSavedReports:
    """Saved JSON reports given to ``diff``."""

    @staticmethod
    def _report(tmp_path: Path, **tag: object) -> Path:
        base: dict[str, object] = {
            "id": "t",
            "name": "T",
            "consent": "analytics",
            "requests": 1,
            "transfer_bytes": 10,
            "decoded_bytes": 10,
            "script_bytes": 0,
            "time_ms": 1.0,
            "cookies": [],
            "flags": [],
        }
        document = {
            "schema_version": REPORT_SCHEMA_VERSION,
            "tags": [{**base, **tag}],
            "unattributed": [],
            "flags": [],
        }
        path = tmp_path / f"r{len(list(tmp_path.iterdir()))}.json"
        path.write_text(json.dumps(document))
        return path

    def test_deep_nesting(self, tmp_path: Path) -> None:
        """A report nested too deeply is an InputError."""
        path = tmp_path / "deep.json"
        path.write_text('{"schema_version": ' + "[" * DEEP + "]" * DEEP + "}")
        with pytest.raises(InputError, match="nested too deeply"):
            load_report_document(path)

    @pytest.mark.parametrize(
        "tag",
        [
            {"transfer_bytes": 10**3999},
            {"time_ms": 10**3999},
            {"time_ms": float("nan")},
            {"time_ms": float("inf")},
        ],
    )
    def test_numbers(self, tmp_path: Path, tag: dict[str, object]) -> None:
        """A huge count or a non-finite time is an InputError, not an OverflowError."""
        old, new = self._report(tmp_path), self._report(tmp_path, **tag)
        documents = [load_report_document(p) for p in (old, new)]
        assert documents[0] is not None
        assert documents[1] is not None
        with pytest.raises(InputError, match="expected 't"):
            diff_reports(documents[0], documents[1])

    def test_integer_beyond_python_limit(self, tmp_path: Path) -> None:
        """A count of 5,000 digits is refused where it stands, the file read as a report."""
        old = self._report(tmp_path)
        new = self._report(tmp_path, requests=7)
        new.write_text(new.read_text().replace('"requests": 7', '"requests": ' + "9" * 5000))
        documents = [load_report_document(p) for p in (old, new)]
        assert documents[0] is not None
        assert documents[1] is not None
        with pytest.raises(InputError, match="'requests' of type int, found str"):
            diff_reports(documents[0], documents[1])

    def test_lone_surrogate(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An escaped lone surrogate in a report prints, in every format."""
        old = self._report(tmp_path)
        new = self._report(tmp_path, id="t2", name="\\ud800")
        new.write_text(new.read_text().replace("\\\\ud800", "\\ud800"))
        for form in ("text", "json"):
            assert main(["diff", str(old), str(new), "--format", form]) == 1
            out = capsys.readouterr().out
            out.encode("utf-8")
            assert "\\ufffd" in out or "\ufffd" in out


def _faulty_work(path: str, signatures: object = (), first_party: object = ()) -> BatchLine:
    """Stand in for the batch's unit of work: raise, kill the worker, or succeed."""
    name = Path(path).name
    if name.startswith("raise"):
        raise ZeroDivisionError("a fault of the analysis")
    if name.startswith("kill"):
        os.kill(os.getpid(), signal.SIGKILL)
    return {"path": path, "worker": os.getpid()}


class TestBatch:
    """A batch loses no capture's line to another capture's failure."""

    @pytest.fixture
    def captures(self, tmp_path: Path) -> list[str]:
        """Return six capture paths (the files need not exist for the stand-in work)."""
        return [str(tmp_path / f"{name}.har") for name in ("a", "b", "kill", "c", "raise", "d")]

    @pytest.mark.parametrize("jobs", [2, 3])
    def test_killed_worker(
        self, captures: list[str], jobs: int, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A worker killed with SIGKILL is replaced; every other capture has its line."""
        monkeypatch.setattr(_batch, "analyze_capture", _faulty_work)
        monkeypatch.setattr(_batch, "analyze", _unexpected)
        lines = list(run_batch(captures, jobs=jobs))
        assert [line["path"] for line in lines] == captures
        by_name = {Path(str(line["path"])).stem: line for line in lines}
        assert "died" in str(by_name["kill"]["error"])
        assert "ZeroDivisionError" in str(by_name["raise"]["error"])
        assert all("worker" in by_name[name] for name in "abcd")

    def test_unexpected_error_is_a_line(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An error that is no tagsig error, or running out of memory, is the capture's line."""
        path = tmp_path / "a.har"
        path.write_bytes(har(entry("https://www.shop.example/")))
        monkeypatch.setattr(_batch, "analyze", _unexpected)
        line = _batch.analyze_capture(str(path))
        assert line == {"path": str(path), "error": "unexpected KeyError: 'boom'"}
        monkeypatch.setattr(_batch, "analyze", _out_of_memory)
        assert "out of memory" in str(_batch.analyze_capture(str(path))["error"])

    def test_workers_at_most_captures(
        self, captures: list[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """``jobs=40`` for four captures starts at most four workers."""
        started: list[int] = []

        class Pool(ProcessPoolExecutor):
            def __init__(
                self, max_workers: int, initializer: Callable[[], object] | None = None
            ) -> None:
                started.append(max_workers)
                super().__init__(max_workers=max_workers, initializer=initializer)

        monkeypatch.setattr(_batch, "analyze_capture", _faulty_work)
        monkeypatch.setattr(_batch_pool, "ProcessPoolExecutor", Pool)
        four = [p for p in captures if Path(p).stem in {"a", "b", "c", "d"}]
        lines = list(run_batch(four, jobs=40))
        assert len(lines) == 4
        assert started == [4]


def _unexpected(*args: object, **kwargs: object) -> object:
    raise KeyError("boom")


def _out_of_memory(*args: object, **kwargs: object) -> object:
    raise MemoryError


class TestOutputs:
    """Renderers given text a hostile capture controls."""

    @pytest.mark.parametrize("name", ['a\r=HYPERLINK("x")', "a\n=1+1", "a\r\nb", 'a"b,c'])
    def test_csv_cell_with_line_break(self, name: str) -> None:
        """A cell with a carriage return or line feed is quoted: no row starts inside it."""
        report = example_report()
        tag = report.tags[0]
        cookie = tag.cookies[0] if tag.cookies else None
        assert cookie is not None
        tag = evolve(tag, cookies=(evolve(cookie, name=name),))
        text = render(evolve(report, tags=(tag,)), "csv")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert len(rows) == 3
        assert rows[2][CSV_COLUMNS.index("cookie_name")] == name
        assert text.endswith("\n")
        assert "\r\n" not in text.replace("a\r\nb", "")

    def test_sarif_links_are_escaped(self) -> None:
        """A flag message holding SARIF's link syntax is shown literally, not as a link."""
        report = example_report()
        tag = next(t for t in report.tags if t.flags)
        flag = evolve(tag.flags[0], message="see [the fix](https://evil.example) \\[x]")
        report = evolve(report, tags=(evolve(tag, flags=(flag,)),))
        document = json.loads(render(report, "sarif"))
        text = document["runs"][0]["results"][0]["message"]["text"]
        assert text.endswith("see \\[the fix\\](https://evil.example) \\\\\\[x\\]")

    def test_progress_is_plain_text(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The batch progress bar reads file names as text, never as rich markup."""
        from tagsig._cli import commands as _commands

        class Terminal(io.StringIO):
            def isatty(self) -> bool:
                return True

        out = Terminal()
        monkeypatch.setattr(sys, "stderr", out)
        progress = _commands._bar(1)
        with progress:
            task = progress.add_task("", total=1)
            progress.update(task, description="[link=https://evil.example]x[/link]")
            progress.refresh()
        shown = out.getvalue()
        assert "[link=https://evil.example]x[/link]" in shown
        assert "\x1b]8;" not in shown  # no terminal hyperlink was made


def _peak_bytes(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class TestQuadratic:
    """Inputs whose size once cost quadratic time or memory (or per-label memory)."""

    def test_host_of_dotted_labels(self) -> None:
        """A host of a million labels is split without a mark per label."""
        url = "https://" + "a." * 1_000_000 + "example/"
        assert _peak_bytes(lambda: parse_url(url)) < 40_000_000

    def test_cookie_value_of_dotted_pieces(self) -> None:
        """A cookie value of 20,000 dotted pieces is searched for identifiers in linear time."""
        value = ".".join(["a1b2c3d4"] * 20_000)
        data = har(
            entry(
                "https://www.googletagmanager.com/gtm.js?id=GTM-1",
                request_headers={"Cookie": f"_ga={value}"},
                response_headers={"Set-Cookie": f"_ga={value}; Max-Age=100"},
            ),
            entry(f"https://www.google-analytics.com/g/collect?cid={value}"),
        )
        database = load_signatures()
        assert _peak_bytes(lambda: analyze(data, signatures=database)) < 60_000_000

    @pytest.mark.parametrize("kind", ["prefix", "suffix", "regex"])
    def test_long_literal_pattern(self, tmp_path: Path, kind: str) -> None:
        """A 20,000-character cookie pattern is indexed and matched in linear memory."""
        literal = "ab" * 10_000
        document = json.loads(
            (Path(__file__).parent / "fixtures" / "signatures" / "layer-override.json").read_text()
        )
        signature = document["signatures"][0]
        signature["cookies"] = [{"name": literal, "match": kind, "lifetime_days": 1}]
        document["signatures"] = [signature]
        path = tmp_path / "long.json"
        path.write_text(json.dumps(document))
        name = literal + "x" if kind != "suffix" else "x" + literal
        data = har(entry("https://acme.io/", request_headers={"Cookie": f"{name}=1"}))
        database = load_signatures(path)
        found: list[object] = []
        assert _peak_bytes(lambda: found.append(analyze(data, signatures=database))) < 60_000_000
        report = found[0]
        assert isinstance(report, Report)
        (tag,) = report.tags
        assert tag.cookies[0].name == name

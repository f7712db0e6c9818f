"""Playwright recordings: ``record_har_path="x.zip"``, no initiators, minimal mode's sizes."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tagsig import HarError, analyze, load_har, render
from tagsig._cli.main import main
from tagsig._resources import data_file

from .builders import entry, har
from .conftest import REPO

Asset = Callable[[str], Path]
EXAMPLE = REPO / "examples" / "shop.har"


def _zip(
    har_bytes: bytes,
    *,
    name: str = "har.har",
    bodies: bool = True,
    method: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """Return a zip laid out as Playwright writes it: the bodies first, then the log."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        if bodies:
            for item in json.loads(har_bytes)["log"]["entries"]:
                attached = item["response"]["content"].get("_file")
                if attached:
                    archive.writestr(attached, hashlib.sha1(attached.encode()).digest())
        archive.writestr(name, har_bytes)
    return buffer.getvalue()


def _document(text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    schema = json.loads(data_file("report.schema.json").read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    assert not errors, [e.message for e in errors[:3]]
    return document


@pytest.fixture
def recording(asset: Asset, tmp_path: Path) -> Path:
    """Return a Playwright zip recording (content attached) of the fixture log."""
    path = tmp_path / "recording.zip"
    path.write_bytes(_zip(asset("har/playwright-attach.har").read_bytes()))
    return path


class TestZip:
    """A zip recording reads as its har.har."""

    def test_reads_as_the_log_inside(self, asset: Asset, recording: Path) -> None:
        """The zip's capture is the log's: same entries, producer and pages."""
        plain = load_har(asset("har/playwright-attach.har"))
        assert load_har(recording).source == str(recording)
        zipped = load_har(recording, name=plain.source)
        assert zipped == plain
        assert (zipped.creator.name, len(zipped.pages)) == ("Playwright", 1)
        assert zipped.problems == ()

    def test_bytes_and_files(self, recording: Path) -> None:
        """The zip reads from bytes and from a binary file as from a path."""
        data = recording.read_bytes()
        with recording.open("rb") as file:
            assert len(load_har(file).entries) == len(load_har(data).entries) == 6

    def test_analyze_and_cli(self, recording: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """``tagsig analyze x.zip`` reports the tags of the recording."""
        assert main(["analyze", str(recording), "--format", "json"]) == 0
        document = _document(capsys.readouterr().out)
        assert {"google-analytics", "google-tag-manager", "meta-pixel"} <= {
            t["id"] for t in document["tags"]
        }

    def test_single_har_member_of_another_name(self, asset: Asset) -> None:
        """An archive without har.har but with one .har member reads that member."""
        data = _zip(asset("har/playwright-attach.har").read_bytes(), name="site.har", bodies=False)
        assert len(load_har(data).entries) == 6

    def test_stored_members(self, asset: Asset) -> None:
        """An archive that stores its members uncompressed reads too."""
        data = _zip(asset("har/playwright-attach.har").read_bytes(), method=zipfile.ZIP_STORED)
        assert len(load_har(data).entries) == 6

    def test_no_log_inside(self) -> None:
        """An archive without a log is a HarError that says what was expected."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("trace.trace", b"{}")
        with pytest.raises(
            HarError,
            match=r"a zip archive holding har\.har \(or one \*\.har "
            r"member\), found no member of that name",
        ):
            load_har(buffer.getvalue(), name="x.zip")

    def test_damaged_archive(self, asset: Asset) -> None:
        """A truncated archive is a HarError naming the file, in one line."""
        data = _zip(asset("har/playwright-attach.har").read_bytes())
        with pytest.raises(HarError) as info:
            load_har(data[: len(data) // 2], name="cut.zip")
        assert str(info.value).startswith("cut.zip: expected a HAR file, found a damaged zip")
        assert "\n" not in str(info.value)

    def test_bomb_stops_at_the_limit(self) -> None:
        """A member that inflates past the input limit is refused, not inflated whole."""
        log = json.dumps(
            {"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}, "entries": []}}
        ).encode()
        padded = log[:-1] + b" " * (8 << 20) + b"}"  # 8 MiB that deflate to a few kB
        data = _zip(padded, bodies=False)
        assert len(data) < 100_000
        with pytest.raises(
            HarError, match="expected at most 1000000 bytes, found a larger zip member"
        ):
            load_har(data, name="bomb.zip", max_bytes=1_000_000)
        assert load_har(data, max_bytes=10 << 20).entries == ()

    def test_lying_sizes_stop_at_the_limit(self) -> None:
        """A member whose header understates its size still stops at the limit."""
        log = (
            b'{"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}, '
            b'"entries": []' + b" " * (4 << 20) + b"}}"
        )
        data = bytearray(_zip(log, bodies=False))
        central = data.rindex(b"PK\x01\x02")
        data[central + 24 : central + 28] = (100).to_bytes(4, "little")  # uncompressed size
        with pytest.raises(HarError) as info:
            load_har(bytes(data), name="liar.zip", max_bytes=1_000_000)
        assert str(info.value).startswith("liar.zip: expected")

    def test_cli_error_is_one_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A broken zip on the command line is one error line and exit 2."""
        path = tmp_path / "broken.zip"
        path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
        assert main(["analyze", str(path)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"tagsig: error: {path}: expected a HAR file, found a damaged")
        assert err.count("\n") == 1

    @given(
        st.lists(
            st.sampled_from(
                [
                    "https://www.shop.example/",
                    "https://t.example/p.gif",
                    "https://www.googletagmanager.com/gtm.js?id=GTM-1",
                ]
            ),
            min_size=1,
            max_size=5,
        ),
        st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
    )
    def test_zipped_reads_as_unzipped(self, urls: list[str], method: int) -> None:
        """Any capture, zipped, reads exactly as it reads unzipped."""
        data = har(*(entry(url) for url in urls))
        assert load_har(_zip(data, bodies=False, method=method), name="<bytes>") == load_har(data)


class TestNoInitiators:
    """Playwright records no initiators: what loaded a tag is unknown, not none."""

    def test_capture_fact(self, recording: Path) -> None:
        """The capture and its input summary say that no initiator was recorded."""
        assert not load_har(recording).has_initiators
        report = analyze(recording)
        assert not report.inputs[0].has_initiators
        assert not report.has_initiators
        assert "no-initiators" in {w.code for w in report.warnings}

    def test_chrome_keeps_none(self) -> None:
        """A Chrome capture records initiators: a tag loaded by none shows '-'."""
        report = analyze(EXAMPLE)
        assert report.has_initiators
        assert "no-initiators" not in {w.code for w in report.warnings}
        text = render(report, "text")
        assert "unknown" not in text.split("Cookies")[0]

    def test_every_format(self, recording: Path) -> None:
        """Text, Markdown and HTML say unknown; JSON says the capture has no initiators."""
        report = analyze(recording)
        assert all(tag.loaded_by is None for tag in report.tags)
        text_rows = [
            line
            for line in render(report, "text").splitlines()  # the Tags table
            if line.startswith(("Google Analytics  ", "Meta Pixel  "))
        ]
        assert text_rows
        assert all(row.rstrip().endswith("unknown") for row in text_rows)
        markdown_rows = [
            line
            for line in render(report, "markdown").splitlines()
            if line.startswith(("| Google Analytics", "| Meta Pixel"))
        ]
        assert markdown_rows
        assert all(row.endswith("| unknown |") for row in markdown_rows)
        assert re.search(r"<td[^>]*>unknown</td>", render(report, "html"))
        document = _document(render(report, "json"))
        assert document["inputs"][0]["has_initiators"] is False
        assert all(tag["loaded_by"] is None for tag in document["tags"])


class TestMinimalMode:
    """``record_har_mode="minimal"`` records no size: sizes are unknown, not 0 B."""

    def test_weights_are_unrecorded(self, asset: Asset) -> None:
        """Every weight of the report says its sizes were not recorded."""
        capture = load_har(asset("har/playwright-minimal.har"))
        assert not capture.has_sizes
        report = analyze(capture)
        assert report.tags
        assert not report.has_sizes
        assert all(not tag.weight.sizes_recorded for tag in report.tags)
        assert all(not page.weight.sizes_recorded for tag in report.tags for page in tag.per_page)
        assert "no-sizes" in {w.code for w in report.warnings}

    def test_every_format(self, asset: Asset) -> None:
        """Text, Markdown and HTML show unknown sizes; JSON marks them unrecorded."""
        report = analyze(asset("har/playwright-minimal.har"))
        text = render(report, "text")
        assert " 0 B" not in text
        ga = next(line for line in text.splitlines() if line.startswith("Google Analytics"))
        assert ga.split()[-5:-3] == ["unknown", "unknown"]  # wire, script
        markdown = render(report, "markdown")
        assert "0 B" not in markdown
        assert "| unknown | unknown |" in markdown
        html = render(report, "html")
        assert ">0 B<" not in html
        assert '<td class="n">unknown</td>' in html
        document = _document(render(report, "json"))
        assert document["inputs"][0]["has_sizes"] is False
        assert all(tag["sizes_recorded"] is False for tag in document["tags"])

    def test_recorded_sizes_are_shown(self, recording: Path) -> None:
        """The full recording has its sizes: bytes are shown, and marked recorded."""
        report = analyze(recording)
        assert report.has_sizes
        assert all(tag.weight.sizes_recorded for tag in report.tags)
        assert "unknown  unknown" not in render(report, "text")
        assert "no-sizes" not in {w.code for w in report.warnings}


class TestInspect:
    """``tagsig inspect`` says what a capture did not record."""

    def test_text(self, asset: Asset, capsys: pytest.CaptureFixture[str]) -> None:
        """A minimal recording lacks initiators and sizes; a Chrome capture lacks neither."""
        assert main(["inspect", str(asset("har/playwright-minimal.har")), str(EXAMPLE)]) == 0
        out = capsys.readouterr().out
        assert out.count("  not recorded: ") == 1
        assert (
            "  not recorded: initiators and sizes (loaded by and sizes are reported as "
            "unknown)\n" in out
        )

    def test_json(self, recording: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The JSON summary carries both facts."""
        assert main(["inspect", str(recording), "--format", "json"]) == 0
        item = json.loads(capsys.readouterr().out)["inputs"][0]
        assert (item["has_initiators"], item["has_sizes"]) == (False, True)


def test_saved_report_keeps_what_was_not_recorded(asset: Asset) -> None:
    """A JSON report read back still knows that initiators and sizes were not recorded."""
    from tagsig import Report

    report = analyze(asset("har/playwright-minimal.har"))
    again = Report.from_document(json.loads(render(report, "json")))
    assert render(again, "json") == render(report, "json")
    assert not again.has_initiators
    assert not again.has_sizes
    assert not again.tags[0].weight.sizes_recorded

"""The values HAR producers write, as the capture reader normalises them."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tagsig import Capture, load_har
from tagsig._inputs.url import parse_url, url_fault
from tests import builders


def _load(*raw: builders.JSON, creator: builders.JSON | None = None) -> Capture:
    document = json.loads(builders.har(*raw))
    if creator is not None:
        document["log"]["creator"] = creator
    return load_har(document)


class TestUrlFault:
    """url_fault says why a URL has no usable host."""

    def test_unreadable_url(self) -> None:
        """A URL urlsplit cannot read (an unbalanced IPv6 bracket) is named unreadable."""
        assert url_fault("http://[::1/tag.js") == "an unreadable URL (Invalid IPv6 URL)"

    def test_no_host(self) -> None:
        """A URL without a host says so."""
        assert url_fault("https:///path") == "none"

    def test_urls_run_together(self) -> None:
        """Two URLs written as one are named as such."""
        assert url_fault("http://www.example.cnhttp://www.example.cn/") == (
            "two URLs run together ('www.example.cnhttp' is no host)"
        )

    def test_unreadable_url_has_no_host(self) -> None:
        """parse_url gives the same URL no scheme and no host: it names no resource."""
        url = parse_url("http://[::1/tag.js")
        assert (url.scheme, url.host, url.port) == ("", "", None)


class TestTotalTime:
    """An entry's time falls back on its timings when the producer left it unknown."""

    def test_recorded_time(self) -> None:
        """A recorded time is kept as written."""
        (entry,) = _load(builders.entry("https://cdn.example/a.js", time=42.5)).entries
        assert entry.time == 42.5

    def test_unknown_time_sums_known_phases(self) -> None:
        """A time of -1 is the sum of the phases known, unknown (-1) phases left out."""
        raw = builders.entry("https://cdn.example/a.js", time=-1)
        raw["timings"] = {
            "blocked": -1,
            "dns": 3,
            "connect": -1,
            "send": 1,
            "wait": 5.5,
            "receive": 2,
        }
        (entry,) = _load(raw).entries
        assert entry.time == 11.5

    def test_nothing_known(self) -> None:
        """No time and no phase known: the time is 0."""
        raw = builders.entry("https://cdn.example/a.js", time=-1)
        raw["timings"] = {"send": -1, "wait": -1, "receive": -1}
        (entry,) = _load(raw).entries
        assert entry.time == 0


class TestRedirect:
    """Where a redirect leads."""

    def test_relative_location(self) -> None:
        """A Location of a 3xx response is resolved against the request URL."""
        raw = builders.entry(
            "https://a.example/r/1", status=302, response_headers={"Location": "../next"}
        )
        (entry,) = _load(raw).entries
        assert entry.redirect_url == "https://a.example/next"

    def test_unjoinable_location_kept(self) -> None:
        """A Location urljoin cannot read is kept as written, not dropped."""
        raw = builders.entry(
            "https://a.example/r", status=302, response_headers={"Location": "http://[::1/"}
        )
        (entry,) = _load(raw).entries
        assert entry.redirect_url == "http://[::1/"

    def test_location_without_3xx(self) -> None:
        """A Location on a 201 is no redirect."""
        raw = builders.entry(
            "https://a.example/r", status=201, response_headers={"Location": "/made/1"}
        )
        (entry,) = _load(raw).entries
        assert entry.redirect_url is None


class TestText:
    """Scalars written where HAR has strings."""

    def test_float_version(self) -> None:
        """A whole float (``2.0``) reads as the integer's digits, not ``2.0``."""
        capture = _load(
            builders.entry("https://a.example/"), creator={"name": "Recorder", "version": 2.0}
        )
        assert capture.creator is not None
        assert (capture.creator.name, capture.creator.version) == ("Recorder", "2")

    def test_fractional_version(self) -> None:
        """A fractional float keeps its fraction."""
        capture = _load(
            builders.entry("https://a.example/"), creator={"name": "Recorder", "version": 1.5}
        )
        assert capture.creator is not None
        assert capture.creator.version == "1.5"


_HOST = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z0-9]{1,8}){0,3}", fullmatch=True)


@given(
    scheme=st.sampled_from(["http", "https", "ws", "wss", "HTTP", "Https"]),
    host=_HOST,
    port=st.one_of(st.none(), st.integers(0, 99_999)),
    path=st.from_regex(r"(/[A-Za-z0-9._~%-]{0,8}){0,3}(\?[a-z=&0-9]{0,10})?", fullmatch=True),
)
def test_parse_url_reads_what_was_written(
    scheme: str, host: str, port: int | None, path: str
) -> None:
    """A well-formed network URL keeps its scheme, host and (valid) port; no fault."""
    raw = f"{scheme}://{host.upper()}{'' if port is None else f':{port}'}{path}"
    url = parse_url(raw)
    assert url.raw == raw
    assert url.scheme == scheme.lower()
    assert url.host == host
    assert url.port == (port if port is not None and port < 65536 else None)
    assert url_fault(raw) is None


@given(st.text(max_size=80))
def test_parse_url_any_text(raw: str) -> None:
    """Any text parses, to a lower-case host, and url_fault reads it too."""
    url = parse_url(raw)
    assert url.raw == raw
    assert url.host == url.host.lower()
    fault = url_fault(raw)
    assert fault is None or isinstance(fault, str)

"""Tests of the HAR reader: dialects, damaged input, errors."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tagsig import Capture, HarError, TagsigError, analyze, load_har
from tagsig._inputs.url import parse_url, url_fault

from .builders import entry, har

Asset = Callable[[str], Path]


class TestChromeDevtools:
    """Chrome/Edge DevTools exports."""

    def test_reads_pages_entries_and_producer(self, asset: Asset) -> None:
        """Pages, entries and the producer are read."""
        capture = load_har(asset("har/chrome-devtools.har"))
        assert isinstance(capture, Capture)
        assert str(capture.creator) == "WebInspector 537.36"
        assert [p.id for p in capture.pages] == ["page_1"]
        assert capture.pages[0].on_load == 600.5
        assert [e.index for e in capture.entries] == [0, 1, 2]
        assert capture.problems == ()

    def test_chrome_extensions(self, asset: Asset) -> None:
        """_initiator, _resourceType, _transferSize, _fromCache and _error are read."""
        first, script, ping = load_har(asset("har/chrome-devtools.har")).entries
        assert first.resource_type == "document"
        assert first.transfer_size == 1500
        assert script.resource_type == "script"
        assert script.initiator is not None
        assert script.initiator.type == "parser"
        assert script.initiator.url == "https://www.example.com/"
        assert script.initiator.line == 14
        assert script.is_script
        assert ping.initiator is not None
        assert ping.initiator.type == "script"
        assert ping.initiator.url == "https://www.googletagmanager.com/gtag/js?id=G-1"
        assert ping.initiator.stack == (
            "https://www.googletagmanager.com/gtag/js?id=G-1",
            "https://www.googletagmanager.com/gtm.js?id=GTM-X",
        )
        assert ping.method == "POST"
        assert ping.from_cache
        assert ping.error == "net::ERR_BLOCKED_BY_CLIENT"

    def test_http2_pseudo_headers_and_cookies(self, asset: Asset) -> None:
        """Pseudo-headers are kept; Cookie and Set-Cookie headers become cookies."""
        first = load_har(asset("har/chrome-devtools.har")).entries[0]
        assert first.request_headers.get(":authority") == "www.example.com"
        assert [(c.name, c.value, c.source) for c in first.request_cookies] == [
            ("sid", "abc", "request"),
            ("theme", "dark", "request"),
        ]
        (sid,) = first.response_cookies
        assert (sid.name, sid.source, sid.secure, sid.http_only, sid.same_site) == (
            "sid",
            "response",
            True,
            True,
            "lax",
        )
        assert sid.entry == 0
        assert sid.seen == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)

    def test_url_and_network_fields(self, asset: Asset) -> None:
        """The URL is parsed once; server IP loses its brackets."""
        first, script, _ = load_har(asset("har/chrome-devtools.har")).entries
        assert (script.url.scheme, script.url.host, script.url.path, script.url.query) == (
            "https",
            "www.googletagmanager.com",
            "/gtm.js",
            "id=GTM-X",
        )
        assert first.server_ip == "2001:db8::1"
        assert first.connection == "1234"
        assert first.status == 200
        assert first.mime_type == "text/html"
        assert first.started.tzinfo is not None

    def test_gzip(self, asset: Asset) -> None:
        """A gzip-compressed HAR reads like the plain one."""
        plain = load_har(asset("har/chrome-devtools.har"))
        packed = load_har(asset("har/chrome-devtools.har.gz"))
        assert [e.url for e in packed.entries] == [e.url for e in plain.entries]
        assert [e.timings for e in packed.entries] == [e.timings for e in plain.entries]

    def test_sanitized_export_has_no_cookie_evidence(self, asset: Asset) -> None:
        """A capture without any cookie header or array is marked as such."""
        assert not load_har(asset("har/chrome-sanitized.har")).has_cookie_evidence
        assert load_har(asset("har/chrome-devtools.har")).has_cookie_evidence


class TestDialects:
    """Other producers and their quirks."""

    def test_firefox_folded_set_cookie(self, asset: Asset) -> None:
        """Several Set-Cookie lines folded into one header value are split."""
        (entry,) = load_har(asset("har/firefox.har")).entries
        assert [c.name for c in entry.response_cookies] == ["a", "b"]
        b = entry.response_cookies[1]
        assert b.domain == "example.org"
        assert b.expires == entry.started + timedelta(seconds=3600)

    def test_firefox_negative_sizes_and_offsets(self, asset: Asset) -> None:
        """Sizes of -1 are unknown; page times keep their UTC offset."""
        capture = load_har(asset("har/firefox.har"))
        (entry,) = capture.entries
        assert entry.request_headers_size is None
        assert entry.response_body_size is None
        assert entry.content_size is None
        assert entry.timings.blocked is None
        assert entry.timings.wait == 8
        started = capture.pages[0].started
        assert started is not None
        assert started.utcoffset() == timedelta(hours=2)
        assert capture.browser is not None
        assert str(capture.browser) == "Firefox 125.0"

    def test_fiddler_bom_null_pages_status_zero(self, asset: Asset) -> None:
        """A UTF-8 BOM, ``"pages": null``, status 0 and ``cache: []`` are accepted."""
        capture = load_har(asset("har/fiddler-bom.har"))
        assert capture.pages == ()
        assert [e.status for e in capture.entries] == [0, 200]
        assert capture.problems == ()

    def test_jsonp(self, asset: Asset) -> None:
        """A JSONP-wrapped HAR is read from inside the callback."""
        capture = load_har(asset("har/jsonp.harp"))
        assert len(capture.entries) == 1
        assert capture.problems == ()

    def test_no_pages_no_pageref_cookie_object(self, asset: Asset) -> None:
        """HAR 1.1 without pages; cookies recorded as an object; odd timestamps."""
        capture = load_har(asset("har/no-pages.har"))
        assert capture.version == "1.1"
        api, data, blob = capture.entries
        assert api.pageref is None
        assert [(c.name, c.value) for c in api.request_cookies] == [("token", "xyz")]
        assert api.started == datetime(
            2024, 5, 1, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=5, minutes=30))
        )
        assert (data.url.scheme, data.url.host, data.url.is_network) == ("data", "", False)
        assert (blob.url.scheme, blob.url.host) == ("blob", "")
        assert capture.entries_of(None) == capture.entries


class TestDamage:
    """Damaged entries are reported and skipped; the rest is read."""

    def test_page_of_the_wrong_shape_is_skipped(self) -> None:
        """A page whose members have the wrong types is one problem; its entries stay."""
        document = json.loads(har(entry("https://www.shop.example/")))
        document["log"]["pages"].insert(0, {"id": "p0", "startedDateTime": 5, "title": ""})
        capture = load_har(json.dumps(document).encode())
        assert [p.id for p in capture.pages] == ["page_1"]
        assert len(capture.entries) == 1
        assert [(p.pointer, p.message.split(":")[0]) for p in capture.problems] == [
            ("/log/pages/0/startedDateTime", "page skipped")
        ]

    def test_damaged_entries_are_reported_with_pointers(self, asset: Asset) -> None:
        """Each damaged entry gives one problem naming its JSON pointer."""
        path = asset("har/damaged-entries.har")
        capture = load_har(path)
        assert [e.url.raw for e in capture.entries] == [
            "https://ok.example.com/1",
            "https://ok.example.com/3",
            "https://ok.example.com/4",
        ]
        assert [(p.pointer, p.message) for p in capture.problems] == [
            ("/log/pages/1", 'page skipped: expected an "id", found none'),
            ("/log/entries/1/request", 'entry skipped: expected entry member "url", found none'),
            (
                "/log/entries/2/startedDateTime",
                "entry skipped: expected an ISO 8601 date-time, found 'yesterday at noon'",
            ),
            ("/log/entries/3", 'entry skipped: expected "object", got "str"'),
            (
                "/log/entries/4/response/status",
                'member ignored: expected "float | null", got "str"',
            ),
            ("/log/entries/5/request/url", 'entry skipped: expected "str", got "int"'),
        ]
        assert all(p.source == str(path) for p in capture.problems)
        assert str(capture.problems[1]) == (
            f'{path}#/log/entries/1/request: entry skipped: expected entry member "url", found none'
        )

    def test_member_ignored_keeps_entry(self, asset: Asset) -> None:
        """A damaged non-essential member is dropped, not the entry."""
        capture = load_har(asset("har/damaged-entries.har"))
        assert capture.entries[1].status == 0

    def test_nested_log_is_found_and_reported(self, asset: Asset) -> None:
        """A log nested one level down is read, with a problem saying where it was."""
        capture = load_har(asset("har/nested-log.har"))
        assert len(capture.entries) == 1
        (problem,) = capture.problems
        assert problem.pointer == "/test_response"
        assert "instead of at the top level" in problem.message

    def test_log_without_entries(self, asset: Asset) -> None:
        """A log without entries reads as an empty capture that says so."""
        capture = load_har(asset("har/no-entries.har"))
        assert capture.entries == ()
        (problem,) = capture.problems
        assert problem.message == (
            'the log has no "entries" array: read as a capture without entries'
        )


class TestErrors:
    """Inputs that are not HAR captures raise HarError naming the file."""

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            (
                "har/not-json.har",
                ":4: expected a HAR file (JSON), found invalid JSON: expected ',' or '}'",
            ),
            (
                "har/single-entry.har",
                ': expected a HAR file with a top-level "log" object, '
                "found a single HAR entry (an object with request and response)",
            ),
            (
                "har/array.har",
                ': expected a HAR file (a JSON object with a "log" member), found a JSON array',
            ),
        ],
    )
    def test_not_a_har(self, asset: Asset, name: str, message: str) -> None:
        """The message names the file, the line where known, what was expected and found."""
        path = asset(name)
        with pytest.raises(HarError) as info:
            load_har(path)
        assert str(info.value) == f"{path}{message}"
        assert info.value.path == str(path)

    def test_missing_file(self, tmp_path: Path) -> None:
        """An unreadable file is a HarError, chained to the OSError."""
        expected = "expected a readable HAR file, found an unreadable file"
        with pytest.raises(HarError, match=expected) as info:
            load_har(tmp_path / "absent.har")
        assert isinstance(info.value.__cause__, OSError)

    def test_damaged_gzip(self) -> None:
        """A truncated gzip stream is a HarError."""
        data = gzip.compress(b'{"log": {"entries": []}}')[:-8]
        with pytest.raises(HarError, match="damaged gzip stream"):
            load_har(data)

    def test_wrong_argument_type(self) -> None:
        """A source of an unsupported type is a programming error."""
        with pytest.raises(TypeError):
            load_har(42)  # type: ignore[arg-type]


class TestSources:
    """Every kind of source gives the same capture."""

    def test_bytes_file_mapping(self, asset: Asset) -> None:
        """Bytes, a binary file and a decoded mapping read alike."""
        path = asset("har/chrome-devtools.har")
        data = path.read_bytes()
        from_bytes = load_har(data)
        from_file = load_har(io.BytesIO(data))
        from_mapping = load_har(json.loads(data))
        assert from_bytes.source == "<bytes>"
        assert from_mapping.source == "<mapping>"
        for other in (from_file, from_mapping):
            assert [(e.url, e.request_headers, e.timings) for e in other.entries] == [
                (e.url, e.request_headers, e.timings) for e in from_bytes.entries
            ]
        assert load_har(data, name="shop.har").source == "shop.har"

    def test_haralyzer_parser_and_page(self, asset: Asset) -> None:
        """Haralyzer objects are accepted; a HarPage gives only its page's entries."""
        from haralyzer import HarPage, HarParser

        data = json.loads(asset("har/chrome-devtools.har").read_bytes())
        parser = HarParser(data)
        assert len(load_har(parser).entries) == 3
        capture = load_har(HarPage("page_1", har_parser=parser))
        assert [p.id for p in capture.pages] == ["page_1"]
        assert len(capture.entries) == 3
        assert capture.source == "<haralyzer>"


class TestEvidenceNotThere:
    """Broken URLs and missing responses are problems of their entry; the entry is kept."""

    def test_broken_urls_are_problems_not_hosts(self) -> None:
        """URLs that producers break give an entry without a host and a problem."""
        broken = [
            "http://www.example.cnhttp://www.example.cn/a.js",
            "https://fonts.example.com400,700",
            "http:///nowhere",
        ]
        capture = load_har(har(entry("https://www.shop.example/"), *(entry(url) for url in broken)))
        assert [e.url.host for e in capture.entries] == ["www.shop.example", "", "", ""]
        assert [e.url.raw for e in capture.entries[1:]] == broken
        assert not any(e.url.is_network for e in capture.entries[1:])
        assert [(p.pointer, p.message) for p in capture.problems] == [
            (
                "/log/entries/1/request/url",
                "entry kept without a host: expected a host "
                "name in the request URL, found two URLs run together ('www.example.cnhttp' "
                "is no host)",
            ),
            (
                "/log/entries/2/request/url",
                "entry kept without a host: expected a host "
                "name in the request URL, found 'fonts.example.com400,700', which holds "
                "characters no host name holds",
            ),
            (
                "/log/entries/3/request/url",
                "entry kept without a host: expected a host name in the request URL, found none",
            ),
        ]

    def test_broken_host_is_no_third_party(self) -> None:
        """An entry without a usable host is neither a tag nor an unknown third party."""
        report = analyze(
            har(
                entry("https://www.shop.example/"),
                entry("https://www.google-analytics.com400,700/g/collect"),
            )
        )
        assert report.tags == ()
        assert report.unattributed == ()
        assert report.inputs[0].problems[0].pointer == "/log/entries/1/request/url"

    def test_entry_without_response_is_kept_with_status_zero(self) -> None:
        """An entry without ``response`` is a request that got no answer, and a problem."""
        unanswered = entry("https://cdn.example.net/a.js")
        del unanswered["response"]
        nulled = entry("https://cdn.example.net/b.js")
        nulled["response"] = None
        capture = load_har(har(entry("https://www.shop.example/"), unanswered, nulled))
        assert [(e.url.host, e.status) for e in capture.entries] == [
            ("www.shop.example", 200),
            ("cdn.example.net", 0),
            ("cdn.example.net", 0),
        ]
        assert [(p.pointer, p.message) for p in capture.problems] == [
            (
                f"/log/entries/{n}",
                'entry without a "response": kept as a request that got no answer (status 0)',
            )
            for n in (1, 2)
        ]

    def test_stripped_cookie_values_give_no_cookies(self) -> None:
        """Stripped cookie headers (WebPageTest, Chrome's net log) give no cookie at all.

        Not one with an empty name and the placeholder as its value: the capture is
        marked as lacking cookie evidence, and counts the entries concerned.
        """
        sent = entry(
            "https://www.shop.example/",
            request_headers={"Cookie": "[427 bytes were stripped]"},
            response_headers=[
                ("Set-Cookie", "[52 bytes were stripped]"),
                ("Set-Cookie", "[18 bytes were stripped]"),
            ],
        )
        sent["request"]["cookies"] = [{"name": "[427 bytes were stripped]", "value": ""}]
        sent["response"]["cookies"] = [{"name": "", "value": "[52 bytes were stripped]"}]
        other = entry(
            "https://cdn.example.net/a.js", request_headers={"cookie": "[12 bytes were stripped]"}
        )
        capture = load_har(har(sent, other, entry("https://cdn.example.net/b.js")))
        assert [(e.request_cookies, e.response_cookies) for e in capture.entries] == [((), ())] * 3
        assert not capture.has_cookie_evidence
        assert capture.cookies_stripped == 2
        assert capture.problems == ()

    def test_stripped_headers_beside_real_cookies(self) -> None:
        """Real cookies are read; one stripped header still leaves the evidence partial."""
        capture = load_har(
            har(
                entry("https://www.shop.example/", request_headers={"Cookie": "a=1"}),
                entry(
                    "https://www.shop.example/x",
                    response_headers={"Set-Cookie": "[9 bytes were stripped]"},
                ),
            )
        )
        assert [c.name for c in capture.entries[0].request_cookies] == ["a"]
        assert capture.entries[1].response_cookies == ()
        assert (capture.has_cookie_evidence, capture.cookies_stripped) == (False, 1)

    def test_stripped_recorded_cookies_count(self) -> None:
        """A cookies array holding only stripped values counts like a stripped header."""
        sent = entry("https://www.shop.example/")
        sent["request"]["cookies"] = [{"name": "id", "value": "[8 bytes were stripped]"}]
        capture = load_har(har(sent))
        assert capture.entries[0].request_cookies == ()
        assert (capture.has_cookie_evidence, capture.cookies_stripped) == (False, 1)

    @given(
        st.integers(min_value=0, max_value=10**9),
        st.sampled_from(["", " ", "\t"]),
        st.sampled_from(["Cookie", "cookie", "Set-Cookie", "set-cookie"]),
    )
    def test_any_stripped_header_gives_no_cookie(self, size: int, space: str, name: str) -> None:
        """Whatever the length and spacing, a stripped header yields no cookie."""
        value = f"{space}[{size} bytes were stripped]{space}"
        capture = load_har(
            har(
                entry(
                    "https://www.shop.example/",
                    request_headers=[(name, value)],
                    response_headers=[(name, value)],
                )
            )
        )
        (read,) = capture.entries
        assert (read.request_cookies, read.response_cookies) == ((), ())
        assert (capture.has_cookie_evidence, capture.cookies_stripped) == (False, 1)

    @given(
        st.sampled_from(["http://", "https://", "wss://"]),
        st.from_regex(r"[a-z0-9]{1,8}(\.[a-z0-9]{1,8}){0,2}", fullmatch=True),
        st.sampled_from(["http://", "https://"]),
        st.text(max_size=20),
    )
    def test_run_together_urls_have_no_host(
        self, scheme: str, host: str, second: str, rest: str
    ) -> None:
        """A URL followed by another one (``hosthttp://...``) never gives a host."""
        raw = f"{scheme}{host}{second}{rest}"
        assert parse_url(raw).host == ""
        assert url_fault(raw) is not None

    @given(
        st.from_regex(r"[a-z0-9.-]{0,8}", fullmatch=True),
        st.sampled_from(list(",'\"!$&()*+;=~{}|%` ")),
        st.from_regex(r"[a-z0-9.-]{0,8}", fullmatch=True),
    )
    def test_host_with_foreign_characters_has_no_host(self, head: str, bad: str, tail: str) -> None:
        """A host holding a character no host name holds is no host."""
        raw = f"https://{head}{bad}{tail}/x"
        url = parse_url(raw)
        assert url.host == "" or bad not in url.host
        if url.host == "" and urlsplit(raw).hostname:
            assert url_fault(raw) is not None

    @given(st.from_regex(r"[a-z0-9_-]{1,10}(\.[a-z0-9_-]{1,10}){0,3}", fullmatch=True))
    def test_host_names_are_kept(self, host: str) -> None:
        """Every name of letters, digits, hyphens, underscores and dots stays the host."""
        raw = f"https://{host}/a,b?x=1,2"
        assert parse_url(raw).host == host.rstrip(".")
        assert url_fault(raw) is None


class TestParseUrl:
    """URL splitting."""

    @pytest.mark.parametrize(
        ("raw", "scheme", "host", "port", "path", "query"),
        [
            ("https://WWW.Example.com:8443/a?x=1#f", "https", "www.example.com", 8443, "/a", "x=1"),
            ("http://example.com", "http", "example.com", None, "/", ""),
            ("https://[2001:db8::1]:80/x", "https", "2001:db8::1", 80, "/x", ""),
            ("https://user:pw@example.com/", "https", "example.com", None, "/", ""),
            ("https://example.com:99999/", "https", "example.com", None, "/", ""),
            ("https://www.münchen.de/", "https", "www.xn--mnchen-3ya.de", None, "/", ""),
            ("data:text/plain,hi", "data", "", None, "", ""),
            ("https://[bad/", "", "", None, "", ""),
        ],
    )
    def test_parts(  # noqa: PLR0917 (one parameter per table column)
        self, raw: str, scheme: str, host: str, port: int | None, path: str, query: str
    ) -> None:
        """Scheme, host, port, path and query come out normalised."""
        url = parse_url(raw)
        assert (url.scheme, url.host, url.port, url.path, url.query) == (
            scheme,
            host,
            port,
            path,
            query,
        )
        assert url.raw == raw

    @given(st.text(max_size=80))
    def test_never_raises(self, raw: str) -> None:
        """Any text gives a Url."""
        assert parse_url(raw).raw == raw

    @given(
        st.sampled_from(["https://", "http://user@", "wss://"]),
        st.sampled_from(["www.example.com", "a.b:8443", "[2001:db8::1]"]),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    )
    def test_path_and_query_agree_with_urlsplit(self, scheme: str, host: str, rest: str) -> None:
        """Path and query, derived on access, are what urlsplit gives."""
        raw = scheme + host + rest
        try:
            parts = urlsplit(raw.strip())
        except ValueError:
            return
        url = parse_url(raw)
        if url.host:
            assert (url.path, url.query) == (parts.path or "/", parts.query)


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "log",
                    "entries",
                    "pages",
                    "request",
                    "url",
                    "response",
                    "startedDateTime",
                    "headers",
                    "cookies",
                    "name",
                    "value",
                    "status",
                    "x",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=25,
)


class TestProperties:
    """The reader raises nothing but TagsigError, whatever it is given."""

    @settings(max_examples=300)
    @given(st.binary(max_size=300))
    def test_arbitrary_bytes(self, data: bytes) -> None:
        """Arbitrary bytes either read or raise a TagsigError."""
        try:
            load_har(data)
        except TagsigError:
            pass

    @settings(max_examples=300)
    @given(_JSON)
    def test_arbitrary_json(self, document: object) -> None:
        """Arbitrary JSON either reads or raises a TagsigError."""
        try:
            load_har(json.dumps(document).encode())
        except TagsigError:
            pass

    @settings(max_examples=200)
    @given(st.lists(_JSON, max_size=5))
    def test_arbitrary_entries_never_fatal(self, entries: list[object]) -> None:
        """Whatever the entries hold, a well-formed log always reads."""
        document = {"log": {"version": "1.2", "entries": entries}}
        capture = load_har(json.dumps(document).encode())
        # Every entry is either read or reported (a repaired one is both).
        assert len(capture.entries) + len(capture.problems) >= len(entries)


class TestModelObjects:
    """What callers rely on in the model's objects: immutable, comparable, copyable."""

    def test_entries_are_immutable_values(self, asset: Asset) -> None:
        """Entries refuse assignment, equal reads compare and hash equal, and pickle."""
        import pickle

        first = load_har(asset("har/chrome-devtools.har")).entries[0]
        again = load_har(asset("har/chrome-devtools.har")).entries[0]
        with pytest.raises(AttributeError):
            first.method = "POST"  # type: ignore[misc]
        with pytest.raises(AttributeError):
            first.url.host = "example.org"  # type: ignore[misc]
        assert first == again
        assert hash(first) == hash(again)
        assert pickle.loads(pickle.dumps(first)) == first

    def test_replace_copies_with_a_change(self, asset: Asset) -> None:
        """``msgspec.structs.replace`` is the copy with a change (``attrs.evolve`` before)."""
        import msgspec

        first = load_har(asset("har/chrome-devtools.har")).entries[0]
        moved = msgspec.structs.replace(first, index=7)
        assert (moved.index, moved.url, moved.started) == (7, first.url, first.started)
        assert first.index == 0

    def test_url_cache_is_not_part_of_the_value(self) -> None:
        """A URL whose path was read equals, hashes and shows as one whose path was not."""
        read, unread = parse_url("https://a.example/p?q=1"), parse_url("https://a.example/p?q=1")
        assert read.path == "/p"
        assert read == unread
        assert hash(read) == hash(unread)
        assert (
            repr(read)
            == repr(unread)
            == ("Url(raw='https://a.example/p?q=1', scheme='https', host='a.example', port=None)")
        )
        assert read != parse_url("https://a.example/p?q=2")

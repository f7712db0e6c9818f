"""Tests of the ``Set-Cookie`` rules of RFC 6265 and RFC 6265bis that refuse cookies."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tagsig import load_har
from tagsig._inputs.cookies.setcookie import (
    EARLIEST_EXPIRY,
    LATEST_EXPIRY,
    parse_cookie_date,
    parse_set_cookie,
    read_set_cookie,
)
from tagsig._inputs.models import Cookie

from .builders import entry, har

SEEN = datetime(2024, 1, 1, tzinfo=UTC)


def read(
    header: str,
    host: str = "www.example.com",
    *,
    request_scheme: str | None = None,
    request_path: str | None = None,
) -> Cookie | str:
    """Read ``header`` as set by ``host`` at ``SEEN``."""
    return read_set_cookie(
        header,
        seen=SEEN,
        request_host=host,
        request_scheme=request_scheme,
        request_path=request_path,
    )


def cookie(
    header: str,
    host: str = "www.example.com",
    *,
    request_scheme: str | None = None,
    request_path: str | None = None,
) -> Cookie:
    """Read ``header``, which must give a cookie."""
    result = read(header, host, request_scheme=request_scheme, request_path=request_path)
    assert isinstance(result, Cookie), result
    return result


class TestPublicSuffixDomain:
    """RFC 6265 section 5.3 step 5: a Domain that is a public suffix."""

    @pytest.mark.parametrize(
        ("header", "host", "suffix"),
        [
            ("a=b; Domain=.org", "www.example.org", "org"),
            ("a=b; Domain=com", "www.example.com", "com"),
            ("a=b; Domain=.co.uk", "www.example.co.uk", "co.uk"),
            ("a=b; Domain=CO.UK", "shop.example.co.uk", "co.uk"),
            ("a=b; Domain=github.io", "someone.github.io", "github.io"),
        ],
    )
    def test_refused(self, header: str, host: str, suffix: str) -> None:
        """A public suffix other than the request host refuses the cookie, saying why."""
        assert read(header, host) == f"expected a Domain that is no public suffix, found {suffix}"
        assert parse_set_cookie(header, seen=SEEN, request_host=host) is None

    @pytest.mark.parametrize(
        ("header", "host"),
        [("a=b; Domain=github.io", "github.io"), ("a=b; Domain=.localhost", "localhost")],
    )
    def test_request_host_itself_is_host_only(self, header: str, host: str) -> None:
        """A public suffix that is the request host gives a host-only cookie."""
        result = cookie(header, host)
        assert (result.domain, result.host_only) == (host, True)

    def test_registrable_domain_is_kept(self) -> None:
        """The registrable domain below a suffix is a valid Domain."""
        result = cookie("a=b; Domain=example.co.uk", "www.example.co.uk")
        assert (result.domain, result.host_only) == ("example.co.uk", False)

    @pytest.mark.parametrize(
        ("header", "host"), [("a=b; Domain=0.1", "10.0.0.1"), ("a=b; Domain=0.0.1", "[::1]")]
    )
    def test_ip_address_matches_only_itself(self, header: str, host: str) -> None:
        """An IP address host domain-matches only itself, so its cookies are host-only."""
        assert isinstance(read(header, host), str)
        result = cookie("a=b; Domain=10.0.0.1", "10.0.0.1")
        assert (result.domain, result.host_only) == ("10.0.0.1", True)

    def test_idn_domain(self) -> None:
        """A Unicode Domain is compared in its IDNA form, as hosts are."""
        result = cookie("a=b; Domain=BÜCHER.example", "www.xn--bcher-kva.example")
        assert result.domain == "xn--bcher-kva.example"


class TestMaxAge:
    """Max-Age of any length (RFC 6265 section 5.2.2)."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("0" * 20, EARLIEST_EXPIRY),
            ("-" + "0" * 30, EARLIEST_EXPIRY),
            ("0" * 40 + "60", SEEN + timedelta(seconds=60)),
            ("0" * 17 + "1", SEEN + timedelta(seconds=1)),
            ("1" + "0" * 18, LATEST_EXPIRY),
            ("9" * 1024, LATEST_EXPIRY),
            ("-" + "9" * 1023, EARLIEST_EXPIRY),
            ("9" * 1025, None),
        ],
        ids=[
            "20-zeros",
            "negative-zeros",
            "padded-60",
            "padded-1",
            "19-digits",
            "1024-digits",
            "negative-1023-digits",
            "over-1024-octets",
        ],
    )
    def test_digits(self, value: str, expected: datetime | None) -> None:
        """Leading zeros do not count; huge values clamp, negative ones delete.

        A value longer than the attribute limit is ignored, like any over-long attribute.
        """
        assert cookie(f"a=b; Max-Age={value}").expires == expected

    @given(
        st.from_regex(r"-?[0-9]{1,60}", fullmatch=True),
        st.datetimes(
            min_value=datetime(1601, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
        ),
    )
    def test_never_overflows(self, value: str, seen: datetime) -> None:
        """Any Max-Age at any time deletes, or gives an expiry after ``seen`` and in range."""
        result = read_set_cookie(f"a=b; Max-Age={value}", seen=seen, request_host="h.example")
        assert isinstance(result, Cookie)
        if int(value) <= 0:
            assert result.expires == EARLIEST_EXPIRY
        else:
            assert result.expires is not None
            assert seen < result.expires <= LATEST_EXPIRY


class TestSizeLimits:
    """The octet limits of RFC 6265bis section 5.6."""

    @pytest.mark.parametrize(
        ("name", "value"),
        [("t" * 2048, "1" * 2048), ("t" * 4096, ""), ("", "1" * 4096), ("a", "é" * 2047)],
    )
    def test_name_and_value_up_to_4096_octets(self, name: str, value: str) -> None:
        """4096 octets of name and value together are accepted."""
        assert (cookie(f"{name}={value}").name, cookie(f"{name}={value}").value) == (name, value)

    @pytest.mark.parametrize(
        ("header", "size"),
        [
            ("t" * 4097 + "=1", 4098),
            ("=" + "1" * 4097, 4097),
            ("1" * 4097, 4097),
            ("a=" + "é" * 2048, 4097),
        ],
    )
    def test_longer_is_refused(self, header: str, size: int) -> None:
        """More octets refuse the cookie; multi-byte characters count as their octets."""
        assert read(header) == f"expected at most 4096 octets of name and value, found {size}"

    def test_long_attribute_is_ignored(self) -> None:
        """An attribute value over 1024 octets is ignored; the one before or after counts."""
        long_path = "/" + "e" * 1024
        assert cookie(f"a=b; Path=/docs; Path={long_path}").path == "/docs"
        assert cookie(f"a=b; Path={long_path}; Path=/docs").path == "/docs"
        assert cookie(f"a=b; Path=/{'e' * 1023}").path == f"/{'e' * 1023}"
        long_domain = "a" * 1024 + ".com"
        assert cookie(f"a=b; Domain=example.com; Domain={long_domain}").domain == "example.com"
        assert cookie(f"a=b; Domain={long_domain}").host_only is True


class TestPrefixes:
    """The ``__Secure-`` and ``__Host-`` name prefixes (RFC 6265bis section 5.7)."""

    @pytest.mark.parametrize(
        "header",
        [
            "__Secure-id=1; Secure",
            "__Secure-id=1; Secure; Domain=example.com; Path=/x",
            "__Host-id=1; Secure; Path=/",
            "__Host-id=1; Path=/; SECURE",
            "__Hostile=1",
            "Host-id=1",
        ],
    )
    def test_accepted(self, header: str) -> None:
        """Cookies that keep their prefix's rules are read."""
        assert cookie(header, request_scheme="https").name == header.split("=", maxsplit=1)[0]

    @pytest.mark.parametrize(
        ("header", "reason"),
        [
            ("__Secure-id=1", "expected Secure on a cookie named __Secure-..., found none"),
            ("__SECURE-id=1", "expected Secure on a cookie named __SECURE-..., found none"),
            ("__Host-id=1; Path=/", "expected Secure on a cookie named __Host-..., found none"),
            (
                "__Host-id=1; Secure; Path=/; Domain=www.example.com",
                "expected no Domain on a cookie named __Host-..., found one",
            ),
            ("__Host-id=1; Secure", "expected Path=/ on a cookie named __Host-..., found none"),
            (
                "__host-id=1; Secure; Path=",
                "expected Path=/ on a cookie named __host-..., found none",
            ),
            (
                "__Host-id=1; Secure; Path=/docs",
                "expected Path=/ on a cookie named __Host-..., found '/docs'",
            ),
            (
                "=__Host-id=1; Secure; Path=/",
                "expected a nameless cookie not to look prefixed, found __Host-...",
            ),
            ("__secure-x", "expected a nameless cookie not to look prefixed, found __secure-..."),
        ],
    )
    def test_refused(self, header: str, reason: str) -> None:
        """A cookie breaking its prefix's rules is refused, whatever the scheme."""
        assert read(header, request_scheme="https") == reason
        assert read(header) == reason

    def test_without_path_attribute_even_at_root(self) -> None:
        """``__Host-`` needs the Path attribute, even where the default path is ``/``."""
        assert isinstance(
            read("__Host-id=1; Secure", request_scheme="https", request_path="/"), str
        )


class TestSecureScheme:
    """A Secure cookie from an insecure URL (RFC 6265bis section 5.7 step 14)."""

    def test_refused_from_http(self) -> None:
        """Browsers ignore a Secure cookie set over plain HTTP."""
        assert read("a=b; Secure", request_scheme="http") == (
            "expected a secure request URL for a Secure cookie, found http:"
        )

    @pytest.mark.parametrize(
        ("scheme", "host"),
        [
            ("https", "www.example.com"),
            ("wss", "www.example.com"),
            ("http", "localhost"),
            ("http", "app.localhost"),
            ("http", "127.0.0.1"),
            ("http", "[::1]"),
            (None, "www.example.com"),
        ],
    )
    def test_accepted(self, scheme: str | None, host: str) -> None:
        """Secure schemes, loopback hosts, and an unknown scheme keep Secure cookies."""
        assert cookie("a=b; Secure", host, request_scheme=scheme).secure is True

    def test_insecure_cookie_from_http(self) -> None:
        """A cookie without Secure is read from plain HTTP."""
        assert cookie("a=b", request_scheme="http").secure is False


class TestReasons:
    """The reasons given for ignored headers."""

    @pytest.mark.parametrize(
        ("header", "reason"),
        [
            ("a=b\x01c", r"expected no control character, found '\x01'"),
            (" = ; Secure", "expected a cookie name or value, found neither"),
            (
                "a=b; Domain=other.com",
                "expected a Domain that the request host www.example.com is in, found other.com",
            ),
        ],
    )
    def test_reason(self, header: str, reason: str) -> None:
        """Each reason says what was expected and what was found."""
        assert read(header) == reason


class TestLastDayOf9999:
    """The last representable day is read to its last second."""

    def test_date(self) -> None:
        """``23:59:59`` on 31 December 9999 is kept, not clamped to midnight."""
        expected = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
        assert parse_cookie_date("Fri, 31 Dec 9999 23:59:59 GMT") == expected
        assert expected == LATEST_EXPIRY


class TestHarReader:
    """The HAR reader gives the parser the request URL and reports refused cookies."""

    def capture(self, url: str, *set_cookies: str) -> list[object]:
        """Return the response cookies and problems of one entry setting ``set_cookies``."""
        headers = [("content-type", "text/html")] + [("set-cookie", v) for v in set_cookies]
        loaded = load_har(har(entry(url, response_headers=headers)), name="c.har")
        return [*loaded.entries[0].response_cookies, *loaded.problems]

    def test_default_path(self) -> None:
        """A cookie without Path gets the default path of the request (RFC 6265 5.1.4)."""
        (result,) = self.capture("https://www.example.com/shop/cart/view?x=1", "a=b")
        assert isinstance(result, Cookie)
        assert result.path == "/shop/cart"

    def test_refusals_are_problems(self) -> None:
        """Each refused cookie is a problem pointing at its header; the others are read."""
        found = self.capture(
            "http://www.example.org/",
            "a=1; Domain=org",
            "ok=1\n__Host-x=1; Secure; Path=/\nb=2; Secure",
        )
        assert [c.name for c in found if isinstance(c, Cookie)] == ["ok"]
        assert [str(p) for p in found if not isinstance(p, Cookie)] == [
            "c.har#/log/entries/0/response/headers/1/value: cookie ignored, as a browser "
            "ignores it: expected a Domain that is no public suffix, found org",
            "c.har#/log/entries/0/response/headers/2/value: cookie ignored, as a browser "
            "ignores it: expected a secure request URL for a Secure cookie, found http:",
            "c.har#/log/entries/0/response/headers/2/value: cookie ignored, as a browser "
            "ignores it: expected a secure request URL for a Secure cookie, found http:",
        ]

    def test_blank_folded_lines_are_no_problems(self) -> None:
        """Empty lines of a folded header are no cookies and no problems."""
        assert [
            getattr(c, "name", None) for c in self.capture("https://a.example/", "a=1\n\n b=2 \n")
        ] == ["a", "b"]

    def test_recorded_cookie_array_is_unchanged(self) -> None:
        """Without Set-Cookie headers the recorded cookies array is read as before."""
        document = json.loads(har(entry("https://a.example/x/y")))
        document["log"]["entries"][0]["response"]["cookies"] = [{"name": "a", "value": "1"}]
        (result,) = load_har(document).entries[0].response_cookies
        assert (result.name, result.path) == ("a", None)


class TestProperties:
    """The parser answers every header with a cookie or a reason."""

    @given(
        st.text(max_size=300),
        st.sampled_from(["http", "https", "wss", "ftp", ""]),
        st.text(max_size=40),
        st.text(alphabet="abc.-019:[]", max_size=30),
    )
    def test_cookie_or_reason(self, header: str, scheme: str, path: str, host: str) -> None:
        """Any header, scheme, path and host give a cookie or an "expected" reason."""
        result = read_set_cookie(
            header, seen=SEEN, request_host=host, request_path=path, request_scheme=scheme
        )
        if isinstance(result, str):
            assert result.startswith("expected ")
        else:
            assert result.path is not None
            assert result.path.startswith("/")
            assert len((result.name + result.value).encode("utf-8", "surrogatepass")) <= 4096

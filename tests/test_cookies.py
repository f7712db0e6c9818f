"""Tests for the cookie-jar reader and the RFC 6265 header parsers."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import sqlite3
import string
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tagsig._exceptions import CookieJarError
from tagsig._inputs.cookies.jars import load_cookies
from tagsig._inputs.cookies.setcookie import (
    EARLIEST_EXPIRY,
    LATEST_EXPIRY,
    parse_cookie_date,
    parse_cookie_header,
    parse_set_cookie,
)
from tagsig._inputs.models import Cookie, Problem

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cookies"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "cookies"
EXPECTED = (
    "expected a cookie jar (Netscape cookies.txt, Playwright storageState, JSON cookie list, "
    "Chrome or Firefox SQLite)"
)
# 1700000000 seconds since 1970, the expiry most fixtures use.
T = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
CHROME_T = (1_700_000_000 + 11_644_473_600) * 1_000_000
SEEN = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def asset() -> Callable[[str], Path]:
    """Return a function giving the path of a cookie fixture, which must exist."""

    def get(name: str) -> Path:
        path = FIXTURES / name
        assert path.is_file(), f"missing fixture {path}"
        return path

    return get


def jar_cookie(**fields: object) -> Cookie:
    """Build the jar cookie a test expects, with the defaults of jar cookies."""
    defaults: dict[str, object] = {"source": "jar", "value": ""}
    defaults.update(fields)
    return Cookie(**defaults)  # type: ignore[arg-type]


class TestNetscape:
    """Reading Netscape ``cookies.txt`` jars."""

    def test_httponly_prefix(self, asset: Callable[[str], Path]) -> None:
        """``#HttpOnly_`` lines are cookies with HttpOnly set; the prefix is stripped."""
        path = asset("netscape-httponly.txt")
        jar = load_cookies(path)
        assert jar.format == "netscape"
        assert jar.source == str(path)
        assert jar.problems == ()
        assert jar.cookies == (
            jar_cookie(
                name="sid",
                value="abc123",
                domain="example.com",
                host_only=False,
                path="/",
                expires=T,
                secure=True,
                http_only=True,
                file=str(path),
                line=4,
            ),
            jar_cookie(
                name="theme",
                value="dark",
                domain="www.example.com",
                host_only=True,
                path="/account",
                expires=None,
                secure=False,
                http_only=False,
                file=str(path),
                line=5,
            ),
        )

    def test_six_fields_mean_empty_value(self, asset: Callable[[str], Path]) -> None:
        """Six fields are a cookie with an empty value and a problem; no expiry is session."""
        jar = load_cookies(asset("netscape-six-fields.txt"), name="six")
        assert [str(p) for p in jar.problems] == [
            "six:3: expected 7 tab-separated fields, found 6: read as a cookie with an empty value"
        ]
        assert [(c.name, c.value, c.expires, c.line) for c in jar] == [
            ("flag", "", T, 3),
            ("empty-expiry", "v", None, 4),
        ]

    def test_huge_expiry(self, asset: Callable[[str], Path]) -> None:
        """Expiries past year 9999 are milliseconds when that fits, else clamped."""
        jar = load_cookies(asset("netscape-huge-expiry.txt"))
        assert jar.problems == ()
        assert [(c.name, c.expires) for c in jar] == [
            ("int64", LATEST_EXPIRY),
            ("float", LATEST_EXPIRY),
            ("millis", T),
            ("negative", None),
        ]

    def test_bad_lines_are_problems(self, asset: Callable[[str], Path]) -> None:
        """Damaged lines are reported with their line number and skipped."""
        jar = load_cookies(asset("netscape-bad-line.txt"), name="jar.txt")
        assert [(c.name, c.line) for c in jar] == [("good", 2), ("last", 8)]
        assert list(jar.problems) == [
            Problem(source="jar.txt", line=3, message="expected 7 tab-separated fields, found 3"),
            Problem(
                source="jar.txt",
                line=4,
                message="expected TRUE or FALSE as include-subdomains flag (field 2), found 'YES'",
            ),
            Problem(
                source="jar.txt",
                line=5,
                message="expected TRUE or FALSE as secure flag (field 4), found 'maybe'",
            ),
            Problem(
                source="jar.txt",
                line=6,
                message="expected an expiry in seconds since 1970 (field 5), found 'tomorrow'",
            ),
            Problem(source="jar.txt", line=7, message="expected 7 tab-separated fields, found 8"),
        ]
        assert str(jar.problems[0]) == "jar.txt:3: expected 7 tab-separated fields, found 3"

    def test_without_header(self, asset: Callable[[str], Path]) -> None:
        """A file of valid cookie lines is a jar even without the header."""
        jar = load_cookies(asset("netscape-no-header.txt"))
        assert jar.format == "netscape"
        assert [(c.name, c.domain, c.host_only) for c in jar] == [("uid", "tracker.example", False)]
        assert jar.cookies[0].expires == datetime(2038, 1, 19, 3, 14, 7, tzinfo=UTC)

    def test_header_only(self, asset: Callable[[str], Path]) -> None:
        """A jar holding only the header is an empty jar."""
        jar = load_cookies(asset("netscape-header-only.txt"))
        assert (jar.format, jar.cookies, jar.problems) == ("netscape", (), ())

    def test_bom_and_crlf(self, asset: Callable[[str], Path]) -> None:
        """A UTF-8 BOM and CRLF line ends are accepted; the domain is lower-cased."""
        (cookie,) = load_cookies(asset("netscape-bom-crlf.txt"))
        assert (cookie.name, cookie.value, cookie.domain, cookie.line) == (
            "café",
            "naïve",
            "example.com",
            2,
        )

    def test_utf16(self) -> None:
        """A UTF-16 jar (with its BOM) is read."""
        text = "# Netscape HTTP Cookie File\nexample.com\tFALSE\t/\tFALSE\t0\ta\tb\n"
        jar = load_cookies(text.encode("utf-16"))
        assert [(c.name, c.value) for c in jar] == [("a", "b")]


class TestJson:
    """Reading JSON jars: Playwright, Puppeteer/CDP, Selenium, extensions, Lookyloo."""

    def test_playwright_storage_state(self, asset: Callable[[str], Path]) -> None:
        """Playwright storageState: -1 is session, sameSite is lower-cased, dots mean domain."""
        path = asset("playwright-storage-state.json")
        jar = load_cookies(path)
        assert jar.format == "playwright"
        assert jar.problems == ()
        assert jar.cookies == (
            jar_cookie(
                name="session",
                value="s3cr3t",
                domain="shop.example.com",
                host_only=True,
                path="/",
                expires=None,
                secure=True,
                http_only=True,
                same_site="strict",
                file=str(path),
            ),
            jar_cookie(
                name="IDE",
                value="AHWqTUm",
                domain="doubleclick.net",
                host_only=False,
                path="/",
                expires=T + timedelta(milliseconds=500),
                secure=True,
                http_only=True,
                same_site="none",
                file=str(path),
            ),
            jar_cookie(
                name="consent",
                value="yes",
                domain="example.com",
                host_only=False,
                path="/",
                expires=T,
                secure=False,
                http_only=False,
                same_site="lax",
                file=str(path),
            ),
        )

    def test_cdp_get_all_cookies(self, asset: Callable[[str], Path]) -> None:
        """A CDP ``Network.getAllCookies`` result; ``session`` wins over ``expires``."""
        jar = load_cookies(asset("puppeteer-cdp.json"))
        assert jar.format == "json"
        assert [(c.name, c.expires, c.same_site, c.secure) for c in jar] == [
            ("_ga", T, None, False),
            ("csrftoken", None, "lax", True),
        ]

    def test_puppeteer_page_cookies(self, asset: Callable[[str], Path]) -> None:
        """A bare list from Puppeteer ``page.cookies()``."""
        (cookie,) = load_cookies(asset("puppeteer-page-cookies.json"))
        assert cookie.expires == T + timedelta(milliseconds=250)
        assert (cookie.http_only, cookie.host_only) == (True, True)

    def test_selenium(self, asset: Callable[[str], Path]) -> None:
        """Selenium ``get_cookies()``: ``expiry`` in seconds, absent for session cookies."""
        jar = load_cookies(asset("selenium.json"))
        assert [(c.name, c.domain, c.host_only, c.path, c.expires, c.same_site) for c in jar] == [
            ("_gid", "example.com", False, "/", T, "lax"),
            ("JSESSIONID", "www.example.com", True, "/app", None, "strict"),
        ]

    def test_editthiscookie(self, asset: Callable[[str], Path]) -> None:
        """EditThisCookie: ``expirationDate``, ``hostOnly``, ``no_restriction``, ``unspecified``."""
        jar = load_cookies(asset("editthiscookie.json"))
        assert [(c.name, c.host_only, c.expires, c.same_site) for c in jar] == [
            ("_fbp", False, T + timedelta(microseconds=123456), "none"),
            ("PHPSESSID", True, None, None),
        ]

    def test_lookyloo_iso_expiry(self, asset: Callable[[str], Path]) -> None:
        """ISO 8601 expiry strings, with ``Z``, an offset, or none (UTC)."""
        jar = load_cookies(asset("lookyloo-iso-expiry.json"))
        assert jar.problems == ()
        assert [(c.name, c.expires) for c in jar] == [
            ("UserID", datetime(2021, 11, 13, 18, 20, 43, tzinfo=UTC)),
            ("YSC", None),
            ("offset", datetime(2021, 5, 6, 10, 23, 45, tzinfo=UTC)),
            ("naive", datetime(2021, 5, 6, 10, 23, 45, tzinfo=UTC)),
        ]

    def test_wrapped_list(self, asset: Callable[[str], Path]) -> None:
        """A cookie list under another key (``browser_cookies``) is found."""
        jar = load_cookies(asset("json-wrapped-list.json"))
        assert [(c.name, c.value, c.expires) for c in jar] == [
            ("pp-tracking", '{"pageCount":0}', T)
        ]

    def test_empty_list(self, asset: Callable[[str], Path]) -> None:
        """An empty JSON list is an empty jar."""
        jar = load_cookies(asset("json-empty-list.json"))
        assert (jar.format, jar.cookies) == ("json", ())

    def test_bad_records_are_problems(self, asset: Callable[[str], Path]) -> None:
        """Damaged records are reported with a JSON pointer and skipped."""
        jar = load_cookies(asset("json-bad-records.json"), name="j")
        assert [(c.name, c.expires) for c in jar] == [("good", None), ("last", T)]
        assert [(p.pointer, p.message) for p in jar.problems] == [
            ("/cookies/1", 'expected a cookie object with a "name", found none'),
            ("/cookies/2", "expected a cookie object, found 'not an object'"),
            ("/cookies/3/secure", "expected 'secure' to be true or false, found 'maybe'"),
            (
                "/cookies/4/expires",
                "expected 'expires' to be seconds since 1970 or a date, found 'next tuesday'",
            ),
            ("/cookies/5/domain", "expected 'domain' to be a string, found 42"),
            ("/cookies/6/session", "expected 'session' to be true or false, found 2"),
            (
                "/cookies/7/expiry",
                "expected 'expiry' to be seconds since 1970 or a date, found True",
            ),
        ]
        assert {p.source for p in jar.problems} == {"j"}
        assert {p.line for p in jar.problems} == {None}

    @pytest.mark.parametrize(
        ("expires", "expected"),
        [
            (1_700_000_000_000, T),
            (0, None),
            ("Tue, 14 Nov 2023 22:13:20 GMT", T),
            ("  1700000000 ", T),
            (1e300, LATEST_EXPIRY),
            (10**400, LATEST_EXPIRY),
        ],
        ids=["milliseconds", "zero", "http-date", "numeric-string", "huge-float", "huge-int"],
    )
    def test_expiry_forms(self, expires: object, expected: datetime | None) -> None:
        """Milliseconds, zero, HTTP dates, numeric strings and huge numbers are read."""
        data = json.dumps([{"name": "a", "value": "b", "expires": expires}]).encode()
        (cookie,) = load_cookies(data)
        assert cookie.expires == expected

    def test_nan_expiry(self) -> None:
        """NaN is a problem."""
        jar = load_cookies(b'[{"name": "a", "expires": NaN}]')
        assert jar.cookies == ()
        assert [p.pointer for p in jar.problems] == ["/0/expires"]

    @pytest.mark.parametrize("expires", ["Infinity", "1e999"])
    def test_infinite_expiry(self, expires: str) -> None:
        """A number too large for a float is clamped, as in Netscape jars."""
        (cookie,) = load_cookies(f'[{{"name": "a", "expires": {expires}}}]'.encode())
        assert cookie.expires == LATEST_EXPIRY


def make_chrome(path: Path, rows: list[tuple[object, ...]], *, old: bool = False) -> Path:
    """Write a Chrome ``Cookies`` database holding ``rows``."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta(key TEXT NOT NULL UNIQUE PRIMARY KEY, value TEXT)")
        if old:
            db.execute(
                "CREATE TABLE cookies (creation_utc INTEGER NOT NULL UNIQUE PRIMARY KEY,"
                " host_key TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,"
                " path TEXT NOT NULL, expires_utc INTEGER NOT NULL, secure INTEGER NOT NULL,"
                " httponly INTEGER NOT NULL, last_access_utc INTEGER NOT NULL,"
                " has_expires INTEGER NOT NULL DEFAULT 1, persistent INTEGER NOT NULL DEFAULT 1)"
            )
            db.executemany(
                "INSERT INTO cookies (creation_utc, host_key, name, value, path, expires_utc,"
                " secure, httponly, last_access_utc, persistent) VALUES (?,?,?,?,?,?,?,?,0,?)",
                rows,
            )
        else:
            db.execute(
                "CREATE TABLE cookies(creation_utc INTEGER NOT NULL, host_key TEXT NOT NULL,"
                " top_frame_site_key TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,"
                " encrypted_value BLOB NOT NULL, path TEXT NOT NULL,"
                " expires_utc INTEGER NOT NULL, is_secure INTEGER NOT NULL,"
                " is_httponly INTEGER NOT NULL, last_access_utc INTEGER NOT NULL,"
                " has_expires INTEGER NOT NULL, is_persistent INTEGER NOT NULL,"
                " priority INTEGER NOT NULL, samesite INTEGER NOT NULL,"
                " source_scheme INTEGER NOT NULL, source_port INTEGER NOT NULL)"
            )
            db.executemany(
                "INSERT INTO cookies VALUES (0,?,'',?,?,?,?,?,?,?,0,?,?,1,?,2,443)", rows
            )
    db.close()
    return path


def make_firefox(path: Path, rows: list[tuple[object, ...]], *, wal: bool = False) -> Path:
    """Write a Firefox ``cookies.sqlite`` database holding ``rows``."""
    db = sqlite3.connect(path)
    if wal:
        db.execute("PRAGMA journal_mode=WAL")
    with db:
        db.execute(
            "CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY,"
            " originAttributes TEXT NOT NULL DEFAULT '', name TEXT, value TEXT, host TEXT,"
            " path TEXT, expiry INTEGER, lastAccessed INTEGER, creationTime INTEGER,"
            " isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0,"
            " sameSite INTEGER DEFAULT 0, rawSameSite INTEGER DEFAULT 0,"
            " schemeMap INTEGER DEFAULT 0)"
        )
        db.executemany(
            "INSERT INTO moz_cookies (name, value, host, path, expiry, lastAccessed,"
            " creationTime, isSecure, isHttpOnly, sameSite) VALUES (?,?,?,?,?,0,0,?,?,?)",
            rows,
        )
    db.close()
    return path


class TestSqlite:
    """Reading Chrome and Firefox cookie databases."""

    def test_chrome(self, tmp_path: Path) -> None:
        """Chrome rows: 1601-based microseconds, persistence, encrypted values, samesite."""
        path = make_chrome(
            tmp_path / "Cookies",
            [
                (".example.com", "_ga", "GA1", b"", "/", CHROME_T, 0, 0, 1, 1, -1),
                ("www.example.com", "sid", "", b"v10\x01\x02", "/", 0, 1, 1, 0, 0, 2),
                ("a.example", "lax", "1", b"", "/p", CHROME_T, 1, 0, 1, 1, 1),
                ("b.example", "none", "1", b"", "/", CHROME_T, 1, 0, 1, 0, 0),
                ("c.example", "far", "1", b"", "/", 2**62, 1, 0, 1, 1, 0),
                ("d.example", "micro", "1", b"", "/", CHROME_T + 123_457, 1, 0, 1, 1, 0),
                ("e.example", "old", "1", b"", "/", 1, 1, 0, 1, 1, 0),
            ],
        )
        jar = load_cookies(path)
        assert jar.format == "chrome-sqlite"
        assert jar.problems == ()
        assert jar.cookies[:2] == (
            jar_cookie(
                name="_ga",
                value="GA1",
                domain="example.com",
                host_only=False,
                path="/",
                expires=T,
                secure=False,
                http_only=False,
                file=str(path),
            ),
            jar_cookie(
                name="sid",
                value="",
                domain="www.example.com",
                host_only=True,
                path="/",
                secure=True,
                http_only=True,
                same_site="strict",
                file=str(path),
            ),
        )
        assert [(c.same_site, c.expires) for c in jar.cookies[2:]] == [
            ("lax", T),
            ("none", None),  # is_persistent = 0
            ("none", LATEST_EXPIRY),
            ("none", T + timedelta(microseconds=123_457)),
            ("none", None),  # before 1970: no usable expiry
        ]

    def test_chrome_old_schema(self, tmp_path: Path) -> None:
        """Old Chrome column names (``secure``, ``httponly``, ``persistent``) are read."""
        path = make_chrome(
            tmp_path / "Cookies",
            [(1, ".example.com", "a", "1", "/", CHROME_T, 1, 1, 1)],
            old=True,
        )
        (cookie,) = load_cookies(path)
        assert (cookie.secure, cookie.http_only, cookie.expires, cookie.same_site) == (
            True,
            True,
            T,
            None,
        )

    def test_firefox(self, tmp_path: Path) -> None:
        """Firefox rows, with expiry in seconds or (recent versions) milliseconds."""
        path = make_firefox(
            tmp_path / "cookies.sqlite",
            [
                ("_ga", "GA1", ".example.com", "/", 1_700_000_000, 0, 0, 0),
                ("sid", "x", "www.example.com", "/", 1_700_000_000_000, 1, 1, 2),
                ("unset", "x", "example.org", "/", 1_700_000_000, 1, 1, 256),
                ("lax", "x", "example.org", "/", 1_700_000_000, 1, 1, 1),
            ],
        )
        jar = load_cookies(path)
        assert jar.format == "firefox-sqlite"
        assert jar.cookies[0] == jar_cookie(
            name="_ga",
            value="GA1",
            domain="example.com",
            host_only=False,
            path="/",
            expires=T,
            secure=False,
            http_only=False,
            same_site="none",
            file=str(path),
        )
        assert [(c.name, c.expires, c.secure, c.same_site) for c in jar.cookies[1:]] == [
            ("sid", T, True, "strict"),
            ("unset", T, True, None),
            ("lax", T, True, "lax"),
        ]

    def test_firefox_wal_from_bytes_and_file(self, tmp_path: Path) -> None:
        """A WAL-mode database reads from bytes and from a file object alike."""
        path = make_firefox(
            tmp_path / "cookies.sqlite", [("a", "1", "example.com", "/", 1, 0, 0, 0)], wal=True
        )
        data = path.read_bytes()
        assert data[18:20] == b"\x02\x02"
        from_bytes = load_cookies(data)
        from_file = load_cookies(io.BytesIO(data))
        assert from_bytes.source == "<bytes>"
        assert from_file.source == "<file>"
        assert [c.name for c in from_bytes] == [c.name for c in from_file] == ["a"]
        assert from_file.cookies[0].file == "<file>"

    def test_bad_cell_is_problem(self, tmp_path: Path) -> None:
        """A row whose number column holds text is a problem with the row's pointer."""
        path = make_firefox(
            tmp_path / "cookies.sqlite",
            [
                ("a", "1", "example.com", "/", "soon", 0, 0, 0),
                ("b", "1", "example.com", "/", 1_700_000_000, "yes", 0, 0),
                ("c", "1", "example.com", "/", 1_700_000_000.5, 0, 0, 0),
            ],
        )
        jar = load_cookies(path, name="ff")
        assert [(c.name, c.expires) for c in jar] == [("c", T)]
        assert jar.problems == (
            Problem(
                source="ff",
                pointer="/moz_cookies/0",
                message="expected the expiry to be an integer, found 'soon'",
            ),
            Problem(
                source="ff",
                pointer="/moz_cookies/1",
                message="expected the secure flag to be an integer, found 'yes'",
            ),
        )

    def test_invalid_utf8_text(self, tmp_path: Path) -> None:
        """Text that is not UTF-8 is read with replacement characters."""
        path = make_firefox(
            tmp_path / "cookies.sqlite", [("a", b"\xff", "example.com", "/", 1, 0, 0, 0)]
        )
        db = sqlite3.connect(path)
        with db:
            db.execute("UPDATE moz_cookies SET value = CAST(X'FF61' AS TEXT)")
        db.close()
        (cookie,) = load_cookies(path)
        assert cookie.value == "\ufffda"

    def test_blob_and_null_cells(self, tmp_path: Path) -> None:
        """Text stored as a blob is decoded; NULL numbers are 0 (session, flags off)."""
        path = make_firefox(
            tmp_path / "cookies.sqlite",
            [(b"n\xc3\xa9", None, ".example.com", None, None, None, None, None)],
        )
        (cookie,) = load_cookies(path)
        assert (cookie.name, cookie.value, cookie.path, cookie.expires, cookie.secure) == (
            "né",
            "",
            None,
            None,
            False,
        )

    def test_no_cookie_table(self, tmp_path: Path) -> None:
        """A database without a cookie table is no jar; its tables are named."""
        path = tmp_path / "other.db"
        db = sqlite3.connect(path)
        with db:
            db.execute("CREATE TABLE places (id INTEGER)")
        db.close()
        with pytest.raises(CookieJarError) as info:
            load_cookies(path, name="other.db")
        assert (
            str(info.value) == f"other.db: {EXPECTED}, found an SQLite database with tables: places"
        )

    def test_missing_columns(self, tmp_path: Path) -> None:
        """A ``cookies`` table without the needed columns is no Chrome jar."""
        path = tmp_path / "x.db"
        db = sqlite3.connect(path)
        with db:
            db.execute("CREATE TABLE cookies (a INTEGER, name TEXT)")
        db.close()
        with pytest.raises(CookieJarError) as info:
            load_cookies(path, name="x.db")
        assert (
            info.value.message
            == "expected columns host_key and name in table cookies, found: a, name"
        )

    def test_damaged_database(self, tmp_path: Path) -> None:
        """A truncated database raises CookieJarError chained to the SQLite error."""
        path = make_chrome(tmp_path / "Cookies", [])
        data = path.read_bytes()[:200] + b"\x00" * 4000
        with pytest.raises(CookieJarError) as info:
            load_cookies(data)
        assert info.value.message.startswith("expected a readable SQLite cookie database, found ")
        assert isinstance(info.value.__cause__, sqlite3.Error)


class TestSources:
    """Accepted inputs, compression, and errors of ``load_cookies``."""

    def test_pathlike_str_and_name(self, asset: Callable[[str], Path]) -> None:
        """Paths may be str or PathLike; ``name`` replaces the reported source."""
        path = asset("netscape-no-header.txt")
        assert load_cookies(str(path)).source == str(path)
        jar = load_cookies(path, name="mine")
        assert jar.source == "mine"
        assert jar.cookies[0].file == "mine"

    def test_gzip(self, asset: Callable[[str], Path]) -> None:
        """A gzip-compressed jar is decompressed, whatever its name."""
        data = gzip.compress(asset("selenium.json").read_bytes())
        jar = load_cookies(data)
        assert (jar.format, len(jar)) == ("json", 2)

    def test_damaged_gzip(self) -> None:
        """A damaged gzip stream raises CookieJarError."""
        with pytest.raises(CookieJarError) as info:
            load_cookies(gzip.compress(b"x" * 100)[:20])
        assert info.value.message.startswith("expected a cookie jar, found a damaged gzip stream")
        assert info.value.path == "<bytes>"

    def test_missing_file(self, tmp_path: Path) -> None:
        """An unreadable file raises CookieJarError chained to the OSError."""
        path = tmp_path / "absent.txt"
        with pytest.raises(CookieJarError) as info:
            load_cookies(path)
        assert str(info.value) == (
            f"{path}: expected a readable cookie jar, "
            "found an unreadable file (No such file or directory)"
        )
        assert info.value.path == str(path)
        assert isinstance(info.value.__cause__, FileNotFoundError)

    def test_failing_file_object(self) -> None:
        """A file object whose read fails raises CookieJarError."""

        class Broken(io.RawIOBase):
            def read(self, size: int = -1) -> bytes:
                raise OSError(5, "Input/output error")

        with pytest.raises(CookieJarError) as info:
            load_cookies(Broken())  # type: ignore[arg-type]
        assert str(info.value) == (
            "<file>: expected a readable cookie jar, found an unreadable file (Input/output error)"
        )

    def test_wrong_type(self) -> None:
        """A source of another type is a TypeError."""
        with pytest.raises(TypeError, match="expected a path, bytes or a binary file, found int"):
            load_cookies(3)  # type: ignore[arg-type]

    def test_text_file_object(self) -> None:
        """A text-mode file object is a TypeError."""
        with pytest.raises(TypeError, match="expected a binary file, found one that reads str"):
            load_cookies(io.StringIO("x"))  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("fixture", "found"),
        [
            ("not-a-jar.txt", "'This is not a cookie jar.'"),
            ("not-a-jar.json", "a JSON object without cookies"),
            (
                "malformed.json",
                "malformed JSON (Expecting property name enclosed in double quotes: "
                "line 1 column 41 (char 40))",
            ),
        ],
    )
    def test_not_a_jar(self, asset: Callable[[str], Path], fixture: str, found: str) -> None:
        """Files of no known format raise CookieJarError naming the formats tried."""
        path = asset(fixture)
        with pytest.raises(CookieJarError) as info:
            load_cookies(path)
        assert str(info.value) == f"{path}: {EXPECTED}, found {found}"
        assert info.value.path == str(path)

    @pytest.mark.parametrize(
        ("data", "found"),
        [
            (b"", "an empty file"),
            (b" \n\t\n", "an empty file"),
            (b"\x00\x01binary", "binary data"),
            (b"42", "'42'"),
            (b'"text"', "'\"text\"'"),
            (b"[1, 2]", "a JSON list without cookies"),
            (b'{"cookies": 3}', "a JSON object without cookies"),
        ],
    )
    def test_not_a_jar_bytes(self, data: bytes, found: str) -> None:
        """Empty, binary and foreign content raise CookieJarError."""
        with pytest.raises(CookieJarError) as info:
            load_cookies(data)
        assert info.value.message == f"{EXPECTED}, found {found}"
        assert info.value.path == "<bytes>"


class TestParseCookieDate:
    """The RFC 6265 section 5.1.1 cookie-date algorithm."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Wed, 21 Oct 2015 07:28:00 GMT", datetime(2015, 10, 21, 7, 28, tzinfo=UTC)),
            ("Wednesday, 21-Oct-15 07:28:00 GMT", datetime(2015, 10, 21, 7, 28, tzinfo=UTC)),
            ("Wed Oct 21 07:28:00 2015", datetime(2015, 10, 21, 7, 28, tzinfo=UTC)),
            ("2015 October 21 7:8:9", datetime(2015, 10, 21, 7, 8, 9, tzinfo=UTC)),
            ("Thu, 01-Jan-70 00:00:01 GMT", datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)),
            ("Sat, 01 Jan 2000 00:00:00 GMT+0100", datetime(2000, 1, 1, tzinfo=UTC)),
            ("Tue, 19 Jan 2038 03:14:08 GMT", datetime(2038, 1, 19, 3, 14, 8, tzinfo=UTC)),
            ("Mon, 01 Jan 1601 00:00:00 GMT", datetime(1601, 1, 1, tzinfo=UTC)),
            ("Fri, 31 Dec 9999 23:59:59 GMT", LATEST_EXPIRY),
            ("Thu, 29 Feb 2024 12:00:00 GMT", datetime(2024, 2, 29, 12, tzinfo=UTC)),
        ],
    )
    def test_valid(self, text: str, expected: datetime) -> None:
        """Dates in the forms servers send are read as UTC."""
        assert parse_cookie_date(text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "not a date",
            "Wed, 21 Oct 2015",
            "Wed, 30 Feb 2015 07:28:00 GMT",
            "Wed, 21 Oct 1600 07:28:00 GMT",
            "Wed, 21 Oct 2015 24:00:00 GMT",
            "Wed, 21 Oct 2015 07:60:00 GMT",
            "Wed, 32 Oct 2015 07:28:00 GMT",
            "Wed, 0 Oct 2015 07:28:00 GMT",
            "Wed, 21 Foo 2015 07:28:00 GMT",
            "Wed, 21 Oct 20155 07:28:00 GMT",
            "\u0661\u0662 Oct 2015 07:28:00",
        ],
    )
    def test_invalid(self, text: str) -> None:
        """Text missing a part, or with a part out of range, gives None."""
        assert parse_cookie_date(text) is None


class TestParseSetCookie:
    """Parsing ``Set-Cookie`` headers (RFC 6265 section 5.2)."""

    def parse(self, header: str, **kwargs: object) -> Cookie | None:
        """Parse ``header`` as set by ``www.example.com`` at ``SEEN``."""
        options: dict[str, object] = {"seen": SEEN, "request_host": "www.example.com"}
        options.update(kwargs)
        return parse_set_cookie(header, **options)  # type: ignore[arg-type]

    def test_full(self) -> None:
        """Every attribute is read into the cookie, with the entry and file given."""
        cookie = parse_set_cookie(
            "id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; HttpOnly;"
            " Domain=.Example.COM; Path=/docs; SameSite=Lax",
            seen=SEEN,
            request_host="www.example.com",
            entry=3,
            file="a.har",
        )
        assert cookie == Cookie(
            name="id",
            value="a3fWa",
            source="response",
            domain="example.com",
            host_only=False,
            path="/docs",
            expires=datetime(2015, 10, 21, 7, 28, tzinfo=UTC),
            secure=True,
            http_only=True,
            same_site="lax",
            seen=SEEN,
            entry=3,
            file="a.har",
        )

    def test_minimal(self) -> None:
        """Without attributes the cookie is a host-only session cookie of the request host."""
        assert self.parse("a=b", request_host="WWW.Example.com") == Cookie(
            name="a",
            value="b",
            source="response",
            domain="www.example.com",
            host_only=True,
            secure=False,
            http_only=False,
            seen=SEEN,
        )

    @pytest.mark.parametrize(
        ("header", "expected"),
        [
            ("a=b; Max-Age=60; Expires=Wed, 21 Oct 2015 07:28:00 GMT", SEEN + timedelta(minutes=1)),
            ("a=b; Expires=Wed, 21 Oct 2015 07:28:00 GMT; max-AGE=60", SEEN + timedelta(minutes=1)),
            ("a=b; Max-Age=0", EARLIEST_EXPIRY),
            ("a=b; Max-Age=-5; Expires=Wed, 21 Oct 2099 07:28:00 GMT", EARLIEST_EXPIRY),
            ("a=b; Max-Age=" + "9" * 30, LATEST_EXPIRY),
            ("a=b; Max-Age=-" + "9" * 30, EARLIEST_EXPIRY),
            ("a=b; Max-Age=1.5", None),
            ("a=b; Max-Age=+5", None),
            ("a=b; Max-Age=", None),
            ("a=b; Expires=soon", None),
            (
                "a=b; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Expires=junk",
                datetime(2015, 10, 21, 7, 28, tzinfo=UTC),
            ),
        ],
    )
    def test_expiry(self, header: str, expected: datetime | None) -> None:
        """Max-Age wins over Expires; invalid values are ignored."""
        cookie = self.parse(header)
        assert cookie is not None
        assert cookie.expires == expected

    def test_max_age_without_seen(self) -> None:
        """Without ``seen`` a positive Max-Age cannot be placed; Expires is used."""
        header = "a=b; Max-Age=60; Expires=Wed, 21 Oct 2015 07:28:00 GMT"
        cookie = self.parse(header, seen=None)
        assert cookie is not None
        assert cookie.expires == datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
        assert cookie.seen is None

    def test_naive_seen_is_utc(self) -> None:
        """A naive ``seen`` is taken as UTC."""
        cookie = self.parse("a=b; Max-Age=1", seen=datetime(2024, 1, 1))
        assert cookie is not None
        assert cookie.expires == SEEN + timedelta(seconds=1)

    def test_seen_in_other_zone(self) -> None:
        """An aware ``seen`` in another zone gives the same instant."""
        seen = datetime(2024, 1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
        cookie = self.parse("a=b; Max-Age=1", seen=seen)
        assert cookie is not None
        assert cookie.expires == SEEN + timedelta(seconds=1)
        assert cookie.expires.tzinfo is UTC

    @pytest.mark.parametrize(
        ("header", "domain", "host_only"),
        [
            ("a=b; Domain=example.com", "example.com", False),
            ("a=b; Domain=.EXAMPLE.com", "example.com", False),
            ("a=b; Domain=www.example.com", "www.example.com", False),
            ("a=b; Domain=", "www.example.com", True),
            ("a=b; Domain=.", "www.example.com", True),
        ],
    )
    def test_domain(self, header: str, domain: str, host_only: bool) -> None:
        """Domain loses its leading dot; an empty one leaves the cookie host-only."""
        cookie = self.parse(header)
        assert cookie is not None
        assert (cookie.domain, cookie.host_only) == (domain, host_only)

    @pytest.mark.parametrize(
        "header",
        ["a=b; Domain=other.com", "a=b; Domain=ample.com", "a=b; Domain=sub.www.example.com"],
    )
    def test_foreign_domain_is_ignored(self, header: str) -> None:
        """A Domain the request host does not domain-match is ignored, as browsers do."""
        assert self.parse(header) is None

    @pytest.mark.parametrize(
        ("header", "request_path", "path"),
        [
            ("a=b; Path=/docs", None, "/docs"),
            ("a=b; Path=/docs", "/x/y", "/docs"),
            ("a=b", None, None),
            ("a=b", "/x/y/z", "/x/y"),
            ("a=b", "/x", "/"),
            ("a=b", "", "/"),
            ("a=b", "x/y", "/"),
            ("a=b; Path=docs", "/x/y", "/x"),
            ("a=b; Path=", None, None),
        ],
    )
    def test_path(self, header: str, request_path: str | None, path: str | None) -> None:
        """Path must start with ``/``; otherwise the default path of the request is used."""
        cookie = self.parse(header, request_path=request_path)
        assert cookie is not None
        assert cookie.path == path

    @pytest.mark.parametrize(
        ("header", "same_site"),
        [
            ("a=b; SameSite=Strict", "strict"),
            ("a=b; samesite=LAX", "lax"),
            ("a=b; SameSite=None", "none"),
            ("a=b; SameSite=bogus", None),
            ("a=b; SameSite", None),
            ("a=b; SameSite=Lax; SameSite=Strict", "strict"),
            ("a=b; SameSite=Lax; SameSite=other", None),
        ],
    )
    def test_same_site(self, header: str, same_site: str | None) -> None:
        """SameSite is case-insensitive; unknown values mean unspecified; the last one wins."""
        cookie = self.parse(header)
        assert cookie is not None
        assert cookie.same_site == same_site

    @pytest.mark.parametrize(
        ("header", "name", "value"),
        [
            ("flag", "", "flag"),
            ("=value", "", "value"),
            ("name=", "name", ""),
            ("  a  =  b c  ; Secure", "a", "b c"),
            ('a="quoted"', "a", '"quoted"'),
            ("a=b=c", "a", "b=c"),
            ("a=b\r\n", "a", "b"),
            ("a=\tb", "a", "b"),
        ],
    )
    def test_name_value(self, header: str, name: str, value: str) -> None:
        """A pair without ``=`` has an empty name; spaces and tabs around are stripped."""
        cookie = self.parse(header)
        assert cookie is not None
        assert (cookie.name, cookie.value) == (name, value)

    @pytest.mark.parametrize(
        "header", ["", "   ", "=", " = ; Secure", "a=b\x00c", "a=b\nc=d", "a=\x7f"]
    )
    def test_ignored(self, header: str) -> None:
        """Empty pairs and control characters make the header ignored."""
        assert self.parse(header) is None

    def test_flags_case_insensitive(self) -> None:
        """Attribute names ignore case and their values."""
        cookie = self.parse("a=b; SECURE=no; httponly")
        assert cookie is not None
        assert (cookie.secure, cookie.http_only) == (True, True)


class TestParseCookieHeader:
    """Splitting request ``Cookie`` headers."""

    @pytest.mark.parametrize(
        ("header", "pairs"),
        [
            ("", ()),
            ("a=1", (("a", "1"),)),
            ("a=1; b=2", (("a", "1"), ("b", "2"))),
            (" a = 1 ;; b=2; ", (("a", "1"), ("b", "2"))),
            ("flag; a=", (("", "flag"), ("a", ""))),
            ('q="x y"; e=a=b', (("q", '"x y"'), ("e", "a=b"))),
            ("=v", (("", "v"),)),
        ],
    )
    def test_pairs(self, header: str, pairs: tuple[tuple[str, str], ...]) -> None:
        """Pairs are split on ``;`` and stripped; a bare value has an empty name."""
        assert parse_cookie_header(header) == pairs


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)
cookie_keys = st.sampled_from(
    [
        "name",
        "value",
        "domain",
        "path",
        "expires",
        "expiry",
        "expirationDate",
        "session",
        "secure",
        "httpOnly",
        "hostOnly",
        "sameSite",
    ]
)
cookie_like = st.dictionaries(cookie_keys, json_values, min_size=1)


@st.composite
def netscape_cookies(draw: st.DrawFn) -> Cookie:
    """Draw a cookie that a Netscape line can hold."""
    printable = st.characters(blacklist_categories=("Cc", "Cs"))
    seconds = draw(st.none() | st.integers(1, 253_402_214_400))
    return jar_cookie(
        name=draw(st.text(printable, max_size=10)),
        value=draw(st.text(printable, max_size=20)),
        domain=draw(st.from_regex(r"[a-z0-9-]{1,12}(\.[a-z0-9-]{1,8}){0,3}", fullmatch=True)),
        host_only=draw(st.booleans()),
        path=draw(st.from_regex(r"/[a-zA-Z0-9/._-]{0,12}", fullmatch=True)),
        expires=None if seconds is None else EARLIEST_EXPIRY + timedelta(seconds=seconds),
        secure=draw(st.booleans()),
        http_only=draw(st.booleans()),
        file="rt",
        line=2,
    )


@st.composite
def imf_fixdates(draw: st.DrawFn) -> str:
    """Draw text in the IMF-fixdate shape, with parts in and out of range."""
    weekday = draw(st.sampled_from(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]))
    month = draw(st.sampled_from(["Jan", "feb", "MAR", "Jun", "Sep", "Oct", "Dec", "Foo"]))
    day, year, hour, minute, second = (
        draw(st.integers(0, 99)),
        draw(st.integers(0, 9999)),
        draw(st.integers(0, 99)),
        draw(st.integers(0, 99)),
        draw(st.integers(0, 99)),
    )
    sep = draw(st.sampled_from([" ", "-"]))
    return (
        f"{weekday}, {day:02d}{sep}{month}{sep}{year:04d} {hour:02d}:{minute:02d}:{second:02d} GMT"
    )


class TestProperties:
    """Properties over arbitrary input."""

    @given(st.binary())
    def test_bytes_raise_only_tagsig_errors(self, data: bytes) -> None:
        """Arbitrary bytes give a jar or CookieJarError, nothing else."""
        for candidate in (data, b"SQLite format 3\x00" + data, gzip.compress(data)):
            with contextlib.suppress(CookieJarError):
                load_cookies(candidate)

    @given(
        json_values
        | st.lists(cookie_like)
        | st.fixed_dictionaries({"cookies": st.lists(cookie_like)})
    )
    def test_json_raises_only_tagsig_errors(self, document: object) -> None:
        """Arbitrary JSON gives a jar or CookieJarError, nothing else."""
        with contextlib.suppress(CookieJarError):
            jar = load_cookies(json.dumps(document).encode())
            assert all(isinstance(cookie.name, str) for cookie in jar)

    @given(st.text(), st.text(), st.none() | st.datetimes(timezones=st.just(UTC)))
    def test_set_cookie_never_raises(self, header: str, host: str, seen: datetime | None) -> None:
        """parse_set_cookie returns a cookie or None for any text."""
        cookie = parse_set_cookie(header, seen=seen, request_host=host, request_path=host)
        assert cookie is None or cookie.source == "response"

    @given(
        st.lists(
            st.sampled_from(
                [
                    "a=1",
                    "Max-Age=9999999999999",
                    "Max-Age=-1",
                    "Domain=x",
                    "Path=/",
                    "Expires=Fri, 31 Dec 9999 23:59:59 GMT",
                    "SameSite=Lax",
                    "Secure",
                ]
            )
        ),
        st.datetimes(timezones=st.just(UTC)),
    )
    def test_set_cookie_attributes_never_raise(self, parts: list[str], seen: datetime) -> None:
        """Extreme attribute combinations and times never raise."""
        parse_set_cookie("; ".join(["n=v", *parts]), seen=seen, request_host="x")

    @given(st.text())
    def test_cookie_date_never_raises(self, text: str) -> None:
        """parse_cookie_date returns an aware date or None for any text."""
        date = parse_cookie_date(text)
        assert date is None or date.tzinfo is UTC

    @given(st.text(alphabet=string.ascii_letters + string.digits + " :,-", max_size=40))
    def test_cookie_date_dense_never_raises(self, text: str) -> None:
        """Date-like text returns an aware date or None."""
        date = parse_cookie_date(text)
        assert date is None or EARLIEST_EXPIRY.replace(year=1601) <= date <= LATEST_EXPIRY

    @given(imf_fixdates())
    def test_common_form_matches_general_algorithm(self, text: str) -> None:
        """The fast path for IMF-fixdate agrees with the general algorithm."""
        # A zone other than "GMT" takes the general path; the zone is ignored either way.
        assert parse_cookie_date(text) == parse_cookie_date(text.replace("GMT", "UTC"))

    @given(st.text())
    def test_cookie_header_never_raises(self, text: str) -> None:
        """parse_cookie_header splits any text."""
        assert all(len(pair) == 2 for pair in parse_cookie_header(text))

    @given(st.data())
    def test_netscape_round_trip(self, data: st.DataObject) -> None:
        """A cookie written as a Netscape line reads back equal."""
        cookie = data.draw(netscape_cookies())
        assert cookie.domain is not None
        assert cookie.path is not None
        expires = cookie.expires
        fields = (
            ("" if cookie.host_only else ".") + cookie.domain,
            "FALSE" if cookie.host_only else "TRUE",
            cookie.path,
            "TRUE" if cookie.secure else "FALSE",
            "0" if expires is None else str(int((expires - EARLIEST_EXPIRY).total_seconds())),
            cookie.name,
            cookie.value,
        )
        line = ("#HttpOnly_" if cookie.http_only else "") + "\t".join(fields)
        jar = load_cookies(f"# Netscape HTTP Cookie File\n{line}\n".encode(), name="rt")
        assert jar.problems == ()
        assert jar.cookies == (cookie,)


def corpus_files() -> list[object]:
    """Return the corpus jars as test parameters (one skipped parameter when absent)."""
    if not CORPUS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no corpus at {CORPUS}"))]
    return [pytest.param(path, id=path.name) for path in sorted(CORPUS.iterdir())]


@pytest.mark.corpus
class TestCorpus:
    """Real jars of the shared corpus."""

    @pytest.mark.parametrize("path", corpus_files())
    def test_reads(self, path: Path) -> None:
        """Every corpus jar reads, with at least one cookie; only six-field lines are problems.

        Two jars hold lines of six fields (test_six_field_lines_are_reported).
        """
        jar = load_cookies(path)
        assert all("found 6: read as a cookie" in p.message for p in jar.problems)
        assert len(jar) >= 1
        assert all(c.domain and c.file == str(path) for c in jar)

    def test_malformed_youtube_dl_jar(self) -> None:
        """youtube-dl's malformed jar: a six-field line and a float expiry both read."""
        path = CORPUS / "ytdl-org__youtube-dl__test__testdata__cookies__malformed_cookies.txt"
        if not path.is_file():
            pytest.skip(f"no corpus file {path}")
        jar = load_cookies(path)
        assert [(c.name, c.value, c.expires, c.line) for c in jar] == [
            ("COOKIE", "", None, 6),
            ("COOKIE", "VALUE", LATEST_EXPIRY, 9),
        ]
        assert [p.line for p in jar.problems] == [6]

    def test_six_field_lines_are_reported(self) -> None:
        """Each six-field line of a real jar is a problem, with its line number."""
        found = {}
        for name in (
            "spacewander__quick__testdata__cookies.txt",
            "ytdl-org__youtube-dl__test__testdata__cookies__malformed_cookies.txt",
        ):
            path = CORPUS / name
            if not path.is_file():
                pytest.skip(f"no corpus file {path}")
            found[name] = [p.line for p in load_cookies(path).problems]
        assert found == {
            "spacewander__quick__testdata__cookies.txt": [6, 7, 8],
            "ytdl-org__youtube-dl__test__testdata__cookies__malformed_cookies.txt": [6],
        }

"""One reading of cookie expiries and SameSite values, for HAR captures and jars alike."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tagsig import load_har
from tagsig._inputs.cookies.jars import load_cookies
from tagsig._inputs.cookies.setcookie import LATEST_EXPIRY
from tagsig._inputs.cookies.values import expiry, expiry_from_epoch, same_site
from tagsig._inputs.models import Cookie

from .builders import entry, har

LAST_DAY = datetime(9999, 12, 31, tzinfo=UTC)


def har_cookie(record: dict[str, object]) -> tuple[Cookie | None, list[str]]:
    """Read ``record`` as the recorded cookies array of a HAR response."""
    document = json.loads(har(entry("https://www.example.com/")))
    document["log"]["entries"][0]["response"]["cookies"] = [record]
    capture = load_har(document, name="c.har")
    cookies = capture.entries[0].response_cookies
    return (cookies[0] if cookies else None), [str(p) for p in capture.problems]


def jar_cookie(record: dict[str, object]) -> tuple[Cookie | None, list[str]]:
    """Read ``record`` as the only cookie of a JSON jar."""
    jar = load_cookies(json.dumps([record]).encode(), name="j.json")
    return (jar.cookies[0] if jar.cookies else None), [str(p) for p in jar.problems]


class TestSameAnswer:
    """The HAR reader and the jar reader give one answer for one recorded value."""

    @pytest.mark.parametrize(
        ("key", "value", "expected"),
        [
            ("expires", 1_900_000_000_000, datetime(2030, 3, 17, 17, 46, 40, tzinfo=UTC)),
            ("expires", 1_900_000_000, datetime(2030, 3, 17, 17, 46, 40, tzinfo=UTC)),
            ("expires", 1_900_000_000.5, datetime(2030, 3, 17, 17, 46, 40, 500000, tzinfo=UTC)),
            (
                "expires",
                "Sun, 17 Mar 2030 17:46:40 GMT",
                datetime(2030, 3, 17, 17, 46, 40, tzinfo=UTC),
            ),
            ("expires", "2030-03-17T17:46:40.000Z", datetime(2030, 3, 17, 17, 46, 40, tzinfo=UTC)),
            ("expires", "1900000000", datetime(2030, 3, 17, 17, 46, 40, tzinfo=UTC)),
            ("expires", 253402214401, datetime(9999, 12, 31, 0, 0, 1, tzinfo=UTC)),
            ("expires", 253402300799, LATEST_EXPIRY),
            ("expires", "Fri, 31 Dec 9999 23:59:59 GMT", LATEST_EXPIRY),
            ("expires", 10**30, LATEST_EXPIRY),
            ("expires", -1, None),
            ("expires", 0, None),
            ("expires", "", None),
            ("sameSite", "no_restriction", "none"),
            ("sameSite", "None", "none"),
            ("sameSite", "LAX", "lax"),
            ("sameSite", "Strict", "strict"),
            ("sameSite", "unspecified", None),
            ("sameSite", "", None),
            ("secure", True, True),
            ("secure", "TRUE", True),
            ("secure", 0, False),
            ("httpOnly", "false", False),
            ("httpOnly", 1, True),
        ],
    )
    def test_value(self, key: str, value: object, expected: object) -> None:
        """Milliseconds, seconds, dates, flags and extension-API names read the same in both."""
        record = {"name": "a", "value": "1", "domain": "example.com", key: value}
        from_har, har_problems = har_cookie(record)
        from_jar, jar_problems = jar_cookie(record)
        assert from_har is not None
        assert from_jar is not None
        field = {"sameSite": "same_site", "httpOnly": "http_only"}.get(key, key)
        assert getattr(from_har, field) == getattr(from_jar, field) == expected
        assert har_problems == jar_problems == []

    @pytest.mark.parametrize(
        ("key", "value", "message"),
        [
            (
                "expires",
                "next tuesday",
                "expected 'expires' to be seconds since 1970 or a date, found 'next tuesday'",
            ),
            (
                "sameSite",
                "sometimes",
                "expected 'sameSite' to be Strict, Lax, None, no_restriction or unspecified, "
                "found 'sometimes'",
            ),
            ("secure", "maybe", "expected 'secure' to be true or false, found 'maybe'"),
            ("httpOnly", "on", "expected 'httpOnly' to be true or false, found 'on'"),
        ],
    )
    def test_unreadable_value_is_a_problem(self, key: str, value: object, message: str) -> None:
        """A value neither reader can read is a problem in both, never dropped silently.

        The HAR keeps the cookie without that member, as it does for any member the
        analysis can do without; the jar skips the record, as it does for any damage.
        """
        record: dict[str, object] = {"name": "a", "value": "1", key: value}
        from_har, har_problems = har_cookie(record)
        from_jar, jar_problems = jar_cookie(record)
        assert from_har is not None
        assert har_problems == [
            f"c.har#/log/entries/0/response/cookies/0/{key}: member ignored: {message}"
        ]
        assert from_jar is None
        assert jar_problems == [f"j.json#/0/{key}: {message}"]

    def test_nameless_recorded_cookie(self) -> None:
        """A recorded cookie with a value and no name is a nameless cookie, not dropped."""
        cookie, problems = har_cookie({"name": "", "value": "flag"})
        assert cookie is not None
        assert (cookie.name, cookie.value, problems) == ("", "flag", [])

    def test_empty_recorded_cookie_is_a_problem(self) -> None:
        """A recorded cookie with neither name nor value is skipped, with a problem."""
        cookie, problems = har_cookie({"name": "", "value": ""})
        assert cookie is None
        assert problems == [
            "c.har#/log/entries/0/response/cookies/0: cookie skipped: expected "
            "a name or a value, found neither"
        ]

    def test_request_cookie_pointer(self) -> None:
        """A request cookie's damaged member points into the request."""
        document = json.loads(har(entry("https://www.example.com/")))
        document["log"]["entries"][0]["request"]["cookies"] = [
            {"name": "a", "value": "1", "sameSite": "odd"}
        ]
        capture = load_har(document, name="c.har")
        assert [p.pointer for p in capture.problems] == [
            "/log/entries/0/request/cookies/0/sameSite"
        ]
        assert [c.name for c in capture.entries[0].request_cookies] == ["a"]


class TestLastDayOf9999:
    """The last day of year 9999, a common "never", is seconds in every jar format."""

    @pytest.mark.parametrize("seconds", [253402214401, 253402257600, 253402300799])
    def test_netscape(self, seconds: int) -> None:
        """A Netscape jar reads the last day of 9999 as seconds, not as 1978."""
        line = f"example.com\tTRUE\t/\tFALSE\t{seconds}\ta\tb\n".encode()
        (cookie,) = load_cookies(line)
        assert cookie.expires is not None
        assert cookie.expires.date() == LAST_DAY.date()

    @pytest.mark.parametrize("seconds", [253402214401, 253402300799])
    def test_json(self, seconds: int) -> None:
        """A JSON jar does too, for every key producers use."""
        for key in ("expires", "expirationDate", "expiry"):
            (cookie,) = load_cookies(json.dumps([{"name": "a", key: seconds}]).encode())
            assert cookie.expires is not None
            assert cookie.expires.date() == LAST_DAY.date()

    def test_firefox(self, tmp_path: Path) -> None:
        """And a Firefox database."""
        path = tmp_path / "cookies.sqlite"
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE moz_cookies (name, value, host, path, expiry)")
            connection.execute(
                "INSERT INTO moz_cookies VALUES ('a', 'b', '.example.com', '/', 253402300799)"
            )
        connection.close()
        (cookie,) = load_cookies(path)
        assert cookie.expires == LATEST_EXPIRY

    def test_first_millisecond_value(self) -> None:
        """One second past the end of 9999 is milliseconds: early 1978."""
        found = expiry_from_epoch(253402300800)
        assert found is not None
        assert found.year == 1978


class TestProperties:
    """The normaliser reads what it can and refuses the rest with ``ValueError``."""

    @given(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(),
            st.text(),
            st.lists(st.integers(), max_size=2),
        )
    )
    def test_expiry_raises_only_value_error(self, value: object) -> None:
        """Any JSON value gives a date in range, a session, or ``ValueError``."""
        try:
            found = expiry(value)
        except ValueError:
            return
        assert found is None or found <= LATEST_EXPIRY

    @given(st.one_of(st.none(), st.booleans(), st.integers(), st.text()))
    def test_same_site_raises_only_value_error(self, value: object) -> None:
        """Any JSON value gives a SameSite value, unspecified, or ``ValueError``."""
        try:
            found = same_site(value)
        except ValueError:
            return
        assert found in {"strict", "lax", "none", None}

    @given(st.integers(min_value=1, max_value=253402300799))
    def test_seconds_round_trip(self, seconds: int) -> None:
        """Every positive number of seconds up to the end of 9999 reads as seconds."""
        found = expiry_from_epoch(seconds)
        assert found is not None
        assert found.timestamp() == seconds

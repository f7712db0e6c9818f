"""Reference cookie suites run through tagsig's parsers.

The suites are http-state, web-platform-tests, curl and yt-dlp: vectors in
``fixtures/suites``, their provenance in its README, their licences in ``licenses/``.

tagsig parses single cookies; the suites check what a browser then sends back, which also
depends on a cookie store (replacing a cookie of the same name, domain and path, dropping
expired ones, matching domain and path, ordering). The small store below does those steps of
RFC 6265 sections 5.3 and 5.4 so that the suites' answers can be compared; it is test code,
not a model of tagsig's. Each suite names every vector where tagsig's answer differs, with
the reason, and the test fails when the set of disagreements changes either way.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tagsig._inputs.cookies.jars import load_cookies
from tagsig._inputs.cookies.setcookie import parse_cookie_date, read_set_cookie
from tagsig._inputs.models import Cookie
from tagsig._inputs.url import parse_url

SUITES = Path(__file__).resolve().parent / "fixtures" / "suites"
# A fixed clock before every date the vectors mean as the future (the http-state suite was
# written in 2011 with expiries in 2019).
NOW = datetime(2011, 4, 27, tzinfo=UTC)


def load(path: str) -> dict[str, object]:
    """Return a suite file, which must exist."""
    file = SUITES / path
    assert file.is_file(), f"missing suite file {file}"
    document: dict[str, object] = json.loads(file.read_text(encoding="utf-8"))
    return document


def vectors(path: str) -> list[dict[str, object]]:
    """Return the vectors of a suite file."""
    found = load(path)["vectors"]
    assert isinstance(found, list)
    return found


def texts(value: object) -> list[str]:
    """Return a list of strings of a suite file, checking that it is one."""
    assert isinstance(value, list)
    assert all(isinstance(item, str) for item in value)
    return [str(item) for item in value]


class Store:
    """The store steps of RFC 6265 sections 5.3 and 5.4 around tagsig's parser."""

    def __init__(self) -> None:
        self.cookies: dict[tuple[str, str | None, str | None], tuple[Cookie, int]] = {}
        self.created = 0

    def receive(self, header: str, url: str) -> None:
        """Store the cookie of one ``Set-Cookie`` header received from ``url``."""
        # An LF ends a header line in HTTP: what follows is no part of this header.
        line = header.split("\n", 1)[0]
        request = parse_url(url)
        cookie = read_set_cookie(
            line,
            seen=NOW,
            request_host=request.host,
            request_path=request.path,
            request_scheme=request.scheme,
        )
        if isinstance(cookie, str):
            return
        key = (cookie.name, cookie.domain, cookie.path)
        old = self.cookies.pop(key, None)
        if cookie.expires is not None and cookie.expires <= NOW:
            return
        self.created += 1
        self.cookies[key] = (cookie, old[1] if old else self.created)

    def send(self, url: str) -> str:
        """Return the ``Cookie`` header sent to ``url`` ('' when none)."""
        request = parse_url(url)
        secure = request.scheme in {"https", "wss"}
        chosen = sorted(
            (
                (cookie, created)
                for cookie, created in self.cookies.values()
                if _domain_match(request.host, cookie)
                and _path_match(request.path, cookie.path)
                and (secure or not cookie.secure)
            ),
            key=lambda item: (-len(item[0].path or ""), item[1]),
        )
        return "; ".join(f"{c.name}={c.value}" if c.name else c.value for c, _ in chosen)


def _domain_match(host: str, cookie: Cookie) -> bool:
    if cookie.host_only or host == cookie.domain:
        return host == cookie.domain
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host.endswith(f".{cookie.domain}")
    return False


def _path_match(path: str, cookie_path: str | None) -> bool:
    wanted = cookie_path or "/"
    if path == wanted:
        return True
    return path.startswith(wanted) and (wanted.endswith("/") or path[len(wanted)] == "/")


def disagreements(results: Iterator[tuple[str, bool]]) -> tuple[int, set[str]]:
    """Return how many vectors ran and the ids of those that disagreed."""
    ran = 0
    differ: set[str] = set()
    for vector_id, agreed in results:
        ran += 1
        if not agreed:
            differ.add(vector_id)
    return ran, differ


# --------------------------------------------------------------------------- http-state

NAMELESS = (
    "a Set-Cookie without `=` (or with an empty name) is a nameless cookie: RFC 6265 (2011) "
    "ignored it, RFC 6265bis section 5.6 step 3 keeps it, as browsers and web-platform-tests "
    "(cookies/value/value.html, kept in agreement above) do"
)
HTTP_STATE_DISAGREE = {
    **dict.fromkeys(
        [
            "0004",
            "0021",
            "0023",
            "0024",
            "0025",
            "0026",
            "0027",
            "0028",
            "chromium0009",
            "chromium0010",
            "chromium0012",
            "mozilla0012",
            "mozilla0014",
            "mozilla0015",
            "mozilla0016",
            "mozilla0017",
            "name0017",
            "name0023",
            "name0025",
            "name0028",
            "name0031",
            "name0032",
            "name0033",
        ],
        NAMELESS,
    ),
    "disabled-chromium0022": "disabled in the suite: a NUL inside the line; RFC 6265bis section "
    "5.6 ignores a line holding a control character, rather than "
    "cutting it there",
    "disabled-chromium0023": "disabled in the suite: a CR inside the line, ignored as "
    "RFC 6265bis section 5.6 says, as for the NUL above",
    "disabled-path0029": "disabled in the suite: the request path `/cookie-parser-result/f%6Fo` "
    "is not percent-decoded before path-matching (RFC 6265 section 5.1.4)",
}


def http_state_results() -> Iterator[tuple[str, bool]]:
    """Yield each http-state parser vector's id and whether tagsig's answer agrees."""
    for vector in vectors("http-state/parser.json"):
        vector_id = str(vector["id"])
        store = Store()
        for header in texts(vector["set-cookie"]):
            store.receive(header, f"http://home.example.org:8888/cookie-parser?{vector_id}")
        location = vector["location"] or f"/cookie-parser-result?{vector_id}"
        target = (
            f"http://home.example.org:8888{location}"
            if str(location).startswith("/")
            else str(location)
        )
        yield vector_id, store.send(target) == vector["cookie"]


DATE_DISAGREE: dict[str, str] = {}


def date_results() -> Iterator[tuple[str, bool]]:
    """Yield each date example and whether tagsig reads it as the suite expects."""
    for vector in vectors("http-state/dates.json"):
        found = parse_cookie_date(str(vector["test"]))
        text = found.strftime("%a, %d %b %Y %H:%M:%S GMT") if found else None
        yield str(vector["test"]), text == vector["expected"]


# --------------------------------------------------------------------------- WPT

WPT_DISAGREE: dict[str, str] = {}


def wpt_results() -> Iterator[tuple[str, bool]]:
    """Yield each web-platform-tests vector's file and name and whether tagsig agrees."""
    for vector in vectors("wpt/cookies.json"):
        store = Store()
        for header in texts(vector["set-cookie"]):
            store.receive(header, str(vector["set-url"]))
        yield (
            f"{vector['file']}: {vector['name']}",
            store.send(str(vector["read-url"])) == vector["cookie"],
        )


# --------------------------------------------------------------------------- curl, yt-dlp


def _jar_rows(path: Path) -> list[tuple[int, tuple[object, ...]]]:
    """Read a Netscape jar as curl writes it: one cookie a line, seven tab-separated fields."""
    rows: list[tuple[int, tuple[object, ...]]] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        http_only = raw.startswith("#HttpOnly_")
        line = raw.removeprefix("#HttpOnly_")
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 7:
            rows.append((number, ("damaged", len(fields))))
            continue
        domain, subdomains, cookie_path, secure, expiry, name, value = fields
        rows.append(
            (
                number,
                (
                    domain.removeprefix(".").lower(),
                    subdomains == "FALSE",
                    cookie_path,
                    secure == "TRUE",
                    None if int(expiry or 0) <= 0 else int(expiry),
                    name,
                    value,
                    http_only,
                ),
            )
        )
    return rows


def _tagsig_row(cookie: Cookie) -> tuple[object, ...]:
    expiry = None if cookie.expires is None else round(cookie.expires.timestamp())
    return (
        cookie.domain,
        cookie.host_only,
        cookie.path,
        cookie.secure,
        expiry,
        cookie.name,
        cookie.value,
        cookie.http_only,
    )


CURL_JAR_DISAGREE: dict[str, str] = {}


def curl_jar_results() -> Iterator[tuple[str, bool]]:
    """Yield each cookie line of curl's test jars and whether tagsig reads it as curl does."""
    for path in sorted((SUITES / "curl").glob("*.txt")):
        jar = load_cookies(path)
        read = {cookie.line: _tagsig_row(cookie) for cookie in jar}
        for number, expected in _jar_rows(path):
            yield f"{path.name}:{number}", read.get(number) == expected


TRAILING_SLASH = (
    "curl removes a trailing `/` from the Path attribute (`/silly/` becomes `/silly`); "
    "RFC 6265 section 5.2.4 keeps the attribute value as sent, as tagsig does"
)
CURL_SET_COOKIE_DISAGREE = {
    "test31: ": "`nodomainnovalue` has no `=`: curl ignores it as RFC 6265 did; tagsig keeps a "
    "nameless cookie, as RFC 6265bis section 5.6 step 3 says",
    **{
        f"test31: {name}": TRAILING_SLASH
        for name in [
            "ISMATCH",
            "ismatch",
            "httpo1",
            "httpo2",
            "httpo3",
            "httpo4",
            "httponly",
            "magic",
        ]
    },
    "test31: overwrite": TRAILING_SLASH + "; so curl takes `/overwrite/` and `/overwrite` for "
    "one cookie and keeps the second, where tagsig keeps two cookies",
    **dict.fromkeys(
        [f"test444: cookie-{n}" for n in range(51, 81)],
        "curl accepts at most 50 Set-Cookie headers in one response (a limit of its own); "
        "RFC 6265 sets none and tagsig reads all 80",
    ),
    **dict.fromkeys(
        ["test1105: foo\tbar", "test1105: bar\tfoo", "test1105: bar"],
        "a tab inside the name or value: curl refuses the cookie; RFC 6265bis section 5.6 "
        "refuses control characters other than the tab, and tagsig keeps it",
    ),
    "test1105: mismatch": '`path="/silly/"`: curl removes the quotes (and the trailing `/`); '
    "RFC 6265 section 5.2.4 takes a value not starting with `/` as no "
    "Path, so the default path `/we/want` applies",
    "test483: name4": "an Expires value of about 100 characters: curl ignores it as longer "
    "than its own limit and keeps a session cookie; RFC 6265bis ignores only "
    "values over 1024 octets, and the date parses (2132)",
}


def _comparable(row: tuple[object, ...]) -> str:
    # curl's jar writes 0 for a session cookie and the expiry otherwise (capped at 400 days
    # from now): compare whether there is one.
    return repr((*row[:4], row[4] is not None, *row[5:]))


def curl_set_cookie_results() -> Iterator[tuple[str, bool]]:
    """Yield each cookie name of curl's tests and whether tagsig stores it as curl does.

    Each case is one response's ``Set-Cookie`` headers and the jar curl writes from them;
    there is one vector per cookie name the server sends.
    """
    cases = load("curl/set-cookie.json")["cases"]
    assert isinstance(cases, list)
    for case in cases:
        store = Store()
        headers = texts(case["set-cookie"])
        for header in headers:
            store.receive(header, str(case["request"]))
        ours: dict[str, list[str]] = {}
        for cookie, _ in store.cookies.values():
            ours.setdefault(cookie.name, []).append(_comparable(_tagsig_row(cookie)))
        theirs: dict[str, list[str]] = {}
        for _, row in _jar_rows(SUITES / "curl" / str(case["jar"])):
            theirs.setdefault(str(row[5]), []).append(_comparable(row))
        pairs = [header.split(";", 1)[0] for header in headers]
        sent = {pair.partition("=")[0].strip(" \t") if "=" in pair else "" for pair in pairs}
        for name in sorted(sent | ours.keys() | theirs.keys()):
            yield (
                f"test{case['test']}: {name}",
                sorted(ours.get(name, [])) == sorted(theirs.get(name, [])),
            )


YT_DLP_DISAGREE = {
    "malformed_cookies.txt:6": "a line of six fields: yt-dlp skips it; tagsig reads it with an "
    "empty value, as curl does, and reports it as a problem",
    "malformed_cookies.txt:9": "an expiry of 1.8e308 seconds: yt-dlp skips the line; tagsig "
    "keeps the cookie and clamps its expiry to the end of year 9999",
}


def yt_dlp_results() -> Iterator[tuple[str, bool]]:
    """Yield each cookie line of yt-dlp's test jars and whether tagsig agrees with yt-dlp.

    yt-dlp's own tests (test/test_YoutubeDLCookieJar.py) say: both cookies of
    ``httponly_cookies.txt`` load with their values, both of ``session_cookies.txt`` are
    session cookies, and every entry of ``malformed_cookies.txt`` is ignored.
    """
    expected: dict[tuple[str, int], tuple[str, str, bool] | None] = {
        ("httponly_cookies.txt", 5): ("HTTPONLY_COOKIE", "HTTPONLY_COOKIE_VALUE", False),
        ("httponly_cookies.txt", 6): ("JS_ACCESSIBLE_COOKIE", "JS_ACCESSIBLE_COOKIE_VALUE", False),
        ("session_cookies.txt", 5): ("YoutubeDLExpiresEmpty", "YoutubeDLExpiresEmptyValue", True),
        ("session_cookies.txt", 6): ("YoutubeDLExpires0", "YoutubeDLExpires0Value", True),
        ("malformed_cookies.txt", 6): None,
        ("malformed_cookies.txt", 9): None,
    }
    for (name, line), want in expected.items():
        jar = load_cookies(SUITES / "yt-dlp" / name)
        found = [(c.name, c.value, c.is_session) for c in jar if c.line == line]
        yield f"{name}:{line}", found == ([] if want is None else [want])


SUITE_RESULTS = {
    "http-state parser": (http_state_results, HTTP_STATE_DISAGREE),
    "http-state dates": (date_results, DATE_DISAGREE),
    "web-platform-tests": (wpt_results, WPT_DISAGREE),
    "curl jars": (curl_jar_results, CURL_JAR_DISAGREE),
    "curl Set-Cookie to jar": (curl_set_cookie_results, CURL_SET_COOKIE_DISAGREE),
    "yt-dlp jars": (yt_dlp_results, YT_DLP_DISAGREE),
}


@pytest.mark.parametrize("suite", sorted(SUITE_RESULTS))
def test_suite_disagreements_are_the_named_ones(suite: str) -> None:
    """Every vector runs; exactly the named vectors disagree, each for its stated reason."""
    run, known = SUITE_RESULTS[suite]
    ran, differ = disagreements(run())
    assert ran > 0
    assert sorted(differ) == sorted(known)

"""Tests of attribution: requests, initiator chains, cookies and unknown third parties."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest
from attrs import evolve

from tagsig import (
    SignatureDB,
    load_cookies,
    load_har,
    load_signatures,
    parse_url,
)
from tagsig._audit.attribute import _parents, attribute
from tagsig.engine import Attribution, Matcher

from .builders import entry, har, parser_initiator, script_initiator

Asset = Callable[[str], Path]
PAGE = "https://www.shop.example/"


@pytest.fixture(scope="module")
def db() -> SignatureDB:
    """Return the small signature database the attribution tests use."""
    path = Path(__file__).parent / "fixtures" / "signatures" / "attribution.json"
    return load_signatures(path, bundled=False)


def _attribution(
    db: SignatureDB,
    *entries: dict[str, object],
    jar: bytes | None = None,
    first_party: tuple[str, ...] = (),
) -> Attribution:
    capture = load_har(har(*entries))
    jars = [load_cookies(jar)] if jar is not None else []
    return attribute([capture], jars, Matcher.compile(db), first_party)


def _tags(attribution: Attribution) -> list[str | None]:
    return [a.signature.id if a.signature else None for a in attribution.entries]


class TestRequests:
    """Requests are attributed by URL pattern, then host."""

    def test_host_and_url_pattern(self, db: SignatureDB) -> None:
        """A URL pattern wins over the host; a host suffix covers subdomains."""
        result = _attribution(
            db,
            entry(PAGE),
            entry("https://cdn.tagmgr.example/tm.js"),
            entry("https://www.bigco.example/tr?id=1"),
            entry("https://www.bigco.example/search?q=x"),
            entry("https://pixel.example/p.gif"),
        )
        assert _tags(result) == [None, "tagmgr", "pixel", "bigco", "pixel"]

    def test_public_suffix_hosts_are_not_the_platform(self, db: SignatureDB) -> None:
        """An exact host pattern does not claim its siblings under a private suffix."""
        result = _attribution(
            db,
            entry(PAGE),
            entry("https://pages.example.io/a.js"),
            entry("https://someone.example.io/b.js"),
        )
        assert _tags(result) == [None, "hosting", None]

    def test_bundled_database_is_psl_correct(self) -> None:
        """foo.github.io is not GitHub's, though github.com is."""
        matcher = Matcher.compile(load_signatures())
        found = matcher.match_url(parse_url("https://foo.github.io/x.js"))
        assert found is None or "github" not in found.id

    def test_third_party_flag(self, db: SignatureDB) -> None:
        """Requests outside the first document's registrable domain are third party."""
        result = _attribution(
            db,
            entry(PAGE),
            entry("https://img.shop.example/a.png"),
            entry("https://cdn.tagmgr.example/tm.js"),
        )
        assert [a.third_party for a in result.entries] == [False, False, True]
        assert result.first_party == (frozenset({"shop.example"}),)

    def test_third_party_whatever_came_first(self, db: SignatureDB) -> None:
        """A request that is no network request does not decide for its host."""
        result = _attribution(
            db,
            entry(PAGE),
            entry("ftp://cdn.tagmgr.example/tm.js"),
            entry("https://cdn.tagmgr.example/tm.js"),
        )
        assert [a.third_party for a in result.entries] == [False, False, True]


class TestInitiators:
    """Who loaded whom."""

    def test_loaded_by_through_script_stack(self, db: SignatureDB) -> None:
        """A tag whose first script was requested from another tag's script is loaded by it."""
        result = _attribution(
            db,
            entry(PAGE),
            entry("https://cdn.tagmgr.example/tm.js", initiator=parser_initiator(PAGE)),
            entry(
                "https://js.pixel.example/px.js",
                initiator=script_initiator("https://cdn.tagmgr.example/tm.js"),
            ),
            entry(
                "https://t.pixel.example/hit",
                initiator=script_initiator(
                    "https://js.pixel.example/px.js", "https://cdn.tagmgr.example/tm.js"
                ),
            ),
        )
        assert result.loaded_by("pixel") == "tagmgr"
        assert result.loaded_by("tagmgr") is None
        # The pixel's own hit is caused by the pixel itself, then the tag manager.
        assert result.entries[3].initiated_by == "tagmgr"

    def test_unknown_host_initiated_through_unknown_chain(self, db: SignatureDB) -> None:
        """An unknown host loaded by another unknown host loaded by a tag traces to the tag."""
        result = _attribution(
            db,
            entry(PAGE),
            entry("https://cdn.tagmgr.example/tm.js", initiator=parser_initiator(PAGE)),
            entry(
                "https://x.unknown-one.example/a.js",
                initiator=script_initiator("https://cdn.tagmgr.example/tm.js"),
            ),
            entry(
                "https://y.unknown-two.example/b.gif",
                initiator=script_initiator("https://x.unknown-one.example/a.js"),
            ),
        )
        assert [a.initiated_by for a in result.entries] == [None, None, "tagmgr", "tagmgr"]

    def test_unknown_chain_followed_up_to_a_bound(self, db: SignatureDB) -> None:
        """A chain of unknown hosts traces to the tag for 32 links, then to nothing.

        A request with several unknown scripts on its stack follows the first.
        """
        tag = "https://cdn.tagmgr.example/tm.js"
        chain = [f"https://x.unknown{n}.example/{n}.js" for n in range(40)]
        result = _attribution(
            db,
            entry(PAGE),
            entry(tag, initiator=parser_initiator(PAGE)),
            *(
                entry(url, initiator=script_initiator(cause))
                for cause, url in zip([tag, *chain], chain, strict=False)
            ),
            entry("https://y.unknown.example/b.gif", initiator=script_initiator(*chain[:2])),
        )
        assert [a.initiated_by for a in result.entries] == [
            None,
            None,
            *["tagmgr"] * 32,
            *[None] * 8,
            "tagmgr",
        ]

    def test_redirect_and_referer(self, db: SignatureDB) -> None:
        """Redirects from a tag, and Referer as a last resort, give the initiating tag."""
        result = _attribution(
            db,
            entry(PAGE),
            entry(
                "https://t.pixel.example/sync",
                status=302,
                redirect="https://match.unknown.example/sync?id=1",
            ),
            entry("https://match.unknown.example/sync?id=1"),
            entry(
                "https://frame.unknown.example/ad.html",
                request_headers={"Referer": "https://ads.pixel.example/frame.html"},
            ),
        )
        assert [a.initiated_by for a in result.entries] == [None, None, "pixel", "pixel"]

    def test_causes_nearest_first(self) -> None:
        """Causes run initiator, its stack (no repeats), redirect; Referer only alone."""
        capture = load_har(
            har(
                entry("https://a.unknown.example/a.js", redirect="https://c.unknown.example/c"),
                entry(
                    "https://c.unknown.example/c",
                    initiator={
                        "type": "script",
                        "url": "https://a.unknown.example/a.js",
                        "stack": script_initiator(
                            "https://a.unknown.example/a.js", "https://b.unknown.example/b.js"
                        )["stack"],
                    },
                    request_headers={"Referer": PAGE},
                ),
                entry("https://d.unknown.example/d", request_headers={"Referer": PAGE}),
            )
        )
        redirected_from = {"https://c.unknown.example/c": capture.entries[0]}
        assert [_parents(e, redirected_from) for e in capture.entries[1:]] == [
            (
                "https://a.unknown.example/a.js",
                "https://b.unknown.example/b.js",
                "https://a.unknown.example/a.js",
            ),
            (PAGE,),
        ]

    def test_first_party_script_stops_the_chain(self, db: SignatureDB) -> None:
        """A request caused by the site's own script has no initiating tag."""
        result = _attribution(
            db,
            entry(PAGE),
            entry(
                "https://x.unknown.example/a.js",
                initiator=script_initiator(
                    "https://www.shop.example/app.js", "https://cdn.tagmgr.example/tm.js"
                ),
            ),
        )
        assert result.entries[1].initiated_by is None

    def test_cycles_terminate(self, db: SignatureDB) -> None:
        """Initiator cycles in damaged captures end without a tag."""
        result = _attribution(
            db,
            entry(PAGE),
            entry(
                "https://a.unknown.example/a.js",
                initiator=script_initiator("https://b.unknown.example/b.js"),
            ),
            entry(
                "https://b.unknown.example/b.js",
                initiator=script_initiator("https://a.unknown.example/a.js"),
            ),
        )
        assert [a.initiated_by for a in result.entries] == [None, None, None]


class TestCookies:
    """Cookies are tied to tags by name, by the response that set them, or by host."""

    def test_by_name_response_and_host(self, db: SignatureDB) -> None:
        """Each way of tying a cookie to a tag is recorded with its evidence."""
        result = _attribution(
            db,
            entry(PAGE, request_headers={"Cookie": "_px=1; session=abc"}),
            entry(
                "https://t.pixel.example/hit",
                response_headers=[
                    ("Set-Cookie", "uid=9; Max-Age=86400; Secure"),
                    ("Set-Cookie", "px_id_42=7; Max-Age=172800"),
                ],
            ),
            entry("https://www.bigco.example/search", request_headers={"Cookie": "NID=5"}),
        )
        found = {(c.cookie.name, c.signature.id, c.by, c.third_party) for c in result.cookies}
        assert found == {
            ("_px", "pixel", "name", False),
            ("uid", "pixel", "response", True),
            ("px_id_42", "pixel", "response", True),
            ("NID", "bigco", "domain", True),
        }
        assert {c.cookie.name: c.evidence for c in result.cookies}["NID"] == "host"
        lifetimes = {c.cookie.name: c.lifetime_days for c in result.cookies}
        assert lifetimes["uid"] == 1.0
        assert lifetimes["px_id_42"] == 2.0
        assert lifetimes["_px"] is None  # sent in a request: no expiry known

    def test_every_observation_in_order(self, db: SignatureDB) -> None:
        """A cookie sent with many requests is an observation each time, in entry order."""
        result = _attribution(
            db,
            entry(PAGE),
            *(
                entry(
                    f"https://www.bigco.example/search?q={n}",
                    request_headers={"Cookie": "NID=5; _px=1"},
                    response_headers={"Set-Cookie": f"uid={n}"},
                )
                for n in range(3)
            ),
        )
        assert [(c.cookie.entry, c.cookie.name, c.signature.id, c.by) for c in result.cookies] == [
            (n, name, "bigco", by)
            for n in (1, 2, 3)
            for name, by in (("NID", "domain"), ("_px", "domain"), ("uid", "response"))
        ]

    def test_cookies_of_traffic_that_is_no_tag_are_not_attributed(self, db: SignatureDB) -> None:
        """A certificate check carrying cookies a present tag's pattern names gives them no tag."""
        result = _attribution(
            db,
            entry(PAGE),
            entry("https://t.pixel.example/hit"),
            entry(
                "http://ocsp.digicert.com/MFEwTzBN",
                mime="application/ocsp-response",
                request_headers={"Cookie": "_px=1"},
                response_headers={"Set-Cookie": "px_id_42=7; Max-Age=86400"},
            ),
        )
        assert [a.no_tag for a in result.entries] == [None, None, "certificate-check"]
        assert result.cookies == ()

    def test_lifetime_counts_from_when_the_cookie_was_seen(self, db: SignatureDB) -> None:
        """A set cookie's lifetime runs from when it was seen, when that is recorded."""
        capture = load_har(
            har(
                entry(PAGE),
                entry(
                    "https://t.pixel.example/hit",
                    response_headers={"Set-Cookie": "uid=9; Expires=Sat, 11 May 2024 10:00:00 GMT"},
                ),
            )
        )
        hit = capture.entries[1]
        later = msgspec.structs.replace(
            hit.response_cookies[0], seen=datetime(2024, 5, 3, 10, tzinfo=UTC)
        )
        unseen = msgspec.structs.replace(hit.response_cookies[0], seen=None)
        lifetimes = []
        for cookie in (hit.response_cookies[0], later, unseen):
            changed = evolve(
                capture,
                entries=(
                    capture.entries[0],
                    msgspec.structs.replace(hit, response_cookies=(cookie,)),
                ),
            )
            found = attribute([changed], [], Matcher.compile(db), ()).cookies
            lifetimes.append(found[0].lifetime_days)
        # Seen when the request started (1 May, 10:00), two days later, and not recorded:
        # then the request's start stands in.
        assert lifetimes == [10.0, 8.0, 10.0]

    def test_first_party_cookie_without_signature_is_not_attributed(self, db: SignatureDB) -> None:
        """The site's own cookies stay unattributed."""
        result = _attribution(
            db,
            entry(
                PAGE,
                request_headers={"Cookie": "session=abc"},
                response_headers={"Set-Cookie": "cart=1"},
            ),
        )
        assert result.cookies == ()

    def test_jar_cookies(self, db: SignatureDB) -> None:
        """Jar cookies match by name, or by a third-party tag domain."""
        jar = (
            b"# Netscape HTTP Cookie File\n"
            b".shop.example\tTRUE\t/\tFALSE\t1735725600\t_px\t1\n"
            b".pixel.example\tTRUE\t/\tTRUE\t1735725600\tother\t2\n"
            b".shop.example\tTRUE\t/\tFALSE\t1735725600\tsession\t3\n"
        )
        result = _attribution(db, entry(PAGE), entry("https://t.pixel.example/p.gif"), jar=jar)
        found = {
            (c.cookie.name, c.signature.id, c.evidence, c.third_party, c.input)
            for c in result.cookies
        }
        assert found == {("_px", "pixel", "name", False, 1), ("other", "pixel", "host", True, 1)}
        # A vendor that made no request in the capture gets no cookie of the jar.
        assert _attribution(db, entry(PAGE), jar=jar).cookies == ()
        # A jar alone is read by name and domain.
        alone = attribute([], [load_cookies(jar)], Matcher.compile(db))
        assert {c.cookie.name for c in alone.cookies} == {"_px", "other"}
        # Lifetime counts from the capture's start (2024-05-01 10:00 UTC).
        assert {c.lifetime_days for c in result.cookies} == {245.0}

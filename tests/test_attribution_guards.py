"""Behaviour that a small slip in the matcher, the HAR reader or attribution would change.

Each test pins one answer that the rest of the suite leaves open: the branch of the
combined cookie regex that matched, the Domain of a cookie recorded in a HAR's ``cookies``
list, the input position of a second jar's cookies, the domain a cookie's name is looked
up under, and a first-party jar cookie on a host that a tag claims.
"""

from __future__ import annotations

import json
from typing import Any

from tagsig import (
    CookieJar,
    CookiePattern,
    Signature,
    Vendor,
    load_cookies,
    load_har,
    registrable_domain,
)
from tagsig.engine import Attribution, Matcher, attribute

from .builders import entry, har

PAGE = "https://www.shop.example/"
JAN_2025 = "1735725600"


def _signature(
    signature_id: str, hosts: tuple[str, ...] = (), cookies: tuple[CookiePattern, ...] = ()
) -> Signature:
    return Signature(
        id=signature_id,
        name=signature_id,
        vendor=Vendor(name=signature_id),
        category="advertising",
        consent="marketing",
        hosts=hosts,
        cookies=cookies,
    )


def _jar(*lines: tuple[str, str]) -> CookieJar:
    """Return a Netscape jar holding ``(domain, name)`` cookies."""
    text = "# Netscape HTTP Cookie File\n" + "".join(
        f"{domain}\tTRUE\t/\tFALSE\t{JAN_2025}\t{name}\t1\n" for domain, name in lines
    )
    return load_cookies(text.encode())


PIXEL = _signature(
    "pixel", hosts=("*.pixel.example",), cookies=(CookiePattern(name="_px", match="exact"),)
)
SIMPLI = _signature(
    "simpli", hosts=("*.simpli.fi",), cookies=(CookiePattern(name="uid", domains=("simpli.fi",)),)
)
BIGCO = _signature("bigco", hosts=("*.bigco.example",))
MATCHER = Matcher.from_signatures([BIGCO, PIXEL, SIMPLI])


def _found(attribution: Attribution) -> list[tuple[str, str, str, int]]:
    return [(c.cookie.name, c.signature.id, c.evidence, c.input) for c in attribution.cookies]


class TestCombinedRegexBranches:
    """Regexes without a literal start share one alternation; each branch is told apart."""

    # No pattern has a literal start, so all three join the alternation; the first has a
    # group of its own, which shifts the group numbers of the branches after it.
    PATTERNS = (r"[xy](\d)_a", r"[xy]\d_b", r"[xy]\d_c")
    MATCHER = Matcher.from_signatures(
        [_signature("rx", cookies=tuple(CookiePattern(name=p, match="regex") for p in PATTERNS))]
    )

    def test_branch_after_a_grouped_branch(self) -> None:
        """A name matching the second branch is given the second pattern, not the third."""
        found = self.MATCHER.match_cookie("x1_b")
        assert found is not None
        assert found.pattern.name == r"[xy]\d_b"

    def test_last_branch(self) -> None:
        """The last branch is found although earlier branches hold groups."""
        found = self.MATCHER.match_cookie("y2_c")
        assert found is not None
        assert found.pattern.name == r"[xy]\d_c"

    def test_grouped_branch(self) -> None:
        """The branch holding a group is found by its own outer group."""
        found = self.MATCHER.match_cookie("x3_a")
        assert found is not None
        assert found.pattern.name == r"[xy](\d)_a"
        assert self.MATCHER.match_cookie("z3_a") is None


class TestHarCookieDomains:
    """Cookies of a HAR's ``cookies`` lists keep their recorded Domain."""

    @staticmethod
    def _capture(request: list[dict[str, Any]], response: list[dict[str, Any]]) -> bytes:
        document = json.loads(har(entry(PAGE), entry("https://t.pixel.example/p.gif")))
        recorded = document["log"]["entries"][1]
        recorded["request"]["cookies"] = request
        recorded["response"]["cookies"] = response
        return json.dumps(document).encode()

    def test_response_cookie_domain(self) -> None:
        """A recorded Domain is kept (lower case, no dot); without one, the host set it."""
        capture = load_har(
            self._capture(
                [],
                [
                    {"name": "a", "value": "1", "domain": ".Pixel.Example"},
                    {"name": "b", "value": "2"},
                ],
            )
        )
        cookies = capture.entries[1].response_cookies
        assert [(c.name, c.domain, c.host_only) for c in cookies] == [
            ("a", "pixel.example", None),
            ("b", "t.pixel.example", True),
        ]

    def test_request_cookie_domain(self) -> None:
        """A request cookie's recorded Domain is kept; without one it has none."""
        capture = load_har(
            self._capture(
                [
                    {"name": "a", "value": "1", "domain": ".pixel.example"},
                    {"name": "b", "value": "2"},
                ],
                [],
            )
        )
        cookies = capture.entries[1].request_cookies
        assert [(c.name, c.domain) for c in cookies] == [("a", "pixel.example"), ("b", None)]

    def test_recorded_domain_decides_the_tag(self) -> None:
        """A cookie the site's host set for a tag's domain is the tag's, by its domain."""
        document = json.loads(har(entry(PAGE), entry("https://t.pixel.example/p.gif")))
        document["log"]["entries"][0]["response"]["cookies"] = [
            {"name": "other", "value": "1", "domain": ".pixel.example"}
        ]
        result = attribute([load_har(json.dumps(document).encode())], [], MATCHER)
        assert [
            (c.cookie.name, c.signature.id, c.domain, c.third_party) for c in result.cookies
        ] == [("other", "pixel", "pixel.example", True)]


class TestInputPositions:
    """Every cookie names the input it came from: captures first, then jars in order."""

    def test_two_jars_after_one_capture(self) -> None:
        """The second jar's cookies are input 2, after the capture (0) and the first jar."""
        capture = load_har(har(entry(PAGE), entry("https://t.pixel.example/p.gif")))
        result = attribute(
            [capture], [_jar((".shop.example", "_px")), _jar((".pixel.example", "other"))], MATCHER
        )
        assert _found(result) == [("_px", "pixel", "name", 1), ("other", "pixel", "host", 2)]

    def test_three_jars_after_two_captures(self) -> None:
        """Positions count every capture and every jar before it."""
        captures = [
            load_har(
                har(
                    entry(PAGE, request_headers={"Cookie": "_px=1"}),
                    entry("https://t.pixel.example/p.gif"),
                )
            )
            for _ in range(2)
        ]
        jars = [_jar((".pixel.example", f"c{n}")) for n in range(3)]
        result = attribute(captures, jars, MATCHER)
        assert [(c.cookie.name, c.input) for c in result.cookies] == [
            ("_px", 0),
            ("_px", 1),
            ("c0", 2),
            ("c1", 3),
            ("c2", 4),
        ]

    def test_jars_alone(self) -> None:
        """Without captures the jars are inputs 0, 1..."""
        result = attribute(
            [], [_jar((".pixel.example", "a")), _jar((".pixel.example", "b"))], MATCHER
        )
        assert [(c.cookie.name, c.input) for c in result.cookies] == [("a", 0), ("b", 1)]


class TestDomainHint:
    """A cookie's name is looked up under its domain, so rules bound to it apply."""

    def test_sent_cookie_named_by_a_bound_rule(self) -> None:
        """A cookie sent to the tag's host is the tag's by name: its bound rule matched."""
        capture = load_har(
            har(entry(PAGE), entry("https://x.simpli.fi/p", request_headers={"Cookie": "uid=1"}))
        )
        result = attribute([capture], [], MATCHER)
        assert _found(result) == [("uid", "simpli", "name", 0)]

    def test_jar_cookie_named_by_a_bound_rule(self) -> None:
        """A jar cookie of the bound domain is named by the rule; elsewhere it is not."""
        result = attribute([], [_jar((".simpli.fi", "uid"), (".shop.example", "uid"))], MATCHER)
        assert _found(result) == [("uid", "simpli", "name", 0)]

    def test_matcher_bound_rule_needs_the_domain(self) -> None:
        """The matcher applies a bound rule under its domain only."""
        found = MATCHER.match_cookie("uid", ".x.simpli.fi")
        assert found is not None
        assert found.signature.id == "simpli"
        assert MATCHER.match_cookie("uid") is None
        assert MATCHER.match_cookie("uid", "simpli.example") is None

    def test_shared_pattern_goes_to_the_domain_owner(self) -> None:
        """Of two tags with the same cookie pattern, the one serving the domain wins."""
        first, second = (
            _signature(i, hosts=(f"*.{i}.example",), cookies=(CookiePattern(name="shared"),))
            for i in ("aa", "bb")
        )
        matcher = Matcher.from_signatures([first, second])
        by_domain = matcher.match_cookie("shared", "t.bb.example")
        by_id = matcher.match_cookie("shared")
        assert by_domain is not None
        assert by_id is not None
        assert (by_domain.signature.id, by_id.signature.id) == ("bb", "aa")


class TestFirstPartyJarCookies:
    """A jar cookie of the site's own domain is not a tag's because a tag claims the host."""

    def test_own_domain_claimed_by_a_tag(self) -> None:
        """On a site whose hosts a tag claims, its own jar cookies stay unattributed."""
        page = "https://www.bigco.example/"
        capture = load_har(
            har(entry(page), entry("https://t.pixel.example/p.gif"), pages=(("page_1", page),))
        )
        result = attribute(
            [capture], [_jar((".bigco.example", "pref"), (".pixel.example", "other"))], MATCHER
        )
        assert _found(result) == [("other", "pixel", "host", 1)]
        assert [c.third_party for c in result.cookies] == [True]

    def test_own_domain_by_name(self) -> None:
        """A first-party jar cookie is still a tag's by a distinctive name."""
        page = "https://www.bigco.example/"
        capture = load_har(
            har(entry(page), entry("https://t.pixel.example/p.gif"), pages=(("page_1", page),))
        )
        result = attribute([capture], [_jar((".bigco.example", "_px"))], MATCHER)
        assert _found(result) == [("_px", "pixel", "name", 1)]
        assert [c.third_party for c in result.cookies] == [False]


class _TwoOwners:
    """Organisation data in which the pixel's owner and one third-party site's differ."""

    def site_owner(self, host: str) -> str | None:
        return "org:aaa" if host.endswith("aaa.example") else None

    def tag_owner(self, signature: Signature) -> str | None:
        return "org:zzz" if signature.id == "pixel" else None

    def related_domains(self, host: str) -> frozenset[str]:
        return frozenset({registrable_domain(host)})

    def hosting_platform(self, host: str) -> str | None:
        return None

    def organisation_name(self, org_id: str) -> str | None:
        return None


class TestCookiesOfOneRequest:
    """Each cookie of a request or response is decided on its own."""

    def test_unattributed_cookie_before_a_tags_cookie(self) -> None:
        """A cookie no tag owns does not hide the cookies after it."""
        capture = load_har(
            har(
                entry(PAGE, request_headers={"Cookie": "session=1; _px=2"}),
                entry("https://t.pixel.example/p.gif"),
            )
        )
        assert _found(attribute([capture], [], MATCHER)) == [("_px", "pixel", "name", 0)]

    def test_recorded_domains(self) -> None:
        """A set cookie's domain is the host that set it; a sent cookie records none."""
        capture = load_har(
            har(
                entry(PAGE),
                entry(
                    "https://t.pixel.example/p.gif",
                    request_headers={"Cookie": "_px=1"},
                    response_headers={"Set-Cookie": "_px=2"},
                ),
            )
        )
        result = attribute([capture], [], MATCHER)
        assert [(c.cookie.source, c.domain) for c in result.cookies] == [
            ("request", None),
            ("response", "t.pixel.example"),
        ]

    def test_name_does_not_take_a_cookie_from_its_domains_owner(self) -> None:
        """A third-party cookie on a site another organisation owns is not a tag's by name."""
        capture = load_har(
            har(
                entry(PAGE),
                entry("https://t.pixel.example/p.gif"),
                entry("https://www.aaa.example/x", request_headers={"Cookie": "_px=1"}),
                entry("https://www.bbb.example/x", request_headers={"Cookie": "_px=1"}),
            )
        )
        result = attribute([capture], [], MATCHER, owners=_TwoOwners())
        assert [(c.cookie.name, c.cookie.entry, c.signature.id) for c in result.cookies] == [
            ("_px", 3, "pixel")
        ]

"""Tests for the compiled matcher."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from attrs import evolve
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tagsig._inputs.models import Url
from tagsig._inputs.url import normalize_host
from tagsig._signatures.match import CookieMatch, Matcher
from tagsig._signatures.model import CookiePattern, MatchKind, Signature, UrlPattern, Vendor


def make(
    signature_id: str,
    hosts: tuple[str, ...] = (),
    cookies: tuple[tuple[str, MatchKind], ...] = (),
    urls: tuple[tuple[str, str, Any], ...] = (),
) -> Signature:
    """Build a signature with just the fields matching looks at."""
    return Signature(
        id=signature_id,
        name=signature_id,
        vendor=Vendor(name="Example"),
        category="analytics",
        consent="analytics",
        hosts=hosts,
        cookies=tuple(CookiePattern(name=name, match=kind) for name, kind in cookies),
        urls=tuple(UrlPattern(host=host, path=path, match=kind) for host, path, kind in urls),
    )


def url(raw: str) -> Url:
    """Build a parsed URL from its text."""
    parts = urlsplit(raw)
    return Url(raw=raw, scheme=parts.scheme, host=parts.hostname or "", port=parts.port)


GA = make(
    "google-analytics",
    hosts=("*.google-analytics.com", "ssl.google-analytics.com", "analytics.google.com"),
    cookies=(("_ga", "exact"), ("_ga_", "prefix"), ("_gid", "exact")),
)
GOOGLE = make(
    "google",
    hosts=("*.google.com",),
    urls=(
        ("www.google.com", "/recaptcha/", "prefix"),
        ("www.google.com", "/maps/embed", "prefix"),
        ("*.google.com", r"/[a-z]+/ads\?", "regex"),
    ),
)
RECAPTCHA = make("recaptcha", urls=(("www.google.com", "/recaptcha/api", "prefix"),))
ADS = make("google-ads", urls=(("*.google.com", "/pagead/", "prefix"),))
HOTJAR = make(
    "hotjar",
    hosts=("*.hotjar.com", "*.hotjar.io"),
    cookies=(
        ("_hjSession_", "prefix"),
        ("_hj", "prefix"),
        ("_hjid", "exact"),
        ("_hjSessionUser_[0-9]+$", "regex"),
    ),
)
FB = make(
    "facebook",
    hosts=("*.facebook.net", "*.facebook.com"),
    cookies=(("_fbp", "exact"), ("_sess", "suffix"), ("fb", "contains"), ("_tr", "contains")),
)
SHOPIFY = make("shopify", hosts=("*.shopify.com",), cookies=(("_sess", "suffix"), ("_y", "exact")))
SHARED = make("zzz-other", hosts=("other.net",), cookies=(("_y", "exact"), ("^[0-9]+_x", "regex")))
REGEXES = make(
    "regexes",
    cookies=(
        ("AMCV_[0-9A-F]+%40AdobeOrg", "regex"),
        ("(?i)mixed", "regex"),
        ("(?P<n>named)_x", "regex"),
        (r"[a-z]+_[0-9]{3}$", "regex"),
        ("^[0-9]+_x", "regex"),
        ("(a)_(b)_", "regex"),
    ),
)

ALL = (GA, GOOGLE, RECAPTCHA, ADS, HOTJAR, FB, SHOPIFY, SHARED, REGEXES)


@pytest.fixture
def matcher() -> Matcher:
    """Return a matcher over a small realistic database."""
    return Matcher.from_signatures(ALL)


class TestMatchHost:
    """Host look-ups: exact patterns, then wildcard suffixes."""

    @pytest.mark.parametrize(
        ("host", "expected"),
        [
            ("www.google-analytics.com", "google-analytics"),
            ("google-analytics.com", "google-analytics"),
            ("a.b.c.google-analytics.com", "google-analytics"),
            ("ssl.google-analytics.com", "google-analytics"),
            ("analytics.google.com", "google-analytics"),
            ("x.analytics.google.com", "google"),
            ("www.google.com", "google"),
            ("static.hotjar.io", "hotjar"),
            ("Static.HOTJAR.io.", "hotjar"),
            ("other.net", "zzz-other"),
            ("sub.other.net", None),
            ("notgoogle.com", None),
            ("com", None),
            ("", None),
            ("127.0.0.1", None),
        ],
    )
    def test_hosts(self, matcher: Matcher, host: str, expected: str | None) -> None:
        """Exact beats wildcard, ``*.x`` includes ``x``, case and trailing dot are ignored."""
        found = matcher.match_host(host)
        assert (found.id if found else None) == expected

    def test_cached_answers_stay_right(self, matcher: Matcher) -> None:
        """Asking twice gives the same answer (the cache is invisible)."""
        first = [matcher.match_host(h) for h in ("www.google.com", "nope.org", "www.google.com")]
        assert first == [GOOGLE, None, GOOGLE]
        assert matcher.match_host("nope.org") is None

    def test_later_signature_wins_a_shared_host(self) -> None:
        """Given the same host pattern twice, the later signature wins."""
        one, two = make("one", hosts=("x.com",)), make("two", hosts=("X.com",))
        assert Matcher.from_signatures([one, two]).match_host("x.com") == two
        assert Matcher.from_signatures([two, one]).match_host("x.com") == one

    def test_cache_bound(self, monkeypatch: pytest.MonkeyPatch, matcher: Matcher) -> None:
        """The cache is emptied when full, and answers stay right."""
        monkeypatch.setattr("tagsig._signatures.match._CACHE_SIZE", 4)
        hosts = [f"h{i}.hotjar.com" for i in range(10)]
        assert all(matcher.match_host(h) == HOTJAR for h in hosts)
        assert all(matcher.match_cookie(f"_hj{i}") is not None for i in range(10))

    def test_empty(self) -> None:
        """A matcher without signatures matches nothing."""
        empty = Matcher.from_signatures([])
        assert empty.match_host("example.com") is None
        assert empty.match_url(url("https://example.com/")) is None
        assert empty.match_cookie("_ga") is None

    def test_normalize_host(self) -> None:
        """Normalisation lower-cases and drops one trailing dot."""
        assert normalize_host("A.B.") == "a.b"
        assert normalize_host("a") == "a"


class TestMatchUrl:
    """URL look-ups: URL patterns first, then the host."""

    @pytest.mark.parametrize(
        ("host", "path", "query", "expected"),
        [
            ("www.google.com", "/recaptcha/api.js", "", "recaptcha"),
            ("www.google.com", "/recaptcha/api2/anchor", "k=1", "recaptcha"),
            ("www.google.com", "/recaptcha/enterprise.js", "", "google"),
            ("www.google.com", "/maps/embed", "pb=1", "google"),
            ("www.google.com", "/pagead/1p-conversion/", "", "google-ads"),
            ("maps.google.com", "/pagead/x", "", "google-ads"),
            ("google.com", "/pagead/x", "", "google-ads"),
            ("www.google.com", "/search", "", "google"),
            ("www.google.com", "/abc/ads", "x=1", "google"),
            ("www.google-analytics.com", "/g/collect", "v=2", "google-analytics"),
            ("www.example.com", "/recaptcha/api.js", "", None),
        ],
    )
    def test_urls(
        self, matcher: Matcher, host: str, path: str, query: str, expected: str | None
    ) -> None:
        """Longest prefix wins for the most specific host pattern, then the host decides."""
        raw = f"https://{host}{path}?{query}" if query else f"https://{host}{path}"
        found = matcher.match_url(url(raw))
        assert (found.id if found else None) == expected

    def test_query_is_part_of_the_path(self) -> None:
        """Patterns see ``path?query`` when the query is non-empty."""
        sig = make("q", urls=(("x.com", "/p?id=", "prefix"),))
        m = Matcher.from_signatures([sig])
        assert m.match_url(url("https://x.com/p?id=1")) == sig
        assert m.match_url(url("https://x.com/p")) is None

    def test_regex_after_prefix(self) -> None:
        """A matching prefix beats a matching regex on the same host pattern."""
        by_regex = make("a-regex", urls=(("x.com", "/.*", "regex"),))
        by_prefix = make("b-prefix", urls=(("x.com", "/", "prefix"),))
        m = Matcher.from_signatures([by_regex, by_prefix])
        assert m.match_url(url("https://x.com/a")) == by_prefix


class TestMatchCookie:
    """Cookie look-ups and their precedence."""

    @pytest.mark.parametrize(
        ("name", "expected", "pattern"),
        [
            ("_ga", "google-analytics", "_ga"),
            ("_ga_ABC123", "google-analytics", "_ga_"),
            ("_gid", "google-analytics", "_gid"),
            ("_hjid", "hotjar", "_hjid"),
            ("_hjSession_123", "hotjar", "_hjSession_"),
            ("_hjSessionUser_123", "hotjar", "_hj"),
            ("_hjFirstSeen", "hotjar", "_hj"),
            ("_fbp", "facebook", "_fbp"),
            ("php_sess", "facebook", "_sess"),
            ("xfbx", "facebook", "fb"),
            ("a_tr_fb", "facebook", "_tr"),
            ("AMCV_12AB%40AdobeOrg", "regexes", "AMCV_[0-9A-F]+%40AdobeOrg"),
            ("MIXED", "regexes", "(?i)mixed"),
            ("named_x", "regexes", "(?P<n>named)_x"),
            ("abc_123", "regexes", r"[a-z]+_[0-9]{3}$"),
            ("a_b_c", "regexes", "(a)_(b)_"),
            ("12_x", "regexes", "^[0-9]+_x"),
            ("abc_1234", None, None),
            ("_G", None, None),
            ("", None, None),
        ],
    )
    def test_names(
        self, matcher: Matcher, name: str, expected: str | None, pattern: str | None
    ) -> None:
        """Exact > longest prefix > longest suffix > longest substring > first regex."""
        found = matcher.match_cookie(name)
        if expected is None:
            assert found is None
        else:
            assert found is not None
            assert (found.signature.id, found.pattern.name) == (expected, pattern)

    def test_shared_pattern_prefers_domain(self, matcher: Matcher) -> None:
        """A shared pattern goes to the signature whose hosts match the domain, else by id."""
        assert matcher.match_cookie("_y") == CookieMatch(
            signature=SHOPIFY, pattern=SHOPIFY.cookies[1]
        )
        assert matcher.match_cookie("_y", ".other.net") == CookieMatch(
            signature=SHARED, pattern=SHARED.cookies[0]
        )
        assert matcher.match_cookie("_y", "Shop.Shopify.com").signature == SHOPIFY  # type: ignore[union-attr]
        assert matcher.match_cookie("_y", "unrelated.org").signature == SHOPIFY  # type: ignore[union-attr]
        assert matcher.match_cookie("x_sess", "www.shopify.com").signature == SHOPIFY  # type: ignore[union-attr]
        assert matcher.match_cookie("x_sess", "facebook.com").signature == FB  # type: ignore[union-attr]
        assert matcher.match_cookie("1_x", "other.net").signature == SHARED  # type: ignore[union-attr]
        assert matcher.match_cookie("1_x").signature == REGEXES  # type: ignore[union-attr]

    def test_first_regex_in_database_order(self) -> None:
        """Among matching regexes the first, by signature id, wins."""
        one = make("a", cookies=(("x[0-9]", "regex"),))
        two = make("b", cookies=(("x.", "regex"),))
        three = make("c", cookies=((".*", "regex"),))
        m = Matcher.from_signatures([three, two, one])
        assert m.match_cookie("x1").signature == one  # type: ignore[union-attr]
        assert m.match_cookie("xy").signature == two  # type: ignore[union-attr]
        assert m.match_cookie("zz").signature == three  # type: ignore[union-attr]

    def test_longest_contains(self) -> None:
        """Of several substrings found, the longest wins, wherever it is."""
        short = make("a", cookies=(("ab", "contains"),))
        long = make("b", cookies=(("cdef", "contains"),))
        m = Matcher.from_signatures([short, long])
        assert m.match_cookie("ab_cdef").signature == long  # type: ignore[union-attr]
        assert m.match_cookie("x_ab").signature == short  # type: ignore[union-attr]
        assert m.match_cookie("cde") is None

    def test_case_sensitive(self, matcher: Matcher) -> None:
        """Cookie names are case-sensitive."""
        assert matcher.match_cookie("_GA") is None


_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


class TestProperties:
    """Properties that hold for any input."""

    @given(suffix=st.lists(_label, min_size=2, max_size=4), sub=st.lists(_label, max_size=4))
    def test_wildcard_covers_subdomains(self, suffix: list[str], sub: list[str]) -> None:
        """A host under a ``*.suffix`` pattern always matches it."""
        base = ".".join(suffix)
        sig = make("w", hosts=(f"*.{base}",))
        m = Matcher.from_signatures([GA, sig])
        host = ".".join([*sub, base])
        expected = GA if m.match_host(host) == GA else sig
        assert m.match_host(host) == expected
        assert m.match_host(host.upper() + ".") == expected

    @given(prefix=st.text(min_size=1, max_size=8), rest=st.text(max_size=8))
    def test_prefix_covers_names(self, prefix: str, rest: str) -> None:
        """A name starting with a registered prefix always matches some prefix pattern."""
        sig = make("p", cookies=((prefix, "prefix"),))
        found = Matcher.from_signatures([sig]).match_cookie(prefix + rest)
        assert found == CookieMatch(signature=sig, pattern=sig.cookies[0])

    @given(name=st.text(max_size=12), domain=st.none() | st.sampled_from(["other.net", ".x.io"]))
    @example(name="12_x", domain="other.net")  # the shared regex: the domain's owner wins
    def test_deterministic(self, name: str, domain: str | None) -> None:
        """Matchers built in any order answer alike, and a cached answer is a cold one."""
        cold = Matcher.from_signatures(ALL).match_cookie(name, domain)
        assert Matcher.from_signatures(reversed(ALL)).match_cookie(name, domain) == cold
        # Answers cached for the name under other domains are not handed to this one.
        warm = Matcher.from_signatures(ALL)
        for other in (None, "other.net", ".x.io"):
            warm.match_cookie(name, other)
        assert warm.match_cookie(name, domain) == cold

    @given(name=st.text(alphabet="_abfghijstxyAM0123456789", max_size=12))
    def test_agrees_with_patterns(self, name: str) -> None:
        """A match is always a pattern that accepts the name, and a miss has no such pattern."""
        found = Matcher.from_signatures(ALL).match_cookie(name)
        accepting = [p for s in ALL for p in s.cookies if p.matches(name)]
        if found is None:
            assert accepting == []
        else:
            assert found.pattern.matches(name)
            assert found.pattern in accepting


_literal_kinds: tuple[MatchKind, ...] = ("exact", "prefix", "suffix", "contains", "regex")
_patterns = st.lists(
    st.tuples(st.text(alphabet="ab", min_size=1, max_size=3), st.sampled_from(_literal_kinds)),
    max_size=12,
)


def _reference(signatures: list[Signature], name: str) -> tuple[str, str, str] | None:
    """Answer by brute force over every pattern, with the documented precedence."""
    ordered = [(s, p) for s in sorted(signatures, key=lambda s: s.id) for p in s.cookies]
    for kind in ("exact", "prefix", "suffix", "contains"):
        accepting = [(s, p) for s, p in ordered if p.match == kind and p.matches(name)]
        if accepting:
            longest = max(len(p.name) for _, p in accepting)
            s, p = next((s, p) for s, p in accepting if len(p.name) == longest)
            return s.id, p.name, p.match
    regexes = list(dict.fromkeys(p.name for _, p in ordered if p.match == "regex"))
    for pattern in regexes:
        if re.match(pattern, name):
            s, p = next((s, p) for s, p in ordered if p.match == "regex" and p.name == pattern)
            return s.id, p.name, p.match
    return None


@settings(max_examples=500)
@given(groups=st.lists(_patterns, min_size=1, max_size=4), name=st.text(alphabet="ab", max_size=6))
def test_cookie_precedence_agrees_with_brute_force(
    groups: list[list[tuple[str, MatchKind]]], name: str
) -> None:
    """Exact, then the longest prefix, suffix and substring, then the first regex."""
    signatures = [make(f"s{i}", cookies=tuple(group)) for i, group in enumerate(groups)]
    found = Matcher.from_signatures(signatures).match_cookie(name)
    answer = (
        None if found is None else (found.signature.id, found.pattern.name, found.pattern.match)
    )
    assert answer == _reference(signatures, name)


# Regexes with a literal start, a literal inside (three characters or more, indexed by
# it), a short literal only, or none (both tried as one alternation), and some that cannot
# join an alternation (named groups, inline flags).
_regex_parts = st.sampled_from(
    ["ab", "ba_", "abba", "b", "[ab]+", "[0-9]*", "a?", ".", "(a|b)", "_", "9"]
)
_regexes = st.builds(
    lambda parts, tail, shape: shape.format("".join(parts)) + tail,
    st.lists(_regex_parts, min_size=1, max_size=5),
    st.sampled_from(["", "$"]),
    st.sampled_from(["{}", "[ab]*{}", "[0-9]?{}", "(?P<g>{})", "(?s){}", "(?i){}"]),
)


@settings(max_examples=500)
@given(
    groups=st.lists(st.lists(_regexes, min_size=1, max_size=6), min_size=1, max_size=4),
    name=st.text(alphabet="ab_9", max_size=10),
)
def test_regex_index_agrees_with_trying_every_regex(groups: list[list[str]], name: str) -> None:
    """Indexing regexes by a required literal keeps the first match in database order."""
    signatures = [
        make(f"s{i}", cookies=tuple((r, "regex") for r in group)) for i, group in enumerate(groups)
    ]
    found = Matcher.from_signatures(signatures).match_cookie(name)
    answer = (
        None if found is None else (found.signature.id, found.pattern.name, found.pattern.match)
    )
    assert answer == _reference(signatures, name)


@pytest.mark.parametrize(
    "order", [("[a-z]*_abc_[0-9]+", "[a-z]*_abc_1"), ("[a-z]*_abc_1", "[a-z]*_abc_[0-9]+")]
)
def test_regexes_sharing_a_literal_keep_database_order(order: tuple[str, str]) -> None:
    """Two regexes found by the same inner literal: the first in database order wins."""
    signatures = [
        make("s0", cookies=((order[0], "regex"),)),
        make("s1", cookies=((order[1], "regex"),)),
    ]
    found = Matcher.from_signatures(signatures).match_cookie("x_abc_1")
    assert found is not None
    assert (found.signature.id, found.pattern.name) == ("s0", order[0])


def _url_reference(signatures: list[Signature], target: str) -> str | None:
    """Answer with the longest prefix (equal lengths: database order), then the first regex."""
    items = [(s, p) for s in signatures for p in s.urls]
    prefixes = [(s, p) for s, p in items if p.match == "prefix" and target.startswith(p.path)]
    if prefixes:
        longest = max(len(p.path) for _, p in prefixes)
        return next(s.id for s, p in prefixes if len(p.path) == longest)
    return next((s.id for s, p in items if p.match == "regex" and p.matches_path(target)), None)


_paths = st.lists(st.sampled_from(["/", "a", "b", "/a", "/b/", "x" * 70]), max_size=4).map("".join)


@settings(max_examples=500)
@given(
    groups=st.lists(
        st.lists(st.tuples(_paths, st.sampled_from(["prefix", "prefix", "regex"])), max_size=5),
        min_size=1,
        max_size=4,
    ),
    target=_paths,
)
def test_url_prefix_walk_agrees_with_trying_every_prefix(
    groups: list[list[tuple[str, Any]]], target: str
) -> None:
    """Walking prefixes along the path keeps the longest, then database order."""
    signatures = [
        make(
            f"s{i}",
            urls=tuple(
                ("cdn.example", re.escape(path) if kind == "regex" else path, kind)
                for path, kind in group
            ),
        )
        for i, group in enumerate(groups)
    ]
    rules = Matcher.from_signatures(signatures)
    found = rules.match_url(
        url(f"https://cdn.example{'' if target.startswith('/') else '/'}{target}")
    )
    full = target if target.startswith("/") else f"/{target}"
    assert (None if found is None else found.id) == _url_reference(signatures, full)


def test_regex_pattern_without_compiled_form_is_skipped() -> None:
    """A regex pattern built without its compiled form never matches (it cannot)."""
    sig = make("r")
    sig = Signature(
        id="r",
        name="r",
        vendor=Vendor(name="r"),
        category="other",
        consent="essential",
        cookies=(CookiePattern(name="x", match="regex", pattern=None),),
    )
    assert Matcher.from_signatures([sig]).match_cookie("x") is None
    assert isinstance(re.compile("x"), re.Pattern)


def bound(
    signature_id: str,
    hosts: tuple[str, ...],
    cookies: tuple[tuple[str, MatchKind, tuple[str, ...]], ...],
) -> Signature:
    """Build a signature whose cookie rules may be bound to domains."""
    return Signature(
        id=signature_id,
        name=signature_id,
        vendor=Vendor(name="Example"),
        category="advertising",
        consent="marketing",
        hosts=hosts,
        cookies=tuple(
            CookiePattern(name=name, match=kind, domains=domains) for name, kind, domains in cookies
        ),
    )


SIMPLIFI = bound("simpli-fi", ("*.simpli.fi",), (("uid", "exact", ("simpli.fi",)),))
ADDTHIS = bound(
    "addthis", ("*.addthis.com",), (("uid", "exact", ("addthis.com",)), ("__atuvc", "exact", ()))
)
GENERIC_PREFIX = bound("wide", (), (("ui", "prefix", ()),))
NESTED = bound("nested", (), (("uid", "exact", ("eu.simpli.fi",)),))


class TestBoundCookies:
    """Cookie rules bound to domains match only cookies of those domains."""

    @pytest.fixture
    def bound_matcher(self) -> Matcher:
        """Return a matcher with bound and unbound rules for one generic name."""
        return Matcher.from_signatures([SIMPLIFI, ADDTHIS, GENERIC_PREFIX, NESTED])

    @pytest.mark.parametrize(
        ("domain", "expected"),
        [
            (".simpli.fi", "simpli-fi"),
            ("simpli.fi", "simpli-fi"),
            ("Track.SIMPLI.fi.", "simpli-fi"),
            ("x.eu.simpli.fi", "nested"),
            ("s7.addthis.com", "addthis"),
            ("notsimpli.fi", "wide"),
            ("agkn.com", "wide"),
            (None, "wide"),
            ("", "wide"),
        ],
    )
    def test_binding(self, bound_matcher: Matcher, domain: str | None, expected: str) -> None:
        """A bound rule applies under its domains, the longest first, before unbound ones."""
        found = bound_matcher.match_cookie("uid", domain)
        assert found is not None
        assert found.signature.id == expected

    def test_bound_only(self) -> None:
        """Without an unbound rule, a generic name elsewhere matches nothing."""
        matcher = Matcher.from_signatures([SIMPLIFI, ADDTHIS])
        assert matcher.match_cookie("uid", "dailymotion.com") is None
        assert matcher.match_cookie("uid") is None
        found = matcher.match_cookie("__atuvc", "shop.example")
        assert found is not None
        assert found.signature.id == "addthis"

    def test_existing_callers(self, matcher: Matcher) -> None:
        """Databases without bound rules answer as before, with or without a domain."""
        assert matcher._bound_cookies == {}
        found = matcher.match_cookie("_y", "shopify.com")
        assert found is not None
        assert found.signature.id == "shopify"


_DOMAINS = ("a.example", "b.example", "sub.a.example")
_bound_rules = st.lists(
    st.tuples(
        st.sampled_from(["uid", "u", "id", "sess", "ts"]),
        st.sampled_from(["exact", "prefix", "suffix", "contains"]),
        st.lists(st.sampled_from(_DOMAINS), max_size=2, unique=True).map(tuple),
    ),
    min_size=1,
    max_size=6,
)


def _covers(domains: tuple[str, ...], host: str) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


@given(
    rules=st.lists(_bound_rules, min_size=1, max_size=4),
    name=st.sampled_from(["uid", "u", "id", "uidx", "xsess", "ts", "tsid", "none"]),
    domain=st.none()
    | st.sampled_from(
        ["a.example", "x.a.example", "x.sub.a.example", "b.example", "c.example", ".b.example"]
    ),
)
@settings(max_examples=300, deadline=None)
def test_bound_rules_property(
    rules: list[list[tuple[str, MatchKind, tuple[str, ...]]]],
    name: str,
    domain: str | None,
) -> None:
    """A bound rule wins only under its domains; elsewhere the unbound rules decide alone."""
    signatures = [bound(f"s{index}", (), tuple(group)) for index, group in enumerate(rules)]
    found = Matcher.from_signatures(signatures).match_cookie(name, domain)
    host = (domain or "").lstrip(".")
    applicable = [
        pattern
        for signature in signatures
        for pattern in signature.cookies
        if pattern.domains and host and _covers(pattern.domains, host) and pattern.matches(name)
    ]
    if applicable:
        assert found is not None
        assert found.pattern.domains
        assert _covers(found.pattern.domains, host)
    else:
        unbound = [
            evolve(s, cookies=tuple(p for p in s.cookies if not p.domains)) for s in signatures
        ]
        expected = Matcher.from_signatures(unbound).match_cookie(name, domain)
        if expected is None:
            assert found is None
        else:
            assert found is not None
            assert (found.signature.id, found.pattern) == (expected.signature.id, expected.pattern)

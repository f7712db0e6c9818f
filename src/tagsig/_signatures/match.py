"""Compile a signature database into fast look-ups.

A :class:`Matcher` answers three questions about a signature database: which signature
serves a host, which serves a URL and which sets a cookie. Every look-up costs time in
proportion to the length of what is looked up (labels of a host, characters of a cookie
name), not to the number of signatures. Cookie rules bound to domains are indexed by
domain, so a look-up with a domain walks the domain's labels once more, whatever the
number of bound rules.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final, TypeAlias

from attrs import field, frozen

from tagsig._inputs.url import normalize_host
from tagsig._signatures.regex import is_self_contained, literal_prefix, longest_literal

if TYPE_CHECKING:
    from tagsig._inputs.models import Url
    from tagsig._signatures.model import CookiePattern, Signature, SignatureDB, UrlPattern

__all__ = ["CookieMatch", "Matcher"]

_CACHE_SIZE: Final = 1 << 16
_MISSING: Final = object()
_GRAM: Final = 3
"""Length of the substrings that index ``contains`` cookie patterns."""
_HEAD: Final = 64
"""Longest start (end) of a prefix (suffix) pattern kept for the walk along a name.

Longer patterns are found by their first (last) ``_HEAD`` characters and then compared
whole: keeping every start of a 100 KB pattern would take gigabytes.
"""

_Entry: TypeAlias = "tuple[Signature, CookiePattern]"
_HostIndex: TypeAlias = "dict[str, Signature]"


@frozen(kw_only=True)
class CookieMatch:
    """The signature a cookie belongs to, and the pattern that matched its name."""

    signature: Signature
    """The signature whose cookie pattern matched."""
    pattern: CookiePattern
    """The cookie pattern that matched."""


def _host_candidates(host: str) -> Iterable[tuple[bool, str]]:
    """Yield ``(is_exact, key)`` in the order host patterns are tried for ``host``."""
    yield True, host
    while True:
        yield False, host
        dot = host.find(".")
        if dot < 0:
            return
        host = host[dot + 1 :]


@frozen(kw_only=True)
class _UrlRules:
    """The URL patterns of one host pattern: longest prefix first, then regexes."""

    prefixes: dict[str, Signature]
    """The first signature, in database order, of each prefix path."""
    prefix_heads: frozenset[str]
    prefix_long: dict[str, tuple[str, ...]]
    regexes: tuple[tuple[re.Pattern[str], Signature, UrlPattern], ...]

    @classmethod
    def build(cls, items: Sequence[tuple[Signature, UrlPattern]]) -> _UrlRules:
        prefixes: dict[str, Signature] = {}
        for signature, pattern in items:
            if pattern.match == "prefix":
                prefixes.setdefault(pattern.path, signature)
        regexes = tuple(
            (p.pattern, s, p) for s, p in items if p.match == "regex" and p.pattern is not None
        )
        return cls(
            prefixes=prefixes,
            prefix_heads=_heads(prefixes),
            prefix_long=_long(prefixes, at_end=False),
            regexes=regexes,
        )

    def find(self, target: str) -> Signature | None:
        # The longest matching prefix wins (equally long ones are the same path: the first
        # in database order). Walk along the target while some prefix still starts that
        # way: the walk is as long as the shared start, whatever the number of prefixes.
        prefixes, heads = self.prefixes, self.prefix_heads
        found = prefixes.get("")
        for end in range(1, min(len(target), _HEAD) + 1):
            head = target[:end]
            if head not in heads:
                break
            found = prefixes.get(head, found)
        else:
            for path in self.prefix_long.get(target[:_HEAD], ()):
                if target.startswith(path):
                    return prefixes[path]
        if found is not None:
            return found
        for regex, signature, _pattern in self.regexes:
            if regex.match(target):
                return signature
        return None


@frozen(kw_only=True)
class _RegexAlternative:
    """One distinct regular expression and the cookie patterns that share it."""

    order: int
    pattern: re.Pattern[str]
    entries: tuple[_Entry, ...]


def _lengths(keys: Iterable[str]) -> tuple[int, ...]:
    return tuple(sorted({len(key) for key in keys}, reverse=True))


def _heads(keys: Iterable[str]) -> frozenset[str]:
    """Every non-empty prefix of every key, up to ``_HEAD`` characters.

    A walk along a name stops at the first miss.
    """
    return frozenset(key[:end] for key in keys for end in range(1, min(len(key), _HEAD) + 1))


def _tails(keys: Iterable[str]) -> frozenset[str]:
    """Every non-empty suffix of every key, up to ``_HEAD`` characters."""
    return frozenset(
        key[start:] for key in keys for start in range(max(0, len(key) - _HEAD), len(key))
    )


def _long(keys: Iterable[str], *, at_end: bool) -> dict[str, tuple[str, ...]]:
    """Group the keys longer than ``_HEAD``, longest first, by their first (last) ``_HEAD``."""
    found: dict[str, list[str]] = {}
    for key in sorted((k for k in keys if len(k) > _HEAD), key=len, reverse=True):
        found.setdefault(key[-_HEAD:] if at_end else key[:_HEAD], []).append(key)
    return {head: tuple(group) for head, group in found.items()}


def _freeze(groups: dict[str, list[_Entry]]) -> dict[str, tuple[_Entry, ...]]:
    return {key: tuple(entries) for key, entries in groups.items()}


@frozen(kw_only=True)
class _CookieIndex:
    """Cookie patterns indexed by kind so that no look-up scans every pattern."""

    exact: dict[str, tuple[_Entry, ...]]
    prefix: dict[str, tuple[_Entry, ...]]
    prefix_heads: frozenset[str]
    prefix_long: dict[str, tuple[str, ...]]
    suffix: dict[str, tuple[_Entry, ...]]
    suffix_tails: frozenset[str]
    suffix_long: dict[str, tuple[str, ...]]
    contains: dict[str, tuple[_Entry, ...]]
    contains_grams: dict[str, tuple[str, ...]]
    """Literals of at least ``_GRAM`` characters, keyed by their first ``_GRAM``."""
    contains_short_lengths: tuple[int, ...]
    """Lengths of the literals shorter than ``_GRAM`` (looked up directly)."""
    regex_by_prefix: dict[str, tuple[_RegexAlternative, ...]]
    regex_prefix_heads: frozenset[str]
    regex_prefix_long: dict[str, tuple[str, ...]]
    regex_by_literal: dict[str, tuple[_RegexAlternative, ...]]
    """Regexes with no literal prefix, by a literal every match contains."""
    regex_literal_grams: dict[str, tuple[str, ...]]
    """The literals of ``regex_by_literal``, keyed by their first ``_GRAM`` characters."""
    regex_combined: re.Pattern[str] | None
    """One alternation of the regexes with neither a literal prefix nor a literal of at
    least ``_GRAM`` characters."""
    regex_groups: dict[int, _RegexAlternative]
    """Group number of each branch of ``regex_combined``."""
    regex_solo: tuple[_RegexAlternative, ...]
    """Regexes that cannot join the alternation (inline flags, named groups)."""

    @classmethod
    def build(cls, signatures: Sequence[Signature]) -> _CookieIndex:
        """Index the unbound cookie patterns of ``signatures``."""
        return cls.from_entries(
            (signature, pattern)
            for signature in sorted(signatures, key=lambda s: s.id)
            for pattern in signature.cookies
            if not pattern.domains
        )

    @classmethod
    def from_entries(cls, patterns: Iterable[_Entry]) -> _CookieIndex:
        """Index ``patterns``, given signature by signature in id order."""
        groups: dict[str, dict[str, list[_Entry]]] = {
            "exact": {},
            "prefix": {},
            "suffix": {},
            "contains": {},
            "regex": {},
        }
        for signature, pattern in patterns:
            groups[pattern.match].setdefault(pattern.name, []).append((signature, pattern))
        contains = _freeze(groups["contains"])
        grams: dict[str, list[str]] = {}
        for literal in contains:
            if len(literal) >= _GRAM:
                grams.setdefault(literal[:_GRAM], []).append(literal)
        alternatives = [
            _RegexAlternative(order=order, pattern=compiled, entries=tuple(entries))
            for order, entries in enumerate(groups["regex"].values())
            if (compiled := entries[0][1].pattern) is not None
        ]
        by_prefix: dict[str, list[_RegexAlternative]] = {}
        by_literal: dict[str, list[_RegexAlternative]] = {}
        unanchored: list[_RegexAlternative] = []
        for alternative in alternatives:
            prefix = literal_prefix(alternative.pattern)
            if prefix:
                by_prefix.setdefault(prefix, []).append(alternative)
                continue
            literal = longest_literal(alternative.pattern.pattern)
            if len(literal) >= _GRAM:
                by_literal.setdefault(literal, []).append(alternative)
            else:
                unanchored.append(alternative)
        literal_grams: dict[str, list[str]] = {}
        for literal in by_literal:
            literal_grams.setdefault(literal[:_GRAM], []).append(literal)
        combined, numbers, solo = _combine(unanchored)
        return cls(
            exact=_freeze(groups["exact"]),
            prefix=_freeze(groups["prefix"]),
            prefix_heads=_heads(groups["prefix"]),
            prefix_long=_long(groups["prefix"], at_end=False),
            suffix=_freeze(groups["suffix"]),
            suffix_tails=_tails(groups["suffix"]),
            suffix_long=_long(groups["suffix"], at_end=True),
            contains=contains,
            contains_grams={gram: tuple(literals) for gram, literals in grams.items()},
            contains_short_lengths=_lengths(k for k in contains if len(k) < _GRAM),
            regex_by_prefix={k: tuple(v) for k, v in by_prefix.items()},
            regex_prefix_heads=_heads(by_prefix),
            regex_prefix_long=_long(by_prefix, at_end=False),
            regex_by_literal={k: tuple(v) for k, v in by_literal.items()},
            regex_literal_grams={k: tuple(v) for k, v in literal_grams.items()},
            regex_combined=combined,
            regex_groups=numbers,
            regex_solo=solo,
        )

    def find(self, name: str) -> tuple[_Entry, ...]:
        """Return the tied entries of the winning pattern for ``name`` (empty for none)."""
        found = self.exact.get(name)
        if found is not None:
            return found
        # Walk along the name while some pattern still starts (ends) that way; the last
        # pattern met is the longest. The walk is as long as the shared start, whatever the
        # number of patterns.
        heads, prefixes = self.prefix_heads, self.prefix
        longest = prefixes.get("")  # an empty pattern (possible in code) matches any name
        for end in range(1, min(len(name), _HEAD) + 1):
            head = name[:end]
            if head not in heads:
                break
            longest = prefixes.get(head, longest)
        else:
            for literal in self.prefix_long.get(name[:_HEAD], ()):
                if name.startswith(literal):
                    longest = prefixes[literal]
                    break
        if longest is not None:
            return longest
        tails, suffixes = self.suffix_tails, self.suffix
        longest = suffixes.get("")
        for start in range(len(name) - 1, max(len(name) - _HEAD, 0) - 1, -1):
            tail = name[start:]
            if tail not in tails:
                break
            longest = suffixes.get(tail, longest)
        else:
            for literal in self.suffix_long.get(name[-_HEAD:], ()):
                if name.endswith(literal):
                    longest = suffixes[literal]
                    break
        if longest is not None:
            return longest
        if self.contains:
            found = self._find_contains(name)
            if found:
                return found
        return self._find_regex(name)

    def _find_contains(self, name: str) -> tuple[_Entry, ...]:
        literals: set[str] = set()
        grams = self.contains_grams
        for start in range(len(name) - _GRAM + 1):
            for literal in grams.get(name[start : start + _GRAM], ()):
                if name.startswith(literal, start):
                    literals.add(literal)
        contains = self.contains
        for length in self.contains_short_lengths:
            for start in range(len(name) - length + 1):
                piece = name[start : start + length]
                if piece in contains:
                    literals.add(piece)
        if not literals:
            return ()
        longest = max(len(literal) for literal in literals)
        tied = [entry for lit in literals if len(lit) == longest for entry in contains[lit]]
        # Equally long literals: the first signature by id, then its first such pattern
        # (``literals`` is a set: its order changes with the hash seed).
        tied.sort(key=lambda entry: (entry[0].id, entry[0].cookies.index(entry[1])))
        return tuple(tied)

    def _find_regex(self, name: str) -> tuple[_Entry, ...]:
        best: _RegexAlternative | None = None
        heads = self.regex_prefix_heads
        starts: list[str] = []
        for end in range(1, min(len(name), _HEAD) + 1):
            head = name[:end]
            if head not in heads:
                break
            starts.append(head)
        else:
            starts.extend(
                p for p in self.regex_prefix_long.get(name[:_HEAD], ()) if name.startswith(p)
            )
        for head in starts:
            for alternative in self.regex_by_prefix.get(head, ()):
                if (best is None or alternative.order < best.order) and (
                    alternative.pattern.match(name)
                ):
                    best = alternative
        if self.regex_literal_grams:
            best = self._find_regex_by_literal(name, best)
        if self.regex_combined is not None:
            found = self.regex_combined.match(name)
            if found is not None and found.lastindex is not None:
                alternative = self.regex_groups[found.lastindex]
                if best is None or alternative.order < best.order:
                    best = alternative
        for alternative in self.regex_solo:
            if (best is None or alternative.order < best.order) and alternative.pattern.match(name):
                best = alternative
        return () if best is None else best.entries

    def _find_regex_by_literal(
        self, name: str, best: _RegexAlternative | None
    ) -> _RegexAlternative | None:
        """Try the regexes whose required literal occurs in ``name``; keep the first."""
        grams, by_literal = self.regex_literal_grams, self.regex_by_literal
        seen: set[str] = set()
        for start in range(len(name) - _GRAM + 1):
            for literal in grams.get(name[start : start + _GRAM], ()):
                if literal in seen or not name.startswith(literal, start):
                    continue
                seen.add(literal)
                for alternative in by_literal[literal]:
                    if (best is None or alternative.order < best.order) and (
                        alternative.pattern.match(name)
                    ):
                        best = alternative
        return best


def _combine(
    alternatives: Sequence[_RegexAlternative],
) -> tuple[re.Pattern[str] | None, dict[int, _RegexAlternative], tuple[_RegexAlternative, ...]]:
    """Join regexes into one alternation whose branch order is database order.

    ``re`` tries branches left to right at the start of the name, so the first branch that
    matches is the first pattern, in order, that :func:`re.match` accepts. The outermost
    group of each branch closes last, so ``lastindex`` names the branch.
    """
    joinable = [a for a in alternatives if is_self_contained(a.pattern)]
    solo = tuple(a for a in alternatives if not is_self_contained(a.pattern))
    if not joinable:
        return None, {}, solo
    numbers: dict[int, _RegexAlternative] = {}
    branches: list[str] = []
    group = 1
    for alternative in joinable:
        numbers[group] = alternative
        branches.append(f"({alternative.pattern.pattern})")
        group += 1 + alternative.pattern.groups
    try:
        combined = re.compile("|".join(branches))
    except (re.error, OverflowError, RecursionError):  # pragma: no cover - defensive
        return None, {}, tuple(alternatives)
    return combined, numbers, solo


_COMPILED: Final[weakref.WeakKeyDictionary[SignatureDB, Matcher]] = weakref.WeakKeyDictionary()
"""The matcher of each database, kept as long as the database lives."""
_COMPILING: Final = threading.Lock()


@frozen(kw_only=True, eq=False)
class Matcher:
    """A signature database compiled into look-up tables.

    :meth:`compile` compiles a :class:`~tagsig.SignatureDB` once and keeps the result for as
    long as the database lives; :meth:`from_signatures` compiles any signatures.

    Host patterns: ``example.com`` matches that host only; ``*.example.com`` matches
    ``example.com`` and every subdomain. An exact pattern beats a wildcard one, and a
    longer wildcard suffix beats a shorter one.

    A matcher does no I/O and never changes what it answers; it keeps bounded caches of
    recent answers, which makes repeated look-ups cheap and is safe across threads.
    """

    signatures: tuple[Signature, ...]
    """The signatures compiled, in the order given."""
    _exact_hosts: _HostIndex = field(repr=False)
    _wildcard_hosts: _HostIndex = field(repr=False)
    _url_rules: dict[tuple[bool, str], _UrlRules] = field(repr=False)
    _any_host_rules: _UrlRules | None = field(repr=False)
    """The URL patterns for any host (``*``), tried when no host pattern claims a URL."""
    _cookies: _CookieIndex = field(repr=False)
    _bound_cookies: dict[str, tuple[_Entry, ...]] = field(repr=False)
    """The cookie patterns bound to each registrable domain."""
    _host_claims: dict[str, tuple[frozenset[str], frozenset[str]]] = field(
        factory=dict, init=False, repr=False
    )
    """The exact and wildcard host keys of each signature asked about, by id."""
    _host_cache: dict[str, Signature | None] = field(factory=dict, init=False, repr=False)
    _cookie_cache: dict[tuple[str, str | None], CookieMatch | None] = field(
        factory=dict, init=False, repr=False
    )
    _url_rules_cache: dict[str, tuple[_UrlRules, ...]] = field(factory=dict, init=False, repr=False)
    _cookie_entries_cache: dict[str, tuple[_Entry, ...]] = field(
        factory=dict, init=False, repr=False
    )
    _bound_indexes: dict[str, _CookieIndex] = field(factory=dict, init=False, repr=False)
    """The index of each domain's bound patterns, built when a cookie of it is looked up."""

    @classmethod
    def compile(cls, db: SignatureDB) -> Matcher:
        """Return the matcher of ``db``: compiled on the first call, the same one afterwards.

        >>> from tagsig._signatures.load import load_signatures
        >>> db = load_signatures()
        >>> Matcher.compile(db).match_host("www.google-analytics.com").id
        'google-analytics'

        Args:
            db: The signature database.

        Returns:
            The compiled matcher, shared by every caller for as long as ``db`` lives.

        """
        found = _COMPILED.get(db)
        if found is not None:
            return found
        with _COMPILING:  # one build per database, even when threads ask at once
            found = _COMPILED.get(db)
            if found is None:  # pragma: no branch - else another thread built it meanwhile
                found = _COMPILED[db] = cls.from_signatures(db.signatures)
        return found

    @classmethod
    def from_signatures(cls, signatures: Iterable[Signature]) -> Matcher:
        """Compile ``signatures`` into look-up tables.

        When two signatures claim the same host pattern (or URL pattern host), the later
        one in ``signatures`` wins; :class:`~tagsig.SignatureDB` never hands over such
        clashes. Ties between cookie patterns are broken by signature id.

        Args:
            signatures: The signatures, in database order.

        Returns:
            The compiled matcher.

        """
        ordered = tuple(signatures)
        exact: _HostIndex = {}
        wildcard: _HostIndex = {}
        url_items: dict[tuple[bool, str], list[tuple[Signature, UrlPattern]]] = {}
        for signature in ordered:
            for pattern in signature.hosts:
                is_exact, key = _host_key(pattern)
                (exact if is_exact else wildcard)[key] = signature
            for url_pattern in signature.urls:
                url_key = _ANY_HOST_KEY if url_pattern.host == "*" else _host_key(url_pattern.host)
                url_items.setdefault(url_key, []).append((signature, url_pattern))
        any_host = url_items.pop(_ANY_HOST_KEY, None)
        return cls(
            signatures=ordered,
            exact_hosts=exact,
            wildcard_hosts=wildcard,
            url_rules={key: _UrlRules.build(items) for key, items in url_items.items()},
            any_host_rules=_UrlRules.build(any_host) if any_host else None,
            cookies=_CookieIndex.build(ordered),
            bound_cookies=_bound_index(ordered),
        )

    def match_host(self, host: str) -> Signature | None:
        """Return the signature serving ``host``, or ``None``.

        >>> from tagsig._signatures.model import Signature, Vendor
        >>> ga = Signature(id="ga", name="GA", vendor=Vendor(name="G"), category="analytics",
        ...                consent="analytics", hosts=("*.google-analytics.com",))
        >>> Matcher.from_signatures([ga]).match_host("Region1.Google-Analytics.com.").id
        'ga'

        Args:
            host: A host name; case and a trailing dot are ignored.

        Returns:
            The signature whose host pattern matches, or ``None``.

        """
        cache = self._host_cache
        found = cache.get(host, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        # normalize_host inlined (a cold look-up is a few dict probes; a call would be a
        # third of its cost): exact patterns first, then `*.` patterns by label suffix.
        key = host.lower()
        if key[-1:] == ".":
            key = key[:-1]
        result = self._exact_hosts.get(key)
        if result is None:
            wildcard = self._wildcard_hosts.get
            while (result := wildcard(key)) is None:
                _, dot, key = key.partition(".")
                if not dot:
                    break
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[host] = result
        return result

    def match_url(self, url: Url) -> Signature | None:
        """Return the signature serving ``url``, or ``None``.

        URL patterns are tried first, for the most specific host pattern that has any: the
        longest matching ``prefix`` path wins, then the first matching ``regex`` in
        database order. The path compared is ``url.path`` plus ``"?" + url.query`` when the
        query is non-empty. Without a URL-pattern match, the host decides
        (:meth:`match_host`); when no host pattern claims it either, the URL patterns for
        any host (``*``: a vendor's endpoint behind the site's own name) are tried.

        Args:
            url: The parsed URL.

        Returns:
            The signature whose URL or host pattern matches, or ``None``.

        """
        if self._url_rules:
            host_rules = self._url_rules_of(url.host)
            if host_rules:
                query = url.query
                target = f"{url.path}?{query}" if query else url.path
                for rules in host_rules:
                    found = rules.find(target)
                    if found is not None:
                        return found
        by_host = self.match_host(url.host)
        if by_host is not None or self._any_host_rules is None:
            return by_host
        query = url.query
        return self._any_host_rules.find(f"{url.path}?{query}" if query else url.path)

    def _url_rules_of(self, host: str) -> tuple[_UrlRules, ...]:
        """Return the URL patterns that apply to ``host``, most specific host first."""
        cache = self._url_rules_cache
        found = cache.get(host)
        if found is None:
            candidates = _host_candidates(normalize_host(host))
            found = tuple(
                rules for rules in map(self._url_rules.get, candidates) if rules is not None
            )
            if len(cache) >= _CACHE_SIZE:
                cache.clear()
            cache[host] = found
        return found

    def match_cookie(self, name: str, domain: str | None = None) -> CookieMatch | None:
        """Return the signature that sets the cookie ``name``, or ``None``.

        Rules bound to domains (``CookiePattern.domains``) apply only when ``domain`` lies
        under one of them, and then come first: the rules bound to the longest such
        domain are tried, then shorter ones, then the unbound rules. Within each group,
        precedence is an ``exact`` name, then the longest ``prefix``, then the longest
        ``suffix``, then the longest ``contains`` substring (equally long ones: the first
        signature by id, then its first pattern), then the first ``regex`` in database
        order. When several signatures share the winning pattern, one whose host patterns
        match ``domain`` wins, then the first by id.

        >>> from tagsig._signatures.model import CookiePattern, Signature, Vendor
        >>> uid = CookiePattern(name="uid", domains=("simpli.fi",))
        >>> sig = Signature(id="simpli", name="Simpli.fi", vendor=Vendor(name="S"),
        ...                 category="advertising", consent="marketing", cookies=(uid,))
        >>> matcher = Matcher.from_signatures([sig])
        >>> matcher.match_cookie("uid", ".simpli.fi").signature.id
        'simpli'
        >>> matcher.match_cookie("uid", "shop.example") is None
        True

        Args:
            name: The cookie name (case-sensitive).
            domain: The cookie's domain, or the host it was sent to or set by, if known;
                a leading dot is ignored. Without it, bound rules never match.

        Returns:
            The signature and the pattern that matched, or ``None``.

        """
        key = (name, domain)
        cache = self._cookie_cache
        found = cache.get(key, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        result = self._match_cookie(name, domain)
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[key] = result
        return result

    def _match_cookie(self, name: str, domain: str | None) -> CookieMatch | None:
        if self._bound_cookies and domain:
            bound = self._match_bound(name, normalize_host(domain.lstrip(".")))
            if bound is not None:
                return bound
        # The unbound patterns a name matches do not depend on the domain: a cookie seen
        # under many domains (a tag's own and the site's) is searched for once.
        cache = self._cookie_entries_cache
        entries = cache.get(name)
        if entries is None:
            entries = self._cookies.find(name)
            if len(cache) >= _CACHE_SIZE:
                cache.clear()
            cache[name] = entries
        if not entries:
            return None
        chosen = entries[0]
        if len(entries) > 1 and domain:
            host = normalize_host(domain.lstrip("."))
            for entry in entries:
                if self._claims(entry[0], host):
                    chosen = entry
                    break
        return CookieMatch(signature=chosen[0], pattern=chosen[1])

    def _match_bound(self, name: str, host: str) -> CookieMatch | None:
        """Try the rules bound to each domain above ``host``, the longest domain first."""
        bound = self._bound_cookies
        while True:
            patterns = bound.get(host)
            if patterns is not None:
                index = self._bound_indexes.get(host)
                if index is None:
                    # Domains are few and fixed: this cache is bounded by the database.
                    index = self._bound_indexes[host] = _CookieIndex.from_entries(patterns)
                entries = index.find(name)
                if entries:
                    return CookieMatch(signature=entries[0][0], pattern=entries[0][1])
            _, dot, host = host.partition(".")
            if not dot:
                return None

    def _claims(self, signature: Signature, host: str) -> bool:
        claims = self._host_claims.get(signature.id)
        if claims is None:
            # Worked out on first need: few signatures are ever asked about.
            keys = [_host_key(pattern) for pattern in signature.hosts]
            claims = self._host_claims[signature.id] = (
                frozenset(key for is_exact, key in keys if is_exact),
                frozenset(key for is_exact, key in keys if not is_exact),
            )
        exact, wildcard = claims
        if host in exact:
            return True
        return any(not is_exact and key in wildcard for is_exact, key in _host_candidates(host))


def _bound_index(signatures: Sequence[Signature]) -> dict[str, tuple[_Entry, ...]]:
    """Group the bound cookie patterns by each domain they are bound to."""
    by_domain: dict[str, list[_Entry]] = {}
    for signature in sorted(signatures, key=lambda s: s.id):
        for pattern in signature.cookies:
            for domain in pattern.domains:
                by_domain.setdefault(normalize_host(domain), []).append((signature, pattern))
    return _freeze(by_domain)


_ANY_HOST_KEY: Final = (False, "*")


def _host_key(pattern: str) -> tuple[bool, str]:
    """Split a host pattern into ``(is_exact, host or wildcard suffix)``."""
    pattern = normalize_host(pattern)
    if pattern.startswith("*."):
        return False, pattern[2:]
    return True, pattern

"""Attribute every request and cookie of the inputs to the tag that made it.

A pure function of (captures, cookie jars, matcher, first-party aliases): no I/O and no
state kept between calls. Requests are matched by URL pattern, then host; requests that
no signature claims are linked to the known tag that ultimately caused them by following
the initiator chain (Chrome's ``_initiator`` URL and stack, then redirects, then the
``Referer`` header).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Literal

from attrs import frozen

from tagsig._har_values import parse_url
from tagsig._match import Matcher
from tagsig._models import Capture, Cookie, CookieJar, Entry
from tagsig._party import first_party_domains, registrable_domain
from tagsig._signature_model import Signature

__all__ = [
    "AttributedCookie",
    "AttributedEntry",
    "Attribution",
    "CookieEvidence",
    "EntryRef",
    "attribute",
]

CookieEvidence = Literal["name", "response", "host"]
"""How a cookie was tied to a tag: its name matched a signature pattern, it was set by a
response of the tag, or it was sent to one of the tag's third-party hosts."""

_UrlFacts = tuple["Signature | None", "str | None"]
"""What an initiator chain needs of a URL: the tag serving it, and the registrable domain
of its host (``None`` unless the URL names a network resource)."""

_FactsOfUrl = Callable[[str], _UrlFacts]

_MAX_CHAIN = 32
"""Longest initiator chain followed (guards against cycles in damaged captures)."""


@frozen(order=True)
class EntryRef:
    """A reference to one entry: the input's position and the entry's index in it."""

    input: int
    """Position of the capture among the analysed inputs."""
    index: int
    """Index of the entry in that capture's ``log.entries``."""


@frozen(kw_only=True)
class AttributedEntry:
    """One request with the tag it belongs to and the tag that caused it."""

    ref: EntryRef
    entry: Entry
    signature: Signature | None
    """The tag the request belongs to; ``None`` when no signature claims it."""
    initiated_by: str | None
    """Id of the nearest known tag up the initiator chain (other than ``signature``);
    ``None`` when the page itself (or nothing recorded) caused the request."""
    third_party: bool
    """Whether the request's host lies outside the capture's first party."""


@frozen(kw_only=True)
class AttributedCookie:
    """One cookie observation tied to a tag."""

    cookie: Cookie
    signature: Signature
    evidence: CookieEvidence
    """How the cookie was tied to the tag."""
    input: int
    """Position of the input (capture or jar) it was seen in."""
    domain: str | None
    """The cookie's domain: its Domain attribute, else the host that set it; ``None`` for
    request cookies, whose domain the capture does not record."""
    third_party: bool
    """Whether ``domain`` (or the host a request cookie was sent to) lies outside the
    first party."""
    lifetime_days: float | None
    """Days from when it was seen (or the capture started) to its expiry; ``None`` for
    session cookies and where no reference time is known."""


@frozen(kw_only=True)
class Attribution:
    """Which tag every request and cookie of the inputs belongs to."""

    captures: tuple[Capture, ...]
    jars: tuple[CookieJar, ...]
    first_party: tuple[frozenset[str], ...]
    """Registrable domains that are first party, per capture."""
    entries: tuple[AttributedEntry, ...]
    """Every entry of every capture, in input then file order."""
    cookies: tuple[AttributedCookie, ...]
    """Every cookie observation tied to a tag, in input order."""

    def loaded_by(self, signature_id: str) -> str | None:
        """Return the id of the tag that loaded tag ``signature_id``.

        That is the tag that caused its earliest request; ``None`` when the page loaded
        it directly.
        """
        return self._loaders.get(signature_id)

    @functools.cached_property
    def _loaders(self) -> dict[str, str | None]:
        earliest: dict[str, AttributedEntry] = {}
        for attributed in self.entries:
            if attributed.signature is None:
                continue
            tag_id = attributed.signature.id
            first = earliest.get(tag_id)
            if first is None or (attributed.entry.started, attributed.ref) < (
                    first.entry.started, first.ref):
                earliest[tag_id] = attributed
        return {tag_id: first.initiated_by for tag_id, first in earliest.items()}


def attribute(
    captures: Sequence[Capture],
    jars: Sequence[CookieJar],
    matcher: Matcher,
    first_party: Iterable[str] = (),
) -> Attribution:
    """Attribute the requests and cookies of ``captures`` and ``jars`` to tags.

    Args:
        captures: The captures, in input order.
        jars: The cookie jars; their input positions follow the captures'.
        matcher: The compiled signature database.
        first_party: Extra first-party domains (the site's own CDNs), added to the first
            document's registrable domain of each page.

    Returns:
        The attribution.

    """
    aliases = tuple(first_party)
    parties = tuple(first_party_domains(capture, aliases) for capture in captures)
    all_first = frozenset({registrable_domain(a) for a in aliases}).union(*parties)
    # Initiator chains name the same scripts over and over: look each URL up once per call.
    url_facts: dict[str, _UrlFacts] = {}

    def facts_of_url(raw: str) -> _UrlFacts:
        facts = url_facts.get(raw)
        if facts is None:
            url = parse_url(raw)
            facts = url_facts[raw] = (
                (matcher.match_url(url), registrable_domain(url.host)) if url.is_network
                else (None, None))
        return facts

    entries: list[AttributedEntry] = []
    cookies: list[AttributedCookie] = []
    for position, (capture, party) in enumerate(zip(captures, parties, strict=True)):
        attributed = _attribute_entries(position, capture, party, matcher, facts_of_url)
        entries.extend(attributed)
        cookies.extend(_capture_cookies(position, attributed, party, matcher))
    # Jar cookies' lifetimes count from the earliest request; most runs have no jar.
    reference = min((e.entry.started for e in entries), default=None) if jars else None
    for offset, jar in enumerate(jars):
        cookies.extend(_jar_cookies(len(captures) + offset, jar, all_first, matcher,
                                    reference))
    return Attribution(captures=tuple(captures), jars=tuple(jars), first_party=parties,
                       entries=tuple(entries), cookies=tuple(cookies))


def _attribute_entries(
    position: int,
    capture: Capture,
    party: frozenset[str],
    matcher: Matcher,
    facts_of_url: _FactsOfUrl,
) -> list[AttributedEntry]:
    by_url: dict[str, Entry] = {}
    redirected_from: dict[str, Entry] = {}
    for entry in capture.entries:
        by_url.setdefault(entry.url.raw, entry)
        if entry.redirect_url:
            redirected_from.setdefault(entry.redirect_url, entry)
    # Requests with the same causes share the answer: a tag's script loads many requests.
    causes: dict[tuple[str | None, tuple[str, ...]], str | None] = {}
    third_parties: dict[str, bool] = {}
    match_url = matcher.match_url
    result = []
    for entry in capture.entries:
        url = entry.url
        network = url.is_network
        signature = match_url(url) if network else None
        own = signature.id if signature is not None else None
        parents = _parents(entry, redirected_from)
        key = (own, parents)
        if key in causes:
            initiator = causes[key]
        else:
            initiator = causes[key] = _initiating_tag(parents, own, party, by_url,
                                                      redirected_from, facts_of_url)
        host = url.host
        # Whether a network host is third party does not depend on the request's scheme.
        if not network:
            third = False
        elif (known := third_parties.get(host)) is not None:
            third = known
        else:
            third = third_parties[host] = registrable_domain(host) not in party
        result.append(AttributedEntry(ref=EntryRef(position, entry.index), entry=entry,
                                      signature=signature, initiated_by=initiator,
                                      third_party=third))
    return result


def _parents(entry: Entry, redirected_from: dict[str, Entry]) -> tuple[str, ...]:
    """URLs that caused ``entry``, nearest first: initiator, its stack, redirect, Referer."""
    urls: tuple[str, ...] = ()
    initiator = entry.initiator
    if initiator is not None:
        if initiator.stack:
            # dict.fromkeys drops repeats and keeps the first of each, in order.
            first = (initiator.url,) if initiator.url else ()
            urls = tuple(dict.fromkeys((*first, *initiator.stack)))
        elif initiator.url:
            urls = (initiator.url,)
    if redirected_from:
        source = redirected_from.get(entry.url.raw)
        if source is not None:
            urls = (*urls, source.url.raw)
    if not urls:
        referer = entry.request_headers.get("referer")
        if referer:
            urls = (referer,)
    return urls


def _initiating_tag(  # noqa: PLR0917 (private helper)
    parents: tuple[str, ...],
    own: str | None,
    party: frozenset[str],
    by_url: dict[str, Entry],
    redirected_from: dict[str, Entry],
    facts_of_url: _FactsOfUrl,
) -> str | None:
    """Return the nearest known tag, other than ``own``, among the causes of a request.

    ``parents`` are the URLs that caused the request (:func:`_parents`); an unknown third
    party among them is followed to its own causes.
    """
    seen: set[str] = set()
    for _ in range(_MAX_CHAIN):
        next_entry: Entry | None = None
        for raw in parents:
            if raw in seen:
                continue
            seen.add(raw)
            signature, site = facts_of_url(raw)
            if signature is not None and signature.id != own:
                return signature.id
            if signature is not None:
                continue  # the tag's own script: look further up for who loaded it
            if site is not None and site in party:
                return None  # the site itself caused it
            if next_entry is None:
                next_entry = by_url.get(raw)  # an unknown third party: follow its cause
        if next_entry is None:
            return None
        parents = _parents(next_entry, redirected_from)
    return None


def _lifetime(expires: datetime | None, since: datetime | None) -> float | None:
    if expires is None or since is None:
        return None
    return round(max((expires - since).total_seconds(), 0.0) / 86400, 2)


class _ThirdParty(dict[str, bool]):
    """Whether a cookie's site lies outside the first party, worked out once per site.

    A per-call memo: indexing a dict is several times cheaper than a call to the
    (bounded, thread-safe) cache of :func:`registrable_domain`, and a capture's cookies
    name a few hundred sites among tens of thousands of observations.
    """

    def __init__(self, party: frozenset[str]) -> None:
        super().__init__()
        self.party = party

    def __missing__(self, site: str) -> bool:
        third = self[site] = bool(site) and registrable_domain(site) not in self.party
        return third


def _capture_cookies(
    position: int,
    entries: Sequence[AttributedEntry],
    party: frozenset[str],
    matcher: Matcher,
) -> list[AttributedCookie]:
    found: list[AttributedCookie] = []
    third_party = _ThirdParty(party)
    for attributed in entries:
        entry = attributed.entry
        if entry.request_cookies:
            # Only a request to a third-party tag's host ties its other cookies to the tag.
            tag = attributed.signature if attributed.third_party else None
            _tie_cookies(found, position, attributed, entry.request_cookies, tag, "host",
                         matcher, third_party)
        if entry.response_cookies:
            _tie_cookies(found, position, attributed, entry.response_cookies,
                         attributed.signature, "response", matcher, third_party)
    return found


def _tie_cookies(  # noqa: PLR0917 (private helper)
    found: list[AttributedCookie],
    position: int,
    attributed: AttributedEntry,
    cookies: tuple[Cookie, ...],
    tag: Signature | None,
    evidence: CookieEvidence,
    matcher: Matcher,
    third_party: _ThirdParty,
) -> None:
    """Add to ``found`` the cookies of a request or response that are tied to a tag.

    A cookie's name ties it first; else ``tag``, with ``evidence``. A sent cookie's domain
    is not recorded: the request host stands in for matching and for telling first from
    third party. A set cookie without a Domain attribute belongs to the host that set it.
    """
    entry = attributed.entry
    host = entry.url.host
    response = evidence == "response"
    match_cookie = matcher.match_cookie
    for cookie in cookies:
        site = cookie.domain or host
        match = match_cookie(cookie.name, site or None)
        signature: Signature
        how: CookieEvidence
        if match is not None:
            signature, how = match.signature, "name"
        elif tag is not None:
            signature, how = tag, evidence
        else:
            continue
        found.append(AttributedCookie(
            cookie=cookie, signature=signature, evidence=how, input=position,
            domain=(site if response else cookie.domain) or None,
            third_party=third_party[site],
            lifetime_days=_lifetime(cookie.expires, cookie.seen or entry.started)
            if response else None,
        ))


def _jar_cookies(
    position: int,
    jar: CookieJar,
    first_party: frozenset[str],
    matcher: Matcher,
    reference: datetime | None,
) -> list[AttributedCookie]:
    found = []
    for cookie in jar.cookies:
        match = matcher.match_cookie(cookie.name, cookie.domain)
        signature = match.signature if match is not None else None
        evidence: CookieEvidence = "name"
        if signature is None and cookie.domain:
            host_match = matcher.match_host(cookie.domain)
            if host_match is not None and registrable_domain(cookie.domain) not in first_party:
                signature, evidence = host_match, "host"
        if signature is None:
            continue
        domain = cookie.domain
        found.append(AttributedCookie(
            cookie=cookie, signature=signature, evidence=evidence, input=position,
            domain=domain or None,
            third_party=bool(domain) and registrable_domain(domain or "") not in first_party,
            lifetime_days=_lifetime(cookie.expires, cookie.seen or reference),
        ))
    return found

"""Attribute every request and cookie of the inputs to the tag that made it.

A pure function of (captures, cookie jars, matcher, first-party aliases, owners): no I/O
and no state kept between calls. First each page's first party, from its main document
and the organisation that owns it; then the traffic that is no tag (certificate checks,
the browser's own requests, local servers, navigations away); then requests are matched
by URL pattern, then host, and requests that no signature claims are linked to the known
tag that ultimately caused them by following the initiator chain (Chrome's ``_initiator``
URL and stack, then redirects, then the ``Referer`` header). A cookie belongs to the tag
whose response set it, else to the tag whose hosts its domain lies under, else to the tag
whose distinctive name pattern it matches.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Final, Literal, Protocol

from attrs import frozen

from tagsig._audit.party import (
    PageSite,
    is_navigation,
    page_key,
    page_sites,
    registrable_domain,
)
from tagsig._audit.traffic import NoTagReason, capture_reasons, is_local_host
from tagsig._inputs.models import Capture, Cookie, CookieJar, Entry
from tagsig._inputs.url import parse_url
from tagsig._signatures.match import Matcher
from tagsig._signatures.model import Signature

__all__ = [
    "AttributedCookie",
    "AttributedEntry",
    "Attribution",
    "CookieBy",
    "CookieEvidence",
    "EntryRef",
    "NoOwners",
    "Owners",
    "attribute",
]

CookieEvidence = Literal["name", "response", "host"]
"""How a cookie was tied to a tag, in the report's first terms: ``name`` (its name
matched a signature pattern), ``response`` (set by a response of the tag), ``host`` (its
domain lies under the tag's hosts). See :data:`CookieBy`."""

CookieBy = Literal["response", "domain", "name"]
"""Why a cookie was tied to its tag, strongest first: it was set by a response of the tag;
its domain (or the third-party host it was sent to) lies under the tag's hosts; its name
matched one of the tag's patterns (only distinctive names decide alone)."""

_EVIDENCE: Final[dict[CookieBy, CookieEvidence]] = {
    "response": "response",
    "domain": "host",
    "name": "name",
}

_UrlFacts = tuple["Signature | None", "str | None"]
"""What an initiator chain needs of a URL: the tag serving it, and the registrable domain
of its host (``None`` unless the URL names a network resource)."""

_FactsOfUrl = Callable[[str], _UrlFacts]

_MAX_CHAIN = 32
"""Longest initiator chain followed (guards against cycles in damaged captures)."""


class Owners(Protocol):
    """Who owns what, as attribution reads the organisation layer of the database.

    Owners are compared by the id of their current owner (the top of the chain of
    acquisitions).
    """

    def site_owner(self, host: str) -> str | None:
        """Return the current owner of the registrable domain of ``host``, if known."""

    def tag_owner(self, signature: Signature) -> str | None:
        """Return the current owner of the organisation behind ``signature``, if known."""

    def related_domains(self, host: str) -> frozenset[str]:
        """Return the registrable domains of ``host``'s owner and Related Website Set."""

    def hosting_platform(self, host: str) -> str | None:
        """Return the owner of the hosting platform that serves ``host`` for a customer."""

    def organisation_name(self, org_id: str) -> str | None:
        """Return the canonical name of organisation ``org_id``, if known."""


class NoOwners:
    """No organisation data: every site stands alone and no host is a hosting platform."""

    def site_owner(self, host: str) -> str | None:
        """Return ``None``: no owner is known."""
        return None

    def tag_owner(self, signature: Signature) -> str | None:
        """Return ``None``: no owner is known."""
        return None

    def related_domains(self, host: str) -> frozenset[str]:
        """Return the registrable domain of ``host`` alone."""
        return frozenset({registrable_domain(host)})

    def hosting_platform(self, host: str) -> str | None:
        """Return ``None``: no host is known to be a hosting platform."""
        return None

    def organisation_name(self, org_id: str) -> str | None:
        """Return ``None``: no organisation is known."""
        return None


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
    """Whether the request's host lies outside the first party of its page."""
    no_tag: NoTagReason | None = None
    """Why the request is no tag of the site (a certificate check, the browser's own
    traffic, a local server, a navigation away); ``None`` for the rest."""
    own: bool = False
    """Whether ``signature`` is a product of the organisation that owns the page's site
    (the site's own, not a third party's)."""


@frozen(kw_only=True)
class AttributedCookie:
    """One cookie observation tied to a tag."""

    cookie: Cookie
    signature: Signature
    by: CookieBy
    """Why the cookie was tied to the tag."""
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

    @property
    def evidence(self) -> CookieEvidence:
        """:attr:`by` in the report's first terms (see :data:`CookieEvidence`)."""
        return _EVIDENCE[self.by]


@frozen(kw_only=True)
class Attribution:
    """Which tag every request and cookie of the inputs belongs to."""

    captures: tuple[Capture, ...]
    jars: tuple[CookieJar, ...]
    first_party: tuple[frozenset[str], ...]
    """Registrable domains that are first party, per capture (those of all its pages)."""
    entries: tuple[AttributedEntry, ...]
    """Every entry of every capture, in input then file order."""
    cookies: tuple[AttributedCookie, ...]
    """Every cookie observation tied to a tag, in input order."""
    sites: tuple[tuple[PageSite, ...], ...] = ()
    """The first party of every page and what decided it, per capture."""
    own_tags: frozenset[str] = frozenset()
    """Ids of the tags that are products of the site's own organisation."""
    probably_first_party: tuple[tuple[str, str], ...] = ()
    """Unknown third-party hosts that behave like the site's own static hosts, with the
    reason, sorted by host (see :func:`probable_first_parties`)."""

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
                first.entry.started,
                first.ref,
            ):
                earliest[tag_id] = attributed
        return {tag_id: first.initiated_by for tag_id, first in earliest.items()}


def attribute(
    captures: Sequence[Capture],
    jars: Sequence[CookieJar],
    matcher: Matcher,
    first_party: Iterable[str] = (),
    owners: Owners | None = None,
) -> Attribution:
    """Attribute the requests and cookies of ``captures`` and ``jars`` to tags.

    Args:
        captures: The captures, in input order.
        jars: The cookie jars; their input positions follow the captures'.
        matcher: The compiled signature database.
        first_party: Extra first-party domains (the site's own CDNs), added to the first
            party of each page (its main document's registrable domain and the other
            domains of the organisation that owns it).
        owners: Who owns which domains and tags; ``None`` when nothing is known.

    Returns:
        The attribution.

    """
    owners = owners if owners is not None else NoOwners()
    aliases = frozenset(registrable_domain(a) for a in first_party if a.strip())
    # Initiator chains name the same scripts over and over: look each URL up once per call.
    url_facts: dict[str, _UrlFacts] = {}

    def facts_of_url(raw: str) -> _UrlFacts:
        facts = url_facts.get(raw)
        if facts is None:
            url = parse_url(raw)
            facts = url_facts[raw] = (
                (matcher.match_url(url), registrable_domain(url.host))
                if url.is_network
                else (None, None)
            )
        return facts

    entries: list[AttributedEntry] = []
    cookies: list[AttributedCookie] = []
    parties: list[frozenset[str]] = []
    sites: list[tuple[PageSite, ...]] = []
    for position, capture in enumerate(captures):
        pages = _Pages(capture, aliases, owners)
        parties.append(pages.all_first)
        sites.append(pages.sites)
        attributed = _attribute_entries(position, capture, pages, matcher, owners, facts_of_url)
        entries.extend(attributed)
        deciding = _CookieOwners(matcher, owners, attributed)
        cookies.extend(_capture_cookies(position, attributed, pages, deciding))
    all_first = aliases.union(*parties)
    # Jar cookies' lifetimes count from the earliest request; most runs have no jar.
    reference = min((e.entry.started for e in entries), default=None) if jars else None
    # With captures, a jar (which holds the cookies of every site the browser visited)
    # counts only for the vendors that made requests in them.
    deciding = _CookieOwners(matcher, owners, entries if captures else None)
    for offset, jar in enumerate(jars):
        cookies.extend(_jar_cookies(len(captures) + offset, jar, all_first, deciding, reference))
    return Attribution(
        captures=tuple(captures),
        jars=tuple(jars),
        first_party=tuple(parties),
        entries=tuple(entries),
        cookies=tuple(cookies),
        sites=tuple(sites),
        own_tags=_own_tags(entries),
        probably_first_party=probable_first_parties(entries, sites, owners),
    )


_STATIC_TYPES: Final = frozenset({"image", "stylesheet", "font", "script", "media"})
_GENERIC_TOKENS: Final = frozenset(
    {
        "cdn",
        "static",
        "img",
        "image",
        "images",
        "media",
        "assets",
        "asset",
        "content",
        "api",
        "www",
        "cache",
        "files",
        "file",
        "js",
        "css",
        "src",
        "web",
        "net",
        "com",
        "site",
        "app",
        "cloud",
        "data",
        "pics",
        "video",
        "edge",
        "origin",
        "secure",
    }
)
_IDENTIFIER: Final = re.compile(r"[A-Za-z0-9_\-.%]{16,}")


def probable_first_parties(
    entries: Sequence[AttributedEntry],
    sites: Sequence[Sequence[PageSite]],
    owners: Owners | None = None,
) -> tuple[tuple[str, str], ...]:
    """Return the unknown hosts that behave like the site's own static hosts, with why.

    Such a host serves only the page's images, styles, fonts and scripts, to requests the
    page itself made; no cookie is set or sent there and no query carries what looks like
    an identifier; and its name shares the site's brand (``aftonbladet-cdn.se`` for
    ``aftonbladet.se``, ``nyt.com`` for ``nytimes.com``: a word of the host's name is the
    brand, or an abbreviation of it that keeps its first letter). On a hosting platform
    the customer's name is the host's own labels or the first segment of its path
    (``mytoysgroup.scene7.com``, ``s3.amazonaws.com/aftonbladet-static/``). They are listed
    apart from the unknown third parties and raise no flag; ``--first-party`` confirms
    them.

    >>> _shares_brand("aftonbladet-cdn.se", {"aftonbladet"}), _shares_brand("nyt.com", {"nytimes"})
    ('aftonbladet', 'nytimes')
    >>> _shares_brand("cdn-tracker.net", {"nytimes"}) is None
    True
    """
    brands = {_label(site.domain) for pages in sites for site in pages if site.domain}
    brands.discard("")
    if not brands:
        return ()
    hosts: dict[str, list[AttributedEntry]] = {}
    for attributed in entries:
        if attributed.signature is None and attributed.third_party:
            hosts.setdefault(attributed.entry.url.host, []).append(attributed)
    found = []
    for host, group in sorted(hosts.items()):
        names = [registrable_domain(host)]
        if owners is not None and owners.hosting_platform(host) is not None:
            # A customer's space: its name is in the host's own labels or the path.
            names = [host.rsplit(".", 2)[0], *(_first_segment(a.entry) for a in group[:1])]
        brand = next((b for name in names if (b := _shares_brand(name, brands))), None)
        if brand is None or not all(_static_from_page(a) for a in group):
            continue
        found.append(
            (
                host,
                f"serves only static files the page requested, with no "
                f"cookies and no identifiers, and its name shares the site's "
                f"brand ({brand})",
            )
        )
    return tuple(found)


def _first_segment(entry: Entry) -> str:
    """Return the first segment of the request's path, as a host-like name."""
    return entry.url.path.strip("/").split("/", 1)[0].replace(".", "-")


def _label(domain: str) -> str:
    """Return the name part of a registrable domain: ``nytimes`` for ``nytimes.com``."""
    return domain.split(".", 1)[0]


def _shares_brand(domain: str, brands: Iterable[str]) -> str | None:
    tokens = [
        t for t in re.split(r"[^a-z]+", _label(domain)) if len(t) >= 3 and t not in _GENERIC_TOKENS
    ]
    for brand in sorted(brands):
        for token in tokens:
            if (
                token == brand
                or (len(token) >= 4 and token in brand)
                or (len(brand) >= 4 and brand in token)
                or _abbreviates(token, brand)
            ):
                return brand
    return None


def _abbreviates(token: str, brand: str) -> bool:
    """Whether ``token`` is ``brand`` with letters left out, keeping its first one."""
    if token[0] != brand[0] or len(token) >= len(brand):
        return False
    letters = iter(brand)
    return all(char in letters for char in token)


def _static_from_page(attributed: AttributedEntry) -> bool:
    entry = attributed.entry
    if attributed.initiated_by is not None or entry.request_cookies or entry.response_cookies:
        return False
    kind = entry.resource_type
    mime = entry.mime_type
    static = (
        kind in _STATIC_TYPES
        if kind
        else (
            mime.startswith(("image/", "font/", "text/css", "video/", "audio/"))
            or "javascript" in mime
            or "font" in mime
            or mime == ""
        )
    )
    if not static or entry.method != "GET":
        return False
    query = entry.url.query
    return not query or not any(
        _IDENTIFIER.fullmatch(value)
        for value in (part.partition("=")[2] for part in query.split("&"))
    )


def _own_tags(entries: Sequence[AttributedEntry]) -> frozenset[str]:
    """Ids of the tags all of whose requests are the site's own organisation's."""
    own: dict[str, bool] = {}
    for attributed in entries:
        if attributed.signature is not None:
            tag_id = attributed.signature.id
            own[tag_id] = own.get(tag_id, True) and attributed.own
    return frozenset(tag_id for tag_id, is_own in own.items() if is_own)


class _Pages:
    """The pages of one capture: each page's site, first party and owner.

    Also which requests are no tag: certificate checks, the browser's own, local servers
    (unless the page is served by one) and navigations away from the page's site.
    """

    def __init__(self, capture: Capture, aliases: frozenset[str], owners: Owners) -> None:
        reasons = capture_reasons(capture)
        sites = page_sites(capture, reasons)
        self.key = page_key(capture)
        listed = {page.id for page in capture.pages}
        # Entries of a page the capture does not list, at another site than its pages:
        # the browser left the audited site, and the producer did not record that page.
        self.sites = tuple(s for s in sites if not listed or s.page in listed)
        audited = {site.domain for site in self.sites}
        away = {
            s.page for s in sites if listed and s.page not in listed and s.domain not in audited
        }
        if away:
            for entry in capture.entries:
                if self.key(entry) in away and entry.index not in reasons:
                    reasons[entry.index] = "navigation"
        self.party: dict[str | None, frozenset[str]] = {}
        self.owner: dict[str | None, str | None] = {}
        documents: set[int] = set()
        for site in self.sites:
            domains = set(aliases)
            if site.domain:
                domains.update(owners.related_domains(site.domain))
                domains.add(site.domain)
            self.party[site.page] = frozenset(domains)
            self.owner[site.page] = owners.site_owner(site.domain) if site.domain else None
            if site.entry is not None:
                documents.add(site.entry)
        self.all_first = aliases.union(*self.party.values())
        by_index = {entry.index: entry for entry in capture.entries}
        local_pages = {site.page for site in self.sites if is_local_host(site.domain)}
        for entry in capture.entries:
            # A page served by a local server: the local servers are its first party.
            if reasons.get(entry.index) == "local-server" and self.key(entry) in local_pages:
                del reasons[entry.index]
        for site in self.sites:
            for hop in site.hops:
                # A hop is judged by the page it was filed under (a navigation to another
                # page's site can sit in the page it left).
                entry = by_index[hop]
                party = self.party.get(self.key(entry), self.party[site.page])
                if registrable_domain(entry.url.host) not in party:
                    reasons[hop] = "navigation"
        for entry in capture.entries:
            if entry.index in documents or entry.index in reasons:
                continue
            if is_navigation(entry) and self.third_party(entry):
                reasons[entry.index] = "navigation"  # the browser left for another site
        for index in documents:
            reasons.pop(index, None)
        self.reasons: Mapping[int, NoTagReason] = reasons

    def first_party(self, entry: Entry) -> frozenset[str]:
        """Return the first party of the page ``entry`` belongs to."""
        return self.party.get(self.key(entry), self.all_first)

    def third_party(self, entry: Entry) -> bool:
        """Return whether ``entry``'s host lies outside the first party of its page."""
        return registrable_domain(entry.url.host) not in self.first_party(entry)


def _attribute_entries(  # noqa: PLR0917 (private helper)
    position: int,
    capture: Capture,
    pages: _Pages,
    matcher: Matcher,
    owners: Owners,
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
    third_parties: dict[tuple[str, str | None], bool] = {}
    hosted: dict[str, str | None] = {}
    match_url = matcher.match_url
    reasons = pages.reasons
    party = pages.all_first
    key = pages.key
    result = []
    for entry in capture.entries:
        ref = EntryRef(position, entry.index)
        reason = reasons.get(entry.index)
        if reason is not None:
            result.append(
                AttributedEntry(
                    ref=ref,
                    entry=entry,
                    signature=None,
                    initiated_by=None,
                    third_party=False,
                    no_tag=reason,
                )
            )
            continue
        host = entry.url.host
        signature = match_url(entry.url)
        if signature is not None:
            if host not in hosted:
                hosted[host] = owners.hosting_platform(host)
            platform = hosted[host]
            if platform is not None and owners.tag_owner(signature) == platform:
                signature = None  # a customer's content on a hosting platform
        own = signature.id if signature is not None else None
        parents = _parents(entry, redirected_from)
        cause = (own, parents)
        if cause in causes:
            initiator = causes[cause]
        else:
            initiator = causes[cause] = _initiating_tag(
                parents, own, party, by_url, redirected_from, facts_of_url
            )
        page = key(entry)
        # Whether a host is third party depends on its page, not on the request's scheme.
        third = third_parties.get((host, page))
        if third is None:
            third = third_parties[(host, page)] = pages.third_party(entry)
        owner = pages.owner.get(page)
        is_own = (
            signature is not None and owner is not None and (owners.tag_owner(signature) == owner)
        )
        result.append(
            AttributedEntry(
                ref=ref,
                entry=entry,
                signature=signature,
                initiated_by=initiator,
                third_party=third and not is_own,
                own=is_own,
            )
        )
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


class _CookieOwners:
    """Decide which tag a cookie belongs to.

    The response that set it, then its domain, then a distinctive name whose vendor does
    not contradict the domain's owner. A cookie is given by its name or its domain only
    to a vendor that made requests in the capture (``present``): a load balancer's,
    a bot manager's or a web framework's cookie on the site's host is the site's, and a
    jar holds the cookies of other sites visited before.
    """

    def __init__(
        self, matcher: Matcher, owners: Owners, present: Iterable[AttributedEntry] | None
    ) -> None:
        self.match_cookie = matcher.match_cookie
        self.match_host = matcher.match_host
        self.owners = owners
        self._site_owner: dict[str, str | None] = {}
        self.present: frozenset[str] | None = (
            None
            if present is None
            else frozenset(self.owner_key(a.signature) for a in present if a.signature is not None)
        )

    def _absent(self, signature: Signature) -> bool:
        return self.present is not None and self.owner_key(signature) not in self.present

    def decide(
        self, name: str, site: str, third: bool, tag: Signature | None, tag_by: CookieBy
    ) -> tuple[Signature, CookieBy] | None:
        """Return the tag of a cookie of ``site`` and why, or ``None``.

        ``tag`` is the tag of the response that set the cookie (``tag_by`` is
        ``response``) or of the request it was sent to (``domain``: it counts only for a
        third-party request, whose host the cookie's domain covers). The domain decides
        the owner of a third-party cookie; among that owner's tags, the one whose pattern
        the name matches is the most precise.
        """
        if tag is not None and tag_by == "response":
            return tag, tag_by
        match = self.match_cookie(name, site or None)
        named = match.signature if match is not None else None
        if named is not None and self._absent(named):
            named = None
        if not third or not site:
            return (named, "name") if named is not None else None
        by_domain = tag if tag is not None else self.match_host(site)
        if by_domain is not None and (tag is None and self._absent(by_domain)):
            by_domain = None
        if by_domain is not None:
            if named is not None and self.owner_key(named) == self.owner_key(by_domain):
                return named, "name"
            return by_domain, "domain"
        if named is None:
            return None
        # A name does not take a cookie away from the known owner of its domain.
        owner = self._owner(site)
        if owner is not None and owner != self.owner_key(named):
            return None
        return named, "name"

    def owner_key(self, signature: Signature) -> str:
        """Return who stands behind ``signature``: its current owner, else its vendor."""
        return self.owners.tag_owner(signature) or f"vendor:{signature.vendor.name}"

    def _owner(self, site: str) -> str | None:
        if site not in self._site_owner:
            self._site_owner[site] = self.owners.site_owner(site)
        return self._site_owner[site]


def _capture_cookies(
    position: int,
    entries: Sequence[AttributedEntry],
    pages: _Pages,
    deciding: _CookieOwners,
) -> list[AttributedCookie]:
    found: list[AttributedCookie] = []
    memo: dict[frozenset[str], _ThirdParty] = {}
    for attributed in entries:
        entry = attributed.entry
        if attributed.no_tag is not None or not (entry.request_cookies or entry.response_cookies):
            continue
        party = pages.first_party(entry)
        third_party = memo.get(party)
        if third_party is None:
            third_party = memo[party] = _ThirdParty(party)
        if entry.request_cookies:
            _tie_cookies(
                found, position, attributed, entry.request_cookies, "domain", deciding, third_party
            )
        if entry.response_cookies:
            _tie_cookies(
                found,
                position,
                attributed,
                entry.response_cookies,
                "response",
                deciding,
                third_party,
            )
    return found


def _tie_cookies(  # noqa: PLR0917 (private helper)
    found: list[AttributedCookie],
    position: int,
    attributed: AttributedEntry,
    cookies: tuple[Cookie, ...],
    tag_by: CookieBy,
    deciding: _CookieOwners,
    third_party: _ThirdParty,
) -> None:
    """Add to ``found`` the cookies of a request or response that are tied to a tag.

    A sent cookie's domain is not recorded: the request host stands in for matching and
    for telling first from third party. A set cookie without a Domain attribute belongs
    to the host that set it.
    """
    entry = attributed.entry
    host = entry.url.host
    response = tag_by == "response"
    tag = attributed.signature
    for cookie in cookies:
        site = cookie.domain or host
        third = third_party[site] and not attributed.own
        decided = deciding.decide(cookie.name, site, third, tag, tag_by)
        if decided is None:
            continue
        signature, by = decided
        found.append(
            AttributedCookie(
                cookie=cookie,
                signature=signature,
                by=by,
                input=position,
                domain=(site if response else cookie.domain) or None,
                third_party=third,
                lifetime_days=_lifetime(cookie.expires, cookie.seen or entry.started)
                if response
                else None,
            )
        )


def _jar_cookies(
    position: int,
    jar: CookieJar,
    first_party: frozenset[str],
    deciding: _CookieOwners,
    reference: datetime | None,
) -> list[AttributedCookie]:
    found = []
    third_party = _ThirdParty(first_party)
    for cookie in jar.cookies:
        domain = cookie.domain or ""
        third = third_party[domain]
        decided = deciding.decide(cookie.name, domain, third, None, "domain")
        if decided is None:
            continue
        signature, by = decided
        found.append(
            AttributedCookie(
                cookie=cookie,
                signature=signature,
                by=by,
                input=position,
                domain=domain or None,
                third_party=third,
                lifetime_days=_lifetime(cookie.expires, cookie.seen or reference),
            )
        )
    return found

"""Tell each page's first party from its main document, and third parties by registrable domain."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Final, Literal, TypeAlias
from urllib.parse import urljoin

from attrs import frozen

from tagsig._audit.traffic import NoTagReason, capture_reasons
from tagsig._inputs.models import Capture, Entry
from tagsig._inputs.psl import public_suffix_list
from tagsig._inputs.url import parse_url

__all__ = [
    "PageSite",
    "SiteEvidence",
    "first_party_domains",
    "is_navigation",
    "is_third_party",
    "page_key",
    "page_sites",
    "registrable_domain",
]


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """Return the registrable domain (eTLD+1) of ``host``, using the Public Suffix List.

    Private-section suffixes count (``foo.github.io`` is its own site, not GitHub's).
    Under an unlisted top-level label the last two labels count, as the list's default
    rule says. IP addresses, ``localhost``, hosts that are themselves a public suffix and
    names with an empty label (``.com``, ``.example.com``: they have no registrable
    domain) are returned unchanged (lower-cased, without brackets or a trailing dot).

    >>> registrable_domain("www.bbc.co.uk")
    'bbc.co.uk'
    >>> registrable_domain("foo.github.io")
    'foo.github.io'
    >>> registrable_domain("www.shop.example")
    'shop.example'
    >>> registrable_domain("[2001:db8::1]")
    '2001:db8::1'
    """
    name = host.strip().strip("[]").rstrip(".").lower()
    if not name or _is_ip(name):
        return name
    return public_suffix_list().registrable_domain(name) or name


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


SiteEvidence: TypeAlias = Literal["title", "navigation", "html", "referer", "request", "none"]
"""How the first party of a page was found, strongest first.

- ``title``: the page's recorded title is a URL (or names one, as WebPageTest and
  Browsertime write it), and the page's request for it led to the document;
- ``navigation``: the producer marks the request as a top-level navigation
  (``Sec-Fetch-Dest: document``, or a ``document`` resource the browser itself started);
- ``html``: the page's first HTML response requested without a ``Referer`` (a typed
  navigation), after its redirects;
- ``referer``: no document was recorded; the page's requests name it in their ``Referer``;
- ``request``: the first network request of the page (a last resort);
- ``none``: the page has no network request at all.
"""

_TITLE_URL: Final = re.compile(r"(?:https?|wss?)://[^\s\"'<>]+", re.IGNORECASE)
_HTML: Final = frozenset({"text/html", "application/xhtml+xml"})
_MAX_HOPS: Final = 20
_REFERER_SAMPLE: Final = 50
"""Requests of a page whose ``Referer`` may name its missing document."""


@frozen(kw_only=True)
class PageSite:
    """The first party of one page of a capture, and the evidence that decided it."""

    page: str | None
    """The page id (``pageref``); ``None`` for a capture without pages."""
    domain: str
    """Registrable domain of the page's main document ('' when the page has none)."""
    entry: int | None
    """Index of the entry that decided it: the document after its redirects; ``None``
    when no entry of the capture holds the document (``referer`` or ``none``)."""
    url: str | None
    """URL of the document."""
    evidence: SiteEvidence
    """How it was found."""
    hops: tuple[int, ...] = ()
    """Indexes of the redirects that led to the document, first first."""


def page_key(capture: Capture) -> Callable[[Entry], str | None]:
    """Return the function giving each entry of ``capture`` the page it belongs to.

    An entry belongs to the page its ``pageref`` names; in a capture with pages, an
    entry without one belongs to the latest page started before it (the first page when
    none was). A capture without pages is one page, ``None``.
    """
    if not capture.pages:
        return lambda entry: entry.pageref
    starts = sorted(
        (page.started, position, page.id)
        for position, page in enumerate(capture.pages)
        if page.started is not None
    )
    first = capture.pages[0].id

    def key(entry: Entry) -> str | None:
        if entry.pageref is not None:
            return entry.pageref
        chosen = first
        for started, _position, page_id in starts:
            if started > entry.started:
                break
            chosen = page_id
        return chosen

    return key


def page_sites(
    capture: Capture, reasons: Mapping[int, NoTagReason] | None = None
) -> tuple[PageSite, ...]:
    """Return the first party of every page of ``capture``, from its main document.

    Pages come in the capture's order, then the page ids entries name that the capture
    does not list, in the order they first appear. Certificate checks and the browser's
    or the capture tool's own requests never decide a page's first party (``reasons``:
    those of :func:`tagsig._audit.traffic.capture_reasons`, computed when not given).

    >>> from tagsig import load_har
    >>> capture = load_har(b\'\'\'{"log": {"version": "1.2", "creator": {"name": "x"},
    ...   "pages": [{"id": "p", "title": "Shop", "startedDateTime": "2024-01-01T00:00:00Z",
    ...              "pageTimings": {}}],
    ...   "entries": [
    ...     {"pageref": "p", "startedDateTime": "2024-01-01T00:00:00.1Z", "time": 1,
    ...      "request": {"method": "POST", "url": "http://ocsp.digicert.com/",
    ...                  "httpVersion": "", "headers": [], "cookies": [], "queryString": [],
    ...                  "headersSize": -1, "bodySize": 0},
    ...      "response": {"status": 200, "statusText": "", "httpVersion": "", "headers": [],
    ...                   "cookies": [], "content": {"size": 0,
    ...                   "mimeType": "application/ocsp-response"}, "redirectURL": "",
    ...                   "headersSize": -1, "bodySize": 0},
    ...      "cache": {}, "timings": {"send": 0, "wait": 0, "receive": 0}},
    ...     {"pageref": "p", "startedDateTime": "2024-01-01T00:00:00.2Z", "time": 1,
    ...      "request": {"method": "GET", "url": "https://www.shop.example/",
    ...                  "httpVersion": "", "headers": [], "cookies": [], "queryString": [],
    ...                  "headersSize": -1, "bodySize": 0},
    ...      "response": {"status": 200, "statusText": "", "httpVersion": "", "headers": [],
    ...                   "cookies": [], "content": {"size": 0, "mimeType": "text/html"},
    ...                   "redirectURL": "", "headersSize": -1, "bodySize": 0},
    ...      "cache": {}, "timings": {"send": 0, "wait": 0, "receive": 0}}]}}\'\'\')
    >>> site, = page_sites(capture)
    >>> site.domain, site.entry, site.evidence
    ('shop.example', 1, 'html')
    """
    if reasons is None:
        reasons = capture_reasons(capture)
    key = page_key(capture)
    groups: dict[str | None, list[Entry]] = {page.id: [] for page in capture.pages}
    ordered = sorted(capture.entries, key=lambda e: (e.started, e.index))
    for entry in ordered:
        groups.setdefault(key(entry), []).append(entry)
    titles = {page.id: page.title for page in capture.pages}
    urls = _UrlIndex(ordered)
    return tuple(
        _page_site(
            page,
            [
                e
                for e in entries
                if reasons.get(e.index, "local-server") == "local-server" and e.url.is_network
            ],
            titles.get(page or ""),
            urls,
        )
        for page, entries in groups.items()
    )


class _UrlIndex:
    """The entries of a capture by URL, to follow redirects and find named documents.

    Built on first use: most pages need no look-up.
    """

    def __init__(self, ordered: Sequence[Entry]) -> None:
        self._ordered = ordered
        self._by_raw: dict[str, list[Entry]] | None = None
        self._by_url: dict[str, list[Entry]] | None = None
        self._redirects: dict[str, list[Entry]] | None = None

    def redirect_to(self, entry: Entry) -> Entry | None:
        """Return the latest earlier entry whose redirect leads to ``entry``, if any."""
        if self._redirects is None:
            self._redirects = {}
            for item in self._ordered:
                if item.redirect_url:
                    target = _comparable(urljoin(item.url.raw, item.redirect_url))
                    self._redirects.setdefault(target, []).append(item)
        found = None
        for item in self._redirects.get(_comparable(entry.url.raw), ()):
            if item.index != entry.index and item.started <= entry.started:
                found = item
        return found

    def find(self, url: str, after: Entry | None = None) -> Entry | None:
        """Return the first entry for ``url`` (started no earlier than ``after``).

        URLs as recorded are tried first; only a miss compares every URL reduced (case,
        end slash, port), which costs a pass over the capture.
        """
        if self._by_raw is None:
            self._by_raw = {}
            for entry in self._ordered:
                self._by_raw.setdefault(entry.url.raw, []).append(entry)
        found = self._first(self._by_raw.get(url, ()), after)
        if found is not None:
            return found
        if self._by_url is None:
            self._by_url = {}
            for entry in self._ordered:
                self._by_url.setdefault(_comparable(entry.url.raw), []).append(entry)
        return self._first(self._by_url.get(_comparable(url), ()), after)

    @staticmethod
    def _first(entries: Iterable[Entry], after: Entry | None) -> Entry | None:
        for entry in entries:
            if after is None or (entry.index != after.index and entry.started >= after.started):
                return entry
        return None


def _page_site(
    page: str | None, candidates: list[Entry], title: str | None, urls: _UrlIndex
) -> PageSite:
    if not candidates:
        return PageSite(page=page, domain="", entry=None, url=None, evidence="none")
    title_url = _title_url(title)
    start, evidence = _main_request(candidates, title_url)
    if start is None and title_url is not None:
        # The producer records the page's URL as its title, and its request is missing.
        return PageSite(
            page=page,
            domain=registrable_domain(parse_url(title_url).host),
            entry=None,
            url=title_url,
            evidence="title",
        )
    if start is None:
        referer, sites = _named_referer(candidates)
        if referer is not None:
            start = urls.find(referer)
            if start is None:
                return PageSite(
                    page=page,
                    domain=registrable_domain(parse_url(referer).host),
                    entry=None,
                    url=referer,
                    evidence="referer",
                )
            evidence = "referer"
        elif sites > 1:
            # No document, and the requests come from several sites' pages (loose flows of
            # a proxy): the first party cannot be told.
            return PageSite(page=page, domain="", entry=None, url=None, evidence="none")
        else:
            html = next((e for e in candidates if _is_html(e)), None)
            start, evidence = (html, "html") if html is not None else (candidates[0], "request")
    chain = _redirects(start, urls)
    # The redirects that led to the first request, wherever the producer filed them.
    seen = {entry.index for entry in chain}
    for _ in range(_MAX_HOPS):
        before = urls.redirect_to(chain[0])
        if before is None or before.index in seen:
            break
        chain.insert(0, before)
        seen.add(before.index)
    document = chain[-1]
    return PageSite(
        page=page,
        domain=registrable_domain(document.url.host),
        entry=document.index,
        url=document.url.raw,
        evidence=evidence,
        hops=tuple(hop.index for hop in chain[:-1]),
    )


def _title_url(title: str | None) -> str | None:
    """Return the network URL a page's title names (``Run 1, First View for URL``), if any."""
    named = _TITLE_URL.search(title) if title else None
    return named.group(0) if named is not None and parse_url(named.group(0)).host else None


def _main_request(
    candidates: Sequence[Entry],
    title_url: str | None,
) -> tuple[Entry | None, SiteEvidence]:
    """Return the request that started the page's main document, and how it was told.

    ``None`` when the document was not recorded: the page's first request is no
    document (a capture started late), or the producer marks navigations and marks none;
    with ``title`` when the page's title names its URL nonetheless.
    """
    if title_url is not None:
        wanted = _comparable(title_url)
        host = wanted.partition("/")[0].partition("?")[0]
        for entry in candidates:
            if entry.url.host == host and _comparable(entry.url.raw) == wanted:
                return entry, "title"
    marked = False
    for entry in candidates:
        navigation = is_navigation(entry)
        if navigation:
            return entry, "navigation"
        marked = marked or navigation is not None
    if title_url is not None:
        return None, "title"  # the title names the page, whose request is missing
    if marked:
        return None, "none"
    first = candidates[0]
    return (first, "html") if _is_html(first) else (None, "none")


def is_navigation(entry: Entry) -> bool | None:
    """Whether ``entry`` is a top-level navigation; ``None`` when the producer does not say.

    ``Sec-Fetch-Dest: document`` says so (``iframe`` and the rest say not); without it, a
    ``document`` resource that the browser itself started (initiator ``other``) is one,
    and a document that a page's parser or script started is a frame.
    """
    kind = entry.resource_type
    if kind is not None and kind != "document":
        return False  # the producer records the type: only documents navigate
    dest = entry.request_headers.get("sec-fetch-dest")
    if dest:
        return dest.strip().lower() == "document"
    if kind is None:
        return None
    initiator = entry.initiator
    return initiator is None or initiator.type in {"other", "navigation", ""}


def _is_html(entry: Entry) -> bool:
    if entry.mime_type in _HTML:
        return True
    # A redirect often has no body type: the Accept header tells a document request.
    accept = entry.request_headers.get("accept") or ""
    return entry.redirect_url is not None and 300 <= entry.status < 400 and ("text/html" in accept)


def _named_referer(candidates: Sequence[Entry]) -> tuple[str | None, int]:
    """Return the ``Referer`` that most of the page's first requests send, if one does.

    It must be sent by at least two requests and by more than half of those that send one.
    Also returns how many sites the ``Referer`` headers name.
    """
    counts: dict[str, int] = {}
    sites: set[str] = set()
    for entry in candidates[:_REFERER_SAMPLE]:
        referer = entry.request_headers.get("referer")
        if referer:
            url = parse_url(referer)
            if url.is_network:
                counts[referer] = counts.get(referer, 0) + 1
                sites.add(registrable_domain(url.host))
    if not counts:
        return None, 0
    best = max(counts, key=counts.__getitem__)  # the first of equals: insertion order
    if counts[best] >= 2 and counts[best] * 2 > sum(counts.values()):
        return best, len(sites)
    return None, len(sites)


def _redirects(start: Entry, urls: _UrlIndex) -> list[Entry]:
    chain = [start]
    seen = {start.index}
    current = start
    for _ in range(_MAX_HOPS):
        target = current.redirect_url
        following = urls.find(urljoin(current.url.raw, target), current) if target else None
        if following is None or following.index in seen:
            break
        chain.append(following)
        seen.add(following.index)
        current = following
    return chain


def _comparable(url: str) -> str:
    """Reduce a URL for comparing: lower-case host, no scheme, port, fragment or end slash.

    >>> _comparable("HTTPS://WWW.Example.com:443/a/?q=1#top"), _comparable("http://x.org")
    ('www.example.com/a/?q=1', 'x.org')
    """
    text = url.strip().partition("#")[0]
    scheme_end = text.find("://")
    rest = text[scheme_end + 3 :] if scheme_end >= 0 else text
    cut = len(rest)
    for mark in "/?":
        found = rest.find(mark)
        if 0 <= found < cut:
            cut = found
    host = rest[:cut].rpartition("@")[2].lower()
    if host[-1:].isdigit() and ":" in host and not host.endswith("]"):
        host = host.rpartition(":")[0]
    return f"{host.rstrip('.')}{rest[cut:]}".rstrip("/")


def first_party_domains(capture: Capture, aliases: Iterable[str] = ()) -> frozenset[str]:
    """Return the registrable domains that are first party for ``capture``.

    They are the registrable domain of the main document of each page (see
    :func:`page_sites`), plus ``aliases`` (the site's own CDNs and other domains),
    themselves reduced to registrable domains.
    """
    domains = {registrable_domain(alias) for alias in aliases if alias.strip()}
    domains.update(site.domain for site in page_sites(capture))
    domains.discard("")
    return frozenset(domains)


def is_third_party(host: str, first_party: frozenset[str]) -> bool:
    """Whether ``host`` lies outside every registrable domain in ``first_party``."""
    return registrable_domain(host) not in first_party

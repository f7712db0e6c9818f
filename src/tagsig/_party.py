"""Tell first parties from third parties by registrable domain (eTLD+1), strictly offline."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from tagsig._models import Capture, Entry
from tagsig._psl import public_suffix_list

__all__ = ["first_party_domains", "is_third_party", "registrable_domain"]


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


def first_party_domains(capture: Capture, aliases: Iterable[str] = ()) -> frozenset[str]:
    """Return the registrable domains that are first party for ``capture``.

    They are the registrable domain of the first document of each page (the first
    entry of the page, or of the capture when it has no pages), plus ``aliases``
    (the site's own CDNs and other domains), themselves reduced to registrable domains.
    """
    domains = {registrable_domain(alias) for alias in aliases if alias.strip()}
    by_url = {entry.url.raw: entry for entry in capture.entries}
    seen_pages: set[str | None] = set()
    for entry in sorted(capture.entries, key=lambda e: (e.started, e.index)):
        if entry.pageref in seen_pages or not entry.url.is_network:
            continue
        seen_pages.add(entry.pageref)
        # Follow the document's redirects (http -> https, apex -> www, other domains).
        hops: Entry | None = entry
        for _ in range(20):
            if hops is None:
                break
            domains.add(registrable_domain(hops.url.host))
            hops = by_url.get(hops.redirect_url) if hops.redirect_url else None
    domains.discard("")
    return frozenset(domains)


def is_third_party(host: str, first_party: frozenset[str]) -> bool:
    """Whether ``host`` lies outside every registrable domain in ``first_party``."""
    return registrable_domain(host) not in first_party

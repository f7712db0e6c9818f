"""Experimental: the analysis engine's building blocks, for tools built on tagsig.

Everything here (the matcher, the attribution of requests and cookies to tags, the weight
of a request, the first-party domains of a capture) may change or go away in any release
without notice or deprecation. Programs that audit captures need only :mod:`tagsig`.

Names are imported on first use, as in :mod:`tagsig`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tagsig import _ENGINE_EXPORTS, _load

if TYPE_CHECKING:
    from tagsig._audit.attribute import (
        AttributedCookie,
        AttributedEntry,
        Attribution,
        CookieEvidence,
        EntryRef,
        attribute,
    )
    from tagsig._audit.measure import transfer_bytes
    from tagsig._audit.party import first_party_domains
    from tagsig._signatures.match import CookieMatch, Matcher

_MODULE_OF = {name: module for module, names in _ENGINE_EXPORTS.items() for name in names}

__all__ = [
    "AttributedCookie",
    "AttributedEntry",
    "Attribution",
    "CookieEvidence",
    "CookieMatch",
    "EntryRef",
    "Matcher",
    "attribute",
    "first_party_domains",
    "transfer_bytes",
]


def __getattr__(name: str) -> object:
    value = _load(name, _MODULE_OF, "tagsig.engine")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return __all__

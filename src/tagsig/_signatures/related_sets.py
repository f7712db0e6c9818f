"""Chrome's Related Website Sets: groups of sites that one organisation declares as its own.

The list (https://github.com/GoogleChrome/related-website-sets, Apache-2.0) is shipped as
``data/related-website-sets.json`` and read on first use. Each set has a primary site and
associated, service and country-code variant sites; all are registrable domains given as
``https://`` origins.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from typing import Final

from tagsig._exceptions import SignatureError
from tagsig._resources import data_file

__all__ = ["parse_related_website_sets", "related_website_sets"]

_NAME: Final = "related-website-sets.json"
_MEMBERS: Final = ("associatedSites", "serviceSites")


def _site(origin: object) -> str | None:
    if not isinstance(origin, str):
        return None
    site = origin.removeprefix("https://").removeprefix("http://").rstrip("/").lower()
    return site or None


def parse_related_website_sets(document: object) -> Mapping[str, frozenset[str]]:
    """Return each member site of the sets in ``document``, mapped to its whole set.

    Members that are not strings are skipped; a site in two sets belongs to the first.

    >>> sets = parse_related_website_sets({"sets": [
    ...     {"primary": "https://a.com", "associatedSites": ["https://b.com"]}]})
    >>> sorted(sets["b.com"])
    ['a.com', 'b.com']
    """
    raw_sets = document.get("sets") if isinstance(document, dict) else None
    found: dict[str, frozenset[str]] = {}
    for raw in raw_sets if isinstance(raw_sets, list) else ():
        if not isinstance(raw, dict):
            continue
        sites: list[object] = [raw.get("primary")]
        for member in _MEMBERS:
            listed = raw.get(member)
            sites.extend(listed if isinstance(listed, list) else ())
        variants = raw.get("ccTLDs")
        if isinstance(variants, dict):
            sites.extend(variants)
            for listed in variants.values():
                sites.extend(listed if isinstance(listed, list) else ())
        members = frozenset(_clean(sites))
        for site in sorted(members):
            found.setdefault(site, members)
    return found


def _clean(sites: Iterable[object]) -> Iterable[str]:
    for origin in sites:
        site = _site(origin)
        if site is not None:
            yield site


@functools.cache
def related_website_sets() -> Mapping[str, frozenset[str]]:
    """Return the shipped sets: each member site mapped to every site of its set.

    Raises:
        SignatureError: The shipped file is missing or is not JSON.

    """
    try:
        resource = data_file(_NAME)
        document: object = json.loads(resource.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise SignatureError(
            f"expected the shipped Related Website Sets {_NAME!r}, found none "
            "(the installation is incomplete)"
        ) from e
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SignatureError(
            f"expected the Related Website Sets as JSON, found {e}", path=_NAME
        ) from e
    return parse_related_website_sets(document)

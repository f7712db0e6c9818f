"""The tag catalogue: what tagsig knows about one tag, in the order of the catalogue page.

An entry joins a signature of the bundled database with ``data/catalogue.json``, which
holds what the page needs and the signature database does not: an overview, compliance
considerations (legal basis by purpose, transfer mechanism, what to configure), related
services and look-up aliases. The catalogue file is read on first use only, so
``tagsig analyze`` never loads it.

>>> entry = catalogue_entry("Intercom")
>>> entry.name, entry.category, entry.complexity, entry.consent
('Intercom', 'chat', 'high', 'functional')
>>> [cookie.name for cookie in entry.cookies]
['intercom-id-XXXXX', 'intercom-session-XXXXX', 'intercom-device-id-XXXXX']
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterable, Mapping
from typing import Final, Literal, TypeAlias, cast

from attrs import frozen

from tagsig._exceptions import SignatureError, UnknownTagError
from tagsig._i18n import DEFAULT_LANGUAGE, Language
from tagsig._resources import data_file
from tagsig._signatures.model import (
    EEA,
    Category,
    Complexity,
    ConsentPurpose,
    CookiePattern,
    Signature,
    SignatureDB,
)

__all__ = [
    "CatalogueCookie",
    "CatalogueEntry",
    "Compliance",
    "Detection",
    "DetectionMethod",
    "LawfulBasis",
    "LegalBasis",
    "Performance",
    "Prose",
    "RelatedService",
    "Transfer",
    "catalogue_entries",
    "catalogue_entry",
    "cookie_display_name",
]

LawfulBasis: TypeAlias = Literal["consent", "contract", "legal-obligation", "legitimate-interests"]
"""A lawful basis of GDPR Article 6(1)."""

Transfer: TypeAlias = Literal["eea", "adequacy", "dpf", "sccs"]
"""How personal data reaches the vendor from the EEA: no transfer (``eea``), an adequacy
decision, the EU-US Data Privacy Framework (``dpf``), standard contractual clauses."""

DetectionMethod: TypeAlias = Literal["network", "url", "cookie"]
"""How tagsig detects a tag: network hosts, URL patterns, cookie names."""

WILDCARD: Final = "XXXXX"
"""How the catalogue writes the variable part of a cookie name."""

_RELATED_LIMIT: Final = 6
_CATALOGUE_NAME: Final = "catalogue.json"


@frozen
class Prose:
    """A piece of catalogue prose in one or more languages (English always present)."""

    texts: tuple[tuple[Language, str], ...]
    """``(language, text)`` pairs, English first."""

    def text(self, language: Language) -> tuple[str, Language]:
        """Return the text in ``language`` and that language, else English and ``"en"``.

        >>> Prose((("en", "Chat"),)).text("ga")
        ('Chat', 'en')
        """
        found = dict(self.texts)
        if language in found:
            return found[language], language
        return found[DEFAULT_LANGUAGE], DEFAULT_LANGUAGE


@frozen(kw_only=True)
class CatalogueCookie:
    """A cookie of the tag, its name written as the catalogue writes it."""

    name: str
    """The name with ``XXXXX`` for its variable part (``intercom-id-XXXXX``)."""
    pattern: CookiePattern
    """The signature's pattern behind the name."""
    lifetime_days: float | None
    """Typical lifetime in days; ``None`` when unknown or for a session cookie."""


@frozen(kw_only=True)
class Detection:
    """How tagsig detects the tag (the page's "Detected capabilities")."""

    hosts: int
    """Host patterns (network requests)."""
    urls: int
    """URL patterns on shared hosts."""
    cookies: int
    """Cookie-name patterns."""

    @property
    def patterns(self) -> int:
        """Every pattern tagsig detects the tag by (the page's signature count)."""
        return self.hosts + self.urls + self.cookies

    @property
    def methods(self) -> tuple[DetectionMethod, ...]:
        """The methods that have at least one pattern, network first."""
        counts: tuple[tuple[DetectionMethod, int], ...] = (
            ("network", self.hosts),
            ("url", self.urls),
            ("cookie", self.cookies),
        )
        return tuple(method for method, count in counts if count)


@frozen(kw_only=True)
class Performance:
    """The tag's typical weight on a page."""

    script_kb: float | None
    """Typical script size in kilobytes; ``None`` when unknown."""
    requests_per_page: float | None
    """Typical requests per page view; ``None`` when unknown."""


@frozen(kw_only=True)
class LegalBasis:
    """The lawful basis a site would rely on for one purpose of the tag."""

    purpose: ConsentPurpose
    """The purpose."""
    basis: LawfulBasis
    """The lawful basis for it."""


@frozen(kw_only=True)
class Compliance:
    """What a site must consider to use the tag lawfully."""

    owner: str
    """The company behind the tag."""
    country: str | None
    """ISO 3166-1 alpha-2 code of the owner's home country; ``None`` when unknown."""
    transfer: Transfer | None
    """How personal data reaches the owner from the EEA; ``None`` when unknown."""
    legal_basis: tuple[LegalBasis, ...]
    """The lawful basis by purpose; empty when the catalogue has none."""
    configure: Prose | None
    """What to configure, in prose; ``None`` when the catalogue has none."""


@frozen(kw_only=True)
class RelatedService:
    """Another tag related to this one."""

    id: str
    """Its signature id."""
    name: str
    """Its name."""
    reason: Literal["catalogue", "vendor", "category"]
    """Why it is related: named by the catalogue, same vendor, or same category."""
    is_curated: bool
    """Whether it has a full catalogue page."""


@frozen(kw_only=True)
class CatalogueEntry:
    """Everything the catalogue page shows about one tag, in the page's order."""

    id: str
    """The signature id."""
    name: str
    """The product name."""
    category: Category
    """What the tag is for."""
    complexity: Complexity | None
    """How much the tag does in the page; ``None`` when unknown."""
    sets_cookies: bool | None
    """Whether the tag sets cookies; ``None`` when unknown."""
    sends_pii: bool | None
    """Whether the tag sends personal data; ``None`` when unknown."""
    cross_site_tracking: bool | None
    """Whether the tag follows visitors across sites; ``None`` when unknown."""
    consent: ConsentPurpose
    """The consent purpose the tag falls under."""
    cookies: tuple[CatalogueCookie, ...]
    """The tag's cookies."""
    overview: Prose | None
    """What the tag is and does; ``None`` for a tag without a catalogue text."""
    detection: Detection
    """How tagsig detects it."""
    performance: Performance
    """Its typical weight."""
    mistakes: tuple[str, ...]
    """Common integration mistakes, in prose."""
    compliance: Compliance
    """Compliance considerations."""
    related: tuple[RelatedService, ...]
    """Related services, best first: named by the catalogue, same vendor, same category
    (curated first)."""
    homepage: str | None
    """The product's home page."""
    is_curated: bool
    """Whether the tag is curated (has a full catalogue page)."""

    @property
    def consent_required(self) -> bool:
        """Whether the tag needs the visitor's consent (any purpose but ``essential``)."""
        return self.consent != "essential"


def cookie_display_name(pattern: CookiePattern) -> str:
    """Write a cookie pattern's name as the catalogue does, ``XXXXX`` for the variable part.

    >>> cookie_display_name(CookiePattern(name="intercom-id-", match="prefix"))
    'intercom-id-XXXXX'
    >>> cookie_display_name(CookiePattern(name="_uetsid", match="suffix"))
    'XXXXX_uetsid'
    >>> cookie_display_name(CookiePattern(name="ph_phc_[A-Za-z0-9]+_posthog", match="regex"))
    'ph_phc_XXXXX_posthog'
    >>> cookie_display_name(CookiePattern(name="a(b|c)", match="regex"))
    '/a(b|c)/'
    """
    match pattern.match:
        case "exact":
            return pattern.name
        case "prefix":
            return pattern.name + WILDCARD
        case "suffix":
            return WILDCARD + pattern.name
        case "contains":
            return WILDCARD + pattern.name + WILDCARD
        case _:
            return _regex_display(pattern.name)


# A run of "any characters": a class, a dot or \d \w with a repetition.
_VARIABLE = re.compile(r"(?:\[[^\]]*\]|\\[dwsS]|\.)(?:[*+]|\{\d*,?\d*\})\??")
_META = re.compile(r"[\\^$.|?*+()\[\]{}]")


def _regex_display(regex: str) -> str:
    body = regex.removeprefix("^").removesuffix("$")
    body = _VARIABLE.sub(WILDCARD, body)
    if _META.search(re.sub(r"\\[.\-_]", "", body)):
        return f"/{regex}/"
    return re.sub(r"\\([.\-_])", r"\1", body)


# --- The catalogue file -----------------------------------------------------------------


@frozen(kw_only=True)
class _Extra:
    overview: Prose
    configure: Prose
    legal_basis: tuple[LegalBasis, ...]
    transfer: Transfer
    related: tuple[str, ...]
    aliases: tuple[str, ...]
    complexity: Complexity | None


def _prose(raw: object) -> Prose:
    texts = cast("Mapping[str, str]", raw)
    order = sorted(texts, key=lambda lang: (lang != DEFAULT_LANGUAGE, lang))
    return Prose(tuple((lang, texts[lang]) for lang in order))


@functools.cache
def _extras() -> Mapping[str, _Extra]:
    try:
        resource = data_file(_CATALOGUE_NAME)
        document = json.loads(resource.read_text(encoding="utf-8"))
        entries = cast("Mapping[str, Mapping[str, object]]", document["entries"])
    except (FileNotFoundError, OSError, ValueError, KeyError, TypeError) as e:
        raise SignatureError(
            f"expected a readable bundled {_CATALOGUE_NAME!r} (the installation is incomplete): {e}"
        ) from e
    return {
        signature_id: _Extra(
            overview=_prose(raw["overview"]),
            configure=_prose(raw["configure"]),
            legal_basis=tuple(
                LegalBasis(
                    purpose=cast("ConsentPurpose", item["purpose"]),
                    basis=cast("LawfulBasis", item["basis"]),
                )
                for item in cast("list[Mapping[str, str]]", raw["legal_basis"])
            ),
            transfer=cast("Transfer", raw["transfer"]),
            related=tuple(cast("list[str]", raw.get("related", []))),
            aliases=tuple(cast("list[str]", raw.get("aliases", []))),
            complexity=cast("Complexity | None", raw.get("complexity")),
        )
        for signature_id, raw in entries.items()
    }


# --- Look-up ----------------------------------------------------------------------------


def _is_curated(signature: Signature) -> bool:
    return "curated" in signature.sources


def _names(signature: Signature, extra: _Extra | None) -> Iterable[str]:
    yield signature.id
    yield signature.name
    bare = re.sub(r"\s*\([^)]*\)", "", signature.name).strip()
    if bare:  # pragma: no branch - tests/test_signature_data.py: no name is all in brackets
        yield bare
    for inner in re.findall(r"\(([^)]*)\)", signature.name):
        if inner.casefold() != "discontinued":
            yield inner
    if extra is not None:
        yield from extra.aliases


@frozen(kw_only=True, eq=False)
class _Index:
    db: SignatureDB
    keys: Mapping[str, str]  # casefolded id, name or alias -> signature id
    by_vendor: Mapping[str, tuple[Signature, ...]]  # curated first, then by name
    by_category: Mapping[str, tuple[Signature, ...]]  # likewise


@functools.cache
def _index() -> _Index:
    from tagsig._signatures.load import load_signatures  # noqa: PLC0415 (loads the database)

    db = load_signatures()
    extras = _extras()
    keys: dict[str, str] = {}
    # Ids first, then curated names, then the rest: an earlier claim on a key wins.
    ordered = sorted(db, key=lambda s: not _is_curated(s))
    for signature in db:
        keys[signature.id.casefold()] = signature.id
    for signature in ordered:
        for name in _names(signature, extras.get(signature.id)):
            keys.setdefault(name.casefold(), signature.id)
    by_vendor: dict[str, list[Signature]] = {}
    by_category: dict[str, list[Signature]] = {}
    for signature in sorted(db, key=lambda s: (not _is_curated(s), s.name.casefold())):
        by_vendor.setdefault(signature.vendor.name, []).append(signature)
        by_category.setdefault(signature.category, []).append(signature)
    return _Index(
        db=db,
        keys=keys,
        by_vendor={k: tuple(v) for k, v in by_vendor.items()},
        by_category={k: tuple(v) for k, v in by_category.items()},
    )


def _resolve(query: str) -> Signature:
    index = _index()
    key = query.strip().casefold()
    found = index.keys.get(key)
    if found is not None:
        return index.db[found]
    close = difflib.get_close_matches(key, list(index.keys), n=5, cutoff=0.6)
    suggestions: list[str] = []
    for candidate in close:
        name = index.db[index.keys[candidate]].name
        if name not in suggestions:
            suggestions.append(name)
    raise UnknownTagError(query, tuple(suggestions[:3]))


def catalogue_entry(tag: str) -> CatalogueEntry:
    """Return the catalogue entry of a tag of the bundled database.

    Args:
        tag: The tag's signature id, name or alias, in any case (``"intercom"``,
            ``"Google Analytics"``, ``"GTM"``).

    Returns:
        The entry, in the order of the catalogue page.

    Raises:
        UnknownTagError: No tag has that id, name or alias; the error suggests close
            names ("did you mean").
        SignatureError: The bundled database or catalogue is missing or broken.

    >>> catalogue_entry("GTM").id
    'google-tag-manager'

    """
    return _entry(_resolve(tag))


def catalogue_entries(
    *,
    category: Category | None = None,
    consent: ConsentPurpose | None = None,
    curated_only: bool = True,
) -> tuple[CatalogueEntry, ...]:
    """Return the catalogue entries of the bundled database, sorted by name.

    Args:
        category: Keep only tags of this category.
        consent: Keep only tags under this consent purpose.
        curated_only: Keep only curated tags, the ones with a full catalogue page.

    Raises:
        SignatureError: The bundled database or catalogue is missing or broken.

    >>> [e.name for e in catalogue_entries(category="chat", consent="functional")][:3]
    ['Crisp', 'Freshchat', 'Gorgias chat']

    """
    chosen = [
        signature
        for signature in _index().db
        if (not curated_only or _is_curated(signature))
        and (category is None or signature.category == category)
        and (consent is None or signature.consent == consent)
    ]
    chosen.sort(key=lambda s: (s.name.casefold(), s.id))
    return tuple(_entry(signature) for signature in chosen)


def _entry(signature: Signature) -> CatalogueEntry:
    extra = _extras().get(signature.id)
    facts = signature.facts
    vendor = signature.vendor
    return CatalogueEntry(
        id=signature.id,
        name=signature.name,
        category=signature.category,
        complexity=facts.complexity or (extra.complexity if extra else None),
        sets_cookies=facts.sets_cookies,
        sends_pii=facts.sends_pii,
        cross_site_tracking=facts.cross_site_tracking,
        consent=signature.consent,
        cookies=tuple(
            CatalogueCookie(name=cookie_display_name(p), pattern=p, lifetime_days=p.lifetime_days)
            for p in signature.cookies
        ),
        overview=extra.overview if extra else None,
        detection=Detection(
            hosts=len(signature.hosts), urls=len(signature.urls), cookies=len(signature.cookies)
        ),
        performance=Performance(
            script_kb=facts.script_kb, requests_per_page=facts.requests_per_page
        ),
        mistakes=signature.mistakes,
        compliance=Compliance(
            owner=vendor.name,
            country=vendor.country,
            transfer=extra.transfer if extra else _transfer(vendor.country, vendor.dpf),
            legal_basis=extra.legal_basis if extra else (),
            configure=extra.configure if extra else None,
        ),
        related=_related(signature, extra),
        homepage=signature.homepage,
        is_curated=_is_curated(signature),
    )


def _transfer(country: str | None, dpf: bool | None) -> Transfer | None:
    """Return the mechanism certain from the vendor's facts alone, else ``None``."""
    if country in EEA:
        return "eea"
    if country == "US" and dpf:
        return "dpf"
    return None


def _related(signature: Signature, extra: _Extra | None) -> tuple[RelatedService, ...]:
    index = _index()
    found: dict[str, RelatedService] = {}

    def add(other: Signature, reason: Literal["catalogue", "vendor", "category"]) -> None:
        if other.id != signature.id and other.id not in found:
            found[other.id] = RelatedService(
                id=other.id, name=other.name, reason=reason, is_curated=_is_curated(other)
            )

    for other_id in extra.related if extra else ():
        other = index.db.get(other_id)
        if other is not None:  # pragma: no branch - tests/test_catalogue_data.py checks the ids
            add(other, "catalogue")
    for other in index.by_vendor[signature.vendor.name]:
        if len(found) >= _RELATED_LIMIT:
            break
        add(other, "vendor")
    for other in index.by_category[signature.category]:
        if len(found) >= _RELATED_LIMIT:
            break
        add(other, "category")
    return tuple(found.values())[:_RELATED_LIMIT]

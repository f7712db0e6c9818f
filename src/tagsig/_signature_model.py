"""The typed model of signatures and signature databases."""

from __future__ import annotations

import functools
import itertools
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Final, Literal, TypeAlias

from attrs import Factory, field, frozen

from tagsig._match import Matcher

__all__ = [
    "SUPPORTED_SCHEMA_VERSIONS",
    "Category",
    "Complexity",
    "ConsentPurpose",
    "CookiePattern",
    "Facts",
    "MatchKind",
    "Signature",
    "SignatureDB",
    "SignatureSource",
    "UrlMatchKind",
    "UrlPattern",
    "Vendor",
]

Category: TypeAlias = Literal[
    "advertising",
    "analytics",
    "tag-manager",
    "consent",
    "chat",
    "customer-success",
    "session-replay",
    "ab-testing",
    "social",
    "video",
    "cdn",
    "fonts",
    "hosting",
    "marketing",
    "payments",
    "security",
    "monitoring",
    "personalization",
    "content",
    "utility",
    "other",
]
"""What a tag is for."""

ConsentPurpose: TypeAlias = Literal[
    "essential", "functional", "analytics", "marketing", "personalization"
]
"""The consent purpose a tag falls under."""

Complexity: TypeAlias = Literal["low", "medium", "high"]
"""How much a tag does in the page (a rough integration-cost estimate)."""

MatchKind: TypeAlias = Literal["exact", "prefix", "suffix", "contains", "regex"]
"""How a cookie pattern's ``name`` is compared with a cookie name."""

UrlMatchKind: TypeAlias = Literal["prefix", "regex"]
"""How a URL pattern's ``path`` is compared with a URL's path and query."""

SignatureSource: TypeAlias = Literal["curated", "third-party-web", "open-cookie-database"]
"""Where the knowledge in a signature comes from."""

SUPPORTED_SCHEMA_VERSIONS: Final = (1,)
"""The ``schema_version`` values this tagsig reads."""

def _compile_if_regex(text: str, match: str) -> re.Pattern[str] | None:
    return re.compile(text) if match == "regex" else None


@frozen(kw_only=True)
class Vendor:
    """The company behind a tag."""

    name: str
    """The vendor's name as it presents itself."""
    country: str | None = None
    """ISO 3166-1 alpha-2 code of the vendor's home country; ``None`` when unknown."""
    dpf: bool | None = None
    """Whether the vendor is certified under the EU-US Data Privacy Framework; ``None`` when
    unknown."""


@frozen(kw_only=True)
class Facts:
    """What is known about a tag's behaviour; every field is ``None`` when unknown."""

    sets_cookies: bool | None = None
    """Whether the tag sets cookies."""
    sends_pii: bool | None = None
    """Whether the tag sends personal data (identifiers, e-mail addresses, ...)."""
    cross_site_tracking: bool | None = None
    """Whether the tag follows visitors across sites."""
    complexity: Complexity | None = None
    """How much the tag does in the page."""
    script_kb: float | None = None
    """Typical script size in kilobytes."""
    requests_per_page: float | None = None
    """Typical number of requests per page view."""


@frozen(kw_only=True)
class CookiePattern:
    """A pattern for the names of the cookies a tag sets (names are case-sensitive)."""

    name: str
    """The name, prefix, suffix, substring or regular expression, according to ``match``."""
    match: MatchKind = "exact"
    """How ``name`` is compared with a cookie name."""
    lifetime_days: float | None = None
    """Typical lifetime in days; ``None`` when unknown or for a session cookie."""
    pattern: re.Pattern[str] | None = field(
        default=Factory(lambda self: _compile_if_regex(self.name, self.match), takes_self=True),
        eq=False,
        repr=False,
    )
    """The compiled ``name`` when ``match`` is ``"regex"``, else ``None``; compiled from
    ``name`` when not given."""

    def matches(self, name: str) -> bool:
        """Return whether the cookie name ``name`` matches this pattern.

        >>> CookiePattern(name="_ga", match="prefix").matches("_ga_XYZ")
        True
        """
        match self.match:
            case "exact":
                return name == self.name
            case "prefix":
                return name.startswith(self.name)
            case "suffix":
                return name.endswith(self.name)
            case "contains":
                return self.name in name
            case _:  # "regex"
                return self.pattern is not None and self.pattern.match(name) is not None


@frozen(kw_only=True)
class UrlPattern:
    """A product-level pattern: a path on a host that serves several products."""

    host: str
    """Host pattern: ``example.com`` for that host, ``*.example.com`` for it and any
    subdomain."""
    path: str
    """Prefix of, or regular expression for, the URL path plus ``?query`` when the query is
    non-empty."""
    match: UrlMatchKind = "prefix"
    """``prefix`` compares with :meth:`str.startswith`, ``regex`` with :func:`re.match`."""
    pattern: re.Pattern[str] | None = field(
        default=Factory(lambda self: _compile_if_regex(self.path, self.match), takes_self=True),
        eq=False,
        repr=False,
    )
    """The compiled ``path`` when ``match`` is ``"regex"``, else ``None``; compiled from
    ``path`` when not given."""

    def matches_path(self, target: str) -> bool:
        """Return whether ``target`` (path plus ``?query``) matches this pattern's path.

        >>> UrlPattern(host="example.com", path="/maps").matches_path("/maps/embed?q=1")
        True
        """
        if self.match == "prefix":
            return target.startswith(self.path)
        return self.pattern is not None and self.pattern.match(target) is not None


@frozen(kw_only=True)
class Signature:
    """Everything tagsig knows about one third-party tag."""

    id: str
    """Unique kebab-case slug (``google-analytics``)."""
    name: str
    """Human-readable product name."""
    vendor: Vendor
    """The company behind the tag."""
    category: Category
    """What the tag is for."""
    consent: ConsentPurpose
    """The consent purpose the tag falls under."""
    hosts: tuple[str, ...] = ()
    """Lower-case host patterns the tag is served from (``*.example.com`` includes
    ``example.com``)."""
    urls: tuple[UrlPattern, ...] = ()
    """Product-level URL patterns, for hosts that serve several products."""
    cookies: tuple[CookiePattern, ...] = ()
    """Patterns for the names of the cookies the tag sets."""
    facts: Facts = Facts()
    """What is known about the tag's behaviour."""
    checks: tuple[str, ...] = ()
    """Ids of the vendor checks that apply to this tag."""
    mistakes: tuple[str, ...] = ()
    """Common integration mistakes, in prose."""
    sources: tuple[SignatureSource, ...] = ()
    """Where the knowledge in this signature comes from."""
    homepage: str | None = None
    """The product's home page."""


def _sorted_signatures(signatures: Iterable[Signature]) -> tuple[Signature, ...]:
    return tuple(sorted(signatures, key=lambda signature: signature.id))


def _strings(values: Iterable[str | os.PathLike[str]]) -> tuple[str, ...]:
    return tuple(os.fspath(value) for value in values)


@frozen(kw_only=True, eq=False)
class SignatureDB:
    """An immutable, layered signature database.

    Iterating yields the signatures sorted by id; ``db["id"]`` and ``"id" in db`` look
    them up by id.

    >>> db = SignatureDB(signatures=())
    >>> len(db), "x" in db, db.get("x")
    (0, False, None)
    """

    signatures: tuple[Signature, ...] = field(converter=_sorted_signatures)
    """Every signature, sorted by id (ids are unique)."""
    sources: tuple[str, ...] = field(default=(), converter=_strings)
    """The files layered into this database, in order."""

    @signatures.validator
    def _check_unique(self, _attribute: object, value: tuple[Signature, ...]) -> None:
        for previous, current in itertools.pairwise(value):
            if previous.id == current.id:
                raise ValueError(f"expected unique signature ids, found {current.id!r} twice")

    @functools.cached_property
    def _by_id(self) -> Mapping[str, Signature]:
        return {signature.id: signature for signature in self.signatures}

    @functools.cached_property
    def matcher(self) -> Matcher:
        """The database compiled into fast look-ups, built on first use and kept."""
        return Matcher.from_signatures(self.signatures)

    def get(self, signature_id: str) -> Signature | None:
        """Return the signature with id ``signature_id``, or ``None``."""
        return self._by_id.get(signature_id)

    def __getitem__(self, signature_id: str) -> Signature:
        try:
            return self._by_id[signature_id]
        except KeyError:
            raise KeyError(signature_id) from None

    def __contains__(self, signature_id: object) -> bool:
        return isinstance(signature_id, str) and signature_id in self._by_id

    def __iter__(self) -> Iterator[Signature]:
        return iter(self.signatures)

    def __len__(self) -> int:
        return len(self.signatures)

    def __repr__(self) -> str:
        return f"SignatureDB(<{len(self.signatures)} signatures>, sources={self.sources!r})"

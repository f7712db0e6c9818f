"""The typed model of signatures and signature databases."""

from __future__ import annotations

import functools
import itertools
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Final, Literal, TypeAlias, cast

from attrs import field, frozen

from tagsig._exceptions import SignatureError
from tagsig._signatures.ownership import Ownership
from tagsig._signatures.related_sets import related_website_sets

__all__ = [
    "ANY_HOST",
    "EEA",
    "SUPPORTED_SCHEMA_VERSIONS",
    "Category",
    "Complexity",
    "ConsentPurpose",
    "CookiePattern",
    "Facts",
    "MatchKind",
    "Organisation",
    "OrganisationKind",
    "OrganisationSource",
    "Signature",
    "SignatureDB",
    "SignatureSource",
    "UrlMatchKind",
    "UrlPattern",
    "Vendor",
]

EEA: Final = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    }
)
"""The European Economic Area: the 27 EU member states, Iceland, Liechtenstein, Norway."""

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

OrganisationKind: TypeAlias = Literal[
    "company", "publisher", "hosting", "foundation", "public-body"
]
"""What sort of organisation a record describes; ``hosting`` platforms serve their customers'
content."""

OrganisationSource: TypeAlias = Literal[
    "curated", "third-party-web", "open-cookie-database", "related-website-sets"
]
"""Where the facts of an organisation record come from."""

SUPPORTED_SCHEMA_VERSIONS: Final = (1, 2)
"""The ``schema_version`` values this tagsig reads."""


def _compile_if_regex(text: str, match: str) -> re.Pattern[str] | None:
    """Compile ``text`` when ``match`` is ``regex``, as a signature's pattern.

    A pattern that does not compile is a :class:`~tagsig.SignatureError`, as the loader
    reports it.

    >>> CookiePattern(name="(", match="regex")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tagsig.SignatureError: expected a valid regular expression, found '(': ...
    """
    if match != "regex":
        return None
    try:
        return re.compile(text)
    except (re.error, OverflowError, RecursionError) as e:
        detail = f"{e.msg} at position {e.pos}" if isinstance(e, re.error) else str(e)
        raise SignatureError(
            f"expected a valid regular expression, found {text!r}: {detail}"
        ) from e


class _FromText:
    """The default of a pattern's compiled form: compiled from its text on creation."""

    def __repr__(self) -> str:
        return "<compiled from the text>"


_FROM_TEXT: Final = cast("re.Pattern[str] | None", _FromText())


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
    pattern: re.Pattern[str] | None = field(default=_FROM_TEXT, eq=False, repr=False)
    """The compiled ``name`` when ``match`` is ``"regex"``, else ``None``; compiled from
    ``name`` when not given."""
    domains: tuple[str, ...] = ()
    """Registrable domains the rule is bound to: when non-empty, the rule applies only to
    cookies whose domain (or the host they were sent to or set by) lies under one of them.

    .. versionadded:: schema_version 2
    """

    def __attrs_post_init__(self) -> None:
        if self.pattern is _FROM_TEXT:
            object.__setattr__(self, "pattern", _compile_if_regex(self.name, self.match))

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


ANY_HOST: Final = "*"
"""The host of a URL pattern that identifies a product by its URL's shape on any host."""


@frozen(kw_only=True)
class UrlPattern:
    """A product-level pattern: a path on a host that serves several products."""

    host: str
    """Host pattern: ``example.com`` for that host, ``*.example.com`` for it and any
    subdomain; ``*`` (:data:`ANY_HOST`) for a URL shape that identifies the product on
    any host, such as a vendor's endpoint behind the site's own name (tried only when no
    host pattern claims the URL)."""
    path: str
    """Prefix of, or regular expression for, the URL path plus ``?query`` when the query is
    non-empty."""
    match: UrlMatchKind = "prefix"
    """``prefix`` compares with :meth:`str.startswith`, ``regex`` with :func:`re.match`."""
    pattern: re.Pattern[str] | None = field(default=_FROM_TEXT, eq=False, repr=False)
    """The compiled ``path`` when ``match`` is ``"regex"``, else ``None``; compiled from
    ``path`` when not given."""

    def __attrs_post_init__(self) -> None:
        if self.pattern is _FROM_TEXT:
            object.__setattr__(self, "pattern", _compile_if_regex(self.path, self.match))

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
    organisation: str | None = None
    """Id of the organisation whose product the tag is; ``None`` when the file names none."""
    provenance: tuple[tuple[str, str], ...] = ()
    """Where single facts come from: ``(fact, source)`` pairs in file order, such as
    ``("category", "rule:tpw-category")``."""


@frozen(kw_only=True)
class Organisation:
    """A company, publisher, platform or body that owns tags and domains."""

    id: str
    """Unique kebab-case slug of the common short name (``google``, ``vox-media``)."""
    name: str
    """Canonical legal or trading name (``Google LLC``)."""
    parent: str | None = None
    """Id of the organisation that owns this one now; ``None`` for an independent one."""
    aliases: tuple[str, ...] = ()
    """Former names, brands and other spellings."""
    country: str | None = None
    """ISO 3166-1 alpha-2 code of the headquarters; ``None`` when unknown."""
    dpf: bool | None = None
    """Whether it is certified under the EU-US Data Privacy Framework; ``None`` when
    unknown."""
    domains: tuple[str, ...] = ()
    """Registrable domains it owns: its products' hosts and its own sites."""
    hosting: tuple[str, ...] = ()
    """Registrable domains or public suffixes under which it hosts its customers' content."""
    kind: OrganisationKind = "company"
    """What sort of organisation it is."""
    homepage: str | None = None
    """Its home page."""
    sources: tuple[OrganisationSource, ...] = ()
    """Where the facts of this record come from."""


def _sorted_signatures(signatures: Iterable[Signature]) -> tuple[Signature, ...]:
    return tuple(sorted(signatures, key=lambda signature: signature.id))


def _sorted_organisations(organisations: Iterable[Organisation]) -> tuple[Organisation, ...]:
    return tuple(sorted(organisations, key=lambda organisation: organisation.id))


def _strings(values: Iterable[str | os.PathLike[str]]) -> tuple[str, ...]:
    return tuple(os.fspath(value) for value in values)


@frozen(kw_only=True, eq=False)
class SignatureDB:
    """An immutable, layered signature database of organisations and their tags.

    Iterating yields the signatures sorted by id; ``db["id"]`` and ``"id" in db`` look
    them up by id. The ownership questions (:meth:`organisation`, :meth:`current_owner`,
    :meth:`organisation_of`, :meth:`domain_owner`, :meth:`hosting_platform`,
    :meth:`related_domains`) are answered from an index built on first use; each answer
    costs a few dictionary look-ups.

    >>> db = SignatureDB(signatures=())
    >>> len(db), "x" in db, db.get("x")
    (0, False, None)
    """

    signatures: tuple[Signature, ...] = field(converter=_sorted_signatures)
    """Every signature, sorted by id (ids are unique)."""
    organisations: tuple[Organisation, ...] = field(default=(), converter=_sorted_organisations)
    """Every organisation, sorted by id (ids are unique).

    .. versionadded:: schema_version 2
    """
    sources: tuple[str, ...] = field(default=(), converter=_strings)
    """The files layered into this database, in order."""

    @signatures.validator
    def _check_unique(self, _attribute: object, value: tuple[Signature, ...]) -> None:
        for previous, current in itertools.pairwise(value):
            if previous.id == current.id:
                raise SignatureError(f"expected unique signature ids, found {current.id!r} twice")

    @organisations.validator
    def _check_unique_organisations(
        self, _attribute: object, value: tuple[Organisation, ...]
    ) -> None:
        for previous, current in itertools.pairwise(value):
            if previous.id == current.id:
                raise SignatureError(
                    f"expected unique organisation ids, found {current.id!r} twice"
                )

    @functools.cached_property
    def _by_id(self) -> Mapping[str, Signature]:
        return {signature.id: signature for signature in self.signatures}

    @functools.cached_property
    def _ownership(self) -> Ownership:
        return Ownership.build(self.organisations, self.signatures, related_website_sets)

    def organisation(self, organisation_id: str) -> Organisation | None:
        """Return the organisation with id ``organisation_id``, or ``None``.

        >>> db = SignatureDB(signatures=(), organisations=[Organisation(id="g", name="G")])
        >>> db.organisation("g").name, db.organisation("x")
        ('G', None)
        """
        return self._ownership.by_id.get(organisation_id)

    def current_owner(self, organisation_id: str) -> Organisation | None:
        """Return the organisation that owns ``organisation_id`` now: the top of its chain.

        An independent organisation is its own current owner.

        >>> db = SignatureDB(signatures=(), organisations=[
        ...     Organisation(id="dataxu", name="Dataxu", parent="roku"),
        ...     Organisation(id="roku", name="Roku, Inc.")])
        >>> db.current_owner("dataxu").id, db.current_owner("roku").id, db.current_owner("x")
        ('roku', 'roku', None)

        Returns:
            The top of the ``parent`` chain, or ``None`` for an unknown id.

        """
        return self._ownership.tops.get(organisation_id)

    def organisation_of(self, signature: Signature) -> Organisation | None:
        """Return the organisation whose product ``signature`` is, or ``None``.

        ``None`` when the signature names no organisation or one this database lacks.
        """
        if signature.organisation is None:
            return None
        return self._ownership.by_id.get(signature.organisation)

    def domain_owner(self, host: str) -> Organisation | None:
        """Return the organisation that owns the registrable domain of ``host``.

        The owner is the organisation listing the domain in its ``domains``; failing that,
        the organisation of a signature with the host pattern ``*.domain`` or ``domain``
        (a pattern for one subdomain does not make its owner own the domain; the first
        signature by id wins). Hosts under a hosting platform's ``hosting`` entries are
        their customers' and have no owner here.

        >>> db = SignatureDB(signatures=(), organisations=[
        ...     Organisation(id="vox-media", name="Vox Media, LLC",
        ...                  domains=("theverge.com", "vox-cdn.com")),
        ...     Organisation(id="amazon", name="Amazon.com, Inc.",
        ...                  hosting=("cloudfront.net",))])
        >>> db.domain_owner("CDN.Vox-CDN.com.").id
        'vox-media'
        >>> db.domain_owner("d1234.cloudfront.net") is None
        True

        Args:
            host: A host name; case and a trailing dot are ignored.

        Returns:
            The direct owner (see :meth:`current_owner` for the top of its chain), or
            ``None``.

        """
        return self._ownership.domain_owner(host)

    def hosting_platform(self, host: str) -> Organisation | None:
        """Return the organisation hosting its customers' content at ``host``, or ``None``.

        That is the organisation with a ``hosting`` entry equal to ``host`` or one of its
        parent domains (``github.io`` covers ``example.github.io``).

        >>> db = SignatureDB(signatures=(), organisations=[
        ...     Organisation(id="github", name="GitHub, Inc.", hosting=("github.io",))])
        >>> db.hosting_platform("octocat.github.io").id, db.hosting_platform("github.com")
        ('github', None)
        """
        return self._ownership.hosting_platform(host)

    def related_domains(self, host: str) -> frozenset[str]:
        """Return the registrable domains that belong with the site of ``host``.

        These are the registrable domain of ``host`` itself, every domain owned by its
        owner's current owner (subsidiaries included) and the members of its Related
        Website Set (Chrome's list, shipped with tagsig). A host under a hosting
        platform's entry is its customer's site alone: the entry plus one label
        (``shop.github.io``). Empty when ``host`` has no registrable domain (an IP address,
        a public suffix, a hosting entry itself).

        >>> db = SignatureDB(signatures=(), organisations=[
        ...     Organisation(id="google", name="Google LLC", domains=("google.com",)),
        ...     Organisation(id="youtube", name="YouTube, LLC", parent="google",
        ...                  domains=("youtube.com", "ytimg.com"))])
        >>> sorted(db.related_domains("www.youtube.com"))
        ['google.com', 'youtube.com', 'ytimg.com']

        Raises:
            SignatureError: The shipped Related Website Sets file is missing or broken.

        """
        return self._ownership.related_domains(host)

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
        return (
            f"SignatureDB(<{len(self.signatures)} signatures>, "
            f"<{len(self.organisations)} organisations>, sources={self.sources!r})"
        )

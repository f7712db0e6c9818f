"""Load, layer and validate signature databases.

A signature database is a JSON file (format ``schema_version`` 1) listing the third-party
tags tagsig recognises. :func:`load_signatures` reads the bundled database, layers custom
files on top of it and returns an immutable :class:`SignatureDB`; its
:attr:`SignatureDB.matcher` compiles the database once into fast look-ups.

Layering: files apply in order. An entry whose ``id`` already exists replaces the earlier
entry, an entry ``{"id": "x", "disabled": true}`` removes ``x``, any other entry is added.
When a later layer claims a host pattern that an earlier signature also claims, the later
layer takes the host over: the earlier signature keeps its other host patterns.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias, get_args

from attrs import Factory, evolve, field, frozen

from tagsig._exceptions import (
    InvalidSignatureDB,
    SignatureError,
    UnsupportedSchemaError,
    escape_pointer,
)
from tagsig._match import Matcher
from tagsig._psl import public_suffix_list
from tagsig._regex import find_unsafe_construct
from tagsig._resources import data_file

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


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
    "load_signatures",
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

_CATEGORIES: Final = frozenset(get_args(Category))
_CONSENT_PURPOSES: Final = frozenset(get_args(ConsentPurpose))
_COMPLEXITIES: Final = frozenset(get_args(Complexity))
_MATCH_KINDS: Final = frozenset(get_args(MatchKind))
_URL_MATCH_KINDS: Final = frozenset(get_args(UrlMatchKind))
_SOURCES: Final = frozenset(get_args(SignatureSource))
_BUNDLED_NAME: Final = "signatures.json"
_SCHEMA_NAME: Final = "signatures.schema.json"


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


def load_signatures(*paths: str | os.PathLike[str], bundled: bool = True) -> SignatureDB:
    """Load the bundled signature database and layer custom database files on top of it.

    With no ``paths`` the bundled database is returned; it is read once per process. Each
    custom file is validated against the JSON schema and checked for duplicate ids,
    regular expressions that do not compile or could take more than linear time, host
    patterns that cover a whole public suffix (``*.co.uk``, ``*.github.io``) and host
    patterns claimed by two signatures. Every problem in a file is reported at once.

    Args:
        paths: Custom database files, layered in order (see the module documentation).
        bundled: Whether to start from the bundled database; ``False`` layers ``paths``
            alone.

    Returns:
        The layered database.

    Raises:
        SignatureError: A file cannot be read, is not JSON, is not a JSON object, or the
            bundled database or the schema is missing.
        UnsupportedSchemaError: A file declares a ``schema_version`` this tagsig cannot
            read.
        InvalidSignatureDB: A file has invalid entries; it groups one
            :class:`SignatureError` per problem, each with its ``pointer``.

    """
    return _load_signatures(paths, bundled=bundled)


def _load_signatures(
    paths: Sequence[str | os.PathLike[str]],
    *,
    bundled: bool,
    schema: Mapping[str, Any] | None = None,
) -> SignatureDB:
    """Do the work of :func:`load_signatures`; ``schema`` replaces the shipped schema."""
    if not paths:
        return _bundled_db() if bundled else SignatureDB(signatures=())
    layers = [_bundled_layer()] if bundled else []
    layers.extend(_read_layer(Path(path), schema=schema) for path in paths)
    return _merge_layers(layers)


@frozen(kw_only=True)
class _Disable:
    """A ``{"id": ..., "disabled": true}`` entry: remove ``id`` from earlier layers."""

    id: str
    pointer: str


@frozen(kw_only=True)
class _Layer:
    """One database file, parsed and checked."""

    source: str
    signatures: tuple[tuple[Signature, str], ...]
    """Each signature with its JSON pointer, in file order."""
    disabled: tuple[_Disable, ...]


@functools.cache
def _bundled_layer() -> _Layer:
    try:
        resource = data_file(_BUNDLED_NAME)
    except FileNotFoundError as e:
        raise SignatureError(
            f"expected the bundled signature database {_BUNDLED_NAME!r}, found none "
            "(the installation is incomplete)"
        ) from e
    # The test suite validates the bundled database in full; at run time it is only
    # compiled, which keeps start-up fast.
    return _read_layer(resource, schema=None, validate=False)


@functools.cache
def _bundled_db() -> SignatureDB:
    return _merge_layers([_bundled_layer()])


def _read_layer(
    resource: Path | Traversable,
    *,
    schema: Mapping[str, Any] | None,
    validate: bool = True,
) -> _Layer:
    """Read, validate and build one database file.

    Raises:
        SignatureError: The file cannot be read or is not a JSON object.
        UnsupportedSchemaError: The file is written for another format version.
        InvalidSignatureDB: The file has invalid entries.

    """
    source = str(resource)
    document = _read_json(resource, source)
    _check_schema_version(document, source)
    problems: list[SignatureError] = []
    entries: list[tuple[int, Any]] = []
    raw_entries = document.get("signatures")
    broken: set[int | None] = set()
    if validate:
        broken = _schema_problems(document, source, schema, problems)
        if None in broken:
            raise InvalidSignatureDB("invalid signature database", problems, path=source)
    if isinstance(raw_entries, list):
        # Entries with schema violations are not built, but count for duplicate ids.
        entries = [(i, e) for i, e in enumerate(raw_entries) if i not in broken]
    else:
        problems.append(
            SignatureError(
                f"expected an array of signatures, found {_type_name(raw_entries)}",
                path=source,
                pointer="/signatures",
            )
        )
    checker = _EntryChecker(source=source, validate=validate, problems=problems)
    if isinstance(raw_entries, list):
        checker.check_ids(raw_entries)
    signatures: list[tuple[Signature, str]] = []
    disabled: list[_Disable] = []
    for index, raw in entries:
        built = checker.build(raw, f"/signatures/{index}")
        if isinstance(built, _Disable):
            disabled.append(built)
        elif built is not None:
            signatures.append((built, f"/signatures/{index}"))
    if problems:
        problems.sort(key=lambda problem: _pointer_key(problem.pointer))
        raise InvalidSignatureDB("invalid signature database", problems, path=source)
    return _Layer(source=source, signatures=tuple(signatures), disabled=tuple(disabled))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"expected a JSON number, found {name!r}")


def _read_json(resource: Path | Traversable, source: str) -> dict[str, Any]:
    try:
        raw = resource.read_bytes()
    except OSError as e:
        raise SignatureError(
            f"expected a readable signature database, found {type(e).__name__}: {e.strerror or e}",
            path=source,
        ) from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SignatureError(
            f"expected UTF-8 JSON, found byte {raw[e.start]:#04x} at offset {e.start}",
            path=source,
        ) from e
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise SignatureError(
            f"expected JSON, found a syntax error: {e.msg} (line {e.lineno} column {e.colno})",
            path=source,
        ) from e
    except (ValueError, RecursionError) as e:
        raise SignatureError(f"expected JSON, found {e}", path=source) from e
    if not isinstance(document, dict):
        raise SignatureError(
            f"expected a JSON object at the top level, found {_type_name(document)}",
            path=source,
        )
    return document


def _check_schema_version(document: Mapping[str, Any], source: str) -> None:
    version = document.get("schema_version")
    # bool is a subclass of int, but JSON keeps the two apart.
    if isinstance(version, int) and not isinstance(version, bool):
        if version not in SUPPORTED_SCHEMA_VERSIONS:
            supported = ", ".join(str(v) for v in SUPPORTED_SCHEMA_VERSIONS)
            raise UnsupportedSchemaError(
                f"expected schema_version {supported}, found {version!r}; "
                "this tagsig cannot read that format",
                path=source,
                pointer="/schema_version",
            )
    elif "schema_version" not in document:
        raise SignatureError("expected a 'schema_version' member, found none", path=source)
    else:
        raise SignatureError(
            f"expected an integer schema_version, found {version!r}",
            path=source,
            pointer="/schema_version",
        )


def _type_name(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"the number {value!r}"
    return names.get(type(value), type(value).__name__)


def _pointer_key(pointer: str | None) -> tuple[tuple[int, int | str], ...]:
    """Sort key putting array indexes in numeric order."""
    pointer = pointer or ""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in pointer.split("/")[1:])


# --- JSON schema ------------------------------------------------------------------------


@functools.cache
def _shipped_schema() -> Mapping[str, Any]:
    try:
        resource = data_file(_SCHEMA_NAME)
    except FileNotFoundError as e:
        raise SignatureError(
            f"expected the signature schema {_SCHEMA_NAME!r}, found none "
            "(the installation is incomplete)"
        ) from e
    loaded: Mapping[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return loaded


@functools.cache
def _validator_for(schema_json: str) -> Any:
    from jsonschema import Draft202012Validator  # noqa: PLC0415 - slow import, rarely needed

    return Draft202012Validator(
        json.loads(schema_json), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _schema_problems(
    document: Mapping[str, Any],
    source: str,
    schema: Mapping[str, Any] | None,
    problems: list[SignatureError],
) -> set[int | None]:
    """Append every schema violation to ``problems``.

    Returns:
        The indexes of the signatures with a violation; ``None`` in the set when the
        document as a whole is broken (outside any signature).

    """
    from jsonschema.exceptions import best_match  # noqa: PLC0415 - slow import

    schema = _shipped_schema() if schema is None else schema
    validator = _validator_for(json.dumps(schema, sort_keys=True))
    broken: set[int | None] = set()
    try:
        errors = list(validator.iter_errors(document))
    except RecursionError as e:
        raise SignatureError("expected JSON nested less deeply", path=source) from e
    for error in errors:
        # best_match descends into anyOf/oneOf to the branch that came closest.
        detail = best_match([error])
        if detail is None:  # pragma: no cover - best_match of a non-empty list
            detail = error
        path = list(detail.absolute_path)
        pointer = "".join(f"/{escape_pointer(part)}" for part in path)
        problems.append(SignatureError(_schema_message(detail), path=source, pointer=pointer))
        if len(path) >= 2 and path[0] == "signatures" and isinstance(path[1], int):
            broken.add(path[1])
        else:
            broken.add(None)
    return broken


def _schema_message(error: Any) -> str:
    message = str(error.message)
    if len(message) > 200:
        message = message[:197] + "..."
    return f"schema violation ({error.validator}): {message}"


# --- Entries ----------------------------------------------------------------------------


@frozen(kw_only=True)
class _EntryChecker:
    """Build entries into signatures and collect every problem found on the way."""

    source: str
    validate: bool
    problems: list[SignatureError]
    host_claims: dict[str, tuple[str, str]] = field(factory=dict)

    def problem(self, message: str, pointer: str) -> SignatureError:
        error = SignatureError(message, path=self.source, pointer=pointer)
        self.problems.append(error)
        return error

    def check_ids(self, entries: Sequence[Any]) -> None:
        """Report repeated ids, among all entries (even those with other problems)."""
        first_seen: dict[str, str] = {}
        for index, raw in enumerate(entries):
            if isinstance(raw, dict) and isinstance(signature_id := raw.get("id"), str):
                pointer = f"/signatures/{index}"
                first = first_seen.setdefault(signature_id, pointer)
                if first != pointer:
                    self.problem(
                        f"expected unique signature ids, found {signature_id!r} again "
                        f"(first at {first})",
                        f"{pointer}/id",
                    )

    def build(self, raw: Any, pointer: str) -> Signature | _Disable | None:
        if not isinstance(raw, dict):
            self.problem(f"expected a signature object, found {_type_name(raw)}", pointer)
            return None
        before = len(self.problems)
        try:
            built = self._build(raw, pointer)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            # Reached only when the schema was skipped (bundled database) or lets through
            # a shape the builder does not expect.
            self.problem(f"expected a well-formed signature, found an error: {e!r}", pointer)
            return None
        return built if len(self.problems) == before else None

    def _build(self, raw: dict[str, Any], pointer: str) -> Signature | _Disable | None:
        signature_id = raw["id"]
        if not isinstance(signature_id, str):
            raise TypeError(f"expected a string id, found {signature_id!r}")
        if raw.get("disabled") is True:
            extra = sorted(set(raw) - {"id", "disabled"})
            if extra:
                self.problem(
                    f"expected only 'id' and 'disabled' in a disabling entry, found {extra!r}",
                    pointer,
                )
            return _Disable(id=signature_id, pointer=pointer)
        hosts = tuple(
            dict.fromkeys(
                self.host(host, f"{pointer}/hosts/{i}", claim=signature_id)
                for i, host in enumerate(raw.get("hosts", ()))
            )
        )
        urls = tuple(
            self.url_pattern(item, f"{pointer}/urls/{i}")
            for i, item in enumerate(raw.get("urls", ()))
        )
        cookies = tuple(
            self.cookie_pattern(item, f"{pointer}/cookies/{i}")
            for i, item in enumerate(raw.get("cookies", ()))
        )
        vendor = raw["vendor"]
        facts = raw.get("facts") or {}
        return Signature(
            id=signature_id,
            name=str(raw["name"]),
            vendor=Vendor(
                name=str(vendor["name"]),
                country=vendor.get("country"),
                dpf=vendor.get("dpf"),
            ),
            category=_choice(raw["category"], _CATEGORIES, "category"),
            consent=_choice(raw["consent"], _CONSENT_PURPOSES, "consent purpose"),
            hosts=hosts,
            urls=urls,
            cookies=cookies,
            facts=Facts(
                sets_cookies=facts.get("sets_cookies"),
                sends_pii=facts.get("sends_pii"),
                cross_site_tracking=facts.get("cross_site_tracking"),
                complexity=(
                    None
                    if facts.get("complexity") is None
                    else _choice(facts["complexity"], _COMPLEXITIES, "complexity")
                ),
                script_kb=_number(facts.get("script_kb")),
                requests_per_page=_number(facts.get("requests_per_page")),
            ),
            checks=tuple(str(check) for check in raw.get("checks", ())),
            mistakes=tuple(str(mistake) for mistake in raw.get("mistakes", ())),
            sources=tuple(_choice(s, _SOURCES, "source") for s in raw.get("sources", ())),
            homepage=raw.get("homepage"),
        )

    def host(self, raw: Any, pointer: str, *, claim: str | None = None) -> str:
        if not isinstance(raw, str):
            raise TypeError(f"expected a host pattern string, found {raw!r}")
        host = raw.lower().removesuffix(".")
        if self.validate and host.startswith("*."):
            suffix = host[2:]
            if _is_public_suffix(suffix):
                self.problem(
                    f"expected a host pattern under a registrable domain, found {raw!r}, "
                    f"which covers every site under the public suffix {suffix!r}",
                    pointer,
                )
        if claim is not None:
            owner, first = self.host_claims.setdefault(host, (claim, pointer))
            if owner != claim:
                self.problem(
                    f"expected each host pattern in one signature, found {raw!r} "
                    f"also claimed by {owner!r} (at {first})",
                    pointer,
                )
        return host

    def regex(self, text: str, pointer: str) -> re.Pattern[str] | None:
        try:
            # ``re`` warns (FutureWarning) about syntax whose meaning will change, such as
            # "[[" (a possible nested set); such a pattern is ambiguous, so it is refused.
            with warnings.catch_warnings():
                warnings.simplefilter("error", FutureWarning)
                compiled = re.compile(text)
        except FutureWarning as e:
            error = self.problem(
                f"expected an unambiguous regular expression, found {text!r}: {e}", pointer
            )
            error.__cause__ = e
            return None
        except (re.error, OverflowError, RecursionError) as e:
            detail = e.msg if isinstance(e, re.error) else str(e)
            where = f" at position {e.pos}" if isinstance(e, re.error) and e.pos else ""
            error = self.problem(
                f"expected a valid regular expression, found {text!r}: {detail}{where}",
                pointer,
            )
            error.__cause__ = e
            return None
        if self.validate:
            reason = find_unsafe_construct(text)
            if reason is not None:
                self.problem(
                    f"expected a regular expression that runs in linear time, found {text!r}, "
                    f"which contains {reason}",
                    pointer,
                )
        return compiled

    def url_pattern(self, raw: Mapping[str, Any], pointer: str) -> UrlPattern:
        match = _choice(raw.get("match", "prefix"), _URL_MATCH_KINDS, "URL match kind")
        path = raw["path"]
        if not isinstance(path, str):
            raise TypeError(f"expected a path string, found {path!r}")
        compiled = self.regex(path, f"{pointer}/path") if match == "regex" else None
        return UrlPattern(
            host=self.host(raw["host"], f"{pointer}/host"),
            path=path,
            match=match,
            pattern=compiled,
        )

    def cookie_pattern(self, raw: Mapping[str, Any], pointer: str) -> CookiePattern:
        match = _choice(raw.get("match", "exact"), _MATCH_KINDS, "cookie match kind")
        name = raw["name"]
        if not isinstance(name, str):
            raise TypeError(f"expected a cookie name string, found {name!r}")
        compiled = self.regex(name, f"{pointer}/name") if match == "regex" else None
        return CookiePattern(
            name=name,
            match=match,
            lifetime_days=_number(raw.get("lifetime_days")),
            pattern=compiled,
        )


def _choice(value: Any, allowed: frozenset[str], what: str) -> Any:
    if value not in allowed:
        raise ValueError(f"expected a {what} in {sorted(allowed)!r}, found {value!r}")
    return value


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number or null, found {value!r}")
    return float(value)


def _is_public_suffix(host: str) -> bool:
    """Return whether ``host`` is itself a public suffix (ICANN or private section)."""
    return not host or public_suffix_list().is_public_suffix(host)


# --- Layering ---------------------------------------------------------------------------


def _merge_layers(layers: Sequence[_Layer]) -> SignatureDB:
    """Apply layers in order: replace by id, remove disabled ids, hand hosts over.

    Raises:
        InvalidSignatureDB: A layer disables an id that no earlier layer defines.

    """
    merged: dict[str, Signature] = {}
    for layer in layers:
        problems = [
            SignatureError(
                f"expected to disable a signature of an earlier layer, found no {entry.id!r}",
                path=layer.source,
                pointer=f"{entry.pointer}/id",
            )
            for entry in layer.disabled
            if entry.id not in merged
        ]
        if problems:
            raise InvalidSignatureDB("invalid signature database", problems, path=layer.source)
        for entry in layer.disabled:
            del merged[entry.id]
        claimed: dict[str, str] = {}
        for signature, _pointer in layer.signatures:
            merged[signature.id] = signature
            claimed.update(dict.fromkeys(signature.hosts, signature.id))
        if not claimed:
            continue
        for signature_id, signature in list(merged.items()):
            kept = tuple(h for h in signature.hosts if claimed.get(h, signature_id) == signature_id)
            if len(kept) != len(signature.hosts):
                merged[signature_id] = evolve(signature, hosts=kept)
    return SignatureDB(signatures=merged.values(), sources=[layer.source for layer in layers])

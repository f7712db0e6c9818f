"""Read one signature database file: parse, validate against the schema, check, build.

Every problem in a file is collected and raised at once as :class:`InvalidSignatureDB`.
Checks that need the other layers (organisation ids a signature or a parent names, parent
cycles) are made when layers are merged (:mod:`tagsig._signatures.load`).
"""

from __future__ import annotations

import functools
import json
import os
import re
import stat
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, get_args

import msgspec
from attrs import field, frozen

from tagsig._exceptions import (
    InvalidSignatureDB,
    SignatureError,
    UnsupportedSchemaError,
    escape_pointer,
)
from tagsig._inputs.psl import public_suffix_list
from tagsig._inputs.source import input_limit, replace_lone_surrogates_text
from tagsig._resources import data_file
from tagsig._signatures.cookie_names import is_generic_cookie_name
from tagsig._signatures.organisation_file import (
    DomainChecker,
    read_organisations,
    reference_problems,
    report_version_two_members,
    type_name,
)
from tagsig._signatures.regex import find_unsafe_construct

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

from tagsig._signatures.model import (
    ANY_HOST,
    SUPPORTED_SCHEMA_VERSIONS,
    Category,
    Complexity,
    ConsentPurpose,
    CookiePattern,
    Facts,
    MatchKind,
    Organisation,
    Signature,
    SignatureSource,
    UrlMatchKind,
    UrlPattern,
    Vendor,
)

__all__ = ["Disable", "Layer", "read_layer"]

_CATEGORIES: Final = frozenset(get_args(Category))
_CONSENT_PURPOSES: Final = frozenset(get_args(ConsentPurpose))
_COMPLEXITIES: Final = frozenset(get_args(Complexity))
_MATCH_KINDS: Final = frozenset(get_args(MatchKind))
_URL_MATCH_KINDS: Final = frozenset(get_args(UrlMatchKind))
_SOURCES: Final = frozenset(get_args(SignatureSource))
_SCHEMA_NAME: Final = "signatures.schema.json"
_BOUND_RULES_VERSION: Final = 2
_SECTIONS: Final = frozenset({"signatures", "organisations"})
_DECODER: Final = msgspec.json.Decoder()


@frozen(kw_only=True)
class Disable:
    """A ``{"id": ..., "disabled": true}`` entry: remove ``id`` from earlier layers."""

    id: str
    pointer: str


@frozen(kw_only=True)
class Layer:
    """One database file, parsed and checked."""

    source: str
    signatures: tuple[tuple[Signature, str], ...]
    """Each signature with its JSON pointer, in file order."""
    disabled: tuple[Disable, ...]
    organisations: tuple[tuple[Organisation, str], ...] = ()
    """Each organisation record with its JSON pointer, in file order."""
    schema_version: int = 1
    """The format version the file declares."""


def read_layer(
    resource: Path | Traversable,
    *,
    schema: Mapping[str, Any] | None,
    validate: bool = True,
    earlier: Mapping[str, tuple[Organisation, str, str]] | None = None,
) -> Layer:
    """Read, validate and build one database file.

    With ``earlier`` (the organisations of the layers before it, with their file and
    pointer), the ids the file's parents and signatures name are checked too.

    Raises:
        SignatureError: The file cannot be read or is not a JSON object.
        UnsupportedSchemaError: The file is written for another format version.
        InvalidSignatureDB: The file has invalid entries.

    """
    source = str(resource)
    document = _read_json(resource, source)
    version = _check_schema_version(document, source)
    problems: list[SignatureError] = []
    entries: list[tuple[int, Any]] = []
    raw_entries = document.get("signatures")
    broken: set[tuple[str, int] | None] = set()
    if validate:
        broken = _schema_problems(document, source, schema, problems)
        if None in broken:
            raise InvalidSignatureDB("invalid signature database", problems, path=source)
    domains = DomainChecker(source=source, problems=problems, validate=validate)
    if version < _BOUND_RULES_VERSION and validate:
        report_version_two_members(document, domains)
    organisations = read_organisations(document, broken, domains, _choice)
    if isinstance(raw_entries, list):
        # Entries with schema violations are not built, but count for duplicate ids.
        entries = [(i, e) for i, e in enumerate(raw_entries) if ("signatures", i) not in broken]
    else:
        problems.append(
            SignatureError(
                f"expected an array of signatures, found {type_name(raw_entries)}",
                path=source,
                pointer="/signatures",
            )
        )
    checker = _EntryChecker(
        source=source, validate=validate, problems=problems, domains=domains, version=version
    )
    if isinstance(raw_entries, list):
        checker.check_ids(raw_entries)
    signatures: list[tuple[Signature, str]] = []
    disabled: list[Disable] = []
    for index, raw in entries:
        built = checker.build(raw, f"/signatures/{index}")
        if isinstance(built, Disable):
            disabled.append(built)
        elif built is not None:
            signatures.append((built, f"/signatures/{index}"))
    if earlier is not None and validate:
        known = dict(earlier)
        known.update((o.id, (o, source, pointer)) for o, pointer in organisations)
        named = [(s, source, p) for s, p in signatures] if version > 1 else []
        problems.extend(p for p in reference_problems(known, named) if p.path == source)
    if problems:
        problems.sort(key=lambda problem: _pointer_key(problem.pointer))
        raise InvalidSignatureDB("invalid signature database", problems, path=source)
    return Layer(
        source=source,
        signatures=tuple(signatures),
        disabled=tuple(disabled),
        organisations=organisations,
        schema_version=version,
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"expected a JSON number, found {name!r}")


def _read_bytes(resource: Path | Traversable, source: str) -> bytes:
    if not isinstance(resource, Path):  # bundled data, inside the package
        return resource.read_bytes()
    # A named pipe or a device could block or never end: only regular files are read.
    if not stat.S_ISREG(os.stat(resource).st_mode):
        raise SignatureError(
            "expected a signature database, found no regular file (a "
            "named pipe, a device or a directory)",
            path=source,
        )
    limit = input_limit()
    with resource.open("rb") as stream:
        raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise SignatureError(f"expected at most {limit} bytes, found a larger file", path=source)
    return raw


def _read_json(resource: Path | Traversable, source: str) -> dict[str, Any]:
    try:
        raw = _read_bytes(resource, source)
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
        # msgspec reads the bundled database several times faster than json; json only
        # explains what is wrong with a file msgspec refuses (line and column).
        document = _DECODER.decode(text)
    except (msgspec.DecodeError, RecursionError):
        document = None
    try:
        if document is None:
            text = replace_lone_surrogates_text(text)[0]
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
            f"expected a JSON object at the top level, found {type_name(document)}",
            path=source,
        )
    return document


def _check_schema_version(document: Mapping[str, Any], source: str) -> int:
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
        return version
    if "schema_version" not in document:
        raise SignatureError("expected a 'schema_version' member, found none", path=source)
    raise SignatureError(
        f"expected an integer schema_version, found {version!r}",
        path=source,
        pointer="/schema_version",
    )


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
) -> set[tuple[str, int] | None]:
    """Append every schema violation to ``problems``.

    Returns:
        The ``("signatures", index)`` or ``("organisations", index)`` of the entries with a
        violation; ``None`` in the set when the document as a whole is broken (outside
        any entry).

    """
    from jsonschema.exceptions import best_match  # noqa: PLC0415 - slow import

    schema = _shipped_schema() if schema is None else schema
    validator = _validator_for(json.dumps(schema, sort_keys=True))
    broken: set[tuple[str, int] | None] = set()
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
        if len(path) >= 2 and path[0] in _SECTIONS and isinstance(path[1], int):
            broken.add((str(path[0]), path[1]))
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
    domains: DomainChecker
    version: int
    """The file's schema_version: generic cookie names are refused from version 2 on
    (a version 1 file had no way to bind a rule to domains)."""
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

    def build(self, raw: Any, pointer: str) -> Signature | Disable | None:
        if not isinstance(raw, dict):
            self.problem(f"expected a signature object, found {type_name(raw)}", pointer)
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

    def _build(self, raw: dict[str, Any], pointer: str) -> Signature | Disable | None:
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
            return Disable(id=signature_id, pointer=pointer)
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
        organisation = raw.get("organisation")
        if organisation is not None and not isinstance(organisation, str):
            raise TypeError(f"expected a string organisation id, found {organisation!r}")
        provenance = raw.get("provenance") or {}
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
            organisation=organisation,
            provenance=tuple((str(fact), str(where)) for fact, where in provenance.items()),
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
        if raw["host"] == ANY_HOST:
            # A rule for every host must name a shape, not a path every site has.
            literal = path if match == "prefix" else _regex_literal(path)
            if len(literal.strip("/")) < _MIN_ANY_HOST_LITERAL:
                self.problem(
                    f"expected a URL rule for any host to start with at least "
                    f"{_MIN_ANY_HOST_LITERAL} characters of fixed path, found {path!r}",
                    f"{pointer}/path",
                )
            return UrlPattern(host=ANY_HOST, path=path, match=match, pattern=compiled)
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
        domains = tuple(
            dict.fromkeys(
                domain
                for i, item in enumerate(raw.get("domains", ()))
                if (domain := self.domains.domain(item, f"{pointer}/domains/{i}")) is not None
            )
        )
        if (
            self.validate
            and self.version >= _BOUND_RULES_VERSION
            and not raw.get("domains")
            and (match != "regex" or compiled is not None)
            and is_generic_cookie_name(name, match)
        ):
            self.problem(
                f"expected a cookie name that identifies one vendor, found {name!r} "
                f"({match}), which is generic: many sites and vendors use it; bind the rule "
                'to the vendor\'s registrable domains with "domains" (schema_version 2) '
                "or write a more specific pattern",
                f"{pointer}/name",
            )
        return CookiePattern(
            name=name,
            match=match,
            lifetime_days=_number(raw.get("lifetime_days")),
            pattern=compiled,
            domains=domains,
        )


_MIN_ANY_HOST_LITERAL: Final = 3
"""Fixed characters (slashes aside) a URL rule for any host must start with."""


def _regex_literal(text: str) -> str:
    """Return the fixed text a regular expression's matches start with (``^`` aside)."""
    literal = []
    for char in text.removeprefix("^"):
        if char in ".^$*+?{}[]|()\\":
            break
        literal.append(char)
    return "".join(literal)


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

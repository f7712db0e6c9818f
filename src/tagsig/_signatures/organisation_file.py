"""Read the organisation records and the domain lists of one signature database file."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, get_args

from attrs import field, frozen

from tagsig._exceptions import SignatureError
from tagsig._inputs.psl import public_suffix_list
from tagsig._signatures.model import (
    Organisation,
    OrganisationKind,
    OrganisationSource,
    Signature,
)

__all__ = [
    "DomainChecker",
    "build_organisation",
    "read_organisations",
    "reference_problems",
    "report_version_two_members",
    "type_name",
]

_DOMAIN_RE: Final = re.compile(
    r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)+$"
)
_KINDS: Final = frozenset(get_args(OrganisationKind))
_SOURCES: Final = frozenset(get_args(OrganisationSource))


@frozen(kw_only=True)
class DomainChecker:
    """Check registrable domains and public suffixes, and who claims each in a file.

    Without ``validate`` (the bundled database, which the test suite checks in full),
    domains are taken as written.
    """

    source: str
    problems: list[SignatureError]
    validate: bool = True
    claims: dict[str, tuple[str, str]] = field(factory=dict)
    """Domain -> (organisation id, pointer) of its first claim in the file."""

    def problem(self, message: str, pointer: str) -> None:
        """Record a problem of the organisation file at ``pointer``."""
        self.problems.append(SignatureError(message, path=self.source, pointer=pointer))

    def domain(self, raw: Any, pointer: str, *, suffix_allowed: bool = False) -> str | None:
        """Return ``raw`` as a registrable domain (or a public suffix when allowed).

        A malformed name, a public suffix where none is allowed and a name below its
        registrable domain are reported and give ``None``.
        """
        if not isinstance(raw, str):
            raise TypeError(f"expected a domain string, found {raw!r}")
        if not self.validate:
            return raw
        if not _DOMAIN_RE.match(raw):
            self.problem(f"expected a lower-case domain name without '*.', found {raw!r}", pointer)
            return None
        psl = public_suffix_list()
        if psl.is_public_suffix(raw):
            if suffix_allowed:
                return raw
            self.problem(
                f"expected a registrable domain, found {raw!r}, which is a public suffix "
                "(list it under an organisation's 'hosting' if customers' sites live there)",
                pointer,
            )
            return None
        registrable = psl.registrable_domain(raw)
        if registrable != raw:
            wanted = (
                "a registrable domain or a public suffix"
                if suffix_allowed
                else ("a registrable domain")
            )
            self.problem(
                f"expected {wanted}, found {raw!r}, whose registrable domain is {registrable!r}",
                pointer,
            )
            return None
        return raw

    def claim(self, domain: str, organisation_id: str, pointer: str) -> None:
        """Record that ``organisation_id`` claims ``domain``; report a second claimant.

        Only validated files claim domains: the bundled database is taken as written.
        """
        owner, first = self.claims.setdefault(domain, (organisation_id, pointer))
        if first == pointer:
            return
        if owner == organisation_id:
            self.problem(
                f"expected each domain once in an organisation, found {domain!r} again "
                f"(first at {first})",
                pointer,
            )
        else:
            self.problem(
                f"expected each domain in one organisation, found {domain!r} also claimed "
                f"by {owner!r} (at {first})",
                pointer,
            )


def build_organisation(
    raw: Mapping[str, Any],
    pointer: str,
    domains: DomainChecker,
    choice: Callable[[Any, frozenset[str], str], Any],
) -> Organisation:
    """Build one organisation record, reporting its bad domains through ``domains``.

    Raises:
        KeyError: A required member is missing (reachable only without the schema).
        TypeError: A member has the wrong type (idem).
        ValueError: A member has a value outside its vocabulary (idem).

    """
    organisation_id = raw["id"]
    if not isinstance(organisation_id, str):
        raise TypeError(f"expected a string id, found {organisation_id!r}")
    if not domains.validate:
        # The bundled database, checked in full by the test suite: taken as written.
        return Organisation(
            id=organisation_id,
            name=raw["name"],
            parent=raw.get("parent"),
            aliases=tuple(raw.get("aliases", ())),
            country=raw.get("country"),
            dpf=raw.get("dpf"),
            domains=tuple(raw.get("domains", ())),
            hosting=tuple(raw.get("hosting", ())),
            kind=raw.get("kind", "company"),
            homepage=raw.get("homepage"),
            sources=tuple(raw.get("sources", ())),
        )
    lists: dict[str, list[str]] = {"domains": [], "hosting": []}
    for member, found in lists.items():
        for index, item in enumerate(raw.get(member, ())):
            where = f"{pointer}/{member}/{index}"
            domain = domains.domain(item, where, suffix_allowed=member == "hosting")
            if domain is not None:
                domains.claim(domain, organisation_id, where)
                found.append(domain)
    parent = raw.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise TypeError(f"expected a string parent, found {parent!r}")
    return Organisation(
        id=organisation_id,
        name=str(raw["name"]),
        parent=parent,
        aliases=tuple(str(alias) for alias in raw.get("aliases", ())),
        country=raw.get("country"),
        dpf=raw.get("dpf"),
        domains=tuple(dict.fromkeys(lists["domains"])),
        hosting=tuple(dict.fromkeys(lists["hosting"])),
        kind=choice(raw.get("kind", "company"), _KINDS, "organisation kind"),
        homepage=raw.get("homepage"),
        sources=tuple(choice(s, _SOURCES, "organisation source") for s in raw.get("sources", ())),
    )


def report_version_two_members(document: Mapping[str, Any], domains: DomainChecker) -> None:
    """Report the members of format 2 that a version 1 file uses."""
    found: list[tuple[str, str]] = []
    if "organisations" in document:
        found.append(("organisations", "/organisations"))
    raw_entries = document.get("signatures")
    for index, entry in enumerate(raw_entries if isinstance(raw_entries, list) else ()):
        if not isinstance(entry, dict):
            continue
        found.extend(
            (key, f"/signatures/{index}/{key}")
            for key in ("organisation", "provenance")
            if key in entry
        )
        cookies = entry.get("cookies")
        for position, rule in enumerate(cookies if isinstance(cookies, list) else ()):
            if isinstance(rule, dict) and "domains" in rule:
                found.append(("domains", f"/signatures/{index}/cookies/{position}/domains"))
    for member, pointer in found:
        domains.problem(
            f"expected no {member!r} in a schema_version 1 file, found one "
            "(it needs schema_version 2)",
            pointer,
        )


def read_organisations(
    document: Mapping[str, Any],
    broken: set[tuple[str, int] | None],
    domains: DomainChecker,
    choice: Callable[[Any, frozenset[str], str], Any],
) -> tuple[tuple[Organisation, str], ...]:
    """Build the file's organisation records (format 2), reporting repeated ids."""
    raw = document.get("organisations", [])
    if not isinstance(raw, list):
        domains.problem(
            f"expected an array of organisations, found {type_name(raw)}", "/organisations"
        )
        return ()
    built: list[tuple[Organisation, str]] = []
    first_seen: dict[str, str] = {}
    for index, entry in enumerate(raw):
        pointer = f"/organisations/{index}"
        if isinstance(entry, dict) and isinstance(organisation_id := entry.get("id"), str):
            first = first_seen.setdefault(organisation_id, pointer)
            if first != pointer:
                domains.problem(
                    f"expected unique organisation ids, found {organisation_id!r} again "
                    f"(first at {first})",
                    f"{pointer}/id",
                )
        if ("organisations", index) in broken:
            continue
        if not isinstance(entry, dict):
            domains.problem(f"expected an organisation object, found {type_name(entry)}", pointer)
            continue
        before = len(domains.problems)
        try:
            organisation = build_organisation(entry, pointer, domains, choice)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            domains.problem(f"expected a well-formed organisation, found an error: {e!r}", pointer)
            continue
        if len(domains.problems) == before:
            built.append((organisation, pointer))
    return tuple(built)


def type_name(value: object) -> str:
    """Name the JSON type of ``value`` for messages (``an object``, ``the number 3``)."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"the number {value!r}"
    return names.get(type(value), type(value).__name__)


def reference_problems(
    organisations: Mapping[str, tuple[Organisation, str, str]],
    signatures: Iterable[tuple[Signature, str, str]],
) -> list[SignatureError]:
    """Return the unknown ``parent`` and ``organisation`` ids, and the parent cycles.

    Args:
        organisations: Every organisation by id, with the file and pointer of its record.
        signatures: The signatures whose ``organisation`` must be known (those of version 2
            files), with their file and pointer.

    """
    problems: list[SignatureError] = []
    for organisation, source, pointer in organisations.values():
        parent = organisation.parent
        if parent is not None and parent not in organisations:
            problems.append(
                SignatureError(
                    f"expected the id of an organisation as parent, found {parent!r}, "
                    "which no organisation has",
                    path=source,
                    pointer=f"{pointer}/parent",
                )
            )
    problems.extend(_cycles(organisations))
    for signature, source, pointer in signatures:
        if signature.organisation is not None and signature.organisation not in organisations:
            problems.append(
                SignatureError(
                    f"expected the id of an organisation, found {signature.organisation!r}, "
                    "which no organisation has",
                    path=source,
                    pointer=f"{pointer}/organisation",
                )
            )
    return problems


def _cycles(organisations: Mapping[str, tuple[Organisation, str, str]]) -> list[SignatureError]:
    """Report each parent cycle once, at the member with the smallest id."""
    problems: list[SignatureError] = []
    done: set[str] = set()
    for start in sorted(organisations):
        chain: list[str] = []
        current: str | None = start
        while current is not None and current in organisations and current not in done:
            if current in chain:
                cycle = chain[chain.index(current) :]
                first = min(cycle)
                ordered = cycle[cycle.index(first) :] + cycle[: cycle.index(first)]
                _organisation, source, pointer = organisations[first]
                problems.append(
                    SignatureError(
                        "expected a parent chain that ends at an independent organisation, found "
                        "the cycle " + " -> ".join([*ordered, first]),
                        path=source,
                        pointer=f"{pointer}/parent",
                    )
                )
                break
            chain.append(current)
            current = organisations[current][0].parent
        done.update(chain)
    return problems

"""The audit: read inputs, attribute requests and cookies to tags, weigh them, report."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING

from attrs import evolve

from tagsig._audit.attribute import (
    AttributedCookie,
    AttributedEntry,
    Attribution,
    EntryRef,
    NoOwners,
    Owners,
    attribute,
)
from tagsig._audit.measure import weigh
from tagsig._audit.traffic import NO_TAG_REASONS
from tagsig._compliance.flags import Flag
from tagsig._inputs.cookies.jars import load_cookies
from tagsig._inputs.har.reader import load_har
from tagsig._inputs.models import Capture, CookieJar, Problem
from tagsig._report.model import (
    InputSummary,
    NoTagEntry,
    PageWeight,
    ProbableFirstParty,
    Report,
    ReportWarning,
    SiteReport,
    TagCookie,
    TagReport,
    UnattributedHost,
)
from tagsig._signatures.load import load_signatures, signature_version
from tagsig._signatures.match import Matcher
from tagsig._signatures.model import Organisation, Signature, SignatureDB

if TYPE_CHECKING:
    from tagsig._compliance.policy.model import Policy

__all__ = ["analyze"]

_REF_ORDER = attrgetter("input", "index")

CaptureInput = Capture | str | os.PathLike[str] | bytes
JarInput = CookieJar | str | os.PathLike[str] | bytes


def analyze(
    captures: Iterable[CaptureInput] | CaptureInput,
    cookies: Iterable[JarInput] = (),
    signatures: SignatureDB | Sequence[str | os.PathLike[str]] | None = None,
    first_party: Iterable[str] = (),
    *,
    identifiers: Sequence[str] = (),
    policy: Policy | str | os.PathLike[str] | None = None,
) -> Report:
    """Audit the third-party tags in ``captures`` (and ``cookies``).

    Args:
        captures: HAR captures: :class:`Capture` objects, or anything :func:`load_har`
            reads (a single one or several).
        cookies: Cookie jars: :class:`CookieJar` objects or paths :func:`load_cookies`
            reads.
        signatures: The signature database: ``None`` for the bundled one, a
            :class:`SignatureDB`, or paths of database files layered on the bundled one.
        first_party: Extra first-party domains (the site's own CDNs and aliases).
        identifiers: Known identifiers of the visitor (an e-mail, a user id) to search
            for, plain and hashed, in requests to third parties.
        policy: The site's policy, or the path of a policy file (see
            :func:`load_policy`).

    Returns:
        The report.

    Raises:
        InputError: An input cannot be read.
        SignatureError: A signature database file is invalid.
        PolicyError: The policy file cannot be read or is invalid.

    """
    if isinstance(captures, Capture | str | os.PathLike | bytes):
        captures = [captures]
    read_captures = tuple(c if isinstance(c, Capture) else load_har(c) for c in captures)
    jars = tuple(j if isinstance(j, CookieJar) else load_cookies(j) for j in cookies)
    if signatures is None:
        db = load_signatures()
    elif isinstance(signatures, SignatureDB):
        db = signatures
    else:
        db = load_signatures(*signatures)
    owners = database_owners(db)
    attribution = attribute(read_captures, jars, Matcher.compile(db), first_party, owners)
    if isinstance(policy, str | os.PathLike):
        from tagsig._compliance.policy.load import load_policy  # noqa: PLC0415 (see build_report)

        policy = load_policy(policy)
    report = build_report(attribution, identifiers=identifiers, policy=policy, owners=owners)
    return evolve(report, signatures=signature_version(db))


def database_owners(db: SignatureDB) -> Owners:
    """Return who owns what according to ``db`` (its organisations), for one analysis."""
    return _DatabaseOwners(db)


class _DatabaseOwners:
    """The organisation layer of a database, answered by current owner and memoised."""

    def __init__(self, db: SignatureDB) -> None:
        self._db = db
        self._sites: dict[str, str | None] = {}
        self._tags: dict[str, str | None] = {}
        self._hosting: dict[str, str | None] = {}

    def _top(self, organisation: Organisation | None) -> str | None:
        if organisation is None:
            return None
        top = self._db.current_owner(organisation.id)
        return (top or organisation).id

    def site_owner(self, host: str) -> str | None:
        """Return the current owner of the registrable domain of ``host``."""
        if host not in self._sites:
            self._sites[host] = self._top(self._db.domain_owner(host))
        return self._sites[host]

    def tag_owner(self, signature: Signature) -> str | None:
        """Return the current owner of the organisation behind ``signature``."""
        key = signature.id
        if key not in self._tags:
            self._tags[key] = self._top(self._db.organisation_of(signature))
        return self._tags[key]

    def related_domains(self, host: str) -> frozenset[str]:
        """Return the domains of ``host``'s owner and Related Website Set."""
        return self._db.related_domains(host)

    def hosting_platform(self, host: str) -> str | None:
        """Return the current owner of the hosting platform that serves ``host``."""
        if host not in self._hosting:
            self._hosting[host] = self._top(self._db.hosting_platform(host))
        return self._hosting[host]

    def organisation_name(self, org_id: str) -> str | None:
        """Return the canonical name of organisation ``org_id``."""
        organisation = self._db.organisation(org_id)
        return organisation.name if organisation is not None else None


def build_report(
    attribution: Attribution,
    *,
    identifiers: Sequence[str] = (),
    policy: Policy | None = None,
    owners: Owners | None = None,
) -> Report:
    """Turn an attribution into a report: per-tag weight, cookies, loaders, unknown hosts.

    The compliance rules fill each tag's ``flags``, the report's own ``flags`` and its
    ``consent`` section (see :func:`tagsig._compliance.rules.evaluate`).
    """
    owners = owners if owners is not None else NoOwners()
    by_tag: dict[str, list[AttributedEntry]] = defaultdict(list)
    for attributed in attribution.entries:
        if attributed.signature is not None:
            by_tag[attributed.signature.id].append(attributed)
    cookies_by_tag: dict[str, list[AttributedCookie]] = defaultdict(list)
    for observed in attribution.cookies:
        cookies_by_tag[observed.signature.id].append(observed)
    signatures = {
        a.signature.id: a.signature for a in attribution.entries if a.signature is not None
    }
    signatures.update({c.signature.id: c.signature for c in attribution.cookies})
    # The rules are imported here, once the inputs are read: reading a large capture is
    # the memory peak, and modules not yet loaded do not add to it.
    from tagsig._compliance.rules import evaluate  # noqa: PLC0415

    evaluation = evaluate(attribution, identifiers=identifiers, policy=policy)
    tags = tuple(
        _tag_report(
            signatures[tag_id],
            by_tag.get(tag_id, []),
            cookies_by_tag.get(tag_id, []),
            attribution.loaded_by(tag_id),
            flags=evaluation.tag_flags.get(tag_id, ()),
            own=tag_id in attribution.own_tags,
            owner=_owner_name(signatures[tag_id], owners),
        )
        for tag_id in sorted(signatures)
    )
    first_party = sorted(frozenset().union(*attribution.first_party))
    probable = dict(attribution.probably_first_party)
    return Report(
        inputs=_inputs(attribution),
        first_party=tuple(first_party),
        tags=tags,
        unattributed=_unattributed(attribution.entries, probable),
        consent=evaluation.consent,
        warnings=_warnings(attribution),
        flags=evaluation.site_flags,
        sites=_sites(attribution, owners),
        probably_first_party=_probable(attribution.entries, probable),
        no_tag=tuple(
            NoTagEntry(input=a.ref.input, index=a.ref.index, host=a.entry.url.host, reason=a.no_tag)
            for a in attribution.entries
            if a.no_tag is not None
        ),
    )


def _owner_name(signature: Signature, owners: Owners) -> str | None:
    """Return the current owner's name, when it is another organisation than the vendor."""
    owner = owners.tag_owner(signature)
    name = owners.organisation_name(owner) if owner is not None else None
    return name if name is not None and name != signature.vendor.name else None


def _sites(attribution: Attribution, owners: Owners) -> tuple[SiteReport, ...]:
    result = []
    for position, pages in enumerate(attribution.sites):
        for site in pages:
            owner = owners.site_owner(site.domain) if site.domain else None
            result.append(
                SiteReport(
                    input=position,
                    page=site.page,
                    domain=site.domain,
                    evidence=site.evidence,
                    entry=site.entry,
                    url=site.url,
                    hops=site.hops,
                    organisation=owners.organisation_name(owner) if owner is not None else None,
                )
            )
    return tuple(result)


def _probable(
    entries: Sequence[AttributedEntry], probable: dict[str, str]
) -> tuple[ProbableFirstParty, ...]:
    hosts: dict[str, list[AttributedEntry]] = defaultdict(list)
    for attributed in entries:
        if (
            attributed.signature is None
            and attributed.entry.url.host in probable
            and (attributed.third_party)
        ):
            hosts[attributed.entry.url.host].append(attributed)
    return tuple(
        ProbableFirstParty(
            host=host,
            requests=len(group),
            transfer_bytes=weigh(a.entry for a in group).transfer_bytes,
            reason=probable[host],
            entries=_sorted_refs(group),
        )
        for host, group in sorted(hosts.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    )


def _tag_report(
    signature: Signature,
    entries: list[AttributedEntry],
    cookies: list[AttributedCookie],
    loaded_by: str | None,
    *,
    flags: tuple[Flag, ...],
    own: bool,
    owner: str | None,
) -> TagReport:
    pages: dict[tuple[int, str | None], list[AttributedEntry]] = defaultdict(list)
    for attributed in entries:
        pages[(attributed.ref.input, attributed.entry.pageref)].append(attributed)
    per_page = tuple(
        PageWeight(input=position, page=page, weight=weigh(a.entry for a in group))
        for (position, page), group in sorted(
            pages.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
        )
    )
    return TagReport(
        signature=signature,
        weight=weigh(a.entry for a in entries),
        pages=len(pages),
        entries=_sorted_refs(entries),
        cookies=_tag_cookies(cookies),
        loaded_by=loaded_by,
        per_page=per_page,
        first_seen=min((a.entry.started for a in entries), default=None),
        flags=flags,
        own=own,
        owner=owner,
    )


def _sorted_refs(entries: Iterable[AttributedEntry]) -> tuple[EntryRef, ...]:
    """Return the entries' references in order: by input, then index, as they compare."""
    # A key of plain numbers sorts several times faster than the references' own order.
    return tuple(sorted((a.ref for a in entries), key=_REF_ORDER))


def _tag_cookies(observed: list[AttributedCookie]) -> tuple[TagCookie, ...]:
    """One row per (name, domain, source): the first observation, the longest lifetime."""
    # Per row, the first observation and the one with the longest lifetime (the first of
    # equals); each row is built once, at the end.
    rows: dict[tuple[str, str | None, str], tuple[AttributedCookie, AttributedCookie]] = {}
    for item in observed:
        cookie = item.cookie
        key = (cookie.name, item.domain, cookie.source)
        known = rows.get(key)
        if known is None:
            rows[key] = (item, item)
        elif (item.lifetime_days or 0) > (known[1].lifetime_days or 0):
            rows[key] = (known[0], item)
    built = (_tag_cookie(first, best) for first, best in rows.values())
    return tuple(sorted(built, key=lambda c: (c.name, c.domain or "", c.source)))


def _tag_cookie(first: AttributedCookie, best: AttributedCookie) -> TagCookie:
    cookie = best.cookie
    return TagCookie(
        name=cookie.name,
        domain=best.domain,
        source=cookie.source,
        expires=cookie.expires,
        lifetime_days=best.lifetime_days,
        third_party=best.third_party,
        evidence=best.evidence,
        by=best.by,
        input=best.input,
        entry=first.cookie.entry,
        secure=cookie.secure,
        http_only=cookie.http_only,
        same_site=cookie.same_site,
    )


def _unattributed(
    entries: Sequence[AttributedEntry], probable: dict[str, str]
) -> tuple[UnattributedHost, ...]:
    hosts: dict[str, list[AttributedEntry]] = defaultdict(list)
    for attributed in entries:
        if (
            attributed.signature is None
            and attributed.third_party
            and attributed.entry.url.host not in probable
        ):
            hosts[attributed.entry.url.host].append(attributed)
    result = []
    for host, group in hosts.items():
        causes = Counter(a.initiated_by for a in group if a.initiated_by is not None)
        result.append(
            UnattributedHost(
                host=host,
                requests=len(group),
                transfer_bytes=weigh(a.entry for a in group).transfer_bytes,
                initiated_by=min(causes, key=lambda tag: (-causes[tag], tag)) if causes else None,
                third_party=True,
                entries=_sorted_refs(group),
            )
        )
    return tuple(sorted(result, key=lambda h: (-h.requests, h.host)))


def _inputs(attribution: Attribution) -> tuple[InputSummary, ...]:
    no_tag: Counter[tuple[int, str]] = Counter(
        (a.ref.input, a.no_tag) for a in attribution.entries if a.no_tag is not None
    )
    summaries = [
        InputSummary(
            path=c.source,
            kind="har",
            producer=str(c.creator),
            entries=len(c.entries),
            pages=len(c.pages),
            problems=c.problems,
            has_cookie_evidence=c.has_cookie_evidence,
            has_initiators=c.has_initiators or not c.entries,
            has_sizes=c.has_sizes or not c.entries,
            no_tag=tuple(
                (reason, no_tag[(position, reason)])
                for reason in NO_TAG_REASONS
                if no_tag[(position, reason)]
            ),
        )
        for position, c in enumerate(attribution.captures)
    ]
    summaries.extend(
        InputSummary(
            path=j.source,
            kind="cookies",
            producer=j.format,
            entries=len(j.cookies),
            pages=0,
            problems=j.problems,
        )
        for j in attribution.jars
    )
    return tuple(summaries)


def _producer(capture: Capture) -> str:
    return capture.creator.name or "its producer"


def _warnings(attribution: Attribution) -> tuple[ReportWarning, ...]:
    warnings = []
    for position, (capture, pages) in enumerate(
        zip(attribution.captures, attribution.sites, strict=True)
    ):
        for site in pages:
            if not site.domain and capture.entries:
                page = f"page {site.page}" if site.page is not None else "the capture"
                warnings.append(
                    ReportWarning(
                        code="first-party-unknown",
                        message=f"{capture.source}: {page}: no main document was recorded and "
                        "its requests come from several sites, so its first party is unknown and "
                        "every host counts as third party; give the site with --first-party",
                        input=position,
                    )
                )
    for position, capture in enumerate(attribution.captures):
        if capture.cookies_stripped:
            count = capture.cookies_stripped
            warnings.append(
                ReportWarning(
                    code="stripped-cookies",
                    message=f"{capture.source}: cookies unavailable: the producer stripped the "
                    f"values of the cookie headers of {count} entr{'ies' if count != 1 else 'y'} "
                    '("[N bytes were stripped]"), so which cookies were sent and set is unknown; '
                    "export with cookies or pass a cookie jar",
                    input=position,
                )
            )
        elif capture.entries and not capture.has_cookie_evidence:
            warnings.append(
                ReportWarning(
                    code="sanitized-har",
                    message=f"{capture.source}: cookies unavailable: the capture carries no "
                    "cookie headers (a sanitized export); export with cookies or pass a cookie "
                    "jar",
                    input=position,
                )
            )
        # Only a capture of several hosts has a tag that another could have loaded.
        if len({e.url.host for e in capture.entries}) > 1 and not capture.has_initiators:
            warnings.append(
                ReportWarning(
                    code="no-initiators",
                    message=f"{capture.source}: initiators not recorded ({_producer(capture)} "
                    "wrote none): which tag loaded another, and what loaded each unknown third "
                    "party, is unknown",
                    input=position,
                )
            )
        if capture.entries and not capture.has_sizes:
            warnings.append(
                ReportWarning(
                    code="no-sizes",
                    message=f"{capture.source}: sizes not recorded ({_producer(capture)} wrote "
                    'none, as Playwright\'s record_har_mode="minimal" does): the bytes of every '
                    "tag are unknown, not 0",
                    input=position,
                )
            )
    inputs: list[tuple[str, tuple[Problem, ...]]] = [
        (capture.source, capture.problems) for capture in attribution.captures
    ] + [(jar.source, jar.problems) for jar in attribution.jars]
    for position, (source, problems) in enumerate(inputs):
        if problems:
            count = len(problems)
            warnings.append(
                ReportWarning(
                    code="input-problems",
                    message=f"{source}: {count} damaged part{'s' if count != 1 else ''} "
                    "reported and skipped",
                    input=position,
                )
            )
    return tuple(warnings)

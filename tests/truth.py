"""Measure reports against the hand-written truth of the shared corpus (issue 10).

The truth is ``tests/data/corpus_labels.json``: for each capture of ``../shared/corpus/har``
its site, the site's organisation and own domains, and for each registrable domain (or
host) its owning organisation and kind. The figures compare, capture by capture, what
:func:`tagsig.analyze` reports with that truth:

- own-site errors: requests to the site's own domains reported as third-party tags or
  unknown third parties, over the own-domain requests;
- no-tag traffic in tags: requests to ``no-tag`` domains counted in tags or unknown
  third parties;
- vendor precision: of the requests attributed to a tag, the share whose tag belongs to
  the labelled owner of the request's domain (compared by current owner);
- tracker recall with the right owner: of the requests to ``tracker`` domains with a
  known owner, the share attributed to a tag of that owner;
- cookie-owner conflicts: of the tag cookie rows whose domain has a known owner, the
  share tied to a tag of another owner (for a domain of the site itself: to a vendor that
  made no request in the capture, since a vendor's script may set cookies there); and,
  apart, the cookie rows given to a vendor that made no request in the capture;
- wrong first parties: captures whose reported first party misses a labelled site or holds
  a domain that is not the site's own.

Only :func:`observe` reads a report: when the report's shape changes, change it alone.

Run ``python -m tests.truth`` for the figures and the worst offenders of each metric.
"""

from __future__ import annotations

import functools
import json
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Literal, cast

from attrs import frozen

from tagsig import Capture, Report, SignatureDB, analyze, load_har, load_signatures
from tagsig._audit.party import registrable_domain

__all__ = [
    "CORPUS",
    "LABELS",
    "CaptureTruth",
    "Figures",
    "Label",
    "LabelsError",
    "ObservedCookie",
    "ObservedReport",
    "ObservedRequest",
    "Truth",
    "figures",
    "load_truth",
    "main",
    "measure_corpus",
    "observe",
]

LABELS = Path(__file__).resolve().parent / "data" / "corpus_labels.json"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

Kind = Literal["own", "tracker", "service", "cdn-hosting", "no-tag"]
KINDS: frozenset[str] = frozenset({"own", "tracker", "service", "cdn-hosting", "no-tag"})


# --- the truth ---------------------------------------------------------------------------


class LabelsError(ValueError):
    """The labelled set is malformed; the message says where."""


@frozen(kw_only=True)
class Label:
    """What a domain or host is: its owning organisation (``None``: unknown) and kind."""

    organisation: str | None
    kind: Kind
    platform: str | None = None
    """For ``cdn-hosting``: the organisation of the platform, whose own tag it is not."""


@frozen(kw_only=True)
class CaptureTruth:
    """The truth about one capture."""

    file: str
    sites: tuple[str, ...]
    """Registrable domains of the audited pages (none when no page was captured)."""
    organisations: tuple[str, ...]
    """The organisations of those sites."""
    own: Mapping[str, str | None]
    """The sites' own registrable domains (sister sites, CDNs), to their site's
    organisation."""
    domains: Mapping[str, Label]
    """Labels that hold in this capture only."""
    hosts: Mapping[str, Label]


@frozen(kw_only=True)
class Truth:
    """The labelled set: organisations, shared labels, captures, vendor names."""

    parents: Mapping[str, str | None]
    """Every organisation id, with the id of its owner (``None`` at the top)."""
    domains: Mapping[str, Label]
    hosts: Mapping[str, Label]
    captures: Mapping[str, CaptureTruth]
    vendor_names: Mapping[str, str | None]
    """Vendor names of the signature database, to organisation ids."""

    def top(self, organisation: str | None) -> str | None:
        """Return the current owner of ``organisation``: the top of its chain of parents."""
        seen: set[str] = set()
        while organisation is not None and organisation not in seen:
            seen.add(organisation)
            parent = self.parents.get(organisation)
            if parent is None:
                return organisation
            organisation = parent
        return organisation

    def label(self, capture: CaptureTruth, host: str) -> Label | None:
        """Return the label of ``host`` in ``capture``; ``None`` when the set has none.

        A host label wins over a domain label, a capture's label over a shared one; a
        domain of the site's own list, or owned by the site's organisation, is ``own``.
        """
        host = host.lower().strip(".")
        domain = registrable_domain(host)
        label = capture.hosts.get(host) or self.hosts.get(host)
        if label is None and domain in capture.own:
            return Label(organisation=capture.own[domain], kind="own")
        if label is None:
            label = capture.domains.get(domain) or self.domains.get(domain)
        if label is None:
            return None
        if (
            label.kind != "no-tag"
            and label.organisation is not None
            and self.top(label.organisation) in {self.top(org) for org in capture.organisations}
        ):
            return Label(organisation=label.organisation, kind="own")
        return label


def _label(raw: object, where: str) -> Label:
    if not isinstance(raw, dict):
        raise LabelsError(f"{where}: a label is an object")
    organisation = raw.get("organisation")
    kind = raw.get("kind")
    platform = raw.get("platform")
    if organisation is not None and not isinstance(organisation, str):
        raise LabelsError(f"{where}: organisation is a string or null")
    if kind not in KINDS:
        raise LabelsError(f"{where}: kind {kind!r} is not one of {sorted(KINDS)}")
    if platform is not None and not isinstance(platform, str):
        raise LabelsError(f"{where}: platform is a string")
    return Label(organisation=organisation, kind=cast("Kind", kind), platform=platform)


def _labels(raw: object, where: str) -> dict[str, Label]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise LabelsError(f"{where}: an object of labels")
    return {str(key): _label(value, f"{where}/{key}") for key, value in raw.items()}


def _strings(raw: object, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise LabelsError(f"{where}: a list of strings")
    return tuple(cast("list[str]", raw))


def _capture(file: str, raw: object) -> CaptureTruth:
    if not isinstance(raw, dict):
        raise LabelsError(f"captures/{file}: an object")
    sites: list[str] = []
    organisations: list[str] = []
    own: dict[str, str | None] = {}
    for index, site in enumerate([raw, *(raw.get("other_sites") or [])]):
        where = f"captures/{file}" + (f"/other_sites/{index - 1}" if index else "")
        if not isinstance(site, dict):
            raise LabelsError(f"{where}: an object")
        domain, organisation = site.get("site"), site.get("organisation")
        if (domain is None) != (organisation is None):
            raise LabelsError(f"{where}: site and organisation are both given or both null")
        if domain is not None:
            if not isinstance(domain, str) or not isinstance(organisation, str):
                raise LabelsError(f"{where}: site and organisation are strings")
            sites.append(domain)
            organisations.append(organisation)
        for item in _strings(site.get("own", []), f"{where}/own"):
            own.setdefault(item, organisation)
    return CaptureTruth(
        file=file,
        sites=tuple(sites),
        organisations=tuple(organisations),
        own=own,
        domains=_labels(raw.get("domains"), f"captures/{file}/domains"),
        hosts=_labels(raw.get("hosts"), f"captures/{file}/hosts"),
    )


def load_truth(path: Path = LABELS) -> Truth:
    """Read the labelled set; raise :class:`LabelsError` when it is malformed."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or raw.get("schema_version") != 1:
        raise LabelsError(f"{path}: an object with schema_version 1")
    organisations = raw.get("organisations")
    if not isinstance(organisations, dict):
        raise LabelsError(f"{path}: organisations is an object")
    parents: dict[str, str | None] = {}
    for org, record in organisations.items():
        parent = record.get("parent") if isinstance(record, dict) else None
        if not isinstance(record, dict) or not isinstance(record.get("name"), str):
            raise LabelsError(f"organisations/{org}: an object with a name")
        if parent is not None and not isinstance(parent, str):
            raise LabelsError(f"organisations/{org}: parent is an id")
        parents[str(org)] = parent
    names = raw.get("vendor_names")
    if not isinstance(names, dict) or not all(
        value is None or isinstance(value, str) for value in names.values()
    ):
        raise LabelsError(f"{path}: vendor_names maps names to ids or null")
    captures = raw.get("captures")
    if not isinstance(captures, dict):
        raise LabelsError(f"{path}: captures is an object")
    return Truth(
        parents=parents,
        domains=_labels(raw.get("domains"), "domains"),
        hosts=_labels(raw.get("hosts"), "hosts"),
        captures={str(file): _capture(str(file), value) for file, value in captures.items()},
        vendor_names=cast("dict[str, str | None]", names),
    )


# --- what a report says ------------------------------------------------------------------


@frozen(kw_only=True)
class ObservedRequest:
    """One network request of a capture, as the report sees it."""

    index: int
    host: str
    tag: str | None
    """Id of the tag it is attributed to; ``None`` when none."""
    tag_organisation: str | None
    """Organisation id of that tag; ``None`` when unknown or no tag."""
    own_tag: bool = False
    """Whether the report keeps that tag as the site's own (no third-party tag)."""
    unknown_third_party: bool = False
    """Whether the report lists the request under unknown third-party hosts."""


@frozen(kw_only=True)
class ObservedCookie:
    """One tag cookie row of the report."""

    name: str
    domain: str
    """The cookie's domain, or the host it was sent to or set by when it has none."""
    tag: str
    tag_organisation: str | None


@frozen(kw_only=True)
class ObservedReport:
    """What the report of one capture says, reduced to what the metrics compare."""

    file: str
    first_party: frozenset[str]
    requests: tuple[ObservedRequest, ...]
    cookies: tuple[ObservedCookie, ...]
    unmapped_vendors: frozenset[str] = frozenset()
    """Vendor names of tags that the name table does not know."""
    unknown_organisations: frozenset[str] = frozenset()
    """Organisation ids of signatures that the labelled set does not know."""


@functools.cache
def _database() -> SignatureDB:
    return load_signatures()


def observe(file: str, report: Report, capture: Capture, truth: Truth) -> ObservedReport:
    """Read what the metrics need from ``report`` (of the single input ``capture``).

    This is the one place that knows the report's shape. The organisation of a tag is
    the signature's ``organisation`` where the database names one that ``truth`` knows,
    else its vendor's name looked up in the truth's name table.
    """
    by_index = {entry.index: entry for entry in capture.entries}
    tag_of: dict[int, tuple[str, str | None, bool]] = {}
    cookies: list[ObservedCookie] = []
    unmapped: set[str] = set()
    unknown: set[str] = set()
    for tag in report.tags:
        organisation = tag.signature.organisation
        if organisation is not None and organisation not in truth.parents:
            # The labels may know the organisation's current owner in the database.
            top = _database().current_owner(organisation)
            if top is not None and top.id in truth.parents:
                organisation = top.id
            else:
                unknown.add(organisation)
                organisation = None
        if not isinstance(organisation, str):
            name = tag.signature.vendor.name
            organisation = truth.vendor_names.get(name)
            if name not in truth.vendor_names:
                unmapped.add(name)
        own = tag.own
        for ref in tag.entries:
            tag_of[ref.index] = (tag.id, organisation, own)
        for cookie in tag.cookies:
            domain = (cookie.domain or "").lstrip(".")
            if not domain and cookie.entry is not None and cookie.entry in by_index:
                domain = by_index[cookie.entry].url.host
            if domain:
                cookies.append(
                    ObservedCookie(
                        name=cookie.name,
                        domain=domain.lower(),
                        tag=tag.id,
                        tag_organisation=organisation,
                    )
                )
    unlisted = {
        ref.index for host in report.unattributed if host.third_party for ref in host.entries
    }
    requests = []
    for entry in capture.entries:
        if not entry.url.is_network or not entry.url.host:
            continue
        tag_id, organisation, own = tag_of.get(entry.index, (None, None, False))
        requests.append(
            ObservedRequest(
                index=entry.index,
                host=entry.url.host.lower(),
                tag=tag_id,
                tag_organisation=organisation,
                own_tag=own,
                unknown_third_party=entry.index in unlisted,
            )
        )
    return ObservedReport(
        file=file,
        first_party=frozenset(report.first_party),
        requests=tuple(requests),
        cookies=tuple(cookies),
        unmapped_vendors=frozenset(unmapped),
        unknown_organisations=frozenset(unknown),
    )


# --- the figures -------------------------------------------------------------------------

Offence = tuple[str, str, str]
"""(capture file, registrable domain, or host where a host label decided, tag id or ``-``)."""


@frozen(kw_only=True)
class Ratio:
    """A count over a total, with the worst offenders."""

    count: int
    total: int
    offenders: tuple[tuple[Offence, int], ...] = ()
    """The most frequent (capture, domain, tag) behind ``count``, most first."""

    @property
    def share(self) -> float:
        """``count / total`` (0 when the total is 0)."""
        return self.count / self.total if self.total else 0.0


@frozen(kw_only=True)
class Figures:
    """The figures of issue 10 for a set of captures."""

    own_site_errors: Ratio
    no_tag_in_tags: Ratio
    vendor_precision: Ratio
    """Count: requests attributed to the right owner; offenders: the wrong ones."""
    tracker_recall: Ratio
    """Count: tracker requests attributed to the right owner; offenders: the missed ones."""
    cookie_conflicts: Ratio
    cookies_without_requests: Ratio
    """Cookie rows given to a vendor that made no request in the capture, over all rows."""
    wrong_first_party: Ratio
    unlabelled: tuple[tuple[str, str], ...] = ()
    """(capture, domain) pairs that the labelled set has no label for."""
    unmapped_vendors: tuple[str, ...] = ()
    """Vendor names that the labelled set's name table does not know."""
    unknown_organisations: tuple[str, ...] = ()
    """Organisation ids of the database that the labelled set does not know (their tags
    were judged by vendor name)."""


def _ratio(count: int, total: int, offences: Counter[Offence], top: int) -> Ratio:
    ranked = sorted(offences.items(), key=lambda item: (-item[1], item[0]))[:top]
    return Ratio(count=count, total=total, offenders=tuple(ranked))


def figures(truth: Truth, observed: Iterable[ObservedReport], *, top: int = 15) -> Figures:
    """Compute the figures of every observed report against ``truth``."""
    own = [0, 0]
    no_tag = [0, 0]
    precise = [0, 0]
    recall = [0, 0]
    conflict = [0, 0]
    orphan = [0, 0]
    wrong = [0, 0]
    offences: dict[str, Counter[Offence]] = {
        name: Counter()
        for name in ("own", "no_tag", "precision", "recall", "conflict", "orphan", "first_party")
    }
    unlabelled: set[tuple[str, str]] = set()
    unmapped: set[str] = set()
    unknown: set[str] = set()
    for seen in observed:
        unmapped.update(seen.unmapped_vendors)
        unknown.update(seen.unknown_organisations)
        capture = truth.captures.get(seen.file)
        if capture is None:
            raise LabelsError(f"{seen.file}: no labels for this capture")
        owners_with_requests: set[str | None] = set()
        for request in seen.requests:
            domain = registrable_domain(request.host)
            owner = truth.top(request.tag_organisation)
            if request.tag is not None:
                owners_with_requests.add(owner or request.tag)
            label = truth.label(capture, request.host)
            if label is None:
                unlabelled.add((seen.file, domain))
                continue
            tag = request.tag or "-"
            if request.host in capture.hosts or request.host in truth.hosts:
                domain = request.host  # a host label decided: name the host
            third_party = (request.tag is not None and not request.own_tag) or (
                request.unknown_third_party
            )
            if label.kind == "own":
                own[1] += 1
                if third_party:
                    own[0] += 1
                    offences["own"][(seen.file, domain, tag)] += 1
            if label.kind == "no-tag":
                no_tag[1] += 1
                if request.tag is not None or request.unknown_third_party:
                    no_tag[0] += 1
                    offences["no_tag"][(seen.file, domain, tag)] += 1
            if request.tag is not None:
                truth_owner = truth.top(label.organisation)
                if truth_owner is None and label.kind == "cdn-hosting":
                    # The customer is unknown, but it is never the platform.
                    if owner is not None and owner == truth.top(label.platform):
                        precise[1] += 1
                        offences["precision"][(seen.file, domain, tag)] += 1
                elif truth_owner is not None:
                    precise[1] += 1
                    if owner == truth_owner:
                        precise[0] += 1
                    else:
                        offences["precision"][(seen.file, domain, tag)] += 1
            if label.kind == "tracker" and label.organisation is not None:
                recall[1] += 1
                if request.tag is not None and owner == truth.top(label.organisation):
                    recall[0] += 1
                else:
                    offences["recall"][(seen.file, domain, tag)] += 1
        for cookie in seen.cookies:
            orphan[1] += 1
            owner = truth.top(cookie.tag_organisation)
            if (owner or cookie.tag) not in owners_with_requests:
                orphan[0] += 1
                offences["orphan"][(seen.file, cookie.name, cookie.tag)] += 1
            label = truth.label(capture, cookie.domain)
            if label is None or label.organisation is None:
                continue
            conflict[1] += 1
            # A cookie of the site's own domain may be a vendor's (set by its script),
            # but only of a vendor present in the capture.
            if (label.kind == "own" and (owner or cookie.tag) not in owners_with_requests) or (
                label.kind != "own" and owner != truth.top(label.organisation)
            ):
                conflict[0] += 1
                offences["conflict"][(seen.file, f"{cookie.name}@{cookie.domain}", cookie.tag)] += 1
        wrong[1] += 1
        missing = [site for site in capture.sites if site not in seen.first_party]
        # A reported first-party domain is wrong when the labels say it is not the site's;
        # the site organisation's domains that the capture never requests are unlabelled.
        foreign = sorted(
            domain
            for domain in seen.first_party
            if (label := truth.label(capture, domain)) is not None and label.kind != "own"
        )
        if missing or foreign:
            wrong[0] += 1
            detail = " ".join(
                [*(f"-{site}" for site in missing), *(f"+{domain}" for domain in foreign)]
            )
            offences["first_party"][(seen.file, detail, "-")] += 1
    return Figures(
        own_site_errors=_ratio(own[0], own[1], offences["own"], top),
        no_tag_in_tags=_ratio(no_tag[0], no_tag[1], offences["no_tag"], top),
        vendor_precision=_ratio(precise[0], precise[1], offences["precision"], top),
        tracker_recall=_ratio(recall[0], recall[1], offences["recall"], top),
        cookie_conflicts=_ratio(conflict[0], conflict[1], offences["conflict"], top),
        cookies_without_requests=_ratio(orphan[0], orphan[1], offences["orphan"], top),
        wrong_first_party=_ratio(wrong[0], wrong[1], offences["first_party"], top),
        unlabelled=tuple(sorted(unlabelled)),
        unmapped_vendors=tuple(sorted(unmapped)),
        unknown_organisations=tuple(sorted(unknown)),
    )


def corpus_files(corpus: Path = CORPUS) -> list[Path]:
    """Return the captures of the shared corpus, sorted; none when it is absent."""
    folder = corpus / "har"
    return sorted(folder.glob("*.har")) if folder.is_dir() else []


def measure_corpus(truth: Truth | None = None, corpus: Path = CORPUS, *, top: int = 15) -> Figures:
    """Analyse every capture of the corpus with the bundled database and measure it."""
    truth = truth or load_truth()
    observed = []
    for path in corpus_files(corpus):
        capture = load_har(path)
        observed.append(observe(path.name, analyze(capture), capture, truth))
    return figures(truth, observed, top=top)


_METRICS: Sequence[tuple[str, str, str]] = (
    (
        "own_site_errors",
        "own-site errors (own-domain requests in third-party tags or unknown third parties)",
        "<= 0.5 %",
    ),
    ("no_tag_in_tags", "no-tag traffic in tags or unknown third parties", "0"),
    ("vendor_precision", "vendor precision by requests", ">= 0.99"),
    ("tracker_recall", "tracker recall with the right owner", ">= 0.97"),
    ("cookie_conflicts", "cookie-owner conflicts (rows whose domain has a known owner)", "<= 1 %"),
    ("cookies_without_requests", "cookie rows given to a vendor that made no request", "-"),
    ("wrong_first_party", "wrong first parties (captures)", "0"),
)


def render(result: Figures, *, top: int = 15) -> str:
    """Return the figures and the worst offenders as plain text."""
    lines = []
    for attribute, title, target in _METRICS:
        ratio: Ratio = getattr(result, attribute)
        lines.append(f"{title}: {ratio.count}/{ratio.total} = {ratio.share:.4f} (target {target})")
        for (file, domain, tag), count in ratio.offenders[:top]:
            lines.append(f"    {count:5d}  {file[:60]:60s}  {domain}  {tag}")
    if result.unlabelled:
        lines.append(f"unlabelled domains: {len(result.unlabelled)}")
        lines.extend(f"    {file}  {domain}" for file, domain in result.unlabelled[:top])
    if result.unmapped_vendors:
        lines.append(f"vendor names without an organisation: {len(result.unmapped_vendors)}")
        lines.extend(f"    {name}" for name in result.unmapped_vendors)
    if result.unknown_organisations:
        lines.append(
            "organisation ids the labels do not know (judged by vendor name): "
            + " ".join(result.unknown_organisations)
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the corpus figures; exit 1 when the corpus is absent."""
    args = list(sys.argv[1:] if argv is None else argv)
    top = int(args[0]) if args else 15
    if not corpus_files():
        print(f"the shared corpus is absent ({CORPUS})", file=sys.stderr)
        return 1
    print(render(measure_corpus(top=top), top=top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

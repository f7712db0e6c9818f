"""Fold batch lines into the estate summary: which tags where, how often, with which flags.

The estate's aggregate, apart from how lines are made (:mod:`tagsig._batch.run`) and written
(:mod:`tagsig._batch.write`): :func:`summarize_estate` reads any iterable of lines, from a
batch just run or read back from a JSON Lines file, and :func:`summary_view` keeps of a
line only what the summary reads, so that a long batch need not hold every report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from attrs import frozen

from tagsig._render.formats import JSONValue

__all__ = [
    "EstateSummary",
    "RuleEstate",
    "TagEstate",
    "estate_to_document",
    "summarize_estate",
    "summary_view",
]

_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}


@frozen(kw_only=True)
class TagEstate:
    """One tag across the estate."""

    id: str
    name: str
    consent: str
    captures: int
    """Captures the tag appears in."""
    pages: int
    """Pages (summed over captures) where it made a request."""
    requests: int
    transfer_bytes: int
    script_bytes: int
    flags: int
    capture_paths: tuple[str, ...]
    """The captures it appears in, sorted."""


@frozen(kw_only=True)
class RuleEstate:
    """One flag rule across the estate."""

    rule: str
    severity: str
    """The most serious severity it was raised with."""
    flags: int
    captures: int
    tags: tuple[str, ...]
    """Ids of the tags it was raised on, sorted."""


@frozen(kw_only=True)
class EstateSummary:
    """What a batch found: which tags where, how often, at what weight, with which flags."""

    captures: int
    """Lines summarised (captures attempted)."""
    analysed: int
    failed: int
    pages: int
    """Pages in the analysed captures."""
    tags: tuple[TagEstate, ...]
    """Most widespread first, then heaviest, then by id."""
    rules: tuple[RuleEstate, ...]
    """Most serious first, then most frequent."""
    unattributed: tuple[tuple[str, int], ...]
    """Unknown third-party hosts with the number of captures they appear in, most first."""
    errors: tuple[tuple[str, str], ...]
    """``(path, message)`` of each capture that failed."""


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _number(value: object) -> int:
    return value if isinstance(value, int) else 0


def summarize_estate(lines: Iterable[Mapping[str, object]]) -> EstateSummary:
    """Fold batch lines (see :func:`analyze_capture`) into an :class:`EstateSummary`."""
    captures = pages = 0
    errors: list[tuple[str, str]] = []
    names: dict[str, tuple[str, str]] = {}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    paths: dict[str, list[str]] = defaultdict(list)
    rules: dict[str, Counter[str]] = defaultdict(Counter)
    rule_tags: dict[str, set[str]] = defaultdict(set)
    rule_captures: dict[str, set[str]] = defaultdict(set)
    severity: dict[str, str] = {}
    hosts: Counter[str] = Counter()
    for line in lines:
        captures += 1
        path = str(line.get("path", ""))
        if "error" in line or not isinstance(line.get("report"), Mapping):
            errors.append((path, str(line.get("error", "no report"))))
            continue
        report = _mapping(line.get("report"))
        pages += sum(_number(_mapping(i).get("pages")) for i in _list(report.get("inputs")))
        hosts.update({str(_mapping(h).get("host")) for h in _list(report.get("unattributed"))})
        owners: list[tuple[str | None, Mapping[str, object]]] = [(None, report)]
        for raw in _list(report.get("tags")):
            tag = _mapping(raw)
            if tag.get("own") is True:
                continue  # the site's own organisation's products are no third-party tag
            tag_id = str(tag.get("id"))
            names.setdefault(tag_id, (str(tag.get("name")), str(tag.get("consent"))))
            paths[tag_id].append(path)
            for key in ("pages", "requests", "transfer_bytes", "script_bytes"):
                counts[tag_id][key] += _number(tag.get(key))
            owners.append((tag_id, tag))
        # Flags by rule: the tags' flags and the site's own (unknown hosts, policy).
        for owner_id, owner in owners:
            for raw_flag in _list(owner.get("flags")):
                flag = _mapping(raw_flag)
                rule, level = str(flag.get("rule")), str(flag.get("severity"))
                rules[rule]["flags"] += 1
                rule_captures[rule].add(path)
                if owner_id is not None:
                    counts[owner_id]["flags"] += 1
                    rule_tags[rule].add(owner_id)
                if _SEVERITY_ORDER.get(level, 9) < _SEVERITY_ORDER.get(severity.get(rule, ""), 9):
                    severity[rule] = level
    tags = [
        TagEstate(
            id=tag_id,
            name=names[tag_id][0],
            consent=names[tag_id][1],
            captures=len(set(paths[tag_id])),
            pages=counts[tag_id]["pages"],
            requests=counts[tag_id]["requests"],
            transfer_bytes=counts[tag_id]["transfer_bytes"],
            script_bytes=counts[tag_id]["script_bytes"],
            flags=counts[tag_id]["flags"],
            capture_paths=tuple(sorted(set(paths[tag_id]))),
        )
        for tag_id in names
    ]
    rule_list = [
        RuleEstate(
            rule=rule,
            severity=severity.get(rule, "info"),
            flags=rules[rule]["flags"],
            captures=len(rule_captures[rule]),
            tags=tuple(sorted(rule_tags[rule])),
        )
        for rule in rules
    ]
    return EstateSummary(
        captures=captures,
        analysed=captures - len(errors),
        failed=len(errors),
        pages=pages,
        tags=tuple(sorted(tags, key=lambda t: (-t.captures, -t.transfer_bytes, t.id))),
        rules=tuple(
            sorted(rule_list, key=lambda r: (_SEVERITY_ORDER.get(r.severity, 9), -r.flags, r.rule))
        ),
        unattributed=tuple(sorted(hosts.items(), key=lambda kv: (-kv[1], kv[0]))),
        errors=tuple(errors),
    )


def estate_to_document(summary: EstateSummary) -> dict[str, JSONValue]:
    """Return ``summary`` as JSON-compatible data (the ``--summary`` file's shape)."""
    return {
        "captures": summary.captures,
        "analysed": summary.analysed,
        "failed": summary.failed,
        "pages": summary.pages,
        "tags": [
            {
                "id": t.id,
                "name": t.name,
                "consent": t.consent,
                "captures": t.captures,
                "pages": t.pages,
                "requests": t.requests,
                "transfer_bytes": t.transfer_bytes,
                "script_bytes": t.script_bytes,
                "flags": t.flags,
                "capture_paths": list(t.capture_paths),
            }
            for t in summary.tags
        ],
        "rules": [
            {
                "rule": r.rule,
                "severity": r.severity,
                "flags": r.flags,
                "captures": r.captures,
                "tags": list(r.tags),
            }
            for r in summary.rules
        ],
        "unattributed": [{"host": host, "captures": n} for host, n in summary.unattributed],
        "errors": [{"path": path, "error": message} for path, message in summary.errors],
    }


_TAG_DETAIL = frozenset({"entries", "per_page", "cookies"})
"""Members of a tag that the summary does not read (the bulk of a report)."""


def summary_view(line: Mapping[str, object]) -> Mapping[str, object]:
    """Return what :func:`summarize_estate` reads of ``line``: it summarises the same.

    A report keeps its inputs, its tags without their entries, pages and cookies, the
    hosts of its unknown third parties, and the rule and severity of the site's own flags.
    """
    report = line.get("report")
    if not isinstance(report, dict):
        return line
    tags = [
        {k: v for k, v in tag.items() if k not in _TAG_DETAIL}
        for tag in report.get("tags", [])
        if isinstance(tag, dict)
    ]
    return {
        "path": line["path"],
        "report": {
            "inputs": report.get("inputs", []),
            "tags": tags,
            "unattributed": [
                {"host": h.get("host")}
                for h in report.get("unattributed", [])
                if isinstance(h, dict)
            ],
            "flags": [
                {"rule": f.get("rule"), "severity": f.get("severity")}
                for f in report.get("flags", [])
                if isinstance(f, dict)
            ],
        },
    }

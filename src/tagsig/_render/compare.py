"""Compare two reports: tags added and removed, weight and cookie changes, new flags.

Both sides are reduced to their JSON documents (:func:`report_to_document`), so a saved JSON
report and a fresh analysis compare alike. A difference *matters* (exit code 1 of
``tagsig diff``) when a tag was added or a flag appeared.

Part of the render layer (see ``tests/test_layers.py``): it compares the documents the
render layer writes. It may import the render layer's JSON document and what lies below,
never the command line; writing a diff is ``_render_diff``'s job.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from attrs import frozen

from tagsig._audit.measure import Weight
from tagsig._compliance.flags import SEVERITY_RANK
from tagsig._exceptions import InputError, shown
from tagsig._render.formats import report_to_document
from tagsig._report.model import REPORT_SCHEMA_VERSION, Report

__all__ = [
    "CookieChange",
    "FlagChange",
    "ReportDiff",
    "ReportLike",
    "TagSummary",
    "WeightChange",
    "diff_reports",
]

ReportLike = Report | Mapping[str, object]
_MAX_COUNT = 2**63
_RANK: dict[str, int] = {str(s): n for s, n in SEVERITY_RANK.items()}
"""Severity ranks, read from documents (where a severity is any string)."""


@frozen(kw_only=True)
class TagSummary:
    """A tag as it appears on one side of a diff."""

    id: str
    name: str
    consent: str
    """Consent purpose (``essential``, ``analytics``, ``marketing``, ...)."""
    weight: Weight


@frozen(kw_only=True)
class WeightChange:
    """A tag present on both sides whose requests or bytes changed."""

    id: str
    name: str
    old: Weight
    new: Weight

    @property
    def transfer_bytes(self) -> int:
        """Change of bytes on the wire (new minus old)."""
        return self.new.transfer_bytes - self.old.transfer_bytes

    @property
    def requests(self) -> int:
        """Change of the number of requests (new minus old)."""
        return self.new.requests - self.old.requests


@frozen(kw_only=True)
class CookieChange:
    """A cookie name that appeared for, or disappeared from, a tag."""

    tag: str
    name: str


@frozen(kw_only=True)
class FlagChange:
    """A flag that appeared or was resolved."""

    tag: str | None
    """The tag's id; ``None`` for a flag about the site as a whole."""
    rule: str
    severity: str
    message: str


@frozen(kw_only=True)
class ReportDiff:
    """What changed from an old report to a new one."""

    added: tuple[TagSummary, ...] = ()
    removed: tuple[TagSummary, ...] = ()
    weight_changes: tuple[WeightChange, ...] = ()
    """Sorted by the size of the change on the wire, largest first."""
    cookies_added: tuple[CookieChange, ...] = ()
    cookies_removed: tuple[CookieChange, ...] = ()
    flags_added: tuple[FlagChange, ...] = ()
    flags_resolved: tuple[FlagChange, ...] = ()
    hosts_added: tuple[str, ...] = ()
    """Unknown third-party hosts only the new report has."""
    hosts_removed: tuple[str, ...] = ()

    @property
    def is_significant(self) -> bool:
        """Whether a tag was added or a flag appeared (what ``tagsig diff`` fails on)."""
        return bool(self.added or self.flags_added)

    @property
    def is_empty(self) -> bool:
        """Whether nothing at all changed."""
        return not (
            self.added
            or self.removed
            or self.weight_changes
            or self.cookies_added
            or self.cookies_removed
            or self.flags_added
            or self.flags_resolved
            or self.hosts_added
            or self.hosts_removed
        )


_FlagKey = tuple[str | None, str, frozenset[tuple[str, str]]]
"""A flag's identity across two reports: tag (``None`` for the site), rule, evidence."""


@frozen(kw_only=True)
class _Side:
    tags: dict[str, TagSummary]
    cookies: frozenset[tuple[str, str]]
    flags: dict[_FlagKey, FlagChange]
    hosts: frozenset[str]


def _fail(message: str, source: str, pointer: str) -> InputError:
    return InputError(f"not a tagsig JSON report: {message}", path=source, pointer=pointer)


def _get(obj: object, key: str, kind: type | tuple[type, ...], source: str, pointer: str) -> object:
    if isinstance(obj, Mapping) and isinstance(obj.get(key), kind):
        return obj[key]
    found = obj.get(key) if isinstance(obj, Mapping) else obj
    raise _fail(
        f"expected {key!r} of type {_kind_name(kind)}, found {type(found).__name__}",
        source,
        pointer,
    )


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _items(obj: object, key: str, source: str, pointer: str) -> list[tuple[str, object]]:
    values = _get(obj, key, list, source, pointer)
    assert isinstance(values, list)
    return [(f"{pointer}/{key}/{n}", v) for n, v in enumerate(values)]


def _str(obj: object, key: str, source: str, pointer: str) -> str:
    return str(_get(obj, key, str, source, pointer))


def _int(obj: object, key: str, source: str, pointer: str) -> int:
    value = _get(obj, key, int, source, pointer)
    assert isinstance(value, int)
    if isinstance(value, bool) or not -_MAX_COUNT < value < _MAX_COUNT:
        raise _fail(f"expected {key!r} to be a count, found {str(value)[:20]}...", source, pointer)
    return value


def _flags(
    owner: object, tag_id: str | None, source: str, pointer: str
) -> dict[_FlagKey, FlagChange]:
    """Read the flags of a tag (or, with ``tag_id`` ``None``, the site's own flags)."""
    flags: dict[_FlagKey, FlagChange] = {}
    if tag_id is None and isinstance(owner, Mapping) and "flags" not in owner:
        return flags  # reports written before site-level flags existed
    for flag_pointer, flag in _items(owner, "flags", source, pointer):
        rule = _str(flag, "rule", source, flag_pointer)
        # Entry indexes differ between captures; a flag is the same flag when its tag,
        # rule and named evidence (cookies, parameters) are.
        evidence = frozenset(
            (str(e.get("kind")), str(e.get("name")))
            for _, e in _items(flag, "evidence", source, flag_pointer)
            if isinstance(e, Mapping)
        )
        flags[(tag_id, rule, evidence)] = FlagChange(
            tag=tag_id,
            rule=rule,
            severity=_str(flag, "severity", source, flag_pointer),
            message=_str(flag, "message", source, flag_pointer),
        )
    return flags


def _side(document: Mapping[str, object], source: str) -> _Side:
    version = document.get("schema_version")
    if version != REPORT_SCHEMA_VERSION:
        raise _fail(
            f"expected schema_version {REPORT_SCHEMA_VERSION}, found {shown(version)}",
            source,
            "/schema_version",
        )
    tags: dict[str, TagSummary] = {}
    cookies: set[tuple[str, str]] = set()
    flags: dict[_FlagKey, FlagChange] = {}
    for pointer, tag in _items(document, "tags", source, ""):
        tag_id = _str(tag, "id", source, pointer)
        time = _get(tag, "time_ms", (int, float), source, pointer)
        assert isinstance(time, int | float)
        if isinstance(time, int):
            time = _int(tag, "time_ms", source, pointer)
        if not math.isfinite(time):  # NaN is no JSON, and would make the diff's JSON none
            raise _fail(f"expected 'time_ms' to be a finite number, found {time}", source, pointer)
        tags[tag_id] = TagSummary(
            id=tag_id,
            name=_str(tag, "name", source, pointer),
            consent=_str(tag, "consent", source, pointer),
            weight=Weight(
                requests=_int(tag, "requests", source, pointer),
                transfer_bytes=_int(tag, "transfer_bytes", source, pointer),
                decoded_bytes=_int(tag, "decoded_bytes", source, pointer),
                script_bytes=_int(tag, "script_bytes", source, pointer),
                time_ms=float(time),
            ),
        )
        for cookie_pointer, cookie in _items(tag, "cookies", source, pointer):
            cookies.add((tag_id, _str(cookie, "name", source, cookie_pointer)))
        flags.update(_flags(tag, tag_id, source, pointer))
    flags.update(_flags(document, None, source, ""))
    hosts = frozenset(
        _str(h, "host", source, p) for p, h in _items(document, "unattributed", source, "")
    )
    return _Side(tags=tags, cookies=frozenset(cookies), flags=flags, hosts=hosts)


def _document(report: ReportLike) -> Mapping[str, object]:
    return report_to_document(report) if isinstance(report, Report) else report


def diff_reports(
    old: ReportLike, new: ReportLike, *, old_name: str = "<old>", new_name: str = "<new>"
) -> ReportDiff:
    """Compare ``old`` with ``new``.

    Args:
        old: The earlier report, or its JSON document (as :func:`report_to_document` gives or
            ``tagsig analyze --format json`` writes).
        new: The later report, or its JSON document.
        old_name: How errors name ``old``.
        new_name: How errors name ``new``.

    Returns:
        The differences.

    Raises:
        InputError: A document is not a tagsig JSON report of a known schema version.

    """
    before = _side(_document(old), old_name)
    after = _side(_document(new), new_name)
    common = sorted(before.tags.keys() & after.tags.keys())
    changes = [
        WeightChange(
            id=i, name=after.tags[i].name, old=before.tags[i].weight, new=after.tags[i].weight
        )
        for i in common
        if (before.tags[i].weight.requests, before.tags[i].weight.transfer_bytes)
        != (after.tags[i].weight.requests, after.tags[i].weight.transfer_bytes)
    ]

    def flag_list(keys: set[_FlagKey], side: _Side) -> tuple[FlagChange, ...]:
        return tuple(
            sorted(
                (side.flags[k] for k in keys),
                key=lambda f: (_RANK.get(f.severity, 9), f.tag or "", f.rule, f.message),
            )
        )

    return ReportDiff(
        added=tuple(after.tags[i] for i in sorted(after.tags.keys() - before.tags.keys())),
        removed=tuple(before.tags[i] for i in sorted(before.tags.keys() - after.tags.keys())),
        weight_changes=tuple(sorted(changes, key=lambda c: (-abs(c.transfer_bytes), c.id))),
        cookies_added=tuple(
            CookieChange(tag=t, name=n) for t, n in sorted(after.cookies - before.cookies)
        ),
        cookies_removed=tuple(
            CookieChange(tag=t, name=n) for t, n in sorted(before.cookies - after.cookies)
        ),
        flags_added=flag_list(set(after.flags) - set(before.flags), after),
        flags_resolved=flag_list(set(before.flags) - set(after.flags), before),
        hosts_added=tuple(sorted(after.hosts - before.hosts)),
        hosts_removed=tuple(sorted(before.hosts - after.hosts)),
    )

"""Small formatting helpers shared by the human-readable renderers."""

from __future__ import annotations

import re
from datetime import datetime

from tagsig._psl import public_suffix_list
from tagsig._report import (
    Evidence,
    Flag,
    InputSummary,
    Report,
    Severity,
    TagCookie,
    TagReport,
)
from tagsig._version import __version__

__all__ = [
    "SEVERITY_ORDER",
    "SITE",
    "all_flags",
    "cookie_lifetime",
    "evidence_text",
    "first_party_summary",
    "human_bytes",
    "loaded_by",
    "no_tag_summary",
    "own_tags",
    "printable",
    "provenance",
    "size",
    "tag_name",
    "tags_by_weight",
    "time_of_day",
    "verdict",
]

SEVERITY_ORDER: dict[Severity, int] = {"high": 0, "medium": 1, "low": 2, "info": 3}
"""Sort key of severities, most serious first."""

_CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    r"\ud800-\udfff]")


def printable(value: str) -> str:
    r"""Replace control and bidirectional-override characters (terminal injection) by ``?``.

    Unpaired surrogates, which no output encoding can hold, are replaced too.

    >>> printable("a\x1b[31mb\ud800")
    'a?[31mb?'
    """
    return _CONTROL.sub("?", value)


def human_bytes(count: int) -> str:
    """Return ``count`` bytes in B, kB or MB (powers of 1000)."""
    if count < 1000:
        return f"{count} B"
    if count < 1_000_000:
        return f"{count / 1000:.1f} kB"
    return f"{count / 1_000_000:.1f} MB"


def size(count: int, recorded: bool = True) -> str:
    """Return :func:`human_bytes` of ``count``, or ``unknown`` when sizes were not recorded.

    >>> size(1500), size(0, recorded=False)
    ('1.5 kB', 'unknown')
    """
    return human_bytes(count) if recorded else "unknown"


def loaded_by(report: Report, name: str | None) -> str:
    """Return what loaded a tag or host: its name, else ``-`` for none.

    When no capture of ``report`` records initiators (Playwright records none), what is
    not named is ``unknown`` instead of ``-``.
    """
    if name:
        return name
    return "-" if report.has_initiators else "unknown"


def cookie_lifetime(cookie: TagCookie) -> str:
    """Return how long ``cookie`` lives, in words (``sent`` for request cookies)."""
    if cookie.source == "request":
        return "sent"
    if cookie.expires is None:
        return "session"
    if cookie.lifetime_days is not None:
        return f"{cookie.lifetime_days:g} days"
    return f"until {cookie.expires.date().isoformat()}"


def tags_by_weight(report: Report) -> list[TagReport]:
    """Return the report's third-party tags, heaviest on the wire first (then by id)."""
    return sorted(report.third_party_tags, key=lambda t: (-t.weight.transfer_bytes, t.id))


def first_party_summary(report: Report) -> str:
    """Return the first party in words: each site, its owner, and how many other domains.

    The report's ``first_party`` lists every domain of the site's organisation (a hundred
    for Google's sites); people read the sites and the owner.

    >>> from tagsig._report import SiteReport
    >>> print(first_party_summary(Report(inputs=(), first_party=("a.example", "b.example",
    ...     "c.example"), tags=(), unattributed=(), sites=(SiteReport(input=0, page="p",
    ...     domain="a.example", evidence="title", organisation="A Corp"),))))
    a.example (A Corp), and 2 other domains of the same owner
    """
    seen: dict[str, str | None] = {}
    for site in report.sites:
        if site.domain and site.domain not in seen:
            seen[site.domain] = site.organisation
    if not seen:
        return ", ".join(report.first_party)
    named = ", ".join(f"{domain} ({owner})" if owner else domain for domain, owner in seen.items())
    others = len(set(report.first_party) - set(seen))
    if not others:
        return named
    return f"{named}, and {others} other domain{'s' if others != 1 else ''} of the same owner"


def own_tags(report: Report) -> list[TagReport]:
    """Return the tags that are the site's own organisation's, heaviest first."""
    return sorted((t for t in report.tags if t.own),
                  key=lambda t: (-t.weight.transfer_bytes, t.id))


def tag_name(tag: TagReport) -> str:
    """Return the tag's name, with its vendor's current owner when another company.

    ``Dataxu (Roku, Inc.)``: the brand as the page shows it, and who is behind it now.
    """
    name = tag.signature.name
    return f"{name} ({tag.owner})" if tag.owner else name


def no_tag_summary(item: InputSummary) -> str:
    """Return how many requests of an input were no tag, and why, or ''.

    >>> no_tag_summary(InputSummary(path="a.har", kind="har", producer="x", entries=5,
    ...     pages=1, no_tag=(("certificate-check", 2), ("navigation", 1))))
    '3 requests are no tag (certificate-check 2, navigation 1)'
    """
    total = sum(count for _, count in item.no_tag)
    if not total:
        return ""
    reasons = ", ".join(f"{reason} {count}" for reason, count in item.no_tag)
    return f"{total} request{'s are' if total != 1 else ' is'} no tag ({reasons})"


SITE = "(site)"
"""How renderers name the owner of a flag about the site as a whole."""


def all_flags(report: Report) -> list[tuple[TagReport | None, Flag]]:
    """Return every flag with its tag, most serious first, then by tag id and rule.

    Flags about the site as a whole come with ``None`` for a tag.
    """
    pairs: list[tuple[TagReport | None, Flag]] = [
        (tag, flag) for tag in report.tags for flag in tag.flags]
    pairs.extend((None, flag) for flag in report.flags)
    return sorted(pairs, key=lambda p: (SEVERITY_ORDER[p[1].severity],
                                        p[0].id if p[0] else "", p[1].rule))


def time_of_day(value: datetime | None) -> str:
    """Return ``value`` as ``HH:MM:SS.mmm`` in its own offset, or ``-``."""
    return value.strftime("%H:%M:%S.%f")[:-3] if value is not None else "-"


def evidence_text(evidence: Evidence) -> str:
    """Return what a person checks for ``evidence``, in one line of plain text.

    The cookie's name and domain, the request's method and shortened URL, its time and
    page, and the JSON pointer; a value evidence gives its (masked) value.

    >>> evidence_text(Evidence(kind="cookie", input=1, name="_ga", domain="shop.example"))
    'cookie _ga on shop.example'
    """
    parts: list[str] = []
    if evidence.kind == "cookie":
        parts.append(f"cookie {evidence.name or '?'}"
                     + (f" on {evidence.domain}" if evidence.domain else ""))
    elif evidence.kind == "value":
        text = evidence.name or ""
        if evidence.value is not None:
            text += f"={evidence.value}" if text else evidence.value
        return f"value {text}" if text else "value"
    if evidence.method is not None and evidence.url is not None:
        parts.append(("set by " if evidence.kind == "cookie" else "")
                     + f"{evidence.method} {evidence.url}")
    if evidence.time is not None:
        parts.append(f"at {time_of_day(evidence.time)}")
    if evidence.page is not None:
        parts.append(f"on page {evidence.page}")
    if evidence.pointer is not None:
        parts.append(f"({evidence.pointer})")
    return " ".join(parts) if parts else evidence.kind


def verdict(report: Report) -> tuple[Severity | None, str]:
    """Return the most serious severity among the flags that count, and what it asks for.

    Waived flags do not count. ``(None, ...)`` when no high or medium flag counts.
    """
    counted = [flag for _, flag in all_flags(report) if flag.waiver is None]
    high = sum(1 for f in counted if f.severity == "high")
    medium = sum(1 for f in counted if f.severity == "medium")
    tags = len({f.tag for f in counted if f.severity in {"high", "medium"}})
    if high:
        return "high", (f"Action needed: {high} high-severity finding{'s' if high != 1 else ''}"
                        + (f" and {medium} medium" if medium else "")
                        + f", about {tags} tag{'s' if tags != 1 else ''} or the site.")
    if medium:
        return "medium", (f"Review needed: {medium} medium-severity "
                          f"finding{'s' if medium != 1 else ''}, about {tags} "
                          f"tag{'s' if tags != 1 else ''} or the site.")
    return None, "No high or medium finding."


def provenance(report: Report) -> str:
    """Return which tagsig, signature database and Public Suffix List made ``report``."""
    signatures = report.signatures
    if signatures is None:
        database = "signatures built in memory"
    else:
        database = f"signatures {signatures.version}" + (
            f" of {signatures.date}" if signatures.date else "")
        if signatures.layers > 1:
            database += f" ({signatures.layers} layers)"
    psl = public_suffix_list().date
    return f"tagsig {__version__}; {database}; Public Suffix List {psl or 'undated'}"

"""Small formatting helpers shared by the human-readable renderers."""

from __future__ import annotations

import re
from datetime import datetime

from tagsig._report import Flag, Report, Severity, TagCookie, TagReport

__all__ = [
    "SEVERITY_ORDER",
    "SITE",
    "all_flags",
    "cookie_lifetime",
    "human_bytes",
    "printable",
    "tags_by_weight",
    "time_of_day",
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
    """Return the report's tags, heaviest on the wire first (then by id)."""
    return sorted(report.tags, key=lambda t: (-t.weight.transfer_bytes, t.id))


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

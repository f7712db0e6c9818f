"""Build small audits in tests: a capture from entries, analysed, and its flags."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from tagsig import Flag, Policy, Report, analyze

from .builders import JSON, entry, har

SITE = "https://www.shop.example/"
PAGE = (("page_1", SITE),)
TWO_PAGES = (("page_1", SITE), ("page_2", SITE + "p2"))


def at(seconds: float) -> str:
    """Return the HAR time ``seconds`` after 2024-05-01T10:00:00Z."""
    whole = int(seconds)
    return f"2024-05-01T10:{whole // 60:02d}:{whole % 60:02d}.{round((seconds % 1) * 1000):03d}Z"


def document(seconds: float = 0.0, page: str = "page_1", **kwargs: Any) -> JSON:
    """Return the site's document request."""
    return entry(
        SITE if page == "page_1" else SITE + "p2", started=at(seconds), page=page, **kwargs
    )


def hit(url: str, seconds: float, page: str = "page_1", **kwargs: Any) -> JSON:
    """Return a request to ``url`` at ``seconds``, made by the page."""
    return entry(url, started=at(seconds), page=page, mime="image/gif", size=43, **kwargs)


def audit(
    *entries: JSON,
    pages: Iterable[tuple[str, str]] = PAGE,
    jar: str | None = None,
    identifiers: Sequence[str] = (),
    policy: Policy | None = None,
) -> Report:
    """Analyse a capture of ``entries`` (and a Netscape cookie jar text)."""
    jars = [jar.encode()] if jar is not None else []
    return analyze(har(*entries, pages=pages), cookies=jars, identifiers=identifiers, policy=policy)


def flags(report: Report, rule: str, tag: str | None = None) -> list[Flag]:
    """Return the flags of ``rule`` about ``tag`` (any tag and the site when ``None``)."""
    found = [f for f in report.flags if f.rule == rule] if tag is None else []
    for item in report.tags:
        if tag is None or item.id == tag:
            found.extend(f for f in item.flags if f.rule == rule)
    return found


def onetrust_cookie(groups: str = "C0001:1,C0002:1,C0003:1,C0004:1") -> str:
    """Return an ``OptanonConsent`` value granting ``groups``."""
    encoded = groups.replace(":", "%3A").replace(",", "%2C")
    return f"OptanonConsent=isGpcEnabled=0&datestamp=x&groups={encoded}"

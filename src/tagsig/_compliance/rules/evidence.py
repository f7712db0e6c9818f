"""What a person checks beside a pointer: each flag's evidence with its request and cookie."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final
from urllib.parse import unquote

from attrs import evolve

from tagsig._audit.attribute import Attribution
from tagsig._compliance.flags import Evidence, Flag
from tagsig._compliance.rules.personal import find_personal_data, mask_value
from tagsig._compliance.rules.text import parse_query
from tagsig._inputs.models import Cookie, Entry, Url
from tagsig._inputs.url import parse_url

__all__ = ["MAX_PATH", "MAX_QUERY", "detail_flags", "short_url"]

MAX_PATH: Final = 60
"""Most characters of a path shown in evidence; a longer one is cut with an ellipsis."""
MAX_QUERY: Final = 80
"""Most characters of a query shown in evidence; a longer one is cut with an ellipsis."""

_ELLIPSIS: Final = "\u2026"


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + _ELLIPSIS


def short_url(url: Url, *, personal: bool = False) -> str:
    """Return ``url`` shortened for a person to read, personal data masked.

    The scheme and host stay whole; the path and the query are cut to :data:`MAX_PATH` and
    :data:`MAX_QUERY` characters; the fragment is dropped. Query values that hold personal
    data are masked as ``pii-to-third-party`` shows them; with ``personal`` (a request the
    rule flagged) every query value is masked, and so is every path segment with an ``@``.

    >>> from tagsig._inputs.url import parse_url
    >>> short_url(parse_url("https://t.example/c?em=jane.doe%40example.org&v=2#top"))
    'https://t.example/c?em=j***@e***.org&v=2'
    >>> short_url(parse_url("https://t.example/p?uid=abcdef123&v=2"), personal=True)
    'https://t.example/p?uid=abc***23&v=***'
    """
    if not url.host:
        return _cut(url.raw.partition(",")[0] if url.scheme == "data" else url.raw, MAX_PATH)
    port = f":{url.port}" if url.port is not None else ""
    path = url.path
    if personal:
        path = "/".join(mask_value(unquote(s)) if "@" in unquote(s) else s for s in path.split("/"))
    else:
        path = "/".join(_masked_segment(s) for s in path.split("/"))
    text = f"{url.scheme}://{url.host}{port}{_cut(path, MAX_PATH)}"
    if url.query:
        text += "?" + _cut(_masked_query(url.query, personal=personal), MAX_QUERY)
    return text


def _masked_segment(segment: str) -> str:
    if "@" not in segment and "%40" not in segment.upper():
        return segment
    decoded = unquote(segment)
    found = find_personal_data([("", decoded)], known_hashes={})
    return mask_value(decoded) if found and "@" in decoded else segment


def _masked_query(query: str, *, personal: bool) -> str:
    # The fields as parse_qsl(query, keep_blank_values=True) splits them; only those
    # shown are decoded (the rest is cut anyway).
    fields = [field for field in query.split("&") if field]
    if not fields:
        return query
    shown = []
    length = 0
    for field in fields:
        if length > MAX_QUERY:  # the rest is cut anyway
            break
        name, value = parse_query(field)[0]
        masked = value and (personal or find_personal_data([(name, value)], known_hashes={}))
        shown.append(f"{name}={mask_value(value) if masked else value}")
        length += len(shown[-1]) + 1
    return "&".join(shown) + ("&" + _ELLIPSIS if len(shown) < len(fields) else "")


def _cookie_in(entry: Entry, name: str) -> Cookie | None:
    return next(
        (c for c in (*entry.response_cookies, *entry.request_cookies) if c.name == name), None
    )


def _page_names(attribution: Attribution) -> list[dict[str, str]]:
    # A title is often the page's URL, whose query may carry personal data too.
    return [
        {
            page.id: (
                short_url(parse_url(page.title))
                if page.title.startswith(("http://", "https://"))
                else page.title
            )
            or page.id
            for page in capture.pages
        }
        for capture in attribution.captures
    ]


def _detail(
    evidence: Evidence,
    attribution: Attribution,
    pages: list[dict[str, str]],
    personal: frozenset[tuple[int, int]],
    urls: dict[tuple[int, int], str],
) -> Evidence:
    position, index = evidence.input, evidence.index
    captures = attribution.captures
    if position is None or evidence.kind == "value":
        return evidence
    if position >= len(captures):
        # A cookie of a jar (jars follow the captures in the input positions).
        jar_at = position - len(captures)
        # Defensive: the rules point at a jar only with one of its own cookies, by name.
        if evidence.kind != "cookie" or jar_at >= len(attribution.jars):
            return evidence  # pragma: no cover - see above
        cookie = next(
            (c for c in attribution.jars[jar_at].cookies if c.name == evidence.name), None
        )
        if cookie is None:
            return evidence  # pragma: no cover - see above
        return evolve(evidence, domain=cookie.domain, time=cookie.seen)
    entries = captures[position].entries
    if index is None or not 0 <= index < len(entries):
        return evidence
    entry = entries[index]
    page = pages[position].get(entry.pageref) if entry.pageref is not None else None
    url = urls.get((position, index))
    if url is None:
        url = urls[(position, index)] = short_url(entry.url, personal=(position, index) in personal)
    if evidence.kind == "cookie" and evidence.name is not None:
        cookie = _cookie_in(entry, evidence.name)
        domain = cookie.domain if cookie is not None and cookie.domain else entry.url.host
        return evolve(
            evidence,
            method=entry.method,
            time=entry.started,
            page=page,
            url=url,
            domain=domain.lstrip(".") or None,
        )
    return evolve(evidence, method=entry.method, time=entry.started, page=page, url=url)


def detail_flags(
    flags: Mapping[str | None, Iterable[Flag]], attribution: Attribution
) -> dict[str | None, list[Flag]]:
    """Return ``flags`` with their tag id set and their evidence detailed.

    Every entry and cookie evidence gains the request's method, shortened URL, start time
    and page, and a cookie its domain. The requests a ``pii-to-third-party`` flag names have
    every query value masked.
    """
    flags = {tag: list(group) for tag, group in flags.items()}
    personal = frozenset(
        (e.input, e.index)
        for group in flags.values()
        for flag in group
        if flag.rule == "pii-to-third-party"
        for e in flag.evidence
        if e.input is not None and e.index is not None
    )
    pages = _page_names(attribution)
    urls: dict[tuple[int, int], str] = {}  # an entry is often evidence of several flags
    # The same evidence (an entry, a cookie) often backs several flags: detailed once.
    detailed: dict[Evidence, Evidence] = {}

    def detail(evidence: Evidence) -> Evidence:
        known = detailed.get(evidence)
        if known is None:
            known = detailed[evidence] = _detail(evidence, attribution, pages, personal, urls)
        return known

    return {
        tag: [evolve(flag, tag=tag, evidence=tuple(map(detail, flag.evidence))) for flag in group]
        for tag, group in flags.items()
    }

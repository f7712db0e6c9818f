"""Small formatting helpers shared by the human-readable renderers."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from tagsig._compliance.flags import SEVERITY_RANK, Evidence, Flag, Severity
from tagsig._compliance.messages import message_text
from tagsig._i18n import N_, Translator
from tagsig._inputs.psl import public_suffix_list
from tagsig._report.model import InputSummary, Report, TagCookie, TagReport
from tagsig._version import __version__

__all__ = [
    "ENGLISH",
    "SEVERITY_ORDER",
    "SITE",
    "all_flags",
    "cookie_lifetime",
    "decimal",
    "evidence_text",
    "first_party_summary",
    "flag_message",
    "human_bytes",
    "loaded_by",
    "no_tag_summary",
    "own_tags",
    "printable",
    "provenance",
    "purpose_word",
    "severity_word",
    "size",
    "source_word",
    "tag_name",
    "tags_by_weight",
    "time_of_day",
    "verdict",
]

ENGLISH = Translator("en")
"""The translator of the messages as the code writes them (the renderers' default)."""

SEVERITY_ORDER: Final[dict[Severity, int]] = SEVERITY_RANK
"""Sort key of severities, most serious first."""

_SEVERITY_WORDS = {"high": N_("high"), "medium": N_("medium"), "low": N_("low"), "info": N_("info")}
_PURPOSE_WORDS = {
    "essential": N_("essential"),
    "functional": N_("functional"),
    "analytics": N_("analytics"),
    "marketing": N_("marketing"),
    "personalization": N_("personalization"),
}
_SOURCE_WORDS = {"jar": N_("jar"), "request": N_("request"), "response": N_("response")}


def severity_word(severity: str, tr: Translator = ENGLISH) -> str:
    """Return a severity (``high``) as the report shows it in ``tr``'s language."""
    return tr.gettext(_SEVERITY_WORDS[severity]) if severity in _SEVERITY_WORDS else severity


def purpose_word(purpose: str, tr: Translator = ENGLISH) -> str:
    """Return a consent purpose (``marketing``) in ``tr``'s language."""
    return tr.gettext(_PURPOSE_WORDS[purpose]) if purpose in _PURPOSE_WORDS else purpose


def source_word(source: str, tr: Translator = ENGLISH) -> str:
    """Return where a cookie was seen (``jar``, ``request``, ``response``) in words."""
    return tr.gettext(_SOURCE_WORDS[source]) if source in _SOURCE_WORDS else source


_CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    r"\ud800-\udfff]"
)


def printable(value: str) -> str:
    r"""Replace control and bidirectional-override characters (terminal injection) by ``?``.

    Unpaired surrogates, which no output encoding can hold, are replaced too.

    >>> printable("a\x1b[31mb\ud800")
    'a?[31mb?'
    """
    return _CONTROL.sub("?", value)


def decimal(value: float, digits: int, tr: Translator = ENGLISH) -> str:
    """Return ``value`` with ``digits`` decimals, written the way ``tr``'s language writes it.

    English keeps Python's own formatting (no grouping), as the reports always wrote it.

    >>> decimal(1234.56, 1), decimal(1234.56, 1, Translator("ga"))
    ('1234.6', '1,234.6')
    """
    if tr.language == "en":
        return f"{value:.{digits}f}"
    from babel.numbers import format_decimal  # noqa: PLC0415 (loads locale data)

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, format=pattern, locale=tr.language))


def human_bytes(count: int, tr: Translator = ENGLISH) -> str:
    """Return ``count`` bytes in B, kB or MB (powers of 1000)."""
    if count < 1000:
        return tr.gettext("{size} B").format(size=count)
    if count < 1_000_000:
        return tr.gettext("{size} kB").format(size=decimal(count / 1000, 1, tr))
    return tr.gettext("{size} MB").format(size=decimal(count / 1_000_000, 1, tr))


def size(count: int, recorded: bool = True, tr: Translator = ENGLISH) -> str:
    """Return :func:`human_bytes` of ``count``, or ``unknown`` when sizes were not recorded.

    >>> size(1500), size(0, recorded=False)
    ('1.5 kB', 'unknown')
    """
    return human_bytes(count, tr) if recorded else tr.gettext("unknown")


def loaded_by(report: Report, name: str | None, tr: Translator = ENGLISH) -> str:
    """Return what loaded a tag or host: its name, else ``-`` for none.

    When no capture of ``report`` records initiators (Playwright records none), what is
    not named is ``unknown`` instead of ``-``.
    """
    if name:
        return name
    return "-" if report.has_initiators else tr.gettext("unknown")


def cookie_lifetime(cookie: TagCookie, tr: Translator = ENGLISH) -> str:
    """Return how long ``cookie`` lives, in words (``sent`` for request cookies)."""
    if cookie.source == "request":
        return tr.gettext("sent")
    if cookie.expires is None:
        return tr.gettext("session")
    days = cookie.lifetime_days
    if days is not None:
        if tr.language == "en":
            return f"{days:g} days"  # as the reports always wrote it, "1 days" too
        # A whole count picks its plural form; a fraction takes the form for "other".
        count = int(days) if days == int(days) else 100
        return tr.ngettext("{count} day", "{count} days", count).format(count=tr.number(days))
    until = (
        cookie.expires.date().isoformat() if tr.language == "en" else tr.date(cookie.expires.date())
    )
    return tr.gettext("until {date}").format(date=until)


def tags_by_weight(report: Report) -> list[TagReport]:
    """Return the report's third-party tags, heaviest on the wire first (then by id)."""
    return sorted(report.third_party_tags, key=lambda t: (-t.weight.transfer_bytes, t.id))


def first_party_summary(report: Report, tr: Translator = ENGLISH) -> str:
    """Return the first party in words: each site, its owner, and how many other domains.

    The report's ``first_party`` lists every domain of the site's organisation (a hundred
    for Google's sites); people read the sites and the owner.

    >>> from tagsig._report.model import SiteReport
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
    return tr.ngettext(
        "{names}, and {count} other domain of the same owner",
        "{names}, and {count} other domains of the same owner",
        others,
    ).format(names=named, count=others)


def own_tags(report: Report) -> list[TagReport]:
    """Return the tags that are the site's own organisation's, heaviest first."""
    return sorted((t for t in report.tags if t.own), key=lambda t: (-t.weight.transfer_bytes, t.id))


def tag_name(tag: TagReport) -> str:
    """Return the tag's name, with its vendor's current owner when another company.

    ``Dataxu (Roku, Inc.)``: the brand as the page shows it, and who is behind it now.
    """
    name = tag.signature.name
    return f"{name} ({tag.owner})" if tag.owner else name


def no_tag_summary(item: InputSummary, tr: Translator = ENGLISH) -> str:
    """Return how many requests of an input were no tag, and why, or ''.

    >>> no_tag_summary(InputSummary(path="a.har", kind="har", producer="x", entries=5,
    ...     pages=1, no_tag=(("certificate-check", 2), ("navigation", 1))))
    '3 requests are no tag (certificate-check 2, navigation 1)'
    """
    total = sum(count for _, count in item.no_tag)
    if not total:
        return ""
    reasons = ", ".join(f"{reason} {count}" for reason, count in item.no_tag)
    return tr.ngettext(
        "{count} request is no tag ({reasons})", "{count} requests are no tag ({reasons})", total
    ).format(count=total, reasons=reasons)


SITE = N_("(site)")
"""How renderers name the owner of a flag about the site as a whole."""


def all_flags(report: Report) -> list[tuple[TagReport | None, Flag]]:
    """Return every flag with its tag, most serious first, then by tag id and rule.

    Flags about the site as a whole come with ``None`` for a tag.
    """
    pairs: list[tuple[TagReport | None, Flag]] = [
        (tag, flag) for tag in report.tags for flag in tag.flags
    ]
    pairs.extend((None, flag) for flag in report.flags)
    return sorted(
        pairs, key=lambda p: (SEVERITY_ORDER[p[1].severity], p[0].id if p[0] else "", p[1].rule)
    )


def flag_message(flag: Flag, tr: Translator = ENGLISH) -> str:
    """Return the message of ``flag`` in ``tr``'s language.

    A flag without a message id (a rule not translated yet, a flag read back from JSON)
    keeps its English message.
    """
    if flag.message_id is None or tr.language == ENGLISH.language:
        return flag.message
    return message_text(flag.message_id, flag.message_args, tr)


def time_of_day(value: datetime | None) -> str:
    """Return ``value`` as ``HH:MM:SS.mmm`` in its own offset, or ``-``."""
    return value.strftime("%H:%M:%S.%f")[:-3] if value is not None else "-"


def evidence_text(evidence: Evidence, tr: Translator = ENGLISH) -> str:
    """Return what a person checks for ``evidence``, in one line of plain text.

    The cookie's name and domain, the request's method and shortened URL, its time and
    page, and the JSON pointer; a value evidence gives its (masked) value.

    >>> evidence_text(Evidence(kind="cookie", input=1, name="_ga", domain="shop.example"))
    'cookie _ga on shop.example'
    """
    parts: list[str] = []
    if evidence.kind == "cookie":
        name = evidence.name or "?"
        parts.append(
            tr.gettext("cookie {name} on {domain}").format(name=name, domain=evidence.domain)
            if evidence.domain
            else tr.gettext("cookie {name}").format(name=name)
        )
    elif evidence.kind == "value":
        text = evidence.name or ""
        if evidence.value is not None:
            text += f"={evidence.value}" if text else evidence.value
        return tr.gettext("value {value}").format(value=text) if text else tr.gettext("value")
    if evidence.method is not None and evidence.url is not None:
        request = f"{evidence.method} {evidence.url}"
        parts.append(
            tr.gettext("set by {request}").format(request=request)
            if evidence.kind == "cookie"
            else request
        )
    if evidence.time is not None:
        parts.append(tr.gettext("at {time}").format(time=time_of_day(evidence.time)))
    if evidence.page is not None:
        parts.append(tr.gettext("on page {page}").format(page=evidence.page))
    if evidence.pointer is not None:
        parts.append(f"({evidence.pointer})")
    return (
        " ".join(parts) if parts else tr.gettext(_EVIDENCE_KINDS.get(evidence.kind, evidence.kind))
    )


_EVIDENCE_KINDS = {"entry": N_("entry"), "cookie": N_("cookie"), "value": N_("value")}


def verdict(report: Report, tr: Translator = ENGLISH) -> tuple[Severity | None, str]:
    """Return the most serious severity among the flags that count, and what it asks for.

    Waived flags do not count. ``(None, ...)`` when no high or medium flag counts.
    """
    counted = [flag for _, flag in all_flags(report) if flag.waiver is None]
    high = sum(1 for f in counted if f.severity == "high")
    medium = sum(1 for f in counted if f.severity == "medium")
    tags = len({f.tag for f in counted if f.severity in {"high", "medium"}})
    about = tr.ngettext(
        "about {count} tag or the site", "about {count} tags or the site", tags
    ).format(count=tags)
    if high:
        found = tr.ngettext(
            "{count} high-severity finding", "{count} high-severity findings", high
        ).format(count=high)
        if medium:
            found = tr.gettext("{high} and {medium} medium").format(high=found, medium=medium)
        return "high", tr.gettext("Action needed: {findings}, {about}.").format(
            findings=found, about=about
        )
    if medium:
        found = tr.ngettext(
            "{count} medium-severity finding", "{count} medium-severity findings", medium
        ).format(count=medium)
        return "medium", tr.gettext("Review needed: {findings}, {about}.").format(
            findings=found, about=about
        )
    return None, tr.gettext("No high or medium finding.")


def provenance(report: Report, tr: Translator = ENGLISH) -> str:
    """Return which tagsig, signature database and Public Suffix List made ``report``."""
    signatures = report.signatures
    if signatures is None:
        database = tr.gettext("signatures built in memory")
    elif signatures.date:
        database = tr.gettext("signatures {version} of {date}").format(
            version=signatures.version, date=signatures.date
        )
    else:
        database = tr.gettext("signatures {version}").format(version=signatures.version)
    if signatures is not None and signatures.layers > 1:
        database += " " + tr.ngettext(
            "({count} layer)", "({count} layers)", signatures.layers
        ).format(count=signatures.layers)
    psl = public_suffix_list().date or tr.gettext("undated")
    return tr.gettext("tagsig {version}; {database}; Public Suffix List {date}").format(
        version=__version__, database=database, date=psl
    )

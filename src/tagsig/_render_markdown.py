"""Render a :class:`Report` as GitHub-flavoured Markdown, for pull requests and tickets."""

from __future__ import annotations

import re
from collections import Counter

from tagsig._render_common import (
    SEVERITY_ORDER,
    SITE,
    all_flags,
    cookie_lifetime,
    first_party_summary,
    loaded_by,
    no_tag_summary,
    own_tags,
    size,
    tag_name,
    tags_by_weight,
    time_of_day,
)
from tagsig._report import Report

__all__ = ["markdown_text", "render_markdown"]

# Characters that start Markdown or HTML constructs inline (``$`` starts GitHub math).
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~$<>&])")
_BREAKS = re.compile(r"[\r\n\t\x00-\x1f\x7f\u2028\u2029]+")


def markdown_text(value: str) -> str:
    """Return ``value`` escaped for inline Markdown: it renders as the same literal text.

    Line breaks become spaces, so the text stays inside its table cell or list item.
    """
    return _SPECIAL.sub(r"\\\1", _BREAKS.sub(" ", value))


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], right: set[int]) -> str:
    align = tuple("---:" if n in right else "---" for n in range(len(header)))
    return "\n".join([_row(*header), _row(*align), *(_row(*r) for r in rows)]) + "\n"


def render_markdown(report: Report) -> str:
    """Render ``report`` as Markdown: summary, warnings, tags, flags, cookies, unknown hosts.

    Every string from the inputs is escaped with :func:`markdown_text`, so a capture cannot
    inject links, images or HTML into the rendered page.
    """
    m = markdown_text
    out = ["# Third-party tags", ""]
    out.append("Inputs: " + (", ".join(m(i.path) for i in report.inputs) or "none") + "  ")
    out.append("First party: " + (m(first_party_summary(report)) or "unknown") + "  ")
    own = own_tags(report)
    if own:
        out.append("The site's own: " + ", ".join(m(tag_name(t)) for t in own) + "  ")
    out.extend(m(f"{i.path}: {no_tag_summary(i)}") + "  " for i in report.inputs
               if no_tag_summary(i))
    out[-1] = out[-1].removesuffix("  ")
    out.append("")
    flags = all_flags(report)
    severities = Counter(flag.severity for _, flag in flags)
    by_severity = ", ".join(f"{severities[s]} {s}" for s in SEVERITY_ORDER if severities[s])
    third = report.third_party_tags
    out.append(
        f"**{len(third)} tags**, "
        f"{sum(1 for t in third if t.signature.consent in report.consent.needing_consent)}"
        " needing consent; "
        f"{sum(t.weight.requests for t in third)} requests, "
        f"{size(sum(t.weight.transfer_bytes for t in third), report.has_sizes)} on the wire; "
        f"**{len(flags)} flags**" + (f" ({by_severity})" if by_severity else "") + "; "
        f"{len(report.unattributed)} unknown third parties."
    )
    out.append("")
    for warning in report.warnings:
        out.extend([f"> **Warning** ({m(warning.code)}): {m(warning.message)}", ""])

    heaviest = tags_by_weight(report)
    out.extend(["## Tags", ""])
    if heaviest:
        out.append(_table(
            ("Tag", "Consent", "Requests", "Wire", "Script", "Cookies", "Flags", "Loaded by"),
            [(f"{m(tag_name(t))} ({m(t.id)})", m(t.signature.consent),
              str(t.weight.requests), size(t.weight.transfer_bytes, t.weight.sizes_recorded),
              size(t.weight.script_bytes, t.weight.sizes_recorded),
              str(len({c.name for c in t.cookies})), str(len(t.flags)),
              m(loaded_by(report, t.loaded_by))) for t in heaviest],
            right={2, 3, 4, 5, 6},
        ))
    else:
        out.extend(["No known tag found.", ""])

    if flags:
        out.extend(["## Flags", ""])
        out.append(_table(
            ("Severity", "Tag", "Rule", "Finding"),
            [(f"**{flag.severity}**", m(tag.signature.name if tag else SITE), m(flag.rule),
              m(flag.message)) for tag, flag in flags],
            right=set(),
        ))

    cookies = [(t, c) for t in heaviest for c in t.cookies]
    if cookies:
        out.extend([f"<details><summary>Cookies ({len(cookies)})</summary>", ""])
        out.append(_table(
            ("Tag", "Cookie", "Domain", "Seen in", "Party", "Lifetime"),
            [(m(t.id), m(c.name), m(c.domain or "?"), c.source,
              "third-party" if c.third_party else "first-party", m(cookie_lifetime(c)))
             for t, c in cookies],
            right=set(),
        ))
        out.extend(["</details>", ""])

    if report.consent.signals:
        out.extend(["## Consent signals", ""])
        out.append(_table(
            ("Signal", "First seen", "Entry"),
            [(m(s.kind), time_of_day(s.time), "-" if s.entry is None else str(s.entry))
             for s in report.consent.signals],
            right=set(),
        ))

    if report.unattributed:
        out.extend(["## Unknown third parties", ""])
        out.append(_table(
            ("Host", "Requests", "Wire", "Loaded by"),
            [(m(h.host), str(h.requests), size(h.transfer_bytes, report.has_sizes),
              m(loaded_by(report, h.initiated_by))) for h in report.unattributed],
            right={1, 2},
        ))

    if report.probably_first_party:
        out.extend(["## Probably first party", "",
                    "Unknown hosts that behave like the site's own static hosts; confirm "
                    "them with `--first-party`.", ""])
        out.append(_table(
            ("Host", "Requests", "Wire", "Why"),
            [(m(p.host), str(p.requests), size(p.transfer_bytes, report.has_sizes), m(p.reason))
             for p in report.probably_first_party],
            right={1, 2},
        ))
    return "\n".join(out).rstrip("\n") + "\n"

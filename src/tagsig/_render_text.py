"""Render a :class:`Report` as tables for a terminal, with rich."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, JustifyMethod
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from tagsig._render_common import (
    SEVERITY_ORDER,
    SITE,
    all_flags,
    cookie_lifetime,
    evidence_text,
    first_party_summary,
    loaded_by,
    no_tag_summary,
    own_tags,
    printable,
    provenance,
    size,
    tag_name,
    tags_by_weight,
    time_of_day,
    verdict,
)
from tagsig._report import Report

__all__ = ["explain_tag", "render_text"]

_SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}
_MAX_EVIDENCE = 3
"""Evidence items shown per flag in the details."""


def _table(title: str) -> Table:
    return Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD,
                 show_edge=False, pad_edge=False, collapse_padding=True)


def render_text(report: Report, *, color: bool = False, width: int = 120) -> str:
    """Render ``report`` as terminal tables.

    Args:
        report: The report.
        color: Whether to emit ANSI colour (the command line enables it only for a terminal
            without ``NO_COLOR``).
        width: Line width in characters.

    Returns:
        The text, ending with a newline. Text from the capture has its control characters
        replaced, so a hostile capture cannot drive the terminal.

    """
    out = io.StringIO()
    console = Console(file=out, width=width, color_system="standard" if color else None,
                      force_terminal=color, no_color=not color, markup=False, emoji=False,
                      highlight=False, soft_wrap=False)
    for item in report.inputs:
        what = "entries" if item.kind == "har" else "cookies"
        pages = f", {item.pages} pages" if item.kind == "har" else ""
        producer = printable(item.producer) or "unknown producer"
        console.print(Text(f"{printable(item.path)}: {producer}, {item.entries} {what}{pages}"))
        if no_tag_summary(item):
            console.print(Text(f"  {no_tag_summary(item)}"))
    console.print(Text(provenance(report)))
    severity, words = verdict(report)
    console.print(Text(words, style=_SEVERITY_STYLE[severity] if severity else "bold"))
    if report.first_party:
        console.print(Text(f"first party: {printable(first_party_summary(report))}"))
    own = own_tags(report)
    if own:
        console.print(Text("the site's own: " + printable(", ".join(
            f"{tag_name(t)} ({t.weight.requests} req)" for t in own))))
    console.print()

    heaviest = tags_by_weight(report)
    if heaviest:
        table = _table("Tags")
        columns: tuple[tuple[str, JustifyMethod], ...] = (
            ("tag", "left"), ("consent", "left"), ("req", "right"), ("req/pg", "right"),
            ("wire", "right"), ("script", "right"), ("cookies", "right"), ("flags", "right"),
            ("loaded by", "left"))
        for name, justify in columns:
            table.add_column(name, justify=justify)
        for tag in heaviest:
            table.add_row(
                Text(printable(tag_name(tag)), style="bold"), tag.signature.consent,
                str(tag.weight.requests), f"{tag.requests_per_page:.1f}",
                size(tag.weight.transfer_bytes, tag.weight.sizes_recorded),
                size(tag.weight.script_bytes, tag.weight.sizes_recorded),
                str(len({c.name for c in tag.cookies})), str(len(tag.flags)),
                loaded_by(report, tag.loaded_by),
            )
        console.print(table)
    else:
        console.print("no known tag found")

    cookies = [(tag, cookie) for tag in heaviest for cookie in tag.cookies]
    if cookies:
        table = _table("Cookies")
        for name in ("tag", "cookie", "domain", "source", "party", "lifetime"):
            table.add_column(name)
        for tag, cookie in cookies:
            table.add_row(tag.id, Text(printable(cookie.name)), Text(printable(
                cookie.domain or "?")), cookie.source,
                "third-party" if cookie.third_party else "first-party",
                cookie_lifetime(cookie))
        console.print()
        console.print(table)

    flags = all_flags(report)
    if flags:
        table = _table("Flags")
        for name in ("severity", "tag", "rule", "message"):
            table.add_column(name)
        for owner, flag in flags:
            table.add_row(Text(flag.severity, style=_SEVERITY_STYLE[flag.severity]),
                          owner.id if owner else SITE, flag.rule, Text(printable(flag.message)))
        console.print()
        console.print(table)

    _details(console, report)

    if report.consent.signals:
        table = _table("Consent signals")
        for name in ("kind", "time", "input", "entry"):
            table.add_column(name)
        for signal in report.consent.signals:
            table.add_row(Text(printable(signal.kind)), time_of_day(signal.time),
                          "-" if signal.input is None else str(signal.input),
                          "-" if signal.entry is None else str(signal.entry))
        console.print()
        console.print(table)

    if report.unattributed:
        table = _table("Unknown third parties")
        host_columns: tuple[tuple[str, JustifyMethod], ...] = (
            ("host", "left"), ("req", "right"), ("wire", "right"), ("initiated by", "left"))
        for name, justify in host_columns:
            table.add_column(name, justify=justify)
        for host in report.unattributed:
            table.add_row(Text(printable(host.host)), str(host.requests),
                          size(host.transfer_bytes, report.has_sizes),
                          loaded_by(report, host.initiated_by))
        console.print()
        console.print(table)

    if report.probably_first_party:
        table = _table("Probably first party (confirm with --first-party)")
        for name, justify in (("host", "left"), ("req", "right"), ("wire", "right"),
                              ("why", "left")):
            table.add_column(name, justify=justify)
        for probable in report.probably_first_party:
            table.add_row(Text(printable(probable.host)), str(probable.requests),
                          size(probable.transfer_bytes, report.has_sizes), probable.reason)
        console.print()
        console.print(table)

    if report.warnings:
        console.print()
        console.print(Text("Warnings", style="bold"))
        for warning in report.warnings:
            console.print(Text(f"  {warning.code}: {printable(warning.message)}",
                               style="yellow"))
    # Tables pad every cell to the column width; the padding at line ends is noise.
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())


def _details(console: Console, report: Report) -> None:
    """Print, per tag with flags, each flag's evidence and the catalogue's common mistakes."""
    flagged = sorted((t for t in report.tags if t.flags), key=lambda t: (
        min(SEVERITY_ORDER[f.severity] for f in t.flags), t.id))
    if not flagged and not report.flags:
        return
    console.print()
    console.print(Text("Details (evidence and common mistakes, per tag)", style="bold"))
    owners = [(printable(f"{tag_name(t)} ({t.id})"), t.flags, t.signature.mistakes)
              for t in flagged]
    if report.flags:
        owners.append((SITE, report.flags, ()))
    for owner, flags, mistakes in owners:
        console.print()
        console.print(Text(owner, style="bold"))
        for flag in flags:
            console.print(Padding(Text.assemble(
                (flag.severity, _SEVERITY_STYLE[flag.severity]),
                f" {flag.rule}: {printable(flag.message)}"), (0, 0, 0, 2)))
            lines = [printable(evidence_text(e)) for e in flag.evidence[:_MAX_EVIDENCE]]
            if len(flag.evidence) > _MAX_EVIDENCE:
                lines.append(f"and {len(flag.evidence) - _MAX_EVIDENCE} more")
            for line in lines:
                console.print(Padding(Text(line), (0, 0, 0, 6)))
        if mistakes:
            console.print(Padding(Text("common mistakes:"), (0, 0, 0, 2)))
            for mistake in mistakes:
                console.print(Padding(Text(f"- {printable(mistake)}"), (0, 0, 0, 4)))


def explain_tag(report: Report, tag_id: str, *, width: int = 120) -> str:
    """Return everything the report says about one tag, for a person to check.

    Its vendor, purpose and weight, who loaded it, its cookies, every flag with all its
    evidence, and the catalogue's common mistakes.

    Raises:
        KeyError: The report has no tag ``tag_id``.

    """
    tag = report.tag(tag_id)
    if tag is None:
        raise KeyError(tag_id)
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, no_color=True, markup=False,
                      emoji=False, highlight=False, soft_wrap=False)
    signature = tag.signature
    console.print(Text(printable(f"{tag_name(tag)} ({tag.id})"), style="bold"))
    vendor = signature.vendor.name + (f" ({signature.vendor.country})"
                                      if signature.vendor.country else "")
    facts = [
        ("vendor", vendor),
        ("category", signature.category),
        ("consent purpose", signature.consent),
        ("the site's own", "yes" if tag.own else "no"),
        ("requests", f"{tag.weight.requests} on {tag.pages} page"
                     f"{'s' if tag.pages != 1 else ''}"),
        ("on the wire", size(tag.weight.transfer_bytes, tag.weight.sizes_recorded)),
        ("script", size(tag.weight.script_bytes, tag.weight.sizes_recorded)),
        ("first request", time_of_day(tag.first_seen)),
        ("loaded by", tag.loaded_by or ("the page (or not recorded)" if report.has_initiators
                                        else "unknown")),
    ]
    for label, value in facts:
        console.print(Padding(Text(f"{label}: {printable(value)}"), (0, 0, 0, 2)))
    if tag.cookies:
        console.print(Padding(Text("cookies:"), (0, 0, 0, 2)))
        for cookie in tag.cookies:
            console.print(Padding(Text(printable(
                f"{cookie.name} on {cookie.domain or '?'} ({cookie.source}, "
                f"{'third-party' if cookie.third_party else 'first-party'}, "
                f"{cookie_lifetime(cookie)})")), (0, 0, 0, 4)))
    console.print()
    if not tag.flags:
        console.print(Text("No flag."))
    for flag in tag.flags:
        waived = f" (waived: {printable(flag.waiver)})" if flag.waiver is not None else ""
        console.print(Text(f"{flag.severity} {flag.rule}: {printable(flag.message)}{waived}"))
        for evidence in flag.evidence:
            console.print(Padding(Text(printable(evidence_text(evidence))), (0, 0, 0, 4)))
    if signature.mistakes:
        console.print()
        console.print(Text("Common mistakes:"))
        for mistake in signature.mistakes:
            console.print(Padding(Text(f"- {printable(mistake)}"), (0, 0, 0, 2)))
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())

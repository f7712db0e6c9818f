"""Render a :class:`Report` as tables for a terminal, with rich."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, JustifyMethod
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from tagsig._i18n import DEFAULT_LANGUAGE, N_, Language, Translator
from tagsig._render.common import (
    SEVERITY_ORDER,
    SITE,
    all_flags,
    cookie_lifetime,
    decimal,
    evidence_text,
    first_party_summary,
    flag_message,
    loaded_by,
    no_tag_summary,
    own_tags,
    printable,
    provenance,
    purpose_word,
    severity_word,
    size,
    source_word,
    tag_name,
    tags_by_weight,
    time_of_day,
    verdict,
)
from tagsig._report.model import Report

__all__ = ["explain_tag", "render_text"]

_SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}
_MAX_EVIDENCE = 3
"""Evidence items shown per flag in the details."""


def _table(title: str) -> Table:
    return Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )


def render_text(
    report: Report, *, color: bool = False, width: int = 120, lang: Language = DEFAULT_LANGUAGE
) -> str:
    """Render ``report`` as terminal tables.

    Args:
        report: The report.
        color: Whether to emit ANSI colour (the command line enables it only for a terminal
            without ``NO_COLOR``).
        width: Line width in characters.
        lang: The language of the labels and of the flags' messages (``en`` or ``ga``).

    Returns:
        The text, ending with a newline. Text from the capture has its control characters
        replaced, so a hostile capture cannot drive the terminal.

    """
    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )
    tr = Translator(lang)
    for item in report.inputs:
        producer = printable(item.producer) or tr.gettext("unknown producer")
        if item.kind == "har":
            counts = (
                tr.ngettext("{count} entries", "{count} entries", item.entries).format(
                    count=item.entries
                )
                + ", "
                + tr.ngettext("{count} pages", "{count} pages", item.pages).format(count=item.pages)
            )
        else:
            counts = tr.ngettext("{count} cookies", "{count} cookies", item.entries).format(
                count=item.entries
            )
        console.print(Text(f"{printable(item.path)}: {producer}, {counts}"))
        if no_tag_summary(item, tr):
            console.print(Text(f"  {no_tag_summary(item, tr)}"))
    console.print(Text(provenance(report, tr)))
    severity, words = verdict(report, tr)
    console.print(Text(words, style=_SEVERITY_STYLE[severity] if severity else "bold"))
    if report.first_party:
        console.print(
            Text(
                tr.gettext("first party: {site}").format(
                    site=printable(first_party_summary(report, tr))
                )
            )
        )
    own = own_tags(report)
    if own:
        console.print(
            Text(
                tr.gettext("the site's own: {tags}").format(
                    tags=printable(
                        ", ".join(
                            tr.gettext("{tag} ({count} req)").format(
                                tag=tag_name(t), count=t.weight.requests
                            )
                            for t in own
                        )
                    )
                )
            )
        )
    console.print()

    heaviest = tags_by_weight(report)
    if heaviest:
        table = _table(tr.gettext("Tags"))
        columns: tuple[tuple[str, JustifyMethod], ...] = (
            (N_("tag"), "left"),
            (N_("consent"), "left"),
            (N_("req"), "right"),
            (N_("req/pg"), "right"),
            (N_("wire"), "right"),
            (N_("script"), "right"),
            (N_("cookies"), "right"),
            (N_("flags"), "right"),
            (N_("loaded by"), "left"),
        )
        for name, justify in columns:
            table.add_column(tr.gettext(name), justify=justify)
        for tag in heaviest:
            table.add_row(
                Text(printable(tag_name(tag)), style="bold"),
                purpose_word(tag.signature.consent, tr),
                str(tag.weight.requests),
                decimal(tag.requests_per_page, 1, tr),
                size(tag.weight.transfer_bytes, tag.weight.sizes_recorded, tr),
                size(tag.weight.script_bytes, tag.weight.sizes_recorded, tr),
                str(len({c.name for c in tag.cookies})),
                str(len(tag.flags)),
                loaded_by(report, tag.loaded_by),
            )
        console.print(table)
    else:
        console.print(tr.gettext("no known tag found"))

    cookies = [(tag, cookie) for tag in heaviest for cookie in tag.cookies]
    if cookies:
        table = _table(tr.gettext("Cookies"))
        for name in (
            N_("tag"),
            N_("cookie"),
            N_("domain"),
            N_("source"),
            N_("party"),
            N_("lifetime"),
        ):
            table.add_column(tr.gettext(name))
        for tag, cookie in cookies:
            table.add_row(
                tag.id,
                Text(printable(cookie.name)),
                Text(printable(cookie.domain or "?")),
                source_word(cookie.source, tr),
                tr.gettext("third-party") if cookie.third_party else tr.gettext("first-party"),
                cookie_lifetime(cookie, tr),
            )
        console.print()
        console.print(table)

    flags = all_flags(report)
    if flags:
        table = _table(tr.gettext("Flags"))
        for name in (N_("severity"), N_("tag"), N_("rule"), N_("message")):
            table.add_column(tr.gettext(name))
        for owner, flag in flags:
            table.add_row(
                Text(severity_word(flag.severity, tr), style=_SEVERITY_STYLE[flag.severity]),
                owner.id if owner else tr.gettext(SITE),
                flag.rule,
                Text(printable(flag_message(flag, tr))),
            )
        console.print()
        console.print(table)

    _details(console, report, tr)

    if report.consent.signals:
        table = _table(tr.gettext("Consent signals"))
        for name in (N_("kind"), N_("time"), N_("input"), N_("entry")):
            table.add_column(tr.gettext(name))
        for signal in report.consent.signals:
            table.add_row(
                Text(printable(signal.kind)),
                time_of_day(signal.time),
                "-" if signal.input is None else str(signal.input),
                "-" if signal.entry is None else str(signal.entry),
            )
        console.print()
        console.print(table)

    if report.unattributed:
        table = _table(tr.gettext("Unknown third parties"))
        host_columns: tuple[tuple[str, JustifyMethod], ...] = (
            (N_("host"), "left"),
            (N_("req"), "right"),
            (N_("wire"), "right"),
            (N_("initiated by"), "left"),
        )
        for name, justify in host_columns:
            table.add_column(tr.gettext(name), justify=justify)
        for host in report.unattributed:
            table.add_row(
                Text(printable(host.host)),
                str(host.requests),
                size(host.transfer_bytes, report.has_sizes, tr),
                loaded_by(report, host.initiated_by, tr),
            )
        console.print()
        console.print(table)

    if report.probably_first_party:
        table = _table(tr.gettext("Probably first party (confirm with --first-party)"))
        for name, justify in (
            (N_("host"), "left"),
            (N_("req"), "right"),
            (N_("wire"), "right"),
            (N_("why"), "left"),
        ):
            table.add_column(tr.gettext(name), justify=justify)
        for probable in report.probably_first_party:
            table.add_row(
                Text(printable(probable.host)),
                str(probable.requests),
                size(probable.transfer_bytes, report.has_sizes, tr),
                probable.reason,
            )
        console.print()
        console.print(table)

    if report.warnings:
        console.print()
        console.print(Text(tr.gettext("Warnings"), style="bold"))
        for warning in report.warnings:
            console.print(Text(f"  {warning.code}: {printable(warning.message)}", style="yellow"))
    # Tables pad every cell to the column width; the padding at line ends is noise.
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())


def _details(console: Console, report: Report, tr: Translator) -> None:
    """Print, per tag with flags, each flag's evidence and the catalogue's common mistakes."""
    flagged = sorted(
        (t for t in report.tags if t.flags),
        key=lambda t: (min(SEVERITY_ORDER[f.severity] for f in t.flags), t.id),
    )
    if not flagged and not report.flags:
        return
    console.print()
    console.print(Text(tr.gettext("Details (evidence and common mistakes, per tag)"), style="bold"))
    owners = [
        (printable(f"{tag_name(t)} ({t.id})"), t.flags, t.signature.mistakes) for t in flagged
    ]
    if report.flags:
        owners.append((tr.gettext(SITE), report.flags, ()))
    for owner, flags, mistakes in owners:
        console.print()
        console.print(Text(owner, style="bold"))
        for flag in flags:
            console.print(
                Padding(
                    Text.assemble(
                        (severity_word(flag.severity, tr), _SEVERITY_STYLE[flag.severity]),
                        f" {flag.rule}: {printable(flag_message(flag, tr))}",
                    ),
                    (0, 0, 0, 2),
                )
            )
            lines = [printable(evidence_text(e, tr)) for e in flag.evidence[:_MAX_EVIDENCE]]
            if len(flag.evidence) > _MAX_EVIDENCE:
                more = len(flag.evidence) - _MAX_EVIDENCE
                lines.append(
                    tr.ngettext("and {count} more", "and {count} more", more).format(count=more)
                )
            for line in lines:
                console.print(Padding(Text(line), (0, 0, 0, 6)))
        if mistakes:
            console.print(Padding(Text(tr.gettext("common mistakes:")), (0, 0, 0, 2)))
            for mistake in mistakes:
                console.print(Padding(Text(f"- {printable(mistake)}"), (0, 0, 0, 4)))


def explain_tag(
    report: Report, tag_id: str, *, width: int = 120, lang: Language = DEFAULT_LANGUAGE
) -> str:
    """Return everything the report says about one tag, for a person to check.

    Its vendor, purpose and weight, who loaded it, its cookies, every flag with all its
    evidence, and the catalogue's common mistakes, with labels in ``lang``.

    Raises:
        KeyError: The report has no tag ``tag_id``.

    """
    tag = report.tag(tag_id)
    if tag is None:
        raise KeyError(tag_id)
    tr = Translator(lang)
    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        color_system=None,
        no_color=True,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )
    signature = tag.signature
    console.print(Text(printable(f"{tag_name(tag)} ({tag.id})"), style="bold"))
    vendor = signature.vendor.name + (
        f" ({signature.vendor.country})" if signature.vendor.country else ""
    )
    facts = [
        (N_("vendor"), vendor),
        (N_("category"), signature.category),
        (N_("consent purpose"), purpose_word(signature.consent, tr)),
        (N_("the site's own"), tr.gettext("yes") if tag.own else tr.gettext("no")),
        (
            N_("requests"),
            tr.ngettext(
                "{requests} on {count} page", "{requests} on {count} pages", tag.pages
            ).format(requests=tag.weight.requests, count=tag.pages),
        ),
        (N_("on the wire"), size(tag.weight.transfer_bytes, tag.weight.sizes_recorded, tr)),
        (N_("script"), size(tag.weight.script_bytes, tag.weight.sizes_recorded, tr)),
        (N_("first request"), time_of_day(tag.first_seen)),
        (
            N_("loaded by"),
            tag.loaded_by
            or (
                tr.gettext("the page (or not recorded)")
                if report.has_initiators
                else tr.gettext("unknown")
            ),
        ),
    ]
    for label, value in facts:
        console.print(Padding(Text(f"{tr.gettext(label)}: {printable(value)}"), (0, 0, 0, 2)))
    if tag.cookies:
        console.print(Padding(Text(tr.gettext("cookies:")), (0, 0, 0, 2)))
        for cookie in tag.cookies:
            party = tr.gettext("third-party") if cookie.third_party else tr.gettext("first-party")
            console.print(
                Padding(
                    Text(
                        printable(
                            tr.gettext(
                                "{cookie} on {domain} ({source}, {party}, {lifetime})"
                            ).format(
                                cookie=cookie.name,
                                domain=cookie.domain or "?",
                                source=source_word(cookie.source, tr),
                                party=party,
                                lifetime=cookie_lifetime(cookie, tr),
                            )
                        )
                    ),
                    (0, 0, 0, 4),
                )
            )
    console.print()
    if not tag.flags:
        console.print(Text(tr.gettext("No flag.")))
    for flag in tag.flags:
        waived = (
            " " + tr.gettext("(waived: {reason})").format(reason=printable(flag.waiver))
            if flag.waiver is not None
            else ""
        )
        console.print(
            Text(
                f"{severity_word(flag.severity, tr)} {flag.rule}: "
                f"{printable(flag_message(flag, tr))}{waived}"
            )
        )
        for evidence in flag.evidence:
            console.print(Padding(Text(printable(evidence_text(evidence, tr))), (0, 0, 0, 4)))
    if signature.mistakes:
        console.print()
        console.print(Text(tr.gettext("Common mistakes:")))
        for mistake in signature.mistakes:
            console.print(Padding(Text(f"- {printable(mistake)}"), (0, 0, 0, 2)))
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())

"""Render a :class:`Report` as GitHub-flavoured Markdown, for pull requests and tickets.

The document always fits a bound (GitHub's 65,536-character comment limit by default): a
summary first (the verdict, counts, the high and medium findings, the tags that need
consent, the change against a baseline), then details folded in ``<details>``, most
important first. When the whole does not fit, the least important details are cut or left
out, and the document says so.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Sequence

from attrs import frozen

from tagsig._compliance.flags import Flag
from tagsig._compliance.rules.registry import rule_info
from tagsig._i18n import DEFAULT_LANGUAGE, N_, Language, Translator
from tagsig._render.common import (
    SEVERITY_ORDER,
    SITE,
    all_flags,
    cookie_lifetime,
    evidence_text,
    first_party_summary,
    flag_message,
    loaded_by,
    no_tag_summary,
    own_tags,
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
from tagsig._render.compare import ReportDiff
from tagsig._report.model import Report, TagReport

__all__ = ["GITHUB_COMMENT_LIMIT", "markdown_text", "render_markdown"]

GITHUB_COMMENT_LIMIT = 65_536
"""The most characters GitHub accepts in a pull-request comment: the default bound."""

# Characters that start Markdown or HTML constructs inline (``$`` starts GitHub math).
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~$<>&])")
_BREAKS = re.compile(r"[\r\n\t\x00-\x1f\x7f\u2028\u2029]+")
_MAX_EVIDENCE = 3
"""Evidence items shown per flag in the details."""
_NOTE_ROOM = 400
"""Characters kept free for the note that says what was left out."""


def markdown_text(value: str) -> str:
    """Return ``value`` escaped for inline Markdown: it renders as the same literal text.

    Line breaks become spaces, so the text stays inside its table cell or list item.
    """
    return _SPECIAL.sub(r"\\\1", _BREAKS.sub(" ", value))


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _header(header: tuple[str, ...], right: set[int]) -> list[str]:
    align = tuple("---:" if n in right else "---" for n in range(len(header)))
    return [_row(*header), _row(*align)]


@frozen(kw_only=True)
class _Section:
    """A part of the document: lines before its rows, its rows, lines after them."""

    name: str
    """What the section holds, as the note on left-out details names it."""
    head: tuple[str, ...]
    rows: tuple[str, ...] = ()
    tail: tuple[str, ...] = ()

    tr: Translator
    """The language of the note on cut rows."""

    def text(self, rows: int | None = None) -> str:
        kept = self.rows if rows is None else self.rows[:rows]
        more = len(self.rows) - len(kept)
        note = self.tr.ngettext(
            "*{count} more row left out to fit.*", "*{count} more rows left out to fit.*", more
        )
        cut = (note.format(count=more), "") if more else ()
        # A table ends at its last row; the note on cut rows goes below it.
        lines = [*self.head, *kept, *(("",) if more and kept else ()), *cut, *self.tail]
        return "\n".join(lines) + "\n"


def _folded(
    name: str, summary: str, head: Sequence[str], rows: Sequence[str], tr: Translator
) -> _Section:
    return _Section(
        name=tr.gettext(name),
        head=(f"<details><summary>{summary}</summary>", "", *head),
        rows=tuple(rows),
        tail=("", "</details>", ""),
        tr=tr,
    )


def _relative(path: str, cwd: str | None) -> str:
    """Return ``path`` relative to ``cwd`` when it is absolute and below it."""
    if cwd is None or not os.path.isabs(path):
        return path
    try:
        relative = os.path.relpath(path, cwd)
    except ValueError:  # pragma: no cover - only Windows paths on another drive fail here
        return path
    return path if relative.startswith(os.pardir) else relative


def render_markdown(
    report: Report,
    *,
    max_chars: int | None = GITHUB_COMMENT_LIMIT,
    baseline: ReportDiff | None = None,
    cwd: str | None = None,
    lang: Language = DEFAULT_LANGUAGE,
) -> str:
    """Render ``report`` as Markdown that fits in ``max_chars`` characters.

    Every string from the inputs is escaped with :func:`markdown_text`, so a capture cannot
    inject links, images or HTML into the rendered page; the only links are to the rules'
    pages.

    Args:
        report: The report.
        max_chars: The most characters of the document (GitHub's comment limit by default);
            ``None`` for no bound. The summary always stays; details are cut from the least
            important on, and the document says what was left out.
        baseline: The change from a baseline report (see :func:`tagsig.diff_reports`), shown
            in the summary.
        cwd: The directory input paths are shown relative to (the working directory by
            default).
        lang: The language of the labels and of the flags' messages (``en`` or ``ga``).

    Returns:
        The Markdown text, ending with a newline.

    """
    cwd = os.getcwd() if cwd is None else cwd
    tr = Translator(lang)
    sections = [_summary(report, cwd, tr)]
    if baseline is not None:
        sections.append(_baseline(baseline, tr))
    sections.extend(_details(report, tr))
    # Messages quote input paths too (an expiry "observed in /home/ci/jar.txt").
    moves = [
        (markdown_text(i.path), markdown_text(_relative(i.path, cwd)))
        for i in report.inputs
        if _relative(i.path, cwd) != i.path
    ]
    if moves:
        sections = [
            _Section(
                name=s.name,
                head=_moved(s.head, moves),
                rows=_moved(s.rows, moves),
                tail=_moved(s.tail, moves),
                tr=tr,
            )
            for s in sections
        ]
    return _fit(sections, max_chars, _references(report), tr)


def _moved(lines: tuple[str, ...], moves: list[tuple[str, str]]) -> tuple[str, ...]:
    result = []
    for line in lines:
        moved = line
        for old, new in moves:
            moved = moved.replace(old, new)
        result.append(moved)
    return tuple(result)


def _fit(sections: list[_Section], max_chars: int | None, references: str, tr: Translator) -> str:
    whole = "".join(s.text() for s in sections).rstrip("\n") + "\n"
    if max_chars is None or len(whole) + len(references) + 1 <= max_chars:
        return whole + references + ("\n" if references else "")
    budget = max(max_chars - _NOTE_ROOM - len(references) - 1, 0)
    out: list[str] = []
    used = 0
    cut: list[str] = []
    dropped: list[str] = []
    for section in sections:
        text = section.text()
        if not cut and not dropped and used + len(text) <= budget:
            out.append(text)
            used += len(text)
            continue
        if cut or dropped:
            dropped.append(section.name)
            continue
        # The first section that does not fit keeps as many rows as fit.
        low, high = 0, len(section.rows)
        while low < high:
            middle = (low + high + 1) // 2
            if used + len(section.text(middle)) <= budget:
                low = middle
            else:
                high = middle - 1
        text = section.text(low)
        if used + len(text) <= budget and (low or not section.rows):
            out.append(text)
            used += len(text)
            cut.append(section.name)
        else:
            dropped.append(section.name)
    parts = [tr.gettext("{sections} (cut short)").format(sections=", ".join(cut))] if cut else []
    if dropped:
        parts.append(", ".join(dropped))
    limit = f"{max_chars:,}" if tr.language == "en" else tr.number(max_chars)
    note = (
        tr.gettext(
            "> **Note**: to stay within {limit} characters, details were left out: "
            "{sections}. The HTML and JSON reports hold everything."
        ).format(limit=limit, sections="; ".join(parts))
        + "\n"
    )
    text = "".join(out).rstrip("\n") + "\n\n" + note + references + ("\n" if references else "")
    return text if len(text) <= max_chars else text[: max(max_chars - 1, 0)] + "\n"


def _rule_link(rule: str) -> str:
    # A reference link: each rule's address is written once, at the end (see _references).
    return f"[{markdown_text(rule)}]"


def _references(report: Report) -> str:
    rules = sorted({flag.rule for _, flag in all_flags(report)})
    return "".join(f"\n[{markdown_text(rule)}]: {rule_info(rule).help_uri}" for rule in rules)


def _owner(tag: TagReport | None, tr: Translator) -> str:
    return markdown_text(tag_name(tag) if tag else tr.gettext(SITE))


def _finding_row(tag: TagReport | None, flag: Flag, tr: Translator) -> str:
    waived = (
        " *" + tr.gettext("(waived: {reason})").format(reason=markdown_text(flag.waiver)) + "*"
        if flag.waiver is not None
        else ""
    )
    return _row(
        f"**{severity_word(flag.severity, tr)}**",
        _owner(tag, tr),
        _rule_link(flag.rule),
        markdown_text(flag_message(flag, tr)) + waived,
    )


_TITLES = {
    "high": N_("# Third-party tags: action needed"),
    "medium": N_("# Third-party tags: review needed"),
    "": N_("# Third-party tags: no action needed"),
}
_FINDING_HEADER = (N_("Severity"), N_("Tag"), N_("Rule"), N_("Finding"))


def _summary(report: Report, cwd: str, tr: Translator) -> _Section:
    m = markdown_text
    severity, words = verdict(report, tr)
    lines = [tr.gettext(_TITLES[severity or ""]), "", f"**{m(words)}**", ""]
    flags = all_flags(report)
    counts = Counter(flag.severity for _, flag in flags)
    by_severity = ", ".join(
        f"{counts[s]} {severity_word(s, tr)}" for s in SEVERITY_ORDER if counts[s]
    )
    third = report.third_party_tags
    needing = [
        t for t in tags_by_weight(report) if t.signature.consent in report.consent.needing_consent
    ]
    flag_count = tr.ngettext("**{count} flags**", "**{count} flags**", len(flags)).format(
        count=len(flags)
    ) + (f" ({by_severity})" if by_severity else "")
    lines.append(
        tr.ngettext(
            "**{tags} tags**, {needing} needing consent; {requests} requests, {bytes} on the "
            "wire; {flags}; {unknown} unknown third parties.",
            "**{tags} tags**, {needing} needing consent; {requests} requests, {bytes} on the "
            "wire; {flags}; {unknown} unknown third parties.",
            len(third),
        ).format(
            tags=len(third),
            needing=len(needing),
            requests=sum(t.weight.requests for t in third),
            bytes=size(sum(t.weight.transfer_bytes for t in third), report.has_sizes, tr),
            flags=flag_count,
            unknown=len(report.unattributed),
        )
    )
    lines.append("")
    paths = ", ".join(m(_relative(i.path, cwd)) for i in report.inputs) or tr.gettext("none")
    lines.append(tr.gettext("Inputs: {paths}").format(paths=paths) + "  ")
    lines.append(
        tr.gettext("First party: {site}").format(
            site=m(first_party_summary(report, tr)) or tr.gettext("unknown")
        )
        + "  "
    )
    own = own_tags(report)
    if own:
        lines.append(
            tr.gettext("The site's own: {tags}").format(tags=", ".join(m(tag_name(t)) for t in own))
            + "  "
        )
    lines.extend(
        m(f"{_relative(i.path, cwd)}: {no_tag_summary(i, tr)}") + "  "
        for i in report.inputs
        if no_tag_summary(i, tr)
    )
    lines.append(m(provenance(report, tr)))
    lines.append("")
    for warning in report.warnings:
        lines.extend(
            [
                tr.gettext("> **Warning** ({code}): {message}").format(
                    code=m(warning.code), message=m(warning.message)
                ),
                "",
            ]
        )
    important = [(t, f) for t, f in flags if f.severity in {"high", "medium"}]
    head = list(lines)
    rows: list[str] = []
    tail: list[str] = []
    if important:
        head.extend([tr.gettext("## Findings to act on"), ""])
        head.extend(_header(tuple(tr.gettext(h) for h in _FINDING_HEADER), set()))
        rows = [_finding_row(t, f, tr) for t, f in important]
        tail.append("")
    if needing:
        tail.extend(
            [
                tr.gettext("## Tags that need consent"),
                "",
                ", ".join(
                    f"{m(tag_name(t))} ({m(purpose_word(t.signature.consent, tr))})"
                    for t in needing
                ),
                "",
            ]
        )
    return _Section(
        name=tr.gettext("high and medium findings"),
        head=tuple(head),
        rows=tuple(rows),
        tail=tuple(tail),
        tr=tr,
    )


def _names(items: Sequence[str], tr: Translator) -> str:
    return ", ".join(markdown_text(i) for i in items) or tr.gettext("none")


def _baseline(diff: ReportDiff, tr: Translator) -> _Section:
    lines = [tr.gettext("## Change against the baseline"), ""]
    if diff.is_empty:
        lines.extend([tr.gettext("Nothing changed."), ""])
        return _Section(name=tr.gettext("change against the baseline"), head=tuple(lines), tr=tr)
    lines.extend(
        [
            tr.gettext("- Tags added: {tags}").format(
                tags=_names([t.name for t in diff.added], tr)
            ),
            tr.gettext("- Tags removed: {tags}").format(
                tags=_names([t.name for t in diff.removed], tr)
            ),
            tr.gettext("- Flags added: {added}; resolved: {resolved}").format(
                added=len(diff.flags_added), resolved=len(diff.flags_resolved)
            ),
            tr.gettext("- Unknown hosts added: {hosts}").format(hosts=_names(diff.hosts_added, tr)),
            "",
        ]
    )
    rows = [
        _row(
            f"**{severity_word(f.severity, tr)}**",
            markdown_text(f.tag or tr.gettext(SITE)),
            _rule_link(f.rule),
            markdown_text(f.message),
        )
        for f in diff.flags_added
    ]
    if rows:
        lines.extend(
            [
                tr.gettext("New flags:"),
                "",
                *_header(tuple(tr.gettext(h) for h in _FINDING_HEADER), set()),
            ]
        )
    return _Section(
        name=tr.gettext("new flags against the baseline"),
        head=tuple(lines),
        rows=tuple(rows),
        tail=("",) if rows else (),
        tr=tr,
    )


def _more(count: int, tr: Translator) -> str:
    return tr.ngettext("and {count} more", "and {count} more", count).format(count=count)


def _flag_line(flag: Flag, tr: Translator) -> list[str]:
    m = markdown_text
    lines = [
        f"- **{severity_word(flag.severity, tr)}** {_rule_link(flag.rule)}: "
        f"{m(flag_message(flag, tr))}"
    ]
    lines.extend(f"  - {m(evidence_text(e, tr))}" for e in flag.evidence[:_MAX_EVIDENCE])
    return lines


def _tag_detail(tag: TagReport, tr: Translator) -> str:
    m = markdown_text
    lines = [f"#### {m(tag_name(tag))} ({m(tag.id)})", ""]
    for flag in tag.flags:
        lines.extend(_flag_line(flag, tr))
        if len(flag.evidence) > _MAX_EVIDENCE:
            lines.append(f"  - {_more(len(flag.evidence) - _MAX_EVIDENCE, tr)}")
    if tag.signature.mistakes:
        lines.extend(["", tr.gettext("Common mistakes:"), ""])
        lines.extend(f"- {m(mistake)}" for mistake in tag.signature.mistakes)
    return "\n".join(lines) + "\n"


def _details(report: Report, tr: Translator) -> list[_Section]:
    m = markdown_text
    sections = []
    heaviest = tags_by_weight(report)
    tag_header = (
        N_("Tag"),
        N_("Consent"),
        N_("Requests"),
        N_("Wire"),
        N_("Script"),
        N_("Cookies"),
        N_("Flags"),
        N_("Loaded by"),
    )
    sections.append(
        _Section(
            name=tr.gettext("tags"),
            head=(tr.gettext("## Tags"), "", tr.gettext("No known tag found."), ""),
            tr=tr,
        )
        if not heaviest
        else _folded(
            N_("tags"),
            tr.gettext("Tags ({count})").format(count=len(heaviest)),
            _header(tuple(tr.gettext(h) for h in tag_header), {2, 3, 4, 5, 6}),
            [
                _row(
                    f"{m(tag_name(t))} ({m(t.id)})",
                    m(purpose_word(t.signature.consent, tr)),
                    str(t.weight.requests),
                    size(t.weight.transfer_bytes, t.weight.sizes_recorded, tr),
                    size(t.weight.script_bytes, t.weight.sizes_recorded, tr),
                    str(len({c.name for c in t.cookies})),
                    str(len(t.flags)),
                    m(loaded_by(report, t.loaded_by, tr)),
                )
                for t in heaviest
            ],
            tr,
        )
    )
    flagged = sorted(
        (t for t in report.tags if t.flags),
        key=lambda t: (min(SEVERITY_ORDER[f.severity] for f in t.flags), t.id),
    )
    if flagged or report.flags:
        rows = [_tag_detail(t, tr) for t in flagged]
        if report.flags:
            site = "\n".join(
                [f"#### {tr.gettext(SITE)}", ""]
                + [line for f in report.flags for line in _flag_line(f, tr)]
            )
            rows.append(site + "\n")
        sections.append(
            _folded(
                N_("evidence and common mistakes per tag"),
                tr.gettext("Evidence and common mistakes, per tag ({count})").format(
                    count=len(rows)
                ),
                [],
                rows,
                tr,
            )
        )
    minor = [(t, f) for t, f in all_flags(report) if f.severity in {"low", "info"}]
    if minor:
        sections.append(
            _folded(
                N_("low and info findings"),
                tr.gettext("Low and info findings ({count})").format(count=len(minor)),
                _header(tuple(tr.gettext(h) for h in _FINDING_HEADER), set()),
                [_finding_row(t, f, tr) for t, f in minor],
                tr,
            )
        )
    cookies = [(t, c) for t in heaviest for c in t.cookies]
    if cookies:
        cookie_header = (
            N_("Tag"),
            N_("Cookie"),
            N_("Domain"),
            N_("Seen in"),
            N_("Party"),
            N_("Lifetime"),
        )
        sections.append(
            _folded(
                N_("cookies"),
                tr.gettext("Cookies ({count})").format(count=len(cookies)),
                _header(tuple(tr.gettext(h) for h in cookie_header), set()),
                [
                    _row(
                        m(t.id),
                        m(c.name),
                        m(c.domain or "?"),
                        source_word(c.source, tr),
                        tr.gettext("third-party") if c.third_party else tr.gettext("first-party"),
                        m(cookie_lifetime(c, tr)),
                    )
                    for t, c in cookies
                ],
                tr,
            )
        )
    if report.consent.signals:
        signal_header = (N_("Signal"), N_("First seen"), N_("Entry"))
        sections.append(
            _folded(
                N_("consent signals"),
                tr.gettext("Consent signals ({count})").format(count=len(report.consent.signals)),
                _header(tuple(tr.gettext(h) for h in signal_header), set()),
                [
                    _row(m(s.kind), time_of_day(s.time), "-" if s.entry is None else str(s.entry))
                    for s in report.consent.signals
                ],
                tr,
            )
        )
    host_header = (N_("Host"), N_("Requests"), N_("Wire"))
    if report.unattributed:
        sections.append(
            _folded(
                N_("unknown third parties"),
                tr.gettext("Unknown third parties ({count})").format(
                    count=len(report.unattributed)
                ),
                _header((*(tr.gettext(h) for h in host_header), tr.gettext("Loaded by")), {1, 2}),
                [
                    _row(
                        m(h.host),
                        str(h.requests),
                        size(h.transfer_bytes, report.has_sizes, tr),
                        m(loaded_by(report, h.initiated_by, tr)),
                    )
                    for h in report.unattributed
                ],
                tr,
            )
        )
    if report.probably_first_party:
        sections.append(
            _folded(
                N_("probably first party"),
                tr.gettext("Probably first party ({count})").format(
                    count=len(report.probably_first_party)
                ),
                [
                    tr.gettext(
                        "Unknown hosts that behave like the site's own static hosts; "
                        "confirm them with {option}."
                    ).format(option="`--first-party`"),
                    "",
                    *_header((*(tr.gettext(h) for h in host_header), tr.gettext("Why")), {1, 2}),
                ],
                [
                    _row(
                        m(p.host),
                        str(p.requests),
                        size(p.transfer_bytes, report.has_sizes, tr),
                        m(p.reason),
                    )
                    for p in report.probably_first_party
                ],
                tr,
            )
        )
    return sections

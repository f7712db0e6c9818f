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

from tagsig._diff import ReportDiff
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
    provenance,
    size,
    tag_name,
    tags_by_weight,
    time_of_day,
    verdict,
)
from tagsig._report import Flag, Report, TagReport
from tagsig._rules._registry import rule_info

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

    def text(self, rows: int | None = None) -> str:
        kept = self.rows if rows is None else self.rows[:rows]
        more = len(self.rows) - len(kept)
        cut = (f"*{more} more row{'s' if more != 1 else ''} left out to fit.*", "") if more else ()
        # A table ends at its last row; the note on cut rows goes below it.
        lines = [*self.head, *kept, *(("",) if more and kept else ()), *cut, *self.tail]
        return "\n".join(lines) + "\n"


def _folded(name: str, summary: str, head: Sequence[str], rows: Sequence[str],
            after: Sequence[str] = ()) -> _Section:
    return _Section(name=name, head=(f"<details><summary>{summary}</summary>", "", *head),
                    rows=tuple(rows), tail=("", *after, "</details>", ""))


def _relative(path: str, cwd: str | None) -> str:
    """Return ``path`` relative to ``cwd`` when it is absolute and below it."""
    if cwd is None or not os.path.isabs(path):
        return path
    try:
        relative = os.path.relpath(path, cwd)
    except ValueError:  # another drive
        return path
    return path if relative.startswith(os.pardir) else relative


def render_markdown(report: Report, *, max_chars: int | None = GITHUB_COMMENT_LIMIT,
                    baseline: ReportDiff | None = None, cwd: str | None = None) -> str:
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

    Returns:
        The Markdown text, ending with a newline.

    """
    cwd = os.getcwd() if cwd is None else cwd
    sections = [_summary(report, cwd)]
    if baseline is not None:
        sections.append(_baseline(baseline))
    sections.extend(_details(report))
    # Messages quote input paths too (an expiry "observed in /home/ci/jar.txt").
    moves = [(markdown_text(i.path), markdown_text(_relative(i.path, cwd)))
             for i in report.inputs if _relative(i.path, cwd) != i.path]
    if moves:
        sections = [_Section(name=s.name, head=_moved(s.head, moves),
                             rows=_moved(s.rows, moves), tail=_moved(s.tail, moves))
                    for s in sections]
    return _fit(sections, max_chars, _references(report))


def _moved(lines: tuple[str, ...], moves: list[tuple[str, str]]) -> tuple[str, ...]:
    result = []
    for line in lines:
        moved = line
        for old, new in moves:
            moved = moved.replace(old, new)
        result.append(moved)
    return tuple(result)


def _fit(sections: list[_Section], max_chars: int | None, references: str) -> str:
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
    parts = [f"{', '.join(cut)} (cut short)"] if cut else []
    if dropped:
        parts.append(", ".join(dropped))
    note = (f"> **Note**: to stay within {max_chars:,} characters, details were left out: "
            f"{'; '.join(parts)}. The HTML and JSON reports hold everything.\n")
    text = "".join(out).rstrip("\n") + "\n\n" + note + references + (
        "\n" if references else "")
    return text if len(text) <= max_chars else text[: max(max_chars - 1, 0)] + "\n"


def _rule_link(rule: str) -> str:
    # A reference link: each rule's address is written once, at the end (see _references).
    return f"[{markdown_text(rule)}]"


def _references(report: Report) -> str:
    rules = sorted({flag.rule for _, flag in all_flags(report)})
    return "".join(f"\n[{markdown_text(rule)}]: {rule_info(rule).help_uri}" for rule in rules)


def _owner(tag: TagReport | None) -> str:
    return markdown_text(tag_name(tag) if tag else SITE)


def _finding_row(tag: TagReport | None, flag: Flag) -> str:
    waived = f" *(waived: {markdown_text(flag.waiver)})*" if flag.waiver is not None else ""
    return _row(f"**{flag.severity}**", _owner(tag), _rule_link(flag.rule),
                markdown_text(flag.message) + waived)


def _summary(report: Report, cwd: str) -> _Section:
    m = markdown_text
    severity, words = verdict(report)
    title = {"high": "action needed", "medium": "review needed"}.get(severity or "",
                                                                    "no action needed")
    lines = [f"# Third-party tags: {title}", "", f"**{m(words)}**", ""]
    flags = all_flags(report)
    counts = Counter(flag.severity for _, flag in flags)
    by_severity = ", ".join(f"{counts[s]} {s}" for s in SEVERITY_ORDER if counts[s])
    third = report.third_party_tags
    needing = [t for t in tags_by_weight(report)
               if t.signature.consent in report.consent.needing_consent]
    lines.append(
        f"**{len(third)} tags**, {len(needing)} needing consent; "
        f"{sum(t.weight.requests for t in third)} requests, "
        f"{size(sum(t.weight.transfer_bytes for t in third), report.has_sizes)} on the wire; "
        f"**{len(flags)} flags**" + (f" ({by_severity})" if by_severity else "") + "; "
        f"{len(report.unattributed)} unknown third parties.")
    lines.append("")
    paths = ", ".join(m(_relative(i.path, cwd)) for i in report.inputs) or "none"
    lines.append(f"Inputs: {paths}  ")
    lines.append("First party: " + (m(first_party_summary(report)) or "unknown") + "  ")
    own = own_tags(report)
    if own:
        lines.append("The site's own: " + ", ".join(m(tag_name(t)) for t in own) + "  ")
    lines.extend(m(f"{_relative(i.path, cwd)}: {no_tag_summary(i)}") + "  "
                 for i in report.inputs if no_tag_summary(i))
    lines.append(m(provenance(report)))
    lines.append("")
    for warning in report.warnings:
        lines.extend([f"> **Warning** ({m(warning.code)}): {m(warning.message)}", ""])
    important = [(t, f) for t, f in flags if f.severity in {"high", "medium"}]
    head = list(lines)
    rows: list[str] = []
    tail: list[str] = []
    if important:
        head.extend(["## Findings to act on", ""])
        head.extend(_header(("Severity", "Tag", "Rule", "Finding"), set()))
        rows = [_finding_row(t, f) for t, f in important]
        tail.append("")
    if needing:
        tail.extend(["## Tags that need consent", "",
                     ", ".join(f"{m(tag_name(t))} ({m(t.signature.consent)})"
                               for t in needing), ""])
    return _Section(name="high and medium findings", head=tuple(head), rows=tuple(rows),
                    tail=tuple(tail))


def _names(items: Sequence[str]) -> str:
    return ", ".join(markdown_text(i) for i in items) or "none"


def _baseline(diff: ReportDiff) -> _Section:
    lines = ["## Change against the baseline", ""]
    if diff.is_empty:
        lines.extend(["Nothing changed.", ""])
        return _Section(name="change against the baseline", head=tuple(lines))
    lines.extend([
        f"- Tags added: {_names([t.name for t in diff.added])}",
        f"- Tags removed: {_names([t.name for t in diff.removed])}",
        f"- Flags added: {len(diff.flags_added)}; resolved: {len(diff.flags_resolved)}",
        f"- Unknown hosts added: {_names(diff.hosts_added)}",
        ""])
    rows = [_row(f"**{f.severity}**", markdown_text(f.tag or SITE), _rule_link(f.rule),
                 markdown_text(f.message)) for f in diff.flags_added]
    if rows:
        lines.extend(["New flags:", "", *_header(("Severity", "Tag", "Rule", "Finding"),
                                                  set())])
    return _Section(name="new flags against the baseline", head=tuple(lines),
                    rows=tuple(rows), tail=("",) if rows else ())


def _tag_detail(tag: TagReport) -> str:
    m = markdown_text
    lines = [f"#### {m(tag_name(tag))} ({m(tag.id)})", ""]
    for flag in tag.flags:
        lines.append(f"- **{flag.severity}** {_rule_link(flag.rule)}: {m(flag.message)}")
        lines.extend(f"  - {m(evidence_text(e))}" for e in flag.evidence[:_MAX_EVIDENCE])
        if len(flag.evidence) > _MAX_EVIDENCE:
            lines.append(f"  - and {len(flag.evidence) - _MAX_EVIDENCE} more")
    if tag.signature.mistakes:
        lines.extend(["", "Common mistakes:", ""])
        lines.extend(f"- {m(mistake)}" for mistake in tag.signature.mistakes)
    return "\n".join(lines) + "\n"


def _details(report: Report) -> list[_Section]:
    m = markdown_text
    sections = []
    heaviest = tags_by_weight(report)
    sections.append(_Section(name="tags", head=("## Tags", "", "No known tag found.", ""))
                    if not heaviest
                    else _folded("tags", f"Tags ({len(heaviest)})", _header(
                        ("Tag", "Consent", "Requests", "Wire", "Script", "Cookies", "Flags",
                         "Loaded by"), {2, 3, 4, 5, 6}),
                        [_row(f"{m(tag_name(t))} ({m(t.id)})", m(t.signature.consent),
                              str(t.weight.requests),
                              size(t.weight.transfer_bytes, t.weight.sizes_recorded),
                              size(t.weight.script_bytes, t.weight.sizes_recorded),
                              str(len({c.name for c in t.cookies})), str(len(t.flags)),
                              m(loaded_by(report, t.loaded_by))) for t in heaviest]))
    flagged = sorted((t for t in report.tags if t.flags), key=lambda t: (
        min(SEVERITY_ORDER[f.severity] for f in t.flags), t.id))
    if flagged or report.flags:
        rows = [_tag_detail(t) for t in flagged]
        if report.flags:
            site = "\n".join(
                [f"#### {SITE}", ""]
                + [line for f in report.flags for line in (
                    f"- **{f.severity}** {_rule_link(f.rule)}: {m(f.message)}",
                    *(f"  - {m(evidence_text(e))}" for e in f.evidence[:_MAX_EVIDENCE]))])
            rows.append(site + "\n")
        sections.append(_folded("evidence and common mistakes per tag",
                                f"Evidence and common mistakes, per tag ({len(rows)})",
                                [], rows))
    minor = [(t, f) for t, f in all_flags(report) if f.severity in {"low", "info"}]
    if minor:
        sections.append(_folded("low and info findings",
                                f"Low and info findings ({len(minor)})",
                                _header(("Severity", "Tag", "Rule", "Finding"), set()),
                                [_finding_row(t, f) for t, f in minor]))
    cookies = [(t, c) for t in heaviest for c in t.cookies]
    if cookies:
        sections.append(_folded("cookies", f"Cookies ({len(cookies)})", _header(
            ("Tag", "Cookie", "Domain", "Seen in", "Party", "Lifetime"), set()),
            [_row(m(t.id), m(c.name), m(c.domain or "?"), c.source,
                  "third-party" if c.third_party else "first-party", m(cookie_lifetime(c)))
             for t, c in cookies]))
    if report.consent.signals:
        sections.append(_folded("consent signals",
                                f"Consent signals ({len(report.consent.signals)})",
                                _header(("Signal", "First seen", "Entry"), set()),
                                [_row(m(s.kind), time_of_day(s.time),
                                      "-" if s.entry is None else str(s.entry))
                                 for s in report.consent.signals]))
    if report.unattributed:
        sections.append(_folded("unknown third parties",
                                f"Unknown third parties ({len(report.unattributed)})",
                                _header(("Host", "Requests", "Wire", "Loaded by"), {1, 2}),
                                [_row(m(h.host), str(h.requests),
                                      size(h.transfer_bytes, report.has_sizes),
                                      m(loaded_by(report, h.initiated_by)))
                                 for h in report.unattributed]))
    if report.probably_first_party:
        sections.append(_folded(
            "probably first party",
            f"Probably first party ({len(report.probably_first_party)})",
            ["Unknown hosts that behave like the site's own static hosts; confirm them "
             "with `--first-party`.", "",
             *_header(("Host", "Requests", "Wire", "Why"), {1, 2})],
            [_row(m(p.host), str(p.requests), size(p.transfer_bytes, report.has_sizes),
                  m(p.reason))
             for p in report.probably_first_party]))
    return sections

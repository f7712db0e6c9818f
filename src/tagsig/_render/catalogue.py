"""Catalogue entries as text, Markdown and JSON, with labels translated through gettext."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Final

from tagsig._i18n import N_, Translator
from tagsig._signatures.catalogue import CatalogueEntry, LawfulBasis, Prose, Transfer
from tagsig._signatures.model import Category, Complexity, ConsentPurpose

__all__ = [
    "CATEGORY_LABELS",
    "category_label",
    "complexity_label",
    "consent_value",
    "detection_summary",
    "english_note",
    "entry_document",
    "fact_value",
    "legal_basis_summary",
    "lifetime_label",
    "list_document",
    "method_label",
    "owner_summary",
    "prose_text",
    "purpose_label",
    "related_reason",
    "render_entry_json",
    "render_entry_markdown",
    "render_entry_text",
    "render_list_markdown",
    "render_list_text",
    "transfer_label",
]

CATEGORY_LABELS: Final[dict[Category, str]] = {
    "advertising": N_("Advertising"),
    "analytics": N_("Analytics"),
    "tag-manager": N_("Tag management"),
    "consent": N_("Consent management"),
    "chat": N_("Chat & Support"),
    "customer-success": N_("Customer success"),
    "session-replay": N_("Session replay"),
    "ab-testing": N_("A/B testing"),
    "social": N_("Social"),
    "video": N_("Video"),
    "cdn": N_("Content delivery"),
    "fonts": N_("Fonts"),
    "hosting": N_("Hosting"),
    "marketing": N_("Marketing"),
    "payments": N_("Payments"),
    "security": N_("Security"),
    "monitoring": N_("Monitoring"),
    "personalization": N_("Personalisation"),
    "content": N_("Content"),
    "utility": N_("Utility"),
    "other": N_("Other"),
}
"""The catalogue's English label of each category (translate with ``gettext``)."""

_COMPLEXITY: Final[dict[Complexity, str]] = {
    "low": N_("Low complexity"),
    "medium": N_("Medium complexity"),
    "high": N_("High complexity"),
}
_PURPOSES: Final[dict[ConsentPurpose, str]] = {
    "essential": N_("Essential"),
    "functional": N_("Functional"),
    "analytics": N_("Analytics"),
    "marketing": N_("Marketing"),
    "personalization": N_("Personalisation"),
}
_BASES: Final[dict[LawfulBasis, str]] = {
    "consent": N_("Consent"),
    "contract": N_("Contract"),
    "legal-obligation": N_("Legal obligation"),
    "legitimate-interests": N_("Legitimate interests"),
}
_TRANSFERS: Final[dict[Transfer, str]] = {
    "eea": N_("No transfer (in the EEA)"),
    "adequacy": N_("Adequacy decision"),
    "dpf": N_("EU-US Data Privacy Framework"),
    "sccs": N_("Standard contractual clauses"),
}
# Messages translated inside f-strings, which the extractor cannot read on Python 3.11.
_IN_F_STRINGS: Final = (
    N_("No catalogue text yet."),
    N_("No common mistakes recorded."),
    N_("What to configure"),
    N_("Search tags"),
    N_("Shown"),
    N_("Name"),
    N_("Category"),
    N_("Complexity"),
)
_METHODS: Final = {"network": N_("Network"), "url": N_("URL patterns"), "cookie": N_("Cookies")}


def category_label(category: Category, tr: Translator) -> str:
    """Return the catalogue's label of ``category`` (``"Chat & Support"``)."""
    return tr.gettext(CATEGORY_LABELS[category])


def complexity_label(complexity: Complexity | None, tr: Translator) -> str:
    """Return the label of a complexity (``"High complexity"``), or ``"Unknown"``."""
    return tr.gettext(_COMPLEXITY[complexity] if complexity else "Unknown")


def purpose_label(purpose: ConsentPurpose, tr: Translator) -> str:
    """Return the label of a consent purpose."""
    return tr.gettext(_PURPOSES[purpose])


def transfer_label(transfer: Transfer | None, tr: Translator) -> str:
    """Return the label of a transfer mechanism, or ``"Unknown"``."""
    return tr.gettext(_TRANSFERS[transfer] if transfer else "Unknown")


def method_label(method: str, tr: Translator) -> str:
    """Return the label of a detection method."""
    return tr.gettext(_METHODS[method])


def fact_value(value: bool | None, tr: Translator) -> str:
    """Return ``Yes``, ``No`` or ``Unknown`` in the translator's language."""
    if value is None:
        return tr.gettext("Unknown")
    return tr.gettext("Yes") if value else tr.gettext("No")


def consent_value(entry: CatalogueEntry, tr: Translator) -> str:
    """Return the value of the page's "Consent required" fact: ``No``, or the purpose."""
    return purpose_label(entry.consent, tr) if entry.consent_required else tr.gettext("No")


def prose_text(prose: Prose, tr: Translator) -> tuple[str, str | None]:
    """Return the text of ``prose`` for the translator, and a note when it is in English."""
    text, language = prose.text(tr.language)
    if language != tr.language:
        return text, tr.gettext(
            "This text is not written in this language yet; it is shown in English."
        )
    return text, None


def english_note(tr: Translator) -> str | None:
    """Return the note shown beside English text (the mistakes) in another language."""
    if tr.language == "en":
        return None
    return tr.gettext("This text is not written in this language yet; it is shown in English.")


def lifetime_label(days: float | None, tr: Translator) -> str:
    """Return a cookie lifetime in days with its plural form, or "session or unknown"."""
    if days is None:
        return tr.gettext("session or unknown")
    count = round(days)
    return tr.ngettext("{count} day", "{count} days", count).format(count=tr.number(count))


def _size(kb: float | None, tr: Translator) -> str:
    return (
        tr.gettext("{size} KB").format(size=tr.number(kb))
        if kb is not None
        else (tr.gettext("Unknown"))
    )


def _figure(value: float | None, tr: Translator) -> str:
    return tr.number(value) if value is not None else tr.gettext("Unknown")


def detection_summary(entry: CatalogueEntry, tr: Translator) -> str:
    """Return the detection on one line: pattern count, methods with their counts."""
    detection = entry.detection
    counts = {"network": detection.hosts, "url": detection.urls, "cookie": detection.cookies}
    methods = ", ".join(
        f"{method_label(m, tr)} ({tr.number(counts[m])})" for m in detection.methods
    )
    patterns = tr.ngettext("{count} pattern", "{count} patterns", detection.patterns).format(
        count=tr.number(detection.patterns)
    )
    return f"{patterns}: {methods}" if methods else patterns


def legal_basis_summary(entry: CatalogueEntry, tr: Translator) -> str:
    """Return the legal basis by purpose on one line (``Functional: Consent``)."""
    items = [
        f"{purpose_label(b.purpose, tr)}: {tr.gettext(_BASES[b.basis])}"
        for b in entry.compliance.legal_basis
    ]
    return "; ".join(items) if items else tr.gettext("Unknown")


def owner_summary(entry: CatalogueEntry) -> str:
    """Return the owner with its country code (``Intercom, Inc. (US)``)."""
    compliance = entry.compliance
    return (
        f"{compliance.owner} ({compliance.country})" if compliance.country else (compliance.owner)
    )


def related_reason(reason: str, tr: Translator) -> str:
    """Why a service is related, as a short phrase."""
    reasons = {
        "catalogue": N_("related"),
        "vendor": N_("same vendor"),
        "category": N_("same category"),
    }
    return tr.gettext(reasons[reason])


def _facts(entry: CatalogueEntry, tr: Translator) -> list[tuple[str, str]]:
    return [
        (tr.gettext("Sets cookies"), fact_value(entry.sets_cookies, tr)),
        (tr.gettext("Sends PII"), fact_value(entry.sends_pii, tr)),
        (tr.gettext("Cross-site tracking"), fact_value(entry.cross_site_tracking, tr)),
        (tr.gettext("Consent required"), consent_value(entry, tr)),
    ]


def _compliance_rows(entry: CatalogueEntry, tr: Translator) -> list[tuple[str, str]]:
    return [
        (tr.gettext("Owner"), owner_summary(entry)),
        (tr.gettext("Transfer mechanism"), transfer_label(entry.compliance.transfer, tr)),
        (tr.gettext("Legal basis"), legal_basis_summary(entry, tr)),
    ]


def _table(rows: Sequence[tuple[str, str]], indent: str = "") -> list[str]:
    width = max(len(label) for label, _ in rows)
    return [f"{indent}{label.ljust(width)}  {value}" for label, value in rows]


def render_entry_text(entry: CatalogueEntry, tr: Translator) -> str:
    """Render an entry as plain text, in the order of the catalogue page."""
    lines = [
        entry.name,
        f"{category_label(entry.category, tr)} · {complexity_label(entry.complexity, tr)}",
        "",
    ]
    lines += _table(_facts(entry, tr))
    lines += ["", tr.gettext("Cookies")]
    lines += [f"  {c.name} ({lifetime_label(c.lifetime_days, tr)})" for c in entry.cookies] or [
        "  -"
    ]
    lines += ["", tr.gettext("Overview")]
    lines += _prose_lines(entry.overview, tr)
    lines += ["", tr.gettext("Detected capabilities"), f"  {detection_summary(entry, tr)}"]
    lines += ["", tr.gettext("Performance impact")]
    lines += _table(
        [
            (tr.gettext("Script size"), _size(entry.performance.script_kb, tr)),
            (tr.gettext("Requests per page"), _figure(entry.performance.requests_per_page, tr)),
        ],
        "  ",
    )
    lines += ["", tr.gettext("Common mistakes")]
    lines += [f"  - {m}" for m in entry.mistakes] or [
        f"  {tr.gettext('No common mistakes recorded.')}"
    ]
    note = english_note(tr)
    if entry.mistakes and note:
        lines.append(f"  ({note})")
    lines += ["", tr.gettext("Compliance considerations")]
    lines += _table(_compliance_rows(entry, tr), "  ")
    if entry.compliance.configure is not None:
        lines += [f"  {tr.gettext('What to configure')}:"]
        lines += _prose_lines(entry.compliance.configure, tr, "    ")
    lines += ["", tr.gettext("Related services")]
    lines += [f"  {r.name} ({r.id}, {related_reason(r.reason, tr)})" for r in entry.related]
    return "\n".join(lines) + "\n"


def _prose_lines(prose: Prose | None, tr: Translator, indent: str = "  ") -> list[str]:
    if prose is None:
        return [f"{indent}{tr.gettext('No catalogue text yet.')}"]
    text, note = prose_text(prose, tr)
    return [f"{indent}{text}"] + ([f"{indent}({note})"] if note else [])


def _md(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("*", "\\*")
        .replace("_", "\\_")
        .replace("<", "&lt;")
    )


def render_entry_markdown(entry: CatalogueEntry, tr: Translator) -> str:
    """Render an entry as a Markdown section, in the order of the catalogue page."""
    out = [
        f"# {_md(entry.name)}",
        "",
        f"{_md(category_label(entry.category, tr))} · "
        f"{_md(complexity_label(entry.complexity, tr))}",
        "",
        "| | |",
        "| --- | --- |",
    ]
    out += [f"| {_md(label)} | {_md(value)} |" for label, value in _facts(entry, tr)]
    out += ["", f"## {tr.gettext('Cookies')}", ""]
    out += [f"- `{c.name}` ({_md(lifetime_label(c.lifetime_days, tr))})" for c in entry.cookies]
    out += ["", f"## {tr.gettext('Overview')}", ""]
    out += [_md(line.strip()) for line in _prose_lines(entry.overview, tr)]
    out += [
        "",
        f"## {tr.gettext('Detected capabilities')}",
        "",
        _md(detection_summary(entry, tr)),
        "",
    ]
    out += [
        f"## {tr.gettext('Performance impact')}",
        "",
        f"- {tr.gettext('Script size')}: {_md(_size(entry.performance.script_kb, tr))}",
        f"- {tr.gettext('Requests per page')}: {_figure(entry.performance.requests_per_page, tr)}",
        "",
    ]
    out += [f"## {tr.gettext('Common mistakes')}", ""]
    out += [f"1. {_md(m)}" for m in entry.mistakes]
    note = english_note(tr)
    if entry.mistakes and note:
        out += ["", f"_{_md(note)}_"]
    out += ["", f"## {tr.gettext('Compliance considerations')}", ""]
    out += [f"- {_md(label)}: {_md(value)}" for label, value in _compliance_rows(entry, tr)]
    if entry.compliance.configure is not None:
        text = " ".join(line.strip() for line in _prose_lines(entry.compliance.configure, tr))
        out += [f"- {tr.gettext('What to configure')}: {_md(text)}"]
    out += ["", f"## {tr.gettext('Related services')}", ""]
    out += [
        f"- {_md(r.name)} (`{r.id}`, {_md(related_reason(r.reason, tr))})" for r in entry.related
    ]
    return "\n".join(out) + "\n"


def entry_document(entry: CatalogueEntry, tr: Translator) -> dict[str, object]:
    """Return the JSON form of an entry: stable codes, prose in the chosen language."""
    overview = entry.overview.text(tr.language) if entry.overview else None
    configure = entry.compliance.configure
    configured = configure.text(tr.language) if configure else None
    return {
        "id": entry.id,
        "name": entry.name,
        "category": entry.category,
        "complexity": entry.complexity,
        "facts": {
            "sets_cookies": entry.sets_cookies,
            "sends_pii": entry.sends_pii,
            "cross_site_tracking": entry.cross_site_tracking,
            "consent_required": entry.consent_required,
            "consent": entry.consent,
        },
        "cookies": [
            {
                "name": c.name,
                "pattern": c.pattern.name,
                "match": c.pattern.match,
                "lifetime_days": c.lifetime_days,
            }
            for c in entry.cookies
        ],
        "overview": overview[0] if overview else None,
        "overview_language": overview[1] if overview else None,
        "detection": {
            "patterns": entry.detection.patterns,
            "hosts": entry.detection.hosts,
            "urls": entry.detection.urls,
            "cookies": entry.detection.cookies,
            "methods": list(entry.detection.methods),
        },
        "performance": {
            "script_kb": entry.performance.script_kb,
            "requests_per_page": entry.performance.requests_per_page,
        },
        "mistakes": list(entry.mistakes),
        "compliance": {
            "owner": entry.compliance.owner,
            "country": entry.compliance.country,
            "transfer": entry.compliance.transfer,
            "legal_basis": [
                {"purpose": b.purpose, "basis": b.basis} for b in entry.compliance.legal_basis
            ],
            "configure": configured[0] if configured else None,
            "configure_language": configured[1] if configured else None,
        },
        "related": [
            {"id": r.id, "name": r.name, "reason": r.reason, "curated": r.is_curated}
            for r in entry.related
        ],
        "homepage": entry.homepage,
        "curated": entry.is_curated,
        "language": tr.language,
    }


def render_entry_json(entry: CatalogueEntry, tr: Translator) -> str:
    """Render an entry as a JSON document (see :func:`entry_document`)."""
    return (
        json.dumps(entry_document(entry, tr), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )


def list_document(entries: Sequence[CatalogueEntry]) -> list[dict[str, object]]:
    """Return the JSON form of a list of entries: one small record per tag."""
    return [
        {
            "id": e.id,
            "name": e.name,
            "category": e.category,
            "consent": e.consent,
            "complexity": e.complexity,
            "curated": e.is_curated,
        }
        for e in entries
    ]


def render_list_text(entries: Sequence[CatalogueEntry], tr: Translator) -> str:
    """Render a list of entries as text: id, name, category and consent purpose."""
    if not entries:
        return tr.gettext("No tag matches.") + "\n"
    rows = [
        (e.id, e.name, category_label(e.category, tr), purpose_label(e.consent, tr))
        for e in entries
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        f"{a.ljust(widths[0])}  {b.ljust(widths[1])}  {c.ljust(widths[2])}  {d}"
        for a, b, c, d in rows
    ]
    count = tr.ngettext("{count} tag", "{count} tags", len(entries)).format(
        count=tr.number(len(entries))
    )
    return "\n".join([*lines, count]) + "\n"


def render_list_markdown(entries: Sequence[CatalogueEntry], tr: Translator) -> str:
    """Render a list of entries as a Markdown table."""
    head = [
        f"| {tr.gettext('Name')} | id | {tr.gettext('Category')} | "
        f"{tr.gettext('Consent required')} |",
        "| --- | --- | --- | --- |",
    ]
    rows = [
        f"| {_md(e.name)} | `{e.id}` | {_md(category_label(e.category, tr))} | "
        f"{_md(consent_value(e, tr))} |"
        for e in entries
    ]
    return "\n".join(head + rows) + "\n"

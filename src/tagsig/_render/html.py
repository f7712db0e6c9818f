"""Render a :class:`Report` as one self-contained HTML page, with inline-SVG charts.

The page loads nothing at view time: no script, font, image or style sheet from anywhere,
and its Content-Security-Policy forbids them. Every string that comes from a capture
(URLs, hosts, cookie names, page titles, messages quoting them) is escaped.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from html import escape

from tagsig._compliance.flags import Evidence, Flag, Severity
from tagsig._compliance.rules.registry import rule_info
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
from tagsig._report.model import Report, TagCookie, TagReport

__all__ = ["render_html", "render_html_body"]

_MAX_CHART_ROWS = 40
"""Tags drawn in a chart; the rest are counted under it."""
_MAX_VERDICT_TAGS = 12
"""Tags named in the verdict at the top; the findings list them all."""

_CSS = """
.tagsig-report{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#1f2328;max-width:1200px;margin:0 auto;padding:16px}
.tagsig-report h1{font-size:24px;margin:0 0 4px}
.tagsig-report h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;
padding-bottom:4px}
.tagsig-report .muted{color:#59636e}
.tagsig-report .cards{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}
.tagsig-report .card{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;
min-width:120px}
.tagsig-report .card b{display:block;font-size:22px}
.tagsig-report .scroll{overflow-x:auto;max-width:100%}
.tagsig-report table{border-collapse:collapse;width:100%;margin:6px 0}
.tagsig-report th,.tagsig-report td{border-bottom:1px solid #d8dee4;padding:4px 8px;
text-align:left;vertical-align:top;overflow-wrap:normal;word-break:normal;hyphens:none}
.tagsig-report th{background:#f6f8fa;font-weight:600}
.tagsig-report td.n,.tagsig-report th.n,.tagsig-report td.t{text-align:right;
white-space:nowrap}
.tagsig-report code{font-size:12px;background:#f6f8fa;padding:1px 4px;border-radius:4px;
overflow-wrap:break-word}
.tagsig-report td code,.tagsig-report .id{white-space:nowrap}
.tagsig-report .verdict{border:1px solid #d0d7de;border-left-width:6px;border-radius:6px;
padding:10px 14px;margin:12px 0}
.tagsig-report .verdict-high{border-left-color:#cf222e}
.tagsig-report .verdict-medium{border-left-color:#fb8f44}
.tagsig-report .verdict-none{border-left-color:#1a7f37}
.tagsig-report .verdict p{margin:0 0 6px;font-size:16px;font-weight:600;color:#1f2328}
.tagsig-report .verdict ul{margin:4px 0 0;padding-left:20px;color:#1f2328}
.tagsig-report details{margin:6px 0}
.tagsig-report details>summary{cursor:pointer;padding:2px 0}
.tagsig-report details.severity>summary{font-size:16px;font-weight:600}
.tagsig-report details.tag{margin-left:16px;border-left:2px solid #d8dee4;padding-left:10px}
.tagsig-report .finding{margin:8px 0}
.tagsig-report .finding ul,.tagsig-report .mistakes ul{margin:4px 0;padding-left:20px}
.tagsig-report .mistakes{background:#f6f8fa;border-radius:6px;padding:6px 10px;margin:8px 0}
.tagsig-report .badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;
font-weight:600;white-space:nowrap}
.tagsig-report .essential{background:#dafbe1;color:#116329}
.tagsig-report .functional{background:#ddf4ff;color:#0550ae}
.tagsig-report .analytics{background:#fff8c5;color:#7d4e00}
.tagsig-report .marketing{background:#ffebe9;color:#a40e26}
.tagsig-report .personalization{background:#fbefff;color:#6e3b9e}
.tagsig-report .high{background:#cf222e;color:#fff}
.tagsig-report .medium{background:#fb8f44;color:#fff}
.tagsig-report .low{background:#ddf4ff;color:#0550ae}
.tagsig-report .info{background:#eaeef2;color:#424a53}
.tagsig-report .warning{border-left:4px solid #d4a72c;background:#fff8c5;padding:6px 10px;
margin:6px 0}
.tagsig-report svg{display:block;max-width:100%;height:auto}
.tagsig-report a{color:#0969da}
.tagsig-report svg text{font:12px system-ui,sans-serif;fill:#1f2328}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _l(label: str) -> str:
    """Escape a label of the page (no quotes needed: labels sit in text, not attributes)."""
    return escape(label, quote=False)


_HYPHENATED = re.compile(r"\S*-\S*")


def _t(value: object) -> str:
    """Escape ``value`` for a table cell, keeping each hyphenated word on one line."""
    return _HYPHENATED.sub(lambda m: f'<span class="id">{m.group(0)}</span>', _e(value))


def render_html(report: Report, *, lang: Language = DEFAULT_LANGUAGE) -> str:
    """Render ``report`` as a complete, self-contained HTML document, in ``lang``."""
    tr = Translator(lang)
    title = tr.gettext("tagsig report")
    if report.inputs:
        title += f": {report.inputs[0].path}"
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n</head>\n<body>\n"
        f"{render_html_body(report, lang=lang)}</body>\n</html>\n"
    )


def render_html_body(report: Report, *, lang: Language = DEFAULT_LANGUAGE) -> str:
    """Render ``report`` as one ``<div>`` with its own scoped style (for Jupyter or embedding).

    Sections: the verdict (what needs action), summary, warnings, charts (weight per tag;
    first request of each tag against the consent signals; the site's own tags left out),
    tag inventory, findings grouped by severity and tag (folded, linking to their rule
    pages, with evidence and the catalogue's common mistakes), cookies, consent signals,
    unknown third parties, inputs. The labels are in ``lang``; a ``<div>`` in another
    language than English carries its ``lang`` attribute.
    """
    tr = Translator(lang)
    marked = "" if lang == DEFAULT_LANGUAGE else f' lang="{_e(lang)}"'
    parts = [
        f'<div class="tagsig-report"{marked}>\n<style>{_CSS}</style>\n',
        _header(report, tr),
        _verdict(report, tr),
        _summary(report, tr),
        _warnings(report, tr),
    ]
    if report.tags:
        parts.append(
            "<h2>"
            + _l(tr.gettext("Weight per tag"))
            + '</h2>\n<p class="muted">'
            + _l(tr.gettext("Bytes on the wire (blue) and requests (orange)."))
            + "</p>\n"
        )
        parts.append(_weight_chart(report, tr))
        parts.append("<h2>" + _l(tr.gettext("When each tag first fired")) + "</h2>\n")
        parts.append(_timeline(report, tr))
    parts.extend(
        [
            _inventory(report, tr),
            _flags(report, tr),
            _cookies(report, tr),
            _signals(report, tr),
            _unattributed(report, tr),
            _probable(report, tr),
            _inputs(report, tr),
            "</div>\n",
        ]
    )
    return "".join(parts)


def _header(report: Report, tr: Translator) -> str:
    paths = ", ".join(f"<code>{_e(i.path)}</code>" for i in report.inputs) or _e(
        tr.gettext("no input")
    )
    first_party = _e(first_party_summary(report, tr)) or _l(tr.gettext("unknown"))
    own = own_tags(report)
    own_line = (
        (
            "<br>"
            + _l(tr.gettext("The site's own: {tags}")).format(
                tags=", ".join(_e(tag_name(t)) for t in own)
            )
        )
        if own
        else ""
    )
    title = _l(tr.gettext("Third-party tags"))
    party = _l(tr.gettext("First party: {site}")).format(site=first_party)
    return (
        f'<h1>{title}</h1>\n<p class="muted">{paths}<br>{party}'
        f"{own_line}<br>{_e(provenance(report, tr))}</p>\n"
    )


def _verdict(report: Report, tr: Translator) -> str:
    """Say first what needs action: the verdict and the tags with serious findings."""
    severity, words = verdict(report, tr)
    serious: dict[str, list[Flag]] = {}
    names: dict[str, str] = {}
    for tag, flag in all_flags(report):
        if flag.waiver is None and flag.severity in {"high", "medium"}:
            key = tag.id if tag else SITE
            serious.setdefault(key, []).append(flag)
            names[key] = tag_name(tag) if tag else tr.gettext("The site")
    items = "".join(
        f'<li><a href="#{_anchor(flags[0].severity, key)}">{_e(names[key])}</a>: '
        + ", ".join(
            f"{_e(rule)} ({count})" if count > 1 else _e(rule)
            for rule, count in Counter(f.rule for f in flags).items()
        )
        + "</li>"
        for key, flags in list(serious.items())[:_MAX_VERDICT_TAGS]
    )
    if len(serious) > _MAX_VERDICT_TAGS:
        more = len(serious) - _MAX_VERDICT_TAGS
        items += (
            '<li><a href="#findings">'
            + _l(tr.ngettext("{count} more tags", "{count} more tags", more).format(count=more))
            + "</a></li>"
        )
    listing = f"<ul>{items}</ul>" if items else ""
    return f'<div class="verdict verdict-{severity or "none"}"><p>{_e(words)}</p>{listing}</div>\n'


def _anchor(severity: Severity, key: str) -> str:
    return "f-" + severity + "-" + "".join(c if c.isalnum() or c == "-" else "_" for c in key)


def _summary(report: Report, tr: Translator) -> str:
    severities = Counter(flag.severity for _, flag in all_flags(report))
    needing = report.consent.needing_consent
    third = report.third_party_tags
    consented = sum(1 for t in third if t.signature.consent in needing)
    requests = sum(t.weight.requests for t in third)
    cookies = len({(c.name, c.domain) for t in third for c in t.cookies})
    flags = sum(severities.values())
    cards = [
        (tr.gettext("tags"), str(len(third))),
        (tr.gettext("need consent"), str(consented)),
        (tr.gettext("requests"), str(requests)),
        (
            tr.gettext("on the wire"),
            size(sum(t.weight.transfer_bytes for t in third), report.has_sizes, tr),
        ),
        (
            tr.gettext("script"),
            size(sum(t.weight.script_bytes for t in third), report.has_sizes, tr),
        ),
        (tr.gettext("cookies"), str(cookies)),
        (tr.gettext("flags"), str(flags)),
        (tr.gettext("unknown third parties"), str(len(report.unattributed))),
    ]
    html = "".join(f'<div class="card"><b>{value}</b>{_l(label)}</div>' for label, value in cards)
    detail = ", ".join(
        f"{severities[s]} {_l(severity_word(s, tr))}" for s in SEVERITY_ORDER if severities[s]
    )
    note = (
        "<p>" + _l(tr.gettext("Flags: {detail}.")).format(detail=detail) + "</p>\n"
        if detail
        else ""
    )
    return f'<div class="cards">{html}</div>\n{note}'


def _warnings(report: Report, tr: Translator) -> str:
    if not report.warnings:
        return ""
    items = "".join(
        f'<div class="warning"><b>{_e(w.code)}</b>: {_e(w.message)}</div>\n'
        for w in report.warnings
    )
    return "<h2>" + _l(tr.gettext("Warnings")) + f"</h2>\n{items}"


def _weight_chart(report: Report, tr: Translator) -> str:
    tags = tags_by_weight(report)
    shown = tags[:_MAX_CHART_ROWS]
    label_w = _label_column([t.signature.name for t in shown])
    bar_w, row_h, top = 560, 30, 8

    def req(count: int) -> str:
        return tr.ngettext("{count} req", "{count} req", count).format(count=count)

    width = round(
        label_w
        + bar_w
        + 16
        + max(
            (
                max(
                    text_width(size(t.weight.transfer_bytes, t.weight.sizes_recorded, tr)),
                    text_width(req(t.weight.requests), 11),
                )
                for t in shown
            ),
            default=0.0,
        )
    )
    height = top + row_h * len(shown) + 8
    max_bytes = max((t.weight.transfer_bytes for t in shown), default=0) or 1
    max_requests = max((t.weight.requests for t in shown), default=0) or 1
    rows = []
    for n, tag in enumerate(shown):
        y = top + n * row_h
        bytes_w = round(bar_w * tag.weight.transfer_bytes / max_bytes, 1)
        requests_w = round(bar_w * tag.weight.requests / max_requests, 1)
        weight = tr.ngettext("{count} bytes", "{count} bytes", tag.weight.transfer_bytes).format(
            count=tag.weight.transfer_bytes
        )
        requests = tr.ngettext("{count} requests", "{count} requests", tag.weight.requests).format(
            count=tag.weight.requests
        )
        rows.append(
            f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end">'
            f"{_e(_clip(tag.signature.name, _MAX_LABEL_PX))}</text>"
            f'<rect x="{label_w}" y="{y + 2}" width="{bytes_w}" height="12" '
            f'fill="#0969da"><title>{_e(tag.signature.name)}: '
            f"{_l(weight)}</title></rect>"
            f'<text x="{label_w + bytes_w + 6}" y="{y + 13}">'
            f"{_e(size(tag.weight.transfer_bytes, tag.weight.sizes_recorded, tr))}</text>"
            f'<rect x="{label_w}" y="{y + 16}" width="{requests_w}" height="8" '
            f'fill="#fb8f44"><title>{_e(tag.signature.name)}: {_l(requests)}'
            f"</title></rect>"
            f'<text x="{label_w + requests_w + 6}" y="{y + 25}" font-size="11">'
            f"{_l(req(tag.weight.requests))}</text>"
        )
    lighter = len(tags) - len(shown)
    more = (
        '<p class="muted">'
        + _l(
            tr.ngettext(
                "{count} lighter tags not drawn.", "{count} lighter tags not drawn.", lighter
            ).format(count=lighter)
        )
        + "</p>\n"
        if lighter
        else ""
    )
    aria = _e(tr.gettext("Weight per tag"))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{aria}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{"".join(rows)}</svg>\n{more}'
    )


_NARROW = frozenset("ijl|.,:;!'`")
_SLIM = frozenset('ftrI()[]{} -/\\"')
_WIDE = frozenset("mwMW@%")
_FONT_PX = 12
_MAX_LABEL_PX = 340
"""Widest label column of a chart; longer names are cut with an ellipsis."""


def text_width(text: str, size: float = _FONT_PX) -> float:
    """Return a generous estimate of ``text``'s width in pixels, in a sans-serif font.

    An estimate, not a measure (the page has no script): per-character widths of common
    sans-serif fonts, rounded up, so a label column sized with it holds its labels.

    >>> text_width("Hotjar") < text_width("Google Campaign Manager 360")
    True
    """
    em = 0.0
    for char in text:
        if char in _NARROW:
            em += 0.32
        elif char in _SLIM:
            em += 0.42
        elif char in _WIDE:
            em += 1.0
        elif char.isascii():
            em += 0.74 if char.isupper() else 0.64
        else:
            em += 1.05
    return em * size


def _clip(text: str, max_px: float, size: float = _FONT_PX) -> str:
    """Return ``text`` cut with an ellipsis to fit in ``max_px`` pixels."""
    if text_width(text, size) <= max_px:
        return text
    while text and text_width(text + "\u2026", size) > max_px:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _label_column(names: list[str]) -> float:
    """Return the width of a chart's label column: its widest label, padded."""
    widest = max((text_width(_clip(n, _MAX_LABEL_PX)) for n in names), default=0.0)
    return float(round(widest + 16))


def _offset(value: datetime, start: datetime) -> float:
    return (value - start).total_seconds() * 1000


def _timeline(report: Report, tr: Translator) -> str:
    fired = sorted(
        (t for t in report.third_party_tags if t.first_seen is not None),
        key=lambda t: (t.first_seen, t.id),
    )[:_MAX_CHART_ROWS]
    signals = [s for s in report.consent.signals if s.time is not None]
    if not fired:
        return '<p class="muted">' + _l(tr.gettext("No tag made a request.")) + "</p>\n"
    times = [t.first_seen for t in fired if t.first_seen is not None]
    times += [s.time for s in signals if s.time is not None]
    start, end = min(times), max(times)
    span = max(_offset(end, start), 1.0)
    label_w = _label_column([t.signature.name for t in fired])
    plot_w, row_h, top = 640, 22, 34
    width = round(label_w + plot_w + 40)
    height = top + row_h * len(fired) + 30

    def x(value: datetime) -> float:
        return round(label_w + plot_w * _offset(value, start) / span, 1)

    items = [
        f'<line x1="{label_w}" y1="{top - 6}" x2="{label_w}" y2="{height - 24}" stroke="#8c959f"/>'
    ]
    for tick in range(5):
        tx = round(label_w + plot_w * tick / 4, 1)
        items.append(
            f'<line x1="{tx}" y1="{height - 24}" x2="{tx}" y2="{height - 20}" '
            f'stroke="#8c959f"/><text x="{tx}" y="{height - 6}" '
            f'text-anchor="middle">{_e(_duration(span * tick / 4, tr))}</text>'
        )
    for n, signal in enumerate(signals):
        if signal.time is None:  # pragma: no cover - filtered above
            continue
        sx = x(signal.time)
        kind = _clip(signal.kind, 160)
        # A label that would run past the right edge is drawn to the left of its line.
        fits = sx + 3 + text_width(kind) <= width
        anchor = f'x="{sx + 3}"' if fits else f'x="{sx - 3}" text-anchor="end"'
        title = _e(
            tr.gettext("consent signal {kind} at {time}").format(
                kind=signal.kind, time=time_of_day(signal.time)
            )
        )
        items.append(
            f'<line x1="{sx}" y1="{top - 8}" x2="{sx}" y2="{height - 24}" '
            f'stroke="#8250df" stroke-dasharray="4 3"><title>{title}</title></line>'
            f'<text {anchor} y="{13 + 12 * (n % 2)}" fill="#8250df">'
            f"{_e(kind)}</text>"
        )
    for n, tag in enumerate(fired):
        if tag.first_seen is None:  # pragma: no cover - filtered above
            continue
        y = top + n * row_h + row_h / 2
        # Red exactly where the consent rules found it too early (the rules follow the
        # consent timeline per purpose, and inheritance through the loading tag).
        early = any(flag.rule == "before-consent" for flag in tag.flags)
        color = "#cf222e" if early else "#1a7f37"
        title = tr.gettext("{tag} ({purpose}) first request at {time}").format(
            tag=tag.signature.name,
            purpose=purpose_word(tag.signature.consent, tr),
            time=time_of_day(tag.first_seen),
        )
        if early:
            title += " " + tr.gettext("(before consent was given)")
        items.append(
            f'<text x="{label_w - 8}" y="{y + 4}" text-anchor="end">'
            f"{_e(_clip(tag.signature.name, _MAX_LABEL_PX))}</text>"
            f'<line x1="{label_w}" y1="{y}" x2="{label_w + plot_w}" y2="{y}" '
            f'stroke="#eaeef2"/>'
            f'<circle cx="{x(tag.first_seen)}" cy="{y}" r="5" fill="{color}">'
            f"<title>{_e(title)}</title></circle>"
        )
    if signals:
        legend = tr.gettext(
            "Green: first request of a tag; red: a tag that fired before "
            "consent for its purpose was given (flagged before-consent). "
            "Dashed lines: consent signals."
        )
    else:
        legend = tr.gettext(
            "No consent signal was found in the inputs, so the first "
            "requests cannot be compared with a consent decision."
        )
    since = tr.gettext("Time since {time}.").format(time=time_of_day(start))
    aria = _e(tr.gettext("First request per tag against consent signals"))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{aria}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">{"".join(items)}</svg>\n'
        f'<p class="muted">{_l(legend)} {_e(since)}</p>\n'
    )


def _duration(ms: float, tr: Translator) -> str:
    if ms < 1000:
        return tr.gettext("{value} ms").format(value=decimal(ms, 0, tr))
    return tr.gettext("{value} s").format(value=decimal(ms / 1000, 1, tr))


def _head(tr: Translator, *columns: tuple[str, bool]) -> str:
    """Return a table's header row: each column's label, and whether it holds numbers."""
    return (
        "<tr>"
        + "".join(
            ('<th class="n">' if number else "<th>") + _l(tr.gettext(label)) + "</th>"
            for label, number in columns
        )
        + "</tr>"
    )


def _inventory(report: Report, tr: Translator) -> str:
    tags = _l(tr.gettext("Tags"))
    if not report.tags:
        return f"<h2>{tags}</h2>\n<p>" + _l(tr.gettext("No known tag found.")) + "</p>\n"
    head = _head(
        tr,
        (N_("Tag"), False),
        (N_("Vendor"), False),
        (N_("Category"), False),
        (N_("Consent purpose"), False),
        (N_("Requests"), True),
        (N_("Req/page"), True),
        (N_("Wire"), True),
        (N_("Script"), True),
        (N_("Cookies"), True),
        (N_("Flags"), True),
        (N_("Loaded by"), False),
        (N_("First request"), False),
    )
    rows = "".join(_inventory_row(tag, tr, report) for tag in tags_by_weight(report))
    return f'<h2>{tags}</h2>\n<div class="scroll"><table>\n{head}\n{rows}</table></div>\n'


def _inventory_row(tag: TagReport, tr: Translator, report: Report) -> str:
    signature = tag.signature
    vendor = _e(signature.vendor.name)
    if signature.vendor.country:
        vendor += f" ({_e(signature.vendor.country)})"
    return (
        f"<tr><td><b>{_e(signature.name)}</b><br><code>{_e(signature.id)}</code></td>"
        f'<td>{vendor}{_owned_by(tag, tr)}</td><td class="id">{_e(signature.category)}</td>'
        f'<td><span class="badge {_e(signature.consent)}">'
        f"{_e(purpose_word(signature.consent, tr))}</span></td>"
        f'<td class="n">{tag.weight.requests}</td>'
        f'<td class="n">{_e(decimal(tag.requests_per_page, 1, tr))}</td>'
        f'<td class="n">{_e(size(tag.weight.transfer_bytes, tag.weight.sizes_recorded, tr))}</td>'
        f'<td class="n">{_e(size(tag.weight.script_bytes, tag.weight.sizes_recorded, tr))}</td>'
        f'<td class="n">{len({c.name for c in tag.cookies})}</td>'
        f'<td class="n">{len(tag.flags)}</td>'
        f'<td class="id">{_e(loaded_by(report, tag.loaded_by, tr))}</td>'
        f'<td class="n">{_e(time_of_day(tag.first_seen))}</td></tr>\n'
    )


def _evidence(evidence: Evidence, tr: Translator) -> str:
    return f"<code>{_e(evidence_text(evidence, tr))}</code>"


def _flags(report: Report, tr: Translator) -> str:
    """Render the findings grouped by severity then tag, folded; the serious groups open."""
    flags = all_flags(report)
    findings = _l(tr.gettext("Findings"))
    if not flags:
        return f"<h2>{findings}</h2>\n<p>" + _l(tr.gettext("No flag raised.")) + "</p>\n"
    parts = [f'<h2 id="findings">{findings}</h2>\n']
    shown_mistakes: set[str] = set()
    for severity in SEVERITY_ORDER:
        group = [(t, f) for t, f in flags if f.severity == severity]
        if not group:
            continue
        by_tag: dict[str, list[tuple[TagReport | None, Flag]]] = {}
        for tag, flag in group:
            by_tag.setdefault(tag.id if tag else SITE, []).append((tag, flag))
        is_open = " open" if severity in {"high", "medium"} else ""
        about = (
            tr.ngettext("{count} finding", "{count} findings", len(group)).format(count=len(group))
            + " "
            + tr.ngettext("about {count} tag", "about {count} tags", len(by_tag)).format(
                count=len(by_tag)
            )
        )
        parts.append(
            f'<details class="severity"{is_open}><summary><span class="badge '
            f'{_e(severity)}">{_e(severity_word(severity, tr))}</span> '
            f"{_l(about)}</summary>\n"
        )
        for key, items in by_tag.items():
            tag = items[0][0]
            name = tag_name(tag) if tag else tr.gettext("The site as a whole")
            count = tr.ngettext("{count} finding", "{count} findings", len(items)).format(
                count=len(items)
            )
            parts.append(
                f'<details class="tag" id="{_anchor(severity, key)}"{is_open}>'
                f"<summary><b>{_e(name)}</b> &middot; {_l(count)}</summary>\n"
            )
            parts.extend(_finding(flag, tr) for _, flag in items)
            if tag is not None and tag.signature.mistakes and tag.id not in shown_mistakes:
                shown_mistakes.add(tag.id)
                mistakes = _l(tr.gettext("Common mistakes with {tag}")).format(
                    tag=_e(tag.signature.name)
                )
                parts.append(
                    f'<div class="mistakes"><b>{mistakes}</b><ul>'
                    + "".join(f"<li>{_e(m)}</li>" for m in tag.signature.mistakes)
                    + "</ul></div>\n"
                )
            parts.append("</details>\n")
        parts.append("</details>\n")
    return "".join(parts)


def _finding(flag: Flag, tr: Translator) -> str:
    info = rule_info(flag.rule)
    waived = (
        ' <span class="muted">'
        + _l(tr.gettext("(waived: {reason})")).format(reason=_e(flag.waiver))
        + "</span>"
        if flag.waiver is not None
        else ""
    )
    evidence = "".join(f"<li>{_evidence(e, tr)}</li>" for e in flag.evidence[:5])
    if len(flag.evidence) > 5:
        more = len(flag.evidence) - 5
        evidence += (
            "<li>"
            + _l(tr.ngettext("and {count} more", "and {count} more", more).format(count=more))
            + "</li>"
        )
    return (
        f'<div class="finding"><a href="{_e(info.help_uri)}" title="{_e(info.short)}">'
        f"<code>{_e(flag.rule)}</code></a> {_e(flag_message(flag, tr))}{waived}"
        f"{f'<ul>{evidence}</ul>' if evidence else ''}</div>\n"
    )


def _cookies(report: Report, tr: Translator) -> str:
    pairs = [(tag, cookie) for tag in tags_by_weight(report) for cookie in tag.cookies]
    title = _l(tr.gettext("Cookies"))
    if not pairs:
        return f"<h2>{title}</h2>\n<p>" + _l(tr.gettext("No cookie tied to a tag.")) + "</p>\n"
    third, first = tr.gettext("third-party"), tr.gettext("first-party")
    rows = "".join(
        f"<tr><td>{_t(tag.signature.name)}</td><td><code>{_e(cookie.name)}</code></td>"
        f"<td>{_t(cookie.domain or '?')}</td><td>{_t(source_word(cookie.source, tr))}</td>"
        f"<td>{_t(third if cookie.third_party else first)}</td>"
        f"<td>{_t(cookie_lifetime(cookie, tr))}</td><td>{_t(_attributes(cookie))}</td></tr>\n"
        for tag, cookie in pairs
    )
    head = _head(
        tr,
        (N_("Tag"), False),
        (N_("Cookie"), False),
        (N_("Domain"), False),
        (N_("Seen in"), False),
        (N_("Party"), False),
        (N_("Lifetime"), False),
        (N_("Attributes"), False),
    )
    return f'<h2>{title}</h2>\n<div class="scroll"><table>\n{head}\n{rows}</table></div>\n'


def _attributes(cookie: TagCookie) -> str:
    words = [
        "Secure" if cookie.secure else "",
        "HttpOnly" if cookie.http_only else "",
        f"SameSite={cookie.same_site}" if cookie.same_site else "",
    ]
    return " ".join(w for w in words if w)


def _signals(report: Report, tr: Translator) -> str:
    if not report.consent.signals:
        return ""
    rows = "".join(
        f'<tr><td class="id">{_e(s.kind)}</td><td class="t">{_e(time_of_day(s.time))}</td>'
        f"<td>{'' if s.entry is None else f'<code>/log/entries/{s.entry}</code>'}</td>"
        f"<td>{'; '.join(f'{_e(k)}={_e(v)}' for k, v in s.detail)}</td></tr>\n"
        for s in report.consent.signals
    )
    head = _head(
        tr,
        (N_("Signal"), False),
        (N_("First seen"), False),
        (N_("Entry"), False),
        (N_("Detail"), False),
    )
    return (
        "<h2>" + _l(tr.gettext("Consent signals")) + '</h2>\n<div class="scroll">'
        f"<table>\n{head}\n{rows}</table></div>\n"
    )


def _unattributed(report: Report, tr: Translator) -> str:
    if not report.unattributed:
        return ""
    page = (
        tr.gettext("the page (or not recorded)") if report.has_initiators else tr.gettext("unknown")
    )
    rows = "".join(
        f'<tr><td><code>{_e(h.host)}</code></td><td class="n">{h.requests}</td>'
        f'<td class="n">{_e(size(h.transfer_bytes, report.has_sizes, tr))}</td>'
        f"<td>{_t(h.initiated_by or page)}</td></tr>\n"
        for h in report.unattributed
    )
    head = _head(
        tr,
        (N_("Host"), False),
        (N_("Requests"), True),
        (N_("Wire"), True),
        (N_("Loaded by"), False),
    )
    return (
        "<h2>"
        + _l(tr.gettext("Unknown third parties"))
        + '</h2>\n<p class="muted">'
        + _l(
            tr.gettext(
                "Third-party hosts no signature claims, with the known tag that loaded them."
            )
        )
        + '</p>\n<div class="scroll">'
        f"<table>\n{head}\n{rows}</table></div>\n"
    )


def _owned_by(tag: TagReport, tr: Translator) -> str:
    if not tag.owner:
        return ""
    return (
        '<br><span class="muted">'
        + _l(tr.gettext("now {owner}")).format(owner=_e(tag.owner))
        + "</span>"
    )


def _probable(report: Report, tr: Translator) -> str:
    if not report.probably_first_party:
        return ""
    rows = "".join(
        f'<tr><td><code>{_e(p.host)}</code></td><td class="n">{p.requests}</td>'
        f'<td class="n">{_e(size(p.transfer_bytes, report.has_sizes, tr))}</td>'
        f"<td>{_t(p.reason)}</td>"
        "</tr>\n"
        for p in report.probably_first_party
    )
    head = _head(
        tr, (N_("Host"), False), (N_("Requests"), True), (N_("Wire"), True), (N_("Why"), False)
    )
    note = _l(
        tr.gettext(
            "Unknown hosts that behave like the site's own static hosts; "
            "confirm them with {option}."
        )
    ).format(option="<code>--first-party</code>")
    return (
        "<h2>" + _l(tr.gettext("Probably first party")) + '</h2>\n<p class="muted">'
        f'{note}</p>\n<div class="scroll"><table>\n{head}\n{rows}</table></div>\n'
    )


def _inputs(report: Report, tr: Translator) -> str:
    rows = "".join(
        f"<tr><td><code>{_e(i.path)}</code></td><td>{_t(i.kind)}</td><td>{_t(i.producer)}</td>"
        f'<td class="n">{i.entries}</td><td class="n">{i.pages}</td>'
        f'<td class="n">{len(i.problems)}</td><td>{_t(no_tag_summary(i, tr) or "-")}</td>'
        "</tr>\n"
        for i in report.inputs
    )
    head = _head(
        tr,
        (N_("File"), False),
        (N_("Kind"), False),
        (N_("Producer"), False),
        (N_("Entries"), True),
        (N_("Pages"), True),
        (N_("Problems"), True),
        (N_("No tag"), False),
    )
    return (
        "<h2>" + _l(tr.gettext("Inputs")) + '</h2>\n<div class="scroll">'
        f"<table>\n{head}\n{rows}</table></div>\n"
    )

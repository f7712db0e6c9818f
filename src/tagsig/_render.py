"""Render a :class:`Report` as text for a terminal or as the documented JSON document."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Literal

from tagsig._measure import Weight
from tagsig._report import (
    ConsentSignal,
    Evidence,
    Flag,
    InputSummary,
    Report,
    TagCookie,
    TagReport,
    UnattributedHost,
)
from tagsig._version import __version__

__all__ = ["Format", "render", "report_document"]

Format = Literal["text", "json"]
"""The output formats :func:`render` knows."""

JSONValue = None | bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"]


def render(report: Report, format: Format = "text") -> str:
    """Render ``report`` in ``format``.

    Args:
        report: The report.
        format: ``text`` (a table per tag for a terminal) or ``json`` (the documented
            contract, validated by the shipped ``report.schema.json``).

    Raises:
        ValueError: ``format`` is not a known format.

    """
    if format == "json":
        return json.dumps(report_document(report), indent=2, sort_keys=True) + "\n"
    if format == "text":
        return _text(report)
    raise ValueError(f"expected a format among 'text', 'json', found {format!r}")


# --- JSON. ---------------------------------------------------------------------------------


def report_document(report: Report) -> dict[str, JSONValue]:
    """Return the report as JSON-compatible data, in the shape ``report.schema.json`` gives."""
    return {
        "schema_version": report.schema_version,
        "tagsig_version": __version__,
        "inputs": [_input(i) for i in report.inputs],
        "first_party": list(report.first_party),
        "tags": [_tag(t) for t in report.tags],
        "unattributed": [_host(h) for h in report.unattributed],
        "consent": {"signals": [_signal(s) for s in report.consent.signals]},
        "warnings": [
            {"code": w.code, "message": w.message, "input": w.input} for w in report.warnings
        ],
    }


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _weight(weight: Weight) -> dict[str, JSONValue]:
    return {
        "requests": weight.requests,
        "transfer_bytes": weight.transfer_bytes,
        "decoded_bytes": weight.decoded_bytes,
        "script_bytes": weight.script_bytes,
        "time_ms": weight.time_ms,
    }


def _input(item: InputSummary) -> dict[str, JSONValue]:
    return {
        "path": item.path,
        "kind": item.kind,
        "producer": item.producer,
        "entries": item.entries,
        "pages": item.pages,
        "has_cookie_evidence": item.has_cookie_evidence,
        "problems": [
            {"message": p.message, "pointer": p.pointer, "line": p.line} for p in item.problems
        ],
    }


def _tag(tag: TagReport) -> dict[str, JSONValue]:
    signature = tag.signature
    return {
        "id": signature.id,
        "name": signature.name,
        "vendor": {"name": signature.vendor.name, "country": signature.vendor.country,
                   "dpf": signature.vendor.dpf},
        "category": signature.category,
        "consent": signature.consent,
        **_weight(tag.weight),
        "pages": tag.pages,
        "requests_per_page": tag.requests_per_page,
        "typical": {"script_kb": signature.facts.script_kb,
                    "requests_per_page": signature.facts.requests_per_page},
        "entries": [{"input": ref.input, "index": ref.index} for ref in tag.entries],
        "cookies": [_cookie(c) for c in tag.cookies],
        "loaded_by": tag.loaded_by,
        "per_page": [
            {"input": p.input, "page": p.page, **_weight(p.weight)} for p in tag.per_page
        ],
        "flags": [_flag(f) for f in tag.flags],
    }


def _cookie(cookie: TagCookie) -> dict[str, JSONValue]:
    return {
        "name": cookie.name,
        "domain": cookie.domain,
        "source": cookie.source,
        "expires": _time(cookie.expires),
        "lifetime_days": cookie.lifetime_days,
        "third_party": cookie.third_party,
        "evidence": cookie.evidence,
        "input": cookie.input,
        "entry": cookie.entry,
    }


def _flag(flag: Flag) -> dict[str, JSONValue]:
    return {
        "rule": flag.rule,
        "severity": flag.severity,
        "message": flag.message,
        "evidence": [_evidence(e) for e in flag.evidence],
    }


def _evidence(evidence: Evidence) -> dict[str, JSONValue]:
    return {"kind": evidence.kind, "input": evidence.input, "index": evidence.index,
            "name": evidence.name, "value": evidence.value}


def _host(host: UnattributedHost) -> dict[str, JSONValue]:
    return {
        "host": host.host,
        "requests": host.requests,
        "transfer_bytes": host.transfer_bytes,
        "initiated_by": host.initiated_by,
        "third_party": host.third_party,
        "entries": [{"input": ref.input, "index": ref.index} for ref in host.entries],
    }


def _signal(signal: ConsentSignal) -> dict[str, JSONValue]:
    return {
        "kind": signal.kind,
        "time": _time(signal.time),
        "input": signal.input,
        "entry": signal.entry,
        "detail": dict(signal.detail),
    }


# --- Text. ---------------------------------------------------------------------------------


def _size(count: int) -> str:
    if count < 1000:
        return f"{count} B"
    if count < 1_000_000:
        return f"{count / 1000:.1f} kB"
    return f"{count / 1_000_000:.1f} MB"


def _text(report: Report) -> str:
    lines: list[str] = []
    for item in report.inputs:
        what = "entries" if item.kind == "har" else "cookies"
        lines.append(f"{item.path}: {item.producer or 'unknown producer'}, {item.entries} "
                     f"{what}" + (f", {item.pages} pages" if item.kind == "har" else ""))
    if report.first_party:
        lines.append(f"first party: {', '.join(report.first_party)}")
    lines.append("")
    header = (f"{'tag':28} {'consent':15} {'req':>5} {'req/pg':>6} {'wire':>9} "
              f"{'script':>9} {'cookies':>7}  loaded by")
    lines.extend([header, "-" * len(header)])
    heaviest = sorted(report.tags, key=lambda t: (-t.weight.transfer_bytes, t.id))
    for tag in heaviest:
        names = {c.name for c in tag.cookies}
        lines.append(
            f"{tag.signature.name[:28]:28} {tag.signature.consent:15} "
            f"{tag.weight.requests:5d} {tag.requests_per_page:6.1f} "
            f"{_size(tag.weight.transfer_bytes):>9} {_size(tag.weight.script_bytes):>9} "
            f"{len(names):7d}  {tag.loaded_by or '-'}"
        )
    if not report.tags:
        lines.append("no known tag found")
    for tag in heaviest:
        if tag.cookies or tag.flags:
            lines.append("")
            lines.append(f"{tag.signature.name} ({tag.id})")
            for cookie in tag.cookies:
                if cookie.source == "request":
                    life = "sent"
                elif cookie.expires is None:
                    life = "session"
                elif cookie.lifetime_days is not None:
                    life = f"{cookie.lifetime_days:g} days"
                else:
                    life = f"until {cookie.expires.date().isoformat()}"
                party = "third-party" if cookie.third_party else "first-party"
                lines.append(f"  cookie {cookie.name} ({cookie.domain or '?'}, "
                             f"{cookie.source}, {party}, {life})")
            lines.extend(f"  [{f.severity}] {f.rule}: {f.message}" for f in tag.flags)
    if report.unattributed:
        lines.extend(["", "unknown third parties:"])
        lines.extend(
            f"  {h.host:40} {h.requests:4d} req {_size(h.transfer_bytes):>9}"
            + (f"  initiated by {h.initiated_by}" if h.initiated_by else "")
            for h in report.unattributed
        )
    if report.warnings:
        lines.extend(["", "warnings:"])
        lines.extend(f"  {w.code}: {w.message}" for w in report.warnings)
    return "\n".join(lines) + "\n"

"""Render a :class:`Report` as text for a terminal or as the documented JSON document."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal, TypeGuard

import msgspec

from tagsig._audit.measure import Weight
from tagsig._compliance.flags import ConsentSignal, Evidence, Flag
from tagsig._exceptions import ArgumentError
from tagsig._i18n import DEFAULT_LANGUAGE, Translator, resolve_language
from tagsig._inputs.psl import public_suffix_list
from tagsig._report.model import (
    InputSummary,
    Report,
    TagCookie,
    TagReport,
    UnattributedHost,
    register_renderers,
)
from tagsig._version import __version__

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = ["FORMATS", "Format", "render", "report_to_document"]

Format = Literal["text", "json", "html", "markdown", "csv", "sarif"]
"""The output formats :func:`render` knows (see ``docs/formats.md``)."""

FORMATS: tuple[Format, ...] = ("text", "json", "html", "markdown", "csv", "sarif")
"""Every :data:`Format`, in the order the command line lists them."""

JSONValue = None | bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"]


def is_format(value: str) -> TypeGuard[Format]:
    """Return whether ``value`` names one of the :data:`FORMATS`."""
    return value in FORMATS


def render(report: Report, format: Format | str = "text", *, lang: str | None = None) -> str:
    """Render ``report`` in ``format``, its labels and messages in ``lang``.

    ``format`` may be any string (a command-line or configuration value): one that names
    no format is an :class:`ArgumentError`.

    Args:
        report: The report.
        format: ``text`` (tables for a terminal, without colour), ``json`` (the documented
            contract, validated by the shipped ``report.schema.json``), ``html`` (one
            self-contained page with charts), ``markdown`` (for pull requests and tickets,
            within GitHub's 65,536-character comment limit),
            ``csv`` (one row per tag and per cookie) or ``sarif`` (SARIF 2.1.0).
        lang: The language of ``text``, ``html`` and ``markdown`` (``en`` or ``ga``; see
            ``docs/i18n.md``); ``None`` for English. ``json`` and ``sarif`` keep the English
            message of each flag and, for a language other than English, add its
            translation beside it; ``csv`` ignores it.

    Raises:
        ArgumentError: ``format`` is not a known format.
        ValueError: ``lang`` is not a shipped language.

    .. versionchanged:: 0.2
       ``lang``.

    """
    if not is_format(format):
        raise ArgumentError(
            f"expected a format among {', '.join(map(repr, FORMATS))}, found {format!r}"
        )
    language = DEFAULT_LANGUAGE if lang is None else resolve_language(lang)
    if format == "json":
        # msgspec writes the same sorted, indented JSON as json.dumps, ten times faster.
        encoded = msgspec.json.encode(report_to_document(report, lang=lang), order="sorted")
        return msgspec.json.format(encoded, indent=2).decode("utf-8") + "\n"
    # Each renderer is imported on use: the command line renders one format per run.
    if format == "text":
        from tagsig._render.text import render_text  # noqa: PLC0415

        return render_text(report, lang=language)
    if format == "html":
        from tagsig._render.html import render_html  # noqa: PLC0415

        return render_html(report, lang=language)
    if format == "markdown":
        from tagsig._render.markdown import render_markdown  # noqa: PLC0415

        return render_markdown(report, lang=language)
    if format == "csv":
        from tagsig._render.csv import render_csv  # noqa: PLC0415

        return render_csv(report)
    if format == "sarif":
        from tagsig._render.sarif import render_sarif  # noqa: PLC0415

        return render_sarif(report, lang=lang)
    raise AssertionError(format)  # every format is rendered above


# --- JSON. ---------------------------------------------------------------------------------


def report_to_document(report: Report, *, lang: str | None = None) -> dict[str, JSONValue]:
    """Return the report as JSON-compatible data, in the shape ``report.schema.json`` gives.

    With ``lang`` other than English, the document names it (``lang``) and each flag
    carries its message in that language (``message_translated``) beside the English one.

    Raises:
        ValueError: ``lang`` is not a shipped language.

    """
    language = DEFAULT_LANGUAGE if lang is None else resolve_language(lang)
    tr = None if language == DEFAULT_LANGUAGE else Translator(language)
    document = _document(report, tr)
    if tr is not None:
        document["lang"] = tr.language
    return document


def _document(report: Report, tr: Translator | None) -> dict[str, JSONValue]:
    return {
        "schema_version": report.schema_version,
        "tagsig_version": __version__,
        "psl_date": public_suffix_list().date,
        "signature_database": _database(report),
        "inputs": [_input(i) for i in report.inputs],
        "first_party": list(report.first_party),
        "tags": [_tag(t, tr) for t in report.tags],
        "unattributed": [_host(h) for h in report.unattributed],
        "consent": {
            "signals": [_signal(s) for s in report.consent.signals],
            "timeline": [
                {
                    "input": c.input,
                    "time": _time(c.time),
                    "entry": c.entry,
                    "purposes": dict(c.purposes),
                }
                for c in report.consent.timeline
            ],
            "needing_consent": list(report.consent.needing_consent),
        },
        "warnings": [
            {"code": w.code, "message": w.message, "input": w.input} for w in report.warnings
        ],
        "flags": [_flag(f, tr) for f in report.flags],
        "sites": [
            {
                "input": site.input,
                "page": site.page,
                "domain": site.domain,
                "evidence": site.evidence,
                "entry": site.entry,
                "url": site.url,
                "hops": list(site.hops),
                "organisation": site.organisation,
            }
            for site in report.sites
        ],
        "probably_first_party": [
            {
                "host": p.host,
                "requests": p.requests,
                "transfer_bytes": p.transfer_bytes,
                "reason": p.reason,
                "entries": [{"input": ref.input, "index": ref.index} for ref in p.entries],
            }
            for p in report.probably_first_party
        ],
        "no_tag": [
            {"input": n.input, "index": n.index, "host": n.host, "reason": n.reason}
            for n in report.no_tag
        ],
    }


def _database(report: Report) -> JSONValue:
    version = report.signatures
    if version is None:
        return None
    return {"version": version.version, "date": version.date, "layers": version.layers}


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _weight(weight: Weight) -> dict[str, JSONValue]:
    return {
        "requests": weight.requests,
        "transfer_bytes": weight.transfer_bytes,
        "decoded_bytes": weight.decoded_bytes,
        "script_bytes": weight.script_bytes,
        "time_ms": weight.time_ms,
        "sizes_recorded": weight.sizes_recorded,
    }


def _input(item: InputSummary) -> dict[str, JSONValue]:
    return {
        "path": item.path,
        "kind": item.kind,
        "producer": item.producer,
        "entries": item.entries,
        "pages": item.pages,
        "has_cookie_evidence": item.has_cookie_evidence,
        "has_initiators": item.has_initiators,
        "has_sizes": item.has_sizes,
        "no_tag": dict(item.no_tag),
        "problems": [
            {"message": p.message, "pointer": p.pointer, "line": p.line} for p in item.problems
        ],
    }


def _tag(tag: TagReport, tr: Translator | None) -> dict[str, JSONValue]:
    signature = tag.signature
    return {
        "id": signature.id,
        "name": signature.name,
        "vendor": {
            "name": signature.vendor.name,
            "country": signature.vendor.country,
            "dpf": signature.vendor.dpf,
        },
        "category": signature.category,
        "consent": signature.consent,
        **_weight(tag.weight),
        "pages": tag.pages,
        "requests_per_page": tag.requests_per_page,
        "typical": {
            "script_kb": signature.facts.script_kb,
            "requests_per_page": signature.facts.requests_per_page,
        },
        "entries": [{"input": ref.input, "index": ref.index} for ref in tag.entries],
        "cookies": [_cookie(c) for c in tag.cookies],
        "loaded_by": tag.loaded_by,
        "per_page": [{"input": p.input, "page": p.page, **_weight(p.weight)} for p in tag.per_page],
        "flags": [_flag(f, tr) for f in tag.flags],
        "first_seen": _time(tag.first_seen),
        "own": tag.own,
        "owner": tag.owner,
        "mistakes": list(signature.mistakes),
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
        "by": cookie.by,
        "input": cookie.input,
        "entry": cookie.entry,
    }


def _flag(flag: Flag, tr: Translator | None) -> dict[str, JSONValue]:
    document: dict[str, JSONValue] = {
        "rule": flag.rule,
        "severity": flag.severity,
        "message": flag.message,
        "evidence": [_evidence(e) for e in flag.evidence],
        "waiver": flag.waiver,
        "tag": flag.tag,
    }
    if tr is not None:
        from tagsig._render.common import flag_message  # noqa: PLC0415 (only when asked)

        document["message_translated"] = flag_message(flag, tr)
    return document


def _evidence(evidence: Evidence) -> dict[str, JSONValue]:
    return {
        "kind": evidence.kind,
        "input": evidence.input,
        "index": evidence.index,
        "name": evidence.name,
        "value": evidence.value,
        "pointer": evidence.pointer,
        "method": evidence.method,
        "url": evidence.url,
        "time": _time(evidence.time),
        "page": evidence.page,
        "domain": evidence.domain,
    }


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
        "purposes": dict(signal.purposes),
    }


# --- What the report delegates to its renderers. -------------------------------------------


def _html_body(report: Report) -> str:
    from tagsig._render.html import render_html_body  # noqa: PLC0415 (imported on use)

    return render_html_body(report)


def _dataframe(report: Report, table: Literal["tags", "cookies", "flags"]) -> DataFrame:
    from tagsig._render.csv import to_dataframe  # noqa: PLC0415 (imported on use)

    return to_dataframe(report, table)


register_renderers(html_body=_html_body, dataframe=_dataframe)

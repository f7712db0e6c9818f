"""Render a :class:`Report`'s flags as a SARIF 2.1.0 log, for code-scanning dashboards.

One ``reportingDescriptor`` per flag rule id; one ``result`` per flag, whose locations point
at the input file, with the entry's JSON pointer (``/log/entries/N``) as a logical location.
Report warnings become tool execution notifications.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import PurePath, PurePosixPath
from typing import Literal
from urllib.parse import quote

from tagsig._compliance.flags import Evidence, Flag, Severity
from tagsig._compliance.rules.registry import PROJECT_URL, rule_info
from tagsig._i18n import DEFAULT_LANGUAGE, Translator, resolve_language
from tagsig._inputs.psl import public_suffix_list
from tagsig._render.common import SITE, all_flags, flag_message
from tagsig._report.model import Report, TagReport
from tagsig._version import __version__

__all__ = ["SARIF_LEVELS", "SARIF_SCHEMA", "render_sarif", "sarif_document"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
"""The ``$schema`` a SARIF 2.1.0 log names."""

SarifLevel = Literal["error", "warning", "note", "none"]

SARIF_LEVELS: dict[Severity, SarifLevel] = {
    "high": "error",
    "medium": "warning",
    "low": "note",
    "info": "note",
}
"""SARIF ``level`` of each flag severity."""

JSONObject = dict[str, object]

# SARIF 2.1.0 section 3.11.6: in a plain-text message, "[text](target)" is an embedded
# link; a literal bracket is written "\[" or "\]", and a backslash before one doubled.
_LINK_SYNTAX = re.compile(r"(\\*)([\[\]])")


def _text(message: str) -> JSONObject:
    r"""Return a SARIF message object whose text shows ``message`` literally.

    >>> _text("see [here](https://evil.example)")
    {'text': 'see \\[here\\](https://evil.example)'}
    """
    return {"text": _LINK_SYNTAX.sub(lambda m: m.group(1) * 2 + "\\" + m.group(2), message)}


def render_sarif(report: Report, *, lang: str | None = None) -> str:
    """Render ``report`` as a SARIF 2.1.0 log (JSON text); see :func:`sarif_document`."""
    return json.dumps(sarif_document(report, lang=lang), indent=2, sort_keys=True) + "\n"


def _uri(path: str) -> tuple[str, str | None]:
    """Return the artifact URI of ``path`` and its ``uriBaseId`` (for relative paths)."""
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri(), None
    return quote(PurePosixPath(*pure.parts).as_posix()), "%SRCROOT%"


def _artifact_location(report: Report, position: int | None) -> JSONObject | None:
    if position is None or not 0 <= position < len(report.inputs):
        return None
    uri, base = _uri(report.inputs[position].path)
    location: JSONObject = {"uri": uri, "index": position}
    if base is not None:
        location["uriBaseId"] = base
    return location


def _location(report: Report, tag: TagReport | None, evidence: Evidence) -> JSONObject | None:
    artifact = _artifact_location(report, evidence.input)
    if artifact is None:
        return None
    logical: list[JSONObject] = []
    if evidence.index is not None and report.inputs[evidence.input or 0].kind == "har":
        logical.append(
            {
                "name": str(evidence.index),
                "kind": "object",
                "fullyQualifiedName": f"/log/entries/{evidence.index}",
            }
        )
    if evidence.kind == "cookie" and evidence.name is not None:
        logical.append({"name": evidence.name, "kind": "variable"})
    location: JSONObject = {
        "physicalLocation": {"artifactLocation": artifact},
        "message": _text(f"{_owner(tag)}: {_evidence_text(evidence)}"),
    }
    if logical:
        location["logicalLocations"] = logical
    return location


def _evidence_text(evidence: Evidence) -> str:
    """Say what a person checks: the cookie, the request, its time and page."""
    parts: list[str] = [evidence.kind]
    if evidence.kind == "cookie" and evidence.name is not None:
        parts.append(evidence.name + (f" on {evidence.domain}" if evidence.domain else ""))
    if evidence.method is not None and evidence.url is not None:
        parts.append(
            f"{'set by ' if evidence.kind == 'cookie' else ''}{evidence.method} {evidence.url}"
        )
    if evidence.time is not None:
        parts.append(f"at {evidence.time.isoformat()}")
    if evidence.page is not None:
        parts.append(f"on page {evidence.page}")
    return " ".join(parts)


def _owner(tag: TagReport | None) -> str:
    return tag.signature.name if tag is not None else SITE


def _fingerprint(tag: TagReport | None, flag: Flag) -> str:
    owner = tag.id if tag is not None else SITE
    parts = [owner, flag.rule, *(f"{e.kind}:{e.name or ''}" for e in flag.evidence)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _result(
    report: Report, rule_index: int, tag: TagReport | None, flag: Flag, tr: Translator | None
) -> JSONObject:
    locations = [loc for e in flag.evidence if (loc := _location(report, tag, e)) is not None]
    if not locations and tag is not None and tag.entries:
        # A flag about the tag as a whole points at its first request.
        first = tag.entries[0]
        loc = _location(report, tag, Evidence(kind="entry", input=first.input, index=first.index))
        if loc is not None:  # pragma: no branch - a tag's entries come from the report's inputs
            locations.append(loc)
    properties = _properties(tag, flag)
    if tr is not None:
        owner = _owner(tag) if tag is not None else tr.gettext(SITE)
        properties["message_translated"] = f"{owner}: {flag_message(flag, tr)}"
    return {
        "ruleId": flag.rule,
        "ruleIndex": rule_index,
        "level": SARIF_LEVELS[flag.severity],
        "message": _text(f"{_owner(tag)}: {flag.message}"),
        "locations": locations,
        "partialFingerprints": {"tagsig/v1": _fingerprint(tag, flag)},
        "properties": properties,
    }


def _properties(tag: TagReport | None, flag: Flag) -> JSONObject:
    if tag is None:
        return {"tag": None, "severity": flag.severity}
    return {
        "tag": tag.id,
        "vendor": tag.signature.vendor.name,
        "consent": tag.signature.consent,
        "severity": flag.severity,
    }


def _descriptor(rule: str, worst: Flag) -> JSONObject:
    """Describe ``rule`` from the rule registry; its default level is its worst flag's."""
    info = rule_info(rule)
    return {
        "id": rule,
        "name": "".join(word.capitalize() for word in rule.split("-")),
        "shortDescription": {"text": info.short},
        "fullDescription": {"text": info.full},
        "help": {"text": info.help, "markdown": f"{info.help} See [{rule}]({info.help_uri})."},
        "helpUri": info.help_uri,
        "defaultConfiguration": {"level": SARIF_LEVELS[worst.severity]},
    }


def _data_versions(report: Report) -> JSONObject:
    """Return the data the analysis used: the signature database and the suffix list."""
    signatures = report.signatures
    return {
        "signatureDatabase": None
        if signatures is None
        else {"version": signatures.version, "date": signatures.date, "layers": signatures.layers},
        "publicSuffixListDate": public_suffix_list().date,
    }


def sarif_document(report: Report, *, lang: str | None = None) -> JSONObject:
    """Return ``report``'s flags as a SARIF 2.1.0 log object (see ``docs/formats.md``).

    Messages are English. With ``lang`` other than English, each result's property bag
    also holds its message in that language (``message_translated``), and the run's
    property bag names the language (``lang``).

    Raises:
        ValueError: ``lang`` is not a shipped language.

    """
    language = DEFAULT_LANGUAGE if lang is None else resolve_language(lang)
    tr = None if language == DEFAULT_LANGUAGE else Translator(language)
    flags = all_flags(report)
    rule_ids = sorted({flag.rule for _, flag in flags})
    index = {rule: n for n, rule in enumerate(rule_ids)}
    worst: dict[str, Flag] = {}
    for _, flag in flags:
        worst.setdefault(flag.rule, flag)  # flags come most serious first
    rules = [_descriptor(rule, worst[rule]) for rule in rule_ids]
    artifacts: list[JSONObject] = []
    for position in range(len(report.inputs)):
        location = _artifact_location(report, position)
        if location is not None:  # pragma: no branch - every position is an input's
            location.pop("index")
            artifacts.append({"location": location, "roles": ["analysisTarget"]})
    notifications = [
        {"level": "warning", "message": _text(w.message), "descriptor": {"id": w.code}}
        for w in report.warnings
    ]
    run: JSONObject = {
        "tool": {
            "driver": {
                "name": "tagsig",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": PROJECT_URL,
                "rules": rules,
            }
        },
        "artifacts": artifacts,
        "results": [_result(report, index[flag.rule], tag, flag, tr) for tag, flag in flags],
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "columnKind": "unicodeCodePoints",
        "properties": _data_versions(report) | ({"lang": tr.language} if tr else {}),
    }
    if any(_uri(i.path)[1] is not None for i in report.inputs):
        run["originalUriBaseIds"] = {
            "%SRCROOT%": {"description": {"text": "The directory tagsig was run from."}}
        }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}

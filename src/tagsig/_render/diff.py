"""Write a report diff: as text for a terminal, or as the JSON ``tagsig diff`` prints.

Part of the render layer (see ``tests/test_layers.py``). It may import the diff model
(``_diff_compare``), the renderers' shared helpers and what lies below, never the command
line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from tagsig._audit.measure import Weight
from tagsig._exceptions import ArgumentError
from tagsig._render.common import human_bytes, printable
from tagsig._render.compare import FlagChange, ReportDiff, TagSummary
from tagsig._render.formats import JSONValue

__all__ = ["diff_document", "render_diff"]


def diff_document(diff: ReportDiff) -> dict[str, JSONValue]:
    """Return ``diff`` as JSON-compatible data (the shape ``tagsig diff --format json`` writes)."""

    def weight(w: Weight) -> dict[str, JSONValue]:
        return {
            "requests": w.requests,
            "transfer_bytes": w.transfer_bytes,
            "decoded_bytes": w.decoded_bytes,
            "script_bytes": w.script_bytes,
            "time_ms": w.time_ms,
        }

    def tag(t: TagSummary) -> dict[str, JSONValue]:
        return {"id": t.id, "name": t.name, "consent": t.consent, **weight(t.weight)}

    def flag(f: FlagChange) -> dict[str, JSONValue]:
        return {"tag": f.tag, "rule": f.rule, "severity": f.severity, "message": f.message}

    return {
        "significant": diff.is_significant,
        "tags_added": [tag(t) for t in diff.added],
        "tags_removed": [tag(t) for t in diff.removed],
        "weight_changes": [
            {
                "id": c.id,
                "name": c.name,
                "old": weight(c.old),
                "new": weight(c.new),
                "transfer_bytes": c.transfer_bytes,
                "requests": c.requests,
            }
            for c in diff.weight_changes
        ],
        "cookies_added": [{"tag": c.tag, "name": c.name} for c in diff.cookies_added],
        "cookies_removed": [{"tag": c.tag, "name": c.name} for c in diff.cookies_removed],
        "flags_added": [flag(f) for f in diff.flags_added],
        "flags_resolved": [flag(f) for f in diff.flags_resolved],
        "unattributed_added": list(diff.hosts_added),
        "unattributed_removed": list(diff.hosts_removed),
    }


def _signed_bytes(count: int) -> str:
    return ("+" if count >= 0 else "-") + human_bytes(abs(count))


def render_diff(diff: ReportDiff, format: str = "text") -> str:
    """Render ``diff`` as ``text`` or ``json``.

    Raises:
        ArgumentError: ``format`` is neither ``text`` nor ``json``.

    """
    if format == "json":
        return json.dumps(diff_document(diff), indent=2, sort_keys=True) + "\n"
    if format != "text":
        raise ArgumentError(f"expected a format among 'text', 'json', found {format!r}")
    lines: list[str] = []

    def section(title: str, items: Sequence[str]) -> None:
        if items:
            lines.append(f"{title} ({len(items)}):")
            lines.extend(f"  {printable(item)}" for item in items)

    section(
        "tags added",
        [
            f"+ {t.name} ({t.id}), {t.consent}: {t.weight.requests} req, "
            f"{human_bytes(t.weight.transfer_bytes)}"
            for t in diff.added
        ],
    )
    section("tags removed", [f"- {t.name} ({t.id})" for t in diff.removed])
    section(
        "flags added",
        [f"! [{f.severity}] {f.tag or '(site)'} {f.rule}: {f.message}" for f in diff.flags_added],
    )
    section(
        "flags resolved",
        [
            f"  [{f.severity}] {f.tag or '(site)'} {f.rule}: {f.message}"
            for f in diff.flags_resolved
        ],
    )
    section(
        "weight changes",
        [
            f"~ {c.name} ({c.id}): {human_bytes(c.old.transfer_bytes)} -> "
            f"{human_bytes(c.new.transfer_bytes)} ({_signed_bytes(c.transfer_bytes)}), "
            f"{c.old.requests} -> {c.new.requests} req"
            for c in diff.weight_changes
        ],
    )
    section("cookies added", [f"+ {c.tag}: {c.name}" for c in diff.cookies_added])
    section("cookies removed", [f"- {c.tag}: {c.name}" for c in diff.cookies_removed])
    section("unknown third parties added", [f"+ {h}" for h in diff.hosts_added])
    section("unknown third parties removed", [f"- {h}" for h in diff.hosts_removed])
    if diff.is_empty:
        lines.append("no difference")
    elif not diff.is_significant:
        lines.append("no tag added and no new flag")
    return "\n".join(lines) + "\n"

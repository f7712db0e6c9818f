"""Write an estate summary (``tagsig batch``) as tables for a terminal, without colour.

Part of the render layer (see ``tests/test_layers.py``). It may import the renderers'
shared helpers and what lies below; the summary it writes is the batch's own model.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from tagsig._render.common import human_bytes, printable

if TYPE_CHECKING:
    from rich.table import Table

    from tagsig._render.estate_summary import EstateSummary

__all__ = ["render_estate_text"]


def render_estate_text(summary: EstateSummary, *, width: int = 120, top: int = 40) -> str:
    """Render an estate summary as terminal tables (no colour).

    Args:
        summary: The summary.
        width: Line width.
        top: Most rows per table (the JSON summary has them all).

    """
    from rich import box  # noqa: PLC0415 (rich costs start-up time)
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        color_system=None,
        no_color=True,
        markup=False,
        emoji=False,
        highlight=False,
    )
    console.print(
        f"estate: {summary.captures} captures ({summary.analysed} analysed, "
        f"{summary.failed} failed), {summary.pages} pages, {len(summary.tags)} tags"
    )

    def table(title: str, *columns: str) -> Table:
        result = Table(
            title=title,
            title_justify="left",
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
            collapse_padding=True,
        )
        for column in columns:
            if column in {"tag", "host", "capture"}:
                result.add_column(column, no_wrap=True, overflow="ellipsis", max_width=48)
            elif column in {"consent", "rule", "severity", "tags", "error"}:
                result.add_column(column)
            else:
                result.add_column(column, justify="right")
        return result

    if summary.tags:
        tags = table(
            "Tags across the estate",
            "tag",
            "consent",
            "captures",
            "share",
            "pages",
            "requests",
            "wire",
            "script",
            "flags",
        )
        for tag in summary.tags[:top]:
            share = tag.captures / summary.analysed if summary.analysed else 0.0
            tags.add_row(
                Text(printable(tag.name)),
                tag.consent,
                str(tag.captures),
                f"{share:.0%}",
                str(tag.pages),
                str(tag.requests),
                human_bytes(tag.transfer_bytes),
                human_bytes(tag.script_bytes),
                str(tag.flags),
            )
        console.print(tags)
        if len(summary.tags) > top:
            console.print(f"... {len(summary.tags) - top} more tags")
    if summary.rules:
        rules = table("Flags by rule", "rule", "severity", "flags", "captures", "tags")
        for rule in summary.rules[:top]:
            rules.add_row(
                rule.rule,
                rule.severity,
                str(rule.flags),
                str(rule.captures),
                Text(", ".join(rule.tags[:6]) + (" ..." if len(rule.tags) > 6 else "")),
            )
        console.print(rules)
    if summary.unattributed:
        hosts = table("Unknown third parties", "host", "captures")
        for host, count in summary.unattributed[:15]:
            hosts.add_row(Text(printable(host)), str(count))
        console.print(hosts)
    if summary.errors:
        errors = table("Failed captures", "capture", "error")
        for path, message in summary.errors[:top]:
            errors.add_row(Text(printable(path)), Text(printable(message)))
        console.print(errors)
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())

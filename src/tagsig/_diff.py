"""Compare two reports: tags added and removed, weight and cookie changes, new flags.

Both sides are reduced to their JSON documents (:func:`report_to_document`), so a saved JSON
report and a fresh analysis compare alike. A difference *matters* (exit code 1 of
``tagsig diff``) when a tag was added or a flag appeared.
"""

from __future__ import annotations

from tagsig._diff_compare import (
    CookieChange,
    FlagChange,
    ReportDiff,
    ReportLike,
    TagSummary,
    WeightChange,
    diff_reports,
)
from tagsig._diff_load import load_report_document
from tagsig._render_diff import diff_document, render_diff

__all__ = [
    "CookieChange",
    "FlagChange",
    "ReportDiff",
    "ReportLike",
    "TagSummary",
    "WeightChange",
    "diff_document",
    "diff_reports",
    "load_report_document",
    "render_diff",
]

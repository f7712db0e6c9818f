"""Querying a report against a policy: the flags that fail it (``--fail-on``).

Part of the analysis layer (see ``tests/test_layers.py``): it reads a finished report. It
may import the report layer and below.
"""

from __future__ import annotations

from tagsig._compliance.flags import SEVERITIES, SEVERITY_RANK, Flag, Severity
from tagsig._exceptions import ArgumentError
from tagsig._report.model import Report

__all__ = ["failing_flags"]


def failing_flags(report: Report, severity: Severity | str) -> tuple[Flag, ...]:
    """Return the flags of ``report`` at or above ``severity`` that no waiver covers.

    ``severity`` may be any string (a command-line or configuration value).

    >>> failing_flags(Report(inputs=(), first_party=(), tags=(), unattributed=()), "low")
    ()

    Raises:
        ArgumentError: ``severity`` is none of ``high``, ``medium``, ``low``, ``info``.

    """
    threshold = next((SEVERITY_RANK[s] for s in SEVERITIES if s == severity), None)
    if threshold is None:
        raise ArgumentError(
            f"expected a severity among {', '.join(SEVERITIES)}, found {severity!r}"
        )
    flags = [*report.flags, *(f for tag in report.tags for f in tag.flags)]
    return tuple(f for f in flags if f.waiver is None and SEVERITY_RANK[f.severity] <= threshold)

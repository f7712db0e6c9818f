"""Render a :class:`Report` as CSV (one row per tag, one per tag cookie), or as DataFrames."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Literal

from tagsig._compliance.flags import Flag
from tagsig._exceptions import ArgumentError
from tagsig._report.model import Report, TagCookie, TagReport

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from pandas import DataFrame

__all__ = [
    "COOKIE_COLUMNS",
    "CSV_COLUMNS",
    "FLAG_COLUMNS",
    "TAG_COLUMNS",
    "Cell",
    "Table",
    "data_frame",
    "flag_rows",
    "render_csv",
    "to_dataframe",
]

Table = Literal["tags", "cookies", "flags"]
"""The tables of a report (and of an estate): one row per tag, per cookie, per flag."""

Cell = str | int | float | bool | None

TAG_COLUMNS: tuple[str, ...] = (
    "tag_id",
    "tag_name",
    "vendor",
    "vendor_country",
    "category",
    "consent",
    "requests",
    "transfer_bytes",
    "decoded_bytes",
    "script_bytes",
    "time_ms",
    "pages",
    "requests_per_page",
    "loaded_by",
    "first_seen",
    "flags",
    "flag_rules",
)
"""Columns of a tag row (and of ``Report.to_pandas("tags")``)."""

COOKIE_COLUMNS: tuple[str, ...] = (
    "tag_id",
    "tag_name",
    "cookie_name",
    "cookie_domain",
    "cookie_source",
    "cookie_expires",
    "cookie_lifetime_days",
    "cookie_third_party",
    "cookie_evidence",
    "cookie_secure",
    "cookie_http_only",
    "cookie_same_site",
    "input",
    "entry",
)
"""Columns of a cookie row (and of ``Report.to_pandas("cookies")``)."""

FLAG_COLUMNS: tuple[str, ...] = (
    "tag_id",
    "tag_name",
    "rule",
    "severity",
    "message",
    "waiver",
    "evidence",
)
"""Columns of a flag row (of ``Report.to_pandas("flags")``): ``tag_id`` and ``tag_name``
are empty for a flag about the site; ``evidence`` counts the flag's evidence."""

CSV_COLUMNS: tuple[str, ...] = ("record", *TAG_COLUMNS, *COOKIE_COLUMNS[2:])
"""The CSV header: ``record`` (``tag`` or ``cookie``), then the tag and cookie columns."""

# Spreadsheets evaluate cells starting with these as formulas (CSV injection); cookie names
# and domains come from the captured site, so text cells starting with them get a quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_TEXT_COLUMNS = frozenset({"tag_name", "vendor", "loaded_by", "cookie_name", "cookie_domain"})


def tag_row(tag: TagReport) -> dict[str, Cell]:
    """Return the typed cells of ``tag``'s row."""
    signature = tag.signature
    return {
        "tag_id": signature.id,
        "tag_name": signature.name,
        "vendor": signature.vendor.name,
        "vendor_country": signature.vendor.country,
        "category": signature.category,
        "consent": signature.consent,
        "requests": tag.weight.requests,
        "transfer_bytes": tag.weight.transfer_bytes,
        "decoded_bytes": tag.weight.decoded_bytes,
        "script_bytes": tag.weight.script_bytes,
        "time_ms": tag.weight.time_ms,
        "pages": tag.pages,
        "requests_per_page": tag.requests_per_page,
        "loaded_by": tag.loaded_by,
        "first_seen": tag.first_seen.isoformat() if tag.first_seen else None,
        "flags": len(tag.flags),
        "flag_rules": ";".join(sorted({f.rule for f in tag.flags})),
    }


def cookie_row(tag: TagReport, cookie: TagCookie) -> dict[str, Cell]:
    """Return the typed cells of the row of ``cookie``, tied to ``tag``."""
    return {
        "tag_id": tag.id,
        "tag_name": tag.signature.name,
        "cookie_name": cookie.name,
        "cookie_domain": cookie.domain,
        "cookie_source": cookie.source,
        "cookie_expires": cookie.expires.isoformat() if cookie.expires else None,
        "cookie_lifetime_days": cookie.lifetime_days,
        "cookie_third_party": cookie.third_party,
        "cookie_evidence": cookie.evidence,
        "cookie_secure": cookie.secure,
        "cookie_http_only": cookie.http_only,
        "cookie_same_site": cookie.same_site,
        "input": cookie.input,
        "entry": cookie.entry,
    }


def _cell(column: str, value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if column in _TEXT_COLUMNS and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def render_csv(report: Report) -> str:
    """Render ``report`` as CSV: a header, then per tag its row followed by its cookies' rows.

    Empty cells are unknown or not applicable; booleans are ``true``/``false``; times are
    ISO 8601. Text taken from the capture that a spreadsheet would run as a formula is
    prefixed with ``'``. A cell holding a comma, a quote, a carriage return or a line feed
    is quoted (RFC 4180), so that no cell can start a row of its own.
    """
    out = io.StringIO()
    # The csv module quotes a cell only for the characters of its line terminator, and a
    # bare "\r" is not one of "\n"'s: rows are written with "\r\n", which ends with "\n".
    row_text = io.StringIO()
    writer = csv.writer(row_text, lineterminator="\r\n")

    def write(cells: dict[str, str]) -> None:
        row_text.seek(0)
        row_text.truncate()
        writer.writerow([cells.get(column, "") for column in CSV_COLUMNS])
        out.write(row_text.getvalue()[:-2] + "\n")

    write({column: column for column in CSV_COLUMNS})
    for tag in report.tags:
        row = {"record": "tag", **tag_row(tag)}
        write({k: _cell(k, v) for k, v in row.items()})
        for cookie in tag.cookies:
            row = {"record": "cookie", **cookie_row(tag, cookie)}
            write({k: _cell(k, v) for k, v in row.items()})
    return out.getvalue()


def flag_row(flag: Flag, tag: TagReport | None) -> dict[str, Cell]:
    """Return the typed cells of the row of ``flag``, raised on ``tag`` (``None``: the site)."""
    return {
        "tag_id": tag.id if tag is not None else None,
        "tag_name": tag.signature.name if tag is not None else None,
        "rule": flag.rule,
        "severity": flag.severity,
        "message": flag.message,
        "waiver": flag.waiver,
        "evidence": len(flag.evidence),
    }


def flag_rows(report: Report) -> list[dict[str, Cell]]:
    """Return the flag rows of ``report``: the site's flags, then each tag's, in order."""
    rows = [flag_row(flag, None) for flag in report.flags]
    rows.extend(flag_row(flag, tag) for tag in report.tags for flag in tag.flags)
    return rows


def table_rows(report: Report, table: str) -> tuple[tuple[str, ...], list[dict[str, Cell]]]:
    """Return the columns and rows of one table of ``report``.

    Raises:
        ArgumentError: ``table`` is not ``tags``, ``cookies`` or ``flags``.

    """
    if table == "tags":
        return TAG_COLUMNS, [tag_row(t) for t in report.tags]
    if table == "cookies":
        return COOKIE_COLUMNS, [cookie_row(t, c) for t in report.tags for c in t.cookies]
    if table == "flags":
        return FLAG_COLUMNS, flag_rows(report)
    raise ArgumentError(f"expected a table among 'tags', 'cookies', 'flags', found {table!r}")


def data_frame(
    columns: Sequence[str], rows: Iterable[dict[str, Cell]], caller: str = "Report.to_pandas()"
) -> DataFrame:
    """Return ``rows`` as a ``pandas.DataFrame`` with ``columns``, in that order.

    Raises:
        ImportError: pandas is not installed.

    """
    try:
        import pandas as pd  # noqa: PLC0415 (an optional extra, imported on use)
    except ImportError as e:
        raise ImportError(
            f"{caller} needs pandas, which is not installed; install the extra: "
            "pip install 'tagsig[pandas]'"
        ) from e
    return pd.DataFrame(list(rows), columns=list(columns))


def to_dataframe(report: Report, table: Table = "tags") -> DataFrame:
    """Return the ``tags``, ``cookies`` or ``flags`` table of ``report`` as a DataFrame.

    Raises:
        ImportError: pandas is not installed.
        ArgumentError: ``table`` is not ``tags``, ``cookies`` or ``flags``.

    """
    columns, rows = table_rows(report, table)
    return data_frame(columns, rows)

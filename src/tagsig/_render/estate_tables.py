"""Typed records of a batch (each capture's report or error) and the estate's tables.

:func:`tagsig.run_batch` yields JSON lines, which cross process boundaries cheaply; an
:class:`Estate` reads them back into one :class:`CaptureRecord` per capture, each with its
typed :class:`Report` or its error, and lays the estate out as tables with one row per
(capture, tag), (capture, cookie) and (capture, flag), for pandas, Parquet and DuckDB.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Literal

from attrs import frozen

from tagsig._exceptions import ArgumentError, InputError
from tagsig._render.csv import Cell, data_frame, table_rows
from tagsig._report.document import report_from_document
from tagsig._report.model import Report

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = [
    "CAPTURE_COLUMNS",
    "ESTATE_TABLES",
    "CaptureRecord",
    "Estate",
    "EstateTable",
    "estate_columns",
    "estate_rows",
    "record_from_line",
]

EstateTable = Literal["captures", "tags", "cookies", "flags"]
"""The tables of an estate: one row per capture, per (capture, tag), per (capture, cookie)
and per (capture, flag)."""

ESTATE_TABLES: tuple[EstateTable, ...] = ("captures", "tags", "cookies", "flags")
"""Every :data:`EstateTable`, in the order ``tagsig batch --format parquet`` writes them."""

CAPTURE_COLUMNS: tuple[str, ...] = (
    "capture",
    "error",
    "producer",
    "entries",
    "pages",
    "tags",
    "flags",
    "first_party",
)
"""Columns of the ``captures`` table: the capture, its error (``None`` when it was
analysed), its producer, entries and pages, its tags and flags (the site's and the tags'),
and its first-party domains joined with ``;``."""


@frozen(kw_only=True)
class CaptureRecord:
    """One capture of a batch: its typed report, or the reason it has none."""

    path: str
    """The capture, as the batch named it (a path or a URL)."""
    report: Report | None = None
    """The report; ``None`` when the capture could not be analysed."""
    error: str | None = None
    """Why the capture could not be analysed; ``None`` when it was."""

    @property
    def is_analyzed(self) -> bool:
        """Whether the capture has a report."""
        return self.report is not None

    @classmethod
    def from_line(
        cls, line: Mapping[str, object], *, source: str = "<line>", validate: bool = True
    ) -> CaptureRecord:
        """Return the record of one batch line (``{"path", "report"}`` or ``{"path", "error"}``).

        Args:
            line: The line.
            source: How errors name the line.
            validate: Whether to validate the report against the shipped schema (see
                :meth:`Report.from_document`); ``False`` trusts it, for lines that
                :func:`tagsig.run_batch` has just yielded (validation costs about as
                much as the analysis).

        Raises:
            InputError: The line is neither form, or its report breaks the schema.

        """
        return record_from_line(line, source=source, validate=validate)


def record_from_line(
    line: Mapping[str, object], *, source: str = "<line>", validate: bool = True
) -> CaptureRecord:
    """Return the record of one batch line; ``validate=False`` trusts a line tagsig just made.

    Raises:
        InputError: The line is neither form, or (when validated) its report breaks the
            schema.

    """
    if not isinstance(line.get("path"), str):
        raise InputError(
            'expected a batch line {"path": ..., "report" or "error": ...}, found no path',
            path=source,
        )
    path = str(line["path"])
    error, document = line.get("error"), line.get("report")
    if isinstance(error, str) and document is None:
        return CaptureRecord(path=path, error=error)
    if not isinstance(document, Mapping) or error is not None:
        raise InputError(
            'expected a batch line with a "report" object or an "error" string', path=source
        )
    report = report_from_document(document, source=f"{source} ({path})", validate=validate)
    return CaptureRecord(path=path, report=report)


@frozen(kw_only=True)
class Estate:
    """Every capture of a batch, in the batch's order, with its report or error."""

    records: tuple[CaptureRecord, ...]

    @classmethod
    def from_lines(cls, lines: Iterable[Mapping[str, object]], *, validate: bool = True) -> Estate:
        """Return the estate of batch lines, as :func:`tagsig.run_batch` yields them.

        Args:
            lines: The lines.
            validate: Whether to validate each report against the shipped schema;
                ``False`` trusts lines that :func:`tagsig.run_batch` has just yielded.

        Raises:
            InputError: A line is not a batch line, or its report breaks the schema.

        """
        return cls(
            records=tuple(
                CaptureRecord.from_line(line, source=f"<line {n}>", validate=validate)
                for n, line in enumerate(lines, 1)
            )
        )

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], *, validate: bool = True) -> Estate:
        """Return the estate that a JSON Lines file of ``tagsig batch --output`` holds.

        Args:
            path: The file.
            validate: Whether to validate each report against the shipped schema.

        Raises:
            InputError: The file cannot be read, or a line is not a batch line (the error
                names its line number).

        """
        source = os.fspath(path)
        records: list[CaptureRecord] = []
        try:
            with open(path, encoding="utf-8") as lines:
                for number, text in enumerate(lines, 1):
                    if not text.strip():
                        continue
                    try:
                        line = json.loads(text)
                    except (ValueError, RecursionError) as e:
                        raise InputError(
                            "expected a JSON object on every line, found text that is not JSON",
                            path=source,
                            line=number,
                        ) from e
                    if not isinstance(line, dict):
                        raise InputError(
                            f"expected a JSON object, found {type(line).__name__}",
                            path=source,
                            line=number,
                        )
                    records.append(
                        CaptureRecord.from_line(
                            line, source=f"{source}:{number}", validate=validate
                        )
                    )
        except OSError as e:
            raise InputError(
                f"expected a readable batch file, found {e.strerror or e}", path=source
            ) from e
        except UnicodeDecodeError as e:
            raise InputError("expected UTF-8 text, found undecodable bytes", path=source) from e
        return cls(records=tuple(records))

    @property
    def reports(self) -> tuple[tuple[str, Report], ...]:
        """``(path, report)`` of every analysed capture."""
        return tuple((r.path, r.report) for r in self.records if r.report is not None)

    @property
    def errors(self) -> tuple[tuple[str, str], ...]:
        """``(path, error)`` of every capture that could not be analysed."""
        return tuple((r.path, r.error or "") for r in self.records if r.report is None)

    def to_pandas(self, table: EstateTable = "tags") -> DataFrame:
        """Return one table of the estate as a :class:`pandas.DataFrame`.

        Each row of ``tags``, ``cookies`` and ``flags`` is a row of
        :meth:`Report.to_pandas` for the same table, after a first column ``capture``
        naming the capture it comes from; ``captures`` has one row per capture (see
        :data:`CAPTURE_COLUMNS`), failed ones included.

        Args:
            table: ``captures``, ``tags``, ``cookies`` or ``flags``.

        Returns:
            A ``pandas.DataFrame``.

        Raises:
            ImportError: pandas is not installed (install the ``pandas`` extra).
            ArgumentError: ``table`` is not one of the four.

        """
        columns = estate_columns(table)
        return data_frame(columns, estate_rows(self.records, table), caller="Estate.to_pandas()")

    def to_parquet(self, output: str | os.PathLike[str]) -> tuple[str, ...]:
        """Write the four tables as Parquet files beside ``output``; return their paths.

        ``estate.parquet`` (or ``estate``) gives ``estate.captures.parquet``,
        ``estate.tags.parquet``, ``estate.cookies.parquet`` and ``estate.flags.parquet``,
        with the columns of :meth:`to_pandas` and one fixed type per column.

        Raises:
            InputError: pyarrow is not installed (install the ``parquet`` extra), or a file
                cannot be written.

        """
        from tagsig._render.parquet import write_parquet  # noqa: PLC0415 (pyarrow is optional)

        return write_parquet(self.records, os.fspath(output))


def estate_columns(table: str) -> tuple[str, ...]:
    """Return the columns of one estate table.

    Raises:
        ArgumentError: ``table`` is not an estate table.

    """
    if table == "captures":
        return CAPTURE_COLUMNS
    if table in ESTATE_TABLES:
        return (
            "capture",
            *table_rows(Report(inputs=(), first_party=(), tags=(), unattributed=()), table)[0],
        )
    raise ArgumentError(
        f"expected a table among {', '.join(map(repr, ESTATE_TABLES))}, found {table!r}"
    )


def _capture_row(record: CaptureRecord) -> dict[str, Cell]:
    report = record.report
    if report is None:
        return {"capture": record.path, "error": record.error}
    captures = [i for i in report.inputs if i.kind == "har"]
    return {
        "capture": record.path,
        "error": None,
        "producer": captures[0].producer if captures else None,
        "entries": sum(i.entries for i in captures),
        "pages": sum(i.pages for i in captures),
        "tags": len(report.tags),
        "flags": len(report.flags) + sum(len(t.flags) for t in report.tags),
        "first_party": ";".join(report.first_party),
    }


def estate_rows(records: Iterable[CaptureRecord], table: str) -> Iterator[dict[str, Cell]]:
    """Yield the rows of one estate table for ``records``, in order.

    Raises:
        ArgumentError: ``table`` is not an estate table.

    """
    estate_columns(table)
    for record in records:
        if table == "captures":
            yield _capture_row(record)
        elif record.report is not None:
            for row in table_rows(record.report, table)[1]:
                yield {"capture": record.path, **row}

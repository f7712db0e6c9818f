"""Write an estate's tables as Parquet files, for DuckDB, pandas or any Arrow reader.

pyarrow is an optional extra (``tagsig[parquet]``). Each table goes to its own file beside
the output name (``estate.parquet`` gives ``estate.captures.parquet``,
``estate.tags.parquet``, ``estate.cookies.parquet`` and ``estate.flags.parquet``), with one
fixed Arrow schema per table, so that a column has one type in every row group and every
file, even when all its values are null. Rows are written a row group at a time as the
captures come, and each file is moved into place only once complete.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from tagsig._exceptions import InputError
from tagsig._render.csv import Cell
from tagsig._render.estate_tables import (
    ESTATE_TABLES,
    CaptureRecord,
    EstateTable,
    estate_columns,
    estate_rows,
)

__all__ = ["PARQUET_SUFFIX", "ParquetWriter", "parquet_paths", "write_parquet"]

PARQUET_SUFFIX = ".parquet"
"""An output name ending so is written as Parquet."""

_INTEGER = frozenset(
    {
        "requests",
        "transfer_bytes",
        "decoded_bytes",
        "script_bytes",
        "pages",
        "flags",
        "input",
        "entry",
        "evidence",
        "entries",
        "tags",
    }
)
_FLOAT = frozenset({"time_ms", "requests_per_page", "cookie_lifetime_days"})
_BOOLEAN = frozenset({"cookie_third_party", "cookie_secure", "cookie_http_only"})


def parquet_paths(output: str) -> dict[EstateTable, str]:
    """Return the file each table is written to, for the output name ``output``.

    >>> parquet_paths("out/estate.parquet")["tags"]
    'out/estate.tags.parquet'
    """
    base = output.removesuffix(PARQUET_SUFFIX)
    return {table: f"{base}.{table}{PARQUET_SUFFIX}" for table in ESTATE_TABLES}


def _pyarrow(output: str) -> tuple[Any, Any]:
    try:
        import pyarrow as pa  # noqa: PLC0415 (an optional extra, imported on use)
        import pyarrow.parquet as pq  # noqa: PLC0415
    except ImportError as e:
        raise InputError(
            "writing Parquet needs pyarrow, which is not installed; install the "
            "extra: pip install 'tagsig[parquet]'",
            path=output,
        ) from e
    return pa, pq


class ParquetWriter:
    """Write :class:`CaptureRecord` s to the estate's Parquet files as they come.

    Use it as a context manager: the files are complete (and in place) when it exits
    without an error; on an error the partial files are removed.
    """

    def __init__(self, output: str, *, captures_per_group: int = 256) -> None:
        """Open the files of ``output`` (see :func:`parquet_paths`).

        Raises:
            InputError: pyarrow is not installed, or a file cannot be written.

        """
        self._pa, pq = _pyarrow(output)
        self._per_group = captures_per_group
        self._pending = 0
        self._paths = parquet_paths(output)
        self._rows: dict[EstateTable, list[dict[str, Cell]]] = {t: [] for t in ESTATE_TABLES}
        self._schemas = {t: self._schema(t) for t in ESTATE_TABLES}
        self._writers: dict[EstateTable, Any] = {}
        try:
            for table, path in self._paths.items():
                self._writers[table] = pq.ParquetWriter(f"{path}.part", self._schemas[table])
        except (OSError, self._pa.ArrowException) as e:
            self._abandon()
            raise InputError(f"cannot write the file: {e}"[:300], path=self._paths[table]) from e

    @property
    def paths(self) -> tuple[str, ...]:
        """The files written, one per table, in :data:`ESTATE_TABLES` order."""
        return tuple(self._paths.values())

    def _schema(self, table: EstateTable) -> Any:
        pa = self._pa

        def kind(column: str) -> Any:
            if column in _INTEGER:
                return pa.int64()
            if column in _FLOAT:
                return pa.float64()
            if column in _BOOLEAN:
                return pa.bool_()
            return pa.string()

        return pa.schema([(column, kind(column)) for column in estate_columns(table)])

    def write(self, record: CaptureRecord) -> None:
        """Add ``record``'s rows; a row group is written every few hundred captures.

        Raises:
            InputError: A file cannot be written.

        """
        for table in ESTATE_TABLES:
            self._rows[table].extend(estate_rows((record,), table))
        self._pending += 1
        if self._pending >= self._per_group:
            self._flush()

    def _flush(self) -> None:
        for table in ESTATE_TABLES:
            rows = self._rows[table]
            if rows:
                try:
                    self._writers[table].write_table(
                        self._pa.Table.from_pylist(rows, schema=self._schemas[table])
                    )
                except (OSError, self._pa.ArrowException) as e:
                    raise InputError(
                        f"cannot write the file: {e}"[:300], path=self._paths[table]
                    ) from e
                rows.clear()
        self._pending = 0

    def close(self) -> None:
        """Write what is left, close the files and move them into place.

        Raises:
            InputError: A file cannot be written.

        """
        self._flush()
        for table, writer in self._writers.items():
            path = self._paths[table]
            try:
                writer.close()
                os.replace(f"{path}.part", path)
            except (OSError, self._pa.ArrowException) as e:
                raise InputError(f"cannot write the file: {e}"[:300], path=path) from e
        self._writers.clear()

    def _abandon(self) -> None:
        for table, writer in self._writers.items():
            with contextlib.suppress(OSError, self._pa.ArrowException):
                writer.close()
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{self._paths[table]}.part")
        self._writers.clear()

    def __enter__(self) -> ParquetWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self._abandon()


def write_parquet(records: Iterable[CaptureRecord], output: str) -> tuple[str, ...]:
    """Write the tables of ``records`` to the Parquet files of ``output``; return their paths.

    Raises:
        InputError: pyarrow is not installed, or a file cannot be written.

    """
    with ParquetWriter(output) as writer:
        for record in records:
            writer.write(record)
    return writer.paths

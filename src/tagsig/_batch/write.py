"""Write a batch's output: its lines as JSON Lines or as Parquet tables, and its summary.

The writers of ``tagsig batch``: a sink takes each line as the batch yields it (a JSON
Lines file flushed line by line, or the estate's Parquet files a row group at a time), and
:func:`summary_json` is the estate summary as the ``--summary`` file holds it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, BinaryIO

import msgspec

from tagsig._exceptions import InputError
from tagsig._render.estate_summary import EstateSummary, estate_to_document

if TYPE_CHECKING:
    from types import TracebackType

    from tagsig._render.parquet import ParquetWriter

__all__ = ["LineSink", "ParquetSink", "batch_sink", "summary_json"]

_ENCODER = msgspec.json.Encoder(order="sorted")


def summary_json(summary: EstateSummary) -> str:
    """Return ``summary`` as indented JSON with sorted keys, ending in a line break."""
    return (
        msgspec.json.format(_ENCODER.encode(estate_to_document(summary)), indent=2).decode() + "\n"
    )


class LineSink:
    """Writes each batch line to a JSON Lines file, flushed as soon as it is written."""

    def __init__(self, path: str | None) -> None:
        """Open the file at ``path`` (``None``: standard output).

        Raises:
            InputError: The file cannot be written.

        """
        self._encoder = msgspec.json.Encoder(order="sorted")
        self._out: BinaryIO | None = None  # None: standard output
        if path is None:
            return
        try:
            self._out = open(path, "wb")  # noqa: SIM115 (closed on exit, after the pool)
        except OSError as e:
            raise InputError(f"cannot write the file: {e.strerror or e}", path=path) from e

    def write(self, line: Mapping[str, object]) -> None:
        """Write ``line``, then flush it: it is kept, whatever happens to the batch later."""
        encoded = self._encoder.encode(line) + b"\n"
        if self._out is None:
            sys.stdout.write(encoded.decode("utf-8"))
            sys.stdout.flush()
        else:
            self._out.write(encoded)
            self._out.flush()

    def __enter__(self) -> LineSink:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._out is not None:
            self._out.close()


class ParquetSink:
    """Adds each batch line's rows to the estate's Parquet files."""

    def __init__(self, path: str) -> None:
        """Start the Parquet files named after ``path`` (see :class:`ParquetWriter`)."""
        from tagsig._render.parquet import ParquetWriter  # noqa: PLC0415 (pyarrow is optional)

        self._writer: ParquetWriter = ParquetWriter(path)

    def write(self, line: Mapping[str, object]) -> None:
        """Add the rows of ``line``."""
        from tagsig._render.estate_tables import record_from_line  # noqa: PLC0415

        # A line tagsig has just written needs no second check against the schema.
        self._writer.write(record_from_line(line, validate=False))

    def __enter__(self) -> ParquetSink:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._writer.__exit__(kind, error, traceback)


def batch_sink(path: str | None, *, parquet: bool) -> LineSink | ParquetSink:
    """Return the sink of ``--output``: Parquet files, or JSON Lines (``None``: stdout).

    Raises:
        InputError: The output cannot be written (Parquet needs a file name).

    """
    if not parquet:
        return LineSink(path)
    if path is None:
        raise InputError("--output -: Parquet files cannot be written to standard output")
    return ParquetSink(path)

"""The Parquet writer of an estate: row groups, files moved into place, abandoned writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagsig import CaptureRecord, InputError
from tagsig._render.parquet import ParquetWriter

from .reports import example_report

pq = pytest.importorskip("pyarrow.parquet")

TABLES = ("captures", "tags", "cookies", "flags")


def _records(count: int) -> list[CaptureRecord]:
    return [CaptureRecord(path=f"site{n}.har", report=example_report()) for n in range(count)]


def test_row_group_per_capture(tmp_path: Path) -> None:
    """A writer of one capture per group writes one row group for each capture."""
    with ParquetWriter(str(tmp_path / "e.parquet"), captures_per_group=1) as writer:
        for record in _records(3):
            writer.write(record)
    captures = pq.ParquetFile(tmp_path / "e.captures.parquet")
    assert captures.metadata.num_row_groups == 3
    assert captures.read().column("capture").to_pylist() == ["site0.har", "site1.har", "site2.har"]
    tags = pq.read_table(tmp_path / "e.tags.parquet")
    assert tags.num_rows == 3 * len(example_report().tags)


def test_error_inside_leaves_no_file(tmp_path: Path) -> None:
    """An error while writing leaves neither the files nor their partial copies."""

    def write_then_fail() -> None:
        with ParquetWriter(str(tmp_path / "e.parquet")) as writer:
            writer.write(_records(1)[0])
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        write_then_fail()
    assert list(tmp_path.iterdir()) == []


def test_file_cannot_be_moved_into_place(tmp_path: Path) -> None:
    """A folder where a table's file goes is a tagsig error naming that file."""
    (tmp_path / "e.tags.parquet").mkdir()
    writer = ParquetWriter(str(tmp_path / "e.parquet"))
    writer.write(_records(1)[0])
    with pytest.raises(InputError, match="cannot write the file") as info:
        writer.close()
    assert info.value.path == str(tmp_path / "e.tags.parquet")
    assert (tmp_path / "e.captures.parquet").is_file()


def test_disk_full_while_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A row group that cannot be written is a tagsig error naming the file; none is left."""

    def full(self: object, table: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    with (
        pytest.raises(InputError, match=r"cannot write the file: .*No space left") as info,
        ParquetWriter(str(tmp_path / "e.parquet"), captures_per_group=1) as writer,
    ):
        writer.write(_records(1)[0])
    assert info.value.path == str(tmp_path / "e.captures.parquet")
    assert list(tmp_path.iterdir()) == []

"""The batch pool when a worker dies, a capture's work raises, or the caller stops reading."""

from __future__ import annotations

import os
from pathlib import Path
from types import GeneratorType

from tagsig._batch.pool import WORKER_DIED, BatchLine, map_in_order


def _work(path: str) -> BatchLine:
    """Die on ``die*``; on ``once*`` die the first time and raise the next; else succeed."""
    name = Path(path).name
    if name.startswith("die"):
        os._exit(3)
    if name.startswith("once"):
        marker = Path(f"{path}.seen")
        if not marker.exists():
            marker.touch()
            os._exit(3)
        raise ValueError("second try")
    if name.startswith("raise"):
        raise ValueError("no luck")
    return {"path": path, "error": "fine"}


def test_dead_worker_and_raising_work(tmp_path: Path) -> None:
    """Each path gets its line in order: a dead worker's, a raising work's, the rest's."""
    paths = [
        str(tmp_path / name) for name in ("die.har", "ok.har", "raise.har", "once.har", "ok2.har")
    ]
    lines = list(map_in_order(_work, paths, 1))
    assert [line["path"] for line in lines] == paths
    assert [line["error"] for line in lines] == [
        WORKER_DIED,
        "fine",
        "unexpected ValueError: no luck",
        "unexpected ValueError: second try",
        "fine",
    ]


def test_caller_stops_reading(tmp_path: Path) -> None:
    """A caller that stops reading ends the pool without waiting for the rest."""
    paths = [str(tmp_path / f"ok{n}.har") for n in range(6)]
    lines = map_in_order(_work, paths, 2)
    assert isinstance(lines, GeneratorType)
    assert next(lines)["path"] == paths[0]
    lines.close()

"""The per-capture analysis on a Dask bag, with Dask's local schedulers (optional extra)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagsig._batch import analyze_capture, expand_captures, run_batch, summarize_estate

from .builders import entry, har

dask_bag = pytest.importorskip("dask.bag")


@pytest.fixture
def captures(tmp_path: Path) -> tuple[str, ...]:
    """Three small captures."""
    for n, url in enumerate(["https://www.googletagmanager.com/gtm.js?id=GTM-A",
                             "https://connect.facebook.net/en_US/fbevents.js",
                             "https://static.hotjar.com/c/hotjar-1.js"]):
        (tmp_path / f"{n}.har").write_bytes(har(entry(url, transfer=100 * (n + 1))))
    return expand_captures([str(tmp_path)])


@pytest.mark.parametrize("scheduler", ["synchronous", "threads"])
def test_bag_matches_process_pool(captures: tuple[str, ...], scheduler: str) -> None:
    """A Dask bag mapping analyze_capture gives the lines and summary of run_batch."""
    bag = dask_bag.from_sequence(captures, npartitions=2).map(analyze_capture)
    lines = bag.compute(scheduler=scheduler)
    assert lines == list(run_batch(captures))
    summary = summarize_estate(lines)
    assert summary.analysed == 3
    assert {t.id for t in summary.tags} == {"google-tag-manager", "meta-pixel", "hotjar"}

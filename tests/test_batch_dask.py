"""The per-capture analysis on a Dask bag: local schedulers and a LocalCluster (optional)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tagsig import Estate
from tagsig._batch.run import analyze_capture, expand_captures, run_batch
from tagsig._render.estate_summary import summarize_estate

from .builders import entry, har

dask_bag = pytest.importorskip("dask.bag")


@pytest.fixture
def captures(tmp_path: Path) -> tuple[str, ...]:
    """Three small captures."""
    for n, url in enumerate(
        [
            "https://www.googletagmanager.com/gtm.js?id=GTM-A",
            "https://connect.facebook.net/en_US/fbevents.js",
            "https://static.hotjar.com/c/hotjar-1.js",
        ]
    ):
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


def test_local_cluster_of_worker_processes(captures: tuple[str, ...]) -> None:
    """On a dask.distributed LocalCluster of two worker processes the lines are run_batch's."""
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            host="127.0.0.1",
        ) as cluster,
        distributed.Client(cluster, timeout="60s") as client,
    ):
        assert len(client.scheduler_info(n_workers=-1)["workers"]) == 2
        bag = dask_bag.from_sequence(captures, npartitions=3).map(analyze_capture)
        futures = client.compute(bag)
        lines = futures.result(timeout=120)
        workers = client.run(os.getpid)
    assert lines == list(run_batch(captures))
    assert os.getpid() not in workers.values()  # the work ran in other processes
    assert Estate.from_lines(lines).records[2].report is not None

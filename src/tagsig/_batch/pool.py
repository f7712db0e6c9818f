"""Run the batch's unit of work over many captures in worker processes, lines in order.

The scheduling of a batch: at most ``jobs`` captures in a process pool at once, each line
yielded as soon as it and those before it are done, and a worker that dies (killed, or
out of memory) replaced, the captures it may have held analysed again, each alone. What
the unit of work is (see :func:`tagsig._batch.run.analyze_capture`) is no concern of this
module: it maps any picklable function from a path to a :data:`BatchLine`.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from tagsig._render.formats import JSONValue

__all__ = ["WORKER_DIED", "BatchLine", "default_jobs", "failed_line", "map_in_order"]

BatchLine = dict[str, JSONValue]
"""One capture's line: ``{"path", "report"}`` or ``{"path", "error"}``."""
WORKER_DIED = (
    "the worker process analysing this capture died (killed, or out of "
    "memory), also when it was analysed alone"
)
"""The error line of a capture that kills its worker even when analysed alone."""


def default_jobs() -> int:
    """Return the default number of worker processes: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - platforms without sched_getaffinity
        return max(1, os.cpu_count() or 1)


def failed_line(path: str, error: BaseException) -> BatchLine:
    """Return the error line of a capture that met a fault no tagsig error describes."""
    return {"path": path, "error": f"unexpected {type(error).__name__}: {error}"[:500]}


def map_in_order(
    work: Callable[[str], BatchLine], paths: Sequence[str], jobs: int
) -> Iterator[BatchLine]:
    """Yield ``work(path)`` for every path, in the order of ``paths``, with ``jobs`` workers.

    The workers are forked from this process: what it has built before (the signature
    database and its look-ups, the modules of the analysis) they inherit.
    """
    yield from _in_order(_parallel(work, paths, min(jobs, len(paths))))


def _in_order(done: Iterator[tuple[int, BatchLine]]) -> Iterator[BatchLine]:
    """Yield lines by index from ``(index, line)`` pairs that arrive in any order."""
    waiting: dict[int, BatchLine] = {}
    upcoming = 0
    for index, line in done:
        waiting[index] = line
        while upcoming in waiting:
            yield waiting.pop(upcoming)
            upcoming += 1


def _parallel(
    work: Callable[[str], BatchLine], paths: Sequence[str], jobs: int
) -> Iterator[tuple[int, BatchLine]]:
    """Yield ``(index, line)`` for every path, as workers finish them.

    At most ``jobs`` captures are in the pool at once, so when a worker dies (which breaks
    the whole pool) only those are in doubt: each is analysed again alone in a fresh
    one-worker pool, the rest in a fresh pool.
    """
    queue = list(range(len(paths)))
    queue.reverse()
    while queue:
        in_doubt: list[int] = []
        with _pool(min(jobs, len(queue))) as pool:
            running: dict[Future[BatchLine], int] = {}
            try:
                while queue or running:
                    while queue and len(running) < jobs and not in_doubt:
                        index = queue.pop()
                        running[pool.submit(work, paths[index])] = index
                    if not running:
                        break
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        index = running.pop(future)
                        try:
                            yield index, future.result()
                        except BrokenProcessPool:
                            in_doubt.append(index)
                        except Exception as error:  # the line says what failed
                            yield index, failed_line(paths[index], error)
            except BaseException:  # Ctrl-C, or a caller that stops reading: start no more
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        for index in sorted(in_doubt):
            yield index, _alone(work, paths[index])


def _alone(work: Callable[[str], BatchLine], path: str) -> BatchLine:
    with _pool(1) as pool:
        try:
            return pool.submit(work, path).result()
        except BrokenProcessPool:
            return {"path": path, "error": WORKER_DIED}
        except Exception as error:  # the line says what failed
            return failed_line(path, error)


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, initializer=_quiet_on_interrupt)


# The two functions below run in the worker processes, where coverage does not measure;
# tests/test_cli_streams.py::TestInterrupt::test_batch_with_workers checks what they do.
def _quiet_on_interrupt() -> None:  # pragma: no cover - runs in the worker process
    """In a worker: end at once on Ctrl-C, without a traceback; the parent reports it."""
    signal.signal(signal.SIGINT, _exit_interrupted)


def _exit_interrupted(signum: int, frame: object) -> None:  # pragma: no cover - in a worker
    os._exit(128 + signum)

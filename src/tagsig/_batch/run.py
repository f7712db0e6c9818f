"""Analyse many captures, in parallel, and summarise the estate they form.

The unit of work is :func:`analyze_capture`: a pure function from a capture's path to one
JSON-compatible line (``{"path", "report"}`` or ``{"path", "error"}``). Lines rather than
:class:`Report` objects cross process boundaries, so nothing large is pickled, and the same
function runs on any engine that maps a function over paths (a process pool here, a Dask
bag in ``docs/batch.md``). This module names the captures and makes their lines;
:mod:`tagsig._batch.pool` schedules them over worker processes,
:mod:`tagsig._render.estate_summary` folds the lines into an :class:`EstateSummary` and
:mod:`tagsig._batch.write` writes them.
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from functools import cache, partial
from pathlib import Path

from tagsig._analysis.analyze import analyze
from tagsig._batch.pool import BatchLine, failed_line, map_in_order
from tagsig._exceptions import ArgumentError, InputError, TagsigError
from tagsig._inputs.remote import expand_url, is_url, load_remote_har
from tagsig._render.formats import report_to_document
from tagsig._signatures.load import load_signatures
from tagsig._signatures.model import SignatureDB

__all__ = [
    "analyze_capture",
    "expand_captures",
    "run_batch",
]

CAPTURE_SUFFIXES = (".har", ".har.gz")
"""File names a directory argument contributes."""


def expand_captures(arguments: Iterable[str]) -> tuple[str, ...]:
    """Return the capture paths that directories, globs and paths name, sorted, unique.

    A directory contributes every ``*.har`` and ``*.har.gz`` below it; a pattern with
    ``*``, ``?`` or ``[`` is a glob (``**`` recurses); anything else is a path. A URL
    (``s3://bucket/captures/``, ``gs://...``, ``https://...``) names a folder, a glob or an
    object in storage that fsspec reads (the ``fsspec`` extra).

    Raises:
        InputError: An argument matches no file, or names a URL whose filesystem is not
            installed.

    """
    found: set[str] = set()
    for argument in arguments:
        path = Path(argument)
        if is_url(argument):
            matches = expand_url(argument, CAPTURE_SUFFIXES)
        elif path.is_dir():
            matches = [
                str(p) for p in path.rglob("*") if p.is_file() and p.name.endswith(CAPTURE_SUFFIXES)
            ]
        elif glob.has_magic(argument):
            matches = [p for p in glob.glob(argument, recursive=True) if Path(p).is_file()]
        elif path.is_file():
            matches = [argument]
        else:
            matches = []
        if not matches:
            raise InputError(
                "no capture found (expected a directory of .har files, a glob or a file)",
                path=argument,
            )
        found.update(matches)
    return tuple(sorted(found))


@cache
def _database(signatures: tuple[str, ...]) -> SignatureDB:
    # Loaded once per worker process, not once per capture.
    return load_signatures(*signatures)


def analyze_capture(
    path: str, signatures: Sequence[str] = (), first_party: Sequence[str] = ()
) -> BatchLine:
    """Analyse one capture and return its batch line.

    Args:
        path: The capture: a path, or a URL that fsspec reads (see
            :func:`expand_captures`).
        signatures: Signature database files layered on the bundled one.
        first_party: Extra first-party domains.

    Returns:
        ``{"path": path, "report": document}`` with the report's JSON document, or
        ``{"path": path, "error": message}`` when the capture cannot be analysed (the
        function never raises for a capture, even one that meets a fault of tagsig or
        exhausts the memory, so one cannot stop a batch).

    Raises:
        SignatureError: A signature database file is invalid (every capture would fail).

    """
    database = _database(tuple(signatures))
    try:
        capture = load_remote_har(path) if is_url(path) else path
        report = analyze(capture, signatures=database, first_party=first_party)
        return {"path": path, "report": report_to_document(report)}
    except TagsigError as error:
        return {"path": path, "error": str(error)}
    except MemoryError:
        return {"path": path, "error": "out of memory while analysing the capture"}
    except Exception as error:  # a fault met on this capture only
        return failed_line(path, error)


def run_batch(
    paths: Sequence[str],
    *,
    jobs: int = 1,
    signatures: Sequence[str] = (),
    first_party: Sequence[str] = (),
) -> Iterator[BatchLine]:
    """Analyse ``paths`` with ``jobs`` processes; yield one line per capture, in order.

    Args:
        paths: The captures.
        jobs: Worker processes; ``1`` analyses in this process.
        signatures: Signature database files layered on the bundled one.
        first_party: Extra first-party domains.

    Yields:
        The line of each capture (see :func:`analyze_capture`), in the order of ``paths``,
        each as soon as it and those before it are done. A worker process that dies
        (killed, or out of memory) is replaced; the captures it held are analysed again,
        each alone, and one that kills its worker alone too gets an error line.

    Raises:
        SignatureError: A signature database file is invalid.
        ArgumentError: ``jobs`` is less than 1.

    """
    if jobs < 1:
        raise ArgumentError(f"expected at least 1 job, found {jobs}")
    # Validate the signature files once, here, rather than once per worker.
    _database(tuple(signatures))
    work: Callable[[str], BatchLine] = partial(
        analyze_capture, signatures=tuple(signatures), first_party=tuple(first_party)
    )
    if jobs == 1 or len(paths) <= 1:
        yield from map(work, paths)
        return
    # The workers are forked once what every capture needs (the database's look-ups, the
    # rules' modules) is built: they inherit it. A fault here shows in the lines instead.
    with suppress(Exception):
        analyze((), signatures=_database(tuple(signatures)))
    yield from map_in_order(work, paths, jobs)

"""Analyse many captures, in parallel, and summarise the estate they form.

The unit of work is :func:`analyze_capture`: a pure function from a capture's path to one
JSON-compatible line (``{"path", "report"}`` or ``{"path", "error"}``). Lines rather than
:class:`Report` objects cross process boundaries, so nothing large is pickled, and the same
function runs on any engine that maps a function over paths (a process pool here, a Dask
bag in ``docs/batch.md``). :func:`summarize_estate` folds the lines into an
:class:`EstateSummary`.
"""

from __future__ import annotations

import glob
import os
import signal
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from functools import cache, partial
from pathlib import Path

from attrs import frozen

from tagsig._analyze import analyze
from tagsig._exceptions import ArgumentError, InputError, TagsigError
from tagsig._remote import expand_url, is_url, load_remote_har
from tagsig._render import JSONValue, report_document
from tagsig._signature_model import SignatureDB
from tagsig._signatures import load_signatures

__all__ = [
    "EstateSummary",
    "RuleEstate",
    "TagEstate",
    "analyze_capture",
    "default_jobs",
    "estate_document",
    "expand_captures",
    "run_batch",
    "summarize_estate",
]

CAPTURE_SUFFIXES = (".har", ".har.gz")
"""File names a directory argument contributes."""

BatchLine = dict[str, JSONValue]
_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}
_WORKER_DIED = ("the worker process analysing this capture died (killed, or out of "
                "memory), also when it was analysed alone")


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
            matches = [str(p) for p in path.rglob("*")
                       if p.is_file() and p.name.endswith(CAPTURE_SUFFIXES)]
        elif glob.has_magic(argument):
            matches = [p for p in glob.glob(argument, recursive=True) if Path(p).is_file()]
        elif path.is_file():
            matches = [argument]
        else:
            matches = []
        if not matches:
            raise InputError("no capture found (expected a directory of .har files, a glob "
                             "or a file)", path=argument)
        found.update(matches)
    return tuple(sorted(found))


@cache
def _database(signatures: tuple[str, ...]) -> SignatureDB:
    # Loaded once per worker process, not once per capture.
    return load_signatures(*signatures)


def analyze_capture(path: str, signatures: Sequence[str] = (),
                    first_party: Sequence[str] = ()) -> BatchLine:
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
        return {"path": path, "report": report_document(report)}
    except TagsigError as error:
        return {"path": path, "error": str(error)}
    except MemoryError:
        return {"path": path, "error": "out of memory while analysing the capture"}
    except Exception as error:  # a fault met on this capture only
        return _failed(path, error)


def run_batch(paths: Sequence[str], *, jobs: int = 1, signatures: Sequence[str] = (),
              first_party: Sequence[str] = ()) -> Iterator[BatchLine]:
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
        analyze_capture, signatures=tuple(signatures), first_party=tuple(first_party))
    if jobs == 1 or len(paths) <= 1:
        yield from map(work, paths)
        return
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


def _parallel(work: Callable[[str], BatchLine], paths: Sequence[str],
              jobs: int) -> Iterator[tuple[int, BatchLine]]:
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
                            yield index, _failed(paths[index], error)
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
            return {"path": path, "error": _WORKER_DIED}
        except Exception as error:  # the line says what failed
            return _failed(path, error)


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, initializer=_quiet_on_interrupt)


def _quiet_on_interrupt() -> None:
    """In a worker: end at once on Ctrl-C, without a traceback; the parent reports it."""
    signal.signal(signal.SIGINT, _exit_interrupted)


def _exit_interrupted(signum: int, frame: object) -> None:
    os._exit(128 + signum)


def _failed(path: str, error: BaseException) -> BatchLine:
    return {"path": path, "error": f"unexpected {type(error).__name__}: {error}"[:500]}


@frozen(kw_only=True)
class TagEstate:
    """One tag across the estate."""

    id: str
    name: str
    consent: str
    captures: int
    """Captures the tag appears in."""
    pages: int
    """Pages (summed over captures) where it made a request."""
    requests: int
    transfer_bytes: int
    script_bytes: int
    flags: int
    capture_paths: tuple[str, ...]
    """The captures it appears in, sorted."""


@frozen(kw_only=True)
class RuleEstate:
    """One flag rule across the estate."""

    rule: str
    severity: str
    """The most serious severity it was raised with."""
    flags: int
    captures: int
    tags: tuple[str, ...]
    """Ids of the tags it was raised on, sorted."""


@frozen(kw_only=True)
class EstateSummary:
    """What a batch found: which tags where, how often, at what weight, with which flags."""

    captures: int
    """Lines summarised (captures attempted)."""
    analysed: int
    failed: int
    pages: int
    """Pages in the analysed captures."""
    tags: tuple[TagEstate, ...]
    """Most widespread first, then heaviest, then by id."""
    rules: tuple[RuleEstate, ...]
    """Most serious first, then most frequent."""
    unattributed: tuple[tuple[str, int], ...]
    """Unknown third-party hosts with the number of captures they appear in, most first."""
    errors: tuple[tuple[str, str], ...]
    """``(path, message)`` of each capture that failed."""


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _number(value: object) -> int:
    return value if isinstance(value, int) else 0


def summarize_estate(lines: Iterable[Mapping[str, object]]) -> EstateSummary:
    """Fold batch lines (see :func:`analyze_capture`) into an :class:`EstateSummary`."""
    captures = pages = 0
    errors: list[tuple[str, str]] = []
    names: dict[str, tuple[str, str]] = {}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    paths: dict[str, list[str]] = defaultdict(list)
    rules: dict[str, Counter[str]] = defaultdict(Counter)
    rule_tags: dict[str, set[str]] = defaultdict(set)
    rule_captures: dict[str, set[str]] = defaultdict(set)
    severity: dict[str, str] = {}
    hosts: Counter[str] = Counter()
    for line in lines:
        captures += 1
        path = str(line.get("path", ""))
        if "error" in line or not isinstance(line.get("report"), Mapping):
            errors.append((path, str(line.get("error", "no report"))))
            continue
        report = _mapping(line.get("report"))
        pages += sum(_number(_mapping(i).get("pages")) for i in _list(report.get("inputs")))
        hosts.update({str(_mapping(h).get("host")) for h in _list(report.get("unattributed"))})
        owners: list[tuple[str | None, Mapping[str, object]]] = [(None, report)]
        for raw in _list(report.get("tags")):
            tag = _mapping(raw)
            if tag.get("own") is True:
                continue  # the site's own organisation's products are no third-party tag
            tag_id = str(tag.get("id"))
            names.setdefault(tag_id, (str(tag.get("name")), str(tag.get("consent"))))
            paths[tag_id].append(path)
            for key in ("pages", "requests", "transfer_bytes", "script_bytes"):
                counts[tag_id][key] += _number(tag.get(key))
            owners.append((tag_id, tag))
        # Flags by rule: the tags' flags and the site's own (unknown hosts, policy).
        for owner_id, owner in owners:
            for raw_flag in _list(owner.get("flags")):
                flag = _mapping(raw_flag)
                rule, level = str(flag.get("rule")), str(flag.get("severity"))
                rules[rule]["flags"] += 1
                rule_captures[rule].add(path)
                if owner_id is not None:
                    counts[owner_id]["flags"] += 1
                    rule_tags[rule].add(owner_id)
                if _SEVERITY_ORDER.get(level, 9) < _SEVERITY_ORDER.get(severity.get(rule, ""), 9):
                    severity[rule] = level
    tags = [
        TagEstate(id=tag_id, name=names[tag_id][0], consent=names[tag_id][1],
                  captures=len(set(paths[tag_id])), pages=counts[tag_id]["pages"],
                  requests=counts[tag_id]["requests"],
                  transfer_bytes=counts[tag_id]["transfer_bytes"],
                  script_bytes=counts[tag_id]["script_bytes"], flags=counts[tag_id]["flags"],
                  capture_paths=tuple(sorted(set(paths[tag_id]))))
        for tag_id in names
    ]
    rule_list = [
        RuleEstate(rule=rule, severity=severity.get(rule, "info"), flags=rules[rule]["flags"],
                   captures=len(rule_captures[rule]), tags=tuple(sorted(rule_tags[rule])))
        for rule in rules
    ]
    return EstateSummary(
        captures=captures, analysed=captures - len(errors), failed=len(errors), pages=pages,
        tags=tuple(sorted(tags, key=lambda t: (-t.captures, -t.transfer_bytes, t.id))),
        rules=tuple(sorted(rule_list, key=lambda r: (
            _SEVERITY_ORDER.get(r.severity, 9), -r.flags, r.rule))),
        unattributed=tuple(sorted(hosts.items(), key=lambda kv: (-kv[1], kv[0]))),
        errors=tuple(errors),
    )


def estate_document(summary: EstateSummary) -> dict[str, JSONValue]:
    """Return ``summary`` as JSON-compatible data (the ``--summary`` file's shape)."""
    return {
        "captures": summary.captures,
        "analysed": summary.analysed,
        "failed": summary.failed,
        "pages": summary.pages,
        "tags": [
            {"id": t.id, "name": t.name, "consent": t.consent, "captures": t.captures,
             "pages": t.pages, "requests": t.requests, "transfer_bytes": t.transfer_bytes,
             "script_bytes": t.script_bytes, "flags": t.flags,
             "capture_paths": list(t.capture_paths)}
            for t in summary.tags
        ],
        "rules": [
            {"rule": r.rule, "severity": r.severity, "flags": r.flags,
             "captures": r.captures, "tags": list(r.tags)}
            for r in summary.rules
        ],
        "unattributed": [{"host": host, "captures": n} for host, n in summary.unattributed],
        "errors": [{"path": path, "error": message} for path, message in summary.errors],
    }


def default_jobs() -> int:
    """Return the default number of worker processes: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - platforms without sched_getaffinity
        return max(1, os.cpu_count() or 1)

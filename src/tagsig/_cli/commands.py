"""The ``diff`` and ``batch`` commands: arguments, progress, output and summaries.

The batch's line and summary writers are in :mod:`tagsig._batch.write`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from tagsig._exceptions import InputError

if TYPE_CHECKING:
    from rich.progress import Progress

    from tagsig._report.model import Report

__all__ = [
    "EXIT_CHANGED",
    "STDIO",
    "add_batch_parser",
    "add_diff_parser",
    "run_batch_command",
    "run_diff_command",
    "write_output",
]

EXIT_CHANGED = 1
"""``tagsig diff``: a tag was added or a flag appeared."""
STDIO = "-"
"""The name that stands for standard input (a capture) or standard output (``--output``)."""
_PROGRESS_EVERY = 1.0
"""Seconds between two progress lines on a standard error that is no terminal."""


def add_diff_parser(commands: argparse._SubParsersAction[Any]) -> None:
    """Register ``tagsig diff``."""
    parser = commands.add_parser(
        "diff",
        help="compare two captures or two JSON reports",
        description="Compare an old capture (or JSON report) with a new one: tags added and "
        "removed, weight and cookie changes, new flags. Exit status 0 when no tag was added "
        "and no flag appeared, 1 when one was, 2 on error.",
    )
    parser.add_argument("old", metavar="OLD", help="HAR capture or tagsig JSON report")
    parser.add_argument("new", metavar="NEW", help="HAR capture or tagsig JSON report")
    _analysis_options(parser)
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write to FILE instead of standard output (- for standard output)",
    )


def add_batch_parser(commands: argparse._SubParsersAction[Any]) -> None:
    """Register ``tagsig batch``."""
    parser = commands.add_parser(
        "batch",
        help="analyse many captures in parallel and summarise the estate",
        description="Analyse every capture that the directories, globs and paths name, in "
        "parallel; write one JSON line per capture to --output, then print an estate "
        "summary (which tags appear where and how often, their total weight, flags by rule).",
    )
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="DIR_OR_GLOB",
        help="directory (every .har and .har.gz below it), glob or capture",
    )
    parser.add_argument(
        "--jobs", "-j", type=int, metavar="N", help="worker processes (default: the usable CPUs)"
    )
    parser.add_argument(
        "--output",
        "-o",
        required=True,
        metavar="FILE",
        help="JSON Lines file: one line per capture (- for standard output, "
        "the summary then going to standard error); a name ending in "
        ".parquet writes the estate's tables as Parquet files instead",
    )
    parser.add_argument(
        "--summary", metavar="FILE", help="also write the estate summary as JSON to FILE"
    )
    _analysis_options(parser)
    parser.add_argument(
        "--format",
        choices=("text", "json", "parquet"),
        default="text",
        help="format of the printed summary (default: text); parquet "
        "writes --output as Parquet files (FILE.captures.parquet, "
        "FILE.tags.parquet, ...) and prints the text summary",
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress on standard error (default: only on a terminal; "
        "elsewhere, as a line a second)",
    )


def _analysis_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--first-party",
        action="append",
        default=[],
        metavar="DOMAIN",
        help="another first-party domain (own CDN, alias); repeatable",
    )
    parser.add_argument(
        "--signatures",
        action="append",
        default=[],
        metavar="FILE",
        help="signature database file layered on the bundled one; repeatable",
    )


def write_output(path: str | None, text: str, *, what: str = "the file") -> None:
    """Write ``text`` to the file at ``path``, or to standard output for ``None`` or ``-``.

    Raises:
        InputError: The file cannot be written.

    """
    if path is None or path == STDIO:
        sys.stdout.write(text)
        return
    try:
        with open(path, "w", encoding="utf-8", errors="backslashreplace") as out:
            out.write(text)
    except OSError as e:
        raise InputError(f"cannot write {what}: {e.strerror or e}", path=path) from e


def run_diff_command(args: argparse.Namespace) -> int:
    """Run ``tagsig diff``; return 0, or :data:`EXIT_CHANGED` for a significant change.

    Raises:
        TagsigError: An input cannot be read or the output cannot be written.

    """
    from tagsig._analysis.analyze import analyze  # noqa: PLC0415 (keeps start-up small)
    from tagsig._analysis.saved import load_report_document  # noqa: PLC0415
    from tagsig._render.compare import diff_reports  # noqa: PLC0415
    from tagsig._render.diff import render_diff  # noqa: PLC0415
    from tagsig._signatures.load import load_signatures  # noqa: PLC0415

    sides: list[Report | dict[str, object]] = []
    database = None
    for path in (args.old, args.new):
        document = load_report_document(path)
        if document is None:
            database = database or load_signatures(*args.signatures)
            sides.append(analyze(path, signatures=database, first_party=args.first_party))
        else:
            sides.append(document)
    diff = diff_reports(sides[0], sides[1], old_name=args.old, new_name=args.new)
    write_output(args.output, render_diff(diff, args.format))
    return EXIT_CHANGED if diff.is_significant else 0


@contextmanager
def _progress(total: int, wanted: bool | None) -> Iterator[Callable[[str], None]]:
    """Yield a function to call once per capture done, with the capture's name.

    On a terminal (unless ``wanted`` is false) a bar; elsewhere, when ``wanted``, a line at
    most every second and one at the end; else nothing.
    """
    terminal = sys.stderr.isatty()
    if total == 0 or wanted is False or (wanted is None and not terminal):
        yield lambda name: None
    elif terminal:
        with _bar(total) as bar:
            task = bar.add_task("", total=total)
            yield lambda name: bar.update(task, advance=1, description=name[-40:])
    else:
        yield _ProgressLines(total, sys.stderr).advance


class _ProgressLines:
    """Progress as plain lines, for a log: a line a second at most, and the last."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.stream = stream
        self.done = 0
        self.last = time.monotonic()

    def advance(self, name: str) -> None:
        self.done += 1
        now = time.monotonic()
        if self.done == self.total or now - self.last >= _PROGRESS_EVERY:
            self.last = now
            print(
                f"tagsig: analysed {self.done}/{self.total} captures ({name})",
                file=self.stream,
                flush=True,
            )


def _bar(total: int) -> Progress:
    # rich is imported on use: the command line's other paths need none of it.
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(file=sys.stderr)
    # The description is a file name: plain text, never rich markup ("[link=...]").
    return Progress(
        TextColumn("analysing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}", markup=False),
        console=console,
        transient=True,
    )


def run_batch_command(args: argparse.Namespace) -> int:
    """Run ``tagsig batch``; return 0 once every capture has a line (failed ones included).

    Raises:
        TagsigError: No capture matched, a signature file is invalid, or an output file
            cannot be written.

    """
    from tagsig._batch.pool import default_jobs  # noqa: PLC0415 (keeps start-up small)
    from tagsig._batch.run import expand_captures, run_batch  # noqa: PLC0415
    from tagsig._batch.write import batch_sink, summary_json  # noqa: PLC0415
    from tagsig._render.common import printable  # noqa: PLC0415
    from tagsig._render.estate_summary import summarize_estate, summary_view  # noqa: PLC0415

    if args.jobs is None:
        args.jobs = default_jobs()
    if args.jobs < 1:
        raise InputError(f"--jobs: expected at least 1, found {args.jobs}")
    paths = expand_captures(args.inputs)
    started = time.perf_counter()
    lines: list[Mapping[str, object]] = []
    to_stdout = args.output == STDIO
    parquet = args.format == "parquet" or args.output.endswith(".parquet")
    sink = batch_sink(None if to_stdout else args.output, parquet=parquet)
    with sink, _progress(len(paths), args.progress) as advance:
        for line in run_batch(
            paths, jobs=args.jobs, signatures=args.signatures, first_party=args.first_party
        ):
            sink.write(line)
            # Only what the summary needs is kept, not the whole report.
            lines.append(summary_view(line))
            advance(printable(str(line["path"])))
    elapsed = time.perf_counter() - started
    summary = summarize_estate(lines)
    if args.summary:
        write_output(args.summary, summary_json(summary))
    # With the lines on standard output, the summary goes beside the other messages.
    printed = sys.stderr if to_stdout else sys.stdout
    if args.format == "json":
        printed.write(summary_json(summary))
    else:
        from tagsig._render.estate import render_estate_text  # noqa: PLC0415

        printed.write(render_estate_text(summary))
    rate = len(paths) / elapsed if elapsed > 0 else 0.0
    jobs = min(args.jobs, max(1, len(paths)))
    print(
        f"tagsig: {len(paths)} captures ({summary.failed} failed) in {elapsed:.2f} s with "
        f"{jobs} job{'s' if jobs != 1 else ''}: {rate:.1f} captures/s",
        file=sys.stderr,
    )
    return 0

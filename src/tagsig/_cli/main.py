"""The ``tagsig`` command: parse arguments, call the API, render, map errors to exit codes."""

from __future__ import annotations

import argparse
import errno
import gc
import os
import shutil
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn, TextIO

from tagsig._cli.catalogue import (
    add_catalogue_parsers,
    run_catalogue_command,
    run_show_command,
)
from tagsig._cli.commands import (
    STDIO,
    add_batch_parser,
    add_diff_parser,
    run_batch_command,
    run_diff_command,
    write_output,
)
from tagsig._exceptions import InputError, TagsigError
from tagsig._inputs.models import Capture, CookieJar
from tagsig._inputs.psl import public_suffix_list
from tagsig._inputs.source import MAX_INPUT_ENV
from tagsig._render.formats import FORMATS
from tagsig._resources import docs_url
from tagsig._version import __version__

if TYPE_CHECKING:
    from tagsig._compliance.flags import Flag
    from tagsig._report.model import Report

__all__ = ["EXIT_INPUT", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_POLICY", "main", "run"]

EXIT_OK = 0
"""Success."""
EXIT_POLICY = 1
"""A policy check failed: ``analyze --fail-on`` found a flag that is not waived."""
EXIT_INPUT = 2
"""Unreadable input or bad usage."""
EXIT_INTERRUPTED = 130
"""Interrupted (Ctrl-C): 128 plus the number of ``SIGINT``, as shells report it."""
_MAX_ERROR = 1000
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EDQUOT, errno.EFBIG})


class _Version(argparse.Action):
    """``--version``: the version, and the date of the Public Suffix List in use."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        date = public_suffix_list().date or "undated"
        sys.stdout.write(f"tagsig {__version__} (Public Suffix List {date})\n")
        parser.exit(EXIT_OK)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"tagsig: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tagsig",
        description="Audit a website's third-party tags offline, from HAR captures and "
        "cookie jars.",
        epilog=f"Documentation: {docs_url('index.md')}",
    )
    parser.add_argument(
        "--version",
        action=_Version,
        nargs=0,
        help="show the version and the Public Suffix List's date, and exit",
    )
    parser.add_argument(
        "--max-input-bytes",
        type=int,
        metavar="N",
        help="the most bytes an input may hold, read or inflated from gzip "
        "(default: $TAGSIG_MAX_INPUT_BYTES, else 1 GiB)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    analyze = commands.add_parser(
        "analyze",
        help="audit the third-party tags in captures (and cookie jars)",
        description="Attribute every request and cookie of the captures to the tag that made "
        "it, weigh each tag, and report.",
        epilog=f"Documentation: {docs_url('cli.md')}",
    )
    analyze.add_argument(
        "captures",
        nargs="+",
        metavar="CAPTURE",
        help="HAR file (.har, .har.gz, JSONP-wrapped HAR, Playwright .zip); - reads standard input",
    )
    analyze.add_argument(
        "--cookies",
        action="append",
        default=[],
        metavar="JAR",
        help="cookie jar to include; repeatable",
    )
    analyze.add_argument(
        "--first-party",
        action="append",
        default=[],
        metavar="DOMAIN",
        help="another first-party domain (own CDN, alias; confirms a "
        "'probably first party' host); repeatable",
    )
    analyze.add_argument(
        "--signatures",
        action="append",
        default=[],
        metavar="FILE",
        help="signature database file layered on the bundled one; repeatable",
    )
    analyze.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="output format (default: text; see formats.md in the documentation)",
    )
    analyze.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write the report to FILE instead of standard output (- for standard output)",
    )
    analyze.add_argument(
        "--identifier",
        action="append",
        default=[],
        metavar="VALUE",
        help="a known identifier of the visitor (e-mail, user id) to find, "
        "plain or hashed, in requests to third parties; repeatable",
    )
    analyze.add_argument(
        "--policy",
        metavar="FILE",
        help="policy file (TOML or JSON; see policy.md in the documentation)",
    )
    analyze.add_argument(
        "--fail-on",
        choices=("high", "medium", "low", "info"),
        metavar="SEVERITY",
        help="exit 1 when a flag at or above SEVERITY (high, medium, low, "
        "info) is not waived by the policy",
    )
    analyze.add_argument(
        "--max-chars",
        type=int,
        default=65_536,
        metavar="N",
        help="markdown: the most characters of the report, details cut "
        "from the least important (default: 65536, GitHub's comment "
        "limit; 0 for no bound)",
    )
    analyze.add_argument(
        "--explain",
        metavar="TAG",
        help="instead of the report, everything about one tag (its "
        "signature id): facts, cookies, every flag with all its evidence, "
        "and the catalogue's common mistakes",
    )
    analyze.add_argument(
        "--baseline",
        metavar="REPORT",
        help="markdown: a JSON report (--format json) to show the change against",
    )
    analyze.add_argument(
        "--lang",
        metavar="LANG",
        type=_language,
        default=None,
        help="language of the report: en or ga (default: from the locale, "
        "else en); with json or sarif, adds the translated messages",
    )
    inspect = commands.add_parser(
        "inspect",
        help="read captures and cookie jars and summarise what they contain",
        description="Read HAR captures and cookie jars and summarise what was read: "
        "producer, pages, entries, hosts, cookies and any damaged parts.",
    )
    inspect.add_argument(
        "captures",
        nargs="*",
        metavar="CAPTURE",
        help="HAR file (.har, .har.gz, JSONP-wrapped HAR, Playwright .zip); - reads standard input",
    )
    inspect.add_argument(
        "--cookies",
        action="append",
        default=[],
        metavar="JAR",
        help="cookie jar (cookies.txt, Playwright storageState, JSON "
        "cookie list, Chrome or Firefox SQLite); repeatable",
    )
    inspect.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    inspect.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write the summary to FILE instead of standard output (- for standard output)",
    )
    add_diff_parser(commands)
    add_batch_parser(commands)
    add_catalogue_parsers(commands)
    return parser


def _language(value: str) -> str:
    from tagsig._i18n import resolve_language  # noqa: PLC0415 (keeps start-up small)

    try:
        return resolve_language(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from e


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code.

    Args:
        argv: Arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
        ``0`` on success, ``1`` when ``analyze --fail-on`` finds a flag that is not waived
        (and when ``diff`` sees a tag added or a flag appear), ``2`` for unreadable input
        or bad usage.

    """
    # A run builds many acyclic objects: cycle collection only costs. It is turned back on
    # for a caller that runs the command line in its own process (tests, embedding tools).
    for stream in (sys.stdout, sys.stderr):
        # A character no encoding of the terminal holds is escaped, never an error.
        reconfigure = getattr(stream, "reconfigure", None)
        if callable(reconfigure):
            reconfigure(errors="backslashreplace")
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # Ctrl-C, wherever it comes: one line, never a traceback.
        _silence_stdout()
        print("tagsig: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if collecting:
            gc.enable()


def run() -> NoReturn:
    """Run the command line as the ``tagsig`` program and exit with its exit code.

    Unlike :func:`main`, meant for a process of its own: before exiting, every object
    left is moved out of the cycle collector's reach (:func:`gc.freeze`), so that the
    interpreter's last collections at exit do not walk the whole heap of the run (a
    fifth of a short run's time). Exit handlers still run.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.max_input_bytes is not None:
        if args.max_input_bytes < 1:
            _parser().error(f"--max-input-bytes: expected at least 1, found {args.max_input_bytes}")
        # Through the environment, so that every reader and every batch worker sees it.
        os.environ[MAX_INPUT_ENV] = str(args.max_input_bytes)
    try:
        code = _run(args)
        sys.stdout.flush()
    except TagsigError as error:
        _print_errors(_error_lines(error))
        return EXIT_INPUT
    except OSError as error:
        # Every reader turns its own OSErrors into TagsigErrors: what is left is writing.
        if error.errno not in _OUTPUT_ERRNOS:
            _print_errors([f"unexpected {type(error).__name__}: {error}"])
            return EXIT_INPUT
        _silence_stdout()
        _print_errors([f"<stdout>: cannot write the output: {error.strerror or error}"])
        return EXIT_INPUT
    except Exception as error:  # one line, never a traceback
        _print_errors([f"unexpected {type(error).__name__}: {error}"])
        return EXIT_INPUT
    return code


def _run(args: argparse.Namespace) -> int:
    if args.command == "analyze":
        return _analyze(args)
    if args.command == "diff":
        return run_diff_command(args)
    if args.command == "batch":
        return run_batch_command(args)
    if args.command == "show":
        return run_show_command(args, _parser())
    if args.command == "catalogue":
        return run_catalogue_command(args, _parser())
    if not args.captures and not args.cookies:
        _parser().error("inspect needs at least one CAPTURE or --cookies JAR")
    captures, jars = _read_inputs(args.captures, args.cookies)
    from tagsig._render.inspect import render_inspect  # noqa: PLC0415 (keeps start-up small)

    write_output(args.output, render_inspect(captures, jars, args.format))
    return EXIT_OK


def _print_errors(lines: Sequence[str]) -> None:
    from tagsig._render.common import printable  # noqa: PLC0415 (only on errors)

    for line in lines:
        # A pointer or a value quoted from an input can be megabytes long.
        text = line if len(line) <= _MAX_ERROR else line[: _MAX_ERROR - 3] + "..."
        print(f"tagsig: error: {printable(text)}", file=sys.stderr)


def _silence_stdout() -> None:
    """Send what standard output still buffers nowhere, so exiting cannot fail again."""
    try:
        fileno = sys.stdout.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fileno)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's capture)
        pass


def _analyze(args: argparse.Namespace) -> int:
    from tagsig._analysis.analyze import analyze  # noqa: PLC0415 (keeps start-up small)
    from tagsig._i18n import resolve_language  # noqa: PLC0415
    from tagsig._render.formats import render  # noqa: PLC0415

    report = analyze(
        _captures(args.captures),
        cookies=args.cookies,
        signatures=args.signatures or None,
        first_party=args.first_party,
        identifiers=args.identifier,
        policy=args.policy,
    )
    lang = resolve_language(args.lang)
    to_stdout = args.output in {None, STDIO}
    if args.explain:
        from tagsig._render.text import explain_tag  # noqa: PLC0415

        if report.tag(args.explain) is None:
            found = ", ".join(t.id for t in report.tags) or "none"
            print(
                f"tagsig: error: no tag {args.explain!r} in the report (tags: {found})",
                file=sys.stderr,
            )
            return EXIT_INPUT
        text = explain_tag(report, args.explain, lang=lang)
    elif args.format == "text" and to_stdout and _is_color_terminal(sys.stdout):
        from tagsig._render.text import render_text  # noqa: PLC0415

        text = render_text(report, color=True, width=shutil.get_terminal_size().columns, lang=lang)
    elif args.format == "markdown":
        text = _markdown(report, args, lang)
    else:
        # Machine formats gain translated messages only when --lang asks for them.
        text = render(
            report, args.format, lang=args.lang if args.format in {"json", "sarif"} else lang
        )
    write_output(args.output, text, what="the report")
    if args.fail_on is not None:
        from tagsig._analysis.policy import failing_flags  # noqa: PLC0415

        failing = failing_flags(report, args.fail_on)
        if failing:
            count = len(failing)
            print(
                f"tagsig: {count} flag{'s' if count != 1 else ''} at or above "
                f"{args.fail_on} severity not waived: {_failing_tags(failing)}",
                file=sys.stderr,
            )
            return EXIT_POLICY
    return EXIT_OK


def _failing_tags(flags: Sequence[Flag], most: int = 10) -> str:
    """Name the tags (``(site)`` for the site) whose flags fail, each with its rules."""
    rules: dict[str, dict[str, None]] = {}
    for flag in flags:
        rules.setdefault(flag.tag or "(site)", {})[flag.rule] = None
    named = [f"{tag} ({', '.join(r)})" for tag, r in list(rules.items())[:most]]
    if len(rules) > most:
        named.append(f"and {len(rules) - most} more")
    return "; ".join(named)


def _markdown(report: Report, args: argparse.Namespace, lang: str) -> str:
    from tagsig._analysis.saved import load_report_document  # noqa: PLC0415
    from tagsig._render.compare import diff_reports  # noqa: PLC0415
    from tagsig._render.markdown import render_markdown  # noqa: PLC0415

    diff = None
    if args.baseline:
        document = load_report_document(args.baseline)
        if document is None:
            raise InputError(
                "expected a tagsig JSON report (--format json) as the baseline", path=args.baseline
            )
        diff = diff_reports(document, report, old_name=args.baseline)
    return render_markdown(report, max_chars=args.max_chars or None, baseline=diff, lang=lang)


def _is_color_terminal(stream: TextIO) -> bool:
    """Whether to colour ``stream``.

    Never when ``NO_COLOR`` is set and not empty (https://no-color.org); always when
    ``FORCE_COLOR`` is (https://force-color.org), as for a CI log that shows colour;
    otherwise only on a terminal.
    """
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(callable(isatty) and isatty())


def _captures(paths: Sequence[str]) -> list[str | Capture]:
    """Return the captures named on the command line, ``-`` read from standard input."""
    if sum(path == STDIO for path in paths) > 1:
        raise InputError("standard input (-) can be read only once")
    if STDIO not in paths:
        return list(paths)
    from tagsig._inputs.har.reader import load_har  # noqa: PLC0415 (keeps start-up small)

    return [load_har(sys.stdin.buffer, name="<stdin>") if path == STDIO else path for path in paths]


def _error_lines(error: TagsigError) -> list[str]:
    if isinstance(error, BaseExceptionGroup):
        return [str(sub) for sub in error.exceptions]
    return [str(error)]


def _read_inputs(
    capture_paths: Sequence[str], jar_paths: Sequence[str]
) -> tuple[list[Capture], list[CookieJar]]:
    from tagsig._inputs.cookies.jars import load_cookies  # noqa: PLC0415 (keeps start-up small)
    from tagsig._inputs.har.reader import load_har  # noqa: PLC0415

    return (
        [c if isinstance(c, Capture) else load_har(c) for c in _captures(capture_paths)],
        [load_cookies(p) for p in jar_paths],
    )

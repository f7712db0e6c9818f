"""Whole ``tagsig analyze`` process against a process that only parses the file with orjson.

Usage::

    python benchmarks/bench_analyze.py [HAR] [--entries N] [--repeat R] [--phases] [--floor]
    python benchmarks/bench_analyze.py --growth [--repeat R]

Without a file, a synthetic capture of N entries (default 10,000, about 55 MB) is written
with ``../shared/tools/gen_har.py``. Each command runs R times, alternating, in a fresh
interpreter; the best CPU times (user + system) are compared. Printed: the time ratio
(below 1 means tagsig's whole analysis is faster than a bare ``orjson.loads`` of the file)
and each process's peak resident memory as a multiple of the file size.

The processes run with bytecode caching on, as an installed package runs (pip writes the
bytecode at install time): ``PYTHONDONTWRITEBYTECODE`` is dropped and the bytecode goes to
a temporary ``PYTHONPYCACHEPREFIX``, written by one untimed run of each command.
``--no-bytecode`` measures with every module compiled from source instead. With ``--phases``,
also where tagsig's process spends its CPU time, each phase as a multiple of the whole
``orjson.loads`` process.

With ``--floor``, also a lower bound for any reader into tagsig's model: a process in which
msgspec decodes the log in one pass, leaving headers and cookies as raw JSON, and one
``tagsig.Entry`` is built per request with its start time and page but no URL split,
headers, cookies, initiator or timings. What tagsig's reader costs above it is the model's
content.

With ``--growth``, instead: synthetic captures of 1,000, 10,000 and 40,000 entries, and for
each the whole process's CPU time per entry and peak memory per byte of the file, with the
ratio of each to its value at 1,000 entries (1.00 is flat growth; the fixed cost of
start-up, imports and signatures weighs most at 1,000 entries, so the ratios fall below 1).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GENERATOR = REPO.parent / "shared" / "tools" / "gen_har.py"

# The program's entry point, as the ``tagsig`` script runs it (``main`` in older checkouts).
_TAGSIG = (
    "import sys; from tagsig._cli import main as cli; "
    "sys.argv[1:] = ['analyze', sys.argv[1], '--format', 'json', '--output', '/dev/null']; "
    "getattr(cli, 'run', lambda: sys.exit(cli.main()))()"
)
_ORJSON = "import sys, orjson; orjson.loads(open(sys.argv[1], 'rb').read())"
# The floor reader of --floor (see the module documentation).
_FLOOR = """
import gc, sys
gc.disable()
from datetime import datetime
import msgspec
from tagsig._inputs.models import Entry, Headers, Url

class Request(msgspec.Struct):
    url: str
    headers: msgspec.Raw = msgspec.Raw(b"[]")
    cookies: msgspec.Raw = msgspec.Raw(b"[]")

class Response(msgspec.Struct):
    status: float | None = None
    headers: msgspec.Raw = msgspec.Raw(b"[]")
    cookies: msgspec.Raw = msgspec.Raw(b"[]")

class Item(msgspec.Struct):
    startedDateTime: str
    request: Request
    response: Response | None = None
    pageref: str | None = None

class Log(msgspec.Struct):
    entries: list[Item]

class Har(msgspec.Struct):
    log: Log

log = msgspec.json.decode(open(sys.argv[1], "rb").read(), type=Har).log
url, headers = Url(raw="", scheme="", host="", port=None), Headers(())
entries = tuple(
    Entry(index=index, pageref=item.pageref, started=datetime.fromisoformat(
              item.startedDateTime), time=0.0, method="GET", url=url, http_version="",
          status=0, request_headers=headers, response_headers=headers, request_cookies=(),
          response_cookies=(), post_data=None, mime_type="", request_headers_size=None,
          request_body_size=None, response_headers_size=None, response_body_size=None,
          content_size=None, transfer_size=None, timings=None, server_ip=None,
          connection=None, initiator=None, resource_type=None, redirect_url=None,
          error=None, from_cache=False)
    for index, item in enumerate(log.entries)
)
"""
# The analysis of _TAGSIG split into its phases, timed in one process (as the CLI: no gc).
_PHASES = """
import gc, sys, time
gc.disable()
clock = time.process_time
marks = [("start", clock())]
from tagsig._analysis.analyze import build_report
from tagsig._audit.attribute import attribute
from tagsig._inputs.har.reader import load_har
from tagsig._signatures.match import Matcher
from tagsig._render.formats import render
from tagsig._signatures.load import load_signatures
marks.append(("imports", clock()))
capture = load_har(sys.argv[1])
marks.append(("reading", clock()))
matcher = Matcher.compile(load_signatures())
marks.append(("signatures", clock()))
attribution = attribute((capture,), (), matcher, ())
marks.append(("attribution", clock()))
report = build_report(attribution)
marks.append(("rules and report", clock()))
render(report, "json")
marks.append(("JSON", clock()))
for (_, before), (name, after) in zip(marks, marks[1:]):
    print(name, after - before)
"""
# Runs a command; prints its CPU time (user + system, seconds) and peak resident set (kB).
# CPU time rather than wall time: it varies far less when other work shares the machine.
_MEASURE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "r = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(r.ru_utime + r.ru_stime, r.ru_maxrss)"
)


def _run(code: str, path: Path, env: dict[str, str]) -> tuple[float, int]:
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "-c", code, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    cpu, peak = result.stdout.split()[-2:]
    return float(cpu), int(peak) * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--phases", action="store_true", help="also print where the time goes, phase by phase"
    )
    parser.add_argument(
        "--no-bytecode", action="store_true", help="compile every module from source in every run"
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also time the floor reader (a lower bound for any reader)",
    )
    parser.add_argument(
        "--growth",
        action="store_true",
        help="time per entry and memory per byte at 1k, 10k and 40k entries",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ)
        if args.no_bytecode:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "bytecode")
        if args.growth:
            _print_growth(Path(folder), args.repeat, env, warm=not args.no_bytecode)
            return
        path = args.file
        if path is None:
            path = _generate(Path(folder) / "synthetic.har", args.entries)
        size = path.stat().st_size
        ours: list[tuple[float, int]] = []
        base: list[tuple[float, int]] = []
        if not args.no_bytecode:  # write the bytecode
            _run(_TAGSIG, path, env)
            _run(_ORJSON, path, env)
        for _ in range(args.repeat):
            ours.append(_run(_TAGSIG, path, env))
            base.append(_run(_ORJSON, path, env))
        best_ours, best_base = min(t for t, _ in ours), min(t for t, _ in base)
        print(f"capture: {size / 1e6:.1f} MB")
        print(
            f"tagsig analyze process / orjson.loads process (CPU time): {best_ours / best_base:.2f}"
        )
        print(f"tagsig analyze peak memory / file size: {max(m for _, m in ours) / size:.2f}")
        print(f"orjson.loads peak memory / file size:   {max(m for _, m in base) / size:.2f}")
        if args.phases:
            _print_phases(path, best_base, args.repeat, env)
        if args.floor:
            _run(_FLOOR, path, env)  # write its bytecode
            floor = min(_run(_FLOOR, path, env)[0] for _ in range(args.repeat))
            print(
                f"floor reader process / orjson.loads process (CPU time): {floor / best_base:.2f}"
            )


def _generate(path: Path, entries: int) -> Path:
    if not GENERATOR.is_file():
        sys.exit("no HAR given and no generator at ../shared/tools/gen_har.py")
    subprocess.run(
        [sys.executable, str(GENERATOR), str(path), str(entries), "--seed", "1"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return path


GROWTH_SIZES = (1_000, 10_000, 40_000)


def _print_growth(folder: Path, repeat: int, env: dict[str, str], *, warm: bool) -> None:
    """Print CPU time per entry and peak memory per file byte of whole processes."""
    rows: list[tuple[int, float, float]] = []
    for entries in GROWTH_SIZES:
        path = _generate(folder / f"growth-{entries}.har", entries)
        if warm:
            _run(_TAGSIG, path, env)  # write the bytecode
        runs = [_run(_TAGSIG, path, env) for _ in range(repeat)]
        size = path.stat().st_size
        rows.append((entries, min(t for t, _ in runs) / entries, max(m for _, m in runs) / size))
        path.unlink()
    first_time, first_memory = rows[0][1], rows[0][2]
    print(f"{'entries':>8} {'ms/entry':>9} {'ratio':>6} {'peak B/byte':>12} {'ratio':>6}")
    for entries, per_entry, per_byte in rows:
        print(
            f"{entries:>8,} {per_entry * 1e3:>9.3f} {per_entry / first_time:>6.2f} "
            f"{per_byte:>12.2f} {per_byte / first_memory:>6.2f}"
        )


def _print_phases(path: Path, base: float, repeat: int, env: dict[str, str]) -> None:
    """Print each phase's best CPU time over ``repeat`` runs, as a multiple of ``base``."""
    best: dict[str, float] = {}
    for _ in range(repeat):
        result = subprocess.run(
            [sys.executable, "-c", _PHASES, str(path)],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        for line in result.stdout.splitlines():
            name, _, text = line.rpartition(" ")
            best[name] = min(best.get(name, float("inf")), float(text))
    print("phases (best CPU time / orjson.loads process):")
    for name, seconds in best.items():
        print(f"  {name:<18}{seconds / base:>6.2f}")
    print(f"  {'sum':<18}{sum(best.values()) / base:>6.2f}  (plus interpreter start-up)")


if __name__ == "__main__":
    main()

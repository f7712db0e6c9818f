"""Throughput of ``tagsig batch --jobs 1``: captures per second, and CPU time per capture.

Usage::

    python benchmarks/bench_batch.py [DIR] [--repeat R] [--baseline SRC]

``DIR`` defaults to the shared corpus (``../shared/corpus/har``). Each run is a fresh
``tagsig batch DIR --jobs 1 --output FILE`` process; printed are the best of R runs of
the rate the command itself prints (``captures/s``, wall clock, from the signature
database's loading to the last line) and of the CPU time (user + system) of the whole
process, per capture. On a machine shared with other work the wall-clock rate follows the
load; the CPU time follows it much less.

With ``--baseline SRC`` (the ``src`` folder of another checkout, for instance
``/work/main/src``), the same command runs alternately with that source tree first on
``PYTHONPATH``, and the ratio of the best CPU times is printed (below 1: this checkout
is faster).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "har"
_RATE = re.compile(r"(\d+) captures \(\d+ failed\) in [\d.]+ s with \d+ jobs?: ([\d.]+) captures/s")
# The program's entry point, as the ``tagsig`` script runs it (``main`` in older checkouts).
_COMMAND = (
    "import sys; from tagsig._cli import main as cli; "
    "getattr(cli, 'run', lambda: sys.exit(cli.main()))()"
)


def _run(folder: Path, output: Path, source: str | None) -> tuple[float, float, int]:
    """Run one batch; return its printed rate, its CPU seconds and its capture count."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = source + os.pathsep + env.get("PYTHONPATH", "")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _COMMAND,
            "batch",
            str(folder),
            "--jobs",
            "1",
            "--output",
            str(output),
            "--no-progress",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = _RATE.search(done.stderr)
    if found is None:
        raise SystemExit(f"no rate in the command's output: {done.stderr!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return float(found.group(2)), cpu, int(found.group(1))


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--baseline", metavar="SRC", help="src folder of another checkout, run alternately"
    )
    args = parser.parse_args()
    sides: dict[str, str | None] = {"this checkout": None}
    if args.baseline:
        sides["baseline"] = args.baseline
    rates: dict[str, list[float]] = {name: [] for name in sides}
    cpus: dict[str, list[float]] = {name: [] for name in sides}
    count = 0
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "lines.jsonl"
        for _ in range(args.repeat):
            for name, source in sides.items():
                rate, cpu, count = _run(args.folder, output, source)
                rates[name].append(rate)
                cpus[name].append(cpu)
    for name in sides:
        print(
            f"{name}: {count} captures, best {max(rates[name]):.1f} captures/s "
            f"(runs: {', '.join(f'{r:.1f}' for r in rates[name])}); process CPU "
            f"{min(cpus[name]) / count * 1000:.1f} ms per capture (best of {args.repeat})"
        )
    if args.baseline:
        print(
            f"CPU time ratio, this checkout / baseline: "
            f"{min(cpus['this checkout']) / min(cpus['baseline']):.2f}"
        )


if __name__ == "__main__":
    main()

"""Throughput of the HAR reader against json.load and orjson.loads on the same files.

Usage::

    python benchmarks/bench_readers.py [HAR ...] [--synthetic N] [--repeat R]

Without files, it reads the shared corpus (``../shared/corpus/har``) when present and a
synthetic capture of N entries written by ``../shared/tools/gen_har.py`` (default 10,000,
about 55 MB). It prints ratios, not absolute times: the machines are shared and noisy.
A ratio below 1 means tagsig is faster than the baseline.

It takes the minimum over R runs of reading each file with ``tagsig.load_har`` (from
the path: reading the file is included), ``json.loads`` and ``orjson.loads`` (file bytes
already in memory). ``benchmarks/bench_analyze.py`` measures whole processes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

import tagsig

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def _best(function: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def _in_process(paths: list[Path], repeat: int) -> None:
    print(f"{'file':52} {'MB':>6} {'vs json':>8} {'vs orjson':>9}")
    totals = [0.0, 0.0, 0.0]
    for path in paths:
        data = path.read_bytes()
        ours = _best(lambda p=path: tagsig.load_har(p), repeat)  # type: ignore[misc]
        base_json = _best(lambda d=data: json.loads(d.decode("utf-8-sig")), repeat)  # type: ignore[misc]
        base_orjson = _best(lambda d=data: orjson.loads(d.removeprefix(b"\xef\xbb\xbf")), repeat)  # type: ignore[misc]
        totals = [totals[0] + ours, totals[1] + base_json, totals[2] + base_orjson]
        print(
            f"{path.name[:52]:52} {len(data) / 1e6:6.1f} {ours / base_json:8.2f} "
            f"{ours / base_orjson:9.2f}"
        )
    print(
        f"{'all files (sum of times)':52} {'':6} {totals[0] / totals[1]:8.2f} "
        f"{totals[0] / totals[2]:9.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--synthetic", type=int, default=10_000, metavar="N")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    paths: list[Path] = list(args.files)
    if not paths and (SHARED / "corpus" / "har").is_dir():
        paths = sorted((SHARED / "corpus" / "har").glob("*.har"))
    with tempfile.TemporaryDirectory() as folder:
        synthetic = None
        generator = SHARED / "tools" / "gen_har.py"
        if args.synthetic and generator.is_file():
            synthetic = Path(folder) / f"synthetic-{args.synthetic}.har"
            subprocess.run(
                [
                    sys.executable,
                    str(generator),
                    str(synthetic),
                    str(args.synthetic),
                    "--seed",
                    "1",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            paths.append(synthetic)
        if not paths:
            sys.exit("no HAR files to read: pass some, or provide ../shared")
        _in_process(paths, args.repeat)


if __name__ == "__main__":
    main()

"""Throughput of the HAR reader against json.load and orjson.loads on the same files.

Usage::

    python benchmarks/bench_readers.py [HAR ...] [--synthetic N] [--repeat R]

Without files, it reads the shared corpus (``../shared/corpus/har``) when present and a
synthetic capture of N entries written by ``../shared/tools/gen_har.py`` (default 10,000,
about 55 MB). It prints ratios, not absolute times: the machines are shared and noisy.
A ratio below 1 means tagsig is faster than the baseline.

Two measures are taken:

* in-process: the minimum over R runs of reading each file with ``tagsig.load_har``,
  ``json.loads`` and ``orjson.loads`` (file bytes already in memory for the baselines);
* whole process (synthetic file only): a fresh interpreter that reads the file with
  tagsig, against one that only runs ``orjson.loads`` on it, with peak resident memory
  as a multiple of the file size.
"""

from __future__ import annotations

import argparse
import json
import resource
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
        print(f"{path.name[:52]:52} {len(data) / 1e6:6.1f} {ours / base_json:8.2f} "
              f"{ours / base_orjson:9.2f}")
    print(f"{'all files (sum of times)':52} {'':6} {totals[0] / totals[1]:8.2f} "
          f"{totals[0] / totals[2]:9.2f}")


_CHILD_TAGSIG = "import sys, tagsig; from tagsig._cli import main; sys.exit(main(['inspect', sys.argv[1]]))"  # noqa: E501
_CHILD_ORJSON = "import sys, orjson; orjson.loads(open(sys.argv[1], 'rb').read())"


def _child(code: str, path: Path) -> tuple[float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(path)], check=True,
                   stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, max(after.ru_maxrss, before.ru_maxrss) * 1024


def _whole_process(path: Path, repeat: int) -> None:
    size = path.stat().st_size
    ours = min(_child(_CHILD_TAGSIG, path)[0] for _ in range(repeat))
    base = min(_child(_CHILD_ORJSON, path)[0] for _ in range(repeat))
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: measure ours in a fresh
    # helper process so the orjson child does not mask it.
    probe = subprocess.run(
        [sys.executable, "-c",
         "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
         "stdout=subprocess.DEVNULL); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
         sys.executable, "-c", _CHILD_TAGSIG, str(path)],
        check=True, capture_output=True, text=True,
    )
    peak = int(probe.stdout.strip()) * 1024
    print(f"whole process, {size / 1e6:.0f} MB synthetic capture:")
    print(f"  tagsig inspect / orjson.loads process time: {ours / base:.2f}")
    print(f"  tagsig peak memory / file size:             {peak / size:.2f}")


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
            subprocess.run([sys.executable, str(generator), str(synthetic),
                            str(args.synthetic), "--seed", "1"], check=True,
                           stdout=subprocess.DEVNULL)
            paths.append(synthetic)
        if not paths:
            sys.exit("no HAR files to read: pass some, or provide ../shared")
        _in_process(paths, args.repeat)
        if synthetic is not None:
            _whole_process(synthetic, args.repeat)


if __name__ == "__main__":
    main()

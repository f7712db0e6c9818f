"""Time and memory of the readers and the analysis on inputs built to cost them.

Usage::

    python benchmarks/bench_hostile.py [--scale S]

Each case builds its input in a temporary directory and prints the seconds taken and the
peak of memory allocated meanwhile (``tracemalloc``, so the interpreter's own allocations
only). ``--scale`` multiplies the sizes (default 1; the performance page quotes 1).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.builders import entry, har  # noqa: E402

import tagsig  # noqa: E402
from tagsig._inputs.url import parse_url  # noqa: E402


def _measure(name: str, work: Callable[[], object]) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        work()
        outcome = "read"
    except tagsig.TagsigError as error:
        outcome = f"refused: {error.message[:50]}"
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{name:48} {elapsed:7.2f} s {peak / 2**20:8.1f} MiB  {outcome}")


def _long_pattern(directory: Path, kind: str, length: int) -> tagsig.SignatureDB:
    document = json.loads(
        (REPO / "tests" / "fixtures" / "signatures" / "layer-override.json").read_text(
            encoding="utf-8"
        )
    )
    signature = document["signatures"][0]
    signature["cookies"] = [{"name": "ab" * (length // 2), "match": kind, "lifetime_days": 1}]
    document["signatures"] = [signature]
    path = directory / f"{kind}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return tagsig.load_signatures(path)


def _jar(directory: Path, rows: int) -> Path:
    path = directory / "Cookies"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE cookies (host_key TEXT, name TEXT, value TEXT, "
            "path TEXT, expires_utc INTEGER, is_secure INTEGER, "
            "is_httponly INTEGER, samesite INTEGER, is_persistent INTEGER)"
        )
        connection.executemany(
            "INSERT INTO cookies VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (f".s{i % 1000}.example", f"n{i}", "v", "/", 13_300_000_000_000_000, 0, 0, 1, 1)
                for i in range(rows)
            ),
        )
    connection.close()
    return path


def _tiny_entries(directory: Path, count: int) -> Path:
    path = directory / "tiny.har"
    with path.open("w", encoding="utf-8") as out:
        out.write('{"log": {"entries": [')
        out.write(
            ",".join(
                '{"startedDateTime": "2024-01-01T00:00:00Z", "request": '
                f'{{"url": "https://a.example/{i}"}}}}'
                for i in range(count)
            )
        )
        out.write("]}}")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    scale = parser.parse_args().scale

    def n(base: int) -> int:
        return max(1, int(base * scale))

    database = tagsig.load_signatures()
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        labels = n(5_000_000)
        url = "https://" + "a." * labels + "example/"
        _measure(f"host of {labels:,} dotted labels", lambda: parse_url(url))
        pieces = n(40_000)
        value = ".".join(["a1b2c3d4"] * pieces)
        capture = har(
            entry(
                "https://www.googletagmanager.com/gtm.js?id=GTM-1",
                request_headers={"Cookie": f"_ga={value}"},
            ),
            entry(f"https://www.google-analytics.com/g/collect?cid={value}"),
        )
        _measure(
            f"cookie value of {pieces:,} dotted pieces",
            lambda: tagsig.analyze(capture, signatures=database),
        )
        for kind in ("prefix", "suffix", "regex"):
            length = n(40_000)
            patterns = _long_pattern(directory, kind, length)
            name = "ab" * (length // 2) + "x"
            named = har(entry("https://acme.io/", request_headers={"Cookie": f"{name}=1"}))
            _measure(
                f"{length:,}-character {kind} cookie pattern",
                functools.partial(tagsig.analyze, named, signatures=patterns),
            )
        rows = n(300_000)
        jar = _jar(directory, rows)
        _measure(f"Chrome jar of {rows:,} rows", lambda: tagsig.load_cookies(jar))
        count = n(200_000)
        tiny = _tiny_entries(directory, count)
        _measure(
            f"capture of {count:,} tiny entries ({tiny.stat().st_size / 2**20:.0f} MiB)",
            lambda: tagsig.load_har(tiny),
        )
        bomb = gzip.compress(b" " * n(200_000_000))
        _measure(
            f"gzip bomb of {n(200_000_000):,} bytes, limit 100 MB",
            lambda: tagsig.load_har(bomb, max_bytes=100_000_000),
        )


if __name__ == "__main__":
    main()

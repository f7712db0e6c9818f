"""Measure the ownership questions of the bundled database on 10,000 request hosts.

Run with ``python benchmarks/bench_ownership.py``. The hosts are those of the shared
corpus captures (``../shared/corpus/har``) when present, else synthetic ones, repeated
to 10,000 look-ups as a large capture would ask them. It prints the time to build the
ownership index and the Related Website Sets, and the cost of each question for the
whole workload, with a fresh database (cold) and again (warm).
"""

from __future__ import annotations

import gc
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from tagsig._signatures.load import _bundled_db
from tagsig._signatures.model import SignatureDB

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "har"
WORKLOAD = 10_000


def corpus_hosts() -> list[str]:
    hosts: set[str] = set()
    for path in sorted(CORPUS.glob("*.har")):
        try:
            log = json.loads(path.read_text(encoding="utf-8", errors="replace"))["log"]
        except (ValueError, KeyError, TypeError):
            continue
        for entry in log.get("entries", []):
            host = urlsplit(str(entry.get("request", {}).get("url", ""))).hostname
            if host:
                hosts.add(host)
    return sorted(hosts)


def workload() -> list[str]:
    hosts = corpus_hosts() or [f"cdn{i}.site{i % 700}.com" for i in range(3000)]
    rng = random.Random(1)
    return [rng.choice(hosts) for _ in range(WORKLOAD)]


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    gc.disable()
    hosts = workload()
    bundled = _bundled_db()
    print(
        f"{len(set(hosts)):,} distinct hosts, {len(hosts):,} look-ups each; "
        f"{len(bundled.organisations):,} organisations, {len(bundled):,} signatures"
    )

    def fresh() -> SignatureDB:
        return SignatureDB(signatures=bundled.signatures, organisations=bundled.organisations)

    db = fresh()
    print(f"index build: {timed(lambda: db.organisation('google')) * 1000:.1f} ms")
    print(
        f"first related_domains (reads the suffix list and the Related Website Sets): "
        f"{timed(lambda: db.related_domains('example.com')) * 1000:.1f} ms"
    )
    for name in ("domain_owner", "hosting_platform", "related_domains"):
        cold_db = fresh()
        cold_db.organisation("google")
        cold_db.related_domains("example.com")
        question: Callable[[str], object] = getattr(cold_db, name)

        def ask(question: Callable[[str], object] = question) -> None:
            for host in hosts:
                question(host)

        cold = timed(ask)
        warm = timed(ask)
        print(
            f"{name:<18} cold {cold * 1000:7.1f} ms   warm {warm * 1000:7.1f} ms"
            f"   ({cold / len(hosts) * 1e6:.2f} us per cold look-up)"
        )


if __name__ == "__main__":
    main()

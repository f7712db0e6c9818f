"""Measure matcher look-ups per second on synthetic databases of N and 10 x N signatures.

Run with ``python benchmarks/bench_match.py [N]``; ``--growth`` instead times one look-up
against 10, 100 and 1,000 cookie regexes and 1, 10, 100 and 1,000 URL prefixes on one
host, and prints the ratio of the largest to the smallest (ideally 1).

The workload is fixed: the same hosts, URLs and cookie names (hits and misses) are looked
up against both databases, so the ratio of the two timings shows how look-up cost grows
with the database (ideally 1).
Every fourth signature also has generic cookie names bound to its own domain (``uid``,
``ts``), so that cookie look-ups with a domain also walk the bound rules.
"""

from __future__ import annotations

import functools
import gc
import random
import string
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from tagsig._inputs.models import Url
from tagsig._signatures.match import Matcher
from tagsig._signatures.model import CookiePattern, MatchKind, Signature, UrlPattern, Vendor

KINDS: tuple[MatchKind, ...] = (
    "exact",
    "exact",
    "exact",
    "prefix",
    "prefix",
    "suffix",
    "contains",
    "regex",
)
WORKLOAD = 20_000


def word(rng: random.Random, low: int = 4, high: int = 10) -> str:
    return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(low, high)))


def cookie_name(rng: random.Random) -> str:
    return "_" + word(rng, 3, 8) + rng.choice(["", "_id", "Session", "_v2"])


def build(count: int, seed: int) -> list[Signature]:
    rng = random.Random(seed)
    signatures = []
    for index in range(count):
        domain = f"{word(rng)}{index}.com"
        cookies = []
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(KINDS)
            name = cookie_name(rng) + str(index)
            if kind == "regex":
                name = f"{name}_[0-9a-f]+$"
            cookies.append(CookiePattern(name=name, match=kind))
        if index % 4 == 0:
            cookies.extend(
                CookiePattern(name=generic, domains=(domain,)) for generic in ("uid", "ts")
            )
        signatures.append(
            Signature(
                id=f"sig-{index:06d}",
                name=f"Signature {index}",
                vendor=Vendor(name=f"Vendor {index}"),
                category="analytics",
                consent="analytics",
                hosts=(f"*.{domain}", f"cdn.{word(rng)}{index}.net"),
                urls=(UrlPattern(host=f"www.{domain}", path=f"/{word(rng)}/"),),
                cookies=tuple(cookies),
            )
        )
    return signatures


def workload(signatures: Sequence[Signature], seed: int) -> tuple[list[str], list[Url], list[str]]:
    """Half hits on the N-signature database (also present in 10 x N), half misses."""
    rng = random.Random(seed)
    hosts, urls, names = [], [], []
    for _ in range(WORKLOAD):
        signature = rng.choice(signatures)
        if rng.random() < 0.5:
            host = f"{word(rng, 1, 6)}.{signature.hosts[0][2:]}"
            pattern = signature.cookies[0]
            name = pattern.name if pattern.match == "exact" else f"{pattern.name}x"
            if pattern.match == "regex":
                name = pattern.name.removesuffix("_[0-9a-f]+$") + "_beef"
            path = signature.urls[0].path + "x.js"
        else:
            host = f"{word(rng)}.{word(rng)}.org"
            name = cookie_name(rng) + "-miss"
            path = "/" + word(rng)
        hosts.append(host)
        raw = f"https://{host}{path}?v=1"
        urls.append(Url(raw=raw, scheme="https", host=urlsplit(raw).hostname or "", port=None))
        names.append(name)
    return hosts, urls, names


def rate(call: Callable[[], object], count: int) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return count / best


def measure(
    matcher_factory: Callable[[], Matcher], work: tuple[list[str], list[Url], list[str]]
) -> dict[str, float]:
    hosts, urls, names = work
    warm = matcher_factory()
    results = {
        "host (cached)": rate(lambda: [warm.match_host(h) for h in hosts], len(hosts)),
        "url": rate(lambda: [warm.match_url(u) for u in urls], len(urls)),
        "cookie (cached)": rate(lambda: [warm.match_cookie(n) for n in names], len(names)),
    }

    def cold(method: str, items: Sequence[object]) -> float:
        fresh = [matcher_factory() for _ in range(3)]
        times = []
        for matcher in fresh:
            look_up = getattr(matcher, method)
            start = time.perf_counter()
            for item in items:
                look_up(item)
            times.append(time.perf_counter() - start)
        return len(items) / min(times)

    unique_hosts = list(dict.fromkeys(hosts))
    unique_names = list(dict.fromkeys(names))
    results["host (cold)"] = cold("match_host", unique_hosts)
    results["cookie (cold)"] = cold("match_cookie", unique_names)
    # The same names with the host they were seen on, plus the generic "uid" there.
    pairs = list(
        dict.fromkeys([*zip(names, hosts, strict=True), *(("uid", host) for host in hosts)])
    )
    fresh = [matcher_factory() for _ in range(3)]
    times = []
    for matcher in fresh:
        start = time.perf_counter()
        for name, host in pairs:
            matcher.match_cookie(name, host)
        times.append(time.perf_counter() - start)
    results["cookie+domain (cold)"] = len(pairs) / min(times)
    return results


GROWTH_NAMES = 2_000


def _per_lookup(call: Callable[[str], object], items: Sequence[str]) -> float:
    """Best microseconds per call over three rounds, each on a fresh cache-free path."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for item in items:
            call(item)
        best = min(best, time.perf_counter() - start)
    return best / len(items) * 1e6


def growth() -> None:
    """Time cold cookie look-ups against N regexes and URL look-ups against N prefixes."""
    rng = random.Random(4)
    print(f"{'look-up':<34}{'patterns':>10}{'us/look-up':>14}")
    regex_times = []
    for count in (10, 100, 1_000):
        # Regexes without a literal start (the shape that cannot be indexed by prefix).
        cookies = tuple(
            CookiePattern(name=f"[a-z]+_{word(rng, 6, 6)}{i}_[0-9]+$", match="regex")
            for i in range(count)
        )
        signature = Signature(
            id="sig",
            name="S",
            vendor=Vendor(name="V"),
            category="analytics",
            consent="analytics",
            cookies=cookies,
        )
        names = [f"ab_{word(rng, 6, 6)}_{i}" for i in range(GROWTH_NAMES // 2)]
        names += [
            cookies[rng.randrange(count)].name.replace("[a-z]+", "xy").replace("[0-9]+$", "42")
            for _ in range(GROWTH_NAMES // 2)
        ]
        matcher = Matcher.from_signatures([signature])
        # The bare index, without the per-name memo, so every look-up is cold.
        index = matcher._cookies
        regex_times.append(_per_lookup(index.find, names))
        print(f"{'cookie name vs regexes':<34}{count:>10,}{regex_times[-1]:>14.2f}")
    url_times = []
    for count in (1, 10, 100, 1_000):
        urls = tuple(
            UrlPattern(host="cdn.example.com", path=f"/{word(rng, 3, 8)}/{i}/")
            for i in range(count)
        )
        signature = Signature(
            id="sig",
            name="S",
            vendor=Vendor(name="V"),
            category="cdn",
            consent="functional",
            urls=urls,
        )
        matcher = Matcher.from_signatures([signature])
        (rules,) = matcher._url_rules.values()
        targets = [f"/{word(rng)}/x.js" for _ in range(GROWTH_NAMES // 2)]
        targets += [urls[rng.randrange(count)].path + "app.js" for _ in range(GROWTH_NAMES // 2)]
        url_times.append(_per_lookup(rules.find, targets))
        print(f"{'URL path vs prefixes on one host':<34}{count:>10,}{url_times[-1]:>14.2f}")
    print(
        f"ratio largest/smallest: cookie regexes {regex_times[-1] / regex_times[0]:.1f}, "
        f"URL prefixes {url_times[-1] / url_times[0]:.1f}"
    )


def main() -> None:
    if "--growth" in sys.argv[1:]:
        gc.disable()
        growth()
        return
    # As timeit does: keep collector pauses, which grow with the heap, out of the timings.
    gc.disable()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
    small_signatures = build(n, seed=1)
    # The large database contains the small one, so hits stay hits.
    large_signatures = small_signatures + build(9 * n, seed=2)
    large_signatures = [
        s
        if i < n
        else Signature(
            id=f"big-{i:06d}",
            name=s.name,
            vendor=s.vendor,
            category=s.category,
            consent=s.consent,
            hosts=s.hosts,
            urls=s.urls,
            cookies=s.cookies,
        )
        for i, s in enumerate(large_signatures)
    ]
    work = workload(small_signatures, seed=3)
    start = time.perf_counter()
    Matcher.from_signatures(large_signatures)
    print(f"compile {len(large_signatures):,} signatures: {time.perf_counter() - start:.2f} s")
    small: dict[str, float] = {}
    large: dict[str, float] = {}
    for _ in range(2):  # interleaved rounds, best of each, to even out warm-up and noise
        for signatures, best in ((small_signatures, small), (large_signatures, large)):
            measured = measure(functools.partial(Matcher.from_signatures, signatures), work)
            for key, value in measured.items():
                best[key] = max(best.get(key, 0.0), value)
    print(f"{'look-up':<18}{n:>10,} sigs/s{10 * n:>12,} sigs/s{'time ratio 10N/N':>20}")
    for key, small_rate in small.items():
        ratio = small_rate / large[key]
        print(f"{key:<18}{small_rate:>15,.0f}{large[key]:>17,.0f}{ratio:>20.2f}")


if __name__ == "__main__":
    main()

"""Public Suffix List start-up and look-up: tagsig's reader against ``publicsuffixlist``'s own.

Usage::

    python benchmarks/bench_psl.py [--repeat R] [--hosts N]

Each variant runs R times (default 5), the variants taking turns, in a fresh interpreter,
which imports it, reads the list and looks up N hosts (default 20,000, a mix of ICANN,
private, wildcard and unlisted suffixes); the best CPU times of each are printed (CPU
time, as the machine may be shared), start-up (import and reading the list) apart from
the look-ups. Variants:

- ``tagsig``: tagsig's reader on the list file shipped by ``publicsuffixlist`` (what
  tagsig uses), without importing that package;
- ``publicsuffixlist``: that package's own ``PublicSuffixList().privatesuffix``;
- ``tldextract-snapshot``: tagsig's reader on tldextract's private ``.tld_set_snapshot``
  (what tagsig read before), skipped when that file is absent.

A last line times one look-up of a name of 80,000 labels with tagsig's reader.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

_HOSTS = (
    "import itertools\n"
    "bases = ['www.example.com', 'a.b.example.co.uk', 'foo.github.io', 'x.y.city.kawasaki.jp',"
    " 'a.b.c.d.e.f.shop.example', 'cdn.s3.amazonaws.com', 'www.bbc.co.uk', 'xn--85x722f.com.cn']\n"
    "hosts = [f'h{i}.' + b for i, b in zip(range({n}), itertools.cycle(bases), strict=False)]\n"
)
_VARIANTS = {
    "tagsig": (
        "from tagsig._inputs.psl import public_suffix_list\npsl = public_suffix_list()\n",
        "for h in hosts: psl.registrable_domain(h)\n",
    ),
    "publicsuffixlist": (
        "from publicsuffixlist import PublicSuffixList\npsl = PublicSuffixList()\n",
        "for h in hosts: psl.privatesuffix(h)\n",
    ),
    "tldextract-snapshot": (
        "import importlib.util, pathlib\n"
        "from tagsig._inputs.psl import PublicSuffixList\n"
        "spec = importlib.util.find_spec('tldextract')\n"
        "path = pathlib.Path(next(iter(spec.submodule_search_locations))) / '.tld_set_snapshot'\n"
        "psl = PublicSuffixList.parse(path.read_text(encoding='utf-8'))\n",
        "for h in hosts: psl.registrable_domain(h)\n",
    ),
}
_TIMED = (
    "import time\n"
    "t0 = time.process_time()\n"
    "{setup}"
    "t1 = time.process_time()\n"
    "{hosts}"
    "t2 = time.process_time()\n"
    "{lookup}"
    "t3 = time.process_time()\n"
    "print(t1 - t0, t3 - t2)\n"
)


def _run(setup: str, lookup: str, hosts: int) -> tuple[float, float] | None:
    code = _TIMED.format(setup=setup, hosts=_HOSTS.replace("{n}", str(hosts)), lookup=lookup)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        return None
    start, look = result.stdout.split()
    return float(start), float(look)


def main() -> None:
    """Print the best start-up and look-up times of each variant."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--hosts", type=int, default=20_000)
    args = parser.parse_args()
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in _VARIANTS}
    for _ in range(args.repeat):
        for name, (setup, lookup) in _VARIANTS.items():
            if (result := _run(setup, lookup, args.hosts)) is not None:
                results[name].append(result)
    for name, runs in results.items():
        if not runs:
            print(f"{name:22} unavailable")
            continue
        start = min(r[0] for r in runs)
        look = min(r[1] for r in runs)
        print(
            f"{name:22} start-up {start * 1000:7.1f} ms   {args.hosts} look-ups "
            f"{look * 1000:7.1f} ms"
        )
    many = (
        "name = 'a.' * 80_000 + 'example.co.uk'\nfor _ in range(10): psl.registrable_domain(name)\n"
    )
    best = min(r[1] for _ in range(args.repeat) if (r := _run(_VARIANTS["tagsig"][0], many, 1)))
    print(f"{'tagsig, 80,000 labels':22} one look-up {best * 100:7.2f} ms")


if __name__ == "__main__":
    main()

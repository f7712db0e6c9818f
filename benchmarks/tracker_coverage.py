"""How many well-known tracker domains the bundled signature database recognises.

Usage::

    python benchmarks/tracker_coverage.py [LIST] [--database FILE] [--missing]

``LIST`` defaults to ``benchmarks/tracker-domains.txt`` (one domain per line, ``#``
comments). A domain counts as recognised when the matcher attributes the domain itself, its
``www.`` host or a subdomain of it to a signature. ``--database`` reads another database
file instead of the bundled one (for example an older ``data/signatures.json``), and
``--missing`` lists the domains that are not recognised.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tagsig import load_signatures
from tagsig._signatures.match import Matcher

DEFAULT_LIST = Path(__file__).with_name("tracker-domains.txt")


def read_domains(path: Path) -> list[str]:
    """Return the domains of a list file, without comments and blank lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def recognised(matcher: Matcher, domain: str) -> bool:
    """Return True when the domain, its ``www.`` host or a subdomain has a signature."""
    return any(matcher.match_host(host) for host in (domain, f"www.{domain}", f"x1.{domain}"))


def main() -> None:
    """Print the number of domains checked and recognised."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("list", nargs="?", type=Path, default=DEFAULT_LIST)
    parser.add_argument("--database", type=Path)
    parser.add_argument("--missing", action="store_true")
    args = parser.parse_args()
    db = load_signatures(args.database, bundled=False) if args.database else load_signatures()
    matcher = Matcher.compile(db)
    domains = read_domains(args.list)
    missing = [domain for domain in domains if not recognised(matcher, domain)]
    print(f"tracker domains checked: {len(domains)}")
    print(f"recognised: {len(domains) - len(missing)} ({1 - len(missing) / len(domains):.1%})")
    if args.missing:
        print("not recognised:", " ".join(missing))


if __name__ == "__main__":
    main()

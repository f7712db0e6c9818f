"""Count what scripts/organisations.json holds and how much of a set of captures it explains.

Usage::

    python scripts/organisation_stats.py [--organisations scripts/organisations.json]
                                         [--corpus ../shared/corpus/har] [--top 20]

Without ``--corpus`` it prints the counts of records, kinds, ownership links, domains,
hosting entries and sources. With it, it also reads every ``*.har`` file there and prints
the share of requests whose host is claimed by an organisation's ``domains`` or lies under a
``hosting`` entry, and the unclaimed registrable domains with the most requests.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from tagsig._audit.party import registrable_domain


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def read_records(path: Path) -> list[dict[str, object]]:
    """Return the organisation records of ``path`` (objects only)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    entries = document.get("organisations", []) if isinstance(document, dict) else []
    return [entry for entry in entries if isinstance(entry, dict)]


def request_hosts(corpus: Path) -> Iterator[str]:
    """Yield the host of every request URL in the HAR files under ``corpus``."""
    for har in sorted(corpus.glob("*.har")):
        try:
            log = json.loads(har.read_text(encoding="utf-8-sig")).get("log", {})
        except (ValueError, AttributeError):
            continue
        for entry in log.get("entries", []) if isinstance(log, dict) else []:
            url = entry.get("request", {}).get("url") if isinstance(entry, dict) else None
            if not isinstance(url, str):
                continue
            try:
                host = urlsplit(url).hostname
            except ValueError:
                continue
            if host:
                yield host


def main(argv: Sequence[str] | None = None) -> int:
    """Print the counts; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--organisations", type=Path, default=Path("scripts/organisations.json"))
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)

    records = read_records(args.organisations)
    domains = {d: str(org.get("id")) for org in records for d in _strings(org.get("domains"))}
    hosting = [h for org in records for h in _strings(org.get("hosting"))]
    kinds = Counter(str(org.get("kind", "company")) for org in records)
    sources = Counter(s for org in records for s in _strings(org.get("sources")))
    print(f"organisations: {len(records)}")
    print("kinds: " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())))
    print(f"with a parent: {sum(1 for org in records if 'parent' in org)}")
    print(f"with dpf stated: {sum(1 for org in records if 'dpf' in org)}")
    print(f"owned domains: {len(domains)}")
    print(f"hosting entries: {len(hosting)}")
    print("sources: " + ", ".join(f"{source} {n}" for source, n in sorted(sources.items())))

    if args.corpus is not None:
        claimed = 0
        under_hosting = 0
        unclaimed: Counter[str] = Counter()
        total = 0
        for host in request_hosts(args.corpus):
            total += 1
            name = host.lower().rstrip(".")
            if registrable_domain(name) in domains:
                claimed += 1
            elif any(name == h or name.endswith("." + h) for h in hosting):
                under_hosting += 1
            else:
                unclaimed[registrable_domain(name)] += 1
        share = (claimed + under_hosting) / total if total else 0.0
        print(
            f"corpus requests: {total}; owned domain {claimed}, hosting {under_hosting} "
            f"({share:.1%} explained)"
        )
        print(f"unclaimed registrable domains: {len(unclaimed)}; most requested:")
        for domain, count in unclaimed.most_common(args.top):
            print(f"  {count:5d}  {domain}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

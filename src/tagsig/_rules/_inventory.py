"""Inventory rules: ``unknown-third-party`` and ``over-weight``."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from tagsig._attribute import AttributedEntry
from tagsig._measure import script_bytes
from tagsig._report import Flag
from tagsig._rules._base import Finding, RuleContext, TagView, entry_evidence, plural

__all__ = ["over_weight", "page_groups", "unknown_third_party"]

_MARGIN = 3.0
"""How many times the typical value counts as a wide margin."""
_MIN_EXTRA_BYTES = 50_000
_MIN_EXTRA_REQUESTS = 10


def unknown_third_party(context: RuleContext) -> Iterator[Finding]:
    """Report each third-party host that no signature claims (for review)."""
    hosts: dict[str, list[AttributedEntry]] = defaultdict(list)
    probable = {host for host, _ in context.attribution.probably_first_party}
    for attributed in context.attribution.entries:
        if (attributed.signature is None and attributed.third_party
                and attributed.entry.url.host not in probable):
            hosts[attributed.entry.url.host].append(attributed)
    for host, entries in sorted(hosts.items()):
        counts = Counter(a.initiated_by for a in entries if a.initiated_by)
        # Most requests first, as the report's ``initiated_by`` of the host names the tag
        # that caused most of them: the first cause named is always that one.
        causes = sorted(counts, key=lambda tag: (-counts[tag], tag))
        loaded = ""
        if causes:
            names = ", ".join(context.tags[c].signature.name if c in context.tags else c
                              for c in causes)
            loaded = f", caused by {names}"
        yield Finding(tag=None, flag=Flag(
            rule="unknown-third-party", severity="info",
            message=f"{host} is a third party no signature knows "
            f"({plural(len(entries), 'request')}{loaded}): review what it is and whether "
            "it needs consent.",
            evidence=entry_evidence(entries)))


def page_groups(view: TagView) -> dict[tuple[int, str | None], list[AttributedEntry]]:
    """Group a tag's requests by page (input position and page id)."""
    pages: dict[tuple[int, str | None], list[AttributedEntry]] = defaultdict(list)
    for attributed in view.entries:
        pages[(attributed.ref.input, attributed.entry.pageref)].append(attributed)
    return pages


def over_weight(context: RuleContext) -> Iterator[Finding]:
    """Flag tags whose script bytes or requests per page far exceed the typical values."""
    for tag_id, view in context.tags.items():
        facts = view.signature.facts
        if not view.entries or (facts.script_kb is None and facts.requests_per_page is None):
            continue
        pages = page_groups(view)
        problems: list[str] = []
        heaviest: list[AttributedEntry] = []
        if facts.script_kb is not None:
            typical = facts.script_kb * 1000
            _, group = max(pages.items(), key=lambda kv: (
                script_bytes(a.entry for a in kv[1]), -kv[0][0]))
            script = script_bytes(a.entry for a in group)
            if script > typical * _MARGIN and script - typical >= _MIN_EXTRA_BYTES:
                problems.append(f"{script / 1000:.0f} kB of script on one page, where "
                                f"{facts.script_kb:g} kB is typical")
                heaviest = group
        if facts.requests_per_page is not None:
            _, group = max(pages.items(), key=lambda kv: (len(kv[1]), -kv[0][0]))
            count = len(group)
            typical_requests = facts.requests_per_page
            if (count > typical_requests * _MARGIN
                    and count - typical_requests >= _MIN_EXTRA_REQUESTS):
                problems.append(f"{count} requests on one page, where "
                                f"{typical_requests:g} is typical")
                heaviest = heaviest or group
        if problems:
            yield Finding(tag=tag_id, flag=Flag(
                rule="over-weight", severity="low",
                message=f"{view.signature.name} costs far more than usual: "
                f"{'; '.join(problems)}. Check for duplicate installs or extra features.",
                evidence=entry_evidence(heaviest)))

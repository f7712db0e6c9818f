"""Inventory rules: ``unknown-third-party`` and ``over-weight``."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from tagsig._audit.attribute import AttributedEntry
from tagsig._audit.measure import script_bytes
from tagsig._compliance.flags import Count, Message
from tagsig._compliance.messages import make_flag, phrase
from tagsig._compliance.rules.base import Finding, RuleContext, entry_evidence, page_groups

__all__ = ["over_weight", "unknown_third_party"]

_MARGIN = 3.0
"""How many times the typical value counts as a wide margin."""
_MIN_EXTRA_BYTES = 50_000
_MIN_EXTRA_REQUESTS = 10


def unknown_third_party(context: RuleContext) -> Iterator[Finding]:
    """Report each third-party host that no signature claims (for review)."""
    hosts: dict[str, list[AttributedEntry]] = defaultdict(list)
    probable = {host for host, _ in context.attribution.probably_first_party}
    for attributed in context.attribution.entries:
        if (
            attributed.signature is None
            and attributed.third_party
            and attributed.entry.url.host not in probable
        ):
            hosts[attributed.entry.url.host].append(attributed)
    for host, entries in sorted(hosts.items()):
        counts = Counter(a.initiated_by for a in entries if a.initiated_by)
        # Most requests first, as the report's ``initiated_by`` of the host names the tag
        # that caused most of them: the first cause named is always that one.
        causes = sorted(counts, key=lambda tag: (-counts[tag], tag))
        names = ", ".join(
            context.tags[c].signature.name if c in context.tags else c for c in causes
        )
        yield Finding(
            tag=None,
            flag=make_flag(
                rule="unknown-third-party",
                severity="info",
                message_id="unknown-third-party.caused" if causes else "unknown-third-party",
                evidence=entry_evidence(entries),
                host=host,
                requests=Count(len(entries), "request"),
                tags=names,
            ),
        )


def over_weight(context: RuleContext) -> Iterator[Finding]:
    """Flag tags whose script bytes or requests per page far exceed the typical values."""
    for tag_id, view in context.tags.items():
        facts = view.signature.facts
        if not view.entries or (facts.script_kb is None and facts.requests_per_page is None):
            continue
        pages = page_groups(view)
        problems: list[Message] = []
        heaviest: list[AttributedEntry] = []
        if facts.script_kb is not None:
            typical = facts.script_kb * 1000
            _, group = max(
                pages.items(), key=lambda kv: (script_bytes(a.entry for a in kv[1]), -kv[0][0])
            )
            script = script_bytes(a.entry for a in group)
            if script > typical * _MARGIN and script - typical >= _MIN_EXTRA_BYTES:
                problems.append(
                    phrase(
                        "over-weight.script",
                        script=f"{script / 1000:.0f}",
                        typical=f"{facts.script_kb:g}",
                    )
                )
                heaviest = group
        if facts.requests_per_page is not None:
            _, group = max(pages.items(), key=lambda kv: (len(kv[1]), -kv[0][0]))
            count = len(group)
            typical_requests = facts.requests_per_page
            if (
                count > typical_requests * _MARGIN
                and count - typical_requests >= _MIN_EXTRA_REQUESTS
            ):
                problems.append(
                    phrase("over-weight.requests", count=count, typical=f"{typical_requests:g}")
                )
                heaviest = heaviest or group
        if problems:
            both = (
                phrase("over-weight.both", script=problems[0], requests=problems[1])
                if len(problems) > 1
                else problems[0]
            )
            yield Finding(
                tag=tag_id,
                flag=make_flag(
                    rule="over-weight",
                    severity="low",
                    evidence=entry_evidence(heaviest),
                    tag=view.signature.name,
                    problems=both,
                ),
            )

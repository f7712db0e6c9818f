"""Policy rules: tags denied, unlisted or missing, countries not allowed, tags over budget."""

from __future__ import annotations

from collections.abc import Iterator

from tagsig._audit.measure import weigh
from tagsig._compliance.messages import make_flag, phrase
from tagsig._compliance.rules.base import Finding, RuleContext, entry_evidence, page_groups

__all__ = ["policy_rules"]


def policy_rules(context: RuleContext) -> Iterator[Finding]:
    """Check the tags found against the policy (nothing without one)."""
    policy = context.options.policy
    if policy is None:
        return
    where = f" ({policy.source})" if policy.source else ""
    for tag_id, view in context.tags.items():
        name = view.signature.name
        evidence = entry_evidence(view.entries)
        if tag_id in policy.denied_tags:
            yield Finding(
                tag=tag_id,
                flag=make_flag(
                    rule="policy-denied-tag",
                    severity="high",
                    evidence=evidence,
                    tag=name,
                    where=where,
                ),
            )
        elif policy.allowed_tags is not None and tag_id not in policy.allowed_tags:
            yield Finding(
                tag=tag_id,
                flag=make_flag(
                    rule="policy-unlisted-tag",
                    severity="medium",
                    evidence=evidence,
                    tag=name,
                    id=tag_id,
                    where=where,
                ),
            )
        country = (view.signature.vendor.country or "").upper()
        allowed = policy.allowed_countries
        if allowed is not None and view.entries and country not in allowed:
            yield Finding(
                tag=tag_id,
                flag=make_flag(
                    rule="policy-country",
                    severity="high" if country else "medium",
                    message_id="policy-country" if country else "policy-country.unknown",
                    evidence=evidence,
                    tag=name,
                    vendor=view.signature.vendor.name,
                    country=country,
                    where=where,
                    allowed=", ".join(allowed) if allowed else phrase("none"),
                ),
            )
        limit = policy.max_tag_bytes
        if limit is not None and view.entries:
            pages = page_groups(view)
            _, group = max(
                pages.items(),
                key=lambda kv: (weigh(a.entry for a in kv[1]).transfer_bytes, -kv[0][0]),
            )
            cost = weigh(a.entry for a in group).transfer_bytes
            if cost > limit:
                yield Finding(
                    tag=tag_id,
                    flag=make_flag(
                        rule="policy-tag-bytes",
                        severity="medium",
                        evidence=entry_evidence(group),
                        tag=name,
                        bytes=f"{cost:,}",
                        limit=f"{limit:,}",
                        where=where,
                    ),
                )
    present = set(context.tags)
    for tag_id in policy.required_tags:
        if tag_id not in present:
            yield Finding(
                tag=None,
                flag=make_flag(rule="policy-missing-tag", severity="high", where=where, tag=tag_id),
            )

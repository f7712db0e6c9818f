"""Policy rules: tags denied, unlisted or missing, countries not allowed, tags over budget."""

from __future__ import annotations

from collections.abc import Iterator

from tagsig._measure import weigh
from tagsig._report import Flag
from tagsig._rules._base import Finding, RuleContext, entry_evidence
from tagsig._rules._inventory import page_groups

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
            yield Finding(tag=tag_id, flag=Flag(
                rule="policy-denied-tag", severity="high", evidence=evidence,
                message=f"{name} is present although the policy{where} denies it."))
        elif policy.allowed_tags is not None and tag_id not in policy.allowed_tags:
            yield Finding(tag=tag_id, flag=Flag(
                rule="policy-unlisted-tag", severity="medium", evidence=evidence,
                message=f"{name} ({tag_id}) is present but not among the tags the "
                f"policy{where} allows."))
        country = (view.signature.vendor.country or "").upper()
        allowed = policy.allowed_countries
        if allowed is not None and view.entries and country not in allowed:
            found = (f"is based in {country}" if country
                     else "is based in a country tagsig does not know")
            yield Finding(tag=tag_id, flag=Flag(
                rule="policy-country", severity="high" if country else "medium",
                evidence=evidence,
                message=f"{name}'s vendor {view.signature.vendor.name} {found}, which is "
                f"not among the countries the policy{where} allows "
                f"({', '.join(allowed) or 'none'})."))
        limit = policy.max_tag_bytes
        if limit is not None and view.entries:
            pages = page_groups(view)
            _, group = max(pages.items(), key=lambda kv: (
                weigh(a.entry for a in kv[1]).transfer_bytes, -kv[0][0]))
            cost = weigh(a.entry for a in group).transfer_bytes
            if cost > limit:
                yield Finding(tag=tag_id, flag=Flag(
                    rule="policy-tag-bytes", severity="medium",
                    evidence=entry_evidence(group),
                    message=f"{name} costs {cost:,} bytes on one page, more than the "
                    f"{limit:,} the policy{where} allows per tag."))
    present = set(context.tags)
    for tag_id in policy.required_tags:
        if tag_id not in present:
            yield Finding(tag=None, flag=Flag(
                rule="policy-missing-tag", severity="high",
                message=f"The policy{where} requires the tag {tag_id}, which the inputs "
                "do not show."))

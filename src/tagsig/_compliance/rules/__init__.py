"""The compliance rules: a registry of rule families and of vendor checks, and their run.

Every rule is a function from a :class:`RuleContext` to :class:`Finding` objects; vendor
checks are functions from one tag to flags, registered under the ids that signatures name
in ``checks``. :func:`evaluate` runs them all, applies the policy's waivers and sorts the
flags deterministically.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Final

from attrs import evolve, frozen

from tagsig._audit.attribute import Attribution
from tagsig._compliance.consent.timeline import consent_timeline
from tagsig._compliance.flags import SEVERITY_RANK, ConsentSummary, Flag
from tagsig._compliance.policy.model import Policy
from tagsig._compliance.policy.waive import waive
from tagsig._compliance.rules.base import Finding, Rule, RuleContext, RuleOptions
from tagsig._compliance.rules.consent import before_consent
from tagsig._compliance.rules.cookies import (
    cookie_lifetime,
    cross_site_tracking,
    insecure_cookie,
    third_party_cookie,
)
from tagsig._compliance.rules.evidence import detail_flags
from tagsig._compliance.rules.inventory import over_weight, unknown_third_party
from tagsig._compliance.rules.pii import pii_to_third_party
from tagsig._compliance.rules.policy import policy_rules
from tagsig._compliance.rules.transfer import transfer_outside_eea
from tagsig._compliance.rules.vendors import VENDOR_CHECKS

__all__ = [
    "RULES",
    "Evaluation",
    "evaluate",
    "sort_flags",
]


def vendor_checks(context: RuleContext) -> Iterator[Finding]:
    """Run the vendor checks each tag's signature names (unknown ids are skipped)."""
    for tag_id, view in context.tags.items():
        for check_id in view.signature.checks:
            check = VENDOR_CHECKS.get(check_id)
            if check is not None:
                yield from (Finding(tag=tag_id, flag=f) for f in check(view, context))


RULES: Final[tuple[tuple[str, Rule], ...]] = (
    ("consent", before_consent),
    ("cookie-lifetime", cookie_lifetime),
    ("third-party-cookie", third_party_cookie),
    ("cross-site-tracking", cross_site_tracking),
    ("insecure-cookie", insecure_cookie),
    ("pii-to-third-party", pii_to_third_party),
    ("transfer-outside-eea", transfer_outside_eea),
    ("vendor-checks", vendor_checks),
    ("unknown-third-party", unknown_third_party),
    ("over-weight", over_weight),
    ("policy", policy_rules),
)
"""The rule families, in the order they run."""


def sort_flags(flags: Sequence[Flag]) -> tuple[Flag, ...]:
    """Sort flags most serious first, then by rule and message; drop exact duplicates."""
    unique = dict.fromkeys(flags)
    return tuple(sorted(unique, key=lambda f: (SEVERITY_RANK[f.severity], f.rule, f.message)))


@frozen(kw_only=True)
class Evaluation:
    """The flags the rules raised and the consent section."""

    tag_flags: Mapping[str, tuple[Flag, ...]]
    """Flags per tag id, sorted."""
    site_flags: tuple[Flag, ...]
    """Flags about the site rather than one tag, sorted."""
    consent: ConsentSummary


def evaluate(
    attribution: Attribution, *, identifiers: Sequence[str] = (), policy: Policy | None = None
) -> Evaluation:
    """Run every rule over ``attribution``.

    Args:
        attribution: The attributed inputs.
        identifiers: Known identifiers of the visitor (e-mail, user id) to search for in
            requests to third parties, plain and hashed.
        policy: The site's policy: its limits and lists, and the rules it ignores.

    Returns:
        The flags and the consent section.

    """
    timeline = consent_timeline(attribution)
    context = RuleContext(
        attribution=attribution,
        consent=timeline,
        options=RuleOptions(identifiers=tuple(identifiers), policy=policy),
    )
    by_tag: dict[str | None, list[Flag]] = defaultdict(list)
    for _, rule in RULES:
        for finding in rule(context):
            by_tag[finding.tag].append(finding.flag)
    by_tag.update(detail_flags(by_tag, attribution))
    tag_flags = {
        tag: sort_flags(waive(flags, policy, tag))
        for tag, flags in by_tag.items()
        if tag is not None
    }
    return Evaluation(
        tag_flags=tag_flags,
        site_flags=sort_flags(waive(by_tag.get(None, []), policy, None)),
        consent=evolve(timeline.summary(), needing_consent=context.options.consent_purposes),
    )

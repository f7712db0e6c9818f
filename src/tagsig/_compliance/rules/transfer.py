"""Transfers of personal data outside the EEA: ``transfer-outside-eea``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from tagsig._compliance.flags import Severity
from tagsig._compliance.messages import make_flag, phrase
from tagsig._compliance.rules.base import Finding, RuleContext, entry_evidence
from tagsig._signatures.model import EEA

__all__ = ["ADEQUATE", "transfer_outside_eea"]


ADEQUATE: Final = frozenset(
    {
        "AD",
        "AR",
        "CA",
        "CH",
        "FO",
        "GB",
        "GG",
        "IL",
        "IM",
        "JE",
        "JP",
        "KR",
        "NZ",
        "UY",
    }
)
"""Countries with a European Commission adequacy decision (GDPR art. 45), the United
States aside: its decision covers only organisations certified under the Data Privacy
Framework."""


def transfer_outside_eea(context: RuleContext) -> Iterator[Finding]:
    """Flag tags whose vendor's data country lies outside the EEA (noting adequacy, DPF)."""
    for tag_id, view in context.tags.items():
        vendor = view.signature.vendor
        country = (vendor.country or "").upper()
        sent = [a for a in view.entries if a.third_party]
        if not country or country in EEA or not sent:
            continue
        severity: Severity
        if country in ADEQUATE:
            severity = "info"
            basis = "transfer-outside-eea.adequate"
        elif country == "US" and vendor.dpf:
            severity = "low"
            basis = "transfer-outside-eea.dpf"
        elif country == "US":
            severity = "medium"
            basis = "transfer-outside-eea.us"
        else:
            severity = "medium"
            basis = "transfer-outside-eea.other"
        yield Finding(
            tag=tag_id,
            flag=make_flag(
                rule="transfer-outside-eea",
                severity=severity,
                evidence=entry_evidence(sent),
                tag=view.signature.name,
                vendor=vendor.name,
                country=country,
                basis=phrase(basis),
            ),
        )

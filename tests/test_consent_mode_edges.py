"""Google Consent Mode parameters that say nothing about a purpose."""

from __future__ import annotations

from .audits import audit, document, hit

COLLECT = "https://www.google-analytics.com/g/collect?v=2&tid=G-TEST1&en=page_view"


def test_gcs_of_another_form_decides_no_purpose() -> None:
    """A ``gcs`` that is not ``G1`` followed by two states is kept but decides nothing."""
    report = audit(document(0), hit(f"{COLLECT}&gcs=G2", 1))
    (signal,) = [s for s in report.consent.signals if ("gcs", "G2") in s.detail]
    assert signal.purposes == ()

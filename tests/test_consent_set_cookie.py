"""A consent cookie that a response sets is read as a consent signal."""

from __future__ import annotations

from .audits import audit, document


def test_consent_set_by_a_response() -> None:
    """OneTrust's cookie, set by the site's response, tells the visitor's choice."""
    cookie = (
        "OptanonConsent=isGpcEnabled=0&groups=C0001%3A1%2CC0004%3A0; Domain=.shop.example; Path=/"
    )
    report = audit(document(0, response_headers=[("set-cookie", cookie)]))
    kinds = [s.kind for s in report.consent.signals]
    assert "onetrust" in kinds
    (signal,) = [s for s in report.consent.signals if s.kind == "onetrust"]
    assert signal.entry == 0


def test_empty_consent_cookie_is_no_signal() -> None:
    """A response clearing the consent cookie (no value) says nothing about consent."""
    report = audit(
        document(
            0,
            response_headers=[
                ("set-cookie", "OptanonConsent=; Domain=.shop.example; Path=/; Max-Age=0")
            ],
        )
    )
    assert [s for s in report.consent.signals if s.kind == "onetrust"] == []

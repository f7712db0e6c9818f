"""Consent cookies whose choices are mixed: per-service cookies and spread OneTrust groups."""

from __future__ import annotations

import json
from urllib.parse import quote

from tagsig._compliance.consent.cmp_cookies import read_cookies


def test_klaro_mixed_services_say_no_purpose() -> None:
    """Klaro with some services granted and some refused names them but decides no purpose."""
    value = quote(json.dumps({"analytics": True, "ads": False}))
    (reading,) = read_cookies([("klaro", value)])
    assert reading.kind == "klaro"
    assert dict(reading.detail) == {"granted": "analytics", "refused": "ads"}
    assert reading.purposes == ()


def test_klaro_without_services() -> None:
    """Klaro's cookie with no service says nothing about any purpose."""
    (reading,) = read_cookies([("klaro", quote(json.dumps({"$$date": "x"})))])
    assert reading.purposes == ()
    assert dict(reading.detail) == {"granted": "", "refused": ""}


def test_onetrust_purpose_denied_in_one_group_stays_denied() -> None:
    """Marketing spans C0004 and C0005: refused in the first, it is refused."""
    (reading,) = read_cookies([("OptanonConsent", "groups=C0004%3A0%2CC0005%3A1")])
    assert dict(reading.purposes)["marketing"] == "denied"

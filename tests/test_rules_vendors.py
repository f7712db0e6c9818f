"""Tests of the vendor checks, and of their registry."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from tagsig import analyze, load_signatures
from tagsig._compliance.rules.vendors import VENDOR_CHECKS

from .audits import PAGE, TWO_PAGES, audit, document, flags, hit
from .builders import entry, har
from .conftest import REPO

EMAIL = "jane.doe@example.org"


def _ping(host: str, user: dict[str, str], page: str = "page_1") -> dict[str, object]:
    body = f"app_id=abc&user_data={quote(json.dumps(user))}"
    return entry(
        f"https://{host}/messenger/web/ping",
        method="POST",
        post=body,
        started="2024-05-01T10:00:01.000Z",
        page=page,
    )


class TestRegistry:
    """Every check the bundled signatures name is registered."""

    def test_bundled_checks_registered(self) -> None:
        """No signature names a check id tagsig does not implement."""
        named = {c for s in load_signatures() for c in s.checks}
        assert named <= set(VENDOR_CHECKS)


class TestIntercom:
    """identity-verification-missing and loaded-on-every-page."""

    @pytest.mark.parametrize(
        "host", ["api-iam.intercom.io", "api-iam.eu.intercom.io", "api-iam.au.intercom.io"]
    )
    def test_identity_without_hash(self, host: str) -> None:
        """A ping naming a user without user_hash is flagged high, on every region."""
        report = audit(document(0), _ping(host, {"email": EMAIL, "user_id": "42"}))
        (flag,) = flags(report, "identity-verification-missing", "intercom")
        assert flag.severity == "high"
        assert "(email, user_id)" in flag.message
        assert EMAIL not in json.dumps([e.value for e in flag.evidence])

    def test_unknown_check_is_skipped(self, tmp_path: Path) -> None:
        """A signature naming a check tagsig does not implement still gets those it does."""
        path = tmp_path / "signatures.json"
        data = json.loads((REPO / "data" / "signatures.json").read_text(encoding="utf-8"))
        (intercom,) = (s for s in data["signatures"] if s["id"] == "intercom")
        intercom["checks"] = ["no-such-check", *intercom.get("checks", [])]
        path.write_text(json.dumps(data), encoding="utf-8")
        db = load_signatures(path, bundled=False)
        capture = har(document(0), _ping("api-iam.intercom.io", {"email": EMAIL}), pages=PAGE)
        report = analyze(capture, signatures=db)
        (flag,) = flags(report, "identity-verification-missing", "intercom")
        assert flag.severity == "high"

    def test_quiet_with_hash(self) -> None:
        """With a user_hash, or without a user, it is quiet."""
        hashed = audit(
            document(0), _ping("api-iam.intercom.io", {"email": EMAIL, "user_hash": "ab" * 32})
        )
        anonymous = audit(document(0), _ping("api-iam.intercom.io", {"anonymous_id": "x"}))
        assert flags(hashed, "identity-verification-missing") == []
        assert flags(anonymous, "identity-verification-missing") == []

    def test_every_page(self) -> None:
        """Loaded on every page of a multi-page capture without a conversation: info."""
        widget = "https://widget.intercom.io/widget/abc"
        report = audit(
            document(0),
            hit(widget, 1),
            document(5, page="page_2"),
            hit(widget, 6, page="page_2"),
            pages=TWO_PAGES,
        )
        (flag,) = flags(report, "loaded-on-every-page", "intercom")
        assert flag.severity == "info"

    def test_not_every_page_or_conversation(self) -> None:
        """Quiet on one page of two, and when a conversation happened."""
        widget = "https://widget.intercom.io/widget/abc"
        one = audit(document(0), hit(widget, 1), document(5, page="page_2"), pages=TWO_PAGES)
        talked = audit(
            document(0),
            hit(widget, 1),
            document(5, page="page_2"),
            hit(widget, 6, page="page_2"),
            hit("https://api-iam.intercom.io/messenger/web/conversations", 7, page="page_2"),
            pages=TWO_PAGES,
        )
        assert flags(one, "loaded-on-every-page") == []
        assert flags(talked, "loaded-on-every-page") == []


class TestGoogle:
    """Google Analytics, Google Ads and consent mode."""

    UA = "https://www.google-analytics.com/collect?v=1&tid=UA-1-1&cid=1.2&t=pageview"

    def test_ua_without_aip(self) -> None:
        """A Universal Analytics hit without aip=1 is flagged low."""
        (flag,) = flags(audit(document(0), hit(self.UA, 1)), "ga-ip-anonymization-missing")
        assert flag.severity == "low"

    def test_ua_with_aip_and_ga4(self) -> None:
        """With aip=1, and GA4 hits, it is quiet."""
        ga4 = "https://region1.google-analytics.com/g/collect?v=2&tid=G-1&cid=1.2"
        report = audit(document(0), hit(self.UA + "&aip=1", 1), hit(ga4, 2))
        assert flags(report, "ga-ip-anonymization-missing") == []

    def test_ga_personal_data(self) -> None:
        """An e-mail address in a GA page URL is flagged high."""
        report = audit(
            document(0),
            hit(
                "https://region1.google-analytics.com/g/collect?v=2&dl="
                + quote(f"https://www.shop.example/?e={EMAIL}"),
                1,
            ),
        )
        (flag,) = flags(report, "ga-personal-data", "google-analytics")
        assert "terms forbid" in flag.message
        quiet = audit(
            document(0), hit("https://region1.google-analytics.com/g/collect?v=2&dl=x", 1)
        )
        assert flags(quiet, "ga-personal-data") == []

    def test_google_ads_enhanced_conversions(self) -> None:
        """Enhanced conversions' em parameter is flagged."""
        url = "https://www.google.com/pagead/1p-conversion/123/?em=tv.1~em." + "a" * 64
        (flag,) = flags(audit(document(0), hit(url, 1)), "google-ads-personal-data")
        assert flag.severity == "medium"
        assert (
            flags(
                audit(document(0), hit("https://www.google.com/pagead/1p-conversion/123/?x=1", 1)),
                "google-ads-personal-data",
            )
            == []
        )

    def test_disabled_by_consent_mode(self) -> None:
        """A GA hit with analytics storage denied is reported (info)."""
        denied = "https://region1.google-analytics.com/g/collect?v=2&gcs=G100"
        (flag,) = flags(audit(document(0), hit(denied, 1)), "disabled-by-consent-mode")
        assert flag.severity == "info"
        assert (
            flags(
                audit(document(0), hit(denied.replace("G100", "G111"), 1)),
                "disabled-by-consent-mode",
            )
            == []
        )


class TestMetaAndReplay:
    """Meta advanced matching, session replay masking."""

    def test_advanced_matching(self) -> None:
        """ud[em] and ud[ph] are reported as advanced matching."""
        url = (
            "https://www.facebook.com/tr/?id=1&ev=Lead&ud[em]=" + "b" * 64 + "&ud[ph]=" + ("c" * 64)
        )
        (flag,) = flags(audit(document(0), hit(url, 1)), "meta-advanced-matching")
        assert "(em, ph)" in flag.message
        assert (
            flags(
                audit(document(0), hit("https://www.facebook.com/tr/?id=1", 1)),
                "meta-advanced-matching",
            )
            == []
        )

    def test_session_replay_unmasked(self) -> None:
        """A recorder whose settings turn masking off is flagged."""
        url = "https://in.hotjar.com/api/v2/client/sites/1/visit-data?maskAllInputs=false"
        (flag,) = flags(audit(document(0), hit(url, 1)), "session-replay-unmasked", "hotjar")
        assert "maskAllInputs" in flag.message
        assert (
            flags(
                audit(document(0), hit(url.replace("false", "true"), 1)), "session-replay-unmasked"
            )
            == []
        )

"""Tests of the cookie rules."""

from __future__ import annotations

from tagsig import Policy

from .audits import audit, document, flags, hit

GA4 = "https://region1.google-analytics.com/g/collect?v=2&tid=G-1&cid={cid}"
GA_HIT = GA4.format(cid="1.2")
PIXEL_HIT = "https://www.facebook.com/tr?id=1&ev=PageView"
"""A request of each vendor: a jar's cookies count only for vendors present in the capture."""
JAR = "# Netscape HTTP Cookie File\n"


def _jar(*lines: tuple[str, str, bool, int, str, str]) -> str:
    rows = [
        f"{d}\tTRUE\t/\t{'TRUE' if s else 'FALSE'}\t{e}\t{n}\t{v}" for d, _, s, e, n, v in lines
    ]
    return JAR + "\n".join(rows) + "\n"


# 2024-05-01T10:00:00Z is 1714557600; lifetimes are counted from the capture's start.
START = 1714557600
DAY = 86400


class TestCookieLifetime:
    """cookie-lifetime."""

    def test_observed_expiry(self) -> None:
        """A Set-Cookie lifetime over 395 days is flagged, saying it was observed."""
        report = audit(
            document(0),
            hit(
                "https://region1.google-analytics.com/g/collect",
                1,
                response_headers={"Set-Cookie": "_ga=GA1.1.1.2; Max-Age=34560000; Secure"},
            ),
        )
        (flag,) = flags(report, "cookie-lifetime", "google-analytics")
        assert flag.severity == "medium"
        assert "lives 400 days (observed expiry in a Set-Cookie header" in flag.message
        assert flag.evidence[0].name == "_ga"

    def test_quiet_when_short(self) -> None:
        """A 300-day cookie is not flagged."""
        jar = _jar((".shop.example", "", True, START + 300 * DAY, "_ga", "GA1.1.1.2"))
        report = audit(document(0), jar=jar)
        assert flags(report, "cookie-lifetime") == []

    def test_documented_lifetime(self) -> None:
        """A cookie only seen sent takes the signature's documented lifetime, saying so."""
        report = audit(
            document(0), hit(GA4.format(cid="1.2"), 1, request_headers={"Cookie": "_ga=GA1.1.1.2"})
        )
        (flag,) = flags(report, "cookie-lifetime", "google-analytics")
        assert "lives 730 days (documented lifetime" in flag.message

    def test_policy_limit(self) -> None:
        """A policy's maximum replaces the 395 days."""
        jar = _jar((".shop.example", "", True, START + 100 * DAY, "_ga", "GA1.1.1.2"))
        report = audit(document(0), hit(GA_HIT, 1), jar=jar, policy=Policy(max_cookie_days=30))
        (flag,) = flags(report, "cookie-lifetime")
        assert "the policy's maximum of 30 days" in flag.message


class TestThirdPartyCookie:
    """third-party-cookie and cross-site-tracking by own-domain cookies."""

    def test_fires(self) -> None:
        """A tracker's cookie on its own domain is a third-party cookie."""
        jar = _jar((".facebook.com", "", True, START + 90 * DAY, "fr", "0AbC"))
        report = audit(document(0), hit(PIXEL_HIT, 1), jar=jar)
        (flag,) = flags(report, "third-party-cookie", "meta-pixel")
        assert flag.severity == "medium"
        assert "fr (facebook.com)" in flag.message
        (tracking,) = flags(report, "cross-site-tracking", "meta-pixel")
        assert "own domain (facebook.com)" in tracking.message

    def test_quiet_first_party(self) -> None:
        """A first-party cookie of the same tag is not."""
        jar = _jar((".shop.example", "", True, START + 90 * DAY, "_fbp", "fb.1.1.2"))
        report = audit(document(0), jar=jar)
        assert flags(report, "third-party-cookie") == []
        assert flags(report, "cross-site-tracking") == []


class TestIdentifierPropagation:
    """cross-site-tracking by one identifier sent to several vendors."""

    def test_fires(self) -> None:
        """The _ga client id sent to Google and to an unknown tracker is flagged."""
        jar = _jar(
            (".shop.example", "", True, START + 90 * DAY, "_ga", "GA1.1.123456789.987654321")
        )
        report = audit(
            document(0),
            hit(GA4.format(cid="123456789.987654321"), 1),
            hit("https://t.tracker.example/p?uid=123456789.987654321", 2),
            jar=jar,
        )
        (flag,) = flags(report, "cross-site-tracking", "google-analytics")
        assert "sent to 2 vendors: Google LLC, tracker.example" in flag.message
        assert "1234***" in flag.message
        assert "987654321" not in flag.message

    def test_quiet_single_vendor(self) -> None:
        """Sent only to its own vendor, it is not."""
        jar = _jar(
            (".shop.example", "", True, START + 90 * DAY, "_ga", "GA1.1.123456789.987654321")
        )
        report = audit(document(0), hit(GA4.format(cid="123456789.987654321"), 1), jar=jar)
        assert flags(report, "cross-site-tracking") == []


class TestInsecureCookie:
    """insecure-cookie."""

    def test_fires(self) -> None:
        """A tracking cookie without Secure is flagged low."""
        jar = _jar((".shop.example", "", False, START + 90 * DAY, "_fbp", "fb.1.1.2"))
        (flag,) = flags(
            audit(document(0), hit(PIXEL_HIT, 1), jar=jar), "insecure-cookie", "meta-pixel"
        )
        assert flag.severity == "low"
        assert "_fbp" in flag.message

    def test_samesite_none(self) -> None:
        """SameSite=None without Secure is called out."""
        report = audit(
            document(0),
            hit(
                "https://www.facebook.com/tr/?id=1",
                1,
                response_headers={"Set-Cookie": "fr=1; Domain=facebook.com; SameSite=None"},
            ),
        )
        (flag,) = flags(report, "insecure-cookie", "meta-pixel")
        assert "SameSite=None" in flag.message

    def test_quiet_when_secure(self) -> None:
        """With Secure it is not."""
        jar = _jar((".shop.example", "", True, START + 90 * DAY, "_fbp", "fb.1.1.2"))
        assert flags(audit(document(0), jar=jar), "insecure-cookie") == []

    def test_follows_the_policy_purposes(self) -> None:
        """Tracking means serving a purpose that needs consent: the policy's, if it has them."""
        jar = _jar((".shop.example", "", False, START + 90 * DAY, "_fbp", "fb.1.1.2"))
        assert flags(
            audit(document(0), hit(PIXEL_HIT, 1), jar=jar), "insecure-cookie", "meta-pixel"
        )
        analytics_only = Policy(consent_purposes=("analytics",))
        assert (
            flags(
                audit(document(0), hit(PIXEL_HIT, 1), jar=jar, policy=analytics_only),
                "insecure-cookie",
            )
            == []
        )


COOKIE_RULES = ("cookie-lifetime", "third-party-cookie", "cross-site-tracking", "insecure-cookie")


class TestWithoutCookieEvidence:
    """The cookie rules say what they could not judge."""

    def test_sanitized_capture_is_not_judged(self) -> None:
        """A capture without cookie headers gets one info flag per cookie rule, on the site."""
        report = audit(document(0), hit(GA4.format(cid="1.2"), 1))
        unjudged = {f.rule: f for f in report.flags if f.rule in COOKIE_RULES}
        assert sorted(unjudged) == sorted(COOKIE_RULES)
        assert {f.severity for f in unjudged.values()} == {"info"}
        assert unjudged["third-party-cookie"].message == (
            "Third-party cookies could not be judged: <bytes> carries no cookie headers (a "
            "sanitized export), so which cookies the tags sent and set is unknown. Export "
            "with cookies, or pass a cookie jar."
        )

    def test_stripped_values_are_named(self) -> None:
        """Stripped cookie values are named as the reason, and no cookie flag is raised."""
        report = audit(
            document(0, request_headers={"Cookie": "[44 bytes were stripped]"}),
            hit(
                GA4.format(cid="1.2"),
                1,
                response_headers={"Set-Cookie": "[90 bytes were stripped]"},
            ),
        )
        messages = [f.message for f in report.flags if f.rule == "cookie-lifetime"]
        assert messages == [
            "Cookie lifetimes could not be judged: the producer stripped the "
            "cookie values of <bytes>, so which cookies the tags sent and set "
            "is unknown. Export with cookies, or pass a cookie jar."
        ]
        assert [f for t in report.tags for f in t.flags if f.rule in COOKIE_RULES] == []

    def test_quiet_with_cookie_evidence_or_a_jar(self) -> None:
        """With cookies in the capture, or a jar beside it, the rules judge and say nothing."""
        with_cookies = audit(
            document(0, request_headers={"Cookie": "session=1"}), hit(GA4.format(cid="1.2"), 1)
        )
        with_jar = audit(
            document(0),
            hit(GA4.format(cid="1.2"), 1),
            jar=_jar(("shop.example", "", True, START + DAY, "session", "1")),
        )
        for report in (with_cookies, with_jar):
            assert [f for f in report.flags if f.rule in COOKIE_RULES] == []

"""Tests of the consent rules: before-consent and no-consent-signal."""

from __future__ import annotations

from .audits import audit, document, flags, hit, onetrust_cookie
from .builders import entry, script_initiator

META_SCRIPT = "https://connect.facebook.net/en_US/fbevents.js"
META = "https://www.facebook.com/tr/?id=1&ev=PageView"
ONETRUST = "https://cdn.cookielaw.org/scripttemplates/otSDKStub.js"
GRANTED = {"Cookie": onetrust_cookie()}


class TestBeforeConsent:
    """before-consent."""

    def test_fires_before_grant(self) -> None:
        """A marketing tag firing before the grant is flagged high, with its entry."""
        report = audit(document(0), hit(META, 1), document(5, request_headers=GRANTED))
        (flag,) = flags(report, "before-consent", "meta-pixel")
        assert flag.severity == "high"
        assert "before consent for marketing was given" in flag.message
        assert [e.index for e in flag.evidence] == [1]

    def test_quiet_after_grant(self) -> None:
        """The same tag after the grant is not flagged."""
        report = audit(document(0, request_headers=GRANTED), hit(META, 1))
        assert flags(report, "before-consent") == []

    def test_refused(self) -> None:
        """A tag firing after marketing was refused is flagged as such."""
        refused = {"Cookie": onetrust_cookie("C0002:1,C0004:0")}
        report = audit(document(0, request_headers=refused), hit(META, 1))
        (flag,) = flags(report, "before-consent", "meta-pixel")
        assert "while consent for marketing was refused" in flag.message

    def test_cookie_set_counts(self) -> None:
        """Cookies a tag sets before consent are evidence too."""
        report = audit(document(0, request_headers={"Cookie": onetrust_cookie("C0004:0")}),
                       hit(META, 1, response_headers={
                           "Set-Cookie": "fr=abc; Domain=facebook.com; Max-Age=100"}))
        (flag,) = flags(report, "before-consent", "meta-pixel")
        assert "and set 1 cookie" in flag.message
        assert [(e.kind, e.name) for e in flag.evidence if e.kind == "cookie"] == [
            ("cookie", "fr")]

    def test_cmp_never_flagged(self) -> None:
        """The consent manager's own requests are never flagged."""
        report = audit(document(0), hit(ONETRUST, 0.5), document(5, request_headers=GRANTED))
        assert flags(report, "before-consent") == []
        assert flags(report, "no-consent-signal") == []

    def test_functional_tag_not_flagged(self) -> None:
        """A functional tag (fonts) needs no consent by default."""
        report = audit(document(0), hit("https://fonts.googleapis.com/css2?family=A", 1),
                       document(5, request_headers=GRANTED))
        assert flags(report, "before-consent") == []

    def test_inherited_from_loader(self) -> None:
        """A functional tag loaded by a marketing tag is judged as marketing."""
        report = audit(
            document(0),
            entry(META_SCRIPT, started="2024-05-01T10:00:00.500Z", mime="text/javascript"),
            entry("https://fonts.googleapis.com/css2?family=A",
                  started="2024-05-01T10:00:01.000Z", mime="text/css",
                  initiator=script_initiator(META_SCRIPT)),
            document(5, request_headers={"Cookie": onetrust_cookie("C0004:0,C0003:1")}),
        )
        (flag,) = flags(report, "before-consent", "google-fonts")
        assert "judged with the purpose of Meta Pixel" in flag.message


class TestNoConsentSignal:
    """no-consent-signal."""

    def test_fires_without_any_signal(self) -> None:
        """Without any consent signal, tags needing consent get no-consent-signal."""
        report = audit(document(0, request_headers={"Cookie": "session=1"}), hit(META, 1))
        (flag,) = flags(report, "no-consent-signal", "meta-pixel")
        assert flag.severity == "medium"
        assert flags(report, "before-consent") == []

    def test_low_for_sanitized_capture(self) -> None:
        """In a capture without cookie headers the flag is low: a cookie may be hidden."""
        report = audit(document(0), hit(META, 1))
        (flag,) = flags(report, "no-consent-signal", "meta-pixel")
        assert flag.severity == "low"
        assert "no cookie headers" in flag.message

    def test_empty_consent_parameters_are_no_signal(self) -> None:
        """A request with ``gdpr=0&gdpr_consent=`` gives no signal: the capture has none."""
        report = audit(document(0, request_headers={"Cookie": "session=1"}), hit(META, 1),
                       hit("https://match.adsrvr.org/track/cmf/generic?gdpr=0&gdpr_consent=",
                           2))
        assert report.consent.signals == ()
        assert flags(report, "before-consent") == []
        assert flags(report, "no-consent-signal", "meta-pixel")[0].severity == "medium"

    def test_quiet_with_signal(self) -> None:
        """Any signal in the capture keeps it quiet."""
        report = audit(document(0, request_headers={"Sec-GPC": "1"}), hit(META, 1))
        assert flags(report, "no-consent-signal") == []
        assert len(flags(report, "before-consent", "meta-pixel")) == 1

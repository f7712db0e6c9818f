"""Tests of consent signals and the consent timeline."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tagsig import analyze, render
from tagsig._compliance.consent.cmp_cookies import (
    consent_cookies,
    names_consent_cookie,
    read_cookies,
)
from tagsig._compliance.consent.signals import read_gpc, read_parameters, tcf_purposes

from .audits import at, audit, document, flags, hit, onetrust_cookie
from .conftest import REPO
from .test_tcf import encode

EXAMPLE = REPO / "examples" / "shop.har"
EXAMPLE_JAR = REPO / "examples" / "cookies.txt"
META = "https://www.facebook.com/tr/?id=1&ev=PageView"
GA4 = "https://region1.google-analytics.com/g/collect?v=2&tid=G-1&cid=1.2&gcs=G111"


def _states(name: str, value: str) -> dict[str, str]:
    (reading,) = read_cookies([(name, value)])
    return dict(reading.purposes)


class TestCookieReaders:
    """Consent-manager cookies decode to purpose states."""

    @pytest.mark.parametrize(
        ("name", "value", "expected"),
        [
            (
                "OptanonConsent",
                "groups=C0001%3A1%2CC0002%3A1%2CC0003%3A0%2CC0004%3A0",
                {
                    "analytics": "granted",
                    "functional": "denied",
                    "personalization": "denied",
                    "marketing": "denied",
                },
            ),
            (
                "CookieConsent",
                "{stamp:%27x%27%2Cnecessary:true%2Cpreferences:false%2C"
                "statistics:true%2Cmarketing:false%2Cmethod:%27explicit%27%2Cver:1}",
                {
                    "analytics": "granted",
                    "functional": "denied",
                    "personalization": "denied",
                    "marketing": "denied",
                },
            ),
            (
                "cookieyes-consent",
                "consentid:abc,consent:yes,action:yes,necessary:yes,"
                "functional:no,analytics:yes,advertisement:no",
                {
                    "analytics": "granted",
                    "functional": "denied",
                    "personalization": "denied",
                    "marketing": "denied",
                },
            ),
            ("cmplz_marketing", "allow", {"marketing": "granted"}),
            (
                "notice_gdpr_prefs",
                "0,1:",
                {
                    "analytics": "granted",
                    "functional": "granted",
                    "marketing": "denied",
                    "personalization": "denied",
                },
            ),
            (
                "cmapi_cookie_privacy",
                "permit 1,2,3",
                {
                    "analytics": "granted",
                    "functional": "granted",
                    "marketing": "granted",
                    "personalization": "granted",
                },
            ),
            (
                "cookiefirst-consent",
                json.dumps({"performance": True, "advertising": False}),
                {"analytics": "granted", "marketing": "denied"},
            ),
            (
                "_iub_cs-123",
                json.dumps({"purposes": {"4": True, "5": False}}),
                {"analytics": "granted", "marketing": "denied"},
            ),
            (
                "klaro",
                json.dumps({"matomo": False, "ads": False}),
                {
                    "analytics": "denied",
                    "functional": "denied",
                    "marketing": "denied",
                    "personalization": "denied",
                },
            ),
            (
                "axeptio_cookies",
                json.dumps({"$$completed": True, "ga": True}),
                {
                    "analytics": "granted",
                    "functional": "granted",
                    "marketing": "granted",
                    "personalization": "granted",
                },
            ),
            (
                "borlabs-cookie",
                json.dumps({"consents": {"essential": [], "statistics": []}}),
                {"analytics": "granted", "marketing": "denied"},
            ),
            ("usprivacy", "1YYN", {"marketing": "denied"}),
            ("uc_user_interaction", "true", {}),
        ],
    )
    def test_states(self, name: str, value: str, expected: dict[str, str]) -> None:
        """Each manager's cookie maps to the purposes it grants and denies."""
        assert _states(name, value) == expected

    def test_didomi(self) -> None:
        """A Didomi token's enabled purposes are read by name."""
        token = base64.b64encode(
            json.dumps(
                {
                    "purposes": {"enabled": ["cookies", "measure_content_performance"]},
                    "updated": "2024-05-01T10:00:02Z",
                }
            ).encode()
        ).decode()
        (reading,) = read_cookies([("didomi_token", token)])
        assert dict(reading.purposes) == {
            "analytics": "granted",
            "functional": "granted",
            "marketing": "denied",
            "personalization": "denied",
        }
        assert reading.decided == datetime(2024, 5, 1, 10, 0, 2, tzinfo=UTC)

    def test_tcf_cookie(self) -> None:
        """An euconsent-v2 cookie is decoded; its purposes map to consent purposes."""
        (reading,) = read_cookies([("euconsent-v2", encode(purposes={1, 3, 4}, vendors={755}))])
        assert reading.kind == "tcf-v2"
        assert dict(reading.detail)["purposes_consent"] == "1,3,4"
        assert dict(reading.purposes)["marketing"] == "granted"
        assert dict(reading.purposes)["analytics"] == "denied"

    def test_tcf_undecodable(self) -> None:
        """A damaged TC string is reported, with no purpose states."""
        (reading,) = read_cookies([("euconsent-v2", "%%%")])
        assert reading.purposes == ()
        assert dict(reading.detail)["error"] == "the consent string cannot be decoded"

    def test_onetrust_decided(self) -> None:
        """OptanonAlertBoxClosed gives the decision time."""
        (reading,) = read_cookies(
            [
                ("OptanonConsent", "groups=C0002%3A1"),
                ("OptanonAlertBoxClosed", "2024-05-01T10:00:03.500Z"),
            ]
        )
        assert reading.decided == datetime(2024, 5, 1, 10, 0, 3, 500000, tzinfo=UTC)

    def test_unrelated_cookies(self) -> None:
        """Cookies of no consent manager give no signal."""
        assert read_cookies([("_ga", "GA1.1.1.2"), ("session", "x")]) == []

    @given(
        st.lists(
            st.tuples(
                st.sampled_from(
                    [
                        "OptanonConsent",
                        "CookieConsent",
                        "didomi_token",
                        "euconsent-v2",
                        "klaro",
                        "cookieyes-consent",
                        "_iub_cs-1",
                        "notice_gdpr_prefs",
                        "cmapi_cookie_privacy",
                        "borlabs-cookie",
                        "usprivacy",
                        "__gpp",
                        "axeptio_cookies",
                        "cookiefirst-consent",
                        "OptanonAlertBoxClosed",
                    ]
                ),
                st.text(max_size=80),
            ),
            max_size=5,
        )
    )
    def test_garbage_never_raises(self, cookies: list[tuple[str, str]]) -> None:
        """Any value of a known cookie is read without raising."""
        for reading in read_cookies(cookies):
            assert all(state in {"granted", "denied"} for _, state in reading.purposes)

    @given(
        st.lists(
            st.tuples(
                st.sampled_from(
                    [
                        "OptanonConsent",
                        "OptanonAlertBoxClosed",
                        "CookieConsent",
                        "didomi_token",
                        "euconsent-v2",
                        "_iub_cs-1",
                        "_iub_cs-2",
                        "cmplz_marketing",
                        "__gpp",
                        "__gpp_sid",
                        "usprivacy",
                        "uc_user_interaction",
                        "_ga",
                        "session",
                    ]
                ),
                st.sampled_from(
                    [
                        "",
                        "1",
                        "0",
                        "1YNN",
                        "groups=C0002:1,C0004:0",
                        '{"purposes":{"4":true}}',
                        "{necessary:true,statistics:false,utc:1714557600000}",
                        "DBABMA~x",
                        "2~6",
                    ]
                ),
            ),
            max_size=8,
        )
    )
    def test_consent_cookies_read_alone(self, cookies: list[tuple[str, str]]) -> None:
        """The consent cookies alone read as all the cookies sent with them."""
        assert read_cookies(consent_cookies(cookies)) == read_cookies(cookies)

    @given(
        st.lists(
            st.sampled_from(
                [
                    "OptanonConsent",
                    "euconsent-v2",
                    "_iub_cs-1",
                    "x_iub_cs-1",
                    "_iub_cs",
                    "__gpp_sid",
                    "usprivacy",
                    "_ga",
                    "session",
                    "optanonconsent",
                    "",
                ]
            ),
            max_size=6,
        )
    )
    def test_names_tell_consent_cookies(self, names: list[str]) -> None:
        """Names name a consent cookie exactly where consent_cookies keeps one."""
        expected = bool(consent_cookies((name, "1") for name in names))
        assert names_consent_cookie(names) == expected


class TestParameterReaders:
    """URL parameters and headers."""

    @pytest.mark.parametrize(
        ("gcs", "expected"),
        [
            ("G100", {"marketing": "denied", "analytics": "denied"}),
            ("G111", {"marketing": "granted", "analytics": "granted"}),
            ("G101", {"marketing": "denied", "analytics": "granted"}),
        ],
    )
    def test_gcs(self, gcs: str, expected: dict[str, str]) -> None:
        """The gcs parameter gives ad_storage (marketing) and analytics_storage (analytics)."""
        (reading,) = read_parameters([("gcs", gcs)])
        assert dict(reading.purposes) == expected
        assert not reading.primary

    def test_gcd(self) -> None:
        """The gcd letters give the four consent mode states."""
        (reading,) = read_parameters([("gcd", "13r3p3r3r5")])
        detail = dict(reading.detail)
        assert (detail["ad_storage"], detail["analytics_storage"]) == ("granted", "denied")
        assert dict(reading.purposes) == {"marketing": "granted", "analytics": "denied"}

    def test_gdpr_consent(self) -> None:
        """gdpr_consent carries a TC string; gdpr=1 alone says consent is absent."""
        (reading,) = read_parameters(
            [("gdpr", "1"), ("gdpr_consent", encode(purposes={1, 8}, vendors=set()))]
        )
        assert dict(reading.purposes)["analytics"] == "granted"
        assert dict(reading.detail)["gdpr"] == "1"
        (absent,) = read_parameters([("gdpr", "1")])
        assert dict(absent.detail)["consent"] == "absent"
        assert read_parameters([("gdpr", "0")]) == []

    @pytest.mark.parametrize(
        "params",
        [
            [("gdpr", "0"), ("gdpr_consent", "")],
            [("gdpr", ""), ("gdpr_consent", "")],
            [("gdpr_consent", " ")],
            [("gdpr", "${GDPR}"), ("gdpr_consent", "${GDPR_CONSENT_755}")],
            [("gdpr_consent", "[gdpr_consent]"), ("us_privacy", "%%US_PRIVACY%%")],
            [("gcs", ""), ("gcd", "")],
            [("us_privacy", ""), ("gpp", ""), ("gpp_sid", "2")],
        ],
    )
    def test_empty_parameters_are_no_signal(self, params: list[tuple[str, str]]) -> None:
        """Empty parameters and unfilled macros say nothing of consent."""
        assert read_parameters(params) == []

    @given(
        st.sampled_from(["gdpr_consent", "gcs", "gcd", "us_privacy", "gpp"]),
        st.sampled_from(["", " ", "${X}", "{x_y}", "[X]", "%%X%%"]),
        st.sampled_from(["", "0", "${GDPR}"]),
    )
    def test_no_value_no_reading(self, name: str, value: str, gdpr: str) -> None:
        """Whatever the parameter, without a value (and without gdpr=1) there is no reading."""
        assert read_parameters([("gdpr", gdpr), (name, value)]) == []

    def test_gdpr_applies_without_consent_string(self) -> None:
        """gdpr=1 with an empty consent string still says consent is absent."""
        (absent,) = read_parameters([("gdpr", "1"), ("gdpr_consent", "")])
        assert dict(absent.detail)["consent"] == "absent"

    def test_gpp_with_tcf_section(self) -> None:
        """A GPP string's TCF EU section is decoded through gpp_sid."""
        tcf = encode(purposes={1, 3, 4}, vendors=set())
        (reading,) = read_parameters([("gpp", f"DBABMA~{tcf}"), ("gpp_sid", "2")])
        assert dict(reading.detail)["sections"] == "tcfeuv2"
        assert dict(reading.purposes)["marketing"] == "granted"

    def test_us_privacy(self) -> None:
        """us_privacy with an opt-out of sale denies marketing."""
        (reading,) = read_parameters([("us_privacy", "1YYN")])
        assert dict(reading.purposes) == {"marketing": "denied"}
        (quiet,) = read_parameters([("us_privacy", "1YNN")])
        assert quiet.purposes == ()

    def test_gpc(self) -> None:
        """Sec-GPC: 1 denies marketing; other values are no signal."""
        reading = read_gpc("1")
        assert reading is not None
        assert dict(reading.purposes) == {"marketing": "denied"}
        assert read_gpc("0") is None
        assert read_gpc(None) is None

    def test_tcf_purpose_mapping(self) -> None:
        """Analytics needs 1 and 8 or 9; marketing 1, 3 and 4."""
        assert dict(tcf_purposes([1, 9]))["analytics"] == "granted"
        assert dict(tcf_purposes([8, 9]))["analytics"] == "denied"
        assert dict(tcf_purposes([1, 3]))["marketing"] == "denied"


class TestTimeline:
    """The state of each purpose over a capture."""

    def test_first_appearance_and_change(self) -> None:
        """A signal is recorded where it first appears and again when it changes."""
        report = audit(
            document(0),
            document(2, request_headers={"Cookie": onetrust_cookie("C0002:0,C0004:0")}),
            document(3, request_headers={"Cookie": onetrust_cookie("C0002:0,C0004:0")}),
            document(5, request_headers={"Cookie": onetrust_cookie()}),
        )
        signals = report.consent.signals
        assert [(s.kind, s.entry) for s in signals] == [("onetrust", 1), ("onetrust", 3)]
        assert [dict(c.purposes)["marketing"] for c in report.consent.timeline] == [
            "denied",
            "granted",
        ]
        assert report.consent.timeline[0].time == datetime(2024, 5, 1, 10, 0, 2, tzinfo=UTC)

    def test_decision_time_moves_grant_earlier(self) -> None:
        """OptanonAlertBoxClosed within the capture moves the grant to the decision."""
        cookie = onetrust_cookie() + "; OptanonAlertBoxClosed=" + at(4)
        report = audit(document(0), hit(META, 4.5), document(6, request_headers={"Cookie": cookie}))
        assert report.consent.timeline[0].time == datetime(2024, 5, 1, 10, 0, 4, tzinfo=UTC)
        assert flags(report, "before-consent", "meta-pixel") == []

    def test_consent_mode_secondary(self) -> None:
        """Consent mode counts only where no consent manager speaks of the purpose."""
        alone = audit(document(0), hit(GA4, 1))
        assert flags(alone, "before-consent") == []
        with_cmp = audit(
            document(0, request_headers={"Cookie": onetrust_cookie("C0002:0")}), hit(GA4, 1)
        )
        assert len(flags(with_cmp, "before-consent", "google-analytics")) == 1

    def test_jar_signal_has_no_time(self) -> None:
        """A jar's consent cookie is a signal without a time, and is no grant."""
        jar = (
            "# Netscape HTTP Cookie File\n.shop.example\tTRUE\t/\tFALSE\t1900000000\t"
            "OptanonConsent\tgroups=C0004%3A1\n"
        )
        report = audit(document(0), hit(META, 1), jar=jar)
        (signal,) = report.consent.signals
        assert (signal.time, signal.input, signal.entry) == (None, 1, None)
        assert report.consent.timeline == ()
        assert flags(report, "no-consent-signal") == []
        assert len(flags(report, "before-consent", "meta-pixel")) == 1

    def test_json_shape(self) -> None:
        """Signals carry purposes; the timeline is in the JSON report."""
        report = audit(document(0, request_headers={"Cookie": onetrust_cookie()}))
        document_json = json.loads(render(report, "json"))
        (signal,) = document_json["consent"]["signals"]
        assert signal["purposes"]["marketing"] == "granted"
        (change,) = document_json["consent"]["timeline"]
        assert change == {
            "input": 0,
            "entry": 0,
            "time": "2024-05-01T10:00:00+00:00",
            "purposes": {
                "analytics": "granted",
                "functional": "granted",
                "marketing": "granted",
                "personalization": "granted",
            },
        }


class TestExample:
    """The bundled example: OneTrust, Meta Pixel before consent, GA4 after it."""

    def test_report_says_exactly_that(self) -> None:
        """Meta Pixel is flagged before consent; GA4 and the CMP are not."""
        report = analyze(EXAMPLE, cookies=[EXAMPLE_JAR])
        before = {t.id for t in report.tags for f in t.flags if f.rule == "before-consent"}
        assert before == {"meta-pixel"}
        (flag,) = flags(report, "before-consent", "meta-pixel")
        assert flag.severity == "high"
        assert flag.message == (
            "Meta Pixel made 2 requests before consent for marketing "
            "was given; the first at 09:26:54.215 UTC."
        )
        assert [(e.kind, e.index) for e in flag.evidence] == [("entry", 3), ("entry", 4)]
        first = report.consent.signals[0]
        assert (first.kind, first.entry) == ("onetrust", 7)
        assert dict(first.detail)["groups"] == "C0001:1,C0002:1,C0003:1,C0004:1"
        assert flags(report, "no-consent-signal") == []

    def test_built_capture(self) -> None:
        """A capture of our own: OneTrust, Meta before consent, GA4 after it."""
        report = audit(
            document(0),
            hit("https://cdn.cookielaw.org/scripttemplates/otSDKStub.js", 0.1),
            hit(META, 1),
            document(5, request_headers={"Cookie": onetrust_cookie()}),
            hit(GA4, 6),
        )
        assert [
            (t.id, [f.rule for f in t.flags if f.rule in {"before-consent", "no-consent-signal"}])
            for t in report.tags
        ] == [("google-analytics", []), ("meta-pixel", ["before-consent"]), ("onetrust", [])]


@pytest.mark.parametrize("first", ["onetrust", "cookiebot"])
def test_two_managers_on_one_request_the_first_read_decides(first: str) -> None:
    """Two consent managers' cookies on one request: the first read (OneTrust) decides."""
    from tagsig import load_har, load_signatures
    from tagsig._audit.attribute import attribute
    from tagsig._compliance.consent.timeline import consent_timeline
    from tagsig._signatures.match import Matcher

    from .builders import entry, har

    cookies = {
        "onetrust": "OptanonConsent=groups=C0004%3A0",
        "cookiebot": "CookieConsent={stamp:%27x%27%2Cnecessary:true%2Cmarketing:true}",
    }
    header = "; ".join(sorted(cookies.values(), key=lambda v: v != cookies[first]))
    capture = load_har(
        har(
            entry("https://www.shop.example/", started="2024-05-01T10:00:00.000Z"),
            entry(
                "https://www.shop.example/a.js",
                started="2024-05-01T10:00:01.000Z",
                mime="text/javascript",
                request_headers={"Cookie": header},
            ),
        )
    )
    timeline = consent_timeline(attribute([capture], [], Matcher.compile(load_signatures())))
    assert [s.kind for s in timeline.signals] == ["onetrust", "cookiebot"]
    assert dict(timeline.signals[1].purposes)["marketing"] == "granted"
    assert timeline.state(0, capture.entries[1].started, "marketing") == "denied"

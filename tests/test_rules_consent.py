"""Tests of the consent rules: before-consent and no-consent-signal."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tagsig import Report, analyze, load_signatures

from .audits import SITE, at, audit, document, flags, hit, onetrust_cookie
from .builders import entry, har, parser_initiator, script_initiator
from .conftest import FIXTURES

META_SCRIPT = "https://connect.facebook.net/en_US/fbevents.js"
META = "https://www.facebook.com/tr/?id=1&ev=PageView"
ONETRUST = "https://cdn.cookielaw.org/scripttemplates/otSDKStub.js"
GRANTED = {"Cookie": onetrust_cookie()}
REFUSED_MARKETING = {"Cookie": onetrust_cookie("C0002:1,C0003:1,C0004:0")}
FONTS = "https://fonts.googleapis.com/css2?family=A"
GTM = "https://www.googletagmanager.com/gtm.js?id=GTM-1"


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
        report = audit(
            document(0, request_headers={"Cookie": onetrust_cookie("C0004:0")}),
            hit(
                META, 1, response_headers={"Set-Cookie": "fr=abc; Domain=facebook.com; Max-Age=100"}
            ),
        )
        (flag,) = flags(report, "before-consent", "meta-pixel")
        assert "and set 1 cookie" in flag.message
        assert [(e.kind, e.name) for e in flag.evidence if e.kind == "cookie"] == [("cookie", "fr")]

    def test_cmp_never_flagged(self) -> None:
        """The consent manager's own requests are never flagged."""
        report = audit(document(0), hit(ONETRUST, 0.5), document(5, request_headers=GRANTED))
        assert flags(report, "before-consent") == []
        assert flags(report, "no-consent-signal") == []

    def test_functional_tag_not_flagged(self) -> None:
        """A functional tag (fonts) needs no consent by default."""
        report = audit(
            document(0),
            hit("https://fonts.googleapis.com/css2?family=A", 1),
            document(5, request_headers=GRANTED),
        )
        assert flags(report, "before-consent") == []

    def test_inherited_from_loader(self) -> None:
        """A functional tag loaded by a marketing tag is judged as marketing."""
        report = audit(
            document(0),
            entry(META_SCRIPT, started="2024-05-01T10:00:00.500Z", mime="text/javascript"),
            entry(
                "https://fonts.googleapis.com/css2?family=A",
                started="2024-05-01T10:00:01.000Z",
                mime="text/css",
                initiator=script_initiator(META_SCRIPT),
            ),
            document(5, request_headers={"Cookie": onetrust_cookie("C0004:0,C0003:1")}),
        )
        (flag,) = flags(report, "before-consent", "google-fonts")
        assert "judged with the purpose of Meta Pixel" in flag.message

    def test_loader_named_is_the_reported_loader(self) -> None:
        """The loader a flag names is the tag's ``loaded_by``, never another request's cause.

        Google Fonts is first loaded by the page, later once by the Meta Pixel script: the
        report says the page loaded it, so it is judged with its own (functional) purpose.
        """
        report = audit(
            document(0),
            entry(FONTS, started=at(0.2), mime="text/css"),
            entry(META_SCRIPT, started=at(0.5), mime="text/javascript"),
            entry(
                FONTS + "&b",
                started=at(1),
                mime="text/css",
                initiator=script_initiator(META_SCRIPT),
            ),
            document(5, request_headers=REFUSED_MARKETING),
        )
        fonts = report.tag("google-fonts")
        assert fonts is not None
        assert fonts.loaded_by is None
        assert flags(report, "before-consent", "google-fonts") == []

    def test_chain_of_loaders_is_named_as_reported(self) -> None:
        """A purpose inherited through two loaders names both, as ``loaded_by`` chains them."""
        report = audit(
            document(0),
            entry(META_SCRIPT, started=at(0.2), mime="text/javascript"),
            entry(
                GTM,
                started=at(0.4),
                mime="text/javascript",
                initiator=script_initiator(META_SCRIPT),
            ),
            entry(FONTS, started=at(1), mime="text/css", initiator=script_initiator(GTM)),
            document(5, request_headers=REFUSED_MARKETING),
        )
        fonts, gtm = report.tag("google-fonts"), report.tag("google-tag-manager")
        assert fonts is not None
        assert gtm is not None
        assert (fonts.loaded_by, gtm.loaded_by) == ("google-tag-manager", "meta-pixel")
        (flag,) = flags(report, "before-consent", "google-fonts")
        assert flag.message.endswith(
            " It is judged with the purpose of Meta Pixel, which "
            "loaded it through Google Tag Manager."
        )

    def test_consent_manager_ends_the_chain(self) -> None:
        """A tag the consent manager loads does not inherit the purpose of the CMP's loader.

        Neither the consent manager loaded by a marketing tag nor what it loads is flagged.
        """
        report = audit(
            document(0),
            entry(META_SCRIPT, started=at(0.2), mime="text/javascript"),
            entry(
                ONETRUST,
                started=at(0.4),
                mime="text/javascript",
                initiator=script_initiator(META_SCRIPT),
            ),
            entry(FONTS, started=at(1), mime="text/css", initiator=script_initiator(ONETRUST)),
            document(5, request_headers=REFUSED_MARKETING),
        )
        onetrust, fonts = report.tag("onetrust"), report.tag("google-fonts")
        assert onetrust is not None
        assert fonts is not None
        assert (onetrust.loaded_by, fonts.loaded_by) == ("meta-pixel", "onetrust")
        assert {t for t, _ in _before(report)} == {"meta-pixel"}


GA4_GRANTED = "https://region1.google-analytics.com/g/collect?v=2&tid=G-1&gcs=G111"


class TestWithoutCookieEvidence:
    """A missing consent cookie is no proof of a missing consent."""

    @staticmethod
    def _visit(cookie: str) -> Report:
        """Return a visit where consent was given on an earlier visit, kept in a cookie.

        The page sends the OneTrust cookie; the Meta Pixel fires; later a GA4 hit says
        through consent mode that storage is granted.
        """
        return audit(
            document(0, request_headers={"Cookie": cookie}), hit(META, 1), hit(GA4_GRANTED, 2)
        )

    def test_unsanitized_export_is_quiet(self) -> None:
        """With its cookies, the visit shows consent before the Meta Pixel: no flag."""
        assert _before(self._visit(onetrust_cookie())) == []

    @pytest.mark.parametrize(
        ("cookie", "how"),
        [
            ("", "the capture carries no cookie headers (a sanitized export)"),
            (
                "[61 bytes were stripped]",
                "the producer stripped the values of the capture's cookie headers",
            ),
        ],
    )
    def test_same_visit_without_cookies_is_downgraded(self, cookie: str, how: str) -> None:
        """The same visit without cookies gives a medium flag that says it is not proven."""
        visit = (
            self._visit(cookie) if cookie else audit(document(0), hit(META, 1), hit(GA4_GRANTED, 2))
        )
        assert _before(visit) == [("meta-pixel", "medium")]
        (flag,) = flags(visit, "before-consent", "meta-pixel")
        assert flag.message.startswith(
            "Meta Pixel made 1 request before consent for marketing was given;"
        )
        assert (
            f"This is not proven: {how} (<bytes>), so a consent kept in a cookie "
            "cannot be seen" in flag.message
        )

    def test_recorded_refusal_stays_high(self) -> None:
        """A refusal that a signal records is proof, with or without cookies."""
        report = audit(document(0), hit(GA4_GRANTED.replace("G111", "G100"), 0.5), hit(META, 1))
        assert ("meta-pixel", "high") in _before(report)
        (flag,) = flags(report, "before-consent", "meta-pixel")
        assert "not proven" not in flag.message


def _before(report: Report) -> list[tuple[str, str]]:
    return [
        (tag.id, flag.severity)
        for tag in report.tags
        for flag in tag.flags
        if flag.rule == "before-consent"
    ]


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
        report = audit(
            document(0, request_headers={"Cookie": "session=1"}),
            hit(META, 1),
            hit("https://match.adsrvr.org/track/cmf/generic?gdpr=0&gdpr_consent=", 2),
        )
        assert report.consent.signals == ()
        assert flags(report, "before-consent") == []
        assert flags(report, "no-consent-signal", "meta-pixel")[0].severity == "medium"

    def test_low_for_stripped_cookie_values(self) -> None:
        """Stripped cookie values hide a consent cookie as well: low, and said so."""
        report = audit(
            document(0, request_headers={"Cookie": "[80 bytes were stripped]"}), hit(META, 1)
        )
        (flag,) = flags(report, "no-consent-signal", "meta-pixel")
        assert flag.severity == "low"
        assert "stripped the values of the capture's cookie headers" in flag.message

    def test_inherited_purpose_names_the_reported_loader(self) -> None:
        """A functional tag flagged for its loader's purpose names it, as ``loaded_by``."""
        report = audit(
            document(0, request_headers={"Cookie": "session=1"}),
            entry(META_SCRIPT, started=at(0.5), mime="text/javascript"),
            entry(FONTS, started=at(1), mime="text/css", initiator=script_initiator(META_SCRIPT)),
        )
        fonts = report.tag("google-fonts")
        assert fonts is not None
        assert fonts.loaded_by == "meta-pixel"
        (flag,) = flags(report, "no-consent-signal", "google-fonts")
        assert "It is judged with the purpose of Meta Pixel, which loaded it." in flag.message

    def test_quiet_with_signal(self) -> None:
        """Any signal in the capture keeps it quiet."""
        report = audit(document(0, request_headers={"Sec-GPC": "1"}), hit(META, 1))
        assert flags(report, "no-consent-signal") == []
        assert len(flags(report, "before-consent", "meta-pixel")) == 1


SCRIPTS = (
    META_SCRIPT,
    GTM,
    ONETRUST,
    "https://static.hotjar.com/c/hotjar-1.js",
    "https://www.google-analytics.com/analytics.js",
)
_JUDGED = re.compile(r"It is judged with the purpose of (.*?)\.(?: |$)")
_PART = re.compile(r"(.+?), which loaded it(?: through (.+))?$")


@st.composite
def _loads(draw: st.DrawFn) -> list[tuple[str, int | None]]:
    """Draw a page where each script is loaded by the page or by a script before it."""
    order = draw(st.permutations(range(len(SCRIPTS))))
    loads: list[tuple[str, int | None]] = []
    for position, script in enumerate(order):
        parent = draw(st.none() | st.integers(0, position - 1)) if position else None
        loads.append((SCRIPTS[script], parent))
    loads.append((FONTS, draw(st.none() | st.integers(0, len(loads) - 1))))
    return loads


class TestLoaderProperty:
    """Whatever loaded what, a flag names its loaders as the report's ``loaded_by`` does."""

    @settings(max_examples=60)
    @given(_loads(), st.booleans())
    def test_flag_text_follows_loaded_by(
        self, loads: list[tuple[str, int | None]], signal: bool
    ) -> None:
        """Each loader a consent flag names is on the tag's ``loaded_by`` chain, in order."""
        entries = [document(0, request_headers={"Cookie": "session=1"})]
        for n, (url, parent) in enumerate(loads):
            initiator = script_initiator(loads[parent][0]) if parent is not None else None
            entries.append(
                entry(url, started=at(0.1 * (n + 1)), mime="text/javascript", initiator=initiator)
            )
        if signal:
            entries.append(document(5, request_headers=REFUSED_MARKETING))
        report = audit(*entries)
        ids = {tag.signature.name: tag.id for tag in report.tags}
        loaded_by = {tag.id: tag.loaded_by for tag in report.tags}
        for tag in report.tags:
            for flag in tag.flags:
                if flag.rule not in {"before-consent", "no-consent-signal"}:
                    continue
                judged = _JUDGED.search(flag.message)
                for part in judged.group(1).split(" and of ") if judged else ():
                    match = _PART.match(part)
                    assert match is not None, part
                    through = match.group(2).split(", ") if match.group(2) else []
                    chain = [ids[name] for name in (*reversed(through), match.group(1))]
                    walked: list[str | None] = []
                    current: str | None = tag.id
                    for _ in chain:
                        current = loaded_by[current] if current is not None else None
                        walked.append(current)
                    assert walked == chain, (flag.message, loaded_by)


def test_purpose_inherited_up_to_sixteen_loaders(tmp_path: Path) -> None:
    """A tag inherits the purpose of the tags that loaded it, up to 16 loaders above it."""
    fixture = json.loads((FIXTURES / "signatures" / "attribution.json").read_text("utf-8"))
    (template,) = (s for s in fixture["signatures"] if s["id"] == "tagmgr")
    ids = [f"tag{n:02d}" for n in range(20)]
    signatures = [
        dict(template, id=i, name=i, hosts=[f"*.{i}.example"], consent="functional") for i in ids
    ]
    signatures[0]["consent"] = "marketing"
    path = tmp_path / "signatures.json"
    path.write_text(json.dumps(dict(fixture, signatures=signatures)), encoding="utf-8")
    urls = [f"https://cdn.{i}.example/t.js" for i in ids]
    capture = har(
        entry(SITE),
        entry(urls[0], initiator=parser_initiator(SITE), mime="text/javascript"),
        *(
            entry(url, initiator=script_initiator(cause), mime="text/javascript")
            for cause, url in pairwise(urls)
        ),
    )
    report = analyze(capture, signatures=load_signatures(path, bundled=False))
    assert [t.loaded_by for t in report.tags] == [None, *ids[:-1]]
    needing = [t.id for t in report.tags if any(f.rule == "no-consent-signal" for f in t.flags)]
    assert needing == ids[:17]

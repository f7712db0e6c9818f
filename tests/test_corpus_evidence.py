"""What the real captures of the shared corpus prove, and what they cannot show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tagsig import analyze, load_har

from .conftest import CORPUS

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is absent"),
]

HAR = CORPUS / "har"
FERGUSON = HAR / "sitespeedio__pagexray__test__files__contentTypes__ferguson.har"


def _rules(path: Path, rule: str) -> list[tuple[str, str]]:
    report = analyze(path)
    return [
        (tag.id, flag.severity) for tag in report.tags for flag in tag.flags if flag.rule == rule
    ]


def test_empty_consent_parameters_are_no_signal() -> None:
    """Ferguson's only consent parameters are ``gdpr=&gdpr_consent=`` (The Trade Desk).

    They are no signal: the capture carries none, so its tags get ``no-consent-signal``
    (medium), not a ``before-consent`` flag (high) for every tag.
    """
    assert _rules(FERGUSON, "before-consent") == []
    silent = _rules(FERGUSON, "no-consent-signal")
    assert ("the-trade-desk", "medium") in silent
    assert ("meta-pixel", "medium") in silent


WEBPAGETEST = [
    HAR / name
    for name in (
        "sitespeedio__pagexray__test__files__www.nytimes.com.har",
        "sitespeedio__pagexray__test__files__requests__expressen.har",
        "sitespeedio__pagexray__test__files__contentTypes__aftonbladet.se.har",
        "sitespeedio__pagexray__test__files__en.wikipedia.org.spdy-wpt.har",
    )
]
COOKIE_RULES = {"cookie-lifetime", "third-party-cookie", "cross-site-tracking", "insecure-cookie"}


@pytest.mark.parametrize("path", WEBPAGETEST, ids=lambda p: p.name)
def test_webpagetest_captures_keep_their_cookies(path: Path) -> None:
    """These WebPageTest captures hold real cookie headers: all are read, none invented."""
    capture = load_har(path)
    assert (capture.has_cookie_evidence, capture.cookies_stripped) == (True, 0)
    cookies = [c for e in capture.entries for c in (*e.request_cookies, *e.response_cookies)]
    assert cookies
    assert all(c.name and "bytes were stripped" not in c.value for c in cookies)


def _stripped(path: Path) -> bytes:
    """Return the capture as a net-log producer writes it: every cookie value stripped."""
    document = json.loads(path.read_bytes())
    for item in document["log"]["entries"]:
        for side in ("request", "response"):
            message = item.get(side) or {}
            for header in message.get("headers") or ():
                if header["name"].lower() in {"cookie", "set-cookie"}:
                    header["value"] = f"[{len(header['value'])} bytes were stripped]"
            message["cookies"] = []
    return json.dumps(document).encode()


def test_stripped_webpagetest_capture_judges_no_cookie() -> None:
    """The New York Times capture, its cookie values stripped, shows what is not there.

    The capture as recorded gives cookie findings; stripped, it gives none, no cookie with
    an empty name, a ``stripped-cookies`` warning, and one info flag per cookie rule.
    """
    path = WEBPAGETEST[0]
    recorded = analyze(path)
    assert any(f.rule in COOKIE_RULES for t in recorded.tags for f in t.flags)
    report = analyze(_stripped(path))
    assert [w.code for w in report.warnings] == ["stripped-cookies"]
    assert not report.inputs[0].has_cookie_evidence
    assert all(c.name for t in report.tags for c in t.cookies)
    assert [f for t in report.tags for f in t.flags if f.rule in COOKIE_RULES] == []
    assert sorted(f.rule for f in report.flags if f.rule in COOKIE_RULES) == sorted(COOKIE_RULES)
    assert {f.severity for f in report.flags if f.rule in COOKIE_RULES} == {"info"}

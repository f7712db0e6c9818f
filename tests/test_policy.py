"""Tests of policies: reading, policy rules, waivers and the CLI's --fail-on."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tagsig import (
    ArgumentError,
    Policy,
    PolicyError,
    Waiver,
    analyze,
    failing_flags,
    load_policy,
    render,
)
from tagsig._cli.main import main

from .audits import audit, document, flags, hit
from .builders import entry, har
from .conftest import REPO

Asset = Callable[[str], Path]
EXAMPLE = str(REPO / "examples" / "shop.har")
EXAMPLE_JAR = str(REPO / "examples" / "cookies.txt")


class TestLoad:
    """load_policy."""

    def test_toml(self, asset: Asset) -> None:
        """A TOML policy is read into its fields."""
        policy = load_policy(asset("policy/strict.toml"))
        assert policy.denied_tags == ("meta-pixel",)
        assert policy.allowed_countries == ("FR", "DE", "IE")
        assert policy.max_cookie_days == 180
        assert policy.max_tag_bytes == 50000
        assert policy.ignore == (Waiver(rule="unknown-third-party", reason="our own image CDN"),)

    def test_json(self, asset: Asset) -> None:
        """A JSON policy is read too."""
        policy = load_policy(asset("policy/waive-high.json"))
        assert policy.waiver("before-consent", "meta-pixel") is not None
        assert policy.waiver("before-consent", "hotjar") is None
        assert policy.allowed_tags is None

    @pytest.mark.parametrize(
        ("name", "pointer", "message"),
        [
            (
                "unknown-key.toml",
                "/tags",
                "expected a valid policy, found: Additional properties are not allowed "
                "('alowed' was unexpected)",
            ),
            (
                "bad-waiver.toml",
                "/ignore/0",
                "expected a valid policy, found: 'reason' is a required property",
            ),
        ],
    )
    def test_schema_errors(self, asset: Asset, name: str, pointer: str, message: str) -> None:
        """Schema violations name the problem and its pointer."""
        path = asset(f"policy/{name}")
        with pytest.raises(PolicyError) as caught:
            load_policy(path)
        assert caught.value.pointer == pointer
        assert caught.value.message == message
        assert str(caught.value) == f"{path}#{pointer}: {message}"

    def test_syntax_error(self, asset: Asset) -> None:
        """A TOML syntax error is a PolicyError."""
        with pytest.raises(PolicyError, match="expected TOML, found a syntax error"):
            load_policy(asset("policy/not-toml.toml"))

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file is a PolicyError with its path."""
        with pytest.raises(PolicyError, match="found an unreadable file") as caught:
            load_policy(tmp_path / "none.toml")
        assert caught.value.path == str(tmp_path / "none.toml")


class TestPolicyRules:
    """The policy's lists and limits become flags."""

    def test_strict_policy_on_example(self, asset: Asset) -> None:
        """Denied, unlisted, missing, country and bytes flags; the waiver applies."""
        report = analyze(EXAMPLE, cookies=[EXAMPLE_JAR], policy=asset("policy/strict.toml"))
        (denied,) = flags(report, "policy-denied-tag", "meta-pixel")
        assert denied.severity == "high"
        unlisted = {t.id for t in report.tags for f in t.flags if f.rule == "policy-unlisted-tag"}
        assert unlisted == {"google-fonts", "hotjar", "intercom"}
        assert [f.message for f in report.flags if f.rule == "policy-missing-tag"] == [
            f"The policy ({asset('policy/strict.toml')}) requires the tag cookiebot, which "
            "the inputs do not show."
        ]
        (country,) = flags(report, "policy-country", "google-analytics")
        assert "based in US" in country.message
        assert flags(report, "policy-tag-bytes", "google-tag-manager")
        (unknown,) = [f for f in report.flags if f.rule == "unknown-third-party"]
        assert unknown.waiver == "our own image CDN"
        lifetimes = flags(report, "cookie-lifetime", "google-analytics")
        assert lifetimes
        assert all("the policy's maximum of 180 days" in f.message for f in lifetimes)

    def test_quiet_without_policy(self) -> None:
        """Without a policy no policy flag appears."""
        report = audit(document(0), hit("https://www.facebook.com/tr/?id=1", 1))
        assert not [f for t in report.tags for f in t.flags if f.rule.startswith("policy-")]

    def test_consent_purposes(self) -> None:
        """A policy can make functional tags need consent too."""
        report = audit(
            document(0, request_headers={"Cookie": "OptanonConsent=groups=C0003%3A0"}),
            hit("https://fonts.googleapis.com/css2?family=A", 1),
            policy=Policy(consent_purposes=("functional",)),
        )
        assert len(flags(report, "before-consent", "google-fonts")) == 1
        assert report.consent.needing_consent == ("functional",)

    def test_needing_consent_reaches_the_renderers(self) -> None:
        """The report says which purposes needed consent, and the renderers count by it."""
        entries = (
            document(0),
            hit("https://fonts.googleapis.com/css2?family=A", 1),
            hit("https://www.facebook.com/tr/?id=1", 2),
        )
        default = audit(*entries)
        functional = audit(*entries, policy=Policy(consent_purposes=("functional",)))
        assert default.consent.needing_consent == ("analytics", "marketing", "personalization")
        assert json.loads(render(functional, "json"))["consent"]["needing_consent"] == [
            "functional"
        ]
        everything = audit(*entries, policy=Policy(consent_purposes=("functional", "marketing")))
        # Google Fonts is functional, the Meta Pixel marketing.
        for report, count in ((default, 1), (functional, 1), (everything, 2)):
            assert f'<div class="card"><b>{count}</b>need consent</div>' in render(report, "html")
            assert f"2 tags**, {count} needing consent" in render(report, "markdown")


class TestFailOn:
    """failing_flags and tagsig analyze --fail-on."""

    def test_failing_flags(self, asset: Asset) -> None:
        """Waived flags do not fail; severities below the threshold do not either."""
        report = analyze(EXAMPLE, policy=asset("policy/waive-high.json"))
        assert failing_flags(report, "high") == ()
        assert failing_flags(report, "medium")
        with pytest.raises(ArgumentError, match="expected a severity among"):
            failing_flags(report, "severe")

    def test_cli_exit_codes(self, asset: Asset, capsys: pytest.CaptureFixture[str]) -> None:
        """--fail-on exits 1 on an unwaived flag, 0 when all are waived."""
        assert main(["analyze", EXAMPLE, "--fail-on", "high", "--format", "json"]) == 1
        err = capsys.readouterr().err
        assert "flags at or above high severity not waived: " in err
        assert "meta-pixel (before-consent)" in err.splitlines()[-1]
        assert (
            main(
                [
                    "analyze",
                    EXAMPLE,
                    "--fail-on",
                    "high",
                    "--format",
                    "json",
                    "--policy",
                    str(asset("policy/waive-high.json")),
                ]
            )
            == 0
        )
        assert main(["analyze", EXAMPLE, "--format", "json"]) == 0

    def test_cli_names_ten_failing_tags(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--fail-on names the first ten failing tags, then counts the others."""
        hosts = [
            "www.google-analytics.com",
            "connect.facebook.net",
            "widget.intercom.io",
            "static.hotjar.com",
            "js.hs-scripts.com",
            "cdn.segment.com",
            "bat.bing.com",
            "snap.licdn.com",
            "static.ads-twitter.com",
            "s.pinimg.com",
            "analytics.tiktok.com",
            "cdn.mxpnl.com",
            "js.driftt.com",
            "cdn.heapanalytics.com",
        ]
        capture = tmp_path / "many.har"
        capture.write_bytes(
            har(
                entry("https://www.shop.example/"),
                *(entry(f"https://{h}/x.js", mime="application/javascript") for h in hosts),
            )
        )
        assert main(["analyze", str(capture), "--fail-on", "low", "--format", "json"]) == 1
        named = capsys.readouterr().err.splitlines()[-1].partition("not waived: ")[2]
        *tags, rest = named.split("; ")
        assert len(tags) == 10
        assert rest == f"and {len(hosts) - 10} more"

    def test_cli_bad_policy(self, asset: Asset, capsys: pytest.CaptureFixture[str]) -> None:
        """An invalid policy exits 2 with the error."""
        assert main(["analyze", EXAMPLE, "--policy", str(asset("policy/unknown-key.toml"))]) == 2
        assert "tagsig: error:" in capsys.readouterr().err

    def test_cli_identifier(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--identifier finds a known user id in third-party requests."""
        assert main(["analyze", EXAMPLE, "--format", "json", "--identifier", "1234567890"]) == 0
        assert "identifier in id" in capsys.readouterr().out


def test_every_rule_has_a_docs_page() -> None:
    """Each rule id the rules can raise has docs/rules/<id>.md, listed in the index."""
    import re

    source = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (REPO / "src" / "tagsig" / "_compliance" / "rules").glob("*.py")
    )
    rules = set(re.findall(r'rule="([a-z0-9-]+)"', source))
    assert len(rules) >= 20
    index = (REPO / "docs" / "rules" / "index.md").read_text(encoding="utf-8")
    for rule in sorted(rules):
        assert (REPO / "docs" / "rules" / f"{rule}.md").is_file(), rule
        assert f"[`{rule}`]({rule}.md)" in index, rule

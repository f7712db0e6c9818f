"""Flag messages by stable id: English as before, Irish in the human reports, JSON and SARIF."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from babel import Locale
from hypothesis import given
from hypothesis import strategies as st

from tagsig import Flag, Report, analyze, render
from tagsig._cli.main import main
from tagsig._compliance.flags import Count, Message
from tagsig._compliance.messages import (
    TEMPLATES,
    TRANSLATED_RULES,
    count_text,
    make_flag,
    message_text,
)
from tagsig._compliance.rules.registry import rule_info
from tagsig._i18n import Translator
from tagsig._render.common import flag_message
from tagsig._resources import data_file

from .conftest import CORPUS, FIXTURES, REPO

EXAMPLE = REPO / "examples" / "shop.har"
EXAMPLE_JAR = REPO / "examples" / "cookies.txt"
STRICT = FIXTURES / "policy" / "strict.toml"
OASIS_SCHEMA = FIXTURES / "sarif" / "sarif-schema-2.1.0.json"


@cache
def _report() -> Report:
    """Return the example shop under the strict policy: flags of most rule families."""
    return analyze(EXAMPLE, cookies=[EXAMPLE_JAR], policy=STRICT)


def _flags(report: Report) -> list[Flag]:
    return [f for t in report.tags for f in t.flags] + list(report.flags)


@cache
def _corpus_flags() -> tuple[Flag, ...]:
    hars = sorted((CORPUS / "har").glob("*.har"))
    flags: list[Flag] = []
    for har in hars:
        flags.extend(_flags(analyze(har)))
    return tuple(flags)


class TestTranslatedRules:
    """Which rules carry message ids: listed here, so the list grows on purpose."""

    def test_the_list(self) -> None:
        """Every family: policy, transfer, inventory, vendors, cookies, PII, consent."""
        assert sorted(TRANSLATED_RULES) == [
            "before-consent",
            "cookie-lifetime",
            "cross-site-tracking",
            "disabled-by-consent-mode",
            "ga-ip-anonymization-missing",
            "ga-personal-data",
            "google-ads-personal-data",
            "identity-verification-missing",
            "insecure-cookie",
            "loaded-on-every-page",
            "meta-advanced-matching",
            "no-consent-signal",
            "over-weight",
            "pii-to-third-party",
            "policy-country",
            "policy-denied-tag",
            "policy-missing-tag",
            "policy-tag-bytes",
            "policy-unlisted-tag",
            "session-replay-unmasked",
            "third-party-cookie",
            "transfer-outside-eea",
            "unknown-third-party",
        ]

    def test_listed_rules_exist(self) -> None:
        """Each listed rule is a registered rule."""
        for rule in TRANSLATED_RULES:
            assert rule_info(rule).help_uri.endswith(f"{rule}.md"), rule

    def test_every_rule_is_listed(self) -> None:
        """Every rule the rule modules raise is translated."""
        import re

        rules = REPO / "src" / "tagsig" / "_compliance" / "rules"
        source = "\n".join(p.read_text(encoding="utf-8") for p in rules.glob("*.py"))
        assert set(re.findall(r'rule="([a-z0-9-]+)"', source)) == TRANSLATED_RULES

    def test_flags_carry_ids_exactly_for_listed_rules(self) -> None:
        """A flag of a listed rule has a message id; any other rule's flag has none."""
        flags = _flags(_report())
        assert {f.rule for f in flags if f.message_id is not None} >= {
            "policy-country",
            "policy-tag-bytes",
            "transfer-outside-eea",
            "over-weight",
            "identity-verification-missing",
            "policy-missing-tag",
            "unknown-third-party",
        }
        for flag in flags:
            assert (flag.message_id is not None) == (flag.rule in TRANSLATED_RULES), flag.rule


class TestEnglish:
    """The English message is the template filled in: exactly what the rules wrote."""

    def test_example_messages_round_trip(self) -> None:
        """Rendering each flag's id and values in English gives its ``message``."""
        for flag in _flags(_report()):
            if flag.message_id is not None:
                assert message_text(flag.message_id, flag.message_args) == flag.message

    @pytest.mark.corpus
    def test_corpus_messages_round_trip(self) -> None:
        """The same for every flag the real captures raise."""
        if not (CORPUS / "har").is_dir():
            pytest.skip("the shared corpus is absent")
        flags = [f for f in _corpus_flags() if f.message_id is not None]
        assert flags
        for flag in flags:
            assert message_text(flag.message_id or "", flag.message_args) == flag.message
            assert (
                message_text(flag.message_id or "", flag.message_args, Translator("ga"))
                != flag.message
            )

    def test_ids_take_no_part_in_equality(self) -> None:
        """Two flags with the same content are equal whatever their message id."""
        flag = make_flag(rule="policy-missing-tag", severity="high", where="", tag="x")
        plain = Flag(rule="policy-missing-tag", severity="high", message=flag.message)
        assert flag == plain
        assert hash(flag) == hash(plain)

    def test_missing_field_is_an_error(self) -> None:
        """A template whose field is not given is a programming error (KeyError)."""
        with pytest.raises(KeyError):
            make_flag(rule="policy-missing-tag", severity="high", tag="x")


class TestIrish:
    """Templates, counts and nested phrases in Irish."""

    def test_every_template_is_translated(self) -> None:
        """Each template has an Irish text of its own."""
        ga = Translator("ga")
        # Punctuation only, or words Irish shares ("in"):
        same = {
            "{script}; {requests}",
            "{cookie} ({domain})",
            "{first}; {rest}",
            "{kind} in {name} ({value})",
        }
        for template in TEMPLATES.values():
            if template not in same:
                assert ga.gettext(template) != template, template

    @pytest.mark.parametrize(
        ("count", "expected"),
        [
            (1, "1 fhianán tríú páirtí"),
            (2, "2 fhianán tríú páirtí"),
            (4, "4 fhianán tríú páirtí"),
            (9, "9 bhfianán tríú páirtí"),
            (40, "40 fianán tríú páirtí"),
        ],
    )
    def test_counts(self, count: int, expected: str) -> None:
        """A count takes the Irish form its number calls for."""
        assert count_text(Count(count, "third-party cookie"), Translator("ga")) == expected
        assert count_text(Count(count, "third-party cookie")).startswith(f"{count} third")

    def test_nested_phrase(self) -> None:
        """A phrase inside a message is translated with it."""
        args = (
            ("tag", "Hotjar"),
            ("vendor", "Hotjar Ltd"),
            ("country", "IL"),
            ("basis", Message("transfer-outside-eea.adequate")),
        )
        text = message_text("transfer-outside-eea", args, Translator("ga"))
        assert text == (
            "Seolann Hotjar sonraí chuig Hotjar Ltd, atá lonnaithe in IL "
            "(lasmuigh den LEE), tír a bhfuil cinneadh leordhóthanachta AE aici."
        )

    def test_flag_message_falls_back_to_english(self) -> None:
        """A flag without an id (an untranslated rule, JSON read back) stays English."""
        flag = Flag(rule="before-consent", severity="high", message="Early.")
        assert flag_message(flag, Translator("ga")) == "Early."

    def test_text_report_translates_flags(self) -> None:
        """The Irish text report shows the translated messages."""
        text = render(_report(), "text", lang="ga")
        assert "Éilíonn an beartas" in text
        assert "(suíomh)" in text
        assert "The policy" not in text
        assert "(site)" not in text


class TestMachineFormats:
    """JSON and SARIF keep English and codes; the translation is added only when asked."""

    def test_json_without_lang_is_unchanged(self) -> None:
        """No ``lang``, no ``message_translated``: the document as it always was."""
        document = json.loads(render(_report(), "json"))
        assert "lang" not in document
        assert all("message_translated" not in f for f in document["flags"])
        assert json.loads(render(_report(), "json", lang="en")) == document

    def test_json_with_irish(self) -> None:
        """``lang="ga"`` names the language and adds each flag's Irish message."""
        document = json.loads(render(_report(), "json", lang="ga"))
        assert document["lang"] == "ga"
        schema = json.loads(data_file("report.schema.json").read_text(encoding="utf-8"))
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
        assert not errors, errors[:3]
        flags = [f for t in document["tags"] for f in t["flags"]] + document["flags"]
        english = {f.message for f in _flags(_report())}
        for flag in flags:
            assert flag["message"] in english
            assert "message_translated" in flag
        missing = next(f for f in document["flags"] if f["rule"] == "policy-missing-tag")
        assert missing["message_translated"].startswith("Éilíonn an beartas")
        assert all(f["message_translated"] != f["message"] for f in flags)

    def test_sarif_with_irish(self) -> None:
        """Each result's property bag holds the Irish message; the log stays valid SARIF."""
        log: dict[str, Any] = json.loads(render(_report(), "sarif", lang="ga"))
        schema = json.loads(OASIS_SCHEMA.read_text(encoding="utf-8"))
        errors = list(jsonschema.Draft4Validator(schema).iter_errors(log))
        assert not errors, errors[:3]
        run = log["runs"][0]
        assert run["properties"]["lang"] == "ga"
        results = run["results"]
        assert all("message_translated" in r["properties"] for r in results)
        assert all(not r["message"]["text"].startswith("Éilíonn") for r in results)
        plain: dict[str, Any] = json.loads(render(_report(), "sarif"))
        assert "lang" not in plain["runs"][0]["properties"]
        assert all("message_translated" not in r["properties"] for r in plain["runs"][0]["results"])

    def test_cli_adds_translations_only_when_asked(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """An Irish locale leaves JSON English; ``--lang ga`` adds the translations."""
        monkeypatch.setenv("LANG", "ga_IE.UTF-8")
        args = ["analyze", str(EXAMPLE), "--policy", str(STRICT), "--format", "json"]
        assert main(args) == 0
        assert "message_translated" not in capsys.readouterr().out
        assert main([*args, "--lang", "ga"]) == 0
        document = json.loads(capsys.readouterr().out)
        assert document["lang"] == "ga"


def test_irish_json_report_is_a_baseline(tmp_path: Path) -> None:
    """A JSON report with translations still serves as a diff baseline: nothing changed."""
    from tagsig._analysis.saved import load_report_document
    from tagsig._render.compare import diff_reports

    saved = tmp_path / "report.json"
    saved.write_text(render(_report(), "json", lang="ga"), encoding="utf-8")
    document = load_report_document(saved)
    assert document is not None
    assert diff_reports(document, _report()).is_empty


_IRISH_REQUESTS = {
    "one": "{n} iarratas",
    "two": "{n} iarratas",
    "few": "{n} iarratas",
    "many": "{n} n-iarratas",
    "other": "{n} iarratas",
}


@given(st.integers(min_value=0, max_value=100_000))
def test_counts_follow_cldr_for_any_number(count: int) -> None:
    """Any count takes the form of its CLDR plural category in Irish, and English's two."""
    category = Locale.parse("ga").plural_form(count)
    assert count_text(Count(count, "request"), Translator("ga")) == (
        _IRISH_REQUESTS[category].format(n=count)
    )
    assert count_text(Count(count, "request")) == (
        f"{count} request" if count == 1 else f"{count} requests"
    )

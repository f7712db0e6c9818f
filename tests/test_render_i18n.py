"""Reports in Irish: the text, Markdown and HTML renderers' labels, plurals and numbers."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from attrs import evolve

from tagsig import Flag, Report, render
from tagsig._cli.main import main
from tagsig._i18n import Translator
from tagsig._render.common import cookie_lifetime, decimal, human_bytes, verdict
from tagsig._render.html import render_html
from tagsig._render.markdown import render_markdown
from tagsig._render.text import explain_tag, render_text
from tagsig._report.model import TagCookie

from .reports import EXAMPLE, EXAMPLE_JAR, example_report

HUMAN = ("text", "markdown", "html")


def _with_high_flags(report: Report, count: int) -> Report:
    """Return ``report`` with ``count`` high flags on its first tag and no other flag."""
    tag = report.tags[0]
    flags = tuple(
        Flag(rule="before-consent", severity="high", message=f"m{n}", tag=tag.id)
        for n in range(count)
    )
    return evolve(
        report, tags=(evolve(tag, flags=flags), *(evolve(t, flags=()) for t in report.tags[1:]))
    )


class TestEnglishIsUnchanged:
    """English stays the code's own text: ``lang="en"`` is the default output."""

    @pytest.mark.parametrize("fmt", HUMAN)
    def test_english_is_the_default(self, fmt: str) -> None:
        """Asking for English gives exactly what rendering without a language gives."""
        report = example_report()
        assert render(report, fmt, lang="en") == render(report, fmt)

    def test_english_labels(self) -> None:
        """The English text report keeps its labels."""
        text = render_text(example_report())
        assert "Action needed: 1 high-severity finding and 1 medium" in text
        assert "Flags" in text
        assert "Clibeanna" not in text


class TestIrishReports:
    """``lang="ga"``: every human format speaks Irish."""

    def test_text_labels(self) -> None:
        """Table titles, columns, the verdict and the details are Irish."""
        text = render_text(example_report(), lang="ga")
        for label in (
            "Clibeanna",
            "Fianáin",
            "Bratacha",
            "Comharthaí toilithe",
            "Rabhaidh",
            "Mionsonraí (fianaise agus botúin choitianta, de réir clibe)",
            "Gníomh ag teastáil: 1 thoradh de dhéine ard agus 1 meánach",
            "déine",
            "riail",
            "céad pháirtí",
        ):
            assert label in text, label
        assert "Action needed" not in text
        assert not re.search(r"\bseverity\b", text)

    def test_markdown_labels(self) -> None:
        """The Markdown title, sections and table headers are Irish."""
        text = render_markdown(example_report(), lang="ga", cwd="/")
        assert text.startswith("# Clibeanna tríú páirtí: gníomh ag teastáil\n")
        for label in (
            "## Torthaí le gníomhú orthu",
            "| Déine | Clib | Riail | Toradh |",
            "<summary>Clibeanna (",
            "Ionchuir: ",
        ):
            assert label in text, label
        assert "Findings to act on" not in text

    def test_markdown_note_on_cut_details_is_irish(self) -> None:
        """The note that says what was left out to fit is Irish too."""
        text = render_markdown(example_report(), lang="ga", max_chars=1500, cwd="/")
        assert len(text) <= 1500
        assert "> **Nóta**: chun fanacht laistigh de 1,500 carachtar" in text

    def test_html_labels_and_language(self) -> None:
        """The page declares ``lang="ga"`` and its headings and headers are Irish."""
        page = render_html(example_report(), lang="ga")
        assert '<html lang="ga">' in page
        assert '<div class="tagsig-report" lang="ga">' in page
        for label in (
            "<h1>Clibeanna tríú páirtí</h1>",
            '<h2 id="findings">Torthaí</h2>',
            "<th>Soláthraí</th>",
            "<h2>Meáchan de réir clibe</h2>",
            'aria-label="Meáchan de réir clibe"',
        ):
            assert label in page, label
        assert "<h2>Cookies</h2>" not in page

    def test_html_english_has_no_lang_on_the_div(self) -> None:
        """English output is what it always was: ``<html lang="en">``, a bare ``<div>``."""
        page = render_html(example_report())
        assert '<html lang="en">' in page
        assert '<div class="tagsig-report">' in page

    def test_explain_tag(self) -> None:
        """``--explain`` labels each fact in Irish."""
        text = explain_tag(example_report(), "google-analytics", lang="ga")
        assert "  soláthraí: Google" in text
        assert "  cuspóir toilithe: anailísíocht" in text

    def test_api_render_takes_the_language(self) -> None:
        """``render(report, format, lang="ga")`` reaches each human renderer."""
        report = example_report()
        assert render(report, "text", lang="ga") == render_text(report, lang="ga")
        assert render(report, "html", lang="GA") == render_html(report, lang="ga")

    def test_unknown_language_is_refused(self) -> None:
        """A language that is not shipped is a ValueError naming the shipped ones."""
        with pytest.raises(ValueError, match="expected a language among en, ga, found 'xx'"):
            render(example_report(), "text", lang="xx")


class TestIrishPlurals:
    """Counts choose among Irish's five forms (one, two, few, many, other)."""

    @pytest.mark.parametrize(
        ("count", "expected"),
        [
            (1, "1 thoradh de dhéine ard"),
            (2, "2 thoradh de dhéine ard"),
            (5, "5 thoradh de dhéine ard"),
            (8, "8 dtoradh de dhéine ard"),
            (12, "12 toradh de dhéine ard"),
        ],
    )
    def test_verdict(self, count: int, expected: str) -> None:
        """The verdict's count of high findings lenites, eclipses or stays plain."""
        _, words = verdict(_with_high_flags(example_report(), count), Translator("ga"))
        assert words == f"Gníomh ag teastáil: {expected}, faoi 1 chlib nó faoin suíomh."

    @pytest.mark.parametrize(
        ("count", "expected"),
        [(1, "1 high-severity finding, about 1 tag"), (2, "2 high-severity findings")],
    )
    def test_english_verdict(self, count: int, expected: str) -> None:
        """English keeps its two forms."""
        _, words = verdict(_with_high_flags(example_report(), count))
        assert expected in words


class TestLocaleFormats:
    """Numbers and dates the renderers format follow the language, with Babel."""

    def test_decimal(self) -> None:
        """English keeps Python's plain digits; Irish groups thousands as CLDR says."""
        assert decimal(12345.67, 1) == "12345.7"
        assert decimal(12345.67, 1, Translator("ga")) == "12,345.7"

    def test_bytes(self) -> None:
        """Sizes keep their unit and format the figure for the language."""
        assert human_bytes(1_234_000) == "1.2 MB"
        assert human_bytes(1_234_000, Translator("ga")) == "1.2 MB"
        assert human_bytes(999, Translator("ga")) == "999 B"

    def test_cookie_lifetime_date_and_days(self) -> None:
        """A lifetime in days takes its plural form; an expiry date is written in Irish."""
        expires = datetime(2027, 3, 17, tzinfo=UTC)
        dated = TagCookie(
            name="_ga",
            domain="example.com",
            source="response",
            expires=expires,
            lifetime_days=None,
            third_party=False,
            evidence="name",
            input=0,
        )
        assert cookie_lifetime(dated) == "until 2027-03-17"
        assert cookie_lifetime(dated, Translator("ga")) == "go dtí 17 Márta 2027"
        counted = evolve(dated, lifetime_days=8.0)
        assert cookie_lifetime(counted) == "8 days"
        assert cookie_lifetime(counted, Translator("ga")) == "8 lá"
        assert cookie_lifetime(evolve(dated, source="request"), Translator("ga")) == "seolta"


class TestCommandLine:
    """``tagsig analyze --lang``, and the locale when it is absent."""

    def test_lang_option(self, capsys: pytest.CaptureFixture[str]) -> None:
        """``--lang ga`` gives the Irish text report."""
        assert main(["analyze", str(EXAMPLE), "--cookies", str(EXAMPLE_JAR), "--lang", "ga"]) == 0
        out = capsys.readouterr().out
        assert "Clibeanna" in out
        assert "Unknown third parties" not in out

    def test_locale_chooses(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without ``--lang``, ``LANG=ga_IE.UTF-8`` chooses Irish; ``--lang en`` wins."""
        for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            monkeypatch.delenv(variable, raising=False)
        monkeypatch.setenv("LANG", "ga_IE.UTF-8")
        assert main(["analyze", str(EXAMPLE), "--format", "markdown"]) == 0
        assert capsys.readouterr().out.startswith("# Clibeanna tríú páirtí")
        assert main(["analyze", str(EXAMPLE), "--format", "markdown", "--lang", "en"]) == 0
        assert capsys.readouterr().out.startswith("# Third-party tags")

    def test_unknown_language(self, capsys: pytest.CaptureFixture[str]) -> None:
        """``--lang xx`` is a usage error, exit 2, naming the shipped languages."""
        with pytest.raises(SystemExit) as caught:
            main(["analyze", str(EXAMPLE), "--lang", "xx"])
        assert caught.value.code == 2
        assert "expected a language among en, ga, found 'xx'" in capsys.readouterr().err


def test_irish_reports_hold_no_english_label() -> None:
    """No English label of several words that Irish translates is left in an Irish report.

    The text a report quotes from its inputs and the signatures' prose (common mistakes)
    stay as they are, so the check looks at the labels only.
    """
    import html

    from babel.messages.pofile import read_po

    from .conftest import REPO

    with (REPO / "src" / "tagsig" / "locale" / "tagsig.pot").open("rb") as f:
        template = read_po(f)
    ga = Translator("ga")
    labels = {
        m.id
        for m in template
        if isinstance(m.id, str) and " " in m.id and "{" not in m.id and ga.gettext(m.id) != m.id
    }
    report = analyze_example_with_policy()
    report = evolve(
        report,
        tags=tuple(evolve(t, signature=evolve(t.signature, mistakes=())) for t in report.tags),
    )
    for fmt in HUMAN:
        text = html.unescape(render(report, fmt, lang="ga"))
        left = sorted(label for label in labels if label in text)
        assert not left, (fmt, left)


def analyze_example_with_policy() -> Report:
    """Return the example's report under the strict policy: flags of most rules."""
    from tagsig import analyze

    from .conftest import FIXTURES

    return analyze(EXAMPLE, cookies=[EXAMPLE_JAR], policy=FIXTURES / "policy" / "strict.toml")

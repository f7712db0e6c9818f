"""Tests of the Markdown renderer: content and escaping, checked with a CommonMark parser."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest
from attrs import evolve
from markdown_it import MarkdownIt

from tagsig import analyze, diff_reports, render
from tagsig._compliance.rules.registry import DOCS_URL
from tagsig._render.markdown import GITHUB_COMMENT_LIMIT, markdown_text, render_markdown

from .conftest import CORPUS, REPO
from .reports import EXAMPLE, EXAMPLE_JAR, example_report, hostile_report

LARGEST = (
    [
        CORPUS / "har" / name
        for name in (
            "sitespeedio__sitespeed.io__test__fixtures__www-theverge-com.har",
            "Lookyloo__har2tree__tests__data__lalibre__001.har",
            "mrname__haralyzer__tests__data__cnn-chrome.har",
        )
    ]
    if CORPUS.is_dir()
    else []
)
"""The captures with the longest Markdown (theverge was 70,273 characters unbounded)."""


def _html(markdown: str) -> str:
    # CommonMark with raw HTML allowed, plus GFM tables and strikethrough: the strictest
    # test of the escaping.
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return str(parser.render(markdown))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(markdown: str) -> _Tags:
    parser = _Tags()
    parser.feed(_html(markdown))
    return parser


class TestContent:
    """What the Markdown holds."""

    def test_summary_first(self) -> None:
        """Verdict, counts, serious findings and consent tags come first; details fold."""
        text = render(example_report(), "markdown")
        assert text.startswith("# Third-party tags: action needed\n")
        summary, _, details = text.partition("<details>")
        for needle in (
            "**Action needed: 1 high-severity finding and 1 medium",
            "**8 tags**",
            "## Findings to act on",
            "**high**",
            "Meta Pixel",
            "## Tags that need consent",
            "> **Warning** (sanitized-har)",
            "signatures sha256:",
        ):
            assert needle in summary, needle
        for needle in (
            "<summary>Tags (",
            "<summary>Evidence and common mistakes",
            "<summary>Cookies (",
            "<summary>Consent signals (",
            "<summary>Unknown third parties (",
            "cdn.example-tracker.net",
        ):
            assert needle in details, needle
        assert text.count("<details>") == text.count("</details>")

    def test_tables_render(self) -> None:
        """Each table renders; the tags table has one row per third-party tag."""
        report = example_report()
        text = render(report, "markdown")
        parsed = _parse(text)
        assert [t for t, _ in parsed.tags].count("table") == 5
        tags = text.split("<summary>Tags (", 1)[1].split("</details>", 1)[0]
        assert sum(1 for line in tags.splitlines() if line.startswith("| ")) == (
            2 + len(report.third_party_tags)
        )

    def test_evidence_and_mistakes_per_tag(self) -> None:
        """A tag with flags shows each flag's evidence and the catalogue's common mistakes."""
        report = analyze(EXAMPLE, cookies=[EXAMPLE_JAR])
        text = render(report, "markdown")
        intercom = report.tag("intercom")
        assert intercom is not None
        assert intercom.signature.mistakes
        block = text.split("#### Intercom (intercom)", 1)[1].split("####", 1)[0]
        assert "Common mistakes:" in block
        for mistake in intercom.signature.mistakes:
            assert markdown_text(mistake) in block
        assert "POST https://api-iam.intercom.io/messenger/web/ping" in block
        assert "(/log/entries/11\\)" in block

    def test_rule_links(self) -> None:
        """Each rule links to its page in the online docs, written once."""
        text = render(example_report(), "markdown")
        links = [attrs["href"] for tag, attrs in _parse(text).tags if tag == "a"]
        assert f"{DOCS_URL}rules/before-consent.md" in links
        assert text.count(f"]: {DOCS_URL}rules/before-consent.md") == 1

    def test_paths_relative_to_the_working_directory(self) -> None:
        """Absolute input paths below the working directory are shown relative to it."""
        report = analyze(EXAMPLE.resolve(), cookies=[EXAMPLE_JAR.resolve()])
        text = render_markdown(report, cwd=str(REPO))
        assert "Inputs: examples/shop.har, examples/cookies.txt" in text
        assert "observed expiry in examples/cookies.txt" in text
        assert markdown_text(str(REPO)) not in text


class TestBound:
    """The document fits GitHub's comment limit, or any bound asked for."""

    def test_small_bound_drops_details_and_says_so(self) -> None:
        """Under a small bound the summary stays, details go, and a note names them."""
        report = example_report()
        text = render_markdown(report, max_chars=3000)
        assert len(text) <= 3000
        assert "## Findings to act on" in text
        assert "> **Note**: to stay within 3,000 characters" in text
        assert "cookies" in text.split("> **Note**", 1)[1]
        assert text.count("<details>") == text.count("</details>")

    def test_last_section_cut_short(self) -> None:
        """The last section cut short is the only one the note names."""
        report = example_report()
        report = attrs.evolve(
            report,
            unattributed=(),
            consent=attrs.evolve(
                report.consent, **{f.name: () for f in attrs.fields(type(report.consent))}
            ),
        )
        bound = len(render_markdown(report, max_chars=None)) - 200
        text = render_markdown(report, max_chars=bound)
        assert len(text) <= bound
        note = text.split("> **Note**", 1)[1].splitlines()[0]
        assert "details were left out: cookies (cut short). The HTML" in note

    def test_no_bound(self) -> None:
        """Without a bound nothing is left out."""
        text = render_markdown(example_report(), max_chars=None)
        assert "> **Note**" not in text

    @pytest.mark.skipif(not LARGEST, reason="the shared corpus is absent")
    @pytest.mark.parametrize("path", LARGEST, ids=[p.stem[-40:] for p in LARGEST])
    def test_largest_captures_fit(self, path: Path) -> None:
        """The largest corpus captures fit in 65,536 characters, summary first."""
        report = analyze(path)
        full = render_markdown(report, max_chars=None)
        text = render(report, "markdown")
        assert len(full) > GITHUB_COMMENT_LIMIT
        assert len(text) <= GITHUB_COMMENT_LIMIT
        assert text.startswith("# Third-party tags: ")
        assert "> **Note**: to stay within 65,536 characters" in text
        assert text.count("<details>") == text.count("</details>")
        assert "table" in [t for t, _ in _parse(text).tags]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is absent")
def test_every_corpus_capture_fits() -> None:
    """The Markdown of every corpus capture fits the comment limit, folds balanced."""
    captures = sorted((CORPUS / "har").glob("*.har"))
    assert captures
    for path in captures:
        text = render(analyze(path), "markdown")
        assert len(text) <= GITHUB_COMMENT_LIMIT, path.name
        assert text.count("<details>") == text.count("</details>"), path.name


class TestBaseline:
    """The change against a baseline report."""

    def test_added_tag_and_flags(self) -> None:
        """A tag missing from the baseline is listed as added, with its new flags."""
        report = example_report()
        old = evolve(report, tags=tuple(t for t in report.tags if t.id != "meta-pixel"))
        text = render_markdown(report, baseline=diff_reports(old, report))
        section = text.split("## Change against the baseline", 1)[1].split("<details>")[0]
        assert "Tags added: Meta Pixel" in section
        assert "Flags added: 1; resolved: 0" in section
        assert "| **high** | meta-pixel | [before-consent] |" in section

    def test_unchanged(self) -> None:
        """The same report as baseline shows that nothing changed."""
        report = example_report()
        assert "Nothing changed." in render_markdown(report, baseline=diff_reports(report, report))


class TestEscaping:
    """Markup from a hostile capture renders as literal text."""

    def test_escape_function(self) -> None:
        """Special characters are backslash-escaped and line breaks become spaces."""
        assert markdown_text("a|b*c\n<d>") == r"a\|b\*c \<d\>"

    def test_no_injected_html_or_links(self) -> None:
        """No script, image or link element comes out, and table rows stay intact."""
        report = hostile_report()
        markdown = render(report, "markdown")
        parsed = _parse(markdown)
        names = [t for t, _ in parsed.tags]
        assert "script" not in names
        assert "img" not in names
        assert all(
            (attrs["href"] or "").startswith(DOCS_URL) for tag, attrs in parsed.tags if tag == "a"
        )
        assert "h1" in names  # the report's own heading
        assert names.count("h1") == 1  # "# heading" inside a value stays text
        table = markdown.split("<summary>Tags (", 1)[1].split("\n\n", 1)[1]
        assert all(line.startswith("|") for line in table.split("\n\n", 1)[0].splitlines())

    def test_hostile_text_literal(self) -> None:
        """The hostile strings read literally in the rendered page."""
        text = "".join(_parse(render(hostile_report(), "markdown")).text)
        assert "<script>alert('x')</script><img src=x onerror=alert(1)>" in text
        assert "[link](javascript:alert(1))" in text

"""Tests of the Markdown renderer: content and escaping, checked with a CommonMark parser."""

from __future__ import annotations

from html.parser import HTMLParser

from markdown_it import MarkdownIt

from tagsig import render
from tagsig._render_markdown import markdown_text

from .reports import example_report, hostile_report


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

    def test_sections(self) -> None:
        """Summary line, tags, flags, cookies (folded), consent signals, unknown hosts."""
        text = render(example_report(), "markdown")
        assert text.startswith("# Third-party tags\n")
        for needle in ("**8 tags**", "## Tags", "## Flags", "**high**", "<details>",
                       "## Consent signals", "## Unknown third parties",
                       "cdn.example-tracker.net", "> **Warning** (sanitized-har)"):
            assert needle in text, needle

    def test_tables_render(self) -> None:
        """Each table renders with one row per tag (plus header)."""
        report = example_report()
        parsed = _parse(render(report, "markdown"))
        assert [t for t, _ in parsed.tags].count("table") == 5
        first_table_rows = render(report, "markdown").split("## Tags\n\n", 1)[1].split(
            "\n\n", 1)[0].splitlines()
        assert len(first_table_rows) == 2 + len(report.tags)


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
        assert "a" not in names
        assert "h1" in names  # the report's own heading
        assert names.count("h1") == 1  # "# heading" inside a value stays text
        assert all(line.startswith("|") for line in markdown.split("## Tags\n\n", 1)[1]
                   .split("\n\n", 1)[0].splitlines())

    def test_hostile_text_literal(self) -> None:
        """The hostile strings read literally in the rendered page."""
        text = "".join(_parse(render(hostile_report(), "markdown")).text)
        assert "<script>alert('x')</script><img src=x onerror=alert(1)>" in text
        assert "[link](javascript:alert(1))" in text

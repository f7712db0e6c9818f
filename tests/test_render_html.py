"""Tests of the HTML renderer: content, self-containment and escaping."""

from __future__ import annotations

import re
import sys
from html import escape
from html.parser import HTMLParser

import pytest
from attrs import evolve

from tagsig import TagsigError, analyze, render
from tagsig._compliance.rules.registry import DOCS_URL
from tagsig._render.html import text_width
from tagsig._report.model import _Renderers

from .builders import entry, har
from .reports import EXAMPLE, HOSTILE, example_report, hostile_report


class _Elements(HTMLParser):
    """Collects start tags with their attributes, and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(document: str) -> _Elements:
    parser = _Elements()
    parser.feed(document)
    parser.close()
    return parser


class TestContent:
    """What the page shows."""

    def test_sections(self) -> None:
        """Summary, charts, inventory with consent purpose, flags, cookies, hosts, warnings."""
        page = render(example_report(), "html")
        assert page.startswith("<!DOCTYPE html>")
        for needle in (
            "Weight per tag",
            "When each tag first fired",
            "Consent purpose",
            "marketing",
            "before-consent",
            "Cookies",
            "_ga_XYZ987",
            "Unknown third parties",
            "cdn.example-tracker.net",
            "google-tag-manager",
            "Warnings",
            "sanitized-har",
            "Consent signals",
        ):
            assert needle in page, needle

    def test_two_inline_svg_charts(self) -> None:
        """The bar chart and the timeline are inline SVG, one bar pair per tag."""
        report = example_report()
        parsed = _parse(render(report, "html"))
        assert [t for t, _ in parsed.tags].count("svg") == 2
        assert [t for t, _ in parsed.tags].count("rect") == 2 * len(report.tags)
        assert [t for t, _ in parsed.tags].count("circle") == len(report.tags)

    def test_tag_before_consent_is_red(self) -> None:
        """A tag needing consent that fired before the first consent signal is drawn red."""
        page = render(example_report(), "html")
        meta = re.search(r'<circle [^>]*fill="(#\w+)"><title>Meta Pixel', page)
        hotjar = re.search(r'<circle [^>]*fill="(#\w+)"><title>Hotjar', page)
        assert meta is not None
        assert hotjar is not None
        assert (meta.group(1), hotjar.group(1)) == ("#cf222e", "#1a7f37")

    def test_no_consent_signal_noted(self) -> None:
        """Without consent signals the timeline says it cannot compare."""
        page = render(
            analyze(
                har(
                    entry(
                        "https://connect.facebook.net/en_US/fbevents.js",
                        mime="application/javascript",
                    )
                )
            ),
            "html",
        )
        assert "No consent signal was found" in page

    def test_empty_report(self) -> None:
        """A report without tags renders without charts."""
        page = render(analyze(har(entry("https://www.shop.example/"))), "html")
        assert "No known tag found" in page
        assert "<svg" not in page

    def test_repr_html(self) -> None:
        """Jupyter gets the page's body: one scoped div with the inventory."""
        body = example_report()._repr_html_()
        assert body.startswith('<div class="tagsig-report">')
        assert "<html" not in body
        assert "Meta Pixel" in body

    def test_repr_html_before_the_render_layer(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A report used before any renderer was imported loads the render layer itself."""
        monkeypatch.delitem(sys.modules, "tagsig._render.formats")
        monkeypatch.setattr(_Renderers, "html_body", None)
        monkeypatch.setattr(_Renderers, "dataframe", None)
        body = example_report()._repr_html_()
        assert body.startswith('<div class="tagsig-report">')
        assert "Meta Pixel" in body

    def test_repr_html_without_a_renderer(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A render layer that registers no renderer is an error that says so."""
        monkeypatch.setattr(_Renderers, "html_body", None)
        with pytest.raises(TagsigError, match="register a html_body renderer, found none"):
            example_report()._repr_html_()


class TestSelfContained:
    """Nothing is fetched at view time."""

    def test_no_external_resources(self) -> None:
        """No script, link, image, font or iframe; no URL to load, links only to rule pages."""
        parsed = _parse(render(example_report(), "html"))
        names = {t for t, _ in parsed.tags}
        assert not names & {
            "script",
            "link",
            "img",
            "iframe",
            "object",
            "embed",
            "audio",
            "video",
            "source",
        }
        urls = [
            v
            for _, attrs in parsed.tags
            for k, v in attrs
            if v and k in {"src", "action", "srcset", "poster", "data"}
        ]
        assert urls == []
        links = [
            v or "" for tag, attrs in parsed.tags for k, v in attrs if tag == "a" and k == "href"
        ]
        assert links
        assert all(link.startswith(("#", f"{DOCS_URL}rules/")) for link in links)
        assert not [k for tag, attrs in parsed.tags if tag != "a" for k, _ in attrs if k == "href"]

    def test_content_security_policy(self) -> None:
        """The page forbids every network load and every script."""
        assert "default-src 'none'" in render(example_report(), "html")

    def test_no_url_in_style(self) -> None:
        """The style sheet loads nothing (no url(), no @import)."""
        page = render(example_report(), "html")
        style = page[page.index("<style>") : page.index("</style>")]
        assert "url(" not in style
        assert "@import" not in style


class TestEscaping:
    """Markup from a hostile capture is shown, never run."""

    def test_no_injected_elements(self) -> None:
        """Paths, hosts, cookie names, messages and signal details create no element."""
        parsed = _parse(render(hostile_report(), "html"))
        names = [t for t, _ in parsed.tags]
        assert "script" not in names
        assert "img" not in names
        assert not [k for _, attrs in parsed.tags for k, _ in attrs if k.startswith("on")]

    def test_hostile_text_shown_literally(self) -> None:
        """The hostile strings appear as text, escaped in the source."""
        page = render(hostile_report(), "html")
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
        text = "".join(_parse(page).text)
        assert "<script>alert('x')</script><img src=x onerror=alert(1)>" in text
        assert HOSTILE.split("\n")[0] in text

    def test_title_escaped(self) -> None:
        """The page title (from the input path) is escaped."""
        page = render(hostile_report(), "html")
        title = page[page.index("<title>") : page.index("</title>")]
        assert "<script>" not in title


class TestFindings:
    """The verdict on top, then the findings grouped by severity and tag, folded."""

    def test_verdict_first(self) -> None:
        """What needs action comes before the charts, each tag linking to its findings."""
        page = render(example_report(), "html")
        top = page.split("Weight per tag", 1)[0]
        assert "Action needed: 1 high-severity finding and 1 medium" in top
        assert 'class="verdict verdict-high"' in top
        assert '<a href="#f-high-meta-pixel">Meta Pixel</a>: before-consent' in top
        assert 'id="f-high-meta-pixel"' in page

    def test_grouped_by_severity_and_tag(self) -> None:
        """One folded group per severity, one per tag inside; the serious ones open."""
        page = render(example_report(), "html")
        findings = page.split('<h2 id="findings">Findings</h2>', 1)[1]
        groups = re.findall(
            r'<details class="severity"( open)?><summary><span class="badge '
            r'(\w+)">',
            findings,
        )
        assert groups == [(" open", "high"), (" open", "medium")]
        assert findings.count('<details class="tag"') == 2

    def test_rule_links_and_mistakes(self) -> None:
        """Each finding links to its rule page; a tag's common mistakes are listed once."""
        report = analyze(EXAMPLE, cookies=[EXAMPLE.with_name("cookies.txt")])
        page = render(report, "html")
        assert f'<a href="{DOCS_URL}rules/identity-verification-missing.md"' in page
        intercom = report.tag("intercom")
        assert intercom is not None
        assert page.count("Common mistakes with Intercom") == 1
        for mistake in intercom.signature.mistakes:
            assert f"<li>{escape(mistake)}</li>" in page
        assert "POST https://api-iam.intercom.io/messenger/web/ping at " in page

    def test_site_own_tags_out_of_the_charts(self) -> None:
        """The site's own tags are drawn in neither chart."""
        report = example_report()
        meta = report.tag("meta-pixel")
        assert meta is not None
        own = evolve(report, tags=tuple(evolve(t, own=t.id == "meta-pixel") for t in report.tags))
        charts = "".join(re.findall(r"<svg.*?</svg>", render(own, "html"), re.DOTALL))
        assert "Meta Pixel" not in charts
        assert "Hotjar" in charts

    def test_label_column_holds_the_longest_name(self) -> None:
        """The label column grows with the longest tag name; no name is cut at 32 letters."""
        report = example_report()
        name = "Google Campaign Manager 360 and Display & Video 360 (DoubleClick)"
        tags = tuple(
            evolve(t, signature=evolve(t.signature, name=name)) if t.id == "meta-pixel" else t
            for t in report.tags
        )
        page = render(evolve(report, tags=tags), "html")
        label = re.search(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="end">Google Campaign', page)
        assert label is not None
        assert float(label.group(1)) - text_width("Google Campaign Manager 360 and") > 0
        assert "Google Campaign Manager 360 and Display" in page.split("<svg", 1)[1]

"""Rendering a report of no input, and a catalogue entry with nothing to configure."""

from __future__ import annotations

import attrs

from tagsig import Report, catalogue_entries, render
from tagsig._i18n import Translator
from tagsig._render.catalogue import render_entry_markdown
from tagsig._render.catalogue_html import render_entry_html


def test_html_of_a_report_without_inputs() -> None:
    """A report of no input has a page titled without a file name."""
    page = render(Report(inputs=(), first_party=(), tags=(), unattributed=()), "html")
    assert "<title>tagsig report</title>" in page


def test_catalogue_entry_without_configuration() -> None:
    """An entry with nothing to configure has no such line in its Markdown page."""
    entry = catalogue_entries()[0]
    bare = attrs.evolve(entry, compliance=attrs.evolve(entry.compliance, configure=None))
    page = render_entry_markdown(bare, Translator("en"))
    assert "What to configure" not in page
    assert "## Related services" in page


def test_html_catalogue_entry_without_configure() -> None:
    """An entry with nothing to configure has no such heading in its HTML page."""
    entry = catalogue_entries()[0]
    assert entry.compliance.configure is not None
    bare = attrs.evolve(entry, compliance=attrs.evolve(entry.compliance, configure=None))
    assert "What to configure" in render_entry_html(entry, Translator("en"))
    page = render_entry_html(bare, Translator("en"))
    assert "What to configure" not in page
    assert "Related services" in page

"""A catalogue page of an entry that has no overview text and no recorded mistakes."""

from __future__ import annotations

import attrs

from tagsig import catalogue_entries
from tagsig._i18n import Translator
from tagsig._render.catalogue_html import render_entry_html


def test_entry_without_overview_or_mistakes() -> None:
    """The page says that the text and the mistakes are missing, rather than leaving gaps."""
    entry = attrs.evolve(catalogue_entries()[0], overview=None, mistakes=())
    page = render_entry_html(entry, Translator("en"))
    assert "No catalogue text yet." in page
    assert "No common mistakes recorded." in page

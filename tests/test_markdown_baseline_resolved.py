"""A Markdown baseline section where flags were only resolved."""

from __future__ import annotations

from attrs import evolve

from tagsig._render.compare import diff_reports
from tagsig._render.markdown import render_markdown

from .reports import example_report


def test_only_resolved_flags_list_no_new_flags() -> None:
    """Against a baseline with more flags, the section counts them and lists no new flag."""
    old = example_report()
    new = evolve(old, tags=tuple(evolve(t, flags=()) for t in old.tags), flags=())
    diff = diff_reports(old, new)
    assert diff.flags_resolved
    assert not diff.flags_added
    text = render_markdown(new, baseline=diff)
    assert f"- Flags added: 0; resolved: {len(diff.flags_resolved)}" in text
    assert "New flags:" not in text

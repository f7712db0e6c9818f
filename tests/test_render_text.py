"""Tests of the terminal renderer."""

from __future__ import annotations

import io

import pytest
from attrs import evolve

from tagsig import analyze, render
from tagsig._cli.main import _is_color_terminal, main
from tagsig._render.text import render_text

from .builders import entry, har
from .reports import EXAMPLE, HOSTILE, example_report, hostile_report


class TestRenderText:
    """``render(report, "text")``."""

    def test_sections(self) -> None:
        """The text holds the tag table, cookies, flags, consent, unknown hosts, warnings."""
        text = render(example_report(), "text")
        for needle in (
            "Tags",
            "Meta Pixel",
            "google-tag-manager",
            "Cookies",
            "_fbp",
            "398.96 days",
            "Flags",
            "before-consent",
            "Consent signals",
            "Unknown third parties",
            "cdn.example-tracker.net",
            "Warnings",
            "sanitized-har",
        ):
            assert needle in text, needle

    def test_heaviest_tag_first(self) -> None:
        """Tags are listed heaviest on the wire first."""
        text = render(example_report(), "text")
        assert text.index("Google Tag Manager") < text.index("Hotjar")

    def test_no_color_by_default(self) -> None:
        """Rendering for a file emits no escape sequence and no trailing blanks."""
        text = render(example_report(), "text")
        assert "\x1b" not in text
        assert all(line == line.rstrip() for line in text.splitlines())

    def test_color_on_request(self) -> None:
        """With colour, severities are styled with ANSI sequences."""
        assert "\x1b[" in render_text(example_report(), color=True)

    def test_deterministic(self) -> None:
        """Two renderings of the same report are identical."""
        assert render(example_report(), "text") == render(example_report(), "text")

    def test_hostile_strings(self) -> None:
        """Control characters from the capture are replaced; rich markup is printed as is."""
        text = render_text(hostile_report(), width=400)
        assert "<script>alert('x')</script>" in text
        assert "[link](javascript:alert(1))" in text
        assert "\x1b" not in text
        assert HOSTILE not in text  # the newline inside it was replaced

    def test_sanitized_capture_warns(self) -> None:
        """A capture without cookie headers says cookies are unavailable."""
        capture = har(
            entry("https://www.googletagmanager.com/gtm.js?id=GTM-X", mime="application/javascript")
        )
        text = render(analyze(capture), "text")
        assert "cookies unavailable" in text

    def test_empty_report(self) -> None:
        """A capture without known tags says so."""
        text = render(analyze(har(entry("https://www.shop.example/"))), "text")
        assert "no known tag found" in text


class TestDetails:
    """The detail view of tags with flags: evidence and the catalogue's mistakes."""

    def test_verdict_and_versions_on_top(self) -> None:
        """The verdict and the data versions come before the tables."""
        text = render(example_report(), "text")
        head = text.split("Tags", 1)[0]
        assert "Action needed: 1 high-severity finding and 1 medium" in head
        assert "signatures sha256:" in head
        assert "Public Suffix List " in head

    def test_evidence_and_mistakes(self) -> None:
        """Each flagged tag lists its flags' requests and cookies and its common mistakes."""
        report = analyze(EXAMPLE, cookies=[EXAMPLE.with_name("cookies.txt")])
        text = render_text(report, width=200)
        details = text.split("Details (evidence and common mistakes, per tag)", 1)[1]
        intercom = report.tag("intercom")
        assert intercom is not None
        block = details.split("Intercom (intercom)", 1)[1].split("\n\n", 1)[0]
        assert "POST https://api-iam.intercom.io/messenger/web/ping at " in block
        assert "(/log/entries/11)" in block
        assert "common mistakes:" in block
        assert all(f"- {mistake}" in block for mistake in intercom.signature.mistakes)
        assert "cookie fr on facebook.com" in details

    def test_waived_flags_need_no_action(self) -> None:
        """Flags a policy waives do not count in the verdict."""
        report = example_report()
        waived = evolve(
            report,
            tags=tuple(
                evolve(t, flags=tuple(evolve(f, waiver="accepted") for f in t.flags))
                for t in report.tags
            ),
        )
        assert "No high or medium finding." in render(waived, "text")

    def test_no_details_without_flags(self) -> None:
        """A report without flags has no detail view."""
        report = example_report()
        clean = evolve(report, tags=tuple(evolve(t, flags=()) for t in report.tags))
        assert "Details (" not in render(clean, "text")


class TestColourChoice:
    """Colour only on a terminal, and never with NO_COLOR."""

    class _Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    def test_terminal(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A terminal gets colour."""
        monkeypatch.delenv("NO_COLOR", raising=False)
        assert _is_color_terminal(self._Tty())

    def test_no_color(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """NO_COLOR turns colour off."""
        monkeypatch.setenv("NO_COLOR", "1")
        assert not _is_color_terminal(self._Tty())

    def test_pipe(self) -> None:
        """A pipe or file gets no colour."""
        assert not _is_color_terminal(io.StringIO())

    def test_cli_output_has_no_color(self, capsys: pytest.CaptureFixture[str]) -> None:
        """``tagsig analyze`` to a captured stdout writes plain text."""
        assert main(["analyze", str(EXAMPLE)]) == 0
        out = capsys.readouterr().out
        assert "Meta Pixel" in out
        assert "\x1b" not in out

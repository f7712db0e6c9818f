"""What the real captures of the shared corpus prove, and what they cannot show."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagsig import analyze

from .conftest import CORPUS

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is absent"),
]

HAR = CORPUS / "har"
FERGUSON = HAR / "sitespeedio__pagexray__test__files__contentTypes__ferguson.har"


def _rules(path: Path, rule: str) -> list[tuple[str, str]]:
    report = analyze(path)
    return [(tag.id, flag.severity) for tag in report.tags for flag in tag.flags
            if flag.rule == rule]


def test_empty_consent_parameters_are_no_signal() -> None:
    """Ferguson's only consent parameters are ``gdpr=&gdpr_consent=`` (The Trade Desk).

    They are no signal: the capture carries none, so its tags get ``no-consent-signal``
    (medium), not a ``before-consent`` flag (high) for every tag.
    """
    assert _rules(FERGUSON, "before-consent") == []
    silent = _rules(FERGUSON, "no-consent-signal")
    assert ("the-trade-desk", "medium") in silent
    assert ("meta-pixel", "medium") in silent

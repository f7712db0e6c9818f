"""The batch progress on a terminal: a bar that counts the captures done."""

from __future__ import annotations

import io
import sys

import pytest

from tagsig._cli.commands import _progress


class _Terminal(io.StringIO):
    """A standard error that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal the progress is a bar that ends at the number of captures."""
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with _progress(2, None) as advance:
        advance("first.har")
        advance("second.har")
    assert "2/2" in terminal.getvalue()

"""Shared fixtures: named test assets and the optional shared corpus."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
CORPUS_ENV = "TAGSIG_CORPUS"
"""A folder of captures for the corpus tests to read instead of the shared corpus's."""
CAPTURES = Path(os.environ[CORPUS_ENV]) if os.environ.get(CORPUS_ENV) else CORPUS / "har"
"""The folder of real captures that the corpus tests read: ``$TAGSIG_CORPUS``, else the
shared corpus's ``har`` folder."""
CAPTURE_SUFFIXES = (".har", ".har.gz", ".zip")


def corpus_captures(folder: Path = CAPTURES) -> list[Path]:
    """Return every capture below ``folder`` (``.har``, ``.har.gz``, Playwright ``.zip``)."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and path.name.endswith(CAPTURE_SUFFIXES)
    )


@pytest.fixture
def asset() -> Callable[[str], Path]:
    """Return a function giving the path of a named fixture file, which must exist."""

    def find(name: str) -> Path:
        path = FIXTURES / name
        assert path.is_file(), f"missing test asset {path}"
        return path

    return find


# Shared, loaded machines make timings noisy: a property test is judged on what it finds,
# never on how long one example takes.
settings.register_profile("tagsig", deadline=None, print_blob=True)
settings.load_profile("tagsig")

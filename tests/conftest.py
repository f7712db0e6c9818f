"""Shared fixtures: named test assets and the optional shared corpus."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


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

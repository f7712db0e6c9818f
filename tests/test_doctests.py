"""The examples in the docstrings run and print what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import tagsig

# tagsig.__main__ runs the command line when imported.
MODULES = ["tagsig", *sorted(
    name for _, name, _ in pkgutil.walk_packages(tagsig.__path__, prefix="tagsig.")
    if name != "tagsig.__main__"
)]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    """Every ``>>>`` example of the module gives the output written under it."""
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"


def test_examples_exist() -> None:
    """The modules do carry examples (a guard against finding none)."""
    finder = doctest.DocTestFinder()
    count = sum(
        len(test.examples)
        for name in MODULES
        for test in finder.find(importlib.import_module(name))
    )
    assert count >= 20

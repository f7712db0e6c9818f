"""The examples in the docstrings run and print what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import tagsig
import tagsig.engine

# Looking every public name up names its object by its public module (``tagsig.Report``),
# as a program sees it; doctest then finds those objects only through that module.
PUBLIC = [(tagsig, name) for name in tagsig.__all__ if name != "__version__"] + [
    (tagsig.engine, name) for name in tagsig.engine.__all__
]
DEFINED_IN = {
    **{name: module for module, names in tagsig._EXPORTS.items() for name in names},
    **{name: module for module, names in tagsig._ENGINE_EXPORTS.items() for name in names},
}
for _namespace, _name in PUBLIC:
    getattr(_namespace, _name)

# tagsig.__main__ runs the command line when imported.
MODULES = [
    "tagsig",
    *sorted(
        name
        for _, name, _ in pkgutil.walk_packages(tagsig.__path__, prefix="tagsig.")
        if name != "tagsig.__main__"
    ),
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    """Every ``>>>`` example of the module gives the output written under it."""
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"


def _public_tests() -> list[doctest.DocTest]:
    """Collect the examples of the public classes, to run in their private module's globals.

    (Doctest still finds public functions in their private module, by their globals.)
    """
    finder = doctest.DocTestFinder()
    tests = []
    for namespace, name in PUBLIC:
        obj = getattr(namespace, name)
        if not isinstance(obj, type):
            continue
        globs = vars(importlib.import_module(DEFINED_IN[name]))
        tests += [
            test
            for test in finder.find(obj, f"{namespace.__name__}.{name}", module=False, globs=globs)
            if test.examples
        ]
    return tests


@pytest.mark.parametrize("test", _public_tests(), ids=lambda test: test.name)
def test_public_examples(test: doctest.DocTest) -> None:
    """Every ``>>>`` example of a public object gives the output written under it."""
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS, verbose=False)
    result = runner.run(test)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"


def test_examples_exist() -> None:
    """The modules do carry examples (a guard against finding none)."""
    finder = doctest.DocTestFinder()
    count = sum(
        len(test.examples)
        for name in MODULES
        for test in finder.find(importlib.import_module(name))
    )
    public = sum(len(test.examples) for test in _public_tests())
    assert public >= 5
    assert count + public >= 20

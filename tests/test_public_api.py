"""The public namespace is curated, documented and typed."""

from __future__ import annotations

import ast
import inspect
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import tagsig
from tagsig import (
    CookieJarError,
    HarError,
    InputError,
    InvalidSignatureDB,
    SignatureError,
    TagsigError,
    UnsupportedSchemaError,
)


def test_all_matches_public_names() -> None:
    """``__all__`` lists exactly the public names, sorted, and each resolves."""
    exported = {name for names in tagsig._EXPORTS.values() for name in names}
    assert set(tagsig.__all__) == exported | {"__version__"}
    assert list(tagsig.__all__) == sorted(tagsig.__all__)
    assert dir(tagsig) == tagsig.__all__
    for name in tagsig.__all__:
        assert getattr(tagsig, name) is not None
    with pytest.raises(AttributeError):
        tagsig.not_a_name  # noqa: B018


def test_lazy_names_match_the_static_imports() -> None:
    """The names type checkers see (TYPE_CHECKING imports) are the names served lazily."""
    tree = ast.parse(Path(tagsig.__file__).read_text(encoding="utf-8"))
    checked = next(node for node in tree.body if isinstance(node, ast.If))
    static = {
        node.module: tuple(alias.name for alias in node.names)
        for node in checked.body if isinstance(node, ast.ImportFrom)
    }
    assert static == tagsig._EXPORTS


def test_import_is_light() -> None:
    """Importing tagsig loads no implementation module until a name is used."""
    code = ("import sys, tagsig; "
            "print(sorted(m for m in sys.modules if m.startswith('tagsig.')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=60)
    assert result.stdout.strip() == "['tagsig._version']"


@pytest.mark.parametrize("name", [n for n in tagsig.__all__ if n != "__version__"])
def test_public_objects_have_docstrings(name: str) -> None:
    """Every public class and function documents itself."""
    obj = getattr(tagsig, name)
    if inspect.isclass(obj) or inspect.isfunction(obj):
        assert inspect.getdoc(obj), name


def test_py_typed_is_shipped() -> None:
    """The package declares its inline types."""
    assert (Path(tagsig.__file__).parent / "py.typed").is_file()


class TestErrorTree:
    """One base class; built-in mix-ins; context in the message."""

    @pytest.mark.parametrize(
        "cls", [InputError, HarError, CookieJarError, SignatureError, UnsupportedSchemaError])
    def test_base_and_value_error(self, cls: type[TagsigError]) -> None:
        """Every error is a TagsigError and a ValueError."""
        assert issubclass(cls, TagsigError)
        assert issubclass(cls, ValueError)

    def test_message_with_location(self) -> None:
        """The location renders as ``path#pointer`` or ``path:line``."""
        assert str(HarError("bad", path="a.har", pointer="/log/entries/0")) == (
            "a.har#/log/entries/0: bad")
        assert str(CookieJarError("bad", path="c.txt", line=3)) == "c.txt:3: bad"
        assert str(TagsigError("bad")) == "bad"

    def test_pickles_with_context(self) -> None:
        """Errors survive pickling with their context (for process pools)."""
        error = pickle.loads(pickle.dumps(HarError("bad", path="a.har", pointer="/log")))
        assert isinstance(error, HarError)
        assert (error.message, error.path, error.pointer) == ("bad", "a.har", "/log")

    def test_group(self) -> None:
        """InvalidSignatureDB is caught as TagsigError and split by except*."""
        group = InvalidSignatureDB("invalid signature database",
                                   [SignatureError("x", path="db.json", pointer="/a")],
                                   path="db.json")
        assert isinstance(group, TagsigError)
        assert str(group) == "db.json: invalid signature database (1 problem)"
        caught = []
        try:
            raise group
        except* SignatureError as split:
            caught = list(split.exceptions)
        assert [str(e) for e in caught] == ["db.json#/a: x"]
        again = pickle.loads(pickle.dumps(group))
        assert [str(e) for e in again.exceptions] == ["db.json#/a: x"]

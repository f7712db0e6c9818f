"""The public namespace is curated, documented and typed."""

from __future__ import annotations

import ast
import inspect
import pickle
import subprocess
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import tagsig
import tagsig.engine
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


def test_engine_all_matches_its_names() -> None:
    """``tagsig.engine.__all__`` lists its names, sorted; they are not in ``tagsig``."""
    exported = {name for names in tagsig._ENGINE_EXPORTS.values() for name in names}
    assert set(tagsig.engine.__all__) == exported
    assert list(tagsig.engine.__all__) == sorted(tagsig.engine.__all__)
    assert dir(tagsig.engine) == tagsig.engine.__all__
    assert not exported & set(tagsig.__all__)
    for name in tagsig.engine.__all__:
        assert getattr(tagsig.engine, name) is not None
    with pytest.raises(AttributeError, match=r"tagsig\.engine"):
        tagsig.engine.Report  # noqa: B018
    with pytest.raises(AttributeError):
        tagsig.Matcher  # noqa: B018


def test_engine_says_it_is_experimental() -> None:
    """The engine's docstring warns that it may change without notice."""
    doc = inspect.getdoc(tagsig.engine) or ""
    assert doc.startswith("Experimental")
    assert "without notice" in doc


@pytest.mark.parametrize(
    ("module", "table"), [(tagsig, tagsig._EXPORTS), (tagsig.engine, tagsig._ENGINE_EXPORTS)]
)
def test_lazy_names_match_the_static_imports(
    module: ModuleType, table: dict[str, tuple[str, ...]]
) -> None:
    """The names type checkers see (TYPE_CHECKING imports) are the names served lazily."""
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    checked = next(node for node in tree.body if isinstance(node, ast.If))
    static = {
        node.module: tuple(alias.name for alias in node.names)
        for node in checked.body
        if isinstance(node, ast.ImportFrom)
    }
    assert static == table


def _public() -> Iterator[tuple[str, str, object]]:
    """(public module, name, object) for every public name of both namespaces."""
    for name in tagsig.__all__:
        if name != "__version__":
            yield "tagsig", name, getattr(tagsig, name)
    for name in tagsig.engine.__all__:
        yield "tagsig.engine", name, getattr(tagsig.engine, name)


@pytest.mark.parametrize(("public", "name", "obj"), list(_public()))
def test_public_objects_are_named_by_their_public_module(
    public: str, name: str, obj: object
) -> None:
    """``repr``, ``help`` and pickles say ``tagsig.Report``, not the private module."""
    if not isinstance(obj, type | types.FunctionType):
        return  # type aliases and constants carry no module of their own
    assert (obj.__module__, obj.__qualname__) == (public, name)
    if isinstance(obj, type):
        assert repr(obj) == f"<class '{public}.{name}'>"


def test_objects_reached_only_through_a_result_are_named_publicly() -> None:
    """A class first met as a result's type (not looked up by name) is named publicly."""
    code = (
        "import tagsig; r = tagsig.analyze(tagsig.load_har(__import__('sys').argv[1])); "
        "print(type(r).__module__, type(r.tags[0]).__module__, type(r.inputs[0]).__module__)"
    )
    har = Path(__file__).parent / "fixtures" / "har" / "chrome-devtools.har"
    result = subprocess.run(
        [sys.executable, "-c", code, str(har)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.split() == ["tagsig", "tagsig", "tagsig"]


def test_results_pickle_by_their_public_names() -> None:
    """A capture and a report survive pickling (batch workers) under ``tagsig.``."""
    capture = tagsig.load_har(Path(__file__).parent / "fixtures" / "har" / "chrome-devtools.har")
    report = tagsig.analyze(capture)
    assert report.tags
    for value in (capture, report, report.tags[0]):
        assert type(value).__module__ == "tagsig"
        assert pickle.loads(pickle.dumps(value)) == value


_HEAVY = (
    "tagsig._signatures.match",
    "tagsig._audit.attribute",
    "tagsig._inputs.psl",
    "tagsig._audit.party",
    "tagsig._signatures.load",
)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "Capture",
        "CookieJar",
        "Problem",
        "Url",
        "Severity",
        "Policy",
        "Report",
        "Flag",
    ],
)
def test_model_types_load_no_engine(name: str) -> None:
    """Touching a model type loads neither the matcher, the attribution nor the PSL."""
    code = (
        f"import sys, tagsig; tagsig.{name}; "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('tagsig.'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(result.stdout.split())
    assert f"tagsig.{name}" not in loaded
    assert not loaded & set(_HEAVY), sorted(loaded & set(_HEAVY))


def test_import_is_light() -> None:
    """Importing tagsig loads no implementation module until a name is used."""
    code = "import sys, tagsig; print(sorted(m for m in sys.modules if m.startswith('tagsig.')))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
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
        "cls", [InputError, HarError, CookieJarError, SignatureError, UnsupportedSchemaError]
    )
    def test_base_and_value_error(self, cls: type[TagsigError]) -> None:
        """Every error is a TagsigError and a ValueError."""
        assert issubclass(cls, TagsigError)
        assert issubclass(cls, ValueError)

    def test_message_with_location(self) -> None:
        """The location renders as ``path#pointer`` or ``path:line``."""
        assert str(HarError("bad", path="a.har", pointer="/log/entries/0")) == (
            "a.har#/log/entries/0: bad"
        )
        assert str(CookieJarError("bad", path="c.txt", line=3)) == "c.txt:3: bad"
        assert str(TagsigError("bad")) == "bad"

    def test_pickles_with_context(self) -> None:
        """Errors survive pickling with their context (for process pools)."""
        error = pickle.loads(pickle.dumps(HarError("bad", path="a.har", pointer="/log")))
        assert isinstance(error, HarError)
        assert (error.message, error.path, error.pointer) == ("bad", "a.har", "/log")

    def test_group(self) -> None:
        """InvalidSignatureDB is caught as TagsigError and split by except*."""
        group = InvalidSignatureDB(
            "invalid signature database",
            [SignatureError("x", path="db.json", pointer="/a")],
            path="db.json",
        )
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


def _loose(
    annotation: str, namespace: dict[str, object], seen: frozenset[str] = frozenset()
) -> list[str]:
    """Return the parts of ``annotation`` that are ``Any`` or ``| object``, via aliases."""
    tree = ast.parse(annotation, mode="eval")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name == "Any":
                found.append(annotation)
            alias = None if name in seen else namespace.get(name)
            if isinstance(alias, str):  # a TypeAlias written as a string
                found += _loose(alias, namespace, seen | {name})
            elif alias is not None and not isinstance(alias, type | ModuleType):
                found += _loose(repr(alias).replace("typing.", ""), namespace, seen | {name})
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            if any(
                isinstance(side, ast.Name) and side.id == "object"
                for side in (node.left, node.right)
            ):
                found.append(annotation)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id in {"Union", "Optional"}
        ):
            found += [
                annotation
                for sub in ast.walk(node.slice)
                if isinstance(sub, ast.Name) and sub.id == "object"
            ]
    return found


def _text(annotation: object) -> str:
    """Return an annotation as source text, whether written as a string or evaluated."""
    if isinstance(annotation, str):
        return annotation
    if isinstance(annotation, type):
        return annotation.__qualname__
    return repr(annotation).replace("typing.", "")


def _annotations(obj: object) -> Iterator[tuple[str, str]]:
    """(where, annotation) for a public function, or a public class's public members."""
    if inspect.isfunction(obj):
        for key, value in obj.__annotations__.items():
            yield key, _text(value)
        return
    if not isinstance(obj, type):
        return
    for klass in obj.__mro__:
        if not klass.__module__.startswith("tagsig"):
            continue
        for key, value in getattr(klass, "__annotations__", {}).items():
            if not key.startswith("_"):
                yield key, _text(value)
        for key, member in vars(klass).items():
            if key.startswith("_") and key != "__init__":
                continue
            function = (
                member.fget if isinstance(member, property) else getattr(member, "__func__", member)
            )
            if inspect.isfunction(function):
                for where, value in _annotations(function):
                    yield f"{key}.{where}", value


def test_loose_annotation_check_can_fail() -> None:
    """The check below does find ``Any`` and ``| object``, through aliases too."""
    assert _loose("Mapping[str, Any]", {})
    assert _loose("str | object", {})
    assert _loose("Source", {"Source": "int | Mapping[str, Any]"})
    assert not _loose("Mapping[str, object] | None", {})


@pytest.mark.parametrize(("public", "name", "obj"), list(_public()))
def test_public_signatures_are_precise(public: str, name: str, obj: object) -> None:
    """No public signature, field or property says ``Any`` or ``| object``."""
    table = tagsig._EXPORTS if public == "tagsig" else tagsig._ENGINE_EXPORTS
    module = next(module for module, names in table.items() if name in names)
    namespace = vars(sys.modules[module])
    loose = [
        (where, annotation)
        for where, annotation in _annotations(obj)
        if _loose(annotation, namespace)
    ]
    assert not loose, f"{public}.{name}: {loose}"


@pytest.mark.parametrize(
    "name", ["Signature", "CookiePattern", "UrlPattern", "Organisation", "Capture", "Entry"]
)
def test_type_hints_of_public_classes_resolve(name: str) -> None:
    """Readers of type hints resolve a public class's fields, though it is named ``tagsig.X``."""
    cls = getattr(tagsig, name)
    assert cls.__module__ == "tagsig"
    hints = typing.get_type_hints(cls)
    assert hints
    assert not any(isinstance(hint, str | typing.ForwardRef) for hint in hints.values())


def test_annotations_only_type_checkers_can_resolve_stay_as_written() -> None:
    """A published class's annotations are evaluated where written, or left as text."""

    class Sample:
        known: int
        unknown: NotImportedAtRunTime  # type: ignore[name-defined]  # noqa: F821
        evaluated: str

    Sample.__annotations__ = {"known": "int", "unknown": "NotImportedAtRunTime", "evaluated": str}
    tagsig._resolve_annotations(Sample, {"__builtins__": __builtins__})
    assert Sample.__annotations__ == {
        "known": int,
        "unknown": "NotImportedAtRunTime",
        "evaluated": str,
    }

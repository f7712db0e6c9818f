"""Every module of the package, and every public class and function in it, has a docstring.

ruff's pydocstyle rules treat everything in a private module (``_match.py``) as private
and so check none of the package's code, which lives in private modules; this test reads
the syntax trees instead. Public means a name without a leading underscore, inside a
module or a public class (overloads and property setters excepted).
"""

from __future__ import annotations

import ast

from .conftest import REPO

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _undocumented(source: str, where: str) -> list[str]:
    """Return the undocumented module and public definitions of ``source``, by line."""
    tree = ast.parse(source)
    missing = [f"{where}: module"] if ast.get_docstring(tree) is None else []

    def exempt(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> bool:
        return any(
            (isinstance(d, ast.Name) and d.id == "overload")
            or (isinstance(d, ast.Attribute) and d.attr in {"setter", "overload"})
            for d in node.decorator_list
        )

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, _DEFINITIONS) or child.name.startswith("_"):
                continue
            if ast.get_docstring(child) is None and not exempt(child):
                missing.append(f"{where}:{child.lineno}: {prefix}{child.name}")
            if isinstance(child, ast.ClassDef):
                walk(child, f"{prefix}{child.name}.")

    walk(tree, "")
    return missing


def test_package_code_is_documented() -> None:
    """No module, public class or public function of src/tagsig lacks a docstring."""
    missing = [
        m
        for path in sorted((REPO / "src" / "tagsig").rglob("*.py"))
        for m in _undocumented(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    ]
    assert missing == []


def test_the_check_sees_private_modules() -> None:
    """The check reports what it should in a private module, and only that."""
    source = (
        "def public():\n    pass\n\ndef _private():\n    pass\n\n"
        'class Shown:\n    """A class."""\n\n    def method(self):\n        pass\n\n'
        "class _Hidden:\n    def method(self):\n        pass\n"
    )
    assert _undocumented(source, "_x.py") == [
        "_x.py: module",
        "_x.py:1: public",
        "_x.py:10: Shown.method",
    ]

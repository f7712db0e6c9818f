"""The package's layers: every module imports only modules of its own layer or below.

The flow is inputs -> signatures -> audit -> compliance -> report -> analysis -> render ->
batch and command line. Each private subpackage is one layer (``docs/architecture.md``
draws them); a few modules inside a package sit one step above their package (the matcher
above the signature model, the rules above the flags they make). The test parses every
module's imports (module-level, inside functions, under ``TYPE_CHECKING``) and fails on an
import of a higher layer, on one rule family importing another, and on a module that no
layer covers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Set
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "tagsig"

BASE, INPUTS, SIGNATURES, MATCHING, AUDIT, COMPLIANCE, RULES, REPORT, ANALYSIS, RENDER, CLI = range(
    11
)

LAYERS: Mapping[str, int] = {
    # 0 base: errors, version, packaged files, translations.
    "_exceptions": BASE,
    "_version": BASE,
    "_resources": BASE,
    "_i18n": BASE,
    # 1 inputs: the models of captures and jars, their readers, URLs and the suffix list.
    "_inputs": INPUTS,
    # 2 signatures: the database, its files and index, organisations, the catalogue.
    "_signatures": SIGNATURES,
    # 3 matching: the database compiled into look-ups.
    "_signatures.match": MATCHING,
    # 4 audit: what the traffic is, whose it is, what it weighs.
    "_audit": AUDIT,
    # 5 compliance: consent strings and signals, flags and their messages, policies.
    "_compliance": COMPLIANCE,
    # 6 rules: the rule families, on their shared helpers (see RULE_FAMILIES).
    "_compliance.rules": RULES,
    # 7 report: the result of an analysis, and reading its JSON document back.
    "_report": REPORT,
    # 8 analysis: running the audit; policy queries; reading saved reports.
    "_analysis": ANALYSIS,
    # 9 render: every output format, the JSON document, diffs, estates, catalogue pages.
    "_render": RENDER,
    # 10 batch, command line and public API.
    "_batch": CLI,
    "_cli": CLI,
    "__main__": CLI,
    "__init__": CLI,
    "engine": CLI,
}
"""Each package or module of ``tagsig`` (by its name inside the package) and its layer; a
module takes the layer of the longest name here that it is, or lies inside."""

RULE_FAMILIES = frozenset(
    {
        "_compliance.rules.consent",
        "_compliance.rules.cookies",
        "_compliance.rules.evidence",
        "_compliance.rules.inventory",
        "_compliance.rules.pii",
        "_compliance.rules.policy",
        "_compliance.rules.transfer",
        "_compliance.rules.vendors",
    }
)
"""Rule families import the rules' helpers (``base``, ``text``, ``registry``,
``personal``), never one another."""

ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {
        # Report._repr_html_ and Report.to_pandas call the renderers that the render layer
        # registers; ``import tagsig`` is lazy, so a report can be used before any renderer
        # was imported, and the report then imports the render layer once (on first use).
        ("_report.model", "_render.formats"),
    }
)
"""Imports against the layer order that are known, as ``(importer, imported)``."""


def layer_of(name: str, layers: Mapping[str, int] = LAYERS) -> int | None:
    """Return the layer of module ``name``: that of the longest entry it is or lies in."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        layer = layers.get(".".join(parts[:end]))
        if layer is not None:
            return layer
    return None


def module_name(path: Path, root: Path) -> str:
    """Return the name inside the package of the module at ``path`` (``_inputs.har.reader``)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imported_modules(
    source: str, name: str, modules: Set[str], *, is_package: bool = False
) -> Iterator[tuple[str, int]]:
    """Yield the package modules that ``source`` (module ``name``) imports, with the line.

    Every import counts, wherever it stands. ``from tagsig._x import y`` names the module
    ``_x.y`` when there is one, else ``_x``; an import of the package itself
    (``import tagsig``, ``from tagsig import name``) names ``__init__``.
    """
    package = name.split(".") if is_package else name.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _inside(alias.name)
                if target is not None:
                    yield target or "__init__", node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                inside = _inside(node.module or "")
                if inside is None:
                    continue
                module = inside
            for alias in node.names:
                sub = f"{module}.{alias.name}" if module else alias.name
                if sub in modules:
                    yield sub, node.lineno
                else:
                    yield module or "__init__", node.lineno


def _inside(dotted: str) -> str | None:
    """``tagsig._x.y`` -> ``_x.y``; ``tagsig`` -> ``''``; another package -> ``None``."""
    if dotted == "tagsig":
        return ""
    return dotted.removeprefix("tagsig.") if dotted.startswith("tagsig.") else None


def violations(
    sources: Mapping[str, str],
    layers: Mapping[str, int],
    allowed: frozenset[tuple[str, str]] = frozenset(),
    families: frozenset[str] = frozenset(),
    packages: Set[str] = frozenset(),
) -> list[str]:
    """Return every import of ``sources`` (module name -> text) that breaks the layers."""
    found = [
        f"{name}: not given a layer" for name in sorted(sources) if layer_of(name, layers) is None
    ]
    modules = set(sources)
    for name, source in sorted(sources.items()):
        own = layer_of(name, layers)
        if own is None:
            continue
        imports = imported_modules(source, name, modules, is_package=name in packages)
        for target, line in sorted(set(imports)):
            layer = layer_of(target, layers)
            if layer is None or (target not in modules and target != "__init__"):
                found.append(f"{name}:{line} imports {target}, which has no layer")
            elif (name, target) in allowed:
                continue
            elif layer > own:
                found.append(f"{name}:{line} imports {target} (layer {layer} above {own})")
            elif name in families and target in families and target != name:
                found.append(f"{name}:{line} imports {target}, another rule family")
    return found


def package_sources(root: Path = PACKAGE) -> dict[str, str]:
    """Return the text of every module of the package, by name inside the package."""
    return {module_name(p, root): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.py"))}


def package_names(root: Path = PACKAGE) -> set[str]:
    """Return the names of the subpackages (folders with an ``__init__.py``)."""
    return {module_name(p, root) for p in root.rglob("__init__.py") if p.parent != root}


def test_imports_follow_the_layers() -> None:
    """No module imports a module of a higher layer, except the known ones."""
    assert violations(package_sources(), LAYERS, ALLOWED, RULE_FAMILIES, package_names()) == []


def test_allowed_imports_are_needed() -> None:
    """Every import allowed against the order still exists (the list only shrinks)."""
    sources = package_sources()
    for importer, imported in ALLOWED:
        found = imported_modules(sources[importer], importer, set(sources))
        assert imported in {t for t, _ in found}, (importer, imported)


def test_every_layer_names_a_module() -> None:
    """The layer table names no package or module that is gone."""
    sources = package_sources()
    assert set(LAYERS) - set(sources) == set()


def test_every_subpackage_says_its_job() -> None:
    """Each private subpackage opens with a docstring (its job, what it may import)."""
    for name in package_names():
        docstring = ast.get_docstring(ast.parse(package_sources()[name]))
        assert docstring, name
        assert "TODO" not in docstring, name


def test_rule_families_exist() -> None:
    """The rule families named above are modules of the rules package."""
    assert set(package_sources()) >= RULE_FAMILIES


SYNTHETIC = {
    "__init__": "",
    "_low": "import os\n",
    "_high": "from tagsig._low import x\n",
}


@pytest.mark.parametrize(
    ("importer", "source", "expected"),
    [
        ("_low", "from tagsig._high import y\n", ["_low:1 imports _high (layer 1 above 0)"]),
        (
            "_low",
            "def f():\n    from tagsig import _high\n",
            ["_low:2 imports _high (layer 1 above 0)"],
        ),
        (
            "_low",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import tagsig._high\n",
            ["_low:3 imports _high (layer 1 above 0)"],
        ),
        ("_low", "from ._high import y\n", ["_low:1 imports _high (layer 1 above 0)"]),
        ("_low", "import tagsig\n", ["_low:1 imports __init__ (layer 2 above 0)"]),
        (
            "_low",
            "from tagsig._nowhere import z\n",
            ["_low:1 imports _nowhere, which has no layer"],
        ),
        ("_new", "", ["_new: not given a layer"]),
        ("_high", "from tagsig._low import x\nimport json\n", []),
    ],
)
def test_checker_finds_offending_imports(importer: str, source: str, expected: list[str]) -> None:
    """The checker reports an import of a higher layer, wherever it stands."""
    sources = {**SYNTHETIC, importer: source}
    layers = {"_low": 0, "_high": 1, "__init__": 2}
    assert violations(sources, layers) == expected


def test_checker_gives_a_package_layer_to_its_modules() -> None:
    """A module inside a package takes the package's layer unless it has its own."""
    layers = {"_low": 0, "_low.top": 2, "_high": 1}
    sources = {
        "_low": "",
        "_low.inner": "from tagsig._high import y\n",
        "_low.top": "from tagsig._high import y\n",
        "_high": "",
    }
    assert violations(sources, layers, packages={"_low"}) == [
        "_low.inner:1 imports _high (layer 1 above 0)"
    ]


def test_checker_honours_the_allowed_list_and_families() -> None:
    """An allowed import passes; one rule family importing another does not."""
    layers = {"_low": 0, "_high": 1, "_rules": 1}
    sources = {
        "_low": "from tagsig._high import y\n",
        "_high": "",
        "_rules": "",
        "_rules.a": "from tagsig._rules.b import f\nfrom tagsig._rules import base\n",
        "_rules.b": "",
        "_rules.base": "",
    }
    assert violations(
        sources,
        layers,
        frozenset({("_low", "_high")}),
        frozenset({"_rules.a", "_rules.b"}),
        {"_rules"},
    ) == ["_rules.a:1 imports _rules.b, another rule family"]

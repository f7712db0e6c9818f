"""The package's layers: every module imports only modules of its own layer or below.

The flow is inputs -> signatures -> audit -> compliance -> report -> analysis -> render ->
command line. Each private module is given its layer here; the test parses every module's
imports (module-level, inside functions, under ``TYPE_CHECKING``) and fails on an import
of a higher layer, on a rule family importing another, and on a module not listed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "tagsig"

BASE, INPUTS, SIGNATURES, MATCHING, AUDIT, COMPLIANCE, RULES, REPORT, ANALYSIS, RENDER, CLI = \
    range(11)

LAYERS: Mapping[str, int] = {
    # 0 base: errors, version, packaged files, translations.
    "_exceptions": BASE, "_version": BASE, "_resources": BASE, "_i18n": BASE,
    "_regex": BASE, "_psl": BASE,
    # 1 inputs: the models of captures and jars, and their readers.
    "_models": INPUTS, "_source": INPUTS, "_url": INPUTS, "_setcookie": INPUTS,
    "_cookie_values": INPUTS, "_cookies": INPUTS, "_har": INPUTS, "_har_errors": INPUTS,
    "_har_format": INPUTS, "_har_values": INPUTS, "_remote": INPUTS,
    # 2 signatures: the signature model, its files and the catalogue of them.
    "_related_sets": SIGNATURES, "_cookie_names": SIGNATURES,
    "_organisation_file": SIGNATURES, "_signature_model": SIGNATURES,
    "_signature_file": SIGNATURES, "_signatures": SIGNATURES,
    "_signature_index": SIGNATURES, "_catalogue": SIGNATURES,
    "_ownership": SIGNATURES,
    # 3 matching: the signatures compiled for matching requests and cookies.
    "_match": MATCHING,
    # 4 audit: what the traffic is, whose it is, what it weighs.
    "_traffic": AUDIT, "_party": AUDIT, "_attribute": AUDIT, "_measure": AUDIT,
    # 5 compliance: consent strings and signals, flags and their messages, policies.
    "_tcf": COMPLIANCE, "_gpp": COMPLIANCE, "_cmp": COMPLIANCE, "_cmp_cookies": COMPLIANCE,
    "_consent": COMPLIANCE, "_flags": COMPLIANCE, "_messages": COMPLIANCE,
    "_policy_model": COMPLIANCE, "_policy_load": COMPLIANCE, "_policy_waive": COMPLIANCE,
    # 6 rules: the rule families, on their shared helpers (see RULE_FAMILIES).
    "_rules": RULES, "_rules._base": RULES, "_rules._text": RULES,
    "_rules._registry": RULES, "_rules._personal": RULES, "_rules._consent": RULES,
    "_rules._cookies": RULES,
    "_rules._evidence": RULES, "_rules._inventory": RULES, "_rules._pii": RULES,
    "_rules._policy": RULES, "_rules._transfer": RULES, "_rules._vendors": RULES,
    # 7 report: the result of an analysis, and reading its JSON document back.
    "_report": REPORT, "_report_document": REPORT,
    # 8 analysis: running the audit; policy queries on reports; reading saved reports.
    "_analyze": ANALYSIS, "_policy_query": ANALYSIS,
    "_diff_load": ANALYSIS,
    # 9 render: every output format, the JSON document, diffs of documents, estates.
    "_render": RENDER, "_render_common": RENDER, "_render_text": RENDER,
    "_render_html": RENDER, "_render_markdown": RENDER, "_render_csv": RENDER,
    "_render_sarif": RENDER, "_render_diff": RENDER, "_render_estate": RENDER,
    "_batch_aggregate": RENDER,
    "_render_inspect": RENDER, "_diff_compare": RENDER, "_estate": RENDER,
    "_parquet": RENDER, "_catalogue_render": RENDER, "_catalogue_html": RENDER,
    # 10 command line and public API.
    "_batch": CLI, "_batch_pool": CLI, "_batch_write": CLI,
    "_commands": CLI, "_catalogue_cli": CLI, "_cli": CLI,
    "__main__": CLI, "__init__": CLI, "engine": CLI,
}
"""Each module of ``tagsig`` (by its name inside the package) and its layer."""

RULE_FAMILIES = frozenset({
    "_rules._consent", "_rules._cookies", "_rules._evidence", "_rules._inventory",
    "_rules._pii", "_rules._policy", "_rules._transfer", "_rules._vendors",
})
"""Rule families import the rules' helpers (``_base``, ``_text``, ``_registry``), never
one another."""

ALLOWED: frozenset[tuple[str, str]] = frozenset({
    # Report._repr_html_ and Report.to_pandas call the renderers that tagsig._render
    # registers; ``import tagsig`` is lazy, so a report can be used before any renderer
    # was imported, and the report then imports the render layer once (on first use).
    ("_report", "_render"),
})
"""Imports against the layer order that are known, as ``(importer, imported)``."""


def module_name(path: Path, root: Path) -> str:
    """Return the name inside the package of the module at ``path`` (``_rules._base``)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, name: str,
                     layers: Mapping[str, int] | None = None) -> Iterator[tuple[str, int]]:
    """Yield the package modules that ``source`` (module ``name``) imports, with the line.

    Every import counts, wherever it stands. ``from tagsig import _x`` and
    ``from . import _x`` name the module ``_x``; an import of the package itself
    (``import tagsig``) names ``__init__``.
    """
    layers = LAYERS if layers is None else layers
    package = name.split(".")[:-1] if name != "__init__" else []
    if name in {"_rules"}:
        package = ["_rules"]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _inside(alias.name)
                if target is not None:
                    yield target or "__init__", node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                inside = _inside(node.module or "")
                if inside is None:
                    continue
                module = inside
            for alias in node.names:
                sub = f"{module}.{alias.name}" if module else alias.name
                if not module:  # from tagsig import X: a module if listed, else a name
                    yield (sub if sub in layers else "__init__"), node.lineno
                else:
                    yield (sub if sub in layers else module), node.lineno


def _inside(dotted: str) -> str | None:
    """``tagsig._x.y`` -> ``_x.y``; ``tagsig`` -> ``''``; another package -> ``None``."""
    if dotted == "tagsig":
        return ""
    return dotted.removeprefix("tagsig.") if dotted.startswith("tagsig.") else None


def violations(sources: Mapping[str, str], layers: Mapping[str, int],
               allowed: frozenset[tuple[str, str]] = frozenset(),
               families: frozenset[str] = frozenset()) -> list[str]:
    """Return every import of ``sources`` (module name -> text) that breaks the layers."""
    found = [f"{name}: not given a layer" for name in sorted(sources) if name not in layers]
    for name, source in sorted(sources.items()):
        if name not in layers:
            continue
        for target, line in sorted(set(imported_modules(source, name, layers))):
            layer = layers.get(target)
            if layer is None:
                found.append(f"{name}:{line} imports {target}, which has no layer")
            elif (name, target) in allowed:
                continue
            elif layer > layers[name]:
                found.append(f"{name}:{line} imports {target} (layer {layer} above "
                             f"{layers[name]})")
            elif name in families and target in families and target != name:
                found.append(f"{name}:{line} imports {target}, another rule family")
    return found


def package_sources(root: Path = PACKAGE) -> dict[str, str]:
    """Return the text of every module of the package, by name inside the package."""
    return {module_name(p, root): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*.py"))}


def test_imports_follow_the_layers() -> None:
    """No module imports a module of a higher layer, except the known ones."""
    assert violations(package_sources(), LAYERS, ALLOWED, RULE_FAMILIES) == []


def test_allowed_imports_are_needed() -> None:
    """Every import allowed against the order still exists (the list only shrinks)."""
    sources = package_sources()
    for importer, imported in ALLOWED:
        assert imported in {t for t, _ in imported_modules(sources[importer], importer)}, \
            (importer, imported)


def test_every_listed_module_exists() -> None:
    """The layer table names no module that is gone."""
    assert set(LAYERS) - set(package_sources()) == set()


SYNTHETIC = {
    "__init__": "",
    "_low": "import os\n",
    "_high": "from tagsig._low import x\n",
}


@pytest.mark.parametrize(("importer", "source", "expected"), [
    ("_low", "from tagsig._high import y\n", ["_low:1 imports _high (layer 1 above 0)"]),
    ("_low", "def f():\n    from tagsig import _high\n",
     ["_low:2 imports _high (layer 1 above 0)"]),
    ("_low", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import tagsig._high\n",
     ["_low:3 imports _high (layer 1 above 0)"]),
    ("_low", "from ._high import y\n", ["_low:1 imports _high (layer 1 above 0)"]),
    ("_low", "import tagsig\n", ["_low:1 imports __init__ (layer 2 above 0)"]),
    ("_low", "from tagsig._nowhere import z\n", ["_low:1 imports _nowhere, which has no layer"]),
    ("_new", "", ["_new: not given a layer"]),
    ("_high", "from tagsig._low import x\nimport json\n", []),
])
def test_checker_finds_offending_imports(importer: str, source: str,
                                         expected: list[str]) -> None:
    """The checker reports an import of a higher layer, wherever it stands."""
    sources = {**SYNTHETIC, importer: source}
    layers = {"_low": 0, "_high": 1, "__init__": 2}
    assert violations(sources, layers) == expected


def test_checker_honours_the_allowed_list_and_families() -> None:
    """An allowed import passes; one rule family importing another does not."""
    layers = {"_low": 0, "_high": 1, "_rules._a": 1, "_rules._b": 1, "_rules._base": 1}
    sources = {"_low": "from tagsig._high import y\n", "_high": "",
               "_rules._a": "from tagsig._rules._b import f\nfrom tagsig._rules._base import g\n",
               "_rules._b": "", "_rules._base": ""}
    assert violations(sources, layers, frozenset({("_low", "_high")}),
                      frozenset({"_rules._a", "_rules._b"})) == [
        "_rules._a:1 imports _rules._b, another rule family"]

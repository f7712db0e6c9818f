"""Start-up: what a run loads, what is kept between runs, and what a run leaves behind."""

from __future__ import annotations

import gc
import importlib.util
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tagsig import _i18n, _resources
from tagsig._analysis.analyze import analyze
from tagsig._cli import main as _cli
from tagsig._cli.main import main
from tagsig._inputs import psl as _psl
from tagsig._inputs.psl import PublicSuffixList, public_suffix_list
from tagsig._render.formats import render

from .conftest import REPO

EXAMPLE_HAR = str(REPO / "examples" / "shop.har")
LOCALE = REPO / "src" / "tagsig" / "locale"
NOT_LOADED = (
    "rich",
    "babel",
    "jsonschema",
    "pandas",
    "pyarrow",
    "tagsig._render.text",
    "tagsig._render.html",
    "tagsig._render.markdown",
    "tagsig._render.csv",
    "tagsig._render.sarif",
    "tagsig._render.common",
    "tagsig._signatures.catalogue",
    "tagsig._batch.run",
    "tagsig._render.compare",
    "importlib.resources",
)
"""Modules a ``--format json`` analysis has no use for (packages with their submodules)."""
_RUN = """
import io, json, sys
import tagsig._cli.main as cli
out = io.StringIO()
sys.stdout = out
code = cli.main(sys.argv[1:])
sys.stdout = sys.__stdout__
print(json.dumps({"code": code, "output": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def _fresh_run(*args: str) -> tuple[int, str, list[str]]:
    """Run the command line in a fresh interpreter; its exit code, output and modules."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}
    }
    done = subprocess.run(
        [sys.executable, "-c", _RUN, *args],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=300,
    )
    result = json.loads(done.stdout)
    return result["code"], result["output"], result["modules"]


def _loaded(modules: list[str], name: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for module in modules)


@pytest.mark.slow
def test_json_analysis_loads_no_renderer_rich_or_babel() -> None:
    """A JSON report loads neither rich, babel, jsonschema nor any other renderer."""
    code, output, modules = _fresh_run("analyze", EXAMPLE_HAR, "--format", "json")
    assert code == 0
    assert [name for name in NOT_LOADED if _loaded(modules, name)] == []
    assert "tagsig._render.formats" in modules  # the run did render, in a fresh interpreter
    assert output == render(analyze(EXAMPLE_HAR), "json", lang=None)


@pytest.mark.slow
def test_text_analysis_still_renders_text() -> None:
    """The modules left out of a JSON run are loaded when a run needs them."""
    code, output, modules = _fresh_run("analyze", EXAMPLE_HAR)
    assert code == 0
    assert "tagsig._render.text" in modules
    assert output == render(analyze(EXAMPLE_HAR), "text", lang="en")


class TestGarbageCollection:
    """The command line gives an in-process caller its collector back as it was."""

    @pytest.fixture(autouse=True)
    def _collecting(self) -> Iterator[None]:
        was = gc.isenabled()
        gc.enable()
        yield
        if was:
            gc.enable()
        else:
            gc.disable()

    def test_after_an_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unreadable input (exit 2) leaves collection on."""
        assert main(["analyze", str(REPO / "no-such.har"), "--format", "json"]) == 2
        assert gc.isenabled()
        assert "tagsig: error:" in capsys.readouterr().err

    def test_after_bad_usage(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Bad usage exits through argparse (SystemExit) and still restores collection."""
        with pytest.raises(SystemExit):
            main(["analyze"])
        assert gc.isenabled()
        capsys.readouterr()

    def test_after_an_interrupt(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Ctrl-C during a run (exit 130) leaves collection on."""

        def interrupted(argv: object) -> int:
            assert not gc.isenabled()
            raise KeyboardInterrupt

        monkeypatch.setattr(_cli, "_main", interrupted)
        assert main(["analyze", EXAMPLE_HAR]) == 130
        assert gc.isenabled()
        assert capsys.readouterr().err == "tagsig: interrupted\n"

    def test_before_the_run(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Collection is only paused once the run starts: a failing stream leaves it on."""

        class Detached(io.StringIO):
            def reconfigure(self, **options: object) -> None:
                raise ValueError("underlying buffer has been detached")

        monkeypatch.setattr(sys, "stdout", Detached())
        with pytest.raises(ValueError, match="detached"):
            main(["analyze", EXAMPLE_HAR])
        assert gc.isenabled()

    def test_left_off_when_it_was_off(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A caller that turned collection off finds it off, after an error too."""
        gc.disable()
        assert main(["analyze", str(REPO / "no-such.har")]) == 2
        assert not gc.isenabled()
        capsys.readouterr()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Give :func:`tagsig._resources.cached` a scratch folder, writing allowed."""
    folder = tmp_path / "__pycache__"
    monkeypatch.setattr(_resources, "_CACHE", folder)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return folder


class TestCached:
    """What is derived from a data file is kept between runs while the file is unchanged."""

    def test_kept_and_read_back(self, cache: Path) -> None:
        """The second call reads the kept value; build is not called again."""
        calls: list[bytes] = []

        def build(source: bytes) -> tuple[frozenset[str], int]:
            calls.append(source)
            return frozenset(source.decode().split()), len(source)

        first = _resources.cached("test-1", b"a b c", lambda: build(b"a b c"))
        again = _resources.cached("test-1", b"a b c", lambda: build(b"a b c"))
        assert first == again == (frozenset({"a", "b", "c"}), 5)
        assert len(calls) == 1
        assert len(list(cache.glob("test-1.*.marshal"))) == 1

    def test_changed_source_replaces_the_kept_value(self, cache: Path) -> None:
        """A new source is derived afresh and the stale value is removed."""
        assert _resources.cached("test-1", b"old", lambda: "old") == "old"
        assert _resources.cached("test-1", b"new", lambda: "new") == "new"
        (kept,) = cache.glob("test-1.*.marshal")
        assert _resources.cached("test-1", b"new", lambda: "other") == "new"
        assert kept.exists()

    def test_damaged_file_is_derived_afresh(self, cache: Path) -> None:
        """A truncated kept file is ignored and rewritten."""
        _resources.cached("test-1", b"x", lambda: ("a" * 100,))
        (kept,) = cache.glob("test-1.*.marshal")
        kept.write_bytes(kept.read_bytes()[:10])
        assert _resources.cached("test-1", b"x", lambda: ("b",)) == ("b",)
        assert _resources.cached("test-1", b"x", lambda: ("c",)) == ("b",)

    def test_unwritable_folder_only_derives(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A folder that cannot be made (a file is in the way) means deriving each time."""
        blocked = tmp_path / "file"
        blocked.write_text("")
        monkeypatch.setattr(_resources, "_CACHE", blocked / "__pycache__")
        monkeypatch.setattr(sys, "dont_write_bytecode", False)
        assert _resources.cached("test-1", b"x", lambda: 1) == 1
        assert _resources.cached("test-1", b"x", lambda: 2) == 2

    def test_dont_write_bytecode_writes_nothing(
        self, cache: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """PYTHONDONTWRITEBYTECODE is honoured as for bytecode."""
        monkeypatch.setattr(sys, "dont_write_bytecode", True)
        assert _resources.cached("test-1", b"x", lambda: 1) == 1
        assert not cache.exists()


def test_package_folder_of_a_zipped_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A package that is no folder on disk (zipped) is read through importlib.resources."""
    from importlib import resources

    assert _resources.package_folder("locale") == REPO / "src" / "tagsig" / "locale"
    monkeypatch.setattr(_resources, "_PACKAGE", tmp_path / "tagsig.zip" / "tagsig")
    assert _resources.package_folder("locale") == resources.files("tagsig") / "locale"


class TestPublicSuffixListKept:
    """The parsed Public Suffix List is kept and read back the same."""

    def test_kept_list_is_the_parsed_list(self, cache: Path) -> None:
        """Parsed, then read back from the kept form: the same list both times."""
        parsed = PublicSuffixList.parse(_psl._list_path().read_text(encoding="utf-8"))
        try:
            public_suffix_list.cache_clear()
            assert public_suffix_list() == parsed
            assert len(list(cache.glob("psl-1.*.marshal"))) == 1
            public_suffix_list.cache_clear()
            kept = public_suffix_list()
            assert kept == parsed
            assert kept.registrable_domain("a.b.example.co.uk") == "example.co.uk"
        finally:
            public_suffix_list.cache_clear()


class TestCatalogues:
    """English needs no catalogue; another language's compiled catalogue is kept."""

    def test_english_catalogue_is_the_identity(self) -> None:
        """Every English message translates to itself, so English reads no catalogue."""
        with (LOCALE / "en" / "LC_MESSAGES" / "tagsig.po").open("rb") as f:
            catalogue = read_po(f)
        changed = [
            message.id
            for message in catalogue
            if message.id
            and message.string
            and (
                message.string != message.id
                if isinstance(message.id, str)
                else tuple(message.string) != tuple(message.id)
            )
        ]
        assert changed == []

    def test_english_compiles_nothing(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """English messages and plural forms come without compiling any catalogue."""

        def refused(po: bytes) -> bytes:
            raise AssertionError("compiled a catalogue")

        monkeypatch.setattr(_i18n, "compile_po", refused)
        _i18n._translations.cache_clear()
        try:
            assert _i18n.gettext("Overview", "en") == "Overview"
            assert [_i18n.ngettext("{count} tag", "{count} tags", n, "en") for n in (0, 1, 2)] == [
                "{count} tags",
                "{count} tag",
                "{count} tags",
            ]
        finally:
            _i18n._translations.cache_clear()

    def test_compiled_catalogue_is_kept(self, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Irish is compiled once; the next process reads the kept .mo without Babel."""
        compiled: list[bytes] = []
        compile_po = _i18n.compile_po

        def counting(po: bytes) -> bytes:
            compiled.append(po)
            return compile_po(po)

        monkeypatch.setattr(_i18n, "compile_po", counting)
        try:
            for _ in range(2):
                _i18n._translations.cache_clear()
                assert _i18n.gettext("Overview", "ga") == "Forbhreathnú"
                assert _i18n.ngettext("{count} pattern", "{count} patterns", 7, "ga") == (
                    "{count} bpatrún"
                )
        finally:
            _i18n._translations.cache_clear()
        assert len(compiled) == 1
        assert len(list(cache.glob("mo-1.*.marshal"))) == 1


def test_bench_start_runs() -> None:
    """The start-up benchmark's phases run in this checkout (they name real functions)."""
    spec = importlib.util.spec_from_file_location(
        "bench_start", REPO / "benchmarks" / "bench_start.py"
    )
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    namespace: dict[str, object] = {"PATH": EXAMPLE_HAR}
    for _, code in bench._PHASES:
        exec(code, namespace)
    assert "report" in namespace

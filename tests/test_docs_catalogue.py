"""The code blocks of the catalogue and languages pages run and print what they show."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from tagsig._cli.main import main

from .conftest import REPO

PAGES = ("catalogue.md", "i18n.md")
_BLOCK = re.compile(r"```(\w*)\n(.*?)```", flags=re.DOTALL)


def _blocks(page: str) -> list[tuple[str, str, str | None]]:
    """Each block of a page: its language, its code, and the output it says it prints."""
    text = (REPO / "docs" / page).read_text(encoding="utf-8")
    found = list(_BLOCK.finditer(text))
    blocks: list[tuple[str, str, str | None]] = []
    for index, match in enumerate(found):
        expected = None
        if index + 1 < len(found):
            between = text[match.end() : found[index + 1].start()].strip()
            if between == "prints" and not found[index + 1].group(1):
                expected = found[index + 1].group(2)
        blocks.append((match.group(1), match.group(2), expected))
    return blocks


@pytest.mark.parametrize("page", PAGES)
def test_python_blocks_run(page: str) -> None:
    """Every Python block runs; where the page says what it prints, it prints that."""
    python = [(code, expected) for lang, code, expected in _blocks(page) if lang == "python"]
    assert python
    for code, expected in python:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"docs/{page}", "exec"), {})
        if expected is not None:
            assert out.getvalue() == expected, code


def test_inline_prints_are_true() -> None:
    """The catalogue page's inline "prints `X`" claims hold."""
    import tagsig

    with pytest.raises(tagsig.UnknownTagError) as caught:
        tagsig.catalogue_entry("intercon")
    assert caught.value.suggestions[0] == "Intercom"


def test_shell_block_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every command of the catalogue page's shell block exits 0."""
    monkeypatch.chdir(tmp_path)
    (shell,) = [code for lang, code, _ in _blocks("catalogue.md") if lang == "sh"]
    for line in shell.splitlines():
        argv = shlex.split(line, comments=True)
        assert argv[0] == "tagsig"
        assert main(argv[1:]) == 0, line
    assert (tmp_path / "site" / "index.html").is_file()
    capsys.readouterr()


def test_catalogue_json_example_is_the_real_shape() -> None:
    """The file example on the page names only keys the schema knows."""
    import json

    schema = json.loads((REPO / "data" / "catalogue.schema.json").read_text("utf-8"))
    known = set(schema["$defs"]["entry"]["properties"])
    (example,) = [code for lang, code, _ in _blocks("catalogue.md") if lang == "json"]
    keys = set(re.findall(r'^      "(\w+)":', example, flags=re.MULTILINE))
    assert keys
    assert keys <= known

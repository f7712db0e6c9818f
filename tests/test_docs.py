"""The documentation keeps up with the code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

import tagsig

from .conftest import FIXTURES, REPO


def test_api_page_is_current() -> None:
    """docs/api.md is what scripts/make_api_doc.py writes from the docstrings."""
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_api_doc.py")],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert (REPO / "docs" / "api.md").read_text(encoding="utf-8") == result.stdout


def test_every_public_name_is_documented() -> None:
    """Every public name appears on the API page."""
    page = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [
        n
        for n in tagsig.__all__
        if n != "__version__" and f"`{n}" not in page and f"tagsig.{n}" not in page
    ]
    assert missing == []


def test_doc_links_resolve() -> None:
    """Relative links between documentation pages point at existing files."""
    broken = [
        f"{page.name} -> {target}"
        for page in [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", page.read_text("utf-8"))
        if not (page.parent / target).is_file()
    ]
    assert broken == []


def test_cli_exit_codes_documented() -> None:
    """The command-line page documents the exit codes the CLI uses."""
    from tagsig._cli import main as _cli

    page = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    for code in (_cli.EXIT_OK, _cli.EXIT_POLICY, _cli.EXIT_INPUT):
        assert f"| {code} |" in page


# --- Every code block of docs/ runs. -------------------------------------------------------

NO_RUN = re.compile(r"<!-- docs: no-run \((?P<reason>[^)]*)\) -->\n")
"""The marker, on the line before a block, of a block that cannot run in the tests."""
_FENCE = re.compile(r"^```(?P<lang>\S*)\n(?P<body>.*?)^```", re.S | re.M)
_SHELL = frozenset({"sh", "bash", "console", "shell"})
_PAGES = sorted((REPO / "docs").rglob("*.md"))


class _Block(NamedTuple):
    page: Path
    line: int
    lang: str
    body: str
    no_run: str | None


def _blocks(page: Path) -> list[_Block]:
    text = page.read_text(encoding="utf-8")
    found = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()]
        marker = NO_RUN.search(before[-200:]) if before.endswith(") -->\n") else None
        found.append(
            _Block(
                page,
                before.count("\n") + 1,
                match["lang"],
                match["body"],
                marker["reason"] if marker else None,
            )
        )
    return found


def _firefox_jar(path: Path) -> None:
    import sqlite3

    db = sqlite3.connect(path)
    with db:
        db.execute(
            "CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT "
            "NOT NULL DEFAULT '', name TEXT, value TEXT, host TEXT, path TEXT, expiry "
            "INTEGER, lastAccessed INTEGER, creationTime INTEGER, isSecure INTEGER, "
            "isHttpOnly INTEGER, sameSite INTEGER DEFAULT 0)"
        )
        db.execute(
            "INSERT INTO moz_cookies (name, value, host, path, expiry, lastAccessed, "
            "creationTime, isSecure, isHttpOnly) VALUES ('_ga', 'GA1.1.1.2', "
            "'.example-shop.com', '/', 1900000000, 0, 0, 1, 0)"
        )
    db.close()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder holding every file the documentation's examples name."""
    import gzip
    import shutil

    root = tmp_path_factory.mktemp("docs")
    example, jar = REPO / "examples" / "shop.har", REPO / "examples" / "cookies.txt"
    shutil.copytree(REPO / "examples", root / "examples")
    for name in ("capture.har", "before.har", "after.har", "a.har"):
        shutil.copy(example, root / name)
    (root / "b.har.gz").write_bytes(gzip.compress(example.read_bytes()))
    shutil.copy(jar, root / "cookies.txt")
    for folder in ("captures", "corpus/har"):
        (root / folder).mkdir(parents=True)
        for number in range(2):
            shutil.copy(example, root / folder / f"site-{number}.har")
    shutil.copy(FIXTURES / "policy" / "strict.toml", root / "tagsig.toml")
    shutil.copy(FIXTURES / "signatures" / "attribution.json", root / "internal-tags.json")
    for name in ("ours.json", "my.json"):
        shutil.copy(FIXTURES / "signatures" / "attribution.json", root / name)
    (root / "not-a-har.json").write_text('{"not": "a HAR"}', encoding="utf-8")
    _firefox_jar(root / "cookies.sqlite")
    (root / "scripts").symlink_to(REPO / "scripts")
    return root


def _run(command: list[str], cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        input=stdin.decode(),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_no_run_markers_stand_before_a_block_with_a_reason() -> None:
    """Each no-run marker has a reason and is followed by a code block."""
    for page in _PAGES:
        text = page.read_text(encoding="utf-8")
        for marker in NO_RUN.finditer(text):
            assert marker["reason"].strip(), f"{page.name}: a no-run marker without a reason"
            assert text[marker.end() :].startswith("```"), (
                f"{page.name}:{text[: marker.start()].count(chr(10)) + 1}: a no-run marker "
                "before no code block"
            )
        stray = text.count("<!-- docs: no-run") - len(NO_RUN.findall(text))
        assert stray == 0, f"{page.name}: a malformed no-run marker"


def test_every_shell_block_runs_or_says_why_not() -> None:
    """A shell block holds a tagsig command the tests run, or is marked no-run."""
    unmarked = [
        f"{b.page.name}:{b.line}"
        for page in _PAGES
        for b in _blocks(page)
        if b.lang in _SHELL and b.no_run is None and not _commands(b.body)
    ]
    assert unmarked == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "page",
    [p for p in _PAGES if any(b.lang == "python" and b.no_run is None for b in _blocks(p))],
    ids=lambda p: p.name,
)
def test_python_blocks_run(page: Path, workspace: Path) -> None:
    """The Python blocks of a page run in order, as one script, beside the example files."""
    blocks = [b for b in _blocks(page) if b.lang == "python" and b.no_run is None]
    script = workspace / f"{page.stem}_blocks.py"
    script.write_text(
        "\n\n".join(f"# {page.name}:{b.line}\n{b.body}" for b in blocks), encoding="utf-8"
    )
    result = _run([sys.executable, str(script)], workspace)
    assert result.returncode == 0, result.stderr[-3000:]


def _commands(body: str) -> list[str]:
    lines = body.replace("\\\n", " ").splitlines()
    return [
        line.removeprefix("$ ") for line in lines if line.removeprefix("$ ").startswith("tagsig ")
    ]


_SHELL_COMMANDS = [
    (b, command)
    for page in _PAGES
    for b in _blocks(page)
    if b.lang in _SHELL and b.no_run is None
    for command in _commands(b.body)
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("block", "command"),
    _SHELL_COMMANDS,
    ids=[f"{b.page.name}:{b.line}:{c[:40]}" for b, c in _SHELL_COMMANDS],
)
def test_tagsig_commands_run(block: _Block, command: str, workspace: Path) -> None:
    """Each ``tagsig`` line of a shell block runs on the examples, without an error."""
    import shlex

    words = shlex.split(command, comments=True)
    stdin = b""
    if "<" in words:
        at = words.index("<")
        stdin = (workspace / words[at + 1]).read_bytes()
        del words[at : at + 2]
    result = _run([sys.executable, "-m", "tagsig", *words[1:]], workspace, stdin)
    # 1 is an answer (a failing policy, a change), not an error; 2 is an error.
    assert result.returncode in {0, 1}, result.stderr[-2000:]
    assert "Traceback" not in result.stderr


def test_rules_index_is_whole() -> None:
    """The rules index has one whole row per rule page: four cells, nothing cut short."""
    index = (REPO / "docs" / "rules" / "index.md").read_text(encoding="utf-8")
    rows = [line for line in index.splitlines() if line.startswith("| [`")]
    pages = sorted(p.stem for p in (REPO / "docs" / "rules").glob("*.md") if p.stem != "index")
    assert sorted(re.findall(r"^\| \[`([a-z-]+)`\]", index, re.M)) == pages
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        assert len(cells) == 4, row
        assert all(cell.count("`") % 2 == 0 for cell in cells), row
        assert all(cell.count("(") == cell.count(")") for cell in cells), row
        assert cells[3], row
        assert not cells[3].endswith(("(", "`")), row


_DATA_BLOCKS = [
    b for page in _PAGES for b in _blocks(page) if b.lang in {"json", "toml"} and b.no_run is None
]


@pytest.mark.parametrize(
    "block", _DATA_BLOCKS, ids=[f"{b.page.name}:{b.line}" for b in _DATA_BLOCKS]
)
def test_data_blocks_read(block: _Block, tmp_path: Path) -> None:
    """A JSON or TOML block parses; a whole signature file loads, a policy loads.

    A member shown alone parses inside braces.
    """
    import json
    import tomllib

    if block.lang == "toml":
        tomllib.loads(block.body)
        path = tmp_path / "policy.toml"
        path.write_text(block.body, encoding="utf-8")
        tagsig.load_policy(path)
        return
    try:
        document = json.loads(block.body)
    except json.JSONDecodeError:
        document = json.loads("{" + block.body + "}")
    # A layout sketch ("...": "...") only parses; a whole file loads.
    if isinstance(document, dict) and "signatures" in document and '"..."' not in block.body:
        path = tmp_path / "signatures.json"
        path.write_text(block.body, encoding="utf-8")
        tagsig.load_signatures(path)

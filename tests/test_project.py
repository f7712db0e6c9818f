"""The project keeps its promises: README commands, CI script, typing and lint."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO


def _section_command(title: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 1, f"{title!r} must hold exactly one code block"
    return str(blocks[0]).strip()


def test_readme_starts_with_the_two_commands() -> None:
    """The README's first sections are Quick start and Running the tests."""
    headings = re.findall(r"^## (.+)$", (REPO / "README.md").read_text(encoding="utf-8"),
                          flags=re.MULTILINE)
    assert headings[:2] == ["Quick start", "Running the tests"]


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run runs exactly the README's test command, and stops on failure."""
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in script
    assert _section_command("Running the tests") in script.splitlines()


def test_quick_start_runs_the_bundled_example() -> None:
    """The Quick start command reads the bundled example files, which exist."""
    command = _section_command("Quick start")
    for name in re.findall(r"examples/\S+", command):
        assert (REPO / name).is_file(), name


@pytest.mark.skipif(shutil.which("mypy") is None and not (
    Path(sys.executable).parent / "mypy").exists(), reason="mypy is not installed")
def test_mypy_strict() -> None:
    """The package, tests, benchmarks and scripts pass mypy --strict."""
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict"], cwd=REPO,
                            capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff() -> None:
    """The code passes the project's ruff rules."""
    pytest.importorskip("ruff")
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=REPO,
                            capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_wheel_contains_data(tmp_path: Path) -> None:
    """The built wheel ships the signature data, its schema and py.typed."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w",
         str(tmp_path), str(REPO)],
        capture_output=True, text=True, check=False, timeout=600,
    )
    if result.returncode != 0 and "hatchling" in result.stderr:
        pytest.skip("hatchling is not installed in this environment")
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("tagsig-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"tagsig/data/signatures.json", "tagsig/data/signatures.schema.json",
            "tagsig/data/related-website-sets.json",
            "tagsig/py.typed", "tagsig/__init__.py", "tagsig/data/signatures.index"} <= names
    # The compiled signature index matches the JSON file shipped beside it.
    from tagsig._signature_index import decode_layer

    with zipfile.ZipFile(wheel) as archive:
        index = archive.read("tagsig/data/signatures.index")
        source = archive.read("tagsig/data/signatures.json")
    layer = decode_layer(index, source, "signatures.json")
    assert layer is not None
    assert len(layer.signatures) > 1_000

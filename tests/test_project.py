"""The project keeps its promises: README commands, CI script, typing and lint."""

from __future__ import annotations

import json
import re
import shutil
import site
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
    headings = re.findall(
        r"^## (.+)$", (REPO / "README.md").read_text(encoding="utf-8"), flags=re.MULTILINE
    )
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


@pytest.mark.skipif(
    shutil.which("mypy") is None and not (Path(sys.executable).parent / "mypy").exists(),
    reason="mypy is not installed",
)
def test_mypy_strict() -> None:
    """The package, tests, benchmarks and scripts pass mypy --strict."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff() -> None:
    """The code passes the project's ruff rules."""
    pytest.importorskip("ruff")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    """The repository is formatted as ``ruff format`` writes it."""
    pytest.importorskip("ruff")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the project's wheel once for the packaging tests."""
    folder = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(folder),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if result.returncode != 0 and "hatchling" in result.stderr:
        pytest.skip("hatchling is not installed in this environment")
    assert result.returncode == 0, result.stderr
    (built,) = folder.glob("tagsig-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_data(wheel: Path) -> None:
    """The built wheel ships the signature data, its schema and py.typed."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "tagsig/data/signatures.json",
        "tagsig/data/signatures.schema.json",
        "tagsig/data/related-website-sets.json",
        "tagsig/py.typed",
        "tagsig/__init__.py",
        "tagsig/data/signatures.index",
    } <= names
    # The compiled signature index matches the JSON file shipped beside it.
    from tagsig._signatures.index import decode_layer

    with zipfile.ZipFile(wheel) as archive:
        index = archive.read("tagsig/data/signatures.index")
        source = archive.read("tagsig/data/signatures.json")
    layer = decode_layer(index, source, "signatures.json")
    assert layer is not None
    assert len(layer.signatures) > 1_000


_WHEEL_PROBE = """
import json, sys
from importlib import resources
import tagsig
from tagsig._i18n import gettext
from tagsig._resources import data_file, schema_path
mo = resources.files("tagsig") / "locale" / "ga" / "LC_MESSAGES" / "tagsig.mo"
print(json.dumps({
    "package": tagsig.__file__,
    "signatures": str(data_file("signatures.json")),
    "schema": str(schema_path("report")),
    "mo": str(mo) if mo.is_file() else None,
    "irish": gettext("Overview", "ga"),
    "path": sys.path,
}))
"""


def _run_in(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in ``folder`` with a bare environment (no PYTHONPATH, no venv)."""
    return subprocess.run(
        command,
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )


@pytest.mark.slow
def test_wheel_installs_and_runs_in_a_fresh_venv(wheel: Path, tmp_path: Path) -> None:
    """Installed in a new environment, the wheel runs from its own files, not the checkout.

    The environment sees the dependencies of this one through a ``.pth`` file (no network),
    but not the checkout: the package, its data, its schemas and its compiled ``.mo``
    catalogues must all come from the installed wheel.
    """
    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300
    )
    python = venv / "bin" / "python"
    (site_packages,) = (venv / "lib").glob("python*/site-packages")
    # The dependencies' folders only: a folder named by a .pth line has its own .pth files
    # (this environment's editable install of the checkout) left unread.
    (site_packages / "dependencies.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    probe = _run_in(tmp_path, str(python), "-c", _WHEEL_PROBE)
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    installed = str(site_packages.resolve())
    assert not any(str(REPO / "src") in entry for entry in found["path"])
    for key in ("package", "signatures", "schema", "mo"):
        assert found[key] is not None, key
        assert str(Path(found[key]).resolve()).startswith(installed), (key, found[key])
    assert found["irish"] != "Overview"
    report = _run_in(
        tmp_path,
        str(venv / "bin" / "tagsig"),
        "analyze",
        str(REPO / "examples" / "shop.har"),
        "--format",
        "json",
    )
    assert report.returncode == 0, report.stderr
    document = json.loads(report.stdout)
    assert document["tags"], "the bundled signatures attribute the example's tags"

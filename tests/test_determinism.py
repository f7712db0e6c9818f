"""Reports are the same bytes whatever the hash seed of the process that wrote them.

Sets and dicts of strings iterate in an order that ``PYTHONHASHSEED`` changes; anything
that reaches a report through such an order shows up as a difference between processes
started with different seeds. Each process renders the same inputs as JSON and SARIF and
runs the batch to JSON Lines.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow

SEEDS = ("0", "12345", "random")
CORPUS = REPO.parent / "shared" / "corpus" / "har"
_SCRIPT = Path(sys.executable).parent / "tagsig"


def _capture() -> Path:
    """Return a real capture of a few hundred KB from the corpus, else the bundled example."""
    if CORPUS.is_dir():
        for path in sorted(CORPUS.glob("*.har")):
            if 100_000 <= path.stat().st_size <= 3_000_000:
                return path
    return REPO / "examples" / "shop.har"


def _render(seed: str, inputs: Path, out: Path) -> dict[str, bytes]:
    """Render every output with hash seed ``seed`` in fresh processes; return their bytes."""
    out.mkdir()
    env = {**os.environ, "PYTHONHASHSEED": seed}
    env.pop("PYTHONPATH", None)
    captures = sorted(str(p) for p in inputs.glob("*.har"))
    jar = str(REPO / "examples" / "cookies.txt")
    commands = {
        "report.json": ["analyze", *captures, "--cookies", jar, "--format", "json"],
        "report.sarif": ["analyze", *captures, "--cookies", jar, "--format", "sarif"],
        "batch.jsonl": ["batch", str(inputs)],
    }
    for name, arguments in commands.items():
        result = subprocess.run(
            [str(_SCRIPT), *arguments, "--output", str(out / name)],
            cwd=inputs,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        assert result.returncode in {0, 1}, result.stderr  # 1: a flag failed the audit
    return {name: (out / name).read_bytes() for name in commands}


@pytest.mark.skipif(not _SCRIPT.exists(), reason="the tagsig command is not installed here")
def test_outputs_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """JSON, SARIF and batch JSON Lines are byte for byte the same under three seeds."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for source in {_capture(), REPO / "examples" / "shop.har"}:
        shutil.copy(source, inputs / source.name)
    outputs = [_render(seed, inputs, tmp_path / f"seed-{n}") for n, seed in enumerate(SEEDS)]
    first = outputs[0]
    assert all(first.values()), "every output holds something"
    for seed, other in zip(SEEDS[1:], outputs[1:], strict=True):
        for name, content in first.items():
            assert other[name] == content, f"{name} differs under PYTHONHASHSEED={seed}"

"""The Python examples of docs/batch.md run as scripts, as a reader would run them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .builders import entry, har
from .conftest import REPO

PAGE = REPO / "docs" / "batch.md"


def _examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.DOTALL)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Return a working folder whose captures/ holds three small captures."""
    captures = tmp_path / "captures"
    captures.mkdir()
    for n, url in enumerate(
        [
            "https://www.googletagmanager.com/gtm.js?id=GTM-A",
            "https://connect.facebook.net/en_US/fbevents.js",
            "https://static.hotjar.com/c/hotjar-1.js",
        ]
    ):
        (captures / f"{n}.har").write_bytes(har(entry(url, transfer=100 * (n + 1))))
    return tmp_path


def test_duckdb_query(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's DuckDB query runs on the Parquet files tagsig batch writes."""
    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("pyarrow")
    from tagsig._cli.main import main

    monkeypatch.chdir(folder)
    assert main(["batch", "captures", "--jobs", "1", "--output", "estate.parquet"]) == 0
    [query] = re.findall(r"```sql\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.DOTALL)
    rows = duckdb.sql(query).fetchall()
    assert sorted(rows) == [
        ("google-tag-manager", 1, 100),
        ("hotjar", 1, 300),
        ("meta-pixel", 1, 200),
    ]


def test_the_page_has_the_examples() -> None:
    """The page shows the Python batch, and Dask behind a __main__ guard."""
    examples = _examples()
    assert len(examples) == 2
    assert "LocalCluster" in examples[1]
    assert 'if __name__ == "__main__":' in examples[1]


@pytest.mark.slow
@pytest.mark.parametrize("number", [0, 1], ids=["python", "dask"])
def test_example_runs_as_a_script(folder: Path, number: int) -> None:
    """Each example runs as a script in a folder with captures/, and exits 0."""
    if number == 1:
        pytest.importorskip("dask.distributed")
    pytest.importorskip("pyarrow")
    script = folder / "example.py"
    script.write_text(_examples()[number], encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    if number == 1:
        assert result.stdout.strip() == "3 captures analysed, 3 tags"
    else:
        assert (folder / "estate.tags.parquet").is_file()

"""What a batch refuses before it analyses anything: paths naming nothing, Parquet to stdout."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagsig import InputError
from tagsig._batch.run import expand_captures
from tagsig._cli.main import main

from .conftest import REPO

EXAMPLE_HAR = str(REPO / "examples" / "shop.har")


def test_path_naming_nothing(tmp_path: Path) -> None:
    """A path that is no file, folder or glob names no capture."""
    missing = str(tmp_path / "absent.har")
    with pytest.raises(InputError, match="no capture found") as info:
        expand_captures([EXAMPLE_HAR, missing])
    assert info.value.path == missing


def test_parquet_to_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    """Parquet files need a file name: standard output is refused."""
    assert main(["batch", EXAMPLE_HAR, "--format", "parquet", "--output", "-"]) == 2
    assert "Parquet files cannot be written to standard output" in capsys.readouterr().err


def test_catalogue_unknown_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The catalogue in a language tagsig has no translation for is bad usage."""
    with pytest.raises(SystemExit) as info:
        main(["catalogue", "--output", str(tmp_path / "site"), "--lang", "xx"])
    assert info.value.code == 2
    assert "--lang:" in capsys.readouterr().err

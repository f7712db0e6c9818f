"""Small edges of the report's parts: long consent strings, long jars, undecodable batch files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagsig import ConsentStringError, Estate, InputError
from tagsig._compliance.consent.gpp import decode_gpp_string
from tagsig._inputs.cookies.jars import load_cookies
from tagsig._render.inspect import render_inspect


def test_gpp_string_too_long() -> None:
    """A GPP string longer than any real one is refused before it is decoded."""
    with pytest.raises(ConsentStringError, match="at most 100000 characters, found 100001"):
        decode_gpp_string("D" * 100_001)


def test_inspect_shows_twenty_cookies_of_a_jar() -> None:
    """Inspecting a jar lists its first twenty cookies and counts the rest."""
    lines = "".join(f".shop.example\tTRUE\t/\tFALSE\t0\tc{n:02d}\tv\n" for n in range(25))
    jar = load_cookies(lines.encode(), name="cookies.txt")
    text = render_inspect([], [jar])
    assert "c19" in text
    assert "c20" not in text
    assert "... 5 more" in text


def test_estate_file_not_utf8(tmp_path: Path) -> None:
    """A batch file that is not UTF-8 is refused as such, naming the file."""
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b'{"path": "a.har", "error": "\xff"}\n')
    with pytest.raises(InputError, match="expected UTF-8 text") as info:
        Estate.from_path(path)
    assert info.value.path == str(path)

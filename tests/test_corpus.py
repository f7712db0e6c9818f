"""Read every capture of the shared corpus of real files, when it is present."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from tagsig import HarError, load_har

from .conftest import CAPTURES, CORPUS, CORPUS_ENV, corpus_captures

pytestmark = [pytest.mark.corpus]
shared = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is absent")


def _files(folder: str) -> list[Path]:
    return sorted((CORPUS / folder).glob("*.har")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not os.environ.get(CORPUS_ENV), reason=f"${CORPUS_ENV} is not set")
def test_named_corpus_holds_captures() -> None:
    """A folder named by $TAGSIG_CORPUS exists and holds captures: no test skips silently."""
    assert CAPTURES.is_dir(), f"${CORPUS_ENV}={CAPTURES} is no folder"
    assert corpus_captures(), f"${CORPUS_ENV}={CAPTURES} holds no .har, .har.gz or .zip"


def _expected() -> dict[str, str]:
    path = CORPUS / "har-broken" / "EXPECTED.tsv"
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as file:
        return {row["file"]: row["expected"] for row in csv.DictReader(file, delimiter="\t")}


@pytest.mark.skipif(not corpus_captures(), reason="no corpus of captures")
@pytest.mark.parametrize("path", corpus_captures(), ids=lambda p: p.name)
def test_real_capture_reads(path: Path) -> None:
    """Every real capture reads without a fatal error and yields entries."""
    capture = load_har(path)
    assert capture.entries
    # Damage in real captures is rare: at most a few entries per file. Cookies a browser
    # ignores are reported too, and counted apart (test_ignored_set_cookie_headers_are_reported).
    damage = [str(p) for p in capture.problems if not p.message.startswith("cookie ignored")]
    assert len(damage) <= 2, damage
    assert all(entry.started.tzinfo is not None for entry in capture.entries)


@shared
@pytest.mark.parametrize("path", _files("har-broken"), ids=lambda p: p.name)
def test_broken_capture_behaves_as_expected(path: Path) -> None:
    """Each damaged file reads, reads with problems, or fails cleanly, as EXPECTED.tsv says."""
    expected = _expected()[path.name]
    if expected == "HarError":
        with pytest.raises(HarError) as info:
            load_har(path)
        assert str(info.value).startswith(str(path))
        assert "\n" not in str(info.value)
    elif expected == "read":
        capture = load_har(path)
        assert capture.entries
        assert capture.problems == ()
    elif expected == "read-with-problems":
        capture = load_har(path)
        assert capture.problems
    else:  # "HarError or read-with-problems": this reader recovers what it can
        assert load_har(path).problems


@shared
def test_corpus_cookie_evidence() -> None:
    """Splash captures carry cookies; a sanitized Chrome export is marked as such."""
    libe = CORPUS / "har" / "Lookyloo__har2tree__tests__data__libe.har"
    assert load_har(libe).has_cookie_evidence
    heroku = CORPUS / "har" / "Lookyloo__har2tree__tests__data__simple__heroku_index.har"
    assert not load_har(heroku).has_cookie_evidence


@shared
@pytest.mark.parametrize(
    ("name", "ignored"),
    [
        (
            "mrname__haralyzer__tests__data__cnn.har",
            [
                (139, "expected a Domain that the request host t.co is in, found twitter.com"),
                (140, "expected a Domain that the request host t.co is in, found twitter.com"),
                (142, "expected a Domain that the request host t.co is in, found twitter.com"),
            ],
        ),
        (
            "sitespeedio__pagexray__test__files__redirect__mytoys.de.har",
            [
                (0, "expected no control character, found '\\x01'"),
                (1, "expected no control character, found '\\x01'"),
            ],
        ),
    ],
)
def test_ignored_set_cookie_headers_are_reported(name: str, ignored: list[tuple[int, str]]) -> None:
    """Set-Cookie headers of real captures that browsers ignore are problems of their entry."""
    capture = load_har(CORPUS / "har" / name)
    found = [
        (int(p.pointer.split("/")[3]), p.message.split(": ", 1)[1])
        for p in capture.problems
        if p.pointer is not None and p.message.startswith("cookie ignored")
    ]
    assert found == ignored

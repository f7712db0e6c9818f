"""Tests of the CSV renderer and of ``Report.to_pandas``."""

from __future__ import annotations

import csv
import io
import sys

import pytest
from attrs import evolve

from tagsig import Flag, render
from tagsig._render.csv import COOKIE_COLUMNS, CSV_COLUMNS, FLAG_COLUMNS, TAG_COLUMNS

from .reports import example_report


def _rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return list(reader)


class TestCsv:
    """``render(report, "csv")`` parses back with the csv module."""

    def test_one_row_per_tag_and_cookie(self) -> None:
        """Each tag has a row, followed by a row per cookie."""
        report = example_report()
        rows = _rows(render(report, "csv"))
        assert [r["tag_id"] for r in rows if r["record"] == "tag"] == [t.id for t in report.tags]
        cookies = [r for r in rows if r["record"] == "cookie"]
        assert len(cookies) == sum(len(t.cookies) for t in report.tags)

    def test_values(self) -> None:
        """Numbers, booleans, flags and empty cells read back as documented."""
        report = example_report()
        rows = _rows(render(report, "csv"))
        meta = next(r for r in rows if r["record"] == "tag" and r["tag_id"] == "meta-pixel")
        tag = report.tag("meta-pixel")
        assert tag is not None
        assert int(meta["transfer_bytes"]) == tag.weight.transfer_bytes
        assert float(meta["time_ms"]) == tag.weight.time_ms
        assert (meta["consent"], meta["loaded_by"], meta["flags"], meta["flag_rules"]) == (
            "marketing",
            "google-tag-manager",
            "1",
            "before-consent",
        )
        assert meta["cookie_name"] == ""
        fr = next(r for r in rows if r["cookie_name"] == "fr")
        assert (
            fr["tag_id"],
            fr["cookie_domain"],
            fr["cookie_third_party"],
            fr["cookie_source"],
        ) == ("meta-pixel", "facebook.com", "true", "jar")
        assert fr["requests"] == ""

    def test_quoting(self) -> None:
        """Commas, quotes and newlines inside values survive the round trip."""
        report = example_report()
        tag = next(t for t in report.tags if t.cookies)
        cookie = evolve(tag.cookies[0], name='a,"b"\nc')
        odd = evolve(report, tags=(evolve(tag, cookies=(cookie,)),))
        rows = _rows(render(odd, "csv"))
        assert rows[1]["cookie_name"] == 'a,"b"\nc'

    @pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)"])
    def test_formula_guard(self, name: str) -> None:
        """Text a spreadsheet would run as a formula is prefixed with a quote."""
        report = example_report()
        tag = next(t for t in report.tags if t.cookies)
        odd = evolve(report, tags=(evolve(tag, cookies=(evolve(tag.cookies[0], name=name),)),))
        rows = _rows(render(odd, "csv"))
        assert rows[1]["cookie_name"] == "'" + name


class TestPandas:
    """``Report.to_pandas``."""

    def test_tags(self) -> None:
        """The tags table has the documented columns and a row per tag."""
        pytest.importorskip("pandas")
        report = example_report()
        frame = report.to_pandas()
        assert tuple(frame.columns) == TAG_COLUMNS
        assert list(frame["tag_id"]) == [t.id for t in report.tags]
        assert int(frame["transfer_bytes"].sum()) == sum(
            t.weight.transfer_bytes for t in report.tags
        )

    def test_cookies(self) -> None:
        """The cookies table has a row per tag cookie."""
        pytest.importorskip("pandas")
        report = example_report()
        frame = report.to_pandas("cookies")
        assert tuple(frame.columns) == COOKIE_COLUMNS
        assert len(frame) == sum(len(t.cookies) for t in report.tags)

    def test_flags(self) -> None:
        """The flags table has a row per flag: the site's (no tag), then each tag's."""
        pytest.importorskip("pandas")
        site = Flag(rule="unknown-third-party", severity="low", message="unknown host")
        report = evolve(example_report(), flags=(site,))
        frame = report.to_pandas("flags")
        assert tuple(frame.columns) == FLAG_COLUMNS
        tag_flags = [(t.id, f.rule) for t in report.tags for f in t.flags]
        assert len(frame) == len(report.flags) + len(tag_flags)
        rows = list(zip(frame["tag_id"], frame["rule"], strict=True))
        assert rows[len(report.flags) :] == tag_flags
        assert frame["tag_id"].isna().tolist() == [True] + [False] * len(tag_flags)
        assert rows[0][1] == "unknown-third-party"
        assert frame["evidence"].tolist() == [0] + [
            len(f.evidence) for t in report.tags for f in t.flags
        ]

    def test_unknown_table(self) -> None:
        """An unknown table name is a ValueError."""
        with pytest.raises(ValueError, match="expected a table among 'tags', 'cookies'"):
            example_report().to_pandas("pages")  # type: ignore[arg-type]

    def test_missing_pandas(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without pandas the ImportError names the extra to install."""
        monkeypatch.setitem(sys.modules, "pandas", None)
        with pytest.raises(ImportError, match=r"pip install 'tagsig\[pandas\]'"):
            example_report().to_pandas()

"""Tests of the typed estate: batch lines as records, tables, Parquet files and fsspec URLs."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tagsig import CaptureRecord, Estate, InputError, Report, render
from tagsig._batch.run import expand_captures, run_batch
from tagsig._cli.main import main
from tagsig._render.csv import COOKIE_COLUMNS, FLAG_COLUMNS, TAG_COLUMNS
from tagsig._render.estate_tables import CAPTURE_COLUMNS, estate_columns

from .builders import entry, har

GTM = "https://www.googletagmanager.com/gtm.js?id=GTM-ABC"
PIXEL = "https://connect.facebook.net/en_US/fbevents.js"
# Meta's pixel setting _fbp gives a cookie row and, before any consent, flags.
PIXEL_COOKIE = ("Set-Cookie", "_fbp=fb.1.1.1; Domain=facebook.net; Max-Age=7776000")
TABLES = ("captures", "tags", "cookies", "flags")


def _captures() -> dict[str, bytes]:
    return {
        "a.har": har(entry(GTM, transfer=1000)),
        "b.har": har(
            entry(GTM, transfer=2000), entry(PIXEL, transfer=500, response_headers=[PIXEL_COOKIE])
        ),
        "broken.har": b"{not json",
    }


@pytest.fixture
def estate_dir(tmp_path: Path) -> Path:
    """Return a folder of two captures and a broken one."""
    folder = tmp_path / "estate"
    folder.mkdir()
    for name, data in _captures().items():
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture
def estate(estate_dir: Path) -> Estate:
    """Return the estate of the folder, analysed in this process."""
    return Estate.from_lines(run_batch(expand_captures([str(estate_dir)])))


class TestRecords:
    """One typed record per capture."""

    def test_reports_and_errors(self, estate: Estate, estate_dir: Path) -> None:
        """Analysed captures carry their Report, failed ones their error, in batch order."""
        assert [Path(r.path).name for r in estate.records] == ["a.har", "b.har", "broken.har"]
        assert [r.is_analyzed for r in estate.records] == [True, True, False]
        report = estate.records[1].report
        assert isinstance(report, Report)
        assert {t.id for t in report.tags} == {"google-tag-manager", "meta-pixel"}
        assert [c.name for t in report.tags for c in t.cookies] == ["_fbp"]
        assert estate.errors == ((str(estate_dir / "broken.har"), estate.records[2].error),)
        assert "broken.har" in (estate.records[2].error or "")
        assert [p for p, _ in estate.reports] == [r.path for r in estate.records[:2]]

    def test_report_is_the_capture_s(self, estate: Estate) -> None:
        """A record's report renders as the report of the same capture analysed directly."""
        from tagsig import analyze

        path, report = estate.reports[1]
        assert render(report, "json") == render(analyze(path), "json")

    @pytest.mark.parametrize(
        ("line", "message"),
        [
            ({"report": {}}, "found no path"),
            ({"path": "x.har"}, 'with a "report" object or an "error" string'),
            ({"path": "x.har", "report": [], "error": None}, '"report" object'),
            ({"path": "x.har", "report": {"schema_version": 1}, "error": "both"}, '"report"'),
        ],
    )
    def test_not_a_line(self, line: dict[str, object], message: str) -> None:
        """A mapping that is no batch line is an InputError."""
        with pytest.raises(InputError, match=message):
            CaptureRecord.from_line(line)

    @settings(max_examples=80)
    @given(
        st.dictionaries(
            st.sampled_from(["path", "report", "error", "x"]),
            st.none()
            | st.booleans()
            | st.integers()
            | st.text(max_size=5)
            | st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
            max_size=4,
        )
    )
    def test_any_mapping_is_a_record_or_an_input_error(self, line: dict[str, object]) -> None:
        """Whatever a line holds, reading it gives a record or an InputError."""
        try:
            record = CaptureRecord.from_line(line)
        except InputError:
            return
        assert record.path == line["path"]
        assert record.error == line["error"]

    def test_report_breaking_the_schema(self) -> None:
        """A line's report is validated; the error names the line and the pointer."""
        line = {"path": "x.har", "report": {"schema_version": 1, "tags": []}}
        with pytest.raises(InputError) as info:
            Estate.from_lines([line])
        assert str(info.value).startswith("<line 1> (x.har): expected a report as")

    def test_trusted_lines(self, estate: Estate, estate_dir: Path) -> None:
        """Lines read without validation give the same records; a bad one is not checked."""
        lines = list(run_batch(expand_captures([str(estate_dir)])))
        trusted = Estate.from_lines(lines, validate=False)
        assert [render(r, "json") for _, r in trusted.reports] == [
            render(r, "json") for _, r in estate.reports
        ]
        report = lines[0]["report"]
        assert isinstance(report, dict)
        report["warnings"] = [{"code": "BAD CODE", "message": "m", "input": None}]
        assert Estate.from_lines(lines, validate=False).records[0].report is not None
        with pytest.raises(InputError, match="/warnings/0/code"):
            Estate.from_lines(lines)

    def test_from_path(self, estate_dir: Path, tmp_path: Path) -> None:
        """The JSON Lines file of tagsig batch reads back as the same estate."""
        output = tmp_path / "lines.jsonl"
        assert main(["batch", str(estate_dir), "--jobs", "1", "--output", str(output)]) == 0
        read = Estate.from_path(output)
        direct = Estate.from_lines(run_batch(expand_captures([str(estate_dir)])))
        assert [(r.path, r.error) for r in read.records] == [
            (r.path, r.error) for r in direct.records
        ]
        assert [render(r, "json") for _, r in read.reports] == [
            render(r, "json") for _, r in direct.reports
        ]

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (
                '{"path": "a.har", "error": "x"}\n[1]\n',
                "b.jsonl:2: expected a JSON object, found list",
            ),
            ('{"path": "a.har", "error": "x"}\n\n{oops\n', "b.jsonl:3: expected a JSON object on"),
        ],
    )
    def test_from_path_bad_line(self, tmp_path: Path, text: str, message: str) -> None:
        """A line that is not a JSON object is refused with its line number."""
        path = tmp_path / "b.jsonl"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=message):
            Estate.from_path(path)

    def test_from_path_missing(self, tmp_path: Path) -> None:
        """A batch file that cannot be read is an InputError."""
        with pytest.raises(InputError, match="expected a readable batch file"):
            Estate.from_path(tmp_path / "none.jsonl")


class TestPandas:
    """``Estate.to_pandas``: one row per (capture, tag), (capture, cookie), (capture, flag)."""

    @pytest.mark.parametrize(
        ("table", "columns"),
        [("tags", TAG_COLUMNS), ("cookies", COOKIE_COLUMNS), ("flags", FLAG_COLUMNS)],
    )
    def test_rows_per_capture(self, estate: Estate, table: str, columns: tuple[str, ...]) -> None:
        """Each table is the capture column, then the report's table, capture by capture."""
        pd = pytest.importorskip("pandas")
        frame = estate.to_pandas(table)  # type: ignore[arg-type]
        assert tuple(frame.columns) == ("capture", *columns)
        assert len(frame) > 0
        parts = []
        for path, report in estate.reports:
            part = report.to_pandas(table)  # type: ignore[arg-type]
            part.insert(0, "capture", path)
            parts.append(part)
        expected = pd.concat(parts, ignore_index=True)
        assert frame.astype(str).values.tolist() == expected.astype(str).values.tolist()

    def test_tags(self, estate: Estate) -> None:
        """Google Tag Manager has one row in each capture that loads it."""
        pytest.importorskip("pandas")
        frame = estate.to_pandas("tags")
        rows = frame[frame["tag_id"] == "google-tag-manager"]
        assert [Path(p).name for p in rows["capture"]] == ["a.har", "b.har"]
        assert rows["transfer_bytes"].tolist() == [1000, 2000]

    def test_captures(self, estate: Estate) -> None:
        """The captures table has every capture, the failed one with its error."""
        pytest.importorskip("pandas")
        frame = estate.to_pandas("captures")
        assert tuple(frame.columns) == CAPTURE_COLUMNS
        assert frame["tags"].tolist()[:2] == [1, 2]
        assert frame["error"].isna().tolist() == [True, True, False]

    def test_unknown_table(self, estate: Estate) -> None:
        """An unknown table is a ValueError naming the four."""
        with pytest.raises(ValueError, match="expected a table among 'captures', 'tags'"):
            estate.to_pandas("pages")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="found 'pages'"):
            estate_columns("pages")

    def test_missing_pandas(self, estate: Estate, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without pandas the ImportError names the method and the extra."""
        monkeypatch.setitem(sys.modules, "pandas", None)
        with pytest.raises(ImportError, match=r"Estate.to_pandas\(\) needs pandas"):
            estate.to_pandas()


class TestParquet:
    """The estate's tables as Parquet files."""

    def test_files_match_the_frames(self, estate: Estate, tmp_path: Path) -> None:
        """Each table's file holds the rows of to_pandas, with one fixed type per column."""
        pd = pytest.importorskip("pandas")
        pq = pytest.importorskip("pyarrow.parquet")
        paths = estate.to_parquet(tmp_path / "estate.parquet")
        assert [Path(p).name for p in paths] == [f"estate.{t}.parquet" for t in TABLES]
        for table, path in zip(TABLES, paths, strict=True):
            frame = pd.read_parquet(path)
            expected = estate.to_pandas(table)  # type: ignore[arg-type]
            assert list(frame.columns) == list(expected.columns)
            assert frame.astype(str).values.tolist() == expected.astype(str).values.tolist()
        schema = pq.read_schema(paths[2])
        assert str(schema.field("cookie_lifetime_days").type) == "double"
        assert str(schema.field("cookie_secure").type) == "bool"
        assert str(pq.read_schema(paths[1]).field("transfer_bytes").type) == "int64"
        assert not list(tmp_path.glob("*.part"))

    def test_empty_tables_have_their_columns(self, tmp_path: Path) -> None:
        """An estate without cookies still writes a cookies file with typed columns."""
        pq = pytest.importorskip("pyarrow.parquet")
        paths = Estate(records=(CaptureRecord(path="x.har", error="bad"),)).to_parquet(
            tmp_path / "e"
        )
        table = pq.read_table(paths[2])
        assert table.num_rows == 0
        assert table.schema.names == ["capture", *COOKIE_COLUMNS]
        assert pq.read_table(paths[0]).to_pylist()[0]["error"] == "bad"

    def test_missing_pyarrow(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without pyarrow the InputError names the extra."""
        monkeypatch.setitem(sys.modules, "pyarrow", None)
        with pytest.raises(InputError, match=r"pip install 'tagsig\[parquet\]'"):
            Estate(records=()).to_parquet(tmp_path / "e.parquet")

    def test_command_without_pyarrow(
        self,
        estate_dir: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """Without pyarrow the batch command exits 2 with one line naming the extra."""
        monkeypatch.setitem(sys.modules, "pyarrow", None)
        output = tmp_path / "out.parquet"
        assert main(["batch", str(estate_dir), "--jobs", "1", "--output", str(output)]) == 2
        err = capsys.readouterr().err
        assert err == (
            f"tagsig: error: {output}: writing Parquet needs pyarrow, which is not "
            "installed; install the extra: pip install 'tagsig[parquet]'\n"
        )
        assert list(tmp_path.iterdir()) == [estate_dir]

    def test_unwritable(self, tmp_path: Path) -> None:
        """A folder that does not exist is an InputError naming the file."""
        pytest.importorskip("pyarrow")
        with pytest.raises(InputError, match="cannot write the file"):
            Estate(records=()).to_parquet(tmp_path / "no" / "e.parquet")

    @pytest.mark.parametrize(
        "arguments",
        [["--output", "{dir}/out.parquet"], ["--output", "{dir}/out", "--format", "parquet"]],
    )
    def test_command(
        self,
        estate_dir: Path,
        tmp_path: Path,
        arguments: list[str],
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """The batch command writes the four tables for an output ending in .parquet."""
        pd = pytest.importorskip("pandas")
        pytest.importorskip("pyarrow")
        argv = [a.format(dir=tmp_path) for a in arguments]
        assert main(["batch", str(estate_dir), "--jobs", "2", *argv]) == 0
        assert "estate: 3 captures (2 analysed, 1 failed)" in capsys.readouterr().out
        tags = pd.read_parquet(tmp_path / "out.tags.parquet")
        assert sorted(tags["tag_id"]) == ["google-tag-manager", "google-tag-manager", "meta-pixel"]
        captures = pd.read_parquet(tmp_path / "out.captures.parquet")
        assert len(captures) == 3
        assert not (tmp_path / "out").exists()


class TestFsspec:
    """Captures named by URL, read through fsspec (its memory filesystem here)."""

    @pytest.fixture
    def bucket(self) -> Iterator[str]:
        """Return the memory:// URL of a folder holding the captures, removed afterwards."""
        fsspec = pytest.importorskip("fsspec")
        fs = fsspec.filesystem("memory")
        for name, data in _captures().items():
            fs.pipe(f"/tagsig-tests/estate/{name}", data)
        fs.pipe("/tagsig-tests/estate/notes.txt", b"not a capture")
        yield "memory://tagsig-tests/estate"
        fs.rm("/tagsig-tests", recursive=True)

    def test_expand(self, bucket: str) -> None:
        """A folder URL gives its captures' URLs, a glob those it matches, sorted."""
        assert expand_captures([bucket]) == tuple(
            f"memory:///tagsig-tests/estate/{n}" for n in ("a.har", "b.har", "broken.har")
        )
        assert expand_captures([f"{bucket}/b*.har"]) == (
            "memory:///tagsig-tests/estate/b.har",
            "memory:///tagsig-tests/estate/broken.har",
        )
        with pytest.raises(InputError, match="no capture found"):
            expand_captures([f"{bucket}/none.har"])

    def test_lines_match_local_files(self, bucket: str, estate: Estate) -> None:
        """Captures read by URL give the reports of the same files read from disk."""
        remote = Estate.from_lines(run_batch(expand_captures([bucket])))
        assert [render(r, "json").replace(p, "") for p, r in remote.reports] == [
            render(r, "json").replace(p, "") for p, r in estate.reports
        ]
        assert remote.records[2].error is not None
        assert remote.records[2].error.startswith("memory:///tagsig-tests/estate/broken.har")

    def test_missing_object(self, bucket: str) -> None:
        """An object that disappeared gives an error line, not a failed batch."""
        [line] = run_batch([f"{bucket}/gone.har"])
        assert "expected a readable HAR object" in str(line["error"])

    def test_unknown_scheme(self) -> None:
        """A scheme fsspec does not know is an InputError naming the URL."""
        pytest.importorskip("fsspec")
        with pytest.raises(InputError, match=r"nosuchscheme://x/a\.har: expected a URL fsspec"):
            expand_captures(["nosuchscheme://x/a.har"])

    def test_without_fsspec(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without fsspec the error names the extra to install."""
        monkeypatch.setitem(sys.modules, "fsspec", None)
        with pytest.raises(InputError, match=r"pip install 'tagsig\[fsspec\]'"):
            expand_captures(["s3://bucket/captures/"])

    def test_command(self, bucket: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The batch command reads a URL argument like a folder."""
        output = tmp_path / "lines.jsonl"
        assert main(["batch", bucket, "--jobs", "1", "--output", str(output)]) == 0
        lines = [json.loads(t) for t in output.read_text(encoding="utf-8").splitlines()]
        assert [line["path"].rsplit("/", 1)[1] for line in lines] == [
            "a.har",
            "b.har",
            "broken.har",
        ]
        assert "3 captures (1 failed)" in capsys.readouterr().err

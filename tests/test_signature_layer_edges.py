"""Edges of signature files and layers: cycles across files, versions, sizes, shipped data."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tagsig._exceptions import InvalidSignatureDB, SignatureError
from tagsig._inputs.source import MAX_INPUT_ENV
from tagsig._signatures import load, related_sets
from tagsig._signatures.file import read_layer
from tagsig._signatures.index import encode_layer
from tagsig._signatures.load import _load_signatures, signature_version
from tagsig._signatures.model import Organisation, SignatureDB


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _organisation(id_: str, parent: str | None = None) -> dict[str, object]:
    found: dict[str, object] = {"id": id_, "name": id_.upper(), "sources": ["curated"]}
    if parent is not None:
        found["parent"] = parent
    return found


class TestLayers:
    """What only the layers together show."""

    def test_parent_cycle_across_files(self, tmp_path: Path) -> None:
        """A later file that makes an earlier parent chain a cycle is refused."""
        first = _write(
            tmp_path / "a.json",
            {
                "schema_version": 2,
                "signatures": [],
                "organisations": [_organisation("a", "b"), _organisation("b")],
            },
        )
        second = _write(
            tmp_path / "b.json",
            {"schema_version": 2, "signatures": [], "organisations": [_organisation("b", "a")]},
        )
        with pytest.raises(InvalidSignatureDB) as excinfo:
            _load_signatures([first, second], bundled=False)
        assert excinfo.value.path == str(first)
        assert [e.message for e in excinfo.value.exceptions if isinstance(e, SignatureError)] == [
            "expected a parent chain that ends at an independent organisation, found the "
            "cycle a -> b -> a"
        ]

    def test_duplicate_organisation_ids(self) -> None:
        """A database holding one organisation id twice is refused."""
        with pytest.raises(SignatureError, match="unique organisation ids, found 'a' twice"):
            SignatureDB(
                signatures=(),
                organisations=(Organisation(id="a", name="A"), Organisation(id="a", name="A2")),
            )

    def test_disabling_layer_has_no_index(self, tmp_path: Path) -> None:
        """A layer that disables earlier entries cannot be indexed on its own."""
        path = _write(
            tmp_path / "off.json",
            {"schema_version": 1, "signatures": [{"id": "gone", "disabled": True}]},
        )
        layer = read_layer(path, schema=None)
        with pytest.raises(SignatureError, match="without disabling entries"):
            encode_layer(layer, path.read_bytes())


class TestFiles:
    """How signature files are read."""

    def test_file_past_the_input_limit(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A file larger than the input limit is refused."""
        path = _write(tmp_path / "big.json", {"schema_version": 1, "signatures": []})
        monkeypatch.setenv(MAX_INPUT_ENV, "10")
        with pytest.raises(SignatureError, match="expected at most 10 bytes"):
            _load_signatures([path], bundled=False)

    def test_file_inside_an_archive(self, tmp_path: Path) -> None:
        """A file that is no path on disk (inside a zipped package) is read as a resource."""
        archive = tmp_path / "data.zip"
        with zipfile.ZipFile(archive, "w") as out:
            out.writestr("db.json", json.dumps({"schema_version": 1, "signatures": []}))
        layer = read_layer(zipfile.Path(archive, "db.json"), schema=None)
        assert layer.signatures == ()


class TestVersion:
    """The version of the files a database was read from."""

    def _db(self, tmp_path: Path, name: str) -> tuple[SignatureDB, Path]:
        path = _write(tmp_path / name, {"schema_version": 1, "signatures": []})
        return _load_signatures([path], bundled=False), path

    def test_file_gone(self, tmp_path: Path) -> None:
        """A file removed since it was read gives no version."""
        db, path = self._db(tmp_path, "gone.json")
        path.unlink()
        assert signature_version(db) is None

    def test_file_no_longer_json(self, tmp_path: Path) -> None:
        """A file that is no JSON any more records no date."""
        db, path = self._db(tmp_path, "changed.json")
        path.write_bytes(b"not json")
        version = signature_version(db)
        assert version is not None
        assert version.date is None
        assert version.version.startswith("sha256:")
        assert version != signature_version(
            _load_signatures([self._db(tmp_path, "x.json")[1]], bundled=False)
        )

    def test_without_bundled_data(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without the shipped database, a source is read from its path."""

        def missing(name: str) -> Path:
            raise FileNotFoundError(name)

        monkeypatch.setattr(load, "data_file", missing)
        path = _write(tmp_path / "x.json", {})
        assert load._source_bytes(str(path)) == b"{}"


class TestRelatedSets:
    """The shipped Related Website Sets."""

    def test_missing(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A missing file is a SignatureError about the installation."""

        def missing(name: str) -> Path:
            raise FileNotFoundError(name)

        monkeypatch.setattr(related_sets, "data_file", missing)
        with pytest.raises(SignatureError, match="installation is incomplete"):
            related_sets.related_website_sets.__wrapped__()

    def test_not_json(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A file that is no JSON is a SignatureError."""
        broken = tmp_path / "sets.json"
        broken.write_text("{", encoding="utf-8")
        monkeypatch.setattr(related_sets, "data_file", lambda name: broken)
        with pytest.raises(SignatureError, match="Related Website Sets as JSON"):
            related_sets.related_website_sets.__wrapped__()

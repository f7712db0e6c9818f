"""Tests of what every report records about its data: the signature database's version."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tagsig import SignatureDB, analyze, load_signatures, render
from tagsig._signatures.load import signature_version

from .conftest import REPO

EXAMPLE = REPO / "examples" / "shop.har"
LAYER = {"schema_version": 1, "signatures": [{"id": "google-analytics", "disabled": True}]}


class TestSignatureVersion:
    """The version is a hash of the files' bytes, stable and specific."""

    def test_bundled_version_is_the_hash_of_its_file(self) -> None:
        """The bundled database's version derives from its bytes alone."""
        db = load_signatures()
        (source,) = db.sources
        inner = hashlib.sha256(Path(source).read_bytes()).digest()
        version = signature_version(db)
        assert version is not None
        assert version.version == "sha256:" + hashlib.sha256(inner).hexdigest()[:16]
        assert version.layers == 1

    def test_a_layer_changes_the_version(self, tmp_path: Path) -> None:
        """Layering a file gives another version, and counts the layers."""
        path = tmp_path / "custom.json"
        path.write_text(json.dumps(LAYER), encoding="utf-8")
        base, layered = (
            signature_version(load_signatures()),
            signature_version(load_signatures(path)),
        )
        assert base is not None
        assert layered is not None
        assert layered.version != base.version
        assert layered.layers == 2

    def test_date_recorded_by_a_file(self, tmp_path: Path) -> None:
        """A file that records a ``date`` gives the version its date."""
        path = tmp_path / "dated.json"
        path.write_text(json.dumps({**LAYER, "date": "2026-11-30"}), encoding="utf-8")
        version = signature_version(SignatureDB(signatures=(), sources=[path]))
        assert version is not None
        assert version.date == "2026-11-30"

    def test_in_memory_database_has_none(self) -> None:
        """A database built in memory has no version."""
        assert signature_version(SignatureDB(signatures=())) is None


def test_report_records_the_database() -> None:
    """Every analysed report records the database, and its JSON says so."""
    report = analyze(EXAMPLE)
    assert report.signatures == signature_version(load_signatures())
    data = json.loads(render(report, "json"))
    assert report.signatures is not None
    assert data["signature_database"] == {
        "version": report.signatures.version,
        "date": None,
        "layers": 1,
    }
    assert "psl_date" in data


def test_json_lists_each_tags_mistakes() -> None:
    """The JSON gives every tag the catalogue's common mistakes."""
    report = analyze(EXAMPLE)
    data = json.loads(render(report, "json"))
    intercom = report.tag("intercom")
    assert intercom is not None
    assert intercom.signature.mistakes
    (tag,) = [t for t in data["tags"] if t["id"] == "intercom"]
    assert tag["mistakes"] == list(intercom.signature.mistakes)

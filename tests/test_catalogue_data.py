"""Checks of the bundled catalogue file, independent of the look-up code."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "data" / "catalogue.json"
SCHEMA = ROOT / "data" / "catalogue.schema.json"
SIGNATURES = ROOT / "data" / "signatures.json"

EEA = frozenset(
    (
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    )
)


@functools.cache
def catalogue() -> dict[str, Any]:
    """Return the parsed catalogue file."""
    data: dict[str, Any] = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return data


@functools.cache
def signatures() -> dict[str, dict[str, Any]]:
    """Return the bundled signatures keyed by id."""
    data = json.loads(SIGNATURES.read_text(encoding="utf-8"))
    return {sig["id"]: sig for sig in data["signatures"]}


def entries() -> dict[str, dict[str, Any]]:
    """Return the catalogue entries keyed by signature id."""
    found: dict[str, dict[str, Any]] = catalogue()["entries"]
    return found


def test_matches_its_schema() -> None:
    """The catalogue validates against its JSON Schema, itself a valid 2020-12 schema."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in jsonschema.Draft202012Validator(schema).iter_errors(catalogue())
    ]
    assert errors == []


def test_schema_rejects_an_entry_without_english() -> None:
    """An overview with no English text is invalid (English is the fallback)."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    bad = {
        "schema_version": 1,
        "entries": {
            "x": {
                "overview": {"ga": "Téacs"},
                "configure": {"en": "Do this."},
                "legal_basis": [{"purpose": "analytics", "basis": "consent"}],
                "transfer": "dpf",
            }
        },
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_every_curated_signature_has_an_entry() -> None:
    """Each curated signature has catalogue prose, and every entry names a signature."""
    curated = {sid for sid, sig in signatures().items() if "curated" in sig["sources"]}
    assert len(curated) >= 200
    assert set(entries()) == curated


def test_related_and_aliases_name_known_tags() -> None:
    """Related services are ids of the database, never the entry itself."""
    for sid, entry in entries().items():
        for other in entry.get("related", []):
            assert other in signatures(), (sid, other)
            assert other != sid


def test_prose_is_written_per_tag() -> None:
    """Overviews and configuration advice are distinct sentences, not one template."""
    overviews = [e["overview"]["en"] for e in entries().values()]
    advice = [e["configure"]["en"] for e in entries().values()]
    assert len(set(overviews)) == len(overviews)
    assert len(set(advice)) > 0.9 * len(advice)
    assert all(text.endswith(".") and text[0].isupper() for text in overviews + advice)


def test_transfer_agrees_with_the_vendor() -> None:
    """An EEA vendor needs no transfer; a DPF-certified US vendor uses the DPF."""
    for sid, entry in entries().items():
        vendor = signatures()[sid]["vendor"]
        if vendor.get("country") in EEA:
            assert entry["transfer"] == "eea", sid
        elif vendor.get("country") == "US" and vendor.get("dpf"):
            assert entry["transfer"] == "dpf", sid
        else:
            assert entry["transfer"] != "eea", sid


def test_consent_purpose_has_a_basis() -> None:
    """The signature's consent purpose is among the entry's purposes, consent for marketing."""
    for sid, entry in entries().items():
        purposes = {item["purpose"]: item["basis"] for item in entry["legal_basis"]}
        consent = signatures()[sid]["consent"]
        if consent != "analytics":  # cookieless analytics rest on legitimate interests
            assert consent in purposes, sid
        if "marketing" in purposes:
            assert purposes["marketing"] == "consent", sid


def test_intercom_as_the_issue_describes_it() -> None:
    """Intercom: functional consent on the DPF; the database holds its facts."""
    intercom = entries()["intercom"]
    assert intercom["transfer"] == "dpf"
    assert {"purpose": "functional", "basis": "consent"} in intercom["legal_basis"]
    assert "ga" in intercom["overview"]
    assert "complexity" not in intercom  # the signature already says "high"


COMMON_TAGS = (
    "google-tag-manager",
    "google-analytics",
    "meta-pixel",
    "hotjar",
    "onetrust",
    "cookiebot",
    "linkedin-insight",
    "tiktok-pixel",
    "microsoft-clarity",
    "youtube-embed",
    "google-maps",
    "recaptcha",
    "stripe",
    "google-ads",
    "doubleclick",
    "facebook",
)


def test_common_tags_have_irish_text() -> None:
    """The most common tags read in Irish on an Irish page, overview and advice both."""
    for sid in COMMON_TAGS:
        assert "ga" in entries()[sid]["overview"], sid
        assert "ga" in entries()[sid]["configure"], sid


def test_irish_text_is_written_not_copied() -> None:
    """Irish prose comes with both parts, differs from the English and reads as sentences."""
    for sid, entry in entries().items():
        overview, configure = entry["overview"], entry["configure"]
        assert ("ga" in overview) == ("ga" in configure), sid
        for text in (overview, configure):
            if "ga" in text:
                assert text["ga"] != text["en"], sid
                assert text["ga"].endswith("."), sid
                assert text["ga"][0].isupper(), sid

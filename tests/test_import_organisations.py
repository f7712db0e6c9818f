"""The importer gives every signature an organisation and binds generic cookie names."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from tagsig._signatures.load import _load_signatures

ROOT = Path(__file__).resolve().parents[1]
IMPORTER = ROOT / "scripts" / "import_signatures.py"
FIXTURES = Path(__file__).parent / "fixtures" / "import"
SOURCES = ROOT.parent / "shared" / "data" / "sources"


def fixture(name: str) -> Path:
    """Return the path of an importer fixture, which must exist."""
    path = FIXTURES / name
    assert path.is_file(), path
    return path


@pytest.fixture(scope="module")
def importer() -> Any:
    """Import the importer script as a module."""
    spec = importlib.util.spec_from_file_location("import_signatures_orgs", IMPORTER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def imported(importer: Any, signature_id: str, vendor: str, hosts: list[str]) -> Any:
    """Return an imported (third-party-web) signature dict."""
    return {
        "id": signature_id,
        "name": signature_id,
        "category": "advertising",
        "consent": "marketing",
        "hosts": hosts,
        "urls": [],
        "cookies": [],
        "vendor": {"name": vendor, "country": None, "dpf": None},
        "facts": importer._empty_facts(),
        "checks": [],
        "mistakes": [],
        "sources": ["third-party-web"],
        "provenance": {},
    }


def assign(importer: Any) -> tuple[list[Any], dict[str, Any]]:
    """Assign organisations to the curated fixture plus three imported signatures."""
    psl = importer.PublicSuffixes()
    signatures = importer.load_curated(fixture("curated.json"), psl)
    signatures += [
        imported(importer, "rubric-ads", "Rubric Project", ["*.rubric-fixture.com"]),
        imported(
            importer,
            "tiny-pixel",
            "Tiny Pixel S.A.",
            ["*.tinypixel-fixture.com", "px.partner-fixture.com"],
        ),
        imported(
            importer,
            "tiny-tags",
            "Tiny Pixel SA",
            ["*.tinytags-fixture.com", "*.shop.cloudcoapps-fixture.com"],
        ),
        imported(importer, "bigco-video", "BigCo Search (BigCo Holdings)", []),
    ]
    assigner = importer.OrganisationAssigner(
        importer.read_organisations(fixture("organisations.json")), psl
    )
    organisations = assigner.assign(signatures)
    return organisations, {sig["id"]: sig for sig in signatures}


class TestOrganisations:
    """Which organisation each signature gets, and the domains organisations gain."""

    @pytest.mark.parametrize(
        ("name", "key"),
        [
            ("Vox Media, LLC", "voxmedia"),
            ("vox media", "voxmedia"),
            ("Vox-Media Inc.", "voxmedia"),
            ("Tiny Pixel S.A.", "tinypixel"),
            ("Tiny Pixel SA", "tinypixel"),
            ("Acme GmbH & Co. KG", "acme"),
            ("Co", "co"),
            ("Société Générale", "societegenerale"),
        ],
    )
    def test_key(self, importer: Any, name: str, key: str) -> None:
        """Names compare without case, punctuation or legal form."""
        assert importer.organisation_key(name) == key

    def test_assignment(self, importer: Any) -> None:
        """Own id first, then a curated name or alias, else one organisation per vendor."""
        organisations, by_id = assign(importer)
        assert by_id["cloud-lb"]["organisation"] == "cloudco"
        assert by_id["bigco-analytics"]["organisation"] == "bigco"
        assert by_id["rubric-ads"]["organisation"] == "magnum"
        assert by_id["bigco-video"]["organisation"] == "bigco"
        assert by_id["tiny-pixel"]["organisation"] == by_id["tiny-tags"]["organisation"]
        generated = {org["id"]: org for org in organisations}[by_id["tiny-pixel"]["organisation"]]
        assert generated == {
            "id": "tiny-pixel",
            "name": "Tiny Pixel S.A.",
            "sources": ["third-party-web"],
            "domains": ["tinypixel-fixture.com", "tinytags-fixture.com"],
        }
        lonely = {org["id"]: org for org in organisations}["lonely"]
        assert lonely == {
            "id": "lonely",
            "name": "Lonely GmbH",
            "country": "DE",
            "sources": ["curated"],
        }
        assert [org["id"] for org in organisations] == sorted(org["id"] for org in organisations)

    def test_vendor_filled(self, importer: Any) -> None:
        """Imported vendors take the organisation's facts; curated ones keep their own."""
        _, by_id = assign(importer)
        assert by_id["rubric-ads"]["vendor"] == {
            "name": "Magnum Inc.",
            "country": "US",
            "dpf": None,
        }
        assert by_id["bigco-analytics"]["vendor"] == {
            "name": "BigCo, LLC.",
            "country": "US",
            "dpf": True,
        }

    def test_domains(self, importer: Any) -> None:
        """Wildcard patterns of a registrable domain that nobody claims become owned."""
        organisations, _ = assign(importer)
        by_id = {org["id"]: org for org in organisations}
        assert by_id["bigco"]["domains"] == ["bigco-fixture.com", "bigco-analytics-fixture.com"]
        assert by_id["magnum"]["domains"] == ["rubric-fixture.com"]
        assert by_id["cloudco"]["domains"] == ["cloudco-fixture.com"]

    def test_named_organisation_without_file(self, importer: Any) -> None:
        """Without an organisations file, an id a curated entry names is generated."""
        psl = importer.PublicSuffixes()
        signatures = importer.load_curated(fixture("curated.json"), psl)
        signatures.append(imported(importer, "cloud-cdn", "CloudCo Inc", ["*.cloudco-fixture.com"]))
        organisations = importer.OrganisationAssigner([], psl, strict=False).assign(signatures)
        cloudco = {org["id"]: org for org in organisations}["cloudco"]
        assert cloudco == {
            "id": "cloudco",
            "name": "CloudCo, Inc.",
            "country": "US",
            "dpf": True,
            "sources": ["curated"],
            "domains": ["cloudco-fixture.com"],
        }
        assert {sig["id"]: sig["organisation"] for sig in signatures}["cloud-cdn"] == "cloudco"

    def test_unknown_named_organisation(self, importer: Any) -> None:
        """With an organisations file, naming an organisation it lacks stops the run."""
        psl = importer.PublicSuffixes()
        signatures = importer.load_curated(fixture("curated.json"), psl)
        assigner = importer.OrganisationAssigner([], psl)
        with pytest.raises(importer.InputFileError, match="'cloudco'"):
            assigner.assign(signatures)


class TestGenericCookies:
    """Generic names are bound to a domain, or dropped without one."""

    def test_curated_bound_to_own_domains(self, importer: Any) -> None:
        """A curated generic rule is bound to its signature's domains, or dropped."""
        psl = importer.PublicSuffixes()
        signatures = importer.load_curated(fixture("curated.json"), psl)
        stats = importer.bind_curated_generic(signatures, psl)
        by_id = {sig["id"]: sig for sig in signatures}
        assert by_id["bigco-analytics"]["cookies"] == [
            {"name": "_bca_id", "match": "exact"},
            {
                "name": "sid",
                "match": "exact",
                "domains": ["bigco-analytics-fixture.com", "bigco-fixture.com"],
            },
        ]
        assert by_id["lonely-widget"]["cookies"] == [{"name": "lonely_pref", "match": "exact"}]
        assert stats == {
            "curated generic cookies bound to their signature's domains": 1,
            "curated generic cookies dropped (no domain)": 1,
        }

    def test_open_cookie_database_rows(self, importer: Any) -> None:
        """A generic row is bound to its own Domain column; one without a domain is dropped."""
        psl = importer.PublicSuffixes()
        builder = importer.Builder(importer.load_curated(fixture("curated.json"), psl), psl)
        with fixture("open-cookie-database.csv").open(encoding="utf-8", newline="") as handle:
            builder.add_open_cookie_database(list(csv.DictReader(handle)))
        cookies = {c["name"]: c for c in builder.by_id["simpli"]["cookies"]}
        assert cookies["uid"]["domains"] == ["simpli-fixture.com"]
        assert "domains" not in cookies["simpli_seg"]
        assert "uuid" not in cookies
        assert builder.by_id["rubric-ads"]["cookies"][1] == {
            "name": "u",
            "match": "exact",
            "lifetime_days": 365,
            "domains": ["rubric-fixture.com"],
        }
        assert builder.stats["ocd generic cookies bound to their domain"] == 2
        assert builder.stats["ocd generic cookies dropped (no domain)"] == 1


@pytest.mark.skipif(not SOURCES.is_dir(), reason="shared source datasets are absent")
def test_deterministic_with_organisations(tmp_path: Path, importer: Any) -> None:
    """With an organisations file, two runs give the same bytes, a valid version 2 file."""
    # The curated organisations where they exist (curated entries name their ids).
    organisations = ROOT / "scripts" / "organisations.json"
    if not organisations.is_file():
        organisations = fixture("organisations.json")
    outputs = []
    for run in (1, 2):
        output = tmp_path / f"run{run}.json"
        status = importer.main(
            [
                "--curated",
                str(ROOT / "scripts" / "curated_signatures.json"),
                "--third-party-web",
                str(SOURCES / "third-party-web-entities.json"),
                "--open-cookie-database",
                str(SOURCES / "open-cookie-database.csv"),
                "--organisations",
                str(ROOT / "scripts" / "organisations.json"),
                "--output",
                str(output),
            ]
        )
        assert status == 0
        outputs.append(output.read_bytes())
    assert outputs[0] == outputs[1]
    document = json.loads(outputs[0])
    assert document["schema_version"] == 2
    # The semantic checks run; the shipped-database test covers the schema.
    db = _load_signatures([tmp_path / "run1.json"], bundled=False, schema={})
    google = db.organisation("google")
    assert google is not None
    assert db.organisation_of(db["google-analytics"]) == google
    assert db.domain_owner("www.google-analytics.com") == google
    platform = db.hosting_platform("d1234.cloudfront.net")
    assert platform is not None
    assert db.current_owner(platform.id) == db.organisation("amazon")
    assert all(db.organisation_of(signature) is not None for signature in db)

"""Checks of the bundled signature database, independent of the loader."""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any, Final

import jsonschema
import pytest
import tldextract

from tagsig import load_signatures, registrable_domain

sre_parse: Any = importlib.import_module("re._parser")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "signatures.json"
SCHEMA = ROOT / "data" / "signatures.schema.json"
CURATED = ROOT / "scripts" / "curated_signatures.json"
ORGANISATIONS = ROOT / "scripts" / "organisations.json"
IMPORTER = ROOT / "scripts" / "import_signatures.py"
SOURCES = ROOT.parent / "shared" / "data" / "sources"

# Countries where the EU-US Data Privacy Framework does not apply: the EEA and the
# countries with an EU adequacy decision. Curated entries there carry dpf = null.
# fmt: off
EEA = ("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
       "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO")
ADEQUATE = ("AD", "AR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY")
# fmt: on
NO_DPF_NEEDED = frozenset(EEA + ADEQUATE)


@functools.cache
def database() -> dict[str, Any]:
    """Return the parsed bundled database."""
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def signatures() -> list[dict[str, Any]]:
    """Return the list of signatures."""
    sigs: list[dict[str, Any]] = database()["signatures"]
    return sigs


def by_id() -> dict[str, dict[str, Any]]:
    """Return the signatures keyed by id."""
    return {sig["id"]: sig for sig in signatures()}


def curated() -> list[dict[str, Any]]:
    """Return the signatures that come from the curated list."""
    return [sig for sig in signatures() if "curated" in sig["sources"]]


@functools.cache
def psl() -> tldextract.TLDExtract:
    """Return an offline public-suffix extractor that knows the private section."""
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


def unsafe_regex(pattern: str) -> str | None:
    """Return why ``pattern`` may take super-linear time, or None when it is safe."""
    repeats = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT}

    def walk(items: Any, inside_unbounded: bool) -> str | None:
        for op, arg in items:
            if op in (sre_parse.GROUPREF, sre_parse.GROUPREF_EXISTS):
                return "backreference"
            children: list[Any] = []
            unbounded = inside_unbounded
            if op in repeats:
                _low, high, sub = arg
                if high == sre_parse.MAXREPEAT:
                    if inside_unbounded:
                        return "nested unbounded repetition"
                    unbounded = True
                children = [sub]
            elif op == sre_parse.SUBPATTERN:
                children = [arg[-1]]
            elif op == sre_parse.BRANCH:
                children = list(arg[1])
            elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
                children = [arg[1]]
            for child in children:
                reason = walk(child, unbounded)
                if reason is not None:
                    return reason
        return None

    return walk(sre_parse.parse(pattern), inside_unbounded=False)


class TestSchema:
    """The database and its schema."""

    def test_schema_is_valid(self) -> None:
        """The schema itself is a valid 2020-12 schema."""
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)

    def test_database_validates(self) -> None:
        """The bundled database validates, formats included."""
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(database())]
        assert errors == []

    def test_curated_source_validates(self) -> None:
        """The curated input file follows the same schema."""
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        curated_file = json.loads(CURATED.read_text(encoding="utf-8"))
        errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(curated_file)]
        assert errors == []

    def test_disabled_entry_shape(self) -> None:
        """A disabled entry needs only its id and may carry nothing else."""
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(schema)
        entry: dict[str, object] = {"id": "hotjar", "disabled": True}
        layer = {"schema_version": 1, "signatures": [entry]}
        assert list(validator.iter_errors(layer)) == []
        entry["name"] = "Hotjar"
        assert list(validator.iter_errors(layer)) != []

    def test_names_are_not_all_in_brackets(self) -> None:
        """Every name has text outside brackets, which the catalogue finds it by."""
        bare = [s["id"] for s in signatures() if not re.sub(r"\s*\([^)]*\)", "", s["name"]).strip()]
        assert bare == []

    def test_file_is_sorted_and_ends_with_newline(self) -> None:
        """Signatures are sorted by id and the file ends with a newline."""
        ids = [sig["id"] for sig in signatures()]
        assert ids == sorted(ids)
        assert DATA.read_bytes().endswith(b"}\n")


class TestContent:
    """Size and integrity of the content."""

    def test_ids_unique(self) -> None:
        """No two signatures share an id."""
        counts = Counter(sig["id"] for sig in signatures())
        assert [key for key, count in counts.items() if count > 1] == []

    def test_breadth(self) -> None:
        """At least 2,000 signatures recognise hosts and 1,500 cookie patterns exist."""
        with_hosts = [sig for sig in signatures() if sig["hosts"] or sig.get("urls")]
        cookies = sum(len(sig.get("cookies", [])) for sig in signatures())
        assert len(with_hosts) >= 2000
        assert cookies >= 1500

    def test_curated_entries_are_complete(self) -> None:
        """At least 150 curated entries, each with every fact and vendor field filled."""
        entries = curated()
        assert len(entries) >= 150
        for sig in entries:
            assert all(value is not None for value in sig["facts"].values()), sig["id"]
            vendor = sig["vendor"]
            assert vendor["country"] is not None, sig["id"]
            if vendor["country"] in NO_DPF_NEEDED:
                assert vendor["dpf"] is None, sig["id"]
            else:
                assert vendor["dpf"] is not None, sig["id"]
            assert sig.get("mistakes"), sig["id"]

    def test_intercom(self) -> None:
        """Intercom is described exactly as the compliance checks expect."""
        sig = by_id()["intercom"]
        assert sig["name"] == "Intercom"
        assert sig["vendor"] == {"name": "Intercom, Inc.", "country": "US", "dpf": True}
        assert sig["category"] == "chat"
        assert sig["consent"] == "functional"
        assert sig["facts"] == {
            "sets_cookies": True,
            "sends_pii": False,
            "cross_site_tracking": False,
            "complexity": "high",
            "script_kb": 250,
            "requests_per_page": 2,
        }
        cookies = {c["name"]: c for c in sig["cookies"]}
        assert {name: (c["match"], c.get("lifetime_days")) for name, c in cookies.items()} == {
            "intercom-id-": ("prefix", 270),
            "intercom-session-": ("prefix", 7),
            "intercom-device-id-": ("prefix", 270),
        }
        for host in ("*.intercom.io", "*.intercomcdn.com", "*.intercomassets.com"):
            assert host in sig["hosts"]
        assert "*.intercom-messenger.com" in sig["hosts"]
        assert sig["checks"] == ["intercom-identity-verification", "intercom-loaded-everywhere"]
        assert len(sig["mistakes"]) >= 5
        assert "curated" in sig["sources"]

    def test_well_known_ids(self) -> None:
        """The ids that other modules refer to exist."""
        expected = {
            "intercom", "google-analytics", "google-tag-manager", "google-ads", "doubleclick",
            "meta-pixel", "hotjar", "onetrust", "cookiebot", "linkedin-insight",
            "tiktok-pixel", "microsoft-clarity", "hubspot", "segment", "youtube-embed",
        }  # fmt: skip
        assert expected <= set(by_id())


class TestRecognisers:
    """Hosts, URL rules and cookie patterns."""

    def test_regexes_compile_and_are_linear(self) -> None:
        """Every regex compiles and has no backreference or nested unbounded repeat."""
        problems = []
        for sig in signatures():
            patterns = [c["name"] for c in sig.get("cookies", []) if c["match"] == "regex"]
            patterns += [u["path"] for u in sig.get("urls", []) if u["match"] == "regex"]
            for pattern in patterns:
                re.compile(pattern)
                reason = unsafe_regex(pattern)
                if reason is not None:
                    problems.append((sig["id"], pattern, reason))
        assert problems == []

    def test_unsafe_regex_detector(self) -> None:
        """The safety walker flags the constructs the loader rejects."""
        assert unsafe_regex(r"(a+)+$") == "nested unbounded repetition"
        assert unsafe_regex(r"(a)\1") == "backreference"
        assert unsafe_regex(r"ph_phc_[A-Za-z0-9]+_posthog") is None

    def test_no_host_claimed_twice(self) -> None:
        """A host pattern belongs to one signature only."""
        counts = Counter(host for sig in signatures() for host in sig["hosts"])
        assert [host for host, count in counts.items() if count > 1] == []

    def test_no_url_rule_claimed_twice(self) -> None:
        """A (host, path) URL rule belongs to one signature only."""
        counts = Counter(
            (rule["host"], rule["path"]) for sig in signatures() for rule in sig.get("urls", [])
        )
        assert [rule for rule, count in counts.items() if count > 1] == []

    def test_host_patterns_respect_public_suffixes(self) -> None:
        """No wildcard spans a public suffix, and every host has a registrable domain."""
        bad = []
        for sig in signatures():
            hosts = list(sig["hosts"]) + [
                rule["host"] for rule in sig.get("urls", []) if rule["host"] != "*"
            ]
            for host in hosts:
                parts = psl()(host.removeprefix("*."))
                if not parts.domain or not parts.suffix:
                    bad.append((sig["id"], host))
        assert bad == []

    def test_cookie_names_are_plain(self) -> None:
        """Cookie names carry no whitespace and no leftover placeholder."""
        bad = [
            (sig["id"], cookie["name"])
            for sig in signatures()
            for cookie in sig.get("cookies", [])
            if cookie["match"] != "regex"
            and (re.search(r"\s", cookie["name"]) or "*" in cookie["name"])
        ]
        assert bad == []


def _load_importer() -> Any:
    """Import the importer script as a module."""
    spec = importlib.util.spec_from_file_location("import_signatures", IMPORTER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestImporter:
    """The importer reproduces the committed file."""

    @pytest.mark.skipif(not SOURCES.is_dir(), reason="shared source datasets are absent")
    def test_deterministic_and_up_to_date(self, tmp_path: Path) -> None:
        """Two runs give identical bytes, equal to the committed database."""
        importer = _load_importer()
        outputs = []
        for run in (1, 2):
            output = tmp_path / f"run{run}.json"
            status = importer.main(
                [
                    "--curated", str(CURATED),
                    "--third-party-web", str(SOURCES / "third-party-web-entities.json"),
                    "--open-cookie-database", str(SOURCES / "open-cookie-database.csv"),
                    "--organisations", str(ORGANISATIONS),
                    "--output", str(output),
                ]
            )  # fmt: skip
            assert status == 0
            outputs.append(output.read_bytes())
        assert outputs[0] == outputs[1]
        assert outputs[0] == DATA.read_bytes()

    def test_retention_parsing(self) -> None:
        """Retention texts become days; unclear ones become None."""
        parse = _load_importer().parse_retention
        assert parse("session") == 0
        assert parse("End of session (browser)") == 0
        assert parse("2 years") == 730
        assert parse("13 months") == 390
        assert parse("30 minutes") == pytest.approx(30 / 1440, abs=1e-4)
        assert parse("1 year (in some countries, the period may be longer)") == 365
        assert parse("persistent") is None
        assert parse("60 days till 3650 days") is None
        assert parse("Unknown") is None

    def test_cookie_wildcards(self) -> None:
        """Wildcard rows become prefix, suffix or regex rules."""
        rule = _load_importer().cookie_rule
        assert rule("_ga_", wildcard=True, retention="2 years")["match"] == "prefix"
        assert rule("SSPR_*", wildcard=False, retention="")["name"] == "SSPR_"
        assert rule("*_session", wildcard=False, retention="")["match"] == "suffix"
        regex = rule("a_{id}_b", wildcard=True, retention="")
        assert regex["match"] == "regex"
        assert re.match(regex["name"], "a_123_b")
        assert rule("Site History", wildcard=False, retention="") is None


_OWNED_ELSEWHERE: Final = frozenset(
    {
        # Amazon Trust Services' roots answer OCSP through Starfield's (GoDaddy's) responder.
        ("amazon-trust-services", "o.ss2.us"),
        # Quantcast Choice is InMobi's CMP now, still served from a Quantcast host.
        ("quantcast-choice", "cmp.quantcast.com"),
        # The WordPress emoji and asset hosts of w.org serve Automattic's WordPress products.
        ("wordpress", "*.w.org"),
        ("wordpress-com-cdn", "s.w.org"),
    }
)


def test_no_signature_claims_another_companys_domain() -> None:
    """A signature's hosts lie in domains its own organisation's current owner owns.

    The imported lists put hosts under brands that do not run them (IPONWEB for
    LiveIntent's liadm.com); the curated organisations say who owns each domain.
    """
    db = load_signatures()
    owners: dict[str, str] = {}
    for organisation in db.organisations:
        if "curated" in organisation.sources:
            owners.update(dict.fromkeys(organisation.domains, organisation.id))

    def top(organisation_id: str | None) -> str | None:
        owner = db.current_owner(organisation_id) if organisation_id else None
        return owner.id if owner is not None else organisation_id

    wrong = sorted(
        (signature.id, host)
        for signature in db
        for host in signature.hosts
        if (owner := owners.get(registrable_domain(host.removeprefix("*.")))) is not None
        and top(owner) != top(signature.organisation)
        and (signature.id, host) not in _OWNED_ELSEWHERE
    )
    assert wrong == []

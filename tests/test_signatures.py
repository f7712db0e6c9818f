"""Tests for loading, layering and validating signature databases."""

from __future__ import annotations

import gc
import json
import os
import re
import weakref
from collections.abc import Iterator
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tagsig._signatures.file as signature_file_module
import tagsig._signatures.load as signatures_module
from tagsig._cli.main import main as cli_main
from tagsig._exceptions import (
    InvalidSignatureDB,
    SignatureError,
    TagsigError,
    UnsupportedSchemaError,
)
from tagsig._resources import data_file
from tagsig._signatures.cookie_names import is_generic_cookie_name
from tagsig._signatures.file import read_layer
from tagsig._signatures.load import _load_signatures, load_signatures
from tagsig._signatures.match import Matcher
from tagsig._signatures.model import (
    SUPPORTED_SCHEMA_VERSIONS,
    CookiePattern,
    Facts,
    Signature,
    SignatureDB,
    UrlPattern,
    Vendor,
)

FIXTURES = Path(__file__).parent / "fixtures" / "signatures"

_HOST = r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$"
_SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_NULLABLE_BOOL = {"type": ["boolean", "null"]}
_NULLABLE_NUMBER = {"type": ["number", "null"], "minimum": 0}
_FACTS = dict.fromkeys(
    [
        "sets_cookies",
        "sends_pii",
        "cross_site_tracking",
        "complexity",
        "script_kb",
        "requests_per_page",
    ]
)

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["schema_version", "signatures"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"type": "string"},
        "description": {"type": "string"},
        "schema_version": {"const": 1},
        "signatures": {
            "type": "array",
            "items": {
                "if": {"required": ["disabled"]},
                "then": {"$ref": "#/$defs/disabled"},
                "else": {"$ref": "#/$defs/signature"},
            },
        },
    },
    "$defs": {
        "disabled": {
            "type": "object",
            "required": ["id", "disabled"],
            "additionalProperties": False,
            "properties": {"id": {"type": "string", "pattern": _SLUG}, "disabled": {"const": True}},
        },
        "host": {"type": "string", "pattern": _HOST},
        "signature": {
            "type": "object",
            "required": [
                "id",
                "name",
                "vendor",
                "category",
                "consent",
                "hosts",
                "facts",
                "sources",
            ],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string", "pattern": _SLUG},
                "name": {"type": "string", "minLength": 1},
                "vendor": {
                    "type": "object",
                    "required": ["name"],
                    "additionalProperties": False,
                    "properties": {
                        "name": {"type": "string"},
                        "country": {"type": ["string", "null"], "pattern": "^[A-Z]{2}$"},
                        "dpf": _NULLABLE_BOOL,
                    },
                },
                "category": {"enum": sorted(signature_file_module._CATEGORIES)},
                "consent": {"enum": sorted(signature_file_module._CONSENT_PURPOSES)},
                "hosts": {"type": "array", "items": {"$ref": "#/$defs/host"}},
                "urls": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["host", "path"],
                        "additionalProperties": False,
                        "properties": {
                            "host": {"$ref": "#/$defs/host"},
                            "path": {"type": "string", "minLength": 1},
                            "match": {"enum": ["prefix", "regex"]},
                        },
                    },
                },
                "cookies": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "match"],
                        "additionalProperties": False,
                        "properties": {
                            "name": {"type": "string", "minLength": 1},
                            "match": {"enum": sorted(signature_file_module._MATCH_KINDS)},
                            "lifetime_days": _NULLABLE_NUMBER,
                        },
                    },
                },
                "facts": {
                    "type": "object",
                    "required": sorted(_FACTS),
                    "additionalProperties": False,
                    "properties": {
                        "sets_cookies": _NULLABLE_BOOL,
                        "sends_pii": _NULLABLE_BOOL,
                        "cross_site_tracking": _NULLABLE_BOOL,
                        "complexity": {"enum": ["low", "medium", "high", None]},
                        "script_kb": _NULLABLE_NUMBER,
                        "requests_per_page": _NULLABLE_NUMBER,
                    },
                },
                "checks": {"type": "array", "items": {"type": "string", "pattern": _SLUG}},
                "mistakes": {"type": "array", "items": {"type": "string"}},
                "sources": {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"enum": sorted(signature_file_module._SOURCES)},
                },
                "homepage": {"type": "string", "format": "uri"},
            },
        },
    },
}
"""A schema for format 1 written for these tests, so that they do not depend on the
wording of the shipped schema."""


def fixture(name: str) -> Path:
    """Return the path of a signature fixture, which must exist."""
    path = FIXTURES / name
    assert path.is_file(), path
    return path


def load(*names: str | Path) -> SignatureDB:
    """Load fixture files alone, validated against the test schema."""
    paths = [name if isinstance(name, Path) else fixture(name) for name in names]
    return _load_signatures(paths, bundled=False, schema=SCHEMA)


def problems(excinfo: pytest.ExceptionInfo[InvalidSignatureDB]) -> list[tuple[str, str]]:
    """Return ``(pointer, message)`` for each problem of a group."""
    found = []
    for error in excinfo.value.exceptions:
        assert isinstance(error, SignatureError)
        found.append((str(error.pointer), error.message))
    return found


def write_json(path: Path, document: object) -> Path:
    """Write ``document`` as JSON to ``path`` and return the path."""
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def signature_json(signature_id: str, **fields: Any) -> dict[str, Any]:
    """Return a minimal valid signature entry, with ``fields`` replaced."""
    entry: dict[str, Any] = {
        "id": signature_id,
        "name": signature_id.title(),
        "vendor": {"name": "Example"},
        "category": "analytics",
        "consent": "analytics",
        "hosts": [f"{signature_id}.example.com"],
        "facts": _FACTS,
        "sources": ["curated"],
    }
    entry.update(fields)
    return entry


@pytest.fixture
def clean_caches() -> Iterator[None]:
    """Forget the memoised bundled database and schema before and after a test."""
    caches = (
        signatures_module._bundled,
        signatures_module._bundled_db,
        signature_file_module._shipped_schema,
    )
    for cache in caches:
        cache.cache_clear()
    yield
    for cache in caches:
        cache.cache_clear()


@pytest.fixture
def fake_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_caches: None
) -> dict[str, Path]:
    """Ship ``valid-minimal.json`` and the test schema as the bundled data files."""
    files = {
        "signatures.json": fixture("valid-minimal.json"),
        "signatures.schema.json": write_json(tmp_path / "schema.json", SCHEMA),
    }

    def fake_data_file(name: str) -> Traversable:
        if name not in files:
            raise FileNotFoundError(name)
        return files[name]

    monkeypatch.setattr(signatures_module, "data_file", fake_data_file)
    monkeypatch.setattr(signature_file_module, "data_file", fake_data_file)
    return files


class TestLoadValid:
    """Loading files that follow the format."""

    def test_fields(self) -> None:
        """Every field is read, snake_case, into typed values with defaults filled in."""
        db = load("valid-minimal.json")
        acme = db["acme-analytics"]
        assert acme == Signature(
            id="acme-analytics",
            name="Acme Analytics",
            vendor=Vendor(name="Example Corp", country="US", dpf=True),
            category="analytics",
            consent="analytics",
            hosts=("*.acme-analytics.com", "cdn.acme.net"),
            urls=(UrlPattern(host="www.acme.com", path="/analytics/", match="prefix"),),
            cookies=(
                CookiePattern(name="_acme_id", match="exact", lifetime_days=390.0),
                CookiePattern(name="_acme_s_", match="prefix", lifetime_days=None),
                CookiePattern(name="_acme_[0-9]+$", match="regex"),
            ),
            facts=Facts(
                sets_cookies=True,
                sends_pii=False,
                cross_site_tracking=None,
                complexity="low",
                script_kb=42.5,
                requests_per_page=3.0,
            ),
            checks=("acme-ip-anonymisation",),
            mistakes=("Loading the tag before consent.",),
            sources=("curated",),
            homepage="https://acme-analytics.com/",
        )
        beta = db["beta-ads"]
        assert beta.facts == Facts()
        assert beta.urls == ()
        assert beta.homepage is None
        assert beta.sources == ("third-party-web", "open-cookie-database")

    def test_regexes_compiled(self) -> None:
        """Regex cookie patterns carry their compiled pattern; other kinds carry none."""
        cookies = load("valid-minimal.json")["acme-analytics"].cookies
        assert [c.pattern for c in cookies] == [None, None, re.compile("_acme_[0-9]+$")]

    def test_hosts_normalized(self, tmp_path: Path) -> None:
        """Host patterns are lower-cased and lose a trailing dot at load."""
        document = {
            "schema_version": 1,
            "signatures": [
                signature_json(
                    "one",
                    hosts=["ADS.Beta.COM.", "*.Beta-CDN.com"],
                    urls=[{"host": "WWW.X.com", "path": "/"}],
                )
            ],
        }
        layer = read_layer(write_json(tmp_path / "db.json", document), schema=None, validate=False)
        ((signature, pointer),) = layer.signatures
        assert signature.hosts == ("ads.beta.com", "*.beta-cdn.com")
        assert signature.urls[0].host == "www.x.com"
        assert pointer == "/signatures/0"

    def test_sorted_and_sourced(self) -> None:
        """Signatures are sorted by id and the database names its files."""
        path = fixture("valid-minimal.json")
        db = load(path)
        assert [s.id for s in db] == ["acme-analytics", "beta-ads"]
        assert db.sources == (str(path),)

    def test_no_paths_without_bundled(self) -> None:
        """No files and ``bundled=False`` give an empty database."""
        db = load_signatures(bundled=False)
        assert len(db) == 0
        assert db.sources == ()

    def test_path_like_and_str(self, tmp_path: Path) -> None:
        """Paths may be ``str`` or ``os.PathLike``."""
        path = write_json(tmp_path / "db.json", {"schema_version": 1, "signatures": []})
        assert len(_load_signatures([str(path)], bundled=False, schema=SCHEMA)) == 0

    def test_byte_order_mark(self, tmp_path: Path) -> None:
        """A UTF-8 byte order mark is accepted."""
        path = tmp_path / "bom.json"
        path.write_bytes(b"\xef\xbb\xbf" + fixture("valid-minimal.json").read_bytes())
        assert len(load(path)) == 2


class TestLoadErrors:
    """Every problem is reported with its file, pointer and an exact message."""

    def test_invalid_regex(self) -> None:
        """A regex that does not compile is an error, chained to ``re.error``."""
        path = fixture("invalid-regex.json")
        with pytest.raises(InvalidSignatureDB) as excinfo:
            load(path)
        assert excinfo.value.path == str(path)
        assert str(excinfo.value) == f"{path}: invalid signature database (2 problems)"
        assert problems(excinfo) == [
            (
                "/signatures/0/cookies/1/name",
                "expected a valid regular expression, found '_acme_(': "
                "missing ), unterminated subpattern at position 6",
            ),
            (
                "/signatures/1/urls/0/path",
                "expected a valid regular expression, found '[': unterminated character set",
            ),
        ]
        first = excinfo.value.exceptions[0]
        assert isinstance(first, SignatureError)
        assert first.path == str(path)
        assert isinstance(first.__cause__, re.error)
        assert str(first) == (
            f"{path}#/signatures/0/cookies/1/name: expected a valid regular expression, "
            "found '_acme_(': missing ), unterminated subpattern at position 6"
        )

    def test_invalid_cookie_regex_alone(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A cookie regex that does not compile is one SignatureError, and one CLI line."""
        document = {
            "schema_version": 1,
            "signatures": [
                signature_json(
                    "acme",
                    vendor={"name": "Example", "country": None, "dpf": None},
                    cookies=[{"name": "_acme_[0-9", "match": "regex"}],
                )
            ],
        }
        path = write_json(tmp_path / "db.json", document)
        with pytest.raises(InvalidSignatureDB) as excinfo:
            load(path)
        (error,) = excinfo.value.exceptions
        assert isinstance(error, SignatureError)
        assert isinstance(error.__cause__, re.error)
        message = (
            f"{path}#/signatures/0/cookies/0/name: expected a valid regular "
            "expression, found '_acme_[0-9': unterminated character set at position 6"
        )
        assert str(error) == message
        capsys.readouterr()
        code = cli_main(
            ["analyze", "--signatures", str(path), str(fixture("../har/chrome-devtools.har"))]
        )
        captured = capsys.readouterr()
        assert code == 2
        assert captured.err == f"tagsig: error: {message}\n"
        assert captured.out == ""

    def test_generic_name_check_of_a_broken_regex(self) -> None:
        """The generic-name check reports a regex that does not compile as its own error."""
        with pytest.raises(SignatureError, match=r"found '_acme_\(': missing \)") as excinfo:
            is_generic_cookie_name("_acme_(", "regex")
        assert isinstance(excinfo.value.__cause__, re.error)

    def test_ambiguous_regex(self, tmp_path: Path) -> None:
        """A regex that ``re`` warns about (FutureWarning) is refused, not warned about."""
        document = {
            "schema_version": 1,
            "signatures": [signature_json("one", cookies=[{"name": "[[a]", "match": "regex"}])],
        }
        with pytest.raises(InvalidSignatureDB) as excinfo:
            load(write_json(tmp_path / "db.json", document))
        assert problems(excinfo) == [
            (
                "/signatures/0/cookies/0/name",
                "expected an unambiguous regular expression, found '[[a]': "
                "Possible nested set at position 1",
            )
        ]
        assert isinstance(excinfo.value.exceptions[0].__cause__, FutureWarning)

    def test_catastrophic_regex(self) -> None:
        """Regexes that could backtrack for super-linear time are rejected."""
        with pytest.raises(InvalidSignatureDB) as excinfo:
            load("catastrophic-regex.json")
        prefix = "expected a regular expression that runs in linear time, found "
        assert problems(excinfo) == [
            (
                "/signatures/0/cookies/0/name",
                f"{prefix}'(a+)+$', which contains a repeat nested inside an unbounded repeat",
            ),
            (
                "/signatures/1/cookies/0/name",
                f"{prefix}'(a*)*b', which contains a repeat nested inside an unbounded repeat",
            ),
            (
                "/signatures/2/cookies/0/name",
                f"{prefix}'(a|aa)+c', which contains an alternation inside an unbounded repeat",
            ),
            ("/signatures/3/cookies/0/name", f"{prefix}'(x)\\\\1', which contains a backreference"),
            (
                "/signatures/4/urls/0/path",
                f"{prefix}'/(?=p)', which contains a lookaround assertion",
            ),
        ]

    def test_duplicate_id(self) -> None:
        """Two entries with one id in a file are an error at the second."""
        with pytest.raises(InvalidSignatureDB) as excinfo:
            load("duplicate-id.json")
        assert problems(excinfo) == [
            (
                "/signatures/2/id",
                "expected unique signature ids, found 'acme' again (first at /signatures/0)",
            )
        ]

    def test_duplicate_host(self) -> None:
        """Two signatures of one file claiming one host pattern are an error."""
        with pytest.raises(InvalidSignatureDB) as excinfo:
            load("duplicate-host.json")
        assert problems(excinfo) == [
            (
                "/signatures/1/hosts/0",
                "expected each host pattern in one signature, found 'shared.com' "
                "also claimed by 'acme' (at /signatures/0/hosts/0)",
            )
        ]

    def test_missing_name(self) -> None:
        """A schema violation names the entry and the rule broken."""
        with pytest.raises(InvalidSignatureDB) as excinfo:
            load("missing-name.json")
        assert problems(excinfo) == [
            ("/signatures/1", "schema violation (required): 'name' is a required property")
        ]

    def test_public_suffix_wildcard(self) -> None:
        """``*.`` before an ICANN or private public suffix is rejected; deeper ones pass."""
        with pytest.raises(InvalidSignatureDB) as excinfo:
            load("public-suffix-wildcard.json")
        message = (
            "expected a host pattern under a registrable domain, found {!r}, "
            "which covers every site under the public suffix {!r}"
        )
        assert problems(excinfo) == [
            ("/signatures/0/hosts/0", message.format("*.co.uk", "co.uk")),
            ("/signatures/1/hosts/0", message.format("*.github.io", "github.io")),
            ("/signatures/1/urls/0/host", message.format("*.com", "com")),
        ]

    def test_wrong_schema_version(self) -> None:
        """An unknown ``schema_version`` raises UnsupportedSchemaError alone, not a group."""
        path = fixture("wrong-schema-version.json")
        with pytest.raises(UnsupportedSchemaError) as excinfo:
            load(path)
        assert excinfo.value.pointer == "/schema_version"
        assert excinfo.value.path == str(path)
        assert excinfo.value.message == (
            "expected schema_version 1, 2, found 3; this tagsig cannot read that format"
        )
        assert SUPPORTED_SCHEMA_VERSIONS == (1, 2)

    @pytest.mark.parametrize(
        ("document", "pointer", "message"),
        [
            ({"signatures": []}, None, "expected a 'schema_version' member, found none"),
            (
                {"schema_version": "1", "signatures": []},
                "/schema_version",
                "expected an integer schema_version, found '1'",
            ),
            (
                {"schema_version": True, "signatures": []},
                "/schema_version",
                "expected an integer schema_version, found True",
            ),
        ],
    )
    def test_schema_version_shape(
        self, tmp_path: Path, document: object, pointer: str | None, message: str
    ) -> None:
        """A missing or non-integer ``schema_version`` is a plain SignatureError."""
        path = write_json(tmp_path / "db.json", document)
        with pytest.raises(SignatureError) as excinfo:
            load(path)
        assert not isinstance(excinfo.value, UnsupportedSchemaError)
        assert (excinfo.value.pointer, excinfo.value.message) == (pointer, message)

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (
                b'{"schema_version": 1, "signatures": [\n',
                "expected JSON, found a syntax error: Expecting value (line 2 column 1)",
            ),
            (b"[]", "expected a JSON object at the top level, found an array"),
            (b"null", "expected a JSON object at the top level, found null"),
            (b"12", "expected a JSON object at the top level, found the number 12"),
            (b'{"a": \xff}', "expected UTF-8 JSON, found byte 0xff at offset 6"),
            (b'{"a": NaN}', "expected JSON, found expected a JSON number, found 'NaN'"),
            (b"[" * 100_000, "expected JSON, found maximum recursion depth exceeded"),
        ],
    )
    def test_not_a_database(self, tmp_path: Path, content: bytes, message: str) -> None:
        """Unreadable content is a single SignatureError naming the file, chained."""
        path = tmp_path / "db.json"
        path.write_bytes(content)
        with pytest.raises(SignatureError) as excinfo:
            load(path)
        assert excinfo.value.message.startswith(message)
        assert excinfo.value.path == str(path)
        assert excinfo.value.pointer is None

    def test_not_json_fixture(self) -> None:
        """The ``not-json.json`` fixture is reported as a syntax error, chained."""
        with pytest.raises(SignatureError) as excinfo:
            load("not-json.json")
        assert isinstance(excinfo.value.__cause__, json.JSONDecodeError)

    def test_missing_file(self, tmp_path: Path) -> None:
        """A file that cannot be read is a SignatureError chained to the OSError."""
        path = tmp_path / "absent.json"
        with pytest.raises(SignatureError) as excinfo:
            load(path)
        assert excinfo.value.message == (
            "expected a readable signature database, found FileNotFoundError: "
            "No such file or directory"
        )
        assert excinfo.value.path == str(path)
        assert isinstance(excinfo.value.__cause__, FileNotFoundError)

    def test_every_problem_at_once(self, tmp_path: Path) -> None:
        """Schema violations and semantic problems of all entries come in one group."""
        document = {
            "schema_version": 1,
            "signatures": [
                signature_json("one", category="spyware"),
                signature_json("two", cookies=[{"name": "(", "match": "regex"}]),
                signature_json("one"),
                signature_json("three", hosts=["*.co.uk"]),
            ],
        }
        with pytest.raises(InvalidSignatureDB) as excinfo:
            load(write_json(tmp_path / "db.json", document))
        assert [pointer for pointer, _ in problems(excinfo)] == [
            "/signatures/0/category",
            "/signatures/1/cookies/0/name",
            "/signatures/2/id",
            "/signatures/3/hosts/0",
        ]

    def test_top_level_schema_violation(self, tmp_path: Path) -> None:
        """A violation outside the signatures stops before the entries are built."""
        path = write_json(tmp_path / "db.json", {"schema_version": 1, "signatures": {}})
        with pytest.raises(InvalidSignatureDB) as excinfo:
            load(path)
        assert problems(excinfo) == [
            ("/signatures", "schema violation (type): {} is not of type 'array'")
        ]

    def test_except_star(self) -> None:
        """Problems can be handled one by one with ``except*``."""
        seen: list[str | None] = []
        try:
            load("duplicate-id.json")
        except* SignatureError as group:
            seen.extend(e.pointer for e in group.exceptions if isinstance(e, SignatureError))
        assert seen == ["/signatures/2/id"]


class TestLayering:
    """Later files replace, remove and add entries, and take hosts over."""

    def test_override(self) -> None:
        """An entry with an existing id replaces it; new ids are added."""
        db = load("valid-minimal.json", "layer-override.json")
        assert [s.id for s in db] == ["acme-analytics", "beta-ads", "gamma"]
        assert db["acme-analytics"].name == "Acme Analytics Override"
        assert db["acme-analytics"].cookies == ()

    def test_host_taken_over(self) -> None:
        """A host claimed by a later layer moves to that layer's signature."""
        db = load("valid-minimal.json", "layer-override.json")
        assert db["gamma"].hosts == ("cdn.acme.net", "gamma.com")
        assert db["acme-analytics"].hosts == ("*.acme-analytics.com", "acme.io")
        assert Matcher.compile(db).match_host("cdn.acme.net") == db["gamma"]

    def test_host_taken_from_untouched_signature(self, tmp_path: Path) -> None:
        """A signature not replaced by the later layer loses only the host taken over."""
        layer = {"schema_version": 1, "signatures": [signature_json("new", hosts=["ads.beta.com"])]}
        db = load("valid-minimal.json", write_json(tmp_path / "layer.json", layer))
        assert db["beta-ads"].hosts == ("*.beta-cdn.com",)
        assert Matcher.compile(db).match_host("ads.beta.com") == db["new"]

    def test_disable(self) -> None:
        """A disabling entry removes the id from earlier layers."""
        db = load("valid-minimal.json", "layer-disable.json")
        assert [s.id for s in db] == ["acme-analytics"]
        assert Matcher.compile(db).match_host("ads.beta.com") is None

    def test_disable_unknown(self) -> None:
        """Disabling an id no earlier layer defines is an error in the disabling file."""
        path = fixture("layer-disable-unknown.json")
        with pytest.raises(InvalidSignatureDB) as excinfo:
            load("valid-minimal.json", path)
        assert excinfo.value.path == str(path)
        assert problems(excinfo) == [
            (
                "/signatures/0/id",
                "expected to disable a signature of an earlier layer, found no 'nope'",
            )
        ]

    def test_disable_with_extra_keys(self, tmp_path: Path) -> None:
        """A disabling entry carries only ``id`` and ``disabled`` (checked without schema)."""
        path = write_json(
            tmp_path / "db.json",
            {"schema_version": 1, "signatures": [{"id": "x", "disabled": True, "name": "X"}]},
        )
        with pytest.raises(InvalidSignatureDB) as excinfo:
            read_layer(path, schema=None, validate=False)
        assert problems(excinfo) == [
            (
                "/signatures/0",
                "expected only 'id' and 'disabled' in a disabling entry, found ['name']",
            )
        ]


class TestBundled:
    """The bundled database: read once, layered under custom files."""

    def test_bundled_alone(self, fake_data: dict[str, Path]) -> None:
        """No paths give the bundled database, the same object every time."""
        db = load_signatures()
        assert [s.id for s in db] == ["acme-analytics", "beta-ads"]
        assert db.sources == (str(fake_data["signatures.json"]),)
        assert load_signatures() is db
        assert Matcher.compile(load_signatures()).signatures == db.signatures

    def test_layered_on_bundled(self, fake_data: dict[str, Path]) -> None:
        """Custom files are validated with the shipped schema and layered on the bundle."""
        db = load_signatures(fixture("layer-disable.json"))
        assert [s.id for s in db] == ["acme-analytics"]
        assert db.sources == (
            str(fake_data["signatures.json"]),
            str(fixture("layer-disable.json")),
        )
        with pytest.raises(InvalidSignatureDB):
            load_signatures(fixture("missing-name.json"))

    def test_bundled_missing(self, monkeypatch: pytest.MonkeyPatch, clean_caches: None) -> None:
        """A missing bundled database is a SignatureError, not FileNotFoundError."""

        def no_data_file(name: str) -> Traversable:
            raise FileNotFoundError(name)

        monkeypatch.setattr(signatures_module, "data_file", no_data_file)
        monkeypatch.setattr(signature_file_module, "data_file", no_data_file)
        with pytest.raises(SignatureError) as excinfo:
            load_signatures()
        assert excinfo.value.message == (
            "expected the bundled signature database 'signatures.json', found none "
            "(the installation is incomplete)"
        )
        with pytest.raises(SignatureError) as excinfo:
            load_signatures(fixture("valid-minimal.json"), bundled=False)
        assert excinfo.value.message == (
            "expected the signature schema 'signatures.schema.json', found none "
            "(the installation is incomplete)"
        )

    def test_bundled_not_schema_checked(self, tmp_path: Path) -> None:
        """Without validation, malformed entries still become errors, never crashes."""
        document = {
            "schema_version": 1,
            "signatures": [
                signature_json("one", category="spyware"),
                signature_json("two", facts={"script_kb": "big"}),
                signature_json("three", cookies=[{"name": 3}]),
                signature_json("four", urls=[{"host": "x.com", "path": None}]),
                signature_json("five", hosts=[None]),
                {"id": 5},
                "six",
                signature_json("seven", cookies=[{"name": "(a+)+", "match": "regex"}]),
            ],
        }
        with pytest.raises(InvalidSignatureDB) as excinfo:
            read_layer(write_json(tmp_path / "db.json", document), schema=None, validate=False)
        assert problems(excinfo) == [
            (
                "/signatures/0",
                'expected a well-formed signature, found an error: ValueError("expected a '
                "category in ['ab-testing', 'advertising', 'analytics', 'cdn', 'chat', "
                "'consent', 'content', 'customer-success', 'fonts', 'hosting', 'marketing', "
                "'monitoring', 'other', 'payments', 'personalization', 'security', "
                "'session-replay', 'social', 'tag-manager', 'utility', 'video'], "
                "found 'spyware'\")",
            ),
            (
                "/signatures/1",
                "expected a well-formed signature, found an error: "
                "TypeError(\"expected a number or null, found 'big'\")",
            ),
            (
                "/signatures/2",
                "expected a well-formed signature, found an error: "
                "TypeError('expected a cookie name string, found 3')",
            ),
            (
                "/signatures/3",
                "expected a well-formed signature, found an error: "
                "TypeError('expected a path string, found None')",
            ),
            (
                "/signatures/4",
                "expected a well-formed signature, found an error: "
                "TypeError('expected a host pattern string, found None')",
            ),
            (
                "/signatures/5",
                "expected a well-formed signature, found an error: "
                "TypeError('expected a string id, found 5')",
            ),
            ("/signatures/6", "expected a signature object, found a string"),
        ]

    def test_semantic_checks_without_schema_rules(self, tmp_path: Path) -> None:
        """With a schema that accepts anything, the semantic checks still run."""
        document = {
            "schema_version": 1,
            "signatures": [signature_json("one", hosts=["*..", "*.a.co.uk", "*.UK."])],
        }
        with pytest.raises(InvalidSignatureDB) as excinfo:
            read_layer(write_json(tmp_path / "db.json", document), schema={}, validate=True)
        message = (
            "expected a host pattern under a registrable domain, found {!r}, "
            "which covers every site under the public suffix {!r}"
        )
        assert problems(excinfo) == [
            ("/signatures/0/hosts/0", message.format("*..", "")),
            ("/signatures/0/hosts/2", message.format("*.UK.", "uk")),
        ]
        path = write_json(tmp_path / "db.json", {"schema_version": 1})
        with pytest.raises(InvalidSignatureDB) as excinfo:
            read_layer(path, schema={}, validate=True)
        assert problems(excinfo) == [("/signatures", "expected an array of signatures, found null")]

    def test_deep_nesting_for_the_schema(self, tmp_path: Path) -> None:
        """JSON too deep for schema validation is a SignatureError, not RecursionError."""
        path = tmp_path / "db.json"
        path.write_text('{"schema_version": 1, "signatures": [' + "[" * 900 + "]" * 901 + "}")
        nested = {
            "$defs": {"nested": {"items": {"$ref": "#/$defs/nested"}}},
            "properties": {"signatures": {"$ref": "#/$defs/nested"}},
        }
        with pytest.raises(SignatureError) as excinfo:
            read_layer(path, schema=nested, validate=True)
        assert excinfo.value.message == "expected JSON nested less deeply"
        assert isinstance(excinfo.value.__cause__, RecursionError)

    def test_bundled_signatures_not_a_list(self, tmp_path: Path) -> None:
        """Without validation, a non-array ``signatures`` is still reported."""
        path = write_json(tmp_path / "db.json", {"schema_version": 1, "signatures": None})
        with pytest.raises(InvalidSignatureDB) as excinfo:
            read_layer(path, schema=None, validate=False)
        assert problems(excinfo) == [("/signatures", "expected an array of signatures, found null")]

    def test_shipped_database(self, clean_caches: None) -> None:
        """The shipped database, when present, loads and passes every check."""
        try:
            resource = data_file("signatures.json")
            data_file("signatures.schema.json")
        except FileNotFoundError:
            pytest.skip("data/signatures.json or its schema is not written yet")
        layer = read_layer(resource, schema=None, validate=True)
        db = load_signatures()
        assert len(db) == len(layer.signatures)
        assert isinstance(Matcher.compile(db), Matcher)

    @pytest.mark.parametrize(
        "name",
        [
            "valid-minimal.json",
            "layer-override.json",
            "layer-disable.json",
            "missing-name.json",
            "duplicate-id.json",
            "invalid-regex.json",
        ],
    )
    def test_shipped_schema_agrees(self, name: str, clean_caches: None) -> None:
        """The shipped schema, when present, accepts and rejects the fixtures as ours does."""
        try:
            data_file("signatures.schema.json")
        except FileNotFoundError:
            pytest.skip("data/signatures.schema.json is not written yet")
        path = fixture(name)
        try:
            load(path)
        except InvalidSignatureDB:
            with pytest.raises(InvalidSignatureDB):
                _load_signatures([path], bundled=False)
        else:
            _load_signatures([path], bundled=False)


class TestSignatureDB:
    """The database container."""

    @pytest.fixture
    def db(self) -> SignatureDB:
        """Return the valid minimal database."""
        return load("valid-minimal.json")

    def test_lookup(self, db: SignatureDB) -> None:
        """``get``, ``[]``, ``in``, ``len`` and iteration work by id."""
        assert db.get("beta-ads") is db["beta-ads"]
        assert db.get("nope") is None
        assert "beta-ads" in db
        assert "nope" not in db
        assert 3 not in db
        assert len(db) == 2
        assert list(db) == list(db.signatures)
        with pytest.raises(KeyError, match="nope"):
            db["nope"]

    def test_matcher_compiled_once(self, db: SignatureDB, monkeypatch: pytest.MonkeyPatch) -> None:
        """``Matcher.compile`` builds once per database; another database gets its own."""
        builds: list[int] = []
        build = Matcher.from_signatures.__func__  # type: ignore[attr-defined]

        def counting(cls: type[Matcher], signatures: Any) -> Matcher:
            builds.append(1)
            built: Matcher = build(cls, signatures)
            return built

        monkeypatch.setattr(Matcher, "from_signatures", classmethod(counting))
        first = Matcher.compile(db)
        assert len(builds) == 1
        assert Matcher.compile(db) is first
        assert len(builds) == 1
        assert first.signatures == db.signatures
        other = SignatureDB(signatures=db.signatures)
        assert Matcher.compile(other) is not first
        assert len(builds) == 2
        assert Matcher.compile(other).match_host("ads.beta.com") == first.match_host("ads.beta.com")

    def test_matcher_released_with_database(self) -> None:
        """A compiled matcher lives no longer than its database."""
        db = SignatureDB(signatures=())
        matcher = weakref.ref(Matcher.compile(db))
        del db
        gc.collect()
        assert matcher() is None

    def test_sorted_on_construction(self, db: SignatureDB) -> None:
        """Constructing a database sorts its signatures by id."""
        reverse = SignatureDB(signatures=reversed(db.signatures), sources=[Path("x.json")])
        assert reverse.signatures == db.signatures
        assert reverse.sources == ("x.json",)

    def test_unique_ids(self, db: SignatureDB) -> None:
        """Constructing a database with a repeated id is a programming error."""
        with pytest.raises(ValueError, match="expected unique signature ids, found 'beta-ads'"):
            SignatureDB(signatures=(*db.signatures, db["beta-ads"]))

    def test_repr(self, db: SignatureDB) -> None:
        """The repr summarises instead of listing every signature."""
        assert repr(db) == (
            f"SignatureDB(<2 signatures>, <0 organisations>, sources=({str(db.sources[0])!r},))"
        )


class TestPatterns:
    """Cookie and URL patterns on their own."""

    @pytest.mark.parametrize(
        ("match", "pattern", "name", "expected"),
        [
            ("exact", "_ga", "_ga", True),
            ("exact", "_ga", "_gat", False),
            ("prefix", "_ga", "_gat", True),
            ("suffix", "_sess", "php_sess", True),
            ("suffix", "_sess", "_sess_x", False),
            ("contains", "bid", "xbidy", True),
            ("regex", "_ga_[0-9]+", "_ga_12", True),
            ("regex", "_ga_[0-9]+", "x_ga_12", False),
        ],
    )
    def test_cookie_matches(self, match: Any, pattern: str, name: str, expected: bool) -> None:
        """Each match kind compares as documented."""
        assert CookiePattern(name=pattern, match=match).matches(name) is expected

    def test_regex_compiled_when_not_given(self) -> None:
        """Hand-built regex patterns compile themselves."""
        assert CookiePattern(name="a+", match="regex").pattern == re.compile("a+")
        assert UrlPattern(host="x.com", path="/a+", match="regex").pattern == re.compile("/a+")
        assert UrlPattern(host="x.com", path="/a").pattern is None

    def test_url_matches_path(self) -> None:
        """URL patterns compare with the path and query as documented."""
        assert UrlPattern(host="x.com", path="/a/").matches_path("/a/b?c")
        assert not UrlPattern(host="x.com", path="/a/").matches_path("/b")
        assert UrlPattern(host="x.com", path=r"/v\d/", match="regex").matches_path("/v2/x")


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
_kinds = st.sampled_from(["exact", "prefix", "suffix", "contains", "regex", "other"])
_near_valid = st.fixed_dictionaries(
    {
        "schema_version": st.sampled_from([1, 1, 1, 2, "1"]),
        "signatures": st.lists(
            st.fixed_dictionaries(
                {
                    "id": st.sampled_from(["a", "b", "a-b", "A"]),
                    "name": st.text(max_size=5),
                    "vendor": st.fixed_dictionaries({"name": st.text(max_size=5)}),
                    "category": st.sampled_from(["analytics", "other", "nope"]),
                    "consent": st.sampled_from(["analytics", "marketing"]),
                    "hosts": st.lists(
                        st.sampled_from(["*.co.uk", "a.com", "*.a.com", "*.com", "A.com", "*."]),
                        max_size=3,
                    ),
                    "urls": st.lists(
                        st.fixed_dictionaries(
                            {
                                "host": st.sampled_from(["a.com", "*.github.io"]),
                                "path": st.text(alphabet="/a()+*?[]|\\1", min_size=1, max_size=8),
                                "match": st.sampled_from(["prefix", "regex"]),
                            }
                        ),
                        max_size=2,
                    ),
                    "cookies": st.lists(
                        st.fixed_dictionaries(
                            {
                                "name": st.text(alphabet="_a()+*?{}[]|\\1=<>P", max_size=8),
                                "match": _kinds,
                            }
                        ),
                        max_size=3,
                    ),
                    "facts": st.just(_FACTS),
                    "sources": st.just(["curated"]),
                }
            ),
            max_size=4,
        ),
    }
)


class TestNeverLeaks:
    """Whatever the input, only TagsigError comes out."""

    @settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(content=st.binary(max_size=200))
    def test_arbitrary_bytes(self, tmp_path: Path, content: bytes) -> None:
        """Arbitrary bytes raise SignatureError or load."""
        path = tmp_path / "db.json"
        path.write_bytes(content)
        with pytest.raises(TagsigError):
            load(path)

    @settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(document=_json)
    def test_arbitrary_json(self, tmp_path: Path, document: object) -> None:
        """Arbitrary JSON values raise only TagsigError, validated or not."""
        path = write_json(tmp_path / "db.json", document)
        for validate in (True, False):
            try:
                read_layer(path, schema=SCHEMA if validate else None, validate=validate)
            except TagsigError:
                pass

    @settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(document=_near_valid)
    def test_near_valid(self, tmp_path: Path, document: dict[str, Any]) -> None:
        """Near-valid databases load or raise only TagsigError, and loaded ones match."""
        path = write_json(tmp_path / "db.json", document)
        for validate in (True, False):
            try:
                layer = read_layer(path, schema=SCHEMA if validate else None, validate=validate)
            except TagsigError:
                continue
            matcher = Matcher.from_signatures(s for s, _ in layer.signatures)
            for name in ("", "_a", "a(", "aaa"):
                matcher.match_cookie(name, "a.com")
            matcher.match_host("x.a.com")


def test_os_fspath_sources(tmp_path: Path) -> None:
    """Database sources are plain strings even when paths were given."""
    path = write_json(tmp_path / "db.json", {"schema_version": 1, "signatures": []})
    assert load(path).sources == (os.fspath(path),)

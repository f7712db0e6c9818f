"""Tests of the SARIF renderer against the key parts of SARIF 2.1.0."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema
from attrs import evolve

from tagsig import analyze, render
from tagsig._compliance.rules.registry import DOCS_URL, PROJECT_URL, RULE_INFO
from tagsig._inputs.psl import public_suffix_list
from tagsig._render.sarif import SARIF_LEVELS, SARIF_SCHEMA

from .conftest import REPO
from .reports import example_report, hostile_report

_MESSAGE = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}
_ARTIFACT_LOCATION = {
    "type": "object",
    "required": ["uri"],
    "properties": {
        "uri": {"type": "string", "format": "uri-reference"},
        "uriBaseId": {"type": "string"},
        "index": {"type": "integer", "minimum": 0},
    },
}
_LOGICAL_LOCATION_KINDS = [
    "function",
    "member",
    "module",
    "namespace",
    "parameter",
    "resource",
    "returnType",
    "type",
    "variable",
    "object",
    "array",
    "property",
    "value",
    "element",
    "text",
    "attribute",
    "comment",
    "declaration",
    "dtd",
    "processingInstruction",
]

# The parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json) that tagsig's logs use.
SARIF_SUBSET: dict[str, Any] = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "uniqueItems": True,
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "name": {"type": "string"},
                                                "shortDescription": _MESSAGE,
                                                "fullDescription": _MESSAGE,
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {
                                                        "level": {
                                                            "enum": [
                                                                "none",
                                                                "note",
                                                                "warning",
                                                                "error",
                                                            ]
                                                        },
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                    "artifacts": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "location": _ARTIFACT_LOCATION,
                                "roles": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": _MESSAGE,
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "properties": {
                                                    "artifactLocation": _ARTIFACT_LOCATION
                                                },
                                            },
                                            "logicalLocations": {
                                                "type": "array",
                                                "items": {
                                                    "type": "object",
                                                    "properties": {
                                                        "name": {"type": "string"},
                                                        "fullyQualifiedName": {"type": "string"},
                                                        "kind": {"enum": _LOGICAL_LOCATION_KINDS},
                                                    },
                                                },
                                            },
                                            "message": _MESSAGE,
                                        },
                                    },
                                },
                                "partialFingerprints": {
                                    "type": "object",
                                    "additionalProperties": {"type": "string"},
                                },
                                "properties": {"type": "object"},
                            },
                        },
                    },
                    "invocations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["executionSuccessful"],
                            "properties": {
                                "executionSuccessful": {"type": "boolean"},
                                "toolExecutionNotifications": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["message"],
                                        "properties": {
                                            "message": _MESSAGE,
                                            "level": {"enum": ["none", "note", "warning", "error"]},
                                        },
                                    },
                                },
                            },
                        },
                    },
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                },
            },
        },
    },
}


OASIS_SCHEMA = REPO / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
"""The OASIS SARIF 2.1.0 schema (with Errata 01), unchanged; see licenses/sarif-spec.LICENSE."""


@cache
def _oasis_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(OASIS_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def _log(report: Any = None) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render(report or example_report(), "sarif"))
    validator = jsonschema.Draft202012Validator(
        SARIF_SUBSET, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]
    assert not errors, errors[:5]
    errors = [f"{e.json_path}: {e.message}" for e in _oasis_validator().iter_errors(document)]
    assert not errors, errors[:5]
    return document


class TestSarif:
    """``render(report, "sarif")``."""

    def test_structure(self) -> None:
        """The log is SARIF 2.1.0 with the tool, rules, results and notifications."""
        log = _log()
        assert (log["$schema"], log["version"]) == (SARIF_SCHEMA, "2.1.0")
        (run,) = log["runs"]
        assert run["tool"]["driver"]["name"] == "tagsig"
        assert run["tool"]["driver"]["informationUri"] == PROJECT_URL
        assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [
            "before-consent",
            "cookie-lifetime",
        ]
        assert [
            n["descriptor"]["id"] for n in run["invocations"][0]["toolExecutionNotifications"]
        ] == ["sanitized-har"]

    def test_one_result_per_flag(self) -> None:
        """Each flag is a result whose ruleIndex points at its rule."""
        (run,) = _log()["runs"]
        rules = run["tool"]["driver"]["rules"]
        results = run["results"]
        assert len(results) == sum(len(t.flags) for t in example_report().tags)
        for result in results:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]

    def test_levels(self) -> None:
        """Severities map to SARIF levels: high is an error, medium a warning."""
        (run,) = _log()["runs"]
        levels = {r["ruleId"]: r["level"] for r in run["results"]}
        assert levels == {"before-consent": "error", "cookie-lifetime": "warning"}
        assert SARIF_LEVELS == {"high": "error", "medium": "warning", "low": "note", "info": "note"}

    def test_entry_location(self) -> None:
        """An entry's evidence points at the capture with a /log/entries/N logical location."""
        (run,) = _log()["runs"]
        result = next(r for r in run["results"] if r["ruleId"] == "before-consent")
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uri"].endswith("examples/shop.har")
        meta = example_report().tag("meta-pixel")
        assert meta is not None
        (logical,) = location["logicalLocations"]
        assert logical["fullyQualifiedName"] == f"/log/entries/{meta.entries[0].index}"
        assert run["artifacts"][artifact["index"]]["location"]["uri"] == artifact["uri"]

    def test_cookie_location(self) -> None:
        """A jar cookie's evidence points at the jar file and names the cookie."""
        (run,) = _log()["runs"]
        result = next(r for r in run["results"] if r["ruleId"] == "cookie-lifetime")
        (location,) = result["locations"]
        assert location["physicalLocation"]["artifactLocation"]["uri"].endswith(
            "examples/cookies.txt"
        )
        assert location["logicalLocations"] == [{"name": "_ga", "kind": "variable"}]

    def test_relative_paths_use_a_base(self) -> None:
        """Relative input paths are relative URIs against %SRCROOT%."""
        report = example_report()
        relative = evolve(
            report,
            inputs=tuple(
                evolve(i, path=f"captures/{n} x.har") for n, i in enumerate(report.inputs)
            ),
        )
        (run,) = _log(relative)["runs"]
        assert run["artifacts"][0]["location"] == {
            "uri": "captures/0%20x.har",
            "uriBaseId": "%SRCROOT%",
        }
        assert "%SRCROOT%" in run["originalUriBaseIds"]

    def test_fingerprints_stable(self) -> None:
        """Fingerprints are stable across runs and distinct across results."""
        first = [r["partialFingerprints"] for r in _log()["runs"][0]["results"]]
        assert first == [r["partialFingerprints"] for r in _log()["runs"][0]["results"]]
        assert len({f["tagsig/v1"] for f in first}) == len(first)

    def test_hostile_strings(self) -> None:
        """Hostile messages and paths stay valid JSON and valid URIs."""
        (run,) = _log(hostile_report())["runs"]
        assert run["results"]

    def test_no_flags(self) -> None:
        """A report without flags is a valid log with no results and no rules."""
        report = example_report()
        clean = evolve(report, tags=tuple(evolve(t, flags=()) for t in report.tags))
        (run,) = _log(clean)["runs"]
        assert (run["results"], run["tool"]["driver"]["rules"]) == ([], [])

    def test_rules_are_described_by_the_registry(self) -> None:
        """Each rule's descriptions and help come from the registry, not from a finding."""
        (run,) = _log()["runs"]
        messages = {f.message for t in example_report().tags for f in t.flags}
        for rule in run["tool"]["driver"]["rules"]:
            info = RULE_INFO[rule["id"]]
            assert rule["shortDescription"]["text"] == info.short
            assert rule["fullDescription"]["text"] == info.full
            assert rule["fullDescription"]["text"] not in messages
            assert rule["help"]["text"] == info.help
            assert rule["helpUri"] == f"{DOCS_URL}rules/{rule['id']}.md"

    def test_location_message_says_what_to_check(self) -> None:
        """A location's message names the request (method and URL) and the cookie."""
        report = example_report()
        (run,) = _log(report)["runs"]
        meta = report.tag("meta-pixel")
        assert meta is not None
        (evidence,) = meta.flags[0].evidence
        result = next(r for r in run["results"] if r["ruleId"] == "before-consent")
        (location,) = result["locations"]
        assert f"{evidence.method} {evidence.url}" in location["message"]["text"]
        cookie = next(r for r in run["results"] if r["ruleId"] == "cookie-lifetime")
        assert "cookie _ga on " in cookie["locations"][0]["message"]["text"]


def test_registry_covers_every_rule_page() -> None:
    """The registry describes exactly the rules that have a page in docs/rules."""
    pages = {p.stem for p in (REPO / "docs" / "rules").glob("*.md")} - {"index"}
    assert set(RULE_INFO) == pages
    assert all(info.full and info.help and info.short for info in RULE_INFO.values())


def test_run_records_the_data_versions() -> None:
    """The run's properties name the signature database and the Public Suffix List date."""
    report = analyze(REPO / "examples" / "shop.har")
    (run,) = _log(report)["runs"]
    assert report.signatures is not None
    assert run["properties"]["signatureDatabase"]["version"] == report.signatures.version
    assert run["properties"]["publicSuffixListDate"] == public_suffix_list().date

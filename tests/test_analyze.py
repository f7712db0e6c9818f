"""Tests of the analysis: the report, its weights and its JSON contract."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tagsig import Report, analyze, load_har, load_signatures, render, report_to_document
from tagsig._resources import data_file

from .builders import entry, har, script_initiator
from .conftest import CORPUS, REPO, corpus_captures

Asset = Callable[[str], Path]
EXAMPLE = REPO / "examples" / "shop.har"
EXAMPLE_JAR = REPO / "examples" / "cookies.txt"


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(data_file("report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _valid(report: Report) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render(report, "json"))
    errors = sorted(_validator().iter_errors(document), key=str)
    assert not errors, [f"{e.json_path}: {e.message}" for e in errors[:5]]
    assert document == json.loads(json.dumps(report_to_document(report)))
    return document


class TestExample:
    """The bundled example capture and jar."""

    def test_tags_found(self) -> None:
        """The example's tags are all found, with who loaded them."""
        report = analyze(EXAMPLE, cookies=[EXAMPLE_JAR])
        ids = {tag.id for tag in report.tags}
        assert {
            "google-tag-manager",
            "meta-pixel",
            "google-analytics",
            "intercom",
            "hotjar",
            "onetrust",
        } <= ids
        meta = report.tag("meta-pixel")
        assert meta is not None
        assert meta.loaded_by == "google-tag-manager"
        assert meta.weight.requests == 2
        assert {c.name for c in meta.cookies} == {"_fbp", "fr"}
        assert report.first_party == ("example-shop.com",)

    def test_unknown_third_party_initiated_by_tag(self) -> None:
        """The unknown tracker is listed with the tag manager that loaded it."""
        report = analyze(EXAMPLE)
        (host,) = report.unattributed
        assert (host.host, host.initiated_by, host.requests) == (
            "cdn.example-tracker.net",
            "google-tag-manager",
            1,
        )

    def test_json_validates(self) -> None:
        """The JSON report validates against the shipped schema."""
        document = _valid(analyze(EXAMPLE, cookies=[EXAMPLE_JAR]))
        assert document["schema_version"] == 1
        assert [i["kind"] for i in document["inputs"]] == ["har", "cookies"]

    def test_deterministic(self) -> None:
        """Two analyses of the same inputs render identically."""
        assert render(analyze(EXAMPLE), "json") == render(analyze(EXAMPLE), "json")


class TestWeight:
    """Per-tag and per-page weight."""

    def test_transfer_bytes_rules(self) -> None:
        """_transferSize wins; else headersSize + bodySize with unknown parts as 0."""
        capture = har(
            entry("https://www.shop.example/"),
            entry(
                "https://www.googletagmanager.com/gtm.js?id=GTM-1",
                transfer=5000,
                mime="application/javascript",
                size=20000,
            ),
            entry(
                "https://www.googletagmanager.com/gtm.js?id=GTM-2",
                headers_size=300,
                body_size=7000,
                mime="text/javascript",
                size=21000,
                page="page_2",
            ),
            entry(
                "https://www.googletagmanager.com/gtm.js?id=GTM-3",
                headers_size=-1,
                body_size=-1,
                mime="image/gif",
                size=-1,
                page="page_2",
            ),
            pages=[
                ("page_1", "https://www.shop.example/"),
                ("page_2", "https://www.shop.example/b"),
            ],
        )
        report = analyze(capture)
        gtm = report.tag("google-tag-manager")
        assert gtm is not None
        assert gtm.weight.transfer_bytes == 5000 + 7300 + 0
        assert gtm.weight.decoded_bytes == 41000
        assert gtm.weight.script_bytes == 41000
        assert (gtm.weight.requests, gtm.pages, gtm.requests_per_page) == (3, 2, 1.5)
        assert [(p.page, p.weight.requests, p.weight.transfer_bytes) for p in gtm.per_page] == [
            ("page_1", 1, 5000),
            ("page_2", 2, 7300),
        ]
        _valid(report)

    def test_sanitized_capture_warns(self, asset: Asset) -> None:
        """A capture without cookie evidence gets a sanitized-har warning."""
        report = analyze(asset("har/chrome-sanitized.har"))
        # The file records no initiators either, and says so.
        assert [w.code for w in report.warnings] == ["sanitized-har", "no-initiators"]
        assert "export with cookies or pass a cookie jar" in report.warnings[0].message
        _valid(report)

    def test_stripped_cookies_warn(self) -> None:
        """A capture whose cookie headers were stripped gets a stripped-cookies warning."""
        report = analyze(
            har(
                entry(
                    "https://www.shop.example/",
                    request_headers={"Cookie": "[427 bytes were stripped]"},
                ),
                entry(
                    "https://www.shop.example/a",
                    response_headers={"Set-Cookie": "[40 bytes were stripped]"},
                ),
            )
        )
        assert [w.code for w in report.warnings] == ["stripped-cookies"]
        assert "stripped the values of the cookie headers of 2 entries" in (
            report.warnings[0].message
        )
        assert not report.inputs[0].has_cookie_evidence
        assert all(c.name for t in report.tags for c in t.cookies)
        _valid(report)

    def test_problems_warn(self, asset: Asset) -> None:
        """Damaged inputs are summarised in a warning and listed under inputs."""
        report = analyze(asset("har/damaged-entries.har"))
        assert "input-problems" in [w.code for w in report.warnings]
        document = _valid(report)
        assert document["inputs"][0]["problems"][0]["pointer"] == "/log/pages/1"


class TestInputs:
    """Inputs of every kind."""

    def test_several_captures_and_custom_signatures(self, tmp_path: Path) -> None:
        """Entry references name their input; custom signatures layer on the bundled ones."""
        first = har(
            entry("https://www.shop.example/"),
            entry(
                "https://cdn.inhouse-tags.example/t.js",
                initiator=script_initiator("https://www.googletagmanager.com/gtm.js"),
            ),
        )
        second = load_har(
            har(entry("https://www.shop.example/b"), entry("https://cdn.inhouse-tags.example/t.js"))
        )
        custom = tmp_path / "ours.json"
        custom.write_text(
            json.dumps(
                {
                    "schema_version": 1,
                    "signatures": [
                        {
                            "id": "inhouse-tags",
                            "name": "In-house tags",
                            "vendor": {"name": "Shop", "country": "DE", "dpf": None},
                            "category": "analytics",
                            "consent": "analytics",
                            "hosts": ["*.inhouse-tags.example"],
                            "facts": {
                                "sets_cookies": False,
                                "sends_pii": False,
                                "cross_site_tracking": False,
                                "complexity": "low",
                                "script_kb": 5,
                                "requests_per_page": 1,
                            },
                            "sources": ["curated"],
                        }
                    ],
                }
            ),
            encoding="utf-8",
        )
        report = analyze([first, second], signatures=[custom])
        tag = report.tag("inhouse-tags")
        assert tag is not None
        assert [(r.input, r.index) for r in tag.entries] == [(0, 1), (1, 1)]
        assert tag.loaded_by == "google-tag-manager"
        assert report.tag("google-tag-manager") is None  # only an initiator, never requested
        db = load_signatures(custom)
        assert render(analyze([first, second], signatures=db), "json") == render(report, "json")
        _valid(report)

    def test_first_party_aliases(self) -> None:
        """Aliases make an own CDN first party."""
        capture = har(
            entry("https://www.shop.example/"), entry("https://static.shopcdn.example/app.js")
        )
        assert [h.host for h in analyze(capture).unattributed] == ["static.shopcdn.example"]
        assert analyze(capture, first_party=["shopcdn.example"]).unattributed == ()


_CORPUS_FILES = corpus_captures()


@pytest.mark.corpus
@pytest.mark.skipif(not _CORPUS_FILES, reason="no corpus of captures")
class TestCorpus:
    """Real captures."""

    @pytest.mark.parametrize("path", _CORPUS_FILES, ids=lambda p: p.name)
    def test_report_validates_and_weights_add_up(self, path: Path) -> None:
        """Every report validates; each tag's transfer bytes are the sum over its entries."""
        capture = load_har(path)
        report = analyze(capture)
        _valid(report)
        by_index = {e.index: e for e in capture.entries}
        for tag in report.tags:
            expected = 0
            for ref in tag.entries:
                e = by_index[ref.index]
                expected += (
                    e.transfer_size
                    if e.transfer_size is not None
                    else ((e.response_headers_size or 0) + (e.response_body_size or 0))
                )
            assert tag.weight.transfer_bytes == expected, tag.id

    def test_recall_against_third_party_web(self) -> None:
        """Every request the entity list puts in a tracking category is attributed to a tag."""
        source = CORPUS.parent / "data" / "sources" / "third-party-web-entities.json"
        if not source.is_file():
            pytest.skip("the third-party-web entity list is absent")
        categories = {
            "ad",
            "analytics",
            "social",
            "marketing",
            "customer-success",
            "tag-manager",
            "consent-provider",
            "video",
        }
        exact: dict[str, str] = {}
        wildcard: dict[str, str] = {}
        for entity in json.loads(source.read_text(encoding="utf-8")):
            for domain in entity["domains"]:
                target = wildcard if domain.startswith("*.") else exact
                target[domain.removeprefix("*.")] = entity["category"]

        def category(host: str) -> str | None:
            if host in exact:
                return exact[host]
            labels = host.split(".")
            for start in range(len(labels)):
                found = wildcard.get(".".join(labels[start:]))
                if found is not None:
                    return found
            return None

        db = load_signatures()
        missed: list[str] = []
        total = 0
        # The figures are those of the shared corpus, whatever $TAGSIG_CORPUS names.
        for path in corpus_captures(CORPUS / "har"):
            capture = load_har(path)
            report = analyze(capture, signatures=db)
            attributed = {ref.index for tag in report.tags for ref in tag.entries}
            # Requests that are no tag of the site (the capture tool's own page and what
            # it loads, certificate checks, navigations away) are out of the count.
            no_tag = {item.index for item in report.no_tag}
            for e in capture.entries:
                if (
                    e.url.is_network
                    and category(e.url.host) in categories
                    and e.index not in no_tag
                ):
                    total += 1
                    if e.index not in attributed:
                        missed.append(f"{path.name}: {e.url.host}")
        assert total > 2000
        assert missed == []

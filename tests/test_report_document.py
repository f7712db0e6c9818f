"""Tests of ``Report.from_document``: a report's JSON document read back into a Report."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tagsig import (
    InputError,
    Report,
    SignatureDB,
    analyze,
    load_signatures,
    render,
    report_to_document,
)
from tagsig._render.formats import FORMATS

from .conftest import CORPUS
from .reports import example_report, hostile_report

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


def _document(report: Report) -> dict[str, object]:
    # Through JSON text, as a document read from a file is.
    loaded: dict[str, object] = json.loads(render(report, "json"))
    return loaded


def _corpus() -> list[Path]:
    return sorted((CORPUS / "har").glob("*.har")) if CORPUS.is_dir() else []


class TestRoundTrip:
    """A document read back renders to the same JSON."""

    @pytest.mark.parametrize(
        "report", [example_report(), hostile_report()], ids=["example", "hostile"]
    )
    def test_built_reports(self, report: Report) -> None:
        """The test reports (flags, cookies, consent, hostile text) survive the round trip."""
        back = Report.from_document(_document(report))
        assert render(back, "json") == render(report, "json")

    def test_from_python_document(self) -> None:
        """report_to_document's own value (ints where JSON has 2.0) reads back the same."""
        report = example_report()
        back = Report.from_document(report_to_document(report))
        assert report_to_document(back) == report_to_document(report)
        assert back.tags[0].signature.name == report.tags[0].signature.name

    @pytest.mark.corpus
    @pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is absent")
    @pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.name)
    def test_corpus(self, path: Path) -> None:
        """Every real capture's report reads back to the same JSON, and renders in every format.

        (The JSON holds no cookie attributes, so the CSV of the report read back leaves
        them empty: only the JSON is compared.)
        """
        report = analyze(path, signatures=_database())
        text = render(report, "json")
        back = Report.from_document(json.loads(text), source=str(path))
        assert render(back, "json") == text
        for format in FORMATS:
            assert render(back, format)


@functools.cache
def _database() -> SignatureDB:
    return load_signatures()


class TestInvalid:
    """A document that is no report is refused with a tagsig error naming where."""

    def test_schema_violation(self) -> None:
        """A value of the wrong type names the schema and its pointer."""
        document = _document(example_report())
        tags = document["tags"]
        assert isinstance(tags, list)
        tags[0]["requests"] = "many"
        with pytest.raises(InputError) as info:
            Report.from_document(document, source="old.json")
        assert info.value.path == "old.json"
        assert info.value.pointer == "/tags/0/requests"
        assert str(info.value) == (
            "old.json#/tags/0/requests: expected a report as "
            "report.schema.json gives it: 'many' is not of type "
            "'integer'"
        )

    def test_other_schema_version(self) -> None:
        """A report of another schema version is refused before the schema is applied."""
        document = _document(example_report())
        document["schema_version"] = 2
        with pytest.raises(InputError, match="expected a report of schema_version 1, found 2"):
            Report.from_document(document)

    def test_not_an_object(self) -> None:
        """A JSON array is no report."""
        with pytest.raises(InputError, match=r"expected a JSON report \(an object\), found list"):
            Report.from_document([])  # type: ignore[arg-type]

    def test_bad_time(self) -> None:
        """A time that is not ISO 8601 is refused where it stands."""
        document = _document(example_report())
        tags = document["tags"]
        assert isinstance(tags, list)
        position = next(n for n, t in enumerate(tags) if t["cookies"])
        tags[position]["cookies"][0]["expires"] = "next tuesday"
        with pytest.raises(InputError) as info:
            Report.from_document(document)
        assert info.value.pointer == f"/tags/{position}/cookies/0/expires"

    def test_unknown_category(self) -> None:
        """A category this tagsig does not know cannot become a Signature."""
        document = _document(example_report())
        tags = document["tags"]
        assert isinstance(tags, list)
        tags[0]["category"] = "astrology"
        with pytest.raises(InputError, match="expected a category tagsig knows"):
            Report.from_document(document)

    def test_mistakes_not_strings(self) -> None:
        """A tag's mistakes must be a list of strings."""
        document = _document(example_report())
        tags = document["tags"]
        assert isinstance(tags, list)
        tags[1]["mistakes"] = None
        with pytest.raises(InputError) as info:
            Report.from_document(document)
        assert info.value.pointer == "/tags/1/mistakes"

    @settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def test_any_damage_is_a_tagsig_error(self, data: st.DataObject) -> None:
        """Replacing any one value of a document gives a Report or an InputError, nothing else."""
        document = copy.deepcopy(_EXAMPLE)
        holders: list[tuple[dict[str, object] | list[object], str | int]] = []
        pending: list[object] = [document]
        while pending:
            value = pending.pop()
            if isinstance(value, dict):
                holders.extend((value, key) for key in value)
                pending.extend(value.values())
            elif isinstance(value, list):
                holders.extend((value, n) for n in range(len(value)))
                pending.extend(value)
        holder, key = data.draw(st.sampled_from(holders))
        holder[key] = data.draw(JSON)  # type: ignore[index]
        try:
            back = Report.from_document(document)
        except InputError:
            return
        render(back, "json")


_EXAMPLE = json.loads(render(example_report(), "json"))

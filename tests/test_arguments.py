"""Arguments that name one of a few values: plain strings, checked, with a tagsig error."""

from __future__ import annotations

import argparse

import pytest

from tagsig import (
    ArgumentError,
    TagsigError,
    diff_reports,
    failing_flags,
    render,
    render_diff,
    run_batch,
)
from tagsig._render.formats import FORMATS

from .reports import example_report


def _parsed(*argv: str) -> argparse.Namespace:
    """Parse ``argv`` as a command line does: every value a plain ``str``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--format", default="text")
    parser.add_argument("--fail-on", default="high")
    return parser.parse_args(argv)


def test_error_is_tagsig_and_value_error() -> None:
    """``except TagsigError`` and ``except ValueError`` both catch it."""
    assert issubclass(ArgumentError, TagsigError)
    assert issubclass(ArgumentError, ValueError)


@pytest.mark.parametrize("format", FORMATS)
def test_render_takes_a_plain_string(format: str) -> None:
    """A ``str`` from argparse is a format (this file type-checks under mypy --strict)."""
    args = _parsed("--format", format)
    value: str = args.format
    assert render(example_report(), value) == render(example_report(), format)


@pytest.mark.parametrize("value", ["pdf", "JSON", "", "text "])
def test_render_refuses_an_unknown_format(value: str) -> None:
    """A string that names no format is an ArgumentError listing the formats."""
    with pytest.raises(ArgumentError) as info:
        render(example_report(), value)
    assert str(info.value) == (
        "expected a format among 'text', 'json', 'html', 'markdown', 'csv', 'sarif', "
        f"found {value!r}"
    )


def test_failing_flags_takes_a_plain_string() -> None:
    """A ``str`` severity selects the same flags as the literal."""
    value: str = _parsed("--fail-on", "medium").fail_on
    report = example_report()
    assert failing_flags(report, value) == failing_flags(report, "medium")
    assert failing_flags(report, value)


@pytest.mark.parametrize("value", ["critical", "HIGH", ""])
def test_failing_flags_refuses_an_unknown_severity(value: str) -> None:
    """A string that names no severity is an ArgumentError listing the severities."""
    with pytest.raises(ArgumentError) as info:
        failing_flags(example_report(), value)
    assert str(info.value) == f"expected a severity among high, medium, low, info, found {value!r}"


def test_other_choices_are_argument_errors() -> None:
    """A diff format and a number of jobs out of range are ArgumentErrors too."""
    diff = diff_reports(example_report(), example_report())
    with pytest.raises(ArgumentError, match="expected a format among 'text', 'json'"):
        render_diff(diff, "yaml")
    with pytest.raises(ArgumentError, match="expected at least 1 job, found 0"):
        list(run_batch([], jobs=0))


def test_schema_path() -> None:
    """Each shipped schema is found by name and is a JSON Schema; an unknown name is refused."""
    import json

    import jsonschema

    from tagsig import schema_path

    for name in ("report", "signatures", "policy", "catalogue"):
        path = schema_path(name)
        assert path.name == f"{name}.schema.json"
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text("utf-8")))
    report = json.loads(render(example_report(), "json"))
    jsonschema.validate(report, json.loads(schema_path("report").read_text("utf-8")))
    with pytest.raises(ArgumentError, match="expected a schema among 'report'"):
        schema_path("reports")

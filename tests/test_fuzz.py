"""Property and fuzz tests: every reader and renderer raises tagsig's errors and no other."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tagsig import (
    TagsigError,
    analyze,
    load_cookies,
    load_har,
    load_policy,
    load_signatures,
    render,
)
from tagsig._analysis.saved import load_report_document
from tagsig._render.compare import diff_reports
from tagsig._render.diff import render_diff
from tagsig._render.formats import FORMATS
from tagsig._report.model import REPORT_SCHEMA_VERSION

from .builders import entry, har

FUZZ = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
)
_KEYS = st.sampled_from(
    [
        "log",
        "entries",
        "pages",
        "request",
        "response",
        "url",
        "name",
        "value",
        "cookies",
        "headers",
        "startedDateTime",
        "status",
        "domain",
        "expires",
        "version",
        "tags",
        "schema_version",
        "signatures",
        "id",
        "hosts",
        "cookies",
        "ignore",
        "rule",
    ]
) | st.text(max_size=6)
JSON_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=30,
)


DEPTHS = st.sampled_from([0, 1, 3, 50, 999, 1001, 5000, 30_000])


def document(value: object, depth: int) -> bytes:
    """Return ``value`` as JSON nested ``depth`` levels deep (far past recursion limits)."""
    text = json.dumps(value)
    opener, closer = ("[", "]") if depth % 2 else ('{"log": ', "}")
    return (opener * depth + text + closer * depth).encode()


def _quietly(read: Callable[[], object]) -> None:
    try:
        read()
    except TagsigError:
        pass


def _decoded(data: bytes) -> dict[str, object]:
    try:
        value = json.loads(data)
    except RecursionError:  # too deep for Python's own json to give a mapping
        return {}
    return value if isinstance(value, dict) else {"log": value}


def _from_file(read: Callable[[Path], object], data: bytes, suffix: str) -> object:
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115
    path = Path(handle.name)
    try:
        with handle:
            handle.write(data)
        return read(path)
    finally:
        path.unlink()


READERS: dict[str, Callable[[bytes], object]] = {
    "har": load_har,
    "har mapping": lambda data: load_har(_decoded(data)),
    "cookies": load_cookies,
    "policy json": lambda data: _from_file(load_policy, data, ".json"),
    "policy toml": lambda data: _from_file(load_policy, data, ".toml"),
    "saved report": lambda data: _from_file(load_report_document, data, ".json"),
    "signatures": lambda data: _from_file(load_signatures, data, ".json"),
}


@pytest.mark.parametrize("reader", sorted(READERS))
@FUZZ
@given(value=JSON_VALUES, depth=DEPTHS)
def test_readers_take_any_json(reader: str, value: object, depth: int) -> None:
    """Any JSON, of any type, size and depth, is read or refused with a tagsig error."""
    data = document(value, depth)
    _quietly(lambda: READERS[reader](data))


@pytest.mark.parametrize("reader", ["har", "cookies"])
@FUZZ
@given(data=st.binary(max_size=300), value=JSON_VALUES, cut=st.integers(0, 10_000))
def test_readers_take_any_bytes(reader: str, data: bytes, value: object, cut: int) -> None:
    """Arbitrary and truncated bytes are read or refused with a tagsig error."""
    truncated = json.dumps(value).encode()[:cut]
    _quietly(lambda: READERS[reader](data))
    _quietly(lambda: READERS[reader](truncated))


# --- Captures damaged member by member, then analysed and rendered in every format. ---

_BASE = json.loads(
    har(
        entry(
            "https://www.googletagmanager.com/gtm.js?id=GTM-1",
            response_headers={"Set-Cookie": "_ga=GA1.1.1; Max-Age=63072000; Domain=.shop.example"},
            request_headers={"Cookie": "_fbp=fb.1.2"},
        ),
        entry(
            "https://connect.facebook.net/en_US/fbevents.js",
            initiator={
                "type": "script",
                "stack": {
                    "callFrames": [
                        {"url": "https://www.googletagmanager.com/gtm.js?id=GTM-1", "lineNumber": 1}
                    ]
                },
            },
        ),
    )
)
_HOSTILE_TEXT = st.sampled_from(
    [
        "\x1b[31m",
        "[link=https://x]a[/link]",
        "[t](https://x)",
        "\r=1+1",
        "\ud800",
        "\x00",
        "a" * 5000,
        "9" * 5000,
        "..." * 300,
        "%ff",
        "\u202e",
        "NaN",
        "-1",
        "",
    ]
) | st.text(max_size=20)
_HOSTILE_VALUES = _SCALARS | _HOSTILE_TEXT | JSON_VALUES


def _paths(value: object, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


_PATHS = [p for p in _paths(_BASE) if p]


def _replace(document: Any, path: tuple[Any, ...], value: object) -> None:
    *parents, last = path
    for part in parents:
        document = document[part]
    document[last] = value


@st.composite
def damaged_captures(draw: st.DrawFn) -> bytes:
    """Return the base capture with a few members replaced by hostile values."""
    document = json.loads(json.dumps(_BASE))
    for path in draw(st.lists(st.sampled_from(_PATHS), min_size=1, max_size=4)):
        try:
            _replace(document, path, draw(_HOSTILE_VALUES))
        except (KeyError, IndexError, TypeError):  # an earlier change removed the parent
            continue
    return json.dumps(document).encode("utf-8", "surrogatepass")


@FUZZ
@given(data=damaged_captures())
def test_analysis_and_renderers(data: bytes) -> None:
    """A damaged capture is analysed and rendered in every format, or refused cleanly."""
    try:
        report = analyze(data)
    except TagsigError:
        return
    for form in FORMATS:
        render(report, form).encode("utf-8")
    diff = diff_reports(report, report)
    for form in ("text", "json"):
        render_diff(diff, form).encode("utf-8")


@FUZZ
@given(
    tag=st.dictionaries(
        st.sampled_from(
            ["requests", "transfer_bytes", "time_ms", "name", "id", "cookies", "flags"]
        ),
        _HOSTILE_VALUES,
        max_size=3,
    )
)
def test_diff_of_saved_reports(tag: dict[str, object]) -> None:
    """A saved report with hostile members is compared, or refused with a tagsig error."""
    base: dict[str, object] = {
        "id": "t",
        "name": "T",
        "consent": "analytics",
        "requests": 1,
        "transfer_bytes": 10,
        "decoded_bytes": 10,
        "script_bytes": 0,
        "time_ms": 1.0,
        "cookies": [],
        "flags": [],
    }
    old = {"schema_version": REPORT_SCHEMA_VERSION, "tags": [base], "unattributed": []}
    new = {**old, "tags": [{**base, **tag}]}
    try:
        diff = diff_reports(old, new)
    except TagsigError:
        return
    for form in ("text", "json"):
        text = render_diff(diff, form)
        text.encode("utf-8")
        if form == "json":
            json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))


_FIELDS = st.sampled_from(
    [
        "TRUE",
        "FALSE",
        ".x.example",
        "/",
        "0",
        "-1",
        "1e999",
        "9" * 400,
        "nan",
        "inf",
        "#HttpOnly_.x.example",
        "\x00",
        "\ud800",
        "",
    ]
) | st.text(max_size=8)


@FUZZ
@given(
    lines=st.lists(st.lists(_FIELDS, min_size=1, max_size=9), min_size=1, max_size=6),
    header=st.booleans(),
)
def test_netscape_lines(lines: list[list[str]], header: bool) -> None:
    """Netscape jars of hostile fields are read or refused with a tagsig error."""
    text = "\n".join("\t".join(fields) for fields in lines)
    if header:
        text = "# Netscape HTTP Cookie File\n" + text
    data = text.encode("utf-8", "surrogatepass")
    try:
        jar = load_cookies(data)
    except TagsigError:
        return
    for cookie in jar.cookies:
        cookie.name.encode("utf-8")
        cookie.value.encode("utf-8")

"""Error messages and JSON pointers for what msgspec refuses in a HAR capture."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from tagsig._exceptions import escape_pointer

__all__ = ["delete", "json_type", "path_parts", "pointer_of", "validation_message"]

_MSGSPEC_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_PATH_PART = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def json_type(value: object) -> str:
    """Name the JSON type of a decoded ``value`` (``array``, ``string``...), for messages."""
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "null" if value is None else type(value).__name__


def validation_message(error: msgspec.ValidationError, what: str) -> str:
    """Reword a msgspec error as ``expected ..., found ...`` about ``what``, without its path."""
    text = _MSGSPEC_PATH.sub("", str(error))
    text = text.replace("`", '"')
    if text.startswith("Object missing required field"):
        field = text.removeprefix("Object missing required field ")
        return f"expected {what} member {field}, found none"
    if text in {"Number out of range", "Integer value out of range"}:
        return "expected a number, found one too large to hold"
    if text.startswith("Expected"):
        return "expected" + text.removeprefix("Expected")
    return text


def path_parts(error: msgspec.ValidationError) -> list[str]:
    """Return the member names and array indexes of the path a msgspec error names."""
    match = _MSGSPEC_PATH.search(str(error))
    if match is None:
        return []
    return [m.group(1) or m.group(2) for m in _PATH_PART.finditer(match.group("path"))]


def pointer_of(error: msgspec.ValidationError, base: str) -> str:
    """Return the JSON Pointer, under ``base``, of the value a msgspec error names."""
    return base + "".join("/" + escape_pointer(part) for part in path_parts(error))


def delete(document: Any, parts: list[str]) -> None:
    """Remove the value at the path ``parts`` (member names and array indexes) from ``document``."""
    *parents, last = parts
    for part in parents:
        document = document[int(part)] if isinstance(document, list) else document[part]
    if isinstance(document, list):
        del document[int(last)]
    else:
        del document[last]

"""What a request carries, as ``(name, value)`` pairs: query, body (form, JSON) and Referer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from tagsig._models import Entry

__all__ = ["entry_params"]

_MAX_DEPTH = 6
_MAX_BODY = 1_000_000
"""Longest body searched, in characters (larger bodies are uploads, not beacons)."""


def _walk(name: str, value: Any, depth: int) -> Iterator[tuple[str, str]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(f"{name}.{key}" if name else str(key), item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(name, item, depth + 1)
    elif isinstance(value, str):
        yield from _flatten(name, value, depth + 1)
    elif value is not None and not isinstance(value, bool):
        yield name, str(value)


def _flatten(name: str, value: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    """Yield the pair, then the pairs of any JSON object or array the value holds."""
    yield name, value
    stripped = value.strip()
    if stripped[:1] in {"{", "["} and depth <= _MAX_DEPTH:
        try:
            parsed = json.loads(stripped)
        except ValueError:
            return
        yield from _walk(name, parsed, depth + 1)


def _body_pairs(entry: Entry) -> Iterator[tuple[str, str]]:
    post = entry.post_data
    if post is None:
        return
    if post.params:
        for name, value in post.params:
            yield from _flatten(name, value)
        return
    text = post.text[:_MAX_BODY]
    stripped = text.strip()
    if not stripped:
        return
    if stripped[:1] in {"{", "["}:
        yield from _flatten("", stripped)
    elif "=" in stripped and "\n" not in stripped and " " not in stripped:
        for name, value in parse_qsl(stripped, keep_blank_values=True):
            yield from _flatten(name, value)
    else:
        yield "", text


def entry_params(entry: Entry) -> tuple[tuple[str, str], ...]:
    """Return what a request sends as ``(name, value)`` pairs, decoded.

    Query parameters, then the body (form parameters, URL-encoded pairs, or JSON flattened
    to dotted names; a parameter holding JSON is flattened too), then the ``Referer``
    header as ``("Referer", url)`` followed by the Referer's own query parameters.
    """
    pairs: list[tuple[str, str]] = []
    for name, value in parse_qsl(entry.url.query, keep_blank_values=True):
        pairs.extend(_flatten(name, value))
    pairs.extend(_body_pairs(entry))
    referer = entry.request_headers.get("referer")
    if referer:
        pairs.append(("Referer", referer))
        _, _, query = referer.partition("?")
        pairs.extend(("Referer." + k, v) for k, v in
                     parse_qsl(query.partition("#")[0], keep_blank_values=True))
    return tuple(pairs)

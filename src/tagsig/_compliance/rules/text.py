"""What a request carries, as ``(name, value)`` pairs: query, body (form, JSON) and Referer."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Final
from urllib.parse import unquote

from tagsig._inputs.models import Entry

__all__ = ["ParamReader", "entry_params", "parse_query"]

_MAX_DEPTH = 6
_MAX_BODY = 1_000_000
"""Longest body searched, in characters (larger bodies are uploads, not beacons)."""
_OPENERS: Final = frozenset({"{", "["})

_Pairs = list[tuple[str, str]]


def parse_query(query: str) -> _Pairs:
    """Split a query into decoded pairs, as ``parse_qsl(query, keep_blank_values=True)``.

    Most fields hold neither ``%`` nor ``+`` and are kept as they are; the others are
    decoded as ``parse_qsl`` decodes them (UTF-8, invalid sequences replaced).

    >>> parse_query("a=1&b&c=x+y%21&&d=")
    [('a', '1'), ('b', ''), ('c', 'x y!'), ('d', '')]
    """
    pairs: _Pairs = []
    for field in query.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        if "%" in field or "+" in field:
            name = unquote(name.replace("+", " "))
            value = unquote(value.replace("+", " "))
        pairs.append((name, value))
    return pairs


def _walk(name: str, value: Any, depth: int, out: _Pairs) -> None:
    if depth > _MAX_DEPTH:
        return
    # Strings first: they are most of the values (the JSON types exclude each other).
    if isinstance(value, str):
        if _may_be_json(value):
            _flatten(name, value, out, depth + 1)
        else:
            out.append((name, value))
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(f"{name}.{key}" if name else str(key), item, depth + 1, out)
    elif isinstance(value, list):
        for item in value:
            _walk(name, item, depth + 1, out)
    elif value is not None and not isinstance(value, bool):
        out.append((name, str(value)))


def _flatten(name: str, value: str, out: _Pairs, depth: int = 0) -> None:
    """Add the pair, then the pairs of any JSON object or array the value holds."""
    out.append((name, value))
    stripped = value.strip()
    if stripped[:1] in _OPENERS and depth <= _MAX_DEPTH:
        try:
            parsed = json.loads(stripped)
        except ValueError:
            return
        _walk(name, parsed, depth + 1, out)


def _flatten_all(pairs: Iterable[tuple[str, str]], out: _Pairs) -> None:
    """Add each pair as :func:`_flatten` does."""
    for name, value in pairs:
        # Inline _may_be_json: this loop runs for every parameter of every request.
        first = value[:1]
        if first in _OPENERS or first.isspace():
            _flatten(name, value, out)
        else:
            out.append((name, value))


def _may_be_json(value: str) -> bool:
    """Whether ``value`` stripped starts with a bracket (else :func:`_flatten` adds it only)."""
    # A value that starts with neither blank nor bracket keeps its first character.
    first = value[:1]
    return first in _OPENERS or first.isspace()


def _body_pairs(entry: Entry, out: _Pairs) -> None:
    post = entry.post_data
    if post is None:
        return
    if post.params:
        _flatten_all(post.params, out)
        return
    text = post.text[:_MAX_BODY]
    stripped = text.strip()
    if not stripped:
        return
    if stripped[:1] in _OPENERS:
        _flatten("", stripped, out)
    elif "=" in stripped and "\n" not in stripped and " " not in stripped:
        _flatten_all(parse_query(stripped), out)
    else:
        out.append(("", text))


def _referer_pairs(referer: str) -> tuple[tuple[str, str], ...]:
    _, _, query = referer.partition("?")
    return (
        ("Referer", referer),
        *(("Referer." + k, v) for k, v in parse_query(query.partition("#")[0])),
    )


class ParamReader:
    """Reads what requests send (see :func:`entry_params`).

    The pages of a site send the same few ``Referer`` values with every request: each
    distinct one is read once per reader.
    """

    def __init__(self) -> None:
        self._referers: dict[str, tuple[tuple[str, str], ...]] = {}

    def __call__(self, entry: Entry, referer: str | None) -> tuple[tuple[str, str], ...]:
        """Return what ``entry`` sends, as :func:`entry_params` does.

        ``referer`` is the entry's ``Referer`` header, if any.
        """
        pairs: _Pairs = []
        # The query is part of the URL: without a "?" there is none to split.
        query = entry.url.query if "?" in entry.url.raw else ""
        if query:
            _flatten_all(parse_query(query), pairs)
        _body_pairs(entry, pairs)
        if referer:
            known = self._referers.get(referer)
            if known is None:
                known = self._referers[referer] = _referer_pairs(referer)
            pairs.extend(known)
        return tuple(pairs)


def entry_params(entry: Entry) -> tuple[tuple[str, str], ...]:
    """Return what a request sends as ``(name, value)`` pairs, decoded.

    Query parameters, then the body (form parameters, URL-encoded pairs, or JSON flattened
    to dotted names; a parameter holding JSON is flattened too), then the ``Referer``
    header as ``("Referer", url)`` followed by the Referer's own query parameters.
    """
    return ParamReader()(entry, entry.request_headers.get("referer"))

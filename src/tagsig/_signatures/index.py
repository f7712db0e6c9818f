"""A compiled form of the bundled signature database, written when the wheel is built.

Reading ``signatures.json`` means decoding two megabytes of JSON and building every record
from it, which takes a large share of a short command's run. The wheel build hook
(``hatch_build.py``) writes the built records once, as :mod:`marshal` data of plain tuples,
strings and numbers, to ``signatures.index`` next to the JSON file. At run time the index is
used only when it was written from the very bytes of the shipped JSON file, by this format,
and its own bytes are intact (both are SHA-256 digests in its header); otherwise the JSON
file is read as in a source checkout. Regular expressions are compiled again on loading.
"""

from __future__ import annotations

import hashlib
import marshal
from typing import TYPE_CHECKING, Any, Final

from attrs import fields

from tagsig._exceptions import SignatureError
from tagsig._signatures.file import Layer
from tagsig._signatures.model import (
    CookiePattern,
    Facts,
    Organisation,
    Signature,
    UrlPattern,
    Vendor,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["INDEX_NAME", "decode_layer", "encode_layer"]

INDEX_NAME: Final = "signatures.index"
"""The index's file name, next to ``signatures.json``."""
_MAGIC: Final = b"tagsig signature index\n"
_FORMAT: Final = 1
_DIGEST: Final = 32


def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.name != "pattern")


_VENDOR: Final = _names(Vendor)
_FACTS: Final = _names(Facts)
_ORGANISATION: Final = _names(Organisation)
_SIGNATURE: Final = _names(Signature)
_URL: Final = _names(UrlPattern)
_COOKIE: Final = _names(CookiePattern)
_LAYOUT: Final = repr((_FORMAT, _VENDOR, _FACTS, _ORGANISATION, _SIGNATURE, _URL, _COOKIE))
"""What the records hold: another layout of the model makes every older index stale."""


def source_key(source: bytes) -> bytes:
    """Return the digest of the JSON file's bytes and the record layout."""
    return hashlib.sha256(_LAYOUT.encode() + b"\0" + source).digest()


def _values(record: object, names: Sequence[str]) -> tuple[object, ...]:
    return tuple(getattr(record, name) for name in names)


def _signature_values(signature: Signature) -> tuple[object, ...]:
    values: list[object] = []
    for name in _SIGNATURE:
        value = getattr(signature, name)
        if name == "vendor":
            value = _values(value, _VENDOR)
        elif name == "facts":
            value = _values(value, _FACTS)
        elif name == "urls":
            value = tuple(_values(pattern, _URL) for pattern in value)
        elif name == "cookies":
            value = tuple(_values(pattern, _COOKIE) for pattern in value)
        values.append(value)
    return tuple(values)


def encode_layer(layer: Layer, source: bytes) -> bytes:
    """Return the index of ``layer``, read from the JSON file whose bytes are ``source``.

    The layer must be a plain database file (no disabling entries).
    """
    if layer.disabled:
        raise SignatureError("expected a database without disabling entries", path=layer.source)
    records: object = (
        layer.schema_version,
        tuple((_signature_values(s), pointer) for s, pointer in layer.signatures),
        tuple((_values(o, _ORGANISATION), pointer) for o, pointer in layer.organisations),
    )
    payload = marshal.dumps(records)  # type: ignore[arg-type]  # tuples, str, numbers, None
    return _MAGIC + source_key(source) + hashlib.sha256(payload).digest() + payload


def decode_layer(index: bytes, source: bytes, path: str) -> Layer | None:
    """Return the layer an index holds, or ``None`` when it is stale, damaged or foreign.

    Args:
        index: The index file's bytes.
        source: The bytes of the JSON file the index must have been written from.
        path: The JSON file's name, as the layer's ``source``.

    """
    start = len(_MAGIC)
    body = start + 2 * _DIGEST
    if (
        not index.startswith(_MAGIC)
        or index[start : start + _DIGEST] != source_key(source)
        or index[start + _DIGEST : body] != hashlib.sha256(index[body:]).digest()
    ):
        return None
    try:
        version, signatures, organisations = marshal.loads(index[body:])  # noqa: S302
        facts: dict[tuple[object, ...], Facts] = {}  # a few hundred distinct facts, shared
        return Layer(
            source=path,
            signatures=tuple(
                (_signature(values, facts), pointer) for values, pointer in signatures
            ),
            disabled=(),
            organisations=tuple(
                (Organisation(**dict(zip(_ORGANISATION, values, strict=True))), pointer)
                for values, pointer in organisations
            ),
            schema_version=version,
        )
    except (ValueError, TypeError, EOFError, KeyError, IndexError, SignatureError):
        # Written by this format from these bytes and intact, yet unreadable: not trusted.
        return None


def _signature(values: Sequence[object], facts: dict[tuple[object, ...], Facts]) -> Signature:
    # Marshal data is untyped: a wrong shape raises TypeError or ValueError, caught above.
    record: dict[str, Any] = dict(zip(_SIGNATURE, values, strict=True))
    record["vendor"] = Vendor(**dict(zip(_VENDOR, record["vendor"], strict=True)))
    known = facts.get(record["facts"])
    if known is None:
        known = facts[record["facts"]] = Facts(**dict(zip(_FACTS, record["facts"], strict=True)))
    record["facts"] = known
    record["urls"] = tuple(UrlPattern(**dict(zip(_URL, u, strict=True))) for u in record["urls"])
    record["cookies"] = tuple(
        CookiePattern(**dict(zip(_COOKIE, c, strict=True))) for c in record["cookies"]
    )
    return Signature(**record)

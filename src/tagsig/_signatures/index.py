"""A compiled form of the bundled signature database, written when the wheel is built.

Reading ``signatures.json`` means decoding two megabytes of JSON and building every record
from it, which takes a large share of a short command's run. The wheel build hook
(``hatch_build.py``) writes the built records once, as MessagePack, to ``signatures.index``
next to the JSON file; msgspec decodes them straight into the model's classes, checking
every field's type as it goes. At run time the index is used only when it was written from
the very bytes of the shipped JSON file, by this format, and its own bytes are intact (both
are SHA-256 digests in its header); otherwise the JSON file is read as in a source
checkout. Regular expressions are compiled again on loading.
"""

from __future__ import annotations

import functools
import hashlib
from typing import TYPE_CHECKING, Final, TypeAlias

import msgspec
from attrs import fields, has

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
    from msgspec.msgpack import Decoder

__all__ = ["INDEX_NAME", "decode_layer", "encode_layer"]

INDEX_NAME: Final = "signatures.index"
"""The index's file name, next to ``signatures.json``."""
_MAGIC: Final = b"tagsig signature index\n"
_FORMAT: Final = 2
_DIGEST: Final = 32

_Records: TypeAlias = tuple[
    int, tuple[Signature, ...], tuple[str, ...], tuple[Organisation, ...], tuple[str, ...]
]
"""The schema version, the signatures and their pointers, the organisations and theirs."""


def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.name != "pattern")


_LAYOUT: Final = repr(
    (
        _FORMAT,
        *(_names(c) for c in (Vendor, Facts, Organisation, Signature, UrlPattern, CookiePattern)),
    )
)
"""What the records hold: another layout of the model makes every older index stale."""


def source_key(source: bytes) -> bytes:
    """Return the digest of the JSON file's bytes and the record layout."""
    return hashlib.sha256(_LAYOUT.encode() + b"\0" + source).digest()


_Value: TypeAlias = "str | int | float | bool | list[_Value] | dict[str, _Value] | None"


def _record(value: object) -> _Value:
    """Return a model record as plain data, without its compiled patterns."""
    if has(type(value)):
        return {name: _record(getattr(value, name)) for name in _names(type(value))}
    if isinstance(value, tuple):
        return [_record(item) for item in value]
    if value is None or isinstance(value, str | int | float):
        return value
    raise SignatureError(f"expected plain record values, found {type(value).__name__}")


def encode_layer(layer: Layer, source: bytes) -> bytes:
    """Return the index of ``layer``, read from the JSON file whose bytes are ``source``.

    The layer must be a plain database file (no disabling entries).
    """
    if layer.disabled:
        raise SignatureError("expected a database without disabling entries", path=layer.source)
    records = (
        layer.schema_version,
        [_record(signature) for signature, _ in layer.signatures],
        [pointer for _, pointer in layer.signatures],
        [_record(organisation) for organisation, _ in layer.organisations],
        [pointer for _, pointer in layer.organisations],
    )
    payload = msgspec.msgpack.encode(records)
    return _MAGIC + source_key(source) + hashlib.sha256(payload).digest() + payload


@functools.cache
def _decoder() -> Decoder[_Records]:
    return msgspec.msgpack.Decoder(_Records)


def decode_layer(index: bytes, source: bytes, path: str) -> Layer | None:
    """Return the layer an index holds, or ``None`` when it is stale, damaged or foreign.

    Args:
        index: The index file's bytes.
        source: The bytes of the JSON file the index must have been written from.
        path: The JSON file's name, as the layer's ``source``.

    """
    start = len(_MAGIC)
    body = start + 2 * _DIGEST
    view = memoryview(index)
    if (
        not index.startswith(_MAGIC)
        or index[start : start + _DIGEST] != source_key(source)
        or index[start + _DIGEST : body] != hashlib.sha256(view[body:]).digest()
    ):
        return None
    try:
        version, signatures, pointers, organisations, organisation_pointers = _decoder().decode(
            view[body:]
        )
        return Layer(
            source=path,
            signatures=tuple(zip(signatures, pointers, strict=True)),
            disabled=(),
            organisations=tuple(zip(organisations, organisation_pointers, strict=True)),
            schema_version=version,
        )
    except (msgspec.DecodeError, ValueError, SignatureError):
        # Written by this format from these bytes and intact, yet unreadable: not trusted.
        return None

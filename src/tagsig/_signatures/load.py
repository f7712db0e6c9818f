"""Load, layer and validate signature databases.

A signature database is a JSON file (format ``schema_version`` 2, or 1 without
organisations) listing the organisations that own tags and domains and the third-party tags
tagsig recognises. :func:`load_signatures` reads the bundled database, layers custom
files on top of it and returns an immutable :class:`SignatureDB`;
:meth:`Matcher.compile` compiles it once into fast look-ups.

Layering: files apply in order. An entry whose ``id`` already exists replaces the earlier
entry, an entry ``{"id": "x", "disabled": true}`` removes ``x``, any other entry is added.
When a later layer claims a host pattern that an earlier signature also claims, the later
layer takes the host over: the earlier signature keeps its other host patterns.
Organisations layer the same way by ``id`` (a later record replaces the earlier one), and a
domain that a later layer gives to another organisation is taken over in the same way.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import msgspec
from attrs import evolve, frozen

from tagsig._exceptions import InvalidSignatureDB, SignatureError
from tagsig._resources import data_file
from tagsig._signatures.file import Layer, read_layer
from tagsig._signatures.index import INDEX_NAME, decode_layer
from tagsig._signatures.model import Organisation, Signature, SignatureDB
from tagsig._signatures.organisation_file import reference_problems

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = ["SignatureVersion", "check_alone", "load_signatures", "signature_version"]

_BUNDLED_NAME: Final = "signatures.json"


def load_signatures(*paths: str | os.PathLike[str], bundled: bool = True) -> SignatureDB:
    """Load the bundled signature database and layer custom database files on top of it.

    With no ``paths`` the bundled database is returned; it is read once per process. Each
    custom file is validated against the JSON schema and checked for duplicate ids,
    regular expressions that do not compile or could take more than linear time, host
    patterns that cover a whole public suffix (``*.co.uk``, ``*.github.io``), host
    patterns claimed by two signatures, generic cookie names in rules without ``domains``
    (see :func:`tagsig.is_generic_cookie_name`), malformed domains, public suffixes among an
    organisation's ``domains``, domains claimed by two organisations, ``parent`` and
    ``organisation`` ids that no organisation has (in a version 2 file) and parent cycles.
    Every problem in a file is reported at once.

    Args:
        paths: Custom database files, layered in order (see the module documentation).
        bundled: Whether to start from the bundled database; ``False`` layers ``paths``
            alone.

    Returns:
        The layered database.

    Raises:
        SignatureError: A file cannot be read, is not JSON, is not a JSON object, or the
            bundled database or the schema is missing.
        UnsupportedSchemaError: A file declares a ``schema_version`` this tagsig cannot
            read.
        InvalidSignatureDB: A file has invalid entries; it groups one
            :class:`SignatureError` per problem, each with its ``pointer``.

    """
    return _load_signatures(paths, bundled=bundled)


def _load_signatures(
    paths: Sequence[str | os.PathLike[str]],
    *,
    bundled: bool,
    schema: Mapping[str, Any] | None = None,
) -> SignatureDB:
    """Do the work of :func:`load_signatures`; ``schema`` replaces the shipped schema."""
    if not paths:
        return _bundled_db() if bundled else SignatureDB(signatures=())
    layers = [_bundled_layer()] if bundled else []
    # Each file is checked against the organisations of the layers before it, so that its
    # unknown ids are reported with its other problems.
    earlier = {o.id: (o, layer.source, p) for layer in layers for o, p in layer.organisations}
    for path in paths:
        layer = read_layer(Path(path), schema=schema, earlier=earlier)
        earlier.update((o.id, (o, layer.source, p)) for o, p in layer.organisations)
        layers.append(layer)
    return _merge_layers(layers)


def _bundled_layer() -> Layer:
    return _bundled()[0]


@functools.cache
def _bundled() -> tuple[Layer, bool]:
    """Return the bundled layer, and whether it was read from the wheel's index."""
    try:
        resource = data_file(_BUNDLED_NAME)
    except FileNotFoundError as e:
        raise SignatureError(
            f"expected the bundled signature database {_BUNDLED_NAME!r}, found none "
            "(the installation is incomplete)"
        ) from e
    # The test suite validates the bundled database in full; at run time it is only
    # compiled, which keeps start-up fast. A wheel ships it compiled (signatures.index),
    # used when it was written from these very bytes.
    indexed = _indexed_layer(resource)
    if indexed is not None:
        return indexed, True
    return read_layer(resource, schema=None, validate=False), False


def _indexed_layer(resource: Traversable) -> Layer | None:
    try:
        index = data_file(INDEX_NAME).read_bytes()
        source = resource.read_bytes()
    except OSError:  # FileNotFoundError: a source checkout, which has no index
        return None
    return decode_layer(index, source, str(resource))


@functools.cache
def _bundled_db() -> SignatureDB:
    layer, indexed = _bundled()
    if indexed:
        # The build hook writes the index only for a file that layered alone is itself
        # (check_alone): its references resolve and no host changes hands.
        return _as_is(layer)
    return _merge_layers([layer])


def check_alone(layer: Layer) -> None:
    """Check that layering ``layer`` alone changes nothing, as the bundled index assumes.

    Raises:
        InvalidSignatureDB: An organisation id names no organisation, or a parent chain
            is a cycle.
        SignatureError: Two signatures or organisations claim one host or domain.

    """
    if _merge_layers([layer]).signatures != _as_is(layer).signatures:
        raise SignatureError("expected no host claimed by two signatures", path=layer.source)


# --- Layering ---------------------------------------------------------------------------


def _merge_layers(layers: Sequence[Layer]) -> SignatureDB:
    """Apply layers in order: replace by id, remove disabled ids, hand hosts over.

    Raises:
        InvalidSignatureDB: A layer disables an id that no earlier layer defines.

    """
    merged: dict[str, Signature] = {}
    organisations: dict[str, tuple[Organisation, str, str]] = {}
    for layer in layers:
        _merge_organisations(organisations, layer)
        problems = [
            SignatureError(
                f"expected to disable a signature of an earlier layer, found no {entry.id!r}",
                path=layer.source,
                pointer=f"{entry.pointer}/id",
            )
            for entry in layer.disabled
            if entry.id not in merged
        ]
        if problems:
            raise InvalidSignatureDB("invalid signature database", problems, path=layer.source)
        for entry in layer.disabled:
            del merged[entry.id]
        claimed: dict[str, str] = {}
        for signature, _pointer in layer.signatures:
            merged[signature.id] = signature
            claimed.update(dict.fromkeys(signature.hosts, signature.id))
        if not claimed:
            continue
        for signature_id, signature in list(merged.items()):
            kept = tuple(h for h in signature.hosts if claimed.get(h, signature_id) == signature_id)
            if len(kept) != len(signature.hosts):
                merged[signature_id] = evolve(signature, hosts=kept)
    _check_references(organisations, layers)
    return SignatureDB(
        signatures=merged.values(),
        organisations=[organisation for organisation, _, _ in organisations.values()],
        sources=[layer.source for layer in layers],
    )


def _as_is(layer: Layer) -> SignatureDB:
    """Return the database of ``layer`` alone, unmerged (see :func:`check_alone`)."""
    return SignatureDB(
        signatures=[signature for signature, _ in layer.signatures],
        organisations=[organisation for organisation, _ in layer.organisations],
        sources=[layer.source],
    )


def _merge_organisations(merged: dict[str, tuple[Organisation, str, str]], layer: Layer) -> None:
    """Replace organisations by id; a domain claimed anew leaves its earlier owner."""
    handing_over = bool(merged)
    claimed: dict[str, str] = {}
    for organisation, pointer in layer.organisations:
        merged[organisation.id] = (organisation, layer.source, pointer)
        claimed.update(dict.fromkeys(organisation.domains + organisation.hosting, organisation.id))
    # The first layer has no earlier owners to take domains from.
    if not claimed or not handing_over:
        return
    for organisation_id, (organisation, source, pointer) in list(merged.items()):
        domains = tuple(
            d for d in organisation.domains if claimed.get(d, organisation_id) == organisation_id
        )
        hosting = tuple(
            d for d in organisation.hosting if claimed.get(d, organisation_id) == organisation_id
        )
        if domains != organisation.domains or hosting != organisation.hosting:
            merged[organisation_id] = (
                evolve(organisation, domains=domains, hosting=hosting),
                source,
                pointer,
            )


def _check_references(
    organisations: Mapping[str, tuple[Organisation, str, str]], layers: Sequence[Layer]
) -> None:
    """Check the organisation ids that parents and signatures name, and parent chains.

    Raises:
        InvalidSignatureDB: An id names no organisation, or a parent chain is a cycle.

    """
    named = [
        (signature, layer.source, pointer)
        for layer in layers
        if layer.schema_version > 1  # format 1 has no organisations
        for signature, pointer in layer.signatures
    ]
    problems = reference_problems(organisations, named)
    if problems:
        sources = {problem.path for problem in problems}
        path = sources.pop() if len(sources) == 1 else None
        raise InvalidSignatureDB("invalid signature database", problems, path=path)


# --- Version ----------------------------------------------------------------------------


@frozen(kw_only=True)
class SignatureVersion:
    """Which signature database an analysis used: a content hash and the date it records."""

    version: str
    """``sha256:`` and the first 16 hex digits of a SHA-256 over the database files' bytes,
    in layer order: the same files give the same version on every machine."""
    date: str | None = None
    """The ``date`` (``YYYY-MM-DD``) the last file that records one gives; ``None`` when no
    file records one (the bundled database records none yet)."""
    layers: int = 1
    """How many files were layered."""


class _Dated(msgspec.Struct):
    date: str | None = None


def _source_bytes(source: str) -> bytes:
    try:
        bundled = data_file(_BUNDLED_NAME)
    except FileNotFoundError:
        bundled = None
    if bundled is not None and source == str(bundled):
        return bundled.read_bytes()
    return Path(source).read_bytes()


@functools.cache
def _version_of(sources: tuple[str, ...]) -> SignatureVersion | None:
    digest = hashlib.sha256()
    date = None
    for source in sources:
        try:
            content = _source_bytes(source)
        except OSError:
            return None
        digest.update(hashlib.sha256(content).digest())
        try:
            recorded = msgspec.json.decode(content, type=_Dated).date
        except msgspec.DecodeError:
            recorded = None
        date = recorded or date
    return SignatureVersion(
        version="sha256:" + digest.hexdigest()[:16], date=date, layers=len(sources)
    )


def signature_version(db: SignatureDB) -> SignatureVersion | None:
    """Return the version of ``db``, computed once per set of files.

    ``None`` for a database built in memory rather than read from files, or whose files
    can no longer be read.

    >>> signature_version(SignatureDB(signatures=())) is None
    True
    """
    return _version_of(db.sources) if db.sources else None

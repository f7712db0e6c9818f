"""Tests for the compiled signature index shipped in the wheel."""

from __future__ import annotations

import inspect
from pathlib import Path

import attrs
import pytest

import tagsig._signatures.load as signatures_module
from tagsig import InvalidSignatureDB, SignatureError
from tagsig._resources import data_file
from tagsig._signatures.file import Disable, Layer, read_layer
from tagsig._signatures.index import INDEX_NAME, decode_layer, encode_layer
from tagsig._signatures.match import Matcher
from tagsig._signatures.model import Organisation, Signature, Vendor


@pytest.fixture(scope="module")
def bundled() -> tuple[Layer, bytes]:
    """Return the bundled database read from its JSON file, and that file's bytes."""
    resource = data_file("signatures.json")
    return read_layer(resource, schema=None, validate=False), resource.read_bytes()


def test_round_trip_gives_the_same_records(bundled: tuple[Layer, bytes]) -> None:
    """The index holds every signature, organisation and pointer, regexes compiled again."""
    layer, source = bundled
    decoded = decode_layer(encode_layer(layer, source), source, layer.source)
    assert decoded == layer
    assert decoded is not None
    patterns = [
        (c.name, c.pattern.pattern if c.pattern else None)
        for s, _ in decoded.signatures
        for c in s.cookies
    ]
    patterns += [
        (u.path, u.pattern.pattern if u.pattern else None)
        for s, _ in decoded.signatures
        for u in s.urls
    ]
    expected = [
        (c.name, c.pattern.pattern if c.pattern else None)
        for s, _ in layer.signatures
        for c in s.cookies
    ]
    expected += [
        (u.path, u.pattern.pattern if u.pattern else None)
        for s, _ in layer.signatures
        for u in s.urls
    ]
    assert patterns == expected
    matcher = Matcher.from_signatures(s for s, _ in decoded.signatures)
    found = matcher.match_cookie("_ga_ABC123")
    assert found is not None
    assert found.signature.id == "google-analytics"


def test_stale_index_is_ignored(bundled: tuple[Layer, bytes]) -> None:
    """An index written from other bytes of the JSON file is not used."""
    layer, source = bundled
    index = encode_layer(layer, source)
    assert decode_layer(index, source + b" ", layer.source) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda index: index[:-1],
        lambda index: index[:-10] + bytes(10),
        lambda index: b"not an index",
        lambda index: b"",
        lambda index: index[:60],
    ],
)
def test_damaged_index_is_ignored(bundled: tuple[Layer, bytes], damage: object) -> None:
    """A truncated, altered or foreign index is not trusted."""
    layer, source = bundled
    index = encode_layer(layer, source)
    assert callable(damage)
    assert decode_layer(damage(index), source, layer.source) is None


def test_intact_index_of_a_wrong_shape_is_ignored(bundled: tuple[Layer, bytes]) -> None:
    """Records of another shape under a valid header are refused, not half-read."""
    import hashlib

    import msgspec

    from tagsig._signatures.index import _MAGIC, source_key

    _layer, source = bundled
    signature = {"id": "a", "name": "A", "vendor": {"name": "V"}, "category": "analytics"}
    shapes: list[tuple[object, ...]] = [
        (2, [{"id": "only-an-id"}], ["/signatures/0"], [], []),  # required fields missing
        (2, [{**signature, "consent": "sometimes"}], ["/signatures/0"], [], []),  # not a purpose
        (2, [{**signature, "consent": "analytics"}], [], [], []),  # a pointer missing
        (
            2,
            [{**signature, "consent": "analytics", "cookies": [{"name": "(", "match": "regex"}]}],
            ["/signatures/0"],
            [],
            [],
        ),  # a regular expression that does not compile
    ]
    for shape in shapes:
        payload = msgspec.msgpack.encode(shape)
        index = _MAGIC + source_key(source) + hashlib.sha256(payload).digest() + payload
        assert decode_layer(index, source, "x") is None, shape
    payload = msgspec.msgpack.encode((2, [{**signature, "consent": "analytics"}], ["/s/0"], [], []))
    index = _MAGIC + source_key(source) + hashlib.sha256(payload).digest() + payload
    decoded = decode_layer(index, source, "x")
    assert decoded is not None
    assert [(s.id, p) for s, p in decoded.signatures] == [("a", "/s/0")]


def _fake_data(monkeypatch: pytest.MonkeyPatch, files: dict[str, Path]) -> None:
    def fake_data_file(name: str) -> Path:
        if name not in files:
            raise FileNotFoundError(name)
        return files[name]

    monkeypatch.setattr(signatures_module, "data_file", fake_data_file)


@pytest.fixture
def clean_caches() -> object:
    """Forget the memoised bundled database before and after a test."""
    caches = (signatures_module._bundled, signatures_module._bundled_db)
    for cache in caches:
        cache.cache_clear()
    yield
    for cache in caches:
        cache.cache_clear()


def test_bundled_database_is_read_from_a_matching_index(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clean_caches: None,
    bundled: tuple[Layer, bytes],
) -> None:
    """With a matching index the JSON file is not parsed; with a stale one it is."""
    layer, source = bundled
    json_file = tmp_path / "signatures.json"
    json_file.write_bytes(source)
    index_file = tmp_path / INDEX_NAME
    index_file.write_bytes(encode_layer(layer, source))
    _fake_data(monkeypatch, {"signatures.json": json_file, INDEX_NAME: index_file})
    parsed: list[str] = []
    real_read_layer = read_layer

    def counting_read_layer(*args: object, **kwargs: object) -> Layer:
        parsed.append("json")
        return real_read_layer(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(signatures_module, "read_layer", counting_read_layer)
    db = signatures_module.load_signatures()
    assert parsed == []
    assert db.signatures == tuple(sorted((s for s, _ in layer.signatures), key=lambda s: s.id))
    assert db.sources == (str(json_file),)

    signatures_module._bundled.cache_clear()
    signatures_module._bundled_db.cache_clear()
    json_file.write_bytes(source.replace(b'"schema_version": 2', b'"schema_version":  2', 1))
    stale = signatures_module.load_signatures()
    assert parsed == ["json"]
    assert stale.signatures == db.signatures
    assert stale.organisations == db.organisations


def test_bundled_database_loads_alone_as_it_is(bundled: tuple[Layer, bytes]) -> None:
    """The bundled file passes the check the wheel's index is written after."""
    signatures_module.check_alone(bundled[0])


def _layer(*signatures: Signature, organisations: tuple[Organisation, ...] = ()) -> Layer:
    return Layer(
        source="custom.json",
        signatures=tuple((s, f"/signatures/{n}") for n, s in enumerate(signatures)),
        disabled=(),
        organisations=tuple((o, f"/organisations/{n}") for n, o in enumerate(organisations)),
        schema_version=2,
    )


def _signature(signature_id: str, *hosts: str, organisation: str | None = None) -> Signature:
    return Signature(
        id=signature_id,
        name=signature_id,
        vendor=Vendor(name=signature_id),
        category="analytics",
        consent="analytics",
        hosts=hosts,
        organisation=organisation,
    )


def test_a_file_that_hands_a_host_over_within_itself_is_not_indexed() -> None:
    """Two signatures of one file claiming one host: layering would change the file."""
    layer = _layer(_signature("a", "t.example"), _signature("b", "t.example", "b.example"))
    with pytest.raises(SignatureError, match="host claimed by two signatures"):
        signatures_module.check_alone(layer)
    signatures_module.check_alone(
        _layer(_signature("a", "a.example"), _signature("b", "t.example"))
    )


def test_a_file_naming_an_unknown_organisation_is_not_indexed() -> None:
    """A reference to no organisation fails the check, as it fails loading."""
    known = (Organisation(id="acme", name="Acme"),)
    signatures_module.check_alone(
        _layer(_signature("a", "a.example", organisation="acme"), organisations=known)
    )
    with pytest.raises(InvalidSignatureDB):
        signatures_module.check_alone(
            _layer(_signature("a", "a.example", organisation="nobody"), organisations=known)
        )


def test_records_of_values_no_index_holds_are_refused(bundled: tuple[Layer, bytes]) -> None:
    """A record built in code with a value the index cannot hold is an error, not a loss."""
    signature = _signature("a", "a.example")
    odd = attrs.evolve(signature, hosts=frozenset({"a.example"}))  # type: ignore[arg-type]
    with pytest.raises(SignatureError, match="expected plain record values, found frozenset"):
        encode_layer(_layer(odd), bundled[1])


def test_a_pattern_shows_it_is_compiled_from_its_text() -> None:
    """The signature of a pattern class says its compiled form defaults to its text's."""
    from tagsig._signatures.model import CookiePattern, UrlPattern

    for cls in (CookiePattern, UrlPattern):
        assert "= <compiled from the text>" in str(inspect.signature(cls))


def test_a_layer_that_disables_is_not_indexed(bundled: tuple[Layer, bytes]) -> None:
    """Only a plain database file has an index: disabling entries need the layers below."""
    layer = attrs.evolve(
        _layer(_signature("a", "a.example")), disabled=(Disable(id="b", pointer="/signatures/1"),)
    )
    with pytest.raises(SignatureError, match="without disabling entries"):
        encode_layer(layer, bundled[1])

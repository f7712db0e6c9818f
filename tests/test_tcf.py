"""Tests of the IAB TCF v2 TC string decoder, with an encoder written from the spec."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tagsig import ConsentStringError, TagsigError, TCString, decode_tc_string, parse_tc_string

# The example of the IAB's "Consent string and vendor list formats v2" document: a core
# segment and a disclosed-vendors segment.
IAB_EXAMPLE = (
    "COw4XqLOw4XqLAAAAAENAXCAAAAAAAAAAAAAAAAAAAAA.IFoEUQQgAIQwgIwQABAEAAAAOIAACAIAAAAQAIAgEAAC"
    "EAAAAAgAQBAAAAAAAGBAAgAAAAAAAFAAECAAAgAAQARAEQAAAAAJAAIAAgAAAYQEAAAQmAgBC3ZAYzUw"
)


class _Writer:
    """A bit writer: the inverse of the decoder's reader."""

    def __init__(self) -> None:
        self.bits: list[str] = []

    def put(self, value: int, count: int) -> None:
        self.bits.append(format(value, f"0{count}b"))

    def flags(self, ids: set[int], count: int) -> None:
        self.bits.append("".join("1" if i + 1 in ids else "0" for i in range(count)))

    def letters(self, text: str) -> None:
        for char in text:
            self.put(ord(char) - ord("A"), 6)

    def vendors(self, ids: set[int], *, ranges: bool) -> None:
        top = max(ids, default=0)
        self.put(top, 16)
        self.put(int(ranges), 1)
        if not ranges:
            self.flags(ids, top)
            return
        self.put(len(ids), 12)
        for vendor in sorted(ids):
            self.put(0, 1)
            self.put(vendor, 16)

    def encode(self) -> str:
        bits = "".join(self.bits)
        bits += "0" * (-len(bits) % 8)
        data = int(bits, 2).to_bytes(len(bits) // 8, "big") if bits else b""
        return base64.urlsafe_b64encode(data).decode().rstrip("=")


def encode(*, created: int = 16_000_000_000, cmp_id: int = 10, purposes: set[int],
           vendors: set[int], legitimate: set[int] = frozenset(),  # type: ignore[assignment]
           ranges: bool = False, language: str = "EN", country: str = "FR",
           special: set[int] = frozenset()) -> str:  # type: ignore[assignment]
    """Encode a core segment (TCF v2.2, no publisher restrictions)."""
    w = _Writer()
    w.put(2, 6)
    w.put(created, 36)
    w.put(created, 36)
    w.put(cmp_id, 12)
    w.put(3, 12)
    w.put(1, 6)
    w.letters(language)
    w.put(150, 12)
    w.put(4, 6)
    w.put(0, 1)
    w.put(0, 1)
    w.flags(special, 12)
    w.flags(purposes, 24)
    w.flags(legitimate, 24)
    w.put(0, 1)
    w.letters(country)
    w.vendors(vendors, ranges=ranges)
    w.vendors(set(), ranges=False)
    w.put(0, 12)
    return w.encode()


class TestDecode:
    """decode_tc_string on known strings."""

    def test_iab_example(self) -> None:
        """The specification's example decodes, with its disclosed-vendors segment."""
        decoded = decode_tc_string(IAB_EXAMPLE)
        assert decoded.version == 2
        assert decoded.consent_language == "EN"
        assert decoded.purposes_consent == ()
        assert decoded.disclosed_vendors is not None
        assert decoded.disclosed_vendors[:5] == (2, 6, 8, 12, 18)

    def test_encoded_fields(self) -> None:
        """Every core field comes back as encoded."""
        text = encode(purposes={1, 3, 4, 7}, vendors={1, 755, 2000}, legitimate={2},
                      special={1}, cmp_id=28, language="DE", country="IT")
        decoded = decode_tc_string(text)
        assert decoded.cmp_id == 28
        assert decoded.created == datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)
        assert decoded.consent_language == "DE"
        assert decoded.publisher_country == "IT"
        assert decoded.purposes_consent == (1, 3, 4, 7)
        assert decoded.purposes_legitimate_interest == (2,)
        assert decoded.special_feature_opt_ins == (1,)
        assert decoded.vendor_consents == (1, 755, 2000)
        assert decoded.has_vendor(755)
        assert not decoded.has_purpose(2)
        assert decoded.policy_version == 4

    def test_range_encoding(self) -> None:
        """Range-encoded vendor consents decode like a bitfield."""
        assert decode_tc_string(encode(purposes={1}, vendors={5, 9, 300}, ranges=True)
                                ).vendor_consents == (5, 9, 300)

    @pytest.mark.parametrize(("text", "message"), [
        ("", "expected base64url data in segment 0, found none"),
        ("B" + "A" * 39, "expected a TC string of version 2, found version 1"),
        ("CA", "expected 36 bits for Created at bit 6 of segment 0, found only 2"),
        ("C!!!", "expected base64url data in segment 0, found 'C!!!'"),
    ])
    def test_errors(self, text: str, message: str) -> None:
        """Undecodable strings raise ConsentStringError saying what was expected."""
        with pytest.raises(ConsentStringError) as caught:
            decode_tc_string(text)
        assert str(caught.value) == message
        assert parse_tc_string(text) is None

    def test_type_error(self) -> None:
        """A non-string is a programmer's mistake: TypeError."""
        with pytest.raises(TypeError):
            decode_tc_string(b"CO")  # type: ignore[arg-type]


class TestProperties:
    """Property tests: round trip and garbage."""

    @given(purposes=st.sets(st.integers(1, 24)),
           vendors=st.sets(st.integers(1, 3000), max_size=40),
           ranges=st.booleans(),
           created=st.integers(0, 2**36 - 1))
    def test_round_trip(self, purposes: set[int], vendors: set[int], ranges: bool,
                        created: int) -> None:
        """What the encoder writes, the decoder reads back."""
        decoded = decode_tc_string(encode(purposes=purposes, vendors=vendors, ranges=ranges,
                                          created=created))
        assert isinstance(decoded, TCString)
        assert decoded.purposes_consent == tuple(sorted(purposes))
        assert decoded.vendor_consents == tuple(sorted(vendors))

    @given(st.text(max_size=300))
    def test_garbage_text(self, text: str) -> None:
        """Any text decodes or raises a TagsigError, nothing else."""
        try:
            decode_tc_string(text)
        except TagsigError:
            pass

    @given(st.binary(max_size=200))
    def test_garbage_bytes(self, data: bytes) -> None:
        """Any base64url data decodes or raises a TagsigError; parse gives None then."""
        text = base64.urlsafe_b64encode(b"\x08" + data).decode().rstrip("=")
        try:
            decode_tc_string(text)
        except TagsigError:
            assert parse_tc_string(text) is None

"""Tests of the IAB TCF v2 TC string decoder, with an encoder written from the spec."""

from __future__ import annotations

import base64
import time
import tracemalloc
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tagsig import (
    ConsentStringError,
    TagsigError,
    TCString,
    decode_tc_string,
    try_decode_tc_string,
)

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

    def ranges(self, entries: Sequence[tuple[int, int]]) -> None:
        self.put(len(entries), 12)
        for first, last in entries:
            self.put(int(first != last), 1)
            self.put(first, 16)
            if first != last:
                self.put(last, 16)

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

    def encode(self, *, whole_bytes: bool = True) -> str:
        bits = "".join(self.bits)
        if not whole_bytes:  # six bits a character, as the IAB's reference encoder writes
            bits += "0" * (-len(bits) % 6)
            return "".join(_ALPHABET[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))
        bits += "0" * (-len(bits) % 8)
        data = int(bits, 2).to_bytes(len(bits) // 8, "big") if bits else b""
        return base64.urlsafe_b64encode(data).decode().rstrip("=")


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
Restriction = tuple[int, int, Sequence[tuple[int, int]]]


def encode(
    *,
    created: int = 16_000_000_000,
    cmp_id: int = 10,
    purposes: set[int],
    vendors: set[int],
    legitimate: set[int] = frozenset(),  # type: ignore[assignment]
    ranges: bool = False,
    language: str = "EN",
    country: str = "FR",
    special: set[int] = frozenset(),  # type: ignore[assignment]
    restrictions: Sequence[Restriction] | None = (),
    whole_bytes: bool = True,
    vendor_ranges: Sequence[tuple[int, int]] | None = None,
    max_vendor: int = 0,
) -> str:
    """Encode a core segment (TCF v2.2).

    ``restrictions`` are (purpose, type, vendor ranges); ``None`` leaves out
    NumPubRestrictions. ``vendor_ranges`` writes the vendor consents as those range
    entries under ``max_vendor``.
    """
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
    if vendor_ranges is None:
        w.vendors(vendors, ranges=ranges)
    else:
        w.put(max_vendor, 16)
        w.put(1, 1)
        w.ranges(vendor_ranges)
    w.vendors(set(), ranges=False)
    if restrictions is not None:
        w.put(len(restrictions), 12)
        for purpose, kind, entries in restrictions:
            w.put(purpose, 6)
            w.put(kind, 2)
            w.ranges(entries)
    return w.encode(whole_bytes=whole_bytes)


def segment(kind: int, write: Sequence[tuple[int, int]]) -> str:
    """Encode an optional segment: its type, then (value, bit count) pairs."""
    w = _Writer()
    w.put(kind, 3)
    for value, count in write:
        w.put(value, count)
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
        text = encode(
            purposes={1, 3, 4, 7},
            vendors={1, 755, 2000},
            legitimate={2},
            special={1},
            cmp_id=28,
            language="DE",
            country="IT",
        )
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
        assert decode_tc_string(
            encode(purposes={1}, vendors={5, 9, 300}, ranges=True)
        ).vendor_consents == (5, 9, 300)

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "expected base64url data in segment 0, found none"),
            ("B" + "A" * 39, "expected a TC string of version 2, found version 1"),
            ("CA", "expected 36 bits for Created at bit 6 of segment 0, found only 6"),
            ("C!!!", "expected base64url data in segment 0, found 'C!!!'"),
        ],
    )
    def test_errors(self, text: str, message: str) -> None:
        """Undecodable strings raise ConsentStringError saying what was expected."""
        with pytest.raises(ConsentStringError) as caught:
            decode_tc_string(text)
        assert str(caught.value) == message
        assert try_decode_tc_string(text) is None

    def test_type_error(self) -> None:
        """A non-string is a programmer's mistake: TypeError."""
        with pytest.raises(TypeError):
            decode_tc_string(b"CO")  # type: ignore[arg-type]


_CORE = encode(purposes={1}, vendors={3})


def _bits_of(text: str) -> str:
    return "".join(format(_ALPHABET.index(c), "06b") for c in text)


def _with_bits(text: str, start: int, value: int, count: int) -> str:
    """Return ``text`` with ``count`` bits from bit ``start`` replaced by ``value``."""
    bits = _bits_of(text)
    bits = bits[:start] + format(value, f"0{count}b") + bits[start + count :]
    return "".join(_ALPHABET[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))


class TestStrictness:
    """What the format does not allow is refused, as the IAB's reference decoder does."""

    @pytest.mark.parametrize("char", [" ", "!", "=", "+", "/", "\n", "é"])
    def test_invalid_base64url(self, char: str) -> None:
        """A character outside the base64url alphabet is refused, not dropped."""
        for text in (_CORE + char, _CORE[:5] + char + _CORE[5:], char + _CORE):
            with pytest.raises(ConsentStringError, match="expected base64url data in segment 0"):
                decode_tc_string(text)

    @pytest.mark.parametrize(
        ("start", "field"),
        [
            (108, "ConsentLanguage"),
            (114, "ConsentLanguage"),
            (201, "PublisherCC"),
            (207, "PublisherCC"),
        ],
    )
    def test_letter_past_z(self, start: int, field: str) -> None:
        """A letter field of 26 or more is an error, not wrapped round to A."""
        for value in (26, 63):
            with pytest.raises(ConsentStringError) as caught:
                decode_tc_string(_with_bits(_CORE, start, value, 6))
            assert str(caught.value) == (
                f"expected a letter (0-25) in {field}, found {value} in segment 0"
            )
        assert decode_tc_string(_with_bits(_CORE, 201, 25, 6)).publisher_country == "ZR"

    @pytest.mark.parametrize(
        ("restrictions", "vendor_ranges", "message"),
        [
            (
                (),
                [(5, 9), (10, 12)],
                "expected vendor ids up to MaxVendorId 11 in VendorConsents, found 12",
            ),
            ((), [(0, 3)], "expected a vendor id of 1 or more in VendorConsents, found 0"),
            ((), [(9, 5)], "expected a range end at least 9 in VendorConsents, found 5"),
            ([(1, 3, [(1, 2)])], None, "expected a RestrictionType of 0, 1 or 2, found 3"),
            ([(0, 1, [(1, 2)])], None, "expected a PurposeId of 1 or more, found 0"),
            (
                [(2, 1, [(0, 0)])],
                None,
                "expected a vendor id of 1 or more in PubRestrictions, found 0",
            ),
            (
                [(2, 1, [(7, 3)])],
                None,
                "expected a range end at least 7 in PubRestrictions, found 3",
            ),
            (
                [(2, 1, [(1, 2)]), (3, 1, [(1, 2)]), (2, 1, [(5, 5)])],
                None,
                "expected one restriction per purpose and type, found purpose 2 with type 1 twice",
            ),
        ],
    )
    def test_values_refused(
        self,
        restrictions: Sequence[Restriction],
        vendor_ranges: Sequence[tuple[int, int]] | None,
        message: str,
    ) -> None:
        """Ids of 0, ranges past MaxVendorId or reversed, type 3 and repeats are errors."""
        text = encode(
            purposes={1},
            vendors=set(),
            restrictions=restrictions,
            vendor_ranges=vendor_ranges,
            max_vendor=11,
        )
        with pytest.raises(ConsentStringError) as caught:
            decode_tc_string(text)
        assert str(caught.value) == f"{message} in segment 0"

    def test_missing_restrictions(self) -> None:
        """A core segment that ends before NumPubRestrictions is an error."""
        text = encode(purposes={1}, vendors=set(), restrictions=None, whole_bytes=False)
        with pytest.raises(ConsentStringError, match=r"^expected 12 bits for NumPubRestrictions"):
            decode_tc_string(text)

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            (
                [segment(1, [(0, 16), (0, 1)]), segment(1, [(0, 16), (0, 1)])],
                "expected one DisclosedVendors segment, found a second one in segment 2",
            ),
            ([segment(0, [(0, 16)])], "expected segment type 1, 2 or 3 in segment 1, found 0"),
            ([segment(4, [(0, 16)])], "expected segment type 1, 2 or 3 in segment 1, found 4"),
            ([""], "expected base64url data in segment 1, found none"),
        ],
    )
    def test_segments_refused(self, extra: list[str], message: str) -> None:
        """An unknown or repeated segment type, or an empty segment, is an error."""
        with pytest.raises(ConsentStringError) as caught:
            decode_tc_string(".".join([_CORE, *extra]))
        assert str(caught.value) == message


class TestLeniency:
    """What the IAB's reference decoder reads, tagsig reads too."""

    def test_not_padded_to_bytes(self) -> None:
        """A string of six bits a character, not whole bytes, decodes."""
        text = encode(purposes={1, 2}, vendors={7}, whole_bytes=False)
        assert len(text) % 4 == 1  # no whole number of bytes
        decoded = decode_tc_string(text)
        assert decoded.purposes_consent == (1, 2)
        assert decoded.vendor_consents == (7,)


class TestSegments:
    """The optional segments and the publisher restrictions."""

    def test_restrictions_as_ranges(self) -> None:
        """Restrictions keep their vendors as merged ranges."""
        text = encode(
            purposes={1},
            vendors=set(),
            restrictions=[(2, 0, [(10, 20), (5, 5), (15, 30), (31, 31)]), (7, 2, [(1, 65535)])],
        )
        first, second = decode_tc_string(text).publisher_restrictions
        assert (first.purpose, first.restriction) == (2, 0)
        assert first.vendor_ranges == ((5, 5), (10, 31))
        assert first.vendor_count == 23
        assert [first.has_vendor(v) for v in (1, 5, 6, 9, 10, 31, 32)] == [
            False,
            True,
            False,
            False,
            True,
            True,
            False,
        ]
        assert second.vendor_ranges == ((1, 65535),)
        assert second.has_vendor(65535)

    def test_allowed_and_publisher_segments(self) -> None:
        """AllowedVendors and the whole publisher segment decode."""
        allowed = segment(2, [(5, 16), (0, 1), (0b10101, 5)])
        publisher = segment(
            3, [(1 << 23 | 1 << 21, 24), (1 << 22, 24), (3, 6), (0b101, 3), (0b010, 3)]
        )
        decoded = decode_tc_string(f"{_CORE}.{allowed}.{publisher}")
        assert decoded.allowed_vendors == (1, 3, 5)
        assert decoded.disclosed_vendors is None
        assert decoded.publisher_purposes_consent == (1, 3)
        assert decoded.publisher_purposes_legitimate_interest == (2,)
        assert decoded.publisher_custom_purposes == 3
        assert decoded.publisher_custom_purposes_consent == (1, 3)
        assert decoded.publisher_custom_purposes_legitimate_interest == (2,)

    def test_publisher_segment_cut_short(self) -> None:
        """Custom purposes announced but not written are an error."""
        publisher = segment(3, [(0, 24), (0, 24), (40, 6)])
        with pytest.raises(
            ConsentStringError, match="for CustomPurposesConsent at bit 57 of segment 1"
        ):
            decode_tc_string(f"{_CORE}.{publisher}")


class TestBounds:
    """Work and memory follow the string's size, not the vendors it names."""

    def test_many_wide_restrictions(self) -> None:
        """Every purpose and type restricted for vendors 1-65535 many times over: fast, small.

        The time is compared with that of a string of the same size whose ranges name two
        vendors each, so that a slow or loaded machine (or a coverage run) slows both alike;
        work that followed the vendors named would take thousands of times longer.
        """

        def restricted(last: int) -> str:
            restrictions = [
                (purpose, kind, [(1, last)] * 60) for purpose in range(1, 64) for kind in range(3)
            ]
            return encode(purposes={1}, vendors=set(), restrictions=restrictions)

        def fastest(text: str) -> float:
            times = []
            for _ in range(3):
                started = time.perf_counter()
                decode_tc_string(text)
                times.append(time.perf_counter() - started)
            return min(times)

        text, narrow = restricted(65535), restricted(2)
        assert len(text) == len(narrow)
        tracemalloc.start()
        decoded = decode_tc_string(text)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert len(decoded.publisher_restrictions) == 189
        assert all(r.vendor_ranges == ((1, 65535),) for r in decoded.publisher_restrictions)
        assert fastest(text) < 10 * fastest(narrow) + 0.05
        assert peak < 50 * len(text) + 5_000_000

    def test_issue_string(self) -> None:
        """4,095 restrictions of vendors 1-65535 (36 K characters) are refused at once."""
        text = encode(purposes={1}, vendors=set(), restrictions=[(1, 0, [(1, 65535)])] * 4095)
        assert len(text) > 36_000
        started = time.perf_counter()
        with pytest.raises(ConsentStringError, match="found purpose 1 with type 0 twice"):
            decode_tc_string(text)
        assert time.perf_counter() - started < 1.0

    def test_wide_vendor_ranges(self) -> None:
        """4,095 range entries of vendors 1-65535 in VendorConsents decode once merged."""
        text = encode(
            purposes={1}, vendors=set(), vendor_ranges=[(1, 65535)] * 4095, max_vendor=65535
        )
        started = time.perf_counter()
        assert len(decode_tc_string(text).vendor_consents) == 65535
        assert time.perf_counter() - started < 2.0


class TestProperties:
    """Property tests: round trip and garbage."""

    @given(
        purposes=st.sets(st.integers(1, 24)),
        vendors=st.sets(st.integers(1, 3000), max_size=40),
        ranges=st.booleans(),
        created=st.integers(0, 2**36 - 1),
    )
    def test_round_trip(
        self, purposes: set[int], vendors: set[int], ranges: bool, created: int
    ) -> None:
        """What the encoder writes, the decoder reads back."""
        decoded = decode_tc_string(
            encode(purposes=purposes, vendors=vendors, ranges=ranges, created=created)
        )
        assert isinstance(decoded, TCString)
        assert decoded.purposes_consent == tuple(sorted(purposes))
        assert decoded.vendor_consents == tuple(sorted(vendors))

    @given(
        restrictions=st.dictionaries(
            st.tuples(st.integers(1, 63), st.integers(0, 2)),
            st.lists(st.tuples(st.integers(1, 65535), st.integers(0, 300)), max_size=8),
            max_size=12,
        )
    )
    def test_restrictions_round_trip(
        self, restrictions: dict[tuple[int, int], list[tuple[int, int]]]
    ) -> None:
        """Restrictions come back in order, each covering exactly the vendors written."""
        written = [
            (purpose, kind, [(first, min(first + extra, 65535)) for first, extra in ranges])
            for (purpose, kind), ranges in restrictions.items()
        ]
        decoded = decode_tc_string(encode(purposes=set(), vendors=set(), restrictions=written))
        assert len(decoded.publisher_restrictions) == len(written)
        for restriction, (purpose, kind, ranges) in zip(
            decoded.publisher_restrictions, written, strict=True
        ):
            assert (restriction.purpose, restriction.restriction) == (purpose, kind)
            covered = {v for first, last in ranges for v in range(first, last + 1)}
            assert restriction.vendor_count == len(covered)
            assert all(restriction.has_vendor(v) for v in covered)
            assert not any(
                restriction.has_vendor(v)
                for v in (0, *(v + 1 for v in covered))
                if v not in covered
            )

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
            assert try_decode_tc_string(text) is None

"""Decode IAB TCF v2 consent strings (TC strings) from the public specification.

A TC string is one or more base64url segments (without padding) joined by ``.``. The
first is the core segment; the others start with a 3-bit segment type: 1 lists the
disclosed vendors, 2 the allowed vendors (TCF v2.0 only), 3 the publisher's purposes.
Reference: IAB Europe, *Transparency and Consent String with Global Vendor & CMP List
Formats*, v2 (the "Core String" and "Vendor Encoding" sections).

The decoder is as strict as the format: a character outside the base64url alphabet, a
letter field past ``Z``, a vendor id of 0 or past the section's ``MaxVendorId``, a reversed
range, a purpose id of 0, restriction type 3, a field cut short (``NumPubRestrictions``
included) or a segment type given twice is an error. As in the IAB's reference decoder, a
segment is read six bits a character, so one not padded to whole bytes decodes. Vendor
lists are expanded only up to their ``MaxVendorId`` (65,535 at most); publisher
restrictions stay ranges, so work and memory grow with the string, not with the vendors it
covers.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from attrs import evolve, frozen

from tagsig._exceptions import ConsentStringError

__all__ = ["PublisherRestriction", "TCString", "decode_tc_string", "try_decode_tc_string"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_LENGTH = 100_000
"""Longest string decoded (a full bitfield of 65,535 vendors is ~11 kB)."""


@frozen(kw_only=True)
class PublisherRestriction:
    """A publisher's restriction of a purpose for some vendors.

    .. versionchanged:: 0.2
       The vendors are kept as ranges (``vendor_ranges``), no longer as a tuple of ids.
    """

    purpose: int
    """The purpose id restricted (1 or more)."""
    restriction: int
    """0: not allowed, 1: require consent, 2: require legitimate interest."""
    vendor_ranges: tuple[tuple[int, int], ...]
    """The vendor ids it applies to, as ascending, disjoint, inclusive ``(first, last)``
    ranges (a single vendor is ``(id, id)``)."""

    def has_vendor(self, vendor: int) -> bool:
        """Whether the restriction applies to vendor ``vendor``."""
        index = bisect_right(self.vendor_ranges, (vendor, 1 << 16)) - 1
        return index >= 0 and self.vendor_ranges[index][1] >= vendor

    @property
    def vendor_count(self) -> int:
        """How many vendor ids the restriction applies to."""
        return sum(last - first + 1 for first, last in self.vendor_ranges)


@frozen(kw_only=True)
class TCString:
    """A decoded TC string: the consent a visitor gave through an IAB TCF v2 CMP."""

    version: int
    """Format version (2)."""
    created: datetime
    """When the string was first created (UTC, to a tenth of a second)."""
    updated: datetime
    """When the string was last updated."""
    cmp_id: int
    """The registered id of the CMP that wrote it."""
    cmp_version: int
    consent_screen: int
    """The CMP's screen number where consent was given."""
    consent_language: str
    """Two-letter language code of the consent screen, upper-case."""
    vendor_list_version: int
    """Version of the Global Vendor List the string refers to."""
    policy_version: int
    """TCF policy version (2 for TCF v2.0, 4 for v2.2)."""
    is_service_specific: bool
    uses_non_standard_texts: bool
    special_feature_opt_ins: tuple[int, ...]
    """Special feature ids (1-12) the visitor opted in to."""
    purposes_consent: tuple[int, ...]
    """Purpose ids (1-24) the visitor consented to."""
    purposes_legitimate_interest: tuple[int, ...]
    """Purpose ids (1-24) for which legitimate interest was disclosed and not objected to."""
    purpose_one_treatment: bool
    publisher_country: str
    """Two-letter country code of the publisher, upper-case (``AA`` when unknown)."""
    vendor_consents: tuple[int, ...]
    """Vendor ids the visitor consented to, ascending."""
    vendor_legitimate_interests: tuple[int, ...]
    """Vendor ids with legitimate interest established, ascending."""
    publisher_restrictions: tuple[PublisherRestriction, ...] = ()
    """The publisher's restrictions, in the order written (one per purpose and type)."""
    disclosed_vendors: tuple[int, ...] | None = None
    """Vendor ids the CMP disclosed (the optional segment 1); ``None`` when absent."""
    allowed_vendors: tuple[int, ...] | None = None
    """Vendor ids the publisher allows (the optional segment 2 of TCF v2.0); ``None`` when
    absent."""
    publisher_purposes_consent: tuple[int, ...] | None = None
    """Publisher purposes consented to (the optional segment 3); ``None`` when absent."""
    publisher_purposes_legitimate_interest: tuple[int, ...] | None = None
    """Publisher purposes under legitimate interest (segment 3); ``None`` when absent."""
    publisher_custom_purposes: int | None = None
    """How many custom purposes the publisher defines (segment 3); ``None`` when absent."""
    publisher_custom_purposes_consent: tuple[int, ...] | None = None
    """Custom purpose ids consented to (segment 3); ``None`` when absent."""
    publisher_custom_purposes_legitimate_interest: tuple[int, ...] | None = None
    """Custom purpose ids under legitimate interest (segment 3); ``None`` when absent."""

    def has_purpose(self, purpose: int) -> bool:
        """Whether the visitor consented to purpose ``purpose``."""
        return purpose in self.purposes_consent

    def has_vendor(self, vendor: int) -> bool:
        """Whether the visitor consented to vendor ``vendor``."""
        return vendor in self.vendor_consents


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_SIX_BITS = {char: format(value, "06b") for value, char in enumerate(_ALPHABET)}
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_SEGMENT_NAMES = {1: "DisclosedVendors", 2: "AllowedVendors", 3: "PublisherTC"}


class _Bits:
    """A big-endian bit reader over one segment, six bits a base64url character."""

    def __init__(self, text: str, segment: int) -> None:
        if not text:
            raise ConsentStringError(f"expected base64url data in segment {segment}, found none")
        if not _BASE64URL.fullmatch(text):
            raise ConsentStringError(
                f"expected base64url data in segment {segment}, found {text[:40]!r}"
            )
        self._bits = "".join(map(_SIX_BITS.__getitem__, text))
        self._position = 0
        self._segment = segment

    def _error(self, message: str) -> ConsentStringError:
        return ConsentStringError(f"{message} in segment {self._segment}")

    def read(self, count: int, field: str) -> int:
        end = self._position + count
        if end > len(self._bits):
            raise ConsentStringError(
                f"expected {count} bits for {field} at bit {self._position} of segment "
                f"{self._segment}, found only {len(self._bits) - self._position}"
            )
        value = int(self._bits[self._position : end], 2) if count else 0
        self._position = end
        return value

    def flag(self, field: str) -> bool:
        return self.read(1, field) == 1

    def set_of(self, count: int, field: str) -> tuple[int, ...]:
        """Read a bitfield of ``count`` bits; return the 1-based positions set."""
        start = self._position
        self.read(count, field)
        bits = self._bits[start : start + count]
        return tuple(i + 1 for i, bit in enumerate(bits) if bit == "1")

    def letters(self, field: str) -> str:
        result = ""
        for _ in range(2):
            value = self.read(6, field)
            if value >= 26:
                raise self._error(f"expected a letter (0-25) in {field}, found {value}")
            result += chr(ord("A") + value)
        return result

    def time(self, field: str) -> datetime:
        return _EPOCH + timedelta(milliseconds=self.read(36, field) * 100)

    def ranges(self, field: str, max_vendor: int | None = None) -> tuple[tuple[int, int], ...]:
        """Read ``NumEntries`` then that many single ids or ranges; return them merged."""
        found = []
        for _ in range(self.read(12, f"{field} entries")):
            is_range = self.flag(f"{field} range flag")
            start = self.read(16, f"{field} vendor id")
            end = self.read(16, f"{field} range end") if is_range else start
            if start == 0:
                raise self._error(f"expected a vendor id of 1 or more in {field}, found 0")
            if end < start:
                raise self._error(f"expected a range end at least {start} in {field}, found {end}")
            if max_vendor is not None and end > max_vendor:
                raise self._error(
                    f"expected vendor ids up to MaxVendorId {max_vendor} in {field}, found {end}"
                )
            found.append((start, end))
        return _merged(found)

    def vendors(self, field: str) -> tuple[int, ...]:
        """Read a vendor section: ``MaxVendorId`` then a bitfield or range encoding."""
        max_vendor = self.read(16, f"{field} MaxVendorId")
        if self.flag(f"{field} IsRangeEncoding"):
            return tuple(
                vendor
                for first, last in self.ranges(field, max_vendor)
                for vendor in range(first, last + 1)
            )
        return self.set_of(max_vendor, field)

    def restrictions(self) -> tuple[PublisherRestriction, ...]:
        """Read ``NumPubRestrictions`` then each restriction with its vendor ranges."""
        found: list[PublisherRestriction] = []
        seen: set[tuple[int, int]] = set()
        for _ in range(self.read(12, "NumPubRestrictions")):
            purpose = self.read(6, "PurposeId")
            kind = self.read(2, "RestrictionType")
            if purpose == 0:
                raise self._error("expected a PurposeId of 1 or more, found 0")
            if kind == 3:
                raise self._error("expected a RestrictionType of 0, 1 or 2, found 3")
            # A CMP writes one entry per purpose and type, with all its vendors.
            if (purpose, kind) in seen:
                raise self._error(
                    f"expected one restriction per purpose and type, found purpose "
                    f"{purpose} with type {kind} twice"
                )
            seen.add((purpose, kind))
            found.append(
                PublisherRestriction(
                    purpose=purpose, restriction=kind, vendor_ranges=self.ranges("PubRestrictions")
                )
            )
        return tuple(found)


def _merged(ranges: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Return ``ranges`` sorted, with overlapping and adjacent ranges joined."""
    result: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if result and first <= result[-1][1] + 1:
            if last > result[-1][1]:
                result[-1] = (result[-1][0], last)
        else:
            result.append((first, last))
    return tuple(result)


def decode_tc_string(text: str) -> TCString:
    """Decode the TC string ``text`` (IAB TCF v2).

    Args:
        text: The TC string, as found in an ``euconsent-v2`` cookie or a ``gdpr_consent``
            parameter.

    Returns:
        The decoded string.

    Raises:
        ConsentStringError: ``text`` is not base64url, is too short for its fields, holds
            a value the format does not allow, or is not a version 2 string.

    """
    if not isinstance(text, str):
        raise TypeError(f"expected a str, found {type(text).__name__}")
    if len(text) > _MAX_LENGTH:
        raise ConsentStringError(
            f"expected a TC string of at most {_MAX_LENGTH} characters, found {len(text)}"
        )
    segments = text.split(".")
    bits = _Bits(segments[0], 0)
    version = bits.read(6, "Version")
    if version != 2:
        raise ConsentStringError(f"expected a TC string of version 2, found version {version}")
    core = TCString(
        version=version,
        created=bits.time("Created"),
        updated=bits.time("LastUpdated"),
        cmp_id=bits.read(12, "CmpId"),
        cmp_version=bits.read(12, "CmpVersion"),
        consent_screen=bits.read(6, "ConsentScreen"),
        consent_language=bits.letters("ConsentLanguage"),
        vendor_list_version=bits.read(12, "VendorListVersion"),
        policy_version=bits.read(6, "TcfPolicyVersion"),
        is_service_specific=bits.flag("IsServiceSpecific"),
        uses_non_standard_texts=bits.flag("UseNonStandardTexts"),
        special_feature_opt_ins=bits.set_of(12, "SpecialFeatureOptIns"),
        purposes_consent=bits.set_of(24, "PurposesConsent"),
        purposes_legitimate_interest=bits.set_of(24, "PurposesLITransparency"),
        purpose_one_treatment=bits.flag("PurposeOneTreatment"),
        publisher_country=bits.letters("PublisherCC"),
        vendor_consents=bits.vendors("VendorConsents"),
        vendor_legitimate_interests=bits.vendors("VendorLegitimateInterests"),
        publisher_restrictions=bits.restrictions(),
    )
    seen: set[int] = set()
    for number, segment in enumerate(segments[1:], start=1):
        reader = _Bits(segment, number)
        kind = reader.read(3, "SegmentType")
        if kind not in _SEGMENT_NAMES:
            raise ConsentStringError(
                f"expected segment type 1, 2 or 3 in segment {number}, found {kind}"
            )
        if kind in seen:
            raise ConsentStringError(
                f"expected one {_SEGMENT_NAMES[kind]} segment, found a second one in "
                f"segment {number}"
            )
        seen.add(kind)
        core = _read_segment(core, kind, reader)
    return core


def _read_segment(core: TCString, kind: int, reader: _Bits) -> TCString:
    if kind == 1:
        return evolve(core, disclosed_vendors=reader.vendors("DisclosedVendors"))
    if kind == 2:
        return evolve(core, allowed_vendors=reader.vendors("AllowedVendors"))
    consent = reader.set_of(24, "PubPurposesConsent")
    legitimate = reader.set_of(24, "PubPurposesLITransparency")
    custom = reader.read(6, "NumCustomPurposes")
    return evolve(
        core,
        publisher_purposes_consent=consent,
        publisher_purposes_legitimate_interest=legitimate,
        publisher_custom_purposes=custom,
        publisher_custom_purposes_consent=reader.set_of(custom, "CustomPurposesConsent"),
        publisher_custom_purposes_legitimate_interest=reader.set_of(
            custom, "CustomPurposesLITransparency"
        ),
    )


def try_decode_tc_string(text: str) -> TCString | None:
    """Decode ``text`` like :func:`decode_tc_string`, returning ``None`` when it is invalid."""
    try:
        return decode_tc_string(text)
    except ConsentStringError:
        return None

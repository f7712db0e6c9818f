"""Decode IAB TCF v2 consent strings (TC strings) from the public specification.

A TC string is one or more base64url segments (without padding) joined by ``.``. The
first is the core segment; the others start with a 3-bit segment type: 1 lists the
disclosed vendors, 2 the allowed vendors (TCF v2.0 only), 3 the publisher's purposes.
Reference: IAB Europe, *Transparency and Consent String with Global Vendor & CMP List
Formats*, v2 (the "Core String" and "Vendor Encoding" sections).
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta

from attrs import evolve, frozen

from tagsig._exceptions import ConsentStringError

__all__ = ["PublisherRestriction", "TCString", "decode_tc_string", "parse_tc_string"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_LENGTH = 100_000
"""Longest string decoded (a full bitfield of 65,535 vendors is ~11 kB)."""


@frozen(kw_only=True)
class PublisherRestriction:
    """A publisher's restriction of a purpose for some vendors."""

    purpose: int
    """The purpose id restricted."""
    restriction: int
    """0: not allowed, 1: require consent, 2: require legitimate interest."""
    vendors: tuple[int, ...]
    """The vendor ids the restriction applies to, ascending."""


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
    disclosed_vendors: tuple[int, ...] | None = None
    """Vendor ids the CMP disclosed (the optional segment 1); ``None`` when absent."""
    publisher_purposes_consent: tuple[int, ...] | None = None
    """Publisher purposes consented to (the optional segment 3); ``None`` when absent."""

    def has_purpose(self, purpose: int) -> bool:
        """Whether the visitor consented to purpose ``purpose``."""
        return purpose in self.purposes_consent

    def has_vendor(self, vendor: int) -> bool:
        """Whether the visitor consented to vendor ``vendor``."""
        return vendor in self.vendor_consents


class _Bits:
    """A big-endian bit reader over decoded bytes."""

    def __init__(self, data: bytes, segment: int) -> None:
        self._value = int.from_bytes(data, "big") if data else 0
        self._size = len(data) * 8
        self._position = 0
        self._segment = segment

    def read(self, count: int, field: str) -> int:
        end = self._position + count
        if end > self._size:
            raise ConsentStringError(
                f"expected {count} bits for {field} at bit {self._position} of segment "
                f"{self._segment}, found only {self._size - self._position}"
            )
        value = (self._value >> (self._size - end)) & ((1 << count) - 1)
        self._position = end
        return value

    @property
    def remaining(self) -> int:
        return self._size - self._position

    def flag(self, field: str) -> bool:
        return self.read(1, field) == 1

    def set_of(self, count: int, field: str) -> tuple[int, ...]:
        """Read a bitfield of ``count`` bits; return the 1-based positions set."""
        bits = self.read(count, field)
        return tuple(i + 1 for i in range(count) if bits >> (count - 1 - i) & 1)

    def letters(self, field: str) -> str:
        return "".join(chr(ord("A") + self.read(6, field) % 26) for _ in range(2))

    def time(self, field: str) -> datetime:
        return _EPOCH + timedelta(milliseconds=self.read(36, field) * 100)

    def ranges(self, field: str) -> tuple[int, ...]:
        """Read ``NumEntries`` then that many single ids or ranges."""
        result: set[int] = set()
        for _ in range(self.read(12, f"{field} entries")):
            is_range = self.flag(f"{field} range flag")
            start = self.read(16, f"{field} vendor id")
            end = self.read(16, f"{field} range end") if is_range else start
            if end < start:
                raise ConsentStringError(
                    f"expected a range end at least {start} in {field} of segment "
                    f"{self._segment}, found {end}"
                )
            result.update(range(start, end + 1))
        return tuple(sorted(result))

    def vendors(self, field: str) -> tuple[int, ...]:
        """Read a vendor section: ``MaxVendorId`` then a bitfield or range encoding."""
        max_vendor = self.read(16, f"{field} max vendor id")
        if self.flag(f"{field} encoding"):
            return tuple(v for v in self.ranges(field) if v <= max_vendor)
        return self.set_of(max_vendor, field)


def _decode_segment(text: str, segment: int) -> bytes:
    cleaned = text.strip().rstrip("=").replace("+", "-").replace("/", "_")
    if not cleaned:
        raise ConsentStringError(f"expected base64url data in segment {segment}, found none")
    try:
        return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError) as e:
        raise ConsentStringError(
            f"expected base64url data in segment {segment}, found {text[:40]!r}"
        ) from e


def decode_tc_string(text: str) -> TCString:
    """Decode the TC string ``text`` (IAB TCF v2).

    Args:
        text: The TC string, as found in an ``euconsent-v2`` cookie or a ``gdpr_consent``
            parameter.

    Returns:
        The decoded string.

    Raises:
        ConsentStringError: ``text`` is not base64url, is too short for its fields, or
            is not a version 2 string.

    """
    if not isinstance(text, str):
        raise TypeError(f"expected a str, found {type(text).__name__}")
    if len(text) > _MAX_LENGTH:
        raise ConsentStringError(
            f"expected a TC string of at most {_MAX_LENGTH} characters, found {len(text)}")
    segments = text.strip().split(".")
    bits = _Bits(_decode_segment(segments[0], 0), 0)
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
    )
    restrictions = []
    # TCF v2.0 strings written by some CMPs end before the restrictions section.
    if bits.remaining >= 12:
        for _ in range(bits.read(12, "NumPubRestrictions")):
            purpose = bits.read(6, "PurposeId")
            kind = bits.read(2, "RestrictionType")
            restrictions.append(PublisherRestriction(
                purpose=purpose, restriction=kind, vendors=bits.ranges("PubRestrictions")))
    disclosed: tuple[int, ...] | None = None
    publisher: tuple[int, ...] | None = None
    for number, segment in enumerate(segments[1:], start=1):
        reader = _Bits(_decode_segment(segment, number), number)
        kind = reader.read(3, "SegmentType")
        if kind == 1:
            disclosed = reader.vendors("DisclosedVendors")
        elif kind == 3:
            publisher = reader.set_of(24, "PubPurposesConsent")
        elif kind != 2:
            raise ConsentStringError(
                f"expected segment type 1, 2 or 3 in segment {number}, found {kind}")
    return evolve(core, publisher_restrictions=tuple(restrictions),
                  disclosed_vendors=disclosed, publisher_purposes_consent=publisher)


def parse_tc_string(text: str) -> TCString | None:
    """Decode ``text`` like :func:`decode_tc_string`, returning ``None`` when it is invalid."""
    try:
        return decode_tc_string(text)
    except ConsentStringError:
        return None

"""Split an IAB Global Privacy Platform (GPP) string into its sections, by its header.

A GPP string is a header and one encoded section per id the header lists, joined by
``~``. The header is base64url (six bits a character): ``Type`` (6 bits, 3), ``Version``
(6 bits, 1) and ``SectionIds`` as a Fibonacci integer range: a 12-bit count, then per
entry a range flag and one or two Fibonacci-coded integers, each an offset from the
previous id. Reference: IAB Tech Lab, *Consent String Specification* of GPP v1 (the
"Header" and "Fibonacci integer range" sections); section names as in the IAB's reference
implementation (``@iabgpp/cmpapi``). The header, not ``gpp_sid``, says which section is
where: ``gpp_sid`` only repeats it, and may be partial or absent.
"""

from __future__ import annotations

import re
from typing import Final

from attrs import frozen

from tagsig._exceptions import ConsentStringError

__all__ = [
    "OPT_OUTS",
    "SECTION_NAMES",
    "GppString",
    "decode_gpp_string",
    "section_name",
    "sid_ids",
    "us_opt_outs",
]

SECTION_NAMES: Final[dict[int, str]] = {
    2: "tcfeuv2",
    3: "header",
    5: "tcfcav1",
    6: "uspv1",
    7: "usnat",
    8: "usca",
    9: "usva",
    10: "usco",
    11: "usut",
    12: "usct",
    13: "usfl",
    14: "usmt",
    15: "usor",
    16: "ustx",
    17: "usde",
    18: "usia",
    19: "usne",
    20: "usnh",
    21: "usnj",
    22: "ustn",
    23: "usmn",
    24: "usmd",
    25: "usin",
    26: "usky",
    27: "usri",
}
"""The section ids the IAB's reference implementation names (1 and 4 are retired)."""

_US_FIELDS: Final[dict[int, tuple[str, ...]]] = {
    7: (
        "sharing_notice",
        "sale_opt_out_notice",
        "sharing_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sensitive_data_processing_opt_out_notice",
        "sensitive_data_limit_use_notice",
        "sale_opt_out",
        "sharing_opt_out",
        "targeted_advertising_opt_out",
    ),
    8: (
        "sale_opt_out_notice",
        "sharing_opt_out_notice",
        "sensitive_data_limit_use_notice",
        "sale_opt_out",
        "sharing_opt_out",
    ),
    9: (
        "sharing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    10: (
        "sharing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    11: (
        "sharing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sensitive_data_processing_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    12: (
        "sharing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    13: (
        "processing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    14: (
        "sharing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    15: (
        "processing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    16: (
        "processing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    17: (
        "processing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    18: (
        "processing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sensitive_data_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    19: (
        "processing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    20: (
        "processing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    21: (
        "processing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    22: (
        "processing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    23: (
        "processing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    24: (
        "mspa_covered_transaction",
        "mspa_mode",
        "processing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    25: (
        "mspa_covered_transaction",
        "mspa_mode",
        "processing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    26: (
        "mspa_covered_transaction",
        "mspa_mode",
        "processing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
    27: (
        "mspa_covered_transaction",
        "mspa_mode",
        "processing_notice",
        "sale_opt_out_notice",
        "targeted_advertising_opt_out_notice",
        "sale_opt_out",
        "targeted_advertising_opt_out",
    ),
}
"""The two-bit fields that open the core segment of each US section, after its 6-bit
version, up to its last opt-out (field order of the IAB's reference implementation)."""
_US_CORE_BITS: Final[dict[int, int]] = {
    7: 60,
    8: 46,
    9: 40,
    10: 38,
    11: 42,
    12: 44,
    13: 46,
    14: 46,
    15: 52,
    16: 42,
    17: 52,
    18: 42,
    19: 42,
    20: 46,
    21: 54,
    22: 42,
    23: 42,
    24: 22,
    25: 24,
    26: 24,
    27: 24,
}
"""The length of each US section's core segment: a shorter one is cut short (``usnat``
has been 70 bits since its sensitive data fields grew, 60 before; both are read)."""
OPT_OUTS: Final = ("sale_opt_out", "sharing_opt_out", "targeted_advertising_opt_out")
"""The opt-outs of the US sections: 0 not applicable, 1 opted out, 2 did not opt out."""

_MAX_LENGTH = 100_000
"""Longest string decoded (a GPP string with every section is a few kilobytes)."""
_MAX_SECTION_ID = 1000
"""Largest section id accepted (the IAB has assigned 27): a header naming more is hostile."""
_MAX_FIBONACCI_BITS = 24
"""Longest Fibonacci code read (it encodes up to about 75,000, far past any section id)."""
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_SIX_BITS = {char: format(value, "06b") for value, char in enumerate(_ALPHABET)}
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_FIBONACCI = (1, 2)
_SID_ID = re.compile(r"\d{1,4}")


def _fibonacci(count: int) -> list[int]:
    numbers = list(_FIBONACCI)
    while len(numbers) < count:
        numbers.append(numbers[-1] + numbers[-2])
    return numbers


_FIBONACCI_NUMBERS: Final = _fibonacci(_MAX_FIBONACCI_BITS)


@frozen(kw_only=True)
class GppString:
    """A GPP string split by its header."""

    section_ids: tuple[int, ...]
    """The section ids of the header, in the order the sections follow it."""
    sections: tuple[tuple[int, str], ...]
    """Each section id with its encoded section, in order."""

    def section(self, section_id: int) -> str | None:
        """Return the encoded section ``section_id``, or ``None`` when the string has none."""
        return next((text for number, text in self.sections if number == section_id), None)


def section_name(section_id: int) -> str:
    """Return the reference implementation's name of ``section_id`` (its number if unnamed).

    >>> section_name(13), section_name(99)
    ('usfl', '99')
    """
    return SECTION_NAMES.get(section_id, str(section_id))


def sid_ids(sid: str) -> tuple[int, ...] | None:
    """Return the ids of a ``gpp_sid`` value (``2,6`` or ``2_6``), or ``None`` if it is none.

    Only what can be a section id is read, so no value, however long, costs more than a
    scan of its text.

    >>> sid_ids("2,6"), sid_ids("7_8"), sid_ids(""), sid_ids("9" * 5000)
    ((2, 6), (7, 8), None, None)
    """
    parts = re.split(r"[,_ ]", sid.strip())
    if not sid.strip() or not all(_SID_ID.fullmatch(part) for part in parts):
        return None
    return tuple(int(part) for part in parts)


class _HeaderBits:
    def __init__(self, text: str) -> None:
        if not _BASE64URL.fullmatch(text):
            raise ConsentStringError(f"expected a base64url GPP header, found {text[:40]!r}")
        self._bits = "".join(map(_SIX_BITS.__getitem__, text))
        self._position = 0

    def read(self, count: int, field: str) -> int:
        end = self._position + count
        if end > len(self._bits):
            raise ConsentStringError(
                f"expected {count} bits for {field} at bit {self._position} of the GPP "
                f"header, found only {len(self._bits) - self._position}"
            )
        value = int(self._bits[self._position : end], 2)
        self._position = end
        return value

    def fibonacci(self, field: str) -> int:
        """Read one Fibonacci-coded integer: its bits, lowest first, end with ``11``."""
        end = self._bits.find("11", self._position, self._position + _MAX_FIBONACCI_BITS + 1)
        if end < 0:
            raise ConsentStringError(
                f"expected a Fibonacci integer for {field} at bit {self._position} of the "
                "GPP header, found none"
            )
        code = self._bits[self._position : end + 1]
        self._position = end + 2
        return sum(
            number for number, bit in zip(_FIBONACCI_NUMBERS, code, strict=False) if bit == "1"
        )

    def section_ids(self) -> tuple[int, ...]:
        ids: list[int] = []
        last = 0
        for _ in range(self.read(12, "SectionIds entries")):
            is_range = self.read(1, "SectionIds range flag") == 1
            first = last + self.fibonacci("SectionIds")
            last = first + self.fibonacci("SectionIds range end") if is_range else first
            if last > _MAX_SECTION_ID:
                raise ConsentStringError(
                    f"expected section ids up to {_MAX_SECTION_ID} in the GPP header, found {last}"
                )
            ids.extend(range(first, last + 1))
        return tuple(ids)


def decode_gpp_string(text: str) -> GppString:
    """Split the GPP string ``text`` into its sections, as its header lists them.

    As in the IAB's reference implementation, an empty string has no sections and a bare
    TC string (``C...``) is the TCF EU section alone.

    Raises:
        ConsentStringError: the header cannot be decoded or is not a version 1 GPP
            header, it lists another number of sections than follow it, or a section
            is empty.

    """
    if len(text) > _MAX_LENGTH:
        raise ConsentStringError(
            f"expected a GPP string of at most {_MAX_LENGTH} characters, found {len(text)}"
        )
    if not text:
        return GppString(section_ids=(), sections=())
    if text.startswith("C"):
        # A bare TC string (version 2 begins with C): the reference reads it as the TCF EU
        # section alone, as CMPs wrote it before GPP.
        return GppString(section_ids=(2,), sections=((2, text),))
    header, *encoded = text.split("~")
    bits = _HeaderBits(header)
    kind = bits.read(6, "Type")
    version = bits.read(6, "Version")
    if kind != 3 or version != 1:
        raise ConsentStringError(
            f"expected a GPP header of type 3 and version 1, found type {kind} and version "
            f"{version}"
        )
    ids = bits.section_ids()  # ascending without repeats: each offset is 1 or more
    if len(ids) != len(encoded):
        raise ConsentStringError(
            f"expected {len(ids)} sections after the GPP header, found {len(encoded)}"
        )
    for name, section in zip(map(section_name, ids), encoded, strict=True):
        if not section.strip():
            raise ConsentStringError(f"expected an encoded {name} section, found none")
    return GppString(section_ids=ids, sections=tuple(zip(ids, encoded, strict=True)))


def us_opt_outs(section_id: int, text: str) -> tuple[tuple[str, int], ...] | None:
    """Return the opt-outs a US section (7-27) records, or ``None`` for another section.

    Each is ``(name, value)`` with a name of :data:`OPT_OUTS` and a value of 0 (not
    applicable), 1 (opted out) or 2 (did not opt out), in the section's field order.

    Raises:
        ConsentStringError: the core segment is not base64url, is shorter than the
            section's fields, or holds the value 3 in one of the fields up to the opt-outs.

    """
    fields = _US_FIELDS.get(section_id)
    if fields is None:
        return None
    core = text.split(".", maxsplit=1)[0]
    if not _BASE64URL.fullmatch(core):
        raise ConsentStringError(
            f"expected a base64url {section_name(section_id)} section, found {core[:40]!r}"
        )
    bits = "".join(map(_SIX_BITS.__getitem__, core))
    if len(bits) < _US_CORE_BITS[section_id]:
        raise ConsentStringError(
            f"expected {_US_CORE_BITS[section_id]} bits for the core of the "
            f"{section_name(section_id)} section, found only {len(bits)}"
        )
    found = []
    for index, name in enumerate(fields):
        value = int(bits[6 + 2 * index : 8 + 2 * index], 2)
        if value == 3:
            raise ConsentStringError(
                f"expected 0, 1 or 2 for {name} in the {section_name(section_id)} section, found 3"
            )
        if name in OPT_OUTS:
            found.append((name, value))
    return tuple(found)

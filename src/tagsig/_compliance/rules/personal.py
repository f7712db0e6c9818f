"""Personal data in what a request sends: finding it, and masking what is shown of it.

A helper of the rule families (``pii-to-third-party``, the vendor checks, the evidence
of every flag); part of the rules layer (see ``tests/test_layers.py``). It may import the
compliance layer and below, and no rule family.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from attrs import frozen

from tagsig._compliance.flags import Message
from tagsig._compliance.messages import message_text, phrase

__all__ = [
    "AT_SIGN",
    "EMAIL",
    "PersonalData",
    "emails_in",
    "find_personal_data",
    "hashes_of",
    "mask_email",
    "mask_value",
]

EMAIL: Final = re.compile(
    r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63})*"
    r"\.([A-Za-z]{2,24})(?![A-Za-z0-9])"
)
AT_SIGN: Final = re.compile(r"@|%40|\\u0040", re.IGNORECASE)
_NOT_TLDS: Final = frozenset(
    {"png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "js", "css", "ico", "woff", "woff2", "map"}
)
_PHONE_NAME: Final = re.compile(
    r"(^|[._\[\]-])(phone|tel|telephone|mobile|ph)($|[._\[\]-])", re.IGNORECASE
)
_PHONE_VALUE: Final = re.compile(r"^\+?[\d\s().\-]{7,20}$")
_E164: Final = re.compile(r"^\+[1-9][\d\s().\-]{6,18}\d$")
_EMAIL_NAME: Final = re.compile(
    r"(^|[._\[\]-])(em|email|e_mail|hashed_email|email_hash|sha256_email_address|"
    r"email_sha256|eh)($|[._\[\]-])",
    re.IGNORECASE,
)
_HEX: Final = re.compile(r"[0-9a-fA-F]{32,64}")
_HASH_LENGTHS: Final = {32: "MD5", 40: "SHA-1", 64: "SHA-256"}
_MIN_HASH: Final = 32
_MIN_PHONE: Final = 7
_MAX_PHONE: Final = 21


def mask_email(address: str) -> str:
    """Mask an e-mail address, keeping the first letters and the top-level domain.

    >>> mask_email("jane.doe@example.org")
    'j***@e***.org'
    """
    local, _, domain = address.partition("@")
    name, _, tld = domain.rpartition(".")
    return f"{local[:1]}***@{name[:1]}***.{tld}"


def mask_value(value: str) -> str:
    """Mask a phone number, hash or identifier, keeping a few characters to recognise it.

    >>> mask_value("+33612345678"), mask_value("42")
    ('+33***78', '***')
    """
    if "@" in value:
        return mask_email(value)
    if len(value) <= 4:
        return "***"
    if len(value) >= 32:
        return value[:8] + "***"
    return value[:3] + "***" + value[-2:]


@frozen(kw_only=True)
class PersonalData:
    """One piece of personal data found in a request."""

    kind: str
    """``e-mail address``, ``phone number``, ``hashed e-mail address`` or ``identifier``."""
    phrase: Message
    """The kind as a phrase of a flag's message (translated with it)."""
    name: str
    """The parameter (dotted for JSON) that carries it; ``""`` for a raw body."""
    value: str
    """The value, masked."""


def hashes_of(value: str) -> dict[str, str]:
    """Map the MD5, SHA-1 and SHA-256 digests of a trimmed, lower-cased value to their names.

    A hashed identifier in a request is then told by its digest.
    """
    text = value.strip().lower()
    return {
        hashlib.md5(text.encode(), usedforsecurity=False).hexdigest(): "MD5",
        hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest(): "SHA-1",
        hashlib.sha256(text.encode()).hexdigest(): "SHA-256",
    }


def emails_in(texts: Iterable[str]) -> set[str]:
    """Return the e-mail addresses that appear in any of ``texts`` (known non-TLDs left out)."""
    return {
        m.group(0)
        for text in texts
        if "@" in text
        for m in EMAIL.finditer(text)
        if m.group(1).lower() not in _NOT_TLDS
    }


def _phone_like(name: str, stripped: str) -> bool:
    """Whether a value looks like a phone number: E.164, or digits in a phone parameter."""
    # Both patterns take 7 to 21 characters; E.164 numbers start with a plus.
    if not _MIN_PHONE <= len(stripped) <= _MAX_PHONE:
        return False
    if stripped[0] == "+" and _E164.match(stripped):
        return True
    # The value test first: the case-insensitive name search is the slower.
    return bool(_PHONE_VALUE.match(stripped) and _PHONE_NAME.search(name))


def find_personal_data(
    pairs: Sequence[tuple[str, str]],
    *,
    known_hashes: Mapping[str, Message],
    identifiers: Sequence[str] = (),
) -> list[PersonalData]:
    """Find personal data in the ``(name, value)`` pairs a request sends.

    Args:
        pairs: What the request sends (see ``entry_params``).
        known_hashes: Hex digests of known e-mail addresses and identifiers (lower-case),
            each with the phrase to report (``SHA-256 of j***@e***.org``).
        identifiers: Known identifiers to find as whole words.

    Returns:
        What was found, masked, one item per kind and value (named by the most
        specific parameter carrying it).

    """
    found: dict[tuple[str, str], PersonalData] = {}

    def add(kind: Message, name: str, value: str) -> None:
        text = message_text(kind.id, kind.args)
        # A parameter holding JSON is searched whole and field by field: keep the field.
        previous = found.get((text, value))
        if previous is None or len(name) > len(previous.name):
            found[(text, value)] = PersonalData(kind=text, phrase=kind, name=name, value=value)

    words = [
        (i, re.compile(rf"(?<![A-Za-z0-9]){re.escape(i)}(?![A-Za-z0-9])", re.IGNORECASE))
        for i in identifiers
        if i.strip()
    ]
    for name, value in pairs:
        if "@" in value:
            for address in sorted(emails_in([value])):
                add(phrase("pii.email"), name, mask_email(address))
        # Phone numbers have 7 characters at least, hashes 32: shorter values hold none.
        if len(value) >= _MIN_PHONE:
            stripped = value.strip()
            if (
                len(stripped) <= _MAX_PHONE
                and _phone_like(name, stripped)
                and 7 <= sum(map(str.isdigit, stripped)) <= 15
            ):
                add(phrase("pii.phone"), name, mask_value(re.sub(r"[\s().\-]", "", stripped)))
            for match in _HEX.finditer(value) if len(value) >= _MIN_HASH else ():
                digest = match.group(0).lower()
                if digest in known_hashes:
                    add(phrase("pii.hashed", hash=known_hashes[digest]), name, mask_value(digest))
                elif (
                    len(digest) in _HASH_LENGTHS
                    and _EMAIL_NAME.search(name)
                    and (len(digest) == len(stripped) or digest == stripped[-len(digest) :])
                ):
                    add(
                        phrase("pii.hash-of-email", algorithm=_HASH_LENGTHS[len(digest)]),
                        name,
                        mask_value(digest),
                    )
        for identifier, pattern in words:
            if pattern.search(value) and "@" not in identifier:
                add(phrase("pii.identifier"), name, mask_value(identifier))
    return list(found.values())

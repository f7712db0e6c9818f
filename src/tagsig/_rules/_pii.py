"""Personal data leaving the site: ``pii-to-third-party``, and masking of what is shown."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Final

from attrs import frozen

from tagsig._attribute import AttributedEntry
from tagsig._flags import Count, Evidence, Message, Severity
from tagsig._messages import make_flag, message_text, phrase
from tagsig._models import Entry
from tagsig._party import registrable_domain
from tagsig._rules._base import MAX_EVIDENCE, Finding, RuleContext

__all__ = [
    "PersonalData",
    "find_personal_data",
    "mask_email",
    "mask_value",
    "pii_to_third_party",
]

EMAIL: Final = re.compile(
    r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63})*"
    r"\.([A-Za-z]{2,24})(?![A-Za-z0-9])")
_AT: Final = re.compile(r"@|%40|\\u0040", re.IGNORECASE)
_NOT_TLDS: Final = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "js",
                              "css", "ico", "woff", "woff2", "map"})
_PHONE_NAME: Final = re.compile(r"(^|[._\[\]-])(phone|tel|telephone|mobile|ph)($|[._\[\]-])",
                                re.IGNORECASE)
_PHONE_VALUE: Final = re.compile(r"^\+?[\d\s().\-]{7,20}$")
_E164: Final = re.compile(r"^\+[1-9][\d\s().\-]{6,18}\d$")
_EMAIL_NAME: Final = re.compile(
    r"(^|[._\[\]-])(em|email|e_mail|hashed_email|email_hash|sha256_email_address|"
    r"email_sha256|eh)($|[._\[\]-])", re.IGNORECASE)
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


def _hashes(value: str) -> dict[str, str]:
    text = value.strip().lower()
    return {
        hashlib.md5(text.encode(), usedforsecurity=False).hexdigest(): "MD5",
        hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest(): "SHA-1",
        hashlib.sha256(text.encode()).hexdigest(): "SHA-256",
    }


def _emails(texts: Iterable[str]) -> set[str]:
    return {m.group(0) for text in texts if "@" in text for m in EMAIL.finditer(text)
            if m.group(1).lower() not in _NOT_TLDS}


def _phone_like(name: str, stripped: str) -> bool:
    """Whether a value looks like a phone number: E.164, or digits in a phone parameter."""
    # Both patterns take 7 to 21 characters; E.164 numbers start with a plus.
    if not _MIN_PHONE <= len(stripped) <= _MAX_PHONE:
        return False
    if stripped[0] == "+" and _E164.match(stripped):
        return True
    # The value test first: the case-insensitive name search is the slower.
    return bool(_PHONE_VALUE.match(stripped) and _PHONE_NAME.search(name))


def find_personal_data(pairs: Sequence[tuple[str, str]], *,
                       known_hashes: Mapping[str, Message],
                       identifiers: Sequence[str] = ()) -> list[PersonalData]:
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
            found[(text, value)] = PersonalData(kind=text, phrase=kind, name=name,
                                                value=value)

    words = [(i, re.compile(rf"(?<![A-Za-z0-9]){re.escape(i)}(?![A-Za-z0-9])", re.IGNORECASE))
             for i in identifiers if i.strip()]
    for name, value in pairs:
        if "@" in value:
            for address in sorted(_emails([value])):
                add(phrase("pii.email"), name, mask_email(address))
        # Phone numbers have 7 characters at least, hashes 32: shorter values hold none.
        if len(value) >= _MIN_PHONE:
            stripped = value.strip()
            if (len(stripped) <= _MAX_PHONE and _phone_like(name, stripped)
                    and 7 <= sum(map(str.isdigit, stripped)) <= 15):
                add(phrase("pii.phone"), name, mask_value(re.sub(r"[\s().\-]", "", stripped)))
            for match in _HEX.finditer(value) if len(value) >= _MIN_HASH else ():
                digest = match.group(0).lower()
                if digest in known_hashes:
                    add(phrase("pii.hashed", hash=known_hashes[digest]), name,
                        mask_value(digest))
                elif len(digest) in _HASH_LENGTHS and _EMAIL_NAME.search(name) and (
                        len(digest) == len(stripped) or digest == stripped[-len(digest):]):
                    add(phrase("pii.hash-of-email", algorithm=_HASH_LENGTHS[len(digest)]),
                        name, mask_value(digest))
        for identifier, pattern in words:
            if pattern.search(value) and "@" not in identifier:
                add(phrase("pii.identifier"), name, mask_value(identifier))
    return list(found.values())


def _may_carry_email(entry: Entry, referer: str | None) -> bool:
    """Whether ``entry`` could send an e-mail address (an ``@``, plain or encoded).

    ``referer`` is the entry's ``Referer`` header, if any.
    """
    if _has_at(entry.url.raw):
        return True
    if referer and _has_at(referer):
        return True
    post = entry.post_data
    return post is not None and (
        _has_at(post.text) or any(_has_at(value) for _, value in post.params))


def _has_at(text: str) -> bool:
    """Whether ``text`` holds an ``@``, plain or encoded (as ``_AT`` finds it)."""
    # The case-insensitive search is slow: settle the cases without letters first.
    if "@" in text or "%40" in text:
        return True
    return "0040" in text and _AT.search(text) is not None


def _known_hashes(context: RuleContext) -> dict[str, Message]:
    # Every request is searched for addresses, to recognise their hashes anywhere; the
    # quick test spares decoding the requests that cannot hold one.
    addresses = _emails(text for a in context.attribution.entries
                        if _may_carry_email(a.entry, context.referer(a.entry))
                        for text in context.texts(a.entry))
    addresses |= {i for i in context.options.identifiers if "@" in i}
    known: dict[str, Message] = {}
    for address in sorted(addresses):
        label = mask_email(address) if "@" in address else mask_value(address)
        for digest, algorithm in _hashes(address).items():
            known[digest] = phrase("pii.hash-of", algorithm=algorithm, label=label)
    for identifier in context.options.identifiers:
        if "@" not in identifier and identifier.strip():
            for digest, algorithm in _hashes(identifier).items():
                known.setdefault(digest, phrase("pii.hash-of-identifier", algorithm=algorithm))
    return known


def _describe(items: Sequence[PersonalData]) -> Message:
    shown = [phrase("pii.item", kind=p.phrase, name=p.name, value=p.value) if p.name
             else phrase("pii.item.body", kind=p.phrase, value=p.value) for p in items[:5]]
    described = shown[-1]
    for item in reversed(shown[:-1]):
        described = phrase("pii.items", first=item, rest=described)
    if len(items) > 5:
        described = phrase("pii.more", items=described, count=len(items) - 5)
    return described


def pii_to_third_party(context: RuleContext) -> Iterator[Finding]:
    """Flag personal data in the URLs, bodies and Referer headers of third-party requests.

    E-mail addresses, phone numbers, MD5/SHA-1/SHA-256 hashes of e-mail addresses seen
    anywhere in the inputs (or given as identifiers), hashes in e-mail parameters, and
    the caller's known identifiers, plain or hashed.
    """
    known = _known_hashes(context)
    identifiers = tuple(i for i in context.options.identifiers if "@" not in i)
    by_receiver: dict[tuple[str | None, str], list[tuple[AttributedEntry,
                                                         list[PersonalData]]]] = (
        defaultdict(list))
    for attributed in context.attribution.entries:
        if not attributed.third_party:
            continue
        items = find_personal_data(context.params(attributed.entry), known_hashes=known,
                                   identifiers=identifiers)
        if items:
            tag = attributed.signature.id if attributed.signature is not None else None
            host = "" if tag is not None else registrable_domain(attributed.entry.url.host)
            by_receiver[(tag, host)].append((attributed, items))
    for (tag, host), hits in sorted(by_receiver.items(), key=lambda kv: (
            kv[0][0] or "", kv[0][1])):
        items = list({(p.kind, p.name, p.value): p for _, found in hits
                      for p in found}.values())
        signature = context.tags[tag].signature if tag is not None else None
        who = (signature.name if signature is not None
               else phrase("pii-to-third-party.unknown", host=host))
        needing = context.options.consent_purposes
        severity: Severity = ("high" if signature is None or signature.consent in needing
                              else "medium")
        evidence = [Evidence(kind="entry", input=a.ref.input, index=a.ref.index)
                    for a, _ in hits[:MAX_EVIDENCE]]
        evidence.extend(Evidence(kind="value", name=p.name or None, value=p.value)
                        for p in items[:MAX_EVIDENCE])
        yield Finding(tag=tag, flag=make_flag(
            rule="pii-to-third-party", severity=severity, evidence=tuple(evidence),
            who=who, requests=Count(len(hits), "request"), items=_describe(items)))

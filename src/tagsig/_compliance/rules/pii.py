"""Personal data leaving the site: ``pii-to-third-party``, and masking of what is shown."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from tagsig._audit.attribute import AttributedEntry
from tagsig._audit.party import registrable_domain
from tagsig._compliance.flags import Count, Evidence, Message, Severity
from tagsig._compliance.messages import make_flag, phrase
from tagsig._compliance.rules.base import MAX_EVIDENCE, Finding, RuleContext
from tagsig._compliance.rules.personal import (
    AT_SIGN,
    PersonalData,
    emails_in,
    find_personal_data,
    hashes_of,
    mask_email,
    mask_value,
)
from tagsig._inputs.models import Entry

__all__ = [
    "pii_to_third_party",
]


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
        _has_at(post.text) or any(_has_at(value) for _, value in post.params)
    )


def _has_at(text: str) -> bool:
    """Whether ``text`` holds an ``@``, plain or encoded (as ``AT_SIGN`` finds it)."""
    # The case-insensitive search is slow: settle the cases without letters first.
    if "@" in text or "%40" in text:
        return True
    return "0040" in text and AT_SIGN.search(text) is not None


def _known_hashes(context: RuleContext) -> dict[str, Message]:
    # Every request is searched for addresses, to recognise their hashes anywhere; the
    # quick test spares decoding the requests that cannot hold one.
    addresses = emails_in(
        text
        for a in context.attribution.entries
        if _may_carry_email(a.entry, context.referer(a.entry))
        for text in context.texts(a.entry)
    )
    addresses |= {i for i in context.options.identifiers if "@" in i}
    known: dict[str, Message] = {}
    for address in sorted(addresses):
        label = mask_email(address) if "@" in address else mask_value(address)
        for digest, algorithm in hashes_of(address).items():
            known[digest] = phrase("pii.hash-of", algorithm=algorithm, label=label)
    for identifier in context.options.identifiers:
        if "@" not in identifier and identifier.strip():
            for digest, algorithm in hashes_of(identifier).items():
                known.setdefault(digest, phrase("pii.hash-of-identifier", algorithm=algorithm))
    return known


def _describe(items: Sequence[PersonalData]) -> Message:
    shown = [
        phrase("pii.item", kind=p.phrase, name=p.name, value=p.value)
        if p.name
        else phrase("pii.item.body", kind=p.phrase, value=p.value)
        for p in items[:5]
    ]
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
    by_receiver: dict[tuple[str | None, str], list[tuple[AttributedEntry, list[PersonalData]]]] = (
        defaultdict(list)
    )
    for attributed in context.attribution.entries:
        if not attributed.third_party:
            continue
        items = find_personal_data(
            context.params(attributed.entry), known_hashes=known, identifiers=identifiers
        )
        if items:
            tag = attributed.signature.id if attributed.signature is not None else None
            host = "" if tag is not None else registrable_domain(attributed.entry.url.host)
            by_receiver[(tag, host)].append((attributed, items))
    for (tag, host), hits in sorted(by_receiver.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        items = list({(p.kind, p.name, p.value): p for _, found in hits for p in found}.values())
        signature = context.tags[tag].signature if tag is not None else None
        who = (
            signature.name
            if signature is not None
            else phrase("pii-to-third-party.unknown", host=host)
        )
        needing = context.options.consent_purposes
        severity: Severity = (
            "high" if signature is None or signature.consent in needing else "medium"
        )
        evidence = [
            Evidence(kind="entry", input=a.ref.input, index=a.ref.index)
            for a, _ in hits[:MAX_EVIDENCE]
        ]
        evidence.extend(
            Evidence(kind="value", name=p.name or None, value=p.value) for p in items[:MAX_EVIDENCE]
        )
        yield Finding(
            tag=tag,
            flag=make_flag(
                rule="pii-to-third-party",
                severity=severity,
                evidence=tuple(evidence),
                who=who,
                requests=Count(len(hits), "request"),
                items=_describe(items),
            ),
        )

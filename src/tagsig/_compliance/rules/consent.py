"""Consent rules: ``before-consent`` and ``no-consent-signal``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime

from attrs import evolve

from tagsig._audit.attribute import AttributedEntry
from tagsig._compliance.consent.signals import Purpose, PurposeState
from tagsig._compliance.flags import Count, Evidence, Flag, Message, MessageArg
from tagsig._compliance.messages import make_flag, phrase
from tagsig._compliance.rules.base import (
    MAX_EVIDENCE,
    Finding,
    RuleContext,
    TagView,
    entry_evidence,
)

__all__ = ["before_consent"]

_MAX_CHAIN = 16


def _purpose(value: str, wanted: Sequence[Purpose]) -> Purpose | None:
    return next((p for p in wanted if p == value), None)


_Chain = tuple[str, ...]
"""The tags a purpose is inherited through: the tag that loaded the tag, the one that
loaded that one, and so on up to the tag whose purpose it is; empty for the tag's own."""


def _needed(view: TagView, context: RuleContext) -> dict[Purpose, _Chain]:
    """Purposes the requests of ``view`` need consent for, each with where it comes from.

    A tag needs consent for its own purpose and for those of the tags that loaded it, up
    the chain of :meth:`Attribution.loaded_by` that the report shows as ``loaded_by``, so
    that a flag names the same loaders as the report. A consent manager ends the chain: a
    tag it loads is loaded by the consent mechanism, not carried in by the tag that loaded
    the consent manager.
    """
    wanted = context.options.consent_purposes
    tags = context.tags
    needed: dict[Purpose, _Chain] = {}
    own = _purpose(view.signature.consent, wanted)
    if own is not None:
        needed[own] = ()
    chain: list[str] = []
    seen = {view.signature.id}
    loader = context.loaders.get(view.signature.id)
    for _ in range(_MAX_CHAIN):
        if loader is None or loader in seen or loader not in tags:
            break
        signature = tags[loader].signature
        if signature.category == "consent":
            break
        seen.add(loader)
        chain.append(loader)
        purpose = _purpose(signature.consent, wanted)
        if purpose is not None:
            needed.setdefault(purpose, tuple(chain))
        loader = context.loaders.get(loader)
    return needed


def _time(value: datetime) -> str:
    return value.strftime("%H:%M:%S") + f".{value.microsecond // 1000:03d} UTC"


def before_consent(context: RuleContext) -> Iterator[Finding]:
    """Flag tags that ran before consent for their purpose (or after it was refused).

    A consent manager's own requests are never flagged. A tag loaded by another tag needs
    consent for both tags' purposes. In a capture without any consent signal, tags
    needing consent get ``no-consent-signal`` instead. Where only the absence of a grant
    shows the requests early, in captures without cookie evidence, the flag is medium and
    says that it is not proven.
    """
    captures = context.attribution.captures
    for tag_id, view in context.tags.items():
        if view.signature.category == "consent":
            continue
        needed = _needed(view, context)
        if not needed:
            continue
        early: list[AttributedEntry] = []
        states: dict[tuple[Purpose, PurposeState], _Chain] = {}
        silent: dict[int, list[AttributedEntry]] = {}
        # Inputs where only the absence of a grant shows the requests early, and the
        # capture could not show a consent cookie: no proof that consent was missing.
        unproven: set[int] = set()
        proven = False
        for attributed in view.entries:
            position = attributed.ref.input
            if not context.consent.has_signal(position):
                silent.setdefault(position, []).append(attributed)
                continue
            strictest = context.consent.strictest(position, attributed.entry.started, tuple(needed))
            if strictest is not None and strictest[1] != "granted":
                early.append(attributed)
                states.setdefault(strictest, needed[strictest[0]])
                if strictest[1] == "denied" or captures[position].has_cookie_evidence:
                    proven = True
                else:
                    unproven.add(position)
        if early:
            flag = _before_flag(view, early, states, context)
            if not proven:
                flag = _downgraded(flag, sorted(unproven), context)
            yield Finding(tag=tag_id, flag=flag)
        for position, entries in sorted(silent.items()):
            yield Finding(tag=tag_id, flag=_silent_flag(view, position, entries, needed, context))


def _joined(parts: Sequence[MessageArg], message_id: str) -> MessageArg:
    """Join ``parts`` with the template ``message_id`` (``{first} and {rest}``)."""
    joined = parts[-1]
    for part in reversed(parts[:-1]):
        joined = phrase(message_id, first=part, rest=joined)
    return joined


def _inherited(chains: Sequence[_Chain], context: RuleContext) -> MessageArg:
    """Say which loaders' purposes a flag is judged with, as the report's ``loaded_by``."""

    def name(tag_id: str) -> str:
        return context.tags[tag_id].signature.name

    parts: list[MessageArg] = []
    for chain in sorted(set(chains), key=len):
        *through, source = chain
        parts.append(
            phrase(
                "inherited.through",
                source=name(source),
                tags=", ".join(name(t) for t in reversed(through)),
            )
            if through
            else phrase("inherited.part", source=name(source))
        )
    return phrase("inherited", parts=_joined(parts, "inherited.and")) if parts else ""


def _before_flag(
    view: TagView,
    early: list[AttributedEntry],
    states: Mapping[tuple[Purpose, PurposeState], _Chain],
    context: RuleContext,
) -> Flag:
    name = view.signature.name
    set_cookies = [(a, c) for a in early for c in a.entry.response_cookies]
    purposes = sorted({purpose for purpose, _ in states})
    refused = any(state == "denied" for _, state in states)
    given = any(state == "unknown" for _, state in states)
    what = _joined([phrase(p) for p in purposes], "and")
    when = phrase(
        "before-consent.either"
        if refused and given
        else "before-consent.refused"
        if refused
        else "before-consent.before",
        purposes=what,
    )
    because = _inherited([chain for chain in states.values() if chain], context)
    evidence = list(entry_evidence(early))
    evidence.extend(
        Evidence(kind="cookie", input=a.ref.input, index=a.ref.index, name=c.name)
        for a, c in set_cookies[:MAX_EVIDENCE]
    )
    return make_flag(
        rule="before-consent",
        severity="high",
        message_id="before-consent.cookies" if set_cookies else None,
        evidence=tuple(evidence),
        tag=name,
        requests=Count(len(early), "request"),
        cookies=Count(len(set_cookies), "cookie"),
        when=when,
        time=_time(early[0].entry.started),
        because=because,
    )


def _downgraded(flag: Flag, positions: Sequence[int], context: RuleContext) -> Flag:
    """Lower a flag that only the absence of a consent cookie supports, and say why."""
    captures = context.attribution.captures
    sources = ", ".join(captures[p].source for p in positions)
    stripped = any(captures[p].cookies_stripped for p in positions)
    how = phrase("unproven.stripped" if stripped else "unproven.sanitized")
    message = Message(flag.message_id or "", flag.message_args)
    unproven = make_flag(
        rule=flag.rule,
        severity="medium",
        message_id="unproven",
        message=message,
        how=how,
        sources=sources,
    )
    return evolve(
        flag,
        severity="medium",
        message=unproven.message,
        message_id=unproven.message_id,
        message_args=unproven.message_args,
    )


def _silent_flag(
    view: TagView,
    position: int,
    entries: list[AttributedEntry],
    needed: Mapping[Purpose, _Chain],
    context: RuleContext,
) -> Flag:
    capture = context.attribution.captures[position]
    purpose = view.signature.consent
    hidden: MessageArg = ""
    if capture.cookies_stripped:
        hidden = phrase("no-consent-signal.stripped")
    elif not capture.has_cookie_evidence:
        hidden = phrase("no-consent-signal.sanitized")
    return make_flag(
        rule="no-consent-signal",
        severity="medium" if capture.has_cookie_evidence else "low",
        evidence=entry_evidence(entries),
        tag=view.signature.name,
        purpose=phrase(purpose),
        requests=Count(len(entries), "request"),
        capture=capture.source,
        because=_inherited([chain for chain in needed.values() if chain], context),
        hidden=hidden,
    )

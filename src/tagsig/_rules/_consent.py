"""Consent rules: ``before-consent`` and ``no-consent-signal``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime

from attrs import evolve

from tagsig._attribute import AttributedEntry
from tagsig._cmp import Purpose, PurposeState
from tagsig._report import Evidence, Flag
from tagsig._rules._base import (
    MAX_EVIDENCE,
    Finding,
    RuleContext,
    TagView,
    entry_evidence,
    plural,
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
            strictest = context.consent.strictest(position, attributed.entry.started,
                                                  tuple(needed))
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
            yield Finding(tag=tag_id, flag=_silent_flag(view, position, entries, needed,
                                                        context))


def _inherited(chains: Sequence[_Chain], context: RuleContext) -> str:
    """Say which loaders' purposes a flag is judged with, as the report's ``loaded_by``."""
    def name(tag_id: str) -> str:
        return context.tags[tag_id].signature.name

    parts = []
    for chain in sorted(set(chains), key=len):
        *through, source = chain
        how = (f" through {', '.join(name(t) for t in reversed(through))}" if through
               else "")
        parts.append(f"{name(source)}, which loaded it{how}")
    return f" It is judged with the purpose of {' and of '.join(parts)}." if parts else ""


def _before_flag(view: TagView, early: list[AttributedEntry],
                 states: Mapping[tuple[Purpose, PurposeState], _Chain],
                 context: RuleContext) -> Flag:
    name = view.signature.name
    set_cookies = [(a, c) for a in early for c in a.entry.response_cookies]
    purposes = sorted({purpose for purpose, _ in states})
    refused = any(state == "denied" for _, state in states)
    given = any(state == "unknown" for _, state in states)
    what = " and ".join(purposes)
    if refused and given:
        when = f"before consent for {what} was given, or after it was refused"
    elif refused:
        when = f"while consent for {what} was refused"
    else:
        when = f"before consent for {what} was given"
    because = _inherited([chain for chain in states.values() if chain], context)
    cookies = f" and set {plural(len(set_cookies), 'cookie')}" if set_cookies else ""
    message = (f"{name} made {plural(len(early), 'request')}{cookies} {when}; the first at "
               f"{_time(early[0].entry.started)}.{because}")
    evidence = list(entry_evidence(early))
    evidence.extend(
        Evidence(kind="cookie", input=a.ref.input, index=a.ref.index, name=c.name)
        for a, c in set_cookies[:MAX_EVIDENCE])
    return Flag(rule="before-consent", severity="high", message=message,
                evidence=tuple(evidence))


def _downgraded(flag: Flag, positions: Sequence[int], context: RuleContext) -> Flag:
    """Lower a flag that only the absence of a consent cookie supports, and say why."""
    captures = context.attribution.captures
    sources = ", ".join(captures[p].source for p in positions)
    stripped = any(captures[p].cookies_stripped for p in positions)
    how = ("the producer stripped the values of the capture's cookie headers" if stripped
           else "the capture carries no cookie headers (a sanitized export)")
    return evolve(flag, severity="medium", message=(
        f"{flag.message} This is not proven: {how} ({sources}), so a consent kept in a "
        "cookie cannot be seen, and the requests may have come after consent was given; "
        "a capture exported with cookies shows it."))


def _silent_flag(view: TagView, position: int, entries: list[AttributedEntry],
                 needed: Mapping[Purpose, _Chain], context: RuleContext) -> Flag:
    capture = context.attribution.captures[position]
    purpose = view.signature.consent
    message = (f"{view.signature.name} ({purpose}) made {plural(len(entries), 'request')} "
               f"in {capture.source}, which carries no consent signal (no consent-manager "
               "cookie, TCF string, consent mode parameter or GPC header), so consent "
               "cannot be shown; the capture may have been made before the banner was "
               "answered.")
    message += _inherited([chain for chain in needed.values() if chain], context)
    if capture.cookies_stripped:
        message += (" The producer stripped the values of the capture's cookie headers, so "
                    "a consent cookie may be hidden.")
    elif not capture.has_cookie_evidence:
        message += " The capture has no cookie headers, so a consent cookie may be hidden."
    return Flag(rule="no-consent-signal",
                severity="medium" if capture.has_cookie_evidence else "low",
                message=message, evidence=entry_evidence(entries))

"""Consent rules: ``before-consent`` and ``no-consent-signal``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime

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


def _needed(view: TagView, loader: str | None, context: RuleContext) -> dict[
        Purpose, str]:
    """Purposes a request of ``view`` needs consent for, each with the tag it comes from.

    ``loader`` is the tag that caused the request, if any.
    """
    wanted = context.options.consent_purposes
    tags = context.tags
    needed: dict[Purpose, str] = {}
    own = _purpose(view.signature.consent, wanted)
    if own is not None:
        needed[own] = view.signature.id
    seen = {view.signature.id}
    for _ in range(_MAX_CHAIN):
        if loader is None or loader in seen or loader not in tags:
            break
        seen.add(loader)
        purpose = _purpose(tags[loader].signature.consent, wanted)
        if purpose is not None:
            needed.setdefault(purpose, loader)
        loader = context.loaders.get(loader)
    return needed


def _time(value: datetime) -> str:
    return value.strftime("%H:%M:%S") + f".{value.microsecond // 1000:03d} UTC"


def before_consent(context: RuleContext) -> Iterator[Finding]:
    """Flag tags that ran before consent for their purpose (or after it was refused).

    A consent manager's own requests are never flagged. A tag loaded by another tag needs
    consent for both tags' purposes. In a capture without any consent signal, tags
    needing consent get ``no-consent-signal`` instead.
    """
    for tag_id, view in context.tags.items():
        if view.signature.category == "consent":
            continue
        early: list[AttributedEntry] = []
        states: dict[tuple[Purpose, PurposeState], str] = {}
        silent: dict[int, list[AttributedEntry]] = {}
        # What a request needs depends only on the tag that caused it: work it out once.
        by_loader: dict[str | None, dict[Purpose, str]] = {}
        for attributed in view.entries:
            loader = attributed.initiated_by
            needed = by_loader.get(loader)
            if needed is None:
                needed = by_loader[loader] = _needed(view, loader, context)
            if not needed:
                continue
            position = attributed.ref.input
            if not context.consent.has_signal(position):
                silent.setdefault(position, []).append(attributed)
                continue
            strictest = context.consent.strictest(position, attributed.entry.started,
                                                  tuple(needed))
            if strictest is not None and strictest[1] != "granted":
                early.append(attributed)
                states.setdefault(strictest, needed[strictest[0]])
        if early:
            yield Finding(tag=tag_id, flag=_before_flag(view, early, states, context))
        for position, entries in sorted(silent.items()):
            yield Finding(tag=tag_id, flag=_silent_flag(view, position, entries, context))


def _before_flag(view: TagView, early: list[AttributedEntry],
                 states: Mapping[tuple[Purpose, PurposeState], str],
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
    inherited = sorted({source for source in states.values() if source != view.signature.id})
    because = ""
    if inherited:
        loaders = ", ".join(context.tags[t].signature.name for t in inherited)
        because = f" It is judged with the purpose of {loaders}, which loaded it."
    cookies = f" and set {plural(len(set_cookies), 'cookie')}" if set_cookies else ""
    message = (f"{name} made {plural(len(early), 'request')}{cookies} {when}; the first at "
               f"{_time(early[0].entry.started)}.{because}")
    evidence = list(entry_evidence(early))
    evidence.extend(
        Evidence(kind="cookie", input=a.ref.input, index=a.ref.index, name=c.name)
        for a, c in set_cookies[:MAX_EVIDENCE])
    return Flag(rule="before-consent", severity="high", message=message,
                evidence=tuple(evidence))


def _silent_flag(view: TagView, position: int, entries: list[AttributedEntry],
                 context: RuleContext) -> Flag:
    capture = context.attribution.captures[position]
    purpose = view.signature.consent
    message = (f"{view.signature.name} ({purpose}) made {plural(len(entries), 'request')} "
               f"in {capture.source}, which carries no consent signal (no consent-manager "
               "cookie, TCF string, consent mode parameter or GPC header), so consent "
               "cannot be shown; the capture may have been made before the banner was "
               "answered.")
    if not capture.has_cookie_evidence:
        message += " The capture has no cookie headers, so a consent cookie may be hidden."
    return Flag(rule="no-consent-signal",
                severity="medium" if capture.has_cookie_evidence else "low",
                message=message, evidence=entry_evidence(entries))

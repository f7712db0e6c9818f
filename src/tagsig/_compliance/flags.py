"""What the compliance rules produce: flags, their evidence and messages, consent signals.

This module belongs to the compliance layer (see ``tests/test_layers.py``): the rules, the
consent readers and the messages build these values, the report holds them and the
renderers write them. It may import the base, inputs, signatures and audit layers and the
consent-string readers (``_cmp``), never the report, the analysis, the renderers or the
command line.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal, TypeAlias, get_args

from attrs import field, frozen

from tagsig._compliance.consent.signals import CONSENT_PURPOSES

__all__ = [
    "SEVERITIES",
    "SEVERITY_RANK",
    "ConsentChange",
    "ConsentSignal",
    "ConsentSummary",
    "Count",
    "Evidence",
    "Flag",
    "Message",
    "MessageArg",
    "Noun",
    "Severity",
]

Severity = Literal["high", "medium", "low", "info"]
"""How serious a flag is."""

SEVERITIES: Final[tuple[Severity, ...]] = get_args(Severity)
"""Every severity, most serious first."""

SEVERITY_RANK: Final[dict[Severity, int]] = {s: n for n, s in enumerate(SEVERITIES)}
"""The rank of each severity, 0 the most serious: the one order every sort and threshold
uses."""


@frozen(kw_only=True)
class Evidence:
    """What a flag points at: an entry, a cookie, or a matched value (personal data masked)."""

    kind: Literal["entry", "cookie", "value"]
    input: int | None = None
    """Input position, for entries and cookies."""
    index: int | None = None
    """Entry index in that input's ``log.entries``, for entries."""
    name: str | None = None
    """Cookie or parameter name."""
    value: str | None = None
    """The matched value, masked where it is personal data."""
    method: str | None = None
    """The request's method, for entries and cookies observed in an entry."""
    url: str | None = None
    """The request's URL, shortened for reading: a long path or query is cut, and the
    values of a request that carries personal data are masked as in
    ``pii-to-third-party`` (see :func:`tagsig._compliance.rules.evidence.short_url`)."""
    time: datetime | None = None
    """When the request started (for a cookie, when it was observed)."""
    page: str | None = None
    """The page the request belongs to: its title (often its URL), else its id."""
    domain: str | None = None
    """The cookie's domain (its host for a host-only cookie), for cookies."""

    @property
    def pointer(self) -> str | None:
        """The JSON pointer of the entry in its capture (``/log/entries/3``), if any."""
        return f"/log/entries/{self.index}" if self.index is not None else None


Noun: TypeAlias = Literal[
    "request",
    "cookie",
    "third-party cookie",
    "tracking cookie",
    "vendor",
    "Universal Analytics hit",
]
"""The things a flag's message counts (each has its plural forms in every language)."""


@frozen
class Count:
    """A number of things in a flag's message, written with its plural form (``3 requests``).

    >>> Count(2, "request")
    Count(count=2, noun='request')
    """

    count: int
    noun: Noun


@frozen
class Message:
    """A part of a flag's message: the id of its template and the values of its fields."""

    id: str
    """The template's id (see ``tagsig._compliance.messages``)."""
    args: tuple[tuple[str, MessageArg], ...] = ()
    """``(field, value)`` pairs, in the template's order."""


MessageArg: TypeAlias = str | int | Count | Message | tuple["MessageArg", ...]
"""A value in a flag's message: text from the inputs, a number, a count, a phrase, or a
list of them (written separated by commas)."""


@frozen(kw_only=True)
class Flag:
    """One compliance finding about a tag."""

    rule: str
    """Stable rule id (``before-consent``, ``cookie-lifetime``, ...)."""
    severity: Severity
    message: str
    """What was found, in words a non-engineer understands."""
    evidence: tuple[Evidence, ...] = ()
    waiver: str | None = None
    """The reason a policy gives for ignoring this flag; ``None`` when it counts."""
    tag: str | None = None
    """Id of the tag the flag is about; ``None`` for a flag about the site as a whole."""
    message_id: str | None = field(default=None, eq=False)
    """The stable id of the template ``message`` is written from, which translations
    follow; ``None`` for a message written otherwise (shown in English in every language).
    It and ``message_args`` render ``message``, so they take no part in comparisons.

    .. versionadded:: 0.2
    """
    message_args: tuple[tuple[str, MessageArg], ...] = field(default=(), eq=False)
    """The values of the template's fields, as ``(field, value)`` pairs.

    .. versionadded:: 0.2
    """


@frozen(kw_only=True)
class ConsentSignal:
    """A consent signal found in a capture (a CMP cookie, a TCF string, GPC, ...)."""

    kind: str
    """What kind of signal (``onetrust``, ``tcf-v2``, ``gpc``, ...)."""
    time: datetime | None
    """When it first appears."""
    input: int | None
    """Input position it was found in."""
    entry: int | None
    """Entry index where it first appears, if in a capture."""
    detail: tuple[tuple[str, str], ...] = ()
    """Decoded detail as ``(key, value)`` pairs."""
    purposes: tuple[tuple[str, str], ...] = ()
    """The consent purposes it grants or denies, as ``(purpose, state)`` pairs."""


@frozen(kw_only=True)
class ConsentChange:
    """The state of every consent purpose from one moment of a capture on."""

    input: int
    """Input position of the capture."""
    time: datetime
    """When the state starts to hold."""
    entry: int | None
    """Entry index of the signal that changed it."""
    purposes: tuple[tuple[str, str], ...]
    """``(purpose, state)`` for every purpose: ``granted``, ``denied`` or ``unknown``."""


@frozen(kw_only=True)
class ConsentSummary:
    """The consent section of a report."""

    signals: tuple[ConsentSignal, ...] = ()
    timeline: tuple[ConsentChange, ...] = ()
    """How the consent state changed over each capture, in input then time order."""
    needing_consent: tuple[str, ...] = CONSENT_PURPOSES
    """The purposes that needed the visitor's consent in this audit: the default ones
    (analytics, marketing, personalization) or those of the policy."""

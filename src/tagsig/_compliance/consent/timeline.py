"""The consent timeline: which consent signals a capture carries, and when each purpose holds.

Signals are read in time order from every entry of a capture: the cookies each request
sends and each response sets, the URL's query parameters and the ``Sec-GPC`` header. A
signal is recorded where it first appears and again whenever its value changes. Cookie
jars carry signals too, without a time: they show the state at the end of a visit.

The state of a purpose at a moment is that of the latest signal before it that speaks of
the purpose. Signals a tag reports about itself (Google consent mode's ``gcs`` and
``gcd``) count only in a capture where no consent manager says anything of the purpose.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from operator import attrgetter
from urllib.parse import parse_qsl

from attrs import frozen

from tagsig._audit.attribute import Attribution
from tagsig._compliance.consent.cmp_cookies import (
    consent_cookies,
    names_consent_cookie,
    read_cookies,
)
from tagsig._compliance.consent.signals import (
    PURPOSES,
    Purpose,
    PurposeState,
    Reading,
    read_gpc,
)
from tagsig._compliance.consent.signals import read_parameters as _read_parameters
from tagsig._compliance.flags import ConsentChange, ConsentSignal, ConsentSummary
from tagsig._inputs.models import Capture, Entry

__all__ = ["ConsentTimeline", "consent_timeline"]

_STRICTNESS: dict[PurposeState, int] = {"granted": 0, "unknown": 1, "denied": 2}


@frozen(kw_only=True)
class _Observation:
    input: int
    time: datetime | None
    """When the signal holds from (its decision time where recorded); ``None`` in jars."""
    order: tuple[datetime, int] | None
    purposes: dict[Purpose, PurposeState]
    primary: bool


_Pool = tuple[list[datetime], list[PurposeState]]
"""Times of observations in order, and the state each gives the purpose."""


def _moment(observation: _Observation) -> tuple[datetime | None, tuple[datetime, int] | None]:
    return observation.time, observation.order


@frozen(kw_only=True)
class ConsentTimeline:
    """The consent signals of the inputs and the state of each purpose over time."""

    signals: tuple[ConsentSignal, ...]
    """Every signal, in input then time order."""
    observations: tuple[_Observation, ...]
    """The signals with their effective time and purpose states (for :meth:`state`)."""
    captures: int
    """How many of the inputs are captures (the rest are jars)."""

    @functools.cached_property
    def _pools(self) -> Mapping[tuple[int, Purpose], _Pool]:
        """The timed observations that speak of each purpose in each capture.

        Those of consent managers where any speaks of the purpose, else the tags' own,
        ordered by ``(time, order)``; of observations with the same ``(time, order)``
        only the first counts (the one the latest signal is taken from).
        """
        speaking: dict[tuple[int, Purpose], list[_Observation]] = defaultdict(list)
        for observation in self.observations:
            if observation.time is not None:
                for purpose in observation.purposes:
                    speaking[(observation.input, purpose)].append(observation)
        pools: dict[tuple[int, Purpose], _Pool] = {}
        for key, observations in speaking.items():
            pool = [o for o in observations if o.primary] or observations
            ordered: list[_Observation] = []
            for observation in sorted(pool, key=_moment):
                if not ordered or _moment(ordered[-1]) != _moment(observation):
                    ordered.append(observation)
            pools[key] = (
                [o.time for o in ordered if o.time is not None],
                [o.purposes[key[1]] for o in ordered],
            )
        return pools

    def state(self, input: int, time: datetime, purpose: Purpose) -> PurposeState:
        """Return the state of ``purpose`` at ``time`` in capture ``input``.

        Args:
            input: Position of the capture.
            time: The moment (an entry's start time).
            purpose: The consent purpose.

        Returns:
            ``granted`` or ``denied`` as the latest signal before ``time`` says, else
            ``unknown``.

        """
        pool = self._pools.get((input, purpose))
        if pool is None:
            return "unknown"
        times, states = pool
        latest = bisect_right(times, time) - 1
        return states[latest] if latest >= 0 else "unknown"

    def strictest(
        self, input: int, time: datetime, purposes: Sequence[Purpose]
    ) -> tuple[Purpose, PurposeState] | None:
        """Return the purpose of ``purposes`` in the strictest state, with that state.

        ``denied`` is stricter than ``unknown``, which is stricter than ``granted``;
        ``None`` when ``purposes`` is empty.
        """
        strictest: tuple[Purpose, PurposeState] | None = None
        rank = -1
        for purpose in sorted(set(purposes)):
            state = self.state(input, time, purpose)
            # The first purpose of the strictest state, as max() would pick it.
            if _STRICTNESS[state] > rank:
                strictest, rank = (purpose, state), _STRICTNESS[state]
        return strictest

    @functools.cached_property
    def _signalled(self) -> frozenset[int]:
        return frozenset(o.input for o in self.observations)

    def has_signal(self, input: int) -> bool:
        """Whether capture ``input`` (or any cookie jar) carries a consent signal."""
        signalled = self._signalled
        return input in signalled or any(i >= self.captures for i in signalled)

    def summary(self) -> ConsentSummary:
        """Return the consent section of a report: the signals and the state changes."""
        changes: list[ConsentChange] = []
        for position in range(self.captures):
            timed = sorted(
                (
                    o
                    for o in self.observations
                    if o.input == position and o.time is not None and o.order is not None
                ),
                key=lambda o: (o.time, o.order),
            )
            previous: tuple[tuple[str, str], ...] | None = None
            for observation in timed:
                assert observation.time is not None
                assert observation.order is not None
                purposes = tuple((p, self.state(position, observation.time, p)) for p in PURPOSES)
                if purposes != previous:
                    changes.append(
                        ConsentChange(
                            input=position,
                            time=observation.time,
                            entry=observation.order[1],
                            purposes=purposes,
                        )
                    )
                    previous = purposes
        return ConsentSummary(signals=self.signals, timeline=tuple(changes))


# The parameters read_parameters looks at; most queries hold none, and skip parsing.
_CONSENT_PARAMETER = re.compile(
    r"(?:^|[&;])(?:gdpr|gdpr_consent|gcs|gcd|us_privacy|gpp)=", re.IGNORECASE
)
_NAME = attrgetter("name")
_NAME_VALUE = attrgetter("name", "value")

_CookieReadings = dict[tuple[tuple[str, str], ...], list[Reading]]


def _read_cookies_once(
    cookies: tuple[tuple[str, str], ...], seen: _CookieReadings
) -> list[Reading]:
    # The same consent cookies go with most requests of a capture: read them once.
    readings = seen.get(cookies)
    if readings is None:
        readings = seen[cookies] = read_cookies(cookies)
    return readings


def _may_name_consent(url: str) -> bool:
    """Whether ``url`` may have a consent parameter; ``False`` proves it has none.

    A URL without ``?`` has no query. The query of a printable ASCII URL is part of it
    as written, so a URL without the names has a query without them.
    """
    if "?" not in url:
        return False
    if url.isascii() and url.isprintable():
        # Case-insensitive regular expressions are slow; lower-casing is exact for ASCII.
        # ("gdpr" stands for both "gdpr=" and "gdpr_consent=".)
        lowered = url.lower()
        return (
            "gdpr" in lowered
            or "gcs=" in lowered
            or "gcd=" in lowered
            or "gpp=" in lowered
            or "us_privacy=" in lowered
        )
    return True


def _entry_readings(entry: Entry, seen: _CookieReadings) -> list[Reading]:
    readings: list[Reading] = []
    # Only the consent cookies are read: the same few values go with many requests, and
    # most requests send and set none.
    sent = entry.request_cookies
    if sent and names_consent_cookie(tuple(map(_NAME, sent))):
        relevant = consent_cookies(map(_NAME_VALUE, sent))
        readings += _read_cookies_once(relevant, seen)
    received = entry.response_cookies
    if received and names_consent_cookie(tuple(map(_NAME, received))):
        relevant = consent_cookies((c.name, c.value) for c in received if c.value)
        if relevant:
            readings += _read_cookies_once(relevant, seen)
    if _may_name_consent(entry.url.raw):
        query = entry.url.query
        if query and _CONSENT_PARAMETER.search(query):
            readings += _read_parameters(parse_qsl(query, keep_blank_values=True))
    gpc = read_gpc(entry.request_headers.get("sec-gpc"))
    if gpc is not None:
        readings.append(gpc)
    return readings


def _signal(
    reading: Reading, position: int, time: datetime | None, entry: int | None
) -> ConsentSignal:
    detail = reading.detail
    if reading.decided is not None:
        detail = (*detail, ("decided", reading.decided.isoformat()))
    return ConsentSignal(
        kind=reading.kind,
        time=time,
        input=position,
        entry=entry,
        detail=detail,
        purposes=reading.purposes,
    )


def _capture_signals(
    position: int, capture: Capture
) -> tuple[list[ConsentSignal], list[_Observation]]:
    signals: list[ConsentSignal] = []
    observations: list[_Observation] = []
    ordered = sorted(capture.entries, key=lambda e: (e.started, e.index))
    start = ordered[0].started if ordered else None
    last: dict[str, Reading] = {}
    seen: _CookieReadings = {}
    for entry in ordered:
        for reading in _entry_readings(entry, seen):
            key = f"{reading.kind}/{dict(reading.detail).get('source', '')}"
            if last.get(key) == reading:
                continue
            last[key] = reading
            signals.append(_signal(reading, position, entry.started, entry.index))
            effective = entry.started
            # A banner's own record of the decision is earlier than the first request
            # carrying the cookie, which the banner's script set without a request.
            decided = reading.decided
            if decided is not None and start is not None and start <= decided < effective:
                effective = decided
            observations.append(
                _Observation(
                    input=position,
                    time=effective,
                    order=(entry.started, entry.index),
                    purposes=dict(reading.purposes),
                    primary=reading.primary,
                )
            )
    return signals, observations


def consent_timeline(attribution: Attribution) -> ConsentTimeline:
    """Read the consent signals of an attribution's captures and jars.

    Args:
        attribution: The attributed inputs.

    Returns:
        The consent timeline.

    """
    signals: list[ConsentSignal] = []
    observations: list[_Observation] = []
    for position, capture in enumerate(attribution.captures):
        found, observed = _capture_signals(position, capture)
        signals.extend(found)
        observations.extend(observed)
    offset = len(attribution.captures)
    for number, jar in enumerate(attribution.jars):
        position = offset + number
        for reading in read_cookies([(c.name, c.value) for c in jar.cookies]):
            signals.append(_signal(reading, position, None, None))
            observations.append(
                _Observation(
                    input=position,
                    time=None,
                    order=None,
                    purposes=dict(reading.purposes),
                    primary=reading.primary,
                )
            )
    return ConsentTimeline(
        signals=tuple(signals), observations=tuple(observations), captures=offset
    )

"""Cookie expiries, flags and SameSite values as jars and HAR producers write them, read one way.

The HAR reader and the cookie-jar reader both use these functions, so that the same
recorded value gives the same cookie whichever file it comes from. Each raises
``ValueError`` for a value it cannot read; the callers report it as a problem.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

from tagsig._inputs.cookies.setcookie import EARLIEST_EXPIRY, LATEST_EXPIRY, parse_cookie_date
from tagsig._inputs.models import SameSite

__all__ = [
    "EXPECTED_EXPIRY",
    "EXPECTED_FLAG",
    "EXPECTED_SAME_SITE",
    "expiry",
    "expiry_from_epoch",
    "flag",
    "same_site",
]

EXPECTED_EXPIRY = "seconds since 1970 or a date"
"""What an expiry may be, for messages."""
EXPECTED_FLAG = "true or false"
"""What a flag (``secure``, ``httpOnly``, ``session``, ...) may be, for messages."""
EXPECTED_SAME_SITE = "Strict, Lax, None, no_restriction or unspecified"
"""What a SameSite value may be, for messages."""

_MAX_SECONDS = (LATEST_EXPIRY - EARLIEST_EXPIRY).total_seconds()
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_FLAGS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False, "": False}
_SAME_SITE: dict[str, SameSite | None] = {
    "strict": "strict",
    "lax": "lax",
    "none": "none",
    "no_restriction": "none",  # the Chrome and Firefox extension APIs (EditThisCookie, ...)
    "unspecified": None,
    "": None,
}


def expiry_from_epoch(seconds: float) -> datetime | None:
    """Return the expiry ``seconds`` after 1970, or ``None`` (session) when not positive.

    Values past the last second of year 9999 (253402300799) are milliseconds, as
    JavaScript tools and recent Firefox write them, when that gives a date; larger ones
    are clamped to :data:`LATEST_EXPIRY`. The whole last day of 9999, a common way of
    saying "never", stays in seconds.

    >>> expiry_from_epoch(253402300799).isoformat()
    '9999-12-31T23:59:59+00:00'
    >>> expiry_from_epoch(1_900_000_000_000).year
    2030

    Raises:
        ValueError: ``seconds`` is not a number (NaN).

    """
    if math.isnan(seconds):
        raise ValueError(seconds)
    if seconds <= 0:
        return None
    if seconds > _MAX_SECONDS:
        if seconds > _MAX_SECONDS * 1000:
            return LATEST_EXPIRY
        seconds /= 1000
    return EARLIEST_EXPIRY + timedelta(seconds=seconds)


def _text_expiry(text: str) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    if _NUMBER.match(text):
        return expiry_from_epoch(float(text))
    try:
        date = datetime.fromisoformat(text)
    except ValueError:
        found = parse_cookie_date(text)
        if found is None:
            raise ValueError(text) from None
        return found
    if date.tzinfo is None:
        return date.replace(tzinfo=UTC)
    try:
        return date.astimezone(UTC)
    except OverflowError:  # the last hours of year 9999 in a zone west of UTC
        return LATEST_EXPIRY


def expiry(value: object) -> datetime | None:
    """Read an expiry: seconds or milliseconds since 1970, ISO 8601, or an HTTP date.

    Numbers may be written as JSON numbers or as text; ``None``, an empty text, zero and
    negative numbers mean a session cookie (``None``).

    >>> expiry("Fri, 31 Dec 9999 23:59:59 GMT") == expiry(253402300799) == LATEST_EXPIRY
    True

    Raises:
        ValueError: ``value`` is none of these (a boolean, NaN, a text that is no date).

    """
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return expiry_from_epoch(value) if value <= _MAX_SECONDS * 1000 else LATEST_EXPIRY
    if isinstance(value, float):
        return expiry_from_epoch(value)
    if isinstance(value, str):
        return _text_expiry(value)
    raise ValueError(value)


def same_site(value: object) -> SameSite | None:
    """Read a SameSite value, case-insensitively; ``None`` when unspecified.

    >>> same_site("no_restriction"), same_site("Lax"), same_site("unspecified")
    ('none', 'lax', None)

    Raises:
        ValueError: ``value`` is not one of :data:`EXPECTED_SAME_SITE` (or empty).

    """
    if value is None:
        return None
    if isinstance(value, str) and (key := value.strip().lower()) in _SAME_SITE:
        return _SAME_SITE[key]
    raise ValueError(value)


def flag(value: object) -> bool | None:
    """Read a flag: a boolean, ``0`` or ``1``, or ``true``/``false``/``yes``/``no`` as text.

    ``None`` (absent) stays ``None``; an empty text is ``False``.

    >>> flag(True), flag("TRUE"), flag(0), flag(None)
    (True, True, False, None)

    Raises:
        ValueError: ``value`` is none of these.

    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in {0, 1}:
        return bool(value)
    if isinstance(value, str) and (key := value.strip().lower()) in _FLAGS:
        return _FLAGS[key]
    raise ValueError(value)

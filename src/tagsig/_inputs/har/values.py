"""The values HAR producers write, normalised: times, URLs, sizes, cookie attributes.

Producers disagree on the details (``-1`` or ``null`` for an unknown size, sizes written as
floats); these functions turn each into the one form the model holds. Cookie expiries,
flags and SameSite values are read by :mod:`tagsig._inputs.cookies.values`, which the cookie-jar
reader shares.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urljoin

from tagsig._inputs.har import format as har
from tagsig._inputs.models import Creator, Headers, PostData

__all__ = [
    "call_stack",
    "creator",
    "duration",
    "is_stripped",
    "mime",
    "parse_started",
    "post_data",
    "redirect",
    "server_ip",
    "size",
    "status",
    "text",
    "total_time",
]

_MAX_SIZE = float(2**62)


def parse_started(text: str) -> datetime:
    """Parse a HAR ``startedDateTime`` into an aware datetime (naive values are UTC).

    >>> parse_started("2015-02-22T19:28:12.136-08:00").isoformat()
    '2015-02-22T19:28:12.136000-08:00'

    Raises:
        ValueError: ``text`` is not an ISO 8601 date-time.

    """
    value = datetime.fromisoformat(text.strip())
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# Chrome's net log, and WebPageTest captures made from it, replace a cookie header's
# value with its length: "[24 bytes were stripped]".
_STRIPPED = re.compile(r"\s*\[\d+ bytes were stripped\]\s*")


def is_stripped(value: str) -> bool:
    """Whether a cookie header or cookie value is a producer's stand-in for a stripped one.

    >>> is_stripped("[24 bytes were stripped]"), is_stripped("id=24")
    (True, False)
    """
    return _STRIPPED.fullmatch(value) is not None


def text(value: object) -> str:
    """Return a HAR scalar as text: ``""`` for none, a whole float without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def creator(raw: har.Creator | None) -> Creator | None:
    """Return the program a HAR names, or ``None`` when it names none."""
    if raw is None or not raw.name:
        return None
    return Creator(name=raw.name, version=text(raw.version))


def size(value: har.Num) -> int | None:
    """Return a HAR size in bytes, or ``None`` when unknown (negative, absent or absurd)."""
    # -1 means "unknown" in HAR; any negative or non-finite size is treated the same.
    if value is None or not 0 <= value < _MAX_SIZE:
        return None
    return int(value)


def duration(value: har.Num) -> float | None:
    """Return a HAR time in milliseconds, or ``None`` when unknown (negative, absent or absurd)."""
    if value is None or not 0 <= value < _MAX_SIZE:
        return None
    return value


def total_time(value: har.Num, timings: har.Timings) -> float:
    """Return an entry's time: as recorded, else the sum of its known phases."""
    total = duration(value)
    if total is not None:
        return total
    phases = (
        timings.blocked,
        timings.dns,
        timings.connect,
        timings.send,
        timings.wait,
        timings.receive,
    )
    return sum(d for d in map(duration, phases) if d is not None)


def status(value: har.Num) -> int:
    """Return an HTTP status code, or ``0`` when none is recorded or it is out of range."""
    if value is None or not 0 <= value < 1000:
        return 0
    return int(value)


def mime(value: str) -> str:
    """Return a MIME type without its parameters, in lower case."""
    return value.split(";", 1)[0].strip().lower()


def server_ip(value: str | None) -> str | None:
    """Return the server's IP address without IPv6 brackets, or ``None`` when not recorded."""
    if not value:
        return None
    return value.strip().strip("[]") or None


def redirect(recorded: str | None, headers: Headers, request_url: str, status: int) -> str | None:
    """Return the absolute URL a response redirects to, or ``None``."""
    # Location only means a redirect on a 3xx response (a 201 may carry one too).
    target = recorded or (headers.get("location") if 300 <= status < 400 else None)
    if not target:
        return None
    try:
        return urljoin(request_url, target)
    except ValueError:
        return target


def post_data(raw: har.PostData | None) -> PostData | None:
    """Return a request's posted body, or ``None`` when none is recorded."""
    if raw is None:
        return None
    params = tuple((text(p.name), text(p.value)) for p in raw.params or ())
    return PostData(mime_type=raw.mimeType or "", text=raw.text or "", params=params)


def call_stack(frames: har.Stack | None) -> list[str]:
    """Every distinct script URL on a call stack, innermost first."""
    stack: list[str] = []
    while frames is not None:
        for frame in frames.callFrames or ():
            if frame.url and frame.url not in stack:
                stack.append(frame.url)
        frames = frames.parent
    return stack

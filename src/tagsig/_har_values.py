"""The values HAR producers write, normalised: times, URLs, sizes, cookie attributes.

Producers disagree on the details (``-1`` or ``null`` for an unknown size, sizes written as
floats, ``"true"`` for a flag, expiries as seconds or as dates); these functions turn each
into the one form the model holds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from tagsig import _har_format as har
from tagsig._models import Creator, Headers, PostData, Url

__all__ = [
    "call_stack",
    "cookie_expiry",
    "creator",
    "duration",
    "flag",
    "mime",
    "parse_started",
    "parse_url",
    "post_data",
    "redirect",
    "same_site",
    "server_ip",
    "size",
    "status",
    "text",
    "total_time",
]

# The host is one possessive character class, not labels repeated as a group: a repeated
# group keeps a mark per repetition, about 90 bytes per label (a 100 MB host of dotted
# labels would need gigabytes). Empty labels and a trailing dot go to the slow path.
_SIMPLE_URL = re.compile(
    r"(https?|wss?)://([A-Za-z0-9-][A-Za-z0-9.-]*+)(?::(\d{1,5}))?(?:[/?#]\S*)?"
)
_MAX_SIZE = float(2**62)
# One string per scheme, not one per URL.
_SCHEMES = {scheme: scheme for scheme in ("http", "https", "ws", "wss")}


def parse_started(text: str) -> datetime:
    """Parse a HAR ``startedDateTime`` into an aware datetime (naive values are UTC).

    >>> parse_started("2015-02-22T19:28:12.136-08:00").isoformat()
    '2015-02-22T19:28:12.136000-08:00'

    Raises:
        ValueError: ``text`` is not an ISO 8601 date-time.

    """
    value = datetime.fromisoformat(text.strip())
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def parse_url(raw: str) -> Url:
    """Split a URL once into scheme, host, port, path and query.

    >>> u = parse_url("HTTPS://WWW.Example.com:8443/a/b?x=1#frag")
    >>> (u.scheme, u.host, u.port, u.path, u.query)
    ('https', 'www.example.com', 8443, '/a/b', 'x=1')
    """
    fast = _SIMPLE_URL.fullmatch(raw)
    if fast is not None and ".." not in fast.group(2) and not fast.group(2).endswith("."):
        # The common case, about five times faster than urlsplit.
        scheme, host, port = fast.group(1, 2, 3)
        return Url(raw=raw, scheme=_SCHEMES.get(scheme) or scheme.lower(),
                   host=host if host.islower() else host.lower(),
                   port=int(port) if port and int(port) < 65536 else None)
    try:
        parts = urlsplit(raw.strip())
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return Url(raw=raw, scheme="", host="", port=None)
    scheme = parts.scheme.lower()
    if scheme in {"data", "blob", "about", "javascript"}:
        return Url(raw=raw, scheme=scheme, host="", port=None)
    host = parts.hostname or ""
    if host and not host.isascii():
        host = _idna(host)
    try:
        port = parts.port
    except ValueError:
        port = None
    return Url(raw=raw, scheme=scheme, host=host.rstrip("."), port=port)


def _idna(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def creator(raw: har.Creator | None) -> Creator | None:
    if raw is None or not raw.name:
        return None
    return Creator(name=raw.name, version=text(raw.version))


def size(value: har.Num) -> int | None:
    # -1 means "unknown" in HAR; any negative or non-finite size is treated the same.
    if value is None or not 0 <= value < _MAX_SIZE:
        return None
    return int(value)


def duration(value: har.Num) -> float | None:
    if value is None or not 0 <= value < _MAX_SIZE:
        return None
    return value


def total_time(value: har.Num, timings: har.Timings) -> float:
    total = duration(value)
    if total is not None:
        return total
    phases = (timings.blocked, timings.dns, timings.connect, timings.send, timings.wait,
              timings.receive)
    return sum(d for d in map(duration, phases) if d is not None)


def status(value: har.Num) -> int:
    if value is None or not 0 <= value < 1000:
        return 0
    return int(value)


def mime(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def server_ip(value: str | None) -> str | None:
    if not value:
        return None
    return value.strip().strip("[]") or None


def redirect(recorded: str | None, headers: Headers, request_url: str, status: int) -> (
        str | None):
    # Location only means a redirect on a 3xx response (a 201 may carry one too).
    target = recorded or (headers.get("location") if 300 <= status < 400 else None)
    if not target:
        return None
    try:
        return urljoin(request_url, target)
    except ValueError:
        return target


def post_data(raw: har.PostData | None) -> PostData | None:
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


def cookie_expiry(value: float | str | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return parse_started(value)
        except ValueError:
            return None
    if value <= 0:  # -1: a session cookie in CDP-style records
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return datetime.max.replace(tzinfo=UTC)


def flag(value: har.Scalar) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"true", "1", "yes"}:
            return True
        if lowered in {"false", "0", "no", ""}:
            return False
        return None
    return bool(value)


def same_site(value: har.Scalar) -> Any:
    if not isinstance(value, str) or not value:
        return None
    lowered = value.lower()
    return lowered if lowered in {"strict", "lax", "none"} else None

"""Parse ``Cookie`` and ``Set-Cookie`` headers and cookie dates (RFC 6265)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from tagsig._models import Cookie, SameSite

__all__ = [
    "EARLIEST_EXPIRY",
    "LATEST_EXPIRY",
    "parse_cookie_date",
    "parse_cookie_header",
    "parse_set_cookie",
]

EARLIEST_EXPIRY = datetime(1970, 1, 1, tzinfo=UTC)
"""Expiry given to a cookie deleted with ``Max-Age`` <= 0 (the usual ``Expires`` of deletions)."""
LATEST_EXPIRY = datetime(9999, 12, 31, tzinfo=UTC)
"""Latest expiry tagsig records; later ones are clamped (it converts to any time zone)."""

# RFC 6265 section 5.1.1: delimiters between date tokens, and the token grammars.
_DATE_DELIMITERS = re.compile(r"[\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+")
_DATE_TIME = re.compile(r"([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[^0-9]|\Z)")
_DATE_DAY = re.compile(r"([0-9]{1,2})(?:[^0-9]|\Z)")
_DATE_YEAR = re.compile(r"([0-9]{2,4})(?:[^0-9]|\Z)")
# The form nearly every server sends (IMF-fixdate, RFC 9110), read in one step. Weekday
# names never begin like a month, so the result equals the general algorithm's.
_IMF_FIXDATE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ([0-9]{2})[ -]([A-Za-z]{3})[ -]([0-9]{4})"
    r" ([0-9]{2}):([0-9]{2}):([0-9]{2}) GMT\Z"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
# RFC 6265bis section 5.6: a cookie line holding a control character (HTAB aside) is ignored.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_MAX_AGE = re.compile(r"-?[0-9]+\Z")
_HEADER_SAME_SITE: dict[str, SameSite] = {"strict": "strict", "lax": "lax", "none": "none"}



@lru_cache(maxsize=4096)
def parse_cookie_date(text: str) -> datetime | None:
    """Parse a cookie date with the lenient algorithm of RFC 6265 section 5.1.1.

    Accepts every form servers send (``Wed, 21 Oct 2015 07:28:00 GMT``,
    ``Wednesday, 21-Oct-15 07:28:00 GMT``, ``Wed Oct 21 07:28:00 2015``, ...). Two-digit
    years 70-99 mean 19xx and 00-69 mean 20xx. The zone is always UTC; dates after
    :data:`LATEST_EXPIRY` are clamped to it.

    >>> parse_cookie_date("Wed, 21 Oct 2015 07:28:00 GMT")
    datetime.datetime(2015, 10, 21, 7, 28, tzinfo=datetime.timezone.utc)
    >>> parse_cookie_date("not a date") is None
    True

    Args:
        text: The attribute value.

    Returns:
        The aware UTC date, or ``None`` when the text holds no valid date.

    """
    time: tuple[int, int, int] | None = None
    day = month = year = None
    if (fast := _IMF_FIXDATE.match(text)) and (month := _MONTHS.get(fast[2].lower())):
        day, year = int(fast[1]), int(fast[3])
        time = (int(fast[4]), int(fast[5]), int(fast[6]))
    for token in _DATE_DELIMITERS.split(text) if time is None else ():
        if not token:
            continue
        if time is None and (match := _DATE_TIME.match(token)):
            time = (int(match[1]), int(match[2]), int(match[3]))
        elif day is None and (match := _DATE_DAY.match(token)):
            day = int(match[1])
        elif month is None and (found := _MONTHS.get(token[:3].lower())):
            month = found
        elif year is None and (match := _DATE_YEAR.match(token)):
            year = int(match[1])
    if time is None or day is None or month is None or year is None:
        return None
    if 70 <= year <= 99:
        year += 1900
    elif year <= 69:
        year += 2000
    hour, minute, second = time
    if not 1 <= day <= 31 or year < 1601 or hour > 23 or minute > 59 or second > 59:
        return None
    try:
        date = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:  # a day the month does not have, such as 30 February
        return None
    return min(date, LATEST_EXPIRY)


def parse_cookie_header(value: str) -> tuple[tuple[str, str], ...]:
    """Split a request ``Cookie`` header into ``(name, value)`` pairs.

    Pairs are separated by ``;``; names and values are stripped of spaces and tabs, and
    quotes are kept. A pair without ``=`` is a value with an empty name, as browsers send
    it for ``document.cookie = "value"``. Empty pairs are dropped.

    >>> parse_cookie_header("a=1; b = 2 ;flag")
    (('a', '1'), ('b', '2'), ('', 'flag'))

    Args:
        value: The header value.

    Returns:
        The pairs in header order.

    """
    pairs: list[tuple[str, str]] = []
    for piece in value.split(";"):
        name, eq, rest = piece.partition("=")
        if eq:
            pairs.append((name.strip(" \t"), rest.strip(" \t")))
        elif stripped := name.strip(" \t"):
            pairs.append(("", stripped))
    return tuple(pairs)


def _default_path(request_path: str) -> str:
    """Return the default cookie path of a request path (RFC 6265 section 5.1.4)."""
    if not request_path.startswith("/"):
        return "/"
    return request_path[: request_path.rfind("/")] or "/"


def parse_set_cookie(
    header: str,
    *,
    seen: datetime | None,
    request_host: str,
    request_path: str | None = None,
    entry: int | None = None,
    file: str | None = None,
) -> Cookie | None:
    """Parse one ``Set-Cookie`` header value as a browser does (RFC 6265 section 5.2).

    Decisions where the RFC leaves room, following RFC 6265bis and browsers:

    - a pair without ``=`` is a value with an empty name; a header with neither name nor
      value, or holding a control character other than HTAB, is ignored (``None``). Callers
      split headers that a producer joined with newlines before calling;
    - attribute names are case-insensitive and the last occurrence wins; ``Expires`` that
      does not parse is ignored;
    - ``Max-Age`` wins over ``Expires``: ``seen`` plus its seconds (clamped to
      :data:`LATEST_EXPIRY`), or :data:`EARLIEST_EXPIRY` when it is 0 or negative. Without
      ``seen`` a positive ``Max-Age`` cannot be placed in time and ``Expires`` is used;
    - ``Domain`` loses one leading dot and is lower-cased; the cookie is ignored when the
      request host does not domain-match it, as browsers ignore it. Without ``Domain`` the
      cookie is host-only on ``request_host``;
    - ``Path`` not starting with ``/`` is replaced by the default path of ``request_path``
      (``None`` when that is not given either);
    - ``SameSite`` other than ``Strict``, ``Lax`` or ``None`` means unspecified (``None``).

    Lifetimes are kept as the server asked, without the 400-day cap browsers apply.

    >>> c = parse_set_cookie("id=7; Domain=.Example.com; Max-Age=0", seen=None,
    ...                      request_host="www.example.com")
    >>> (c.name, c.value, c.domain, c.host_only, c.expires == EARLIEST_EXPIRY)
    ('id', '7', 'example.com', False, True)

    Args:
        header: The header value.
        seen: When the response was received (aware), the base of ``Max-Age``.
        request_host: Lower-case host of the request URL.
        request_path: Path of the request URL, for the default cookie path.
        entry: Index of the HAR entry, recorded on the cookie.
        file: The HAR file, recorded on the cookie.

    Returns:
        The cookie with ``source="response"``, or ``None`` when a browser would ignore it.

    """
    header = header.strip(" \t\r\n")
    if _CONTROL.search(header):
        return None
    pair, _, attributes = header.partition(";")
    name, eq, value = pair.partition("=")
    if not eq:
        name, value = "", name
    name = name.strip(" \t")
    value = value.strip(" \t")
    if not name and not value:
        return None
    host = request_host.lower()
    expires: datetime | None = None
    max_age: int | None = None
    domain: str | None = None
    path: str | None = None
    secure = http_only = False
    same_site: SameSite | None = None
    if attributes:
        for attribute in attributes.split(";"):
            key, _, argument = attribute.partition("=")
            key = key.strip(" \t").lower()
            argument = argument.strip(" \t")
            if key == "expires":
                expires = parse_cookie_date(argument) or expires
            elif key == "max-age":
                if _MAX_AGE.match(argument):
                    # Longer than any representable lifetime: avoid int()'s digit limit.
                    max_age = int(argument) if len(argument) < 19 else int(argument[0] + "9" * 18)
            elif key == "domain":
                argument = argument.removeprefix(".").lower()
                if argument:
                    domain = argument
            elif key == "path":
                path = argument if argument.startswith("/") else None
            elif key == "secure":
                secure = True
            elif key == "httponly":
                http_only = True
            elif key == "samesite":
                same_site = _HEADER_SAME_SITE.get(argument.lower())
    if max_age is not None:
        if max_age <= 0:
            expires = EARLIEST_EXPIRY
        elif seen is not None:
            if seen.tzinfo is None:
                seen = seen.replace(tzinfo=UTC)
            room = (LATEST_EXPIRY - seen).total_seconds()
            if max_age >= room:
                expires = LATEST_EXPIRY
            else:
                expires = (seen + timedelta(seconds=max_age)).astimezone(UTC)
    if domain is not None and host and host != domain and not host.endswith("." + domain):
        return None
    if path is None and request_path is not None:
        path = _default_path(request_path)
    return Cookie(
        name=name,
        value=value,
        source="response",
        domain=domain if domain is not None else host,
        host_only=domain is None,
        path=path,
        expires=expires,
        secure=secure,
        http_only=http_only,
        same_site=same_site,
        seen=seen,
        entry=entry,
        file=file,
    )

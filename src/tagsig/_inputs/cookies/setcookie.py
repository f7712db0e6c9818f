"""Parse ``Cookie`` and ``Set-Cookie`` headers and cookie dates (RFC 6265)."""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from tagsig._inputs.models import Cookie, SameSite
from tagsig._inputs.psl import public_suffix_list

__all__ = [
    "EARLIEST_EXPIRY",
    "LATEST_EXPIRY",
    "MAX_ATTRIBUTE_OCTETS",
    "MAX_NAME_VALUE_OCTETS",
    "parse_cookie_date",
    "parse_cookie_header",
    "parse_set_cookie",
    "read_set_cookie",
]

EARLIEST_EXPIRY = datetime(1970, 1, 1, tzinfo=UTC)
"""Expiry given to a cookie deleted with ``Max-Age`` <= 0 (the usual ``Expires`` of deletions)."""
LATEST_EXPIRY = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
"""Latest expiry tagsig records, the last second of year 9999; later ones are clamped."""
MAX_NAME_VALUE_OCTETS = 4096
"""Longest name and value of a cookie together, in octets (RFC 6265bis section 5.6)."""
MAX_ATTRIBUTE_OCTETS = 1024
"""Longest attribute value of a ``Set-Cookie`` header, in octets (RFC 6265bis section 5.6)."""

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
_MAX_AGE_CAP = 10**18  # longer than any lifetime up to LATEST_EXPIRY
_SECURE_SCHEMES = frozenset({"https", "wss"})
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


def _canonical_domain(value: str) -> str:
    """Return a Domain attribute value lower-case and, when not ASCII, IDNA-encoded."""
    value = value.lower()
    if value.isascii():
        return value
    try:
        return value.encode("idna").decode("ascii")
    except UnicodeError:  # not a valid name: it will not domain-match any host
        return value


@lru_cache(maxsize=4096)
def _is_public_suffix(domain: str) -> bool:
    # A capture repeats the same few Domain attributes thousands of times.
    return public_suffix_list().is_public_suffix(domain)


def _is_ip_address(host: str) -> bool:
    if not host[-1:].isdigit() and ":" not in host:  # a name ends in a label, not a digit
        return False
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _is_secure_origin(scheme: str, host: str) -> bool:
    """Whether a browser treats a request URL as secure for cookies (RFC 6265bis 5.8.1).

    Secure schemes, and loopback hosts, which browsers count as potentially trustworthy.
    """
    if scheme in _SECURE_SCHEMES:
        return True
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _max_age(argument: str) -> int | None:
    """Read a ``Max-Age`` value (RFC 6265 section 5.2.2), ``None`` when it is invalid.

    Values too long for any lifetime are cut short: only their sign and size matter, and
    converting thousands of digits to an integer is slow (Python limits it).
    """
    if not _MAX_AGE.match(argument):
        return None
    sign = -1 if argument.startswith("-") else 1
    digits = argument.lstrip("-").lstrip("0")
    if not digits:
        return 0
    return sign * (int(digits) if len(digits) < 19 else _MAX_AGE_CAP)


def _octets(text: str) -> int:
    """Return the length of ``text`` in UTF-8 octets, as RFC 6265bis counts its limits."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def read_set_cookie(
    header: str,
    *,
    seen: datetime | None,
    request_host: str,
    request_path: str | None = None,
    request_scheme: str | None = None,
    entry: int | None = None,
    file: str | None = None,
) -> Cookie | str:
    """Parse one ``Set-Cookie`` header value, or say why a browser ignores it.

    The rules are those of :func:`parse_set_cookie`.

    >>> read_set_cookie("id=7; Domain=co.uk", seen=None, request_host="www.example.co.uk")
    'expected a Domain that is no public suffix, found co.uk'

    Args:
        header: The header value.
        seen: When the response was received (aware), the base of ``Max-Age``.
        request_host: Lower-case host of the request URL.
        request_path: Path of the request URL, for the default cookie path.
        request_scheme: Scheme of the request URL, for ``Secure`` cookies; ``None`` when
            unknown (that check is then skipped).
        entry: Index of the HAR entry, recorded on the cookie.
        file: The HAR file, recorded on the cookie.

    Returns:
        The cookie with ``source="response"``, or the reason it is ignored, in the form
        "expected ..., found ...".

    """
    header = header.strip(" \t\r\n")
    if control := _CONTROL.search(header):
        return f"expected no control character, found {control[0]!r}"
    pair, _, attributes = header.partition(";")
    name, eq, value = pair.partition("=")
    if not eq:
        name, value = "", name
    name = name.strip(" \t")
    value = value.strip(" \t")
    if not name and not value:
        return "expected a cookie name or value, found neither"
    if (size := _octets(name) + _octets(value)) > MAX_NAME_VALUE_OCTETS:
        return f"expected at most {MAX_NAME_VALUE_OCTETS} octets of name and value, found {size}"
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
            if len(argument) > MAX_ATTRIBUTE_OCTETS and _octets(argument) > MAX_ATTRIBUTE_OCTETS:
                continue  # RFC 6265bis 5.6: an over-long attribute is ignored, not the cookie
            if key == "expires":
                expires = parse_cookie_date(argument) or expires
            elif key == "max-age":
                if (seconds := _max_age(argument)) is not None:
                    max_age = seconds
            elif key == "domain":
                argument = argument.removeprefix(".")
                if argument:
                    domain = _canonical_domain(argument)
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
    if domain is not None and host:
        if _is_public_suffix(domain):
            # RFC 6265 section 5.3 step 5: a public suffix is refused unless it is the host.
            if domain != host:
                return f"expected a Domain that is no public suffix, found {domain}"
            domain = None  # the request host itself: a host-only cookie
        elif domain != host and (not host.endswith("." + domain) or _is_ip_address(host)):
            return f"expected a Domain that the request host {host} is in, found {domain}"
        elif _is_ip_address(host):
            domain = None  # an IP address matches only itself: host-only, as browsers keep it
    path_attribute = path
    if path is None and request_path is not None:
        path = _default_path(request_path)
    if secure and request_scheme is not None and not _is_secure_origin(request_scheme, host):
        return f"expected a secure request URL for a Secure cookie, found {request_scheme}:"
    if reason := _prefix_refusal(
        name, value, secure=secure, host_only=domain is None, path_attribute=path_attribute
    ):
        return reason
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


def _prefix_refusal(
    name: str, value: str, *, secure: bool, host_only: bool, path_attribute: str | None
) -> str | None:
    """Why a cookie breaks the rules of its name prefix (RFC 6265bis 5.7), if it does.

    Prefixes match case-insensitively; a nameless cookie may not look like a prefixed one.
    """
    if not name:
        if value.lower().startswith(("__secure-", "__host-")):
            found = value[:9] if value[:9].lower() == "__secure-" else value[:7]
            return f"expected a nameless cookie not to look prefixed, found {found}..."
        return None
    lowered = name.lower()
    if lowered.startswith("__secure-") and not secure:
        return f"expected Secure on a cookie named {name[:9]}..., found none"
    if lowered.startswith("__host-"):
        if not secure:
            return f"expected Secure on a cookie named {name[:7]}..., found none"
        if not host_only:
            return f"expected no Domain on a cookie named {name[:7]}..., found one"
        if path_attribute != "/":
            found = "none" if path_attribute is None else repr(path_attribute)
            return f"expected Path=/ on a cookie named {name[:7]}..., found {found}"
    return None


def parse_set_cookie(
    header: str,
    *,
    seen: datetime | None,
    request_host: str,
    request_path: str | None = None,
    request_scheme: str | None = None,
    entry: int | None = None,
    file: str | None = None,
) -> Cookie | None:
    """Parse one ``Set-Cookie`` header value as a browser does (RFC 6265 section 5.2).

    Decisions where the RFC leaves room, following RFC 6265bis and browsers:

    - a pair without ``=`` is a value with an empty name; a header with neither name nor
      value, or holding a control character other than HTAB, is ignored (``None``). Callers
      split headers that a producer joined with newlines before calling;
    - a name and value of more than 4096 octets together make the header ignored; an
      attribute value of more than 1024 octets is ignored, the cookie kept;
    - attribute names are case-insensitive and the last occurrence wins; ``Expires`` that
      does not parse is ignored;
    - ``Max-Age`` wins over ``Expires``: ``seen`` plus its seconds (clamped to
      :data:`LATEST_EXPIRY`), or :data:`EARLIEST_EXPIRY` when it is 0 or negative (any
      number of digits). Without ``seen`` a positive ``Max-Age`` cannot be placed in time
      and ``Expires`` is used;
    - ``Domain`` loses one leading dot and is lower-cased; the cookie is ignored when the
      request host does not domain-match it, as browsers ignore it. A ``Domain`` that is a
      public suffix (``org``, ``co.uk``, ``github.io``) ignores the cookie, unless it is the
      request host itself, which gives a host-only cookie (RFC 6265 section 5.3 step 5).
      Without ``Domain`` the cookie is host-only on ``request_host``;
    - ``Path`` not starting with ``/`` is replaced by the default path of ``request_path``
      (``None`` when that is not given either);
    - a cookie that breaks the rules of its name prefix is ignored: ``__Secure-`` needs
      ``Secure``; ``__Host-`` needs ``Secure``, no ``Domain`` and ``Path=/``; a nameless
      cookie may not look prefixed (RFC 6265bis section 5.7; prefixes match any case);
    - when ``request_scheme`` is given, a ``Secure`` cookie from an insecure URL (neither
      ``https`` nor ``wss``, nor a loopback host) is ignored;
    - ``SameSite`` other than ``Strict``, ``Lax`` or ``None`` means unspecified (``None``).

    Lifetimes are kept as the server asked, without the 400-day cap browsers apply.
    :func:`read_set_cookie` says why a header is ignored.

    >>> c = parse_set_cookie("id=7; Domain=.Example.com; Max-Age=0", seen=None,
    ...                      request_host="www.example.com")
    >>> (c.name, c.value, c.domain, c.host_only, c.expires == EARLIEST_EXPIRY)
    ('id', '7', 'example.com', False, True)

    Args:
        header: The header value.
        seen: When the response was received (aware), the base of ``Max-Age``.
        request_host: Lower-case host of the request URL.
        request_path: Path of the request URL, for the default cookie path.
        request_scheme: Scheme of the request URL, for ``Secure`` and the cookie prefixes.
        entry: Index of the HAR entry, recorded on the cookie.
        file: The HAR file, recorded on the cookie.

    Returns:
        The cookie with ``source="response"``, or ``None`` when a browser would ignore it.

    """
    cookie = read_set_cookie(
        header,
        seen=seen,
        request_host=request_host,
        request_path=request_path,
        request_scheme=request_scheme,
        entry=entry,
        file=file,
    )
    return None if isinstance(cookie, str) else cookie

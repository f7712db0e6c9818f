"""The immutable typed model of the inputs: captures, their entries, cookies and problems.

The classes built once per request or cookie (:class:`Entry`, :class:`Url`,
:class:`Headers`, :class:`Cookie`, :class:`Timings`, :class:`Initiator`,
:class:`PostData`, :class:`Page`) are frozen msgspec Structs: they are built several times
faster than attrs classes and are not tracked by the cycle collector (``gc=False``; they
hold only strings, numbers, times and other such objects). Copy one with a change with
:func:`msgspec.structs.replace`. The rest are attrs classes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

import msgspec
from attrs import frozen
from msgspec.structs import force_setattr

from tagsig._exceptions import format_location

__all__ = [
    "Capture",
    "Cookie",
    "CookieJar",
    "CookieSource",
    "Creator",
    "Entry",
    "Headers",
    "Initiator",
    "Page",
    "PostData",
    "Problem",
    "SameSite",
    "Timings",
    "Url",
]

SameSite = Literal["strict", "lax", "none"]
"""The ``SameSite`` attribute of a cookie, lower-cased."""

CookieSource = Literal["request", "response", "jar"]
"""Where a cookie was seen: sent in a request, set by a response, or stored in a jar."""


@frozen(kw_only=True)
class Problem:
    """A damaged part of an input that was reported and skipped; the rest was read."""

    source: str
    """The file (or ``<bytes>``, ``<file>``) the problem is in."""
    message: str
    """What was expected and what was found."""
    pointer: str | None = None
    """RFC 6901 JSON pointer to the damaged value, for JSON inputs."""
    line: int | None = None
    """1-based line number, for text inputs."""

    def __str__(self) -> str:
        return f"{format_location(self.source, self.pointer, self.line)}: {self.message}"


_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")


def _split(raw: str) -> tuple[str, str]:
    # Derived on demand rather than stored: a capture holds tens of thousands of URLs.
    text = raw.strip()
    authority = _AUTHORITY.match(text)
    if authority is not None and text.isprintable():
        # The common case, read without urlsplit (several times faster).
        path, _, query = text[authority.end() :].partition("#")[0].partition("?")
        return path or "/", query
    try:
        parts = urlsplit(text)
    except ValueError:
        return "", ""
    return parts.path or "/", parts.query


class Url(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """A URL split once into the parts the analysis needs."""

    raw: str
    """The URL exactly as recorded."""
    scheme: str
    """Lower-case scheme (``https``, ``data``, ``blob``, ...)."""
    host: str
    """Lower-case host name without port or brackets; empty for ``data:`` and ``blob:`` URLs
    and URLs without an authority."""
    port: int | None
    """Explicit port, or ``None`` when the URL gives none (or an invalid one)."""
    # Path and query, split from ``raw`` on first use: most URLs of a capture never need
    # them. A cache, so outside equality, hash and repr (defined below on the four fields).
    _parts: tuple[str, str] | None = None

    @property
    def path(self) -> str:
        """Path; ``/`` when empty in a URL with a host, '' for ``data:`` and ``blob:`` URLs."""
        return (self._parts or self._split_raw())[0]

    @property
    def query(self) -> str:
        """Query string without the ``?``; empty when absent."""
        return (self._parts or self._split_raw())[1]

    def _split_raw(self) -> tuple[str, str]:
        parts = _split(self.raw) if self.host else ("", "")
        force_setattr(self, "_parts", parts)  # a cache: the value never changes
        return parts

    def __eq__(self, other: object) -> bool:
        if type(other) is not Url:
            return NotImplemented
        return (
            self.raw == other.raw
            and self.scheme == other.scheme
            and self.host == other.host
            and self.port == other.port
        )

    def __hash__(self) -> int:
        return hash((self.raw, self.scheme, self.host, self.port))

    def __repr__(self) -> str:
        return (
            f"Url(raw={self.raw!r}, scheme={self.scheme!r}, host={self.host!r}, port={self.port!r})"
        )

    @property
    def is_network(self) -> bool:
        """Whether the URL names a network resource (``http``, ``https``, ``ws``, ``wss``)."""
        return self.scheme in {"http", "https", "ws", "wss"} and bool(self.host)


class Headers(msgspec.Struct, frozen=True, gc=False):
    """HTTP headers in their recorded order; look-ups ignore case.

    >>> h = Headers((("Content-Type", "text/html"), ("set-cookie", "a=1"), ("Set-Cookie", "b=2")))
    >>> h.get("content-type")
    'text/html'
    >>> h.get_all("SET-COOKIE")
    ('a=1', 'b=2')
    """

    items: tuple[tuple[str, str], ...] = ()
    """``(name, value)`` pairs as recorded, HTTP/2 pseudo-headers (``:authority``) included."""

    def get(self, name: str, default: str | None = None) -> str | None:
        """Return the first value of header ``name``, or ``default``."""
        wanted = name.lower()
        size = len(wanted)
        for key, value in self.items:
            if len(key) == size and key.lower() == wanted:
                return value
        return default

    def get_all(self, name: str) -> tuple[str, ...]:
        """Return every value of header ``name`` in recorded order."""
        wanted = name.lower()
        size = len(wanted)
        return tuple(
            value for key, value in self.items if len(key) == size and key.lower() == wanted
        )

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class Cookie(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """One cookie, from a HAR request or response or from a cookie jar."""

    name: str
    """Cookie name, as recorded (cookie names are case-sensitive)."""
    value: str
    """Cookie value; may be empty (or encrypted in browser databases, then empty)."""
    source: CookieSource
    """Where it was seen."""
    domain: str | None = None
    """Domain attribute without a leading dot, lower-case; ``None`` when not recorded."""
    host_only: bool | None = None
    """``True`` when the cookie was set without a Domain attribute (host-only)."""
    path: str | None = None
    """Path attribute, when recorded."""
    expires: datetime | None = None
    """Aware expiry time; ``None`` for a session cookie or where no expiry is recorded."""
    secure: bool | None = None
    """Secure attribute; ``None`` where the source does not record attributes."""
    http_only: bool | None = None
    """HttpOnly attribute; ``None`` where not recorded."""
    same_site: SameSite | None = None
    """SameSite attribute, lower-case; ``None`` where not recorded."""
    seen: datetime | None = None
    """When the cookie was first seen (the entry's start time) for HAR cookies."""
    entry: int | None = None
    """Index of the HAR entry the cookie was seen in, for HAR cookies."""
    file: str | None = None
    """The file the cookie was read from (jar path or HAR path)."""
    line: int | None = None
    """1-based line in a text jar (``cookies.txt``), for locating it."""

    @property
    def is_session(self) -> bool:
        """Whether the cookie ends with the browser session (no expiry)."""
        return self.expires is None


class Timings(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """Network phases of a request in milliseconds; ``None`` where not applicable (-1)."""

    blocked: float | None = None
    dns: float | None = None
    connect: float | None = None
    ssl: float | None = None
    send: float | None = None
    wait: float | None = None
    receive: float | None = None


class Initiator(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """What caused a request, as the producer recorded it (Chrome's ``_initiator``)."""

    type: str
    """``parser``, ``script``, ``preload``, ``redirect``, ``other``, ..."""
    url: str | None = None
    """The document or script that caused the request: the direct URL, else the innermost
    stack frame with a URL."""
    line: int | None = None
    """Line in ``url`` (0-based as Chrome records it), when recorded."""
    stack: tuple[str, ...] = ()
    """Every distinct script URL on the initiating call stack, innermost first."""


class PostData(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """The body of a request, as far as the producer recorded it."""

    mime_type: str
    """Declared MIME type of the body ('' when absent)."""
    text: str
    """The body text ('' when only ``params`` were recorded)."""
    params: tuple[tuple[str, str], ...] = ()
    """Form parameters as ``(name, value)`` pairs, when recorded."""


class Page(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """A page (navigation) of a capture."""

    id: str
    """The page id that entries refer to with ``pageref``."""
    title: str
    """Page title or URL, as recorded."""
    started: datetime | None
    """Aware start time; ``None`` when missing or unreadable."""
    on_content_load: float | None = None
    """Milliseconds from start to DOMContentLoaded, when recorded."""
    on_load: float | None = None
    """Milliseconds from start to the load event, when recorded."""


class Entry(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """One request/response pair of a capture."""

    index: int
    """Position in the file's ``log.entries`` (stable reference for reports)."""
    pageref: str | None
    """Id of the page the entry belongs to; ``None`` when the producer records none."""
    started: datetime
    """Aware start time of the request."""
    time: float
    """Total elapsed time in milliseconds (0 when unknown)."""
    method: str
    """Request method, upper-case."""
    url: Url
    """The request URL, parsed."""
    http_version: str
    """Protocol as recorded (``HTTP/1.1``, ``h2``, ``http/2.0``, ...)."""
    status: int
    """Response status; 0 when there was no response (blocked, aborted, failed)."""
    request_headers: Headers
    response_headers: Headers
    request_cookies: tuple[Cookie, ...]
    """Cookies sent: from the ``Cookie`` header, else the recorded ``cookies`` array."""
    response_cookies: tuple[Cookie, ...]
    """Cookies set: from ``Set-Cookie`` headers (RFC 6265), else the ``cookies`` array."""
    post_data: PostData | None
    mime_type: str
    """Response MIME type, lower-case and without parameters ('' when absent)."""
    request_headers_size: int | None
    """Bytes of request headers; ``None`` when unknown (-1 or missing)."""
    request_body_size: int | None
    response_headers_size: int | None
    response_body_size: int | None
    """Bytes of the response body on the wire (possibly compressed)."""
    content_size: int | None
    """Decoded bytes of the response body (``content.size``)."""
    transfer_size: int | None
    """Bytes on the wire for the whole response, where recorded (Chrome ``_transferSize``)."""
    timings: Timings
    server_ip: str | None
    """``serverIPAddress`` without brackets; ``None`` when not recorded."""
    connection: str | None
    initiator: Initiator | None
    """What caused the request, where the producer records it."""
    resource_type: str | None
    """Resource type, lower-case (``script``, ``xhr``, ``document``, ...), where recorded."""
    redirect_url: str | None
    """Target of a redirect (``redirectURL`` or the ``Location`` header)."""
    error: str | None = None
    """Network error text, where recorded (Chrome ``_error``)."""
    from_cache: bool = False
    """Whether the response came from a cache (``_fromCache`` or a filled ``cache`` entry)."""

    @property
    def is_script(self) -> bool:
        """Whether the response is JavaScript (by MIME type, else by resource type)."""
        mime = self.mime_type
        if mime:
            return "javascript" in mime or mime.endswith("ecmascript")
        return self.resource_type == "script"


@frozen(kw_only=True)
class Creator:
    """The program that wrote a capture (``log.creator`` or ``log.browser``)."""

    name: str
    version: str = ""

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


@frozen(kw_only=True)
class Capture:
    """A HAR capture, read and normalised."""

    source: str
    """The file it was read from (``<bytes>``, ``<file>``, ``<haralyzer>`` otherwise)."""
    version: str
    """HAR format version as declared ('' when absent)."""
    creator: Creator
    """The producer."""
    browser: Creator | None
    """The browser, where recorded."""
    pages: tuple[Page, ...]
    entries: tuple[Entry, ...]
    problems: tuple[Problem, ...] = ()
    """Damaged parts that were reported and skipped."""
    has_cookie_evidence: bool = True
    """``False`` when the capture cannot show which cookies were sent and set, so that the
    absence of a cookie proves nothing: no entry carries any cookie header or cookies
    array (a "sanitized" export, Chrome's default), or the producer stripped the values
    of cookie headers (see ``cookies_stripped``)."""
    cookies_stripped: int = 0
    """Entries whose ``Cookie`` or ``Set-Cookie`` headers the producer recorded without
    their values (``[24 bytes were stripped]``, as Chrome's net log and WebPageTest write
    them); their cookies are unknown and none is invented for them."""

    @property
    def has_initiators(self) -> bool:
        """Whether any entry records what caused it (Chrome's ``_initiator``).

        ``False`` for a producer that records none (Playwright): which tag loaded another
        is then unknown, not "none".
        """
        return any(entry.initiator is not None for entry in self.entries)

    @property
    def has_sizes(self) -> bool:
        """Whether any entry records its size on the wire.

        ``False`` for Playwright's ``record_har_mode="minimal"``, which omits every size:
        the weights are then unknown, not 0 bytes.
        """
        return any(
            entry.transfer_size is not None
            or entry.response_body_size is not None
            or entry.response_headers_size is not None
            for entry in self.entries
        )

    def entries_of(self, page: Page | str | None) -> tuple[Entry, ...]:
        """Return the entries of a page (by object or id); ``None`` gives those without one."""
        page_id = page.id if isinstance(page, Page) else page
        return tuple(e for e in self.entries if e.pageref == page_id)


@frozen(kw_only=True)
class CookieJar:
    """Cookies read from a cookie-jar file."""

    source: str
    """The file read."""
    format: str
    """The detected format (``netscape``, ``playwright``, ``json``, ``chrome-sqlite``, ...)."""
    cookies: tuple[Cookie, ...]
    """The cookies read, in file order."""
    problems: tuple[Problem, ...] = ()
    """Bad lines or records that were reported and skipped."""

    def __iter__(self) -> Iterator[Cookie]:
        return iter(self.cookies)

    def __len__(self) -> int:
        return len(self.cookies)

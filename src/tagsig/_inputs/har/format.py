"""The typed subset of HAR 1.2 (plus producer extensions) that the reader decodes.

Unknown members are skipped by msgspec without being materialised (response bodies are
never decoded). Numbers are typed loosely because producers write -1, null and floats
for sizes and statuses; cookie attributes more loosely still (some write ``"true"``).
Decoded JSON is a tree, so the Structs opt out of cycle collection (``gc=False``).
"""

from __future__ import annotations

from typing import Any, TypeAlias

import msgspec

__all__ = [
    "ENTRY_DECODER",
    "HAR_DECODER",
    "PAGE_DECODER",
    "Content",
    "Cookies",
    "Creator",
    "Entry",
    "Har",
    "Initiator",
    "Log",
    "NameValue",
    "Num",
    "Page",
    "PageTimings",
    "PostData",
    "RawCookie",
    "Request",
    "Response",
    "Scalar",
    "Timings",
]

Num: TypeAlias = float | None
Scalar: TypeAlias = str | float | bool | None


class NameValue(msgspec.Struct, gc=False):
    """A header: name and value."""

    name: str = ""
    value: str = ""


class RawCookie(msgspec.Struct, gc=False):
    """A cookie of a request's or response's ``cookies`` list, as recorded."""

    name: Scalar = ""
    value: Scalar = ""
    path: str | None = None
    domain: str | None = None
    expires: float | str | None = None
    httpOnly: Scalar = None  # noqa: N815 (HAR member name)
    secure: Scalar = None
    sameSite: Scalar = None  # noqa: N815


Cookies: TypeAlias = list[RawCookie] | dict[str, Any] | None


class Param(msgspec.Struct, gc=False):
    """A parameter of posted form data."""

    name: Scalar = ""
    value: Scalar = ""


class PostData(msgspec.Struct, gc=False):
    """A request's posted body: its MIME type, text and form parameters."""

    mimeType: str | None = None  # noqa: N815
    text: str | None = None
    params: list[Param] | None = None


class Request(msgspec.Struct, gc=False):
    """A HAR request, as recorded."""

    url: str
    method: str | None = None
    httpVersion: str | None = None  # noqa: N815
    headers: list[NameValue] | None = None
    cookies: Cookies = None
    postData: PostData | None = None  # noqa: N815
    headersSize: Num = None  # noqa: N815
    bodySize: Num = None  # noqa: N815


class Content(msgspec.Struct, gc=False):
    """A response body's size and MIME type."""

    size: Num = None
    mimeType: str | None = None  # noqa: N815


class Response(msgspec.Struct, gc=False):
    """A HAR response, as recorded (with Chrome's ``_transferSize`` and ``_error``)."""

    status: Num = None
    statusText: str | None = None  # noqa: N815
    httpVersion: str | None = None  # noqa: N815
    headers: list[NameValue] | None = None
    cookies: Cookies = None
    content: Content | None = None
    redirectURL: str | None = None  # noqa: N815
    headersSize: Num = None  # noqa: N815
    bodySize: Num = None  # noqa: N815
    transfer_size: Num = msgspec.field(default=None, name="_transferSize")
    error: str | None = msgspec.field(default=None, name="_error")


class Timings(msgspec.Struct, gc=False):
    """The phases of a request's time, in milliseconds (``-1`` or absent: unknown)."""

    blocked: Num = None
    dns: Num = None
    connect: Num = None
    ssl: Num = None
    send: Num = None
    wait: Num = None
    receive: Num = None


class Frame(msgspec.Struct, gc=False):
    """One call frame of an initiator's stack: the script's URL and line."""

    url: str | None = None
    lineNumber: float | None = None  # noqa: N815


class Stack(msgspec.Struct, gc=False):
    """The call frames of an initiator's stack, and the asynchronous stack that caused it."""

    callFrames: list[Frame] | None = None  # noqa: N815
    parent: Stack | None = None


class Initiator(msgspec.Struct, gc=False):
    """Chrome's ``_initiator``: what caused a request (parser, script, redirect...)."""

    type: str | None = None
    url: str | None = None
    lineNumber: float | None = None  # noqa: N815
    stack: Stack | None = None


class Entry(msgspec.Struct, gc=False):
    """A HAR entry, as recorded, with the members Chrome and Firefox add."""

    startedDateTime: str  # noqa: N815
    request: Request
    response: Response | None = None
    pageref: str | None = None
    time: Num = None
    timings: Timings | None = None
    serverIPAddress: str | None = None  # noqa: N815
    connection: str | float | None = None
    initiator: Initiator | str | None = msgspec.field(default=None, name="_initiator")
    resource_type: str | None = msgspec.field(default=None, name="_resourceType")
    from_cache: str | bool | None = msgspec.field(default=None, name="_fromCache")
    error: str | None = msgspec.field(default=None, name="_error")


class PageTimings(msgspec.Struct, gc=False):
    """When a page's DOM content and the page itself finished loading."""

    onContentLoad: Num = None  # noqa: N815
    onLoad: Num = None  # noqa: N815


class Page(msgspec.Struct, gc=False):
    """A HAR page, as recorded."""

    id: Scalar = None
    title: str | None = None
    startedDateTime: str | None = None  # noqa: N815
    pageTimings: PageTimings | None = None  # noqa: N815


class Creator(msgspec.Struct, gc=False):
    """The program that wrote a HAR (``creator`` or ``browser``): name and version."""

    name: str | None = None
    version: Scalar = None


class Log(msgspec.Struct, gc=False):
    """A HAR's ``log``; entries and pages stay raw, to be decoded one by one."""

    entries: list[msgspec.Raw] | None = None
    pages: list[msgspec.Raw] | None = None
    version: Scalar = None
    creator: Creator | None = None
    browser: Creator | None = None


class Har(msgspec.Struct, gc=False):
    """A HAR document: its ``log``."""

    log: Log


HAR_DECODER = msgspec.json.Decoder(Har)
ENTRY_DECODER = msgspec.json.Decoder(Entry)
PAGE_DECODER = msgspec.json.Decoder(Page)

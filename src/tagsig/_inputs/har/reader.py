"""Read HAR captures from every common producer into the typed :class:`Capture` model.

The reader decodes only the fields the analysis needs with msgspec Structs, one entry at a
time, so a damaged entry becomes a :class:`Problem` (with its JSON pointer) while the rest of
the capture is read. Producer quirks are normalised here and nowhere else.
"""

from __future__ import annotations

import gc
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from operator import attrgetter
from typing import IO, Any, Protocol, TypeAlias, TypeVar

import msgspec

from tagsig._exceptions import HarError, escape_pointer, shown
from tagsig._inputs.cookies import values as cookie_values
from tagsig._inputs.cookies.setcookie import parse_cookie_header, read_set_cookie
from tagsig._inputs.har import errors, values
from tagsig._inputs.har import format as har
from tagsig._inputs.models import (
    Capture,
    Cookie,
    CookieSource,
    Creator,
    Entry,
    Headers,
    Initiator,
    Page,
    Problem,
    Timings,
    Url,
)
from tagsig._inputs.source import (
    ZIP_MAGIC,
    gunzip,
    read_bytes,
    replace_lone_surrogates,
    unzip_member,
)
from tagsig._inputs.url import parse_url, url_fault

__all__ = ["HarSource", "load_har"]

HarSource: TypeAlias = (
    "str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes] | Mapping[str, object]"
)
"""What :func:`load_har` accepts (besides haralyzer objects)."""


class HaralyzerParser(Protocol):
    """What :func:`load_har` reads of a ``haralyzer.HarParser``: its parsed ``log``."""

    @property
    def har_data(self) -> Mapping[str, object]:
        """The parsed HAR ``log`` object."""
        ...


class HaralyzerPage(Protocol):
    """What :func:`load_har` reads of a ``haralyzer.HarPage``: its parser and page id."""

    @property
    def parser(self) -> HaralyzerParser:
        """The parser of the capture the page belongs to."""
        ...

    @property
    def page_id(self) -> str:
        """The page's ``id`` in the capture."""
        ...


_ANY_DECODER = msgspec.json.Decoder()

_JSONP_HEAD = re.compile(rb"\s*[A-Za-z_$][\w$.]*\s*\(")
_JSONP_TAIL = re.compile(rb"\)\s*;?\s*$")
_T = TypeVar("_T")
_BYTE_OFFSET = re.compile(r"\(byte (\d+)\)")
_MAX_REPAIRS = 20
_ESSENTIAL = frozenset({"startedDateTime", "request"})
_TOO_DEEP = "JSON nested too deeply to read"
# Python's int() refuses numbers of more than 4,300 digits; no HAR value has 30.
_MAX_DIGITS = 30


# --- Public entry point. ------------------------------------------------------------------


def load_har(
    source: HarSource | HaralyzerParser | HaralyzerPage,
    *,
    name: str | None = None,
    max_bytes: int | None = None,
) -> Capture:
    """Read a HAR capture into a :class:`Capture`.

    Accepts a path, the file's bytes, a binary file object, an already-decoded HAR mapping,
    or a ``haralyzer.HarParser`` / ``haralyzer.HarPage`` (only that page's entries). The
    content may be gzip-compressed, start with a UTF-8 byte-order mark, or be wrapped in a
    JSONP callback (``onInputData({...})``).

    Args:
        source: The capture.
        name: How problems and errors name the input (default: the path, or ``<bytes>``).
        max_bytes: The most bytes the file may hold, read or inflated from gzip (default:
            ``$TAGSIG_MAX_INPUT_BYTES``, else 1 GiB).

    Returns:
        The capture; damaged entries and pages are listed in ``problems`` and skipped.

    Raises:
        HarError: The input cannot be read, or is not a HAR capture.
        TypeError: ``source`` is of an unsupported type.

    """
    page_filter: str | None = None
    data: bytes | memoryview
    if _is_haralyzer(source):
        data, page_filter, default_name = _from_haralyzer(source)
    elif isinstance(source, Mapping):
        default_name, data = "<mapping>", _encode_mapping(source, "<mapping>")
    else:
        data, default_name = read_bytes(
            source, name=None, error=HarError, expected="a readable HAR file", limit=max_bytes
        )
    label = name if name is not None else default_name
    return _Reader(label, max_bytes).read(data, page_filter)


# --- Input acquisition. -------------------------------------------------------------------


def _is_haralyzer(source: object) -> bool:
    module = type(source).__module__
    return module.startswith("haralyzer") and type(source).__name__ in {"HarParser", "HarPage"}


def _from_haralyzer(source: Any) -> tuple[bytes, str | None, str]:
    if type(source).__name__ == "HarPage":
        log, page_filter = source.parser.har_data, str(source.page_id)
    else:
        log, page_filter = source.har_data, None
    return _encode_mapping({"log": log}, "<haralyzer>"), page_filter, "<haralyzer>"


def _encode_mapping(mapping: Mapping[str, Any], label: str) -> bytes:
    try:
        return msgspec.json.encode(mapping)
    except (TypeError, ValueError, OverflowError) as e:
        raise HarError(f"expected JSON-compatible HAR data, found {e}", path=label) from e
    except RecursionError as e:
        raise HarError(
            "expected JSON-compatible HAR data, found data nested too deeply to read", path=label
        ) from e


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Building many small objects triggers generational collections that find nothing:
    # pausing the collector halves the time to read a large capture.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- The reader. --------------------------------------------------------------------------


class _Reader:
    """Reads one input; collects the problems it finds on the way."""

    def __init__(self, label: str, max_bytes: int | None = None) -> None:
        self.label = label
        self.max_bytes = max_bytes
        self.problems: list[Problem] = []
        self.has_cookie_evidence = False
        self.stripped_entries: set[int] = set()
        # Captures repeat the same header lines, MIME types and initiator URLs thousands of
        # times; sharing one object per distinct value halves the memory of a large capture.
        self.shared_pairs = _HeaderInterner()
        self.shared_text: dict[str, str] = {}
        self.cookie_pairs: dict[str, tuple[tuple[str, str], ...]] = {}
        self.initiators: dict[_InitiatorKey, Initiator] = {}
        self.mime_types: dict[str, str] = {}

    def headers(self, raw: list[har.NameValue] | None) -> Headers:
        if not raw:
            return _NO_HEADERS
        return Headers(tuple(map(self.shared_pairs.__getitem__, map(_PAIR, raw))))

    def mime_type(self, value: str) -> str:
        mime = self.mime_types.get(value)
        if mime is None:
            mime = self.mime_types[value] = values.mime(value)
        return mime

    def initiator(self, raw: har.Initiator | str | None) -> Initiator | None:
        # Thousands of requests share an initiator (the document, one tag's script): build
        # each distinct one once. The key holds shared strings, not the raw structs, which
        # would stay alive until the whole capture is read.
        if not raw:
            return None
        share = self.shared_text.setdefault
        if isinstance(raw, str):  # WebPageTest records the initiating URL as a string
            key: _InitiatorKey = ("other", share(raw, raw), None, ())
        else:
            stack = tuple(share(url, url) for url in values.call_stack(raw.stack))
            url = raw.url or (stack[0] if stack else None)
            key = (
                share(raw.type, raw.type) if raw.type else "other",
                None if url is None else share(url, url),
                None if raw.lineNumber is None else int(raw.lineNumber),
                stack,
            )
        initiator = self.initiators.get(key)
        if initiator is None:
            kind, url, line, stack = key
            initiator = self.initiators[key] = Initiator(type=kind, url=url, line=line, stack=stack)
        return initiator

    def text(self, value: str | None) -> str | None:
        return None if value is None else self.shared_text.setdefault(value, value)

    def problem(self, message: str, pointer: str | None = None) -> None:
        self.problems.append(Problem(source=self.label, message=message, pointer=pointer))

    def fail(self, message: str, pointer: str | None = None) -> HarError:
        return HarError(message, path=self.label, pointer=pointer)

    def read(self, data: bytes | memoryview, page_filter: str | None) -> Capture:
        buffer = self.unwrap(data)
        with _gc_paused():
            log, log_pointer = self.decode_log(buffer)
            pages = self.read_pages(log.pages, log_pointer)
            entries = self.read_entries(log.entries, log_pointer, page_filter)
        if page_filter is not None:
            pages = tuple(p for p in pages if p.id == page_filter)
        return Capture(
            source=self.label,
            version=values.text(log.version),
            creator=values.creator(log.creator) or Creator(name=""),
            browser=values.creator(log.browser),
            pages=pages,
            entries=entries,
            problems=tuple(self.problems),
            has_cookie_evidence=self.has_cookie_evidence and not self.stripped_entries,
            cookies_stripped=len(self.stripped_entries),
        )

    # -- bytes to a JSON document --

    def unwrap(self, data: bytes | memoryview) -> memoryview:
        view = memoryview(
            gunzip(
                data, label=self.label, error=HarError, expected="a HAR file", limit=self.max_bytes
            )
        )
        if bytes(view[:4]) == ZIP_MAGIC:
            # Playwright's record_har_path="x.zip": the log is har.har, next to the bodies
            # it attaches (content._file), which no rule reads.
            view = memoryview(
                unzip_member(
                    view,
                    names=("har.har",),
                    suffix=".har",
                    label=self.label,
                    error=HarError,
                    expected="a HAR file",
                    limit=self.max_bytes,
                )
            )
        head = bytes(view[:4])
        if head.startswith(b"\xef\xbb\xbf"):
            view = view[3:]
        elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                view = memoryview(bytes(view).decode("utf-16").encode("utf-8"))
            except UnicodeDecodeError as e:
                raise self.fail(
                    "expected UTF-16 text after a UTF-16 byte-order mark, found undecodable bytes"
                ) from e
        start = _JSONP_HEAD.match(view)
        if start is not None:  # JSONP, as HAR viewers accept: onInputData({...});
            end = _JSONP_TAIL.search(view)
            if end is not None and end.start() > start.end():
                view = view[start.end() : end.start()]
        return view

    def decode_log(self, buffer: memoryview) -> tuple[har.Log, str]:
        try:
            return har.HAR_DECODER.decode(buffer).log, "/log"
        except msgspec.ValidationError as e:
            return self.explain_not_har(buffer, e)
        except msgspec.DecodeError as e:
            repaired = self.repair_text(buffer, e, None)
            if repaired is None:
                raise self.invalid_json(buffer, e) from e
            return self.decode_log(memoryview(repaired))
        except RecursionError as e:
            raise self.fail(f"expected a HAR file, found {_TOO_DEEP}") from e

    def repair_text(
        self, buffer: bytes | memoryview, error: msgspec.DecodeError, pointer: str | None
    ) -> bytes | None:
        r"""Return ``buffer`` with what made it undecodable replaced, or ``None``.

        Escapes of unpaired UTF-16 surrogates (``"\ud800"``) and bytes that are not
        UTF-8 become U+FFFD, each replacement reported as a problem.
        """
        repaired, count = replace_lone_surrogates(buffer)
        if count:
            self.problem(
                f"{count} escape{'s' if count != 1 else ''} of an unpaired UTF-16 "
                f"surrogate read as U+FFFD",
                pointer,
            )
            return bytes(repaired)
        if "UTF-8" in str(error):
            self.problem("bytes that are not UTF-8 read as U+FFFD", pointer)
            return bytes(buffer).decode("utf-8", "replace").encode("utf-8")
        return None

    def invalid_json(self, buffer: memoryview, error: msgspec.DecodeError) -> HarError:
        reason = str(error).removeprefix("JSON is malformed: ").rstrip(".")
        match = _BYTE_OFFSET.search(reason)
        line = None
        if match is not None:
            offset = int(match.group(1))
            line = bytes(buffer[:offset]).count(b"\n") + 1
            reason = reason[: match.start()].rstrip()
        return HarError(
            f"expected a HAR file (JSON), found invalid JSON: {reason}", path=self.label, line=line
        )

    def explain_not_har(
        self, buffer: memoryview, error: msgspec.ValidationError
    ) -> tuple[har.Log, str]:
        try:
            document = _ANY_DECODER.decode(buffer)
        except msgspec.ValidationError as e:  # a number out of range outside the entries
            raise self.fail(
                f"expected a HAR file, found {errors.validation_message(e, 'log')}",
                errors.pointer_of(e, ""),
            ) from e
        except msgspec.DecodeError as e:
            raise self.invalid_json(buffer, e) from e
        except RecursionError as e:
            raise self.fail(f"expected a HAR file, found {_TOO_DEEP}") from e
        if isinstance(document, dict) and "log" not in document:
            if {"request", "response"} <= document.keys():
                raise self.fail(
                    'expected a HAR file with a top-level "log" object, found a '
                    "single HAR entry (an object with request and response)"
                )
            for key, value in document.items():
                if isinstance(value, dict) and isinstance(value.get("log"), dict):
                    self.problem(
                        f"HAR log found under {shown(key)} instead of at the top level; "
                        f"read it from there",
                        pointer="/" + escape_pointer(key),
                    )
                    try:
                        inner = har.HAR_DECODER.decode(msgspec.json.encode(value))
                    except msgspec.ValidationError as e:
                        raise self.fail(
                            errors.validation_message(e, "HAR log"),
                            errors.pointer_of(e, "/" + escape_pointer(key)),
                        ) from e
                    return inner.log, f"/{escape_pointer(key)}/log"
            keys = ", ".join(shown(k) for k in list(document)[:5]) or "no members"
            raise self.fail(
                f'expected a HAR file with a top-level "log" object, found an object with {keys}'
            )
        if not isinstance(document, dict):
            raise self.fail(
                f'expected a HAR file (a JSON object with a "log" member), found '
                f"a JSON {errors.json_type(document)}"
            )
        raise self.fail(
            errors.validation_message(error, "HAR file"), errors.pointer_of(error, "")
        ) from error

    # -- pages --

    def read_pages(self, raw_pages: list[msgspec.Raw] | None, log_pointer: str) -> tuple[Page, ...]:
        pages: list[Page] = []
        for index, raw in enumerate(raw_pages or ()):
            pointer = f"{log_pointer}/pages/{index}"
            try:
                page = har.PAGE_DECODER.decode(raw)
            except msgspec.ValidationError as e:
                self.problem(
                    f"page skipped: {errors.validation_message(e, 'page')}",
                    errors.pointer_of(e, pointer),
                )
                continue
            if page.id is None or page.id == "":
                self.problem('page skipped: expected an "id", found none', pointer)
                continue
            started = None
            if page.startedDateTime:
                try:
                    started = values.parse_started(page.startedDateTime)
                except ValueError:
                    self.problem(
                        f"page start time kept empty: expected an ISO 8601 date-time, "
                        f"found {shown(page.startedDateTime)}",
                        f"{pointer}/startedDateTime",
                    )
            timings = page.pageTimings or har.PageTimings()
            pages.append(
                Page(
                    id=values.text(page.id),
                    title=page.title or "",
                    started=started,
                    on_content_load=values.duration(timings.onContentLoad),
                    on_load=values.duration(timings.onLoad),
                )
            )
        return tuple(pages)

    # -- entries --

    def read_entries(
        self, raw_entries: list[msgspec.Raw] | None, log_pointer: str, page_filter: str | None
    ) -> tuple[Entry, ...]:
        if raw_entries is None:
            self.problem(
                'the log has no "entries" array: read as a capture without entries', log_pointer
            )
            return ()
        entries: list[Entry] = []
        decode = har.ENTRY_DECODER.decode
        for index, raw in enumerate(raw_entries):
            try:
                raw_entry = decode(raw)
            except (msgspec.ValidationError, msgspec.DecodeError, RecursionError) as e:
                repaired = self.repair_entry(raw, e, f"{log_pointer}/entries/{index}")
                if repaired is None:
                    continue
                raw_entry = repaired
            if page_filter is not None and (raw_entry.pageref or "unknown") != page_filter:
                continue
            entry = self.entry(index, raw_entry, log_pointer)
            if entry is not None:
                entries.append(entry)
        return tuple(entries)

    def repair_entry(
        self, raw: msgspec.Raw | bytes, error: Exception, pointer: str
    ) -> har.Entry | None:
        """Read an entry that does not decode as it is, or report it and return ``None``."""
        # The whole document is decoded first, at the same depth: it refuses JSON nested too
        # deeply, or that is malformed other than in UTF-8, before any entry is read.
        if isinstance(error, RecursionError):  # pragma: no cover - see above
            self.problem(f"entry skipped: expected a HAR entry, found {_TOO_DEEP}", pointer)
            return None
        if isinstance(error, msgspec.ValidationError):
            return self.repair(raw, error, pointer)
        if isinstance(error, msgspec.DecodeError):
            repaired = self.repair_text(raw, error, pointer)
            if repaired is None:  # pragma: no cover - see above
                self.problem(f"entry skipped: expected JSON, found {error}", pointer)
                return None
            try:
                return har.ENTRY_DECODER.decode(repaired)
            except (msgspec.ValidationError, msgspec.DecodeError, RecursionError) as e:
                return self.repair_entry(repaired, e, pointer)
        raise error  # pragma: no cover - read_entries passes only the errors above

    def repair(
        self, raw: msgspec.Raw | bytes, error: msgspec.ValidationError, pointer: str
    ) -> har.Entry | None:
        """Drop the damaged members of an entry that the analysis can do without.

        A damaged essential member (the entry itself, its start time, its request or the
        request URL) skips the entry; any other damaged member is reported and ignored.
        """
        try:
            document = _generic(raw)
        except (ValueError, RecursionError):
            self.problem(
                f"entry skipped: {errors.validation_message(error, 'entry')}",
                errors.pointer_of(error, pointer),
            )
            return None
        for _ in range(_MAX_REPAIRS):
            parts = errors.path_parts(error)
            if len(parts) == 0 or parts[0] in _ESSENTIAL or parts[:2] == ["request", "url"]:
                self.problem(
                    f"entry skipped: {errors.validation_message(error, 'entry')}",
                    errors.pointer_of(error, pointer),
                )
                return None
            self.problem(
                f"member ignored: {errors.validation_message(error, 'member')}",
                errors.pointer_of(error, pointer),
            )
            errors.delete(document, parts)
            try:
                return msgspec.convert(document, har.Entry)
            except msgspec.ValidationError as e:
                error = e
            except RecursionError:  # pragma: no cover - the document's decoding refuses it
                break
        self.problem(f"entry skipped: more than {_MAX_REPAIRS} damaged members", pointer)
        return None

    def entry(self, index: int, raw: har.Entry, log_pointer: str) -> Entry | None:
        try:
            started = values.parse_started(raw.startedDateTime)
        except ValueError:
            self.problem(
                f"entry skipped: expected an ISO 8601 date-time, found "
                f"{shown(raw.startedDateTime)}",
                f"{log_pointer}/entries/{index}/startedDateTime",
            )
            return None
        request = raw.request
        if not request.url.strip():
            self.problem(
                "entry skipped: expected a request URL, found an empty string",
                f"{log_pointer}/entries/{index}/request/url",
            )
            return None
        url = parse_url(request.url)
        if not url.host and url.scheme in _NETWORK_SCHEMES:
            self.problem(
                f"entry kept without a host: expected a host name in the request "
                f"URL, found {url_fault(request.url)}",
                f"{log_pointer}/entries/{index}/request/url",
            )
        if raw.response is None:
            self.problem(
                'entry without a "response": kept as a request that got no answer (status 0)',
                f"{log_pointer}/entries/{index}",
            )
        response = raw.response or _NO_RESPONSE
        status = values.status(response.status)
        request_headers = self.headers(request.headers)
        response_headers = self.headers(response.headers)
        stripped = self.shared_pairs.stripped
        if stripped and not (
            stripped.isdisjoint(request_headers.items)
            and stripped.isdisjoint(response_headers.items)
        ):
            self.stripped_entries.add(index)
        request_cookies = self.request_cookies(
            request, request_headers, started, index, pointer=f"{log_pointer}/entries/{index}"
        )
        response_cookies = self.response_cookies(
            response,
            response_headers,
            started,
            url,
            index,
            pointer=f"{log_pointer}/entries/{index}",
        )
        content = response.content or _NO_CONTENT
        timings = raw.timings or _NO_TIMINGS
        text = self.text
        return Entry(
            index=index,
            pageref=text(raw.pageref) if raw.pageref else None,
            started=started,
            time=values.total_time(raw.time, timings),
            method=text((request.method or "GET").upper()) or "GET",
            url=url,
            http_version=text(request.httpVersion or response.httpVersion or "") or "",
            status=status,
            request_headers=request_headers,
            response_headers=response_headers,
            request_cookies=request_cookies,
            response_cookies=response_cookies,
            post_data=values.post_data(request.postData),
            mime_type=self.mime_type(
                content.mimeType or response_headers.get("content-type") or ""
            ),
            request_headers_size=values.size(request.headersSize),
            request_body_size=values.size(request.bodySize),
            response_headers_size=values.size(response.headersSize),
            response_body_size=values.size(response.bodySize),
            content_size=values.size(content.size),
            transfer_size=values.size(response.transfer_size),
            timings=_UNKNOWN_TIMINGS
            if timings is _NO_TIMINGS
            else Timings(
                blocked=values.duration(timings.blocked),
                dns=values.duration(timings.dns),
                connect=values.duration(timings.connect),
                ssl=values.duration(timings.ssl),
                send=values.duration(timings.send),
                wait=values.duration(timings.wait),
                receive=values.duration(timings.receive),
            ),
            server_ip=text(values.server_ip(raw.serverIPAddress)),
            connection=text(values.text(raw.connection) or None),
            initiator=self.initiator(raw.initiator),
            resource_type=text(raw.resource_type.lower()) if raw.resource_type else None,
            redirect_url=values.redirect(
                response.redirectURL, response_headers, request.url, status
            ),
            error=response.error or raw.error or None,
            from_cache=bool(raw.from_cache),
        )

    # -- cookies --

    def request_cookies(
        self, request: har.Request, headers: Headers, started: datetime, index: int, *, pointer: str
    ) -> tuple[Cookie, ...]:
        cookie_lines = self.shared_pairs.cookie
        values = (
            []
            if cookie_lines.isdisjoint(headers.items)
            else [pair[1] for pair in headers.items if pair in cookie_lines]
        )
        if values:
            self.has_cookie_evidence = True
            pairs = self.cookie_pairs
            cookies: list[Cookie] = []
            for header in values:
                parsed = pairs.get(header)
                if parsed is None:  # the same Cookie header is sent with many requests
                    parsed = pairs[header] = parse_cookie_header(header)
                cookies.extend(
                    Cookie(
                        name=name,
                        value=value,
                        source="request",
                        seen=started,
                        entry=index,
                        file=self.label,
                    )
                    for name, value in parsed
                )
            return tuple(cookies)
        return self.recorded_cookies(
            request.cookies, "request", started, index, pointer=f"{pointer}/request"
        )

    def response_cookies(
        self,
        response: har.Response,
        headers: Headers,
        started: datetime,
        url: Url,
        index: int,
        *,
        pointer: str,
    ) -> tuple[Cookie, ...]:
        set_cookie_lines = self.shared_pairs.set_cookie
        if not set_cookie_lines.isdisjoint(headers.items):
            self.has_cookie_evidence = True
            cookies: list[Cookie] = []
            path = url.path
            for number, pair in enumerate(headers.items):
                if pair not in set_cookie_lines:
                    continue
                # Some producers (Firefox, Charles) fold several Set-Cookie headers into one
                # value separated by newlines; a cookie value itself cannot hold a newline.
                for line in pair[1].split("\n"):
                    if not line.strip():
                        continue
                    cookie = read_set_cookie(
                        line,
                        seen=started,
                        request_host=url.host,
                        request_path=path,
                        request_scheme=url.scheme,
                        entry=index,
                        file=self.label,
                    )
                    if isinstance(cookie, str):
                        self.problem(
                            f"cookie ignored, as a browser ignores it: {cookie}",
                            f"{pointer}/response/headers/{number}/value",
                        )
                    else:
                        cookies.append(cookie)
            return tuple(cookies)
        return self.recorded_cookies(
            response.cookies, "response", started, index, url.host, pointer=f"{pointer}/response"
        )

    def recorded_cookies(
        self,
        raw: har.Cookies,
        source: CookieSource,
        started: datetime,
        index: int,
        host: str | None = None,
        *,
        pointer: str = "",
    ) -> tuple[Cookie, ...]:
        if not raw:
            return ()
        self.has_cookie_evidence = True
        if isinstance(raw, dict):  # a {name: value} object instead of a list
            return tuple(
                Cookie(
                    name=str(name),
                    value=values.text(value),
                    source=source,
                    seen=started,
                    entry=index,
                    file=self.label,
                )
                for name, value in raw.items()
            )
        cookies = []
        read = self.cookie_value
        for number, item in enumerate(raw):
            name, value = values.text(item.name), values.text(item.value)
            at = f"{pointer}/cookies/{number}"
            if not name and not value:
                self.problem("cookie skipped: expected a name or a value, found neither", at)
                continue
            if values.is_stripped(name) or values.is_stripped(values.text(item.value)):
                self.stripped_entries.add(index)
                continue
            domain = item.domain.lstrip(".").lower() if item.domain else None
            cookies.append(
                Cookie(
                    name=name,  # a nameless cookie, as RFC 6265bis allows, when empty
                    value=value,
                    source=source,
                    domain=domain if domain else host,
                    host_only=None if domain or host is None else True,
                    path=item.path or None,
                    expires=read(
                        cookie_values.expiry,
                        item.expires,
                        "expires",
                        cookie_values.EXPECTED_EXPIRY,
                        at,
                    ),
                    secure=read(
                        cookie_values.flag, item.secure, "secure", cookie_values.EXPECTED_FLAG, at
                    ),
                    http_only=read(
                        cookie_values.flag,
                        item.httpOnly,
                        "httpOnly",
                        cookie_values.EXPECTED_FLAG,
                        at,
                    ),
                    same_site=read(
                        cookie_values.same_site,
                        item.sameSite,
                        "sameSite",
                        cookie_values.EXPECTED_SAME_SITE,
                        at,
                    ),
                    seen=started,
                    entry=index,
                    file=self.label,
                )
            )
        return tuple(cookies)

    def cookie_value(
        self,
        read: Callable[[object], _T | None],
        value: object,
        key: str,
        expected: str,
        pointer: str,
    ) -> _T | None:
        # The jar reader reads these members with the same functions; a HAR keeps the
        # cookie and drops the member, as it does for any member it can do without.
        try:
            return read(value)
        except ValueError:
            self.problem(
                f"member ignored: expected {key!r} to be {expected}, found {value!r}",
                f"{pointer}/{key}",
            )
            return None


_PAIR = attrgetter("name", "value")


def _generic(raw: msgspec.Raw | bytes) -> Any:
    """Decode JSON into Python values, numbers msgspec cannot hold kept as their text.

    Such a number (``1e999``, 5,000 digits) then fails the typed conversion where it
    stands, so that only its member is ignored.

    Raises:
        ValueError: The JSON is malformed.
        RecursionError: It is nested too deeply.

    """
    try:
        return _ANY_DECODER.decode(raw)
    except msgspec.ValidationError:
        return json.loads(bytes(raw), parse_float=_finite_or_text, parse_int=_int_or_text)


def _finite_or_text(text: str) -> float | str:
    value = float(text)
    return value if value not in (float("inf"), float("-inf")) else text


def _int_or_text(text: str) -> int | str:
    return int(text) if len(text) <= _MAX_DIGITS else text


class _HeaderInterner(dict[tuple[str, str], tuple[str, str]]):
    """Maps each header line to the first equal one seen, so that repeats share one object.

    It also learns which lines are ``Cookie`` and ``Set-Cookie`` headers as it meets them,
    so that finding them in a request is a set operation rather than a scan. A cookie
    header whose value the producer stripped (``[24 bytes were stripped]``) is neither:
    it holds no cookie, only the sign that there was one.
    """

    def __init__(self) -> None:
        super().__init__()
        self.cookie: set[tuple[str, str]] = set()
        self.set_cookie: set[tuple[str, str]] = set()
        self.stripped: set[tuple[str, str]] = set()

    def __missing__(self, key: tuple[str, str]) -> tuple[str, str]:
        self[key] = key
        name = key[0].lower()
        if name in {"cookie", "set-cookie"} and values.is_stripped(key[1]):
            self.stripped.add(key)
        elif name == "cookie":
            self.cookie.add(key)
        elif name == "set-cookie":
            self.set_cookie.add(key)
        return key


_InitiatorKey: TypeAlias = tuple[str, str | None, int | None, tuple[str, ...]]
"""An initiator's type, URL, line and stack."""

_NETWORK_SCHEMES = frozenset({"http", "https", "ws", "wss"})
_NO_RESPONSE = har.Response()
_NO_CONTENT = har.Content()
_NO_TIMINGS = har.Timings()
_UNKNOWN_TIMINGS = Timings(
    blocked=None, dns=None, connect=None, ssl=None, send=None, wait=None, receive=None
)
"""One object for every entry that records no timings (it is immutable)."""


_NO_HEADERS = Headers(())

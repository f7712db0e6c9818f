"""Build small HAR captures in tests, field by field."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

JSON = dict[str, Any]


def entry(
    url: str,
    *,
    started: str = "2024-05-01T10:00:00.000Z",
    page: str | None = "page_1",
    mime: str = "text/html",
    size: int = 1000,
    transfer: int | None = None,
    status: int = 200,
    initiator: JSON | None = None,
    request_headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    response_headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    redirect: str = "",
    method: str = "GET",
    post: str | None = None,
    time: float = 10.0,
    headers_size: int = 200,
    body_size: int = 500,
) -> JSON:
    """Return one HAR entry as a JSON object."""

    def pairs(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[JSON]:
        items = headers.items() if isinstance(headers, Mapping) else headers
        return [{"name": name, "value": value} for name, value in items]

    result: JSON = {
        "startedDateTime": started,
        "time": time,
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "HTTP/2",
            "headers": pairs(request_headers),
            "cookies": [],
            "queryString": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": status,
            "statusText": "",
            "httpVersion": "HTTP/2",
            "headers": pairs(response_headers),
            "cookies": [],
            "content": {"size": size, "mimeType": mime},
            "redirectURL": redirect,
            "headersSize": headers_size,
            "bodySize": body_size,
        },
        "cache": {},
        "timings": {"send": 1, "wait": time - 2, "receive": 1},
    }
    if page is not None:
        result["pageref"] = page
    if transfer is not None:
        result["response"]["_transferSize"] = transfer
    if initiator is not None:
        result["_initiator"] = initiator
    if post is not None:
        result["request"]["postData"] = {
            "mimeType": "application/x-www-form-urlencoded",
            "text": post,
        }
    return result


def script_initiator(*urls: str) -> JSON:
    """Return a Chrome ``_initiator`` of type script whose stack holds ``urls``."""
    return {
        "type": "script",
        "stack": {
            "callFrames": [
                {
                    "functionName": "",
                    "scriptId": str(n),
                    "url": url,
                    "lineNumber": 0,
                    "columnNumber": 0,
                }
                for n, url in enumerate(urls)
            ]
        },
    }


def parser_initiator(url: str) -> JSON:
    """Return a Chrome ``_initiator`` of type parser."""
    return {"type": "parser", "url": url, "lineNumber": 1}


def har(
    *entries: JSON,
    pages: Iterable[tuple[str, str]] = (("page_1", "https://www.shop.example/"),),
    creator: str = "WebInspector",
) -> bytes:
    """Return a HAR document holding ``entries`` and ``pages`` as bytes."""
    document = {
        "log": {
            "version": "1.2",
            "creator": {"name": creator, "version": "1"},
            "pages": [
                {
                    "id": page_id,
                    "title": title,
                    "startedDateTime": "2024-05-01T10:00:00Z",
                    "pageTimings": {},
                }
                for page_id, title in pages
            ],
            "entries": list(entries),
        }
    }
    return json.dumps(document).encode()

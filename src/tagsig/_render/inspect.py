"""Write what ``tagsig inspect`` shows of captures and cookie jars: text or JSON.

Part of the render layer (see ``tests/test_layers.py``). It may import the input models,
the renderers' shared helpers and what lies below, never the command line. Every line of
text passes through :func:`printable`: a capture's producer, hosts, cookie names and
problems are the capture's own text, and must not reach a terminal as control sequences.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Protocol, TextIO

from tagsig._exceptions import ArgumentError
from tagsig._inputs.models import Capture, CookieJar
from tagsig._render.common import printable

__all__ = ["render_inspect"]


def render_inspect(
    captures: Sequence[Capture], jars: Sequence[CookieJar], format: str = "text"
) -> str:
    """Return the summary of ``captures`` and ``jars`` that ``tagsig inspect`` prints.

    Raises:
        ArgumentError: ``format`` is neither ``text`` nor ``json``.

    """
    out = io.StringIO()
    if format == "json":
        _write_json(captures, jars, out)
    elif format == "text":
        _write_text(captures, jars, out)
    else:
        raise ArgumentError(f"expected a format among 'text', 'json', found {format!r}")
    return out.getvalue()


def _write_text(captures: Sequence[Capture], jars: Sequence[CookieJar], stream: TextIO) -> None:
    out = _Printable(stream, printable)
    for capture in captures:
        hosts = Counter(entry.url.host for entry in capture.entries if entry.url.host)
        cookies = {c.name for e in capture.entries for c in e.request_cookies}
        cookies |= {c.name for e in capture.entries for c in e.response_cookies}
        out.write(f"{capture.source}\n")
        out.write(f"  producer: {str(capture.creator) or 'unknown'}")
        out.write(f" ({capture.browser})\n" if capture.browser else "\n")
        out.write(
            f"  pages: {len(capture.pages)}  entries: {len(capture.entries)}  hosts: {len(hosts)}\n"
        )
        if capture.cookies_stripped:
            count = capture.cookies_stripped
            out.write(
                f"  cookies: unavailable (the producer stripped the cookie headers of "
                f"{count} entr{'ies' if count != 1 else 'y'}): export with cookies or "
                "pass a cookie jar\n"
            )
        elif capture.has_cookie_evidence:
            out.write(f"  cookies: {len(cookies)} distinct names\n")
        else:
            out.write(
                "  cookies: unavailable (the capture carries no cookie headers, as in a "
                "sanitized export): export with cookies or pass a cookie jar\n"
            )
        missing = [
            what
            for what, recorded in (
                ("initiators", capture.has_initiators),
                ("sizes", capture.has_sizes),
            )
            if not recorded
        ]
        if capture.entries and missing:
            out.write(
                f"  not recorded: {' and '.join(missing)} (loaded by and sizes are "
                "reported as unknown)\n"
            )
        for host, count in hosts.most_common(10):
            out.write(f"    {count:6d}  {host}\n")
        _write_problems(capture.problems, out)
    for jar in jars:
        domains = Counter(cookie.domain or "?" for cookie in jar.cookies)
        out.write(
            f"{jar.source}\n  format: {jar.format}  cookies: {len(jar.cookies)}  "
            f"domains: {len(domains)}\n"
        )
        for cookie in jar.cookies[:20]:
            expiry = cookie.expires.date().isoformat() if cookie.expires else "session"
            out.write(f"    {cookie.name}  {cookie.domain or '?'}  {expiry}\n")
        if len(jar.cookies) > 20:
            out.write(f"    ... {len(jar.cookies) - 20} more\n")
        _write_problems(jar.problems, out)


class _Writer(Protocol):
    def write(self, text: str, /) -> int: ...


class _Printable:
    """A text stream that neutralises control characters in each line written to it."""

    def __init__(self, out: TextIO, clean: Callable[[str], str]) -> None:
        self.out = out
        self.clean = clean

    def write(self, text: str) -> int:
        return self.out.write("\n".join(map(self.clean, text.split("\n"))))


def _write_problems(problems: Sequence[object], out: _Writer) -> None:
    if problems:
        out.write(f"  problems: {len(problems)} (damaged parts reported and skipped)\n")
        for problem in problems:
            out.write(f"    {problem}\n")


def _write_json(captures: Sequence[Capture], jars: Sequence[CookieJar], out: TextIO) -> None:
    document = {
        "inputs": [
            {
                "path": capture.source,
                "kind": "har",
                "producer": str(capture.creator),
                "pages": len(capture.pages),
                "entries": len(capture.entries),
                "has_cookie_evidence": capture.has_cookie_evidence,
                "has_initiators": capture.has_initiators,
                "has_sizes": capture.has_sizes,
                "problems": [str(p) for p in capture.problems],
            }
            for capture in captures
        ]
        + [
            {
                "path": jar.source,
                "kind": "cookies",
                "producer": jar.format,
                "cookies": len(jar.cookies),
                "problems": [str(p) for p in jar.problems],
            }
            for jar in jars
        ],
    }
    json.dump(document, out, indent=2, sort_keys=True)
    out.write("\n")

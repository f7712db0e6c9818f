"""URLs of requests: split once into scheme, host, port, path and query.

This module belongs to the inputs layer (see ``tests/test_layers.py``): every reader and
every later step (parties, attribution, the rules) parses URLs with it. It may import only
the base layer and the input models (``_models``).
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

from tagsig._inputs.models import Url

__all__ = ["normalize_host", "parse_url", "url_fault"]

# The host is one possessive character class, not labels repeated as a group: a repeated
# group keeps a mark per repetition, about 90 bytes per label (a 100 MB host of dotted
# labels would need gigabytes). Empty labels and a trailing dot go to the slow path.
_SIMPLE_URL = re.compile(
    r"(https?|wss?)://([A-Za-z0-9-][A-Za-z0-9.-]*+)(?::(\d{1,5}))?(?:[/?#]\S*)?"
)
# One string per scheme, not one per URL.
_SCHEMES = {scheme: scheme for scheme in ("http", "https", "ws", "wss")}


def parse_url(raw: str) -> Url:
    """Split a URL once into scheme, host, port, path and query.

    A URL whose host no host name can be (two URLs run together, a comma in the host)
    gets an empty host, as ``data:`` URLs have: it names no network resource.

    >>> u = parse_url("HTTPS://WWW.Example.com:8443/a/b?x=1#frag")
    >>> (u.scheme, u.host, u.port, u.path, u.query)
    ('https', 'www.example.com', 8443, '/a/b', 'x=1')
    >>> parse_url("https://fonts.example.com400,700").host
    ''
    """
    fast = _SIMPLE_URL.fullmatch(raw)
    if fast is not None and ".." not in fast.group(2) and not fast.group(2).endswith("."):
        # The common case, about five times faster than urlsplit.
        scheme, host, port = fast.group(1, 2, 3)
        return Url(
            raw=raw,
            scheme=_SCHEMES.get(scheme) or scheme.lower(),
            host=host if host.islower() else host.lower(),
            port=int(port) if port and int(port) < 65536 else None,
        )
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
    if _host_fault(parts, host) is not None:
        return Url(raw=raw, scheme=scheme, host="", port=None)
    try:
        port = parts.port
    except ValueError:
        port = None
    return Url(raw=raw, scheme=scheme, host=host.rstrip("."), port=port)


# What a host name of a request may hold: letters, digits, hyphens and dots (RFC 1123),
# underscores (which DNS allows and sites use), and the colons of an IPv6 address.
_HOST_NAME = re.compile(r"[a-z0-9_.:-]+")


def _host_fault(parts: SplitResult, host: str) -> str | None:
    if parts.netloc.endswith(":") and parts.path.startswith("//"):
        # "http://www.example.cnhttp://...": a producer wrote two URLs as one.
        return f"two URLs run together ({parts.netloc[:-1]!r} is no host)"
    if host and host.isascii() and not _HOST_NAME.fullmatch(host):
        return f"{host!r}, which holds characters no host name holds"
    return None


def url_fault(raw: str) -> str | None:
    """Say why a request URL of a network scheme has no usable host; ``None`` if it has one.

    Producers record such URLs (``http://www.example.cnhttp://www.example.cn/``,
    ``https://fonts.example.com400,700``); :func:`parse_url` gives them an empty host, so
    that they never become hosts of tags or third parties.

    >>> url_fault("https://fonts.example.com400,700")
    "'fonts.example.com400,700', which holds characters no host name holds"
    >>> url_fault("https://www.example.com/a,b") is None
    True
    """
    try:
        parts = urlsplit(raw.strip())
    except ValueError as e:
        return f"an unreadable URL ({e})"
    host = parts.hostname or ""
    if not host:
        return "none"
    if not host.rstrip("."):  # parse_url drops the trailing dots: nothing is left
        return f"{host!r}, which names no host"
    return _host_fault(parts, host if host.isascii() else _idna(host))


def _idna(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def normalize_host(host: str) -> str:
    """Return ``host`` lower-cased, without a trailing dot.

    >>> normalize_host("WWW.Example.COM.")
    'www.example.com'
    """
    host = host.lower()
    return host[:-1] if host.endswith(".") else host

"""Read cookie jars of many formats into a :class:`CookieJar`.

Formats are told apart by content, never by file name:

- gzip-compressed input (``1f 8b``) is decompressed first;
- ``SQLite format 3`` databases are Chrome (table ``cookies``) or Firefox (``moz_cookies``);
- text starting with ``{`` or ``[`` is JSON: Playwright ``storageState`` (an object with
  ``cookies`` and ``origins``) or a cookie list (Puppeteer, CDP, Selenium, EditThisCookie,
  Cookie-Editor, Splash/Lookyloo), bare or wrapped in an object;
- other text is a Netscape ``cookies.txt`` when it has the ``# Netscape HTTP Cookie File``
  header or at least one valid tab-separated cookie line.

Expiry times are aware UTC datetimes; session cookies have none. Expiries, flags and
SameSite values are read by :mod:`tagsig._inputs.cookies.values`, as the HAR reader reads them:
numbers past the last second of year 9999 are milliseconds when that gives a date, else
clamped to :data:`LATEST_EXPIRY`.
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
from datetime import datetime, timedelta
from typing import BinaryIO, TypeGuard

from tagsig._exceptions import CookieJarError, escape_pointer
from tagsig._inputs.cookies.setcookie import EARLIEST_EXPIRY, LATEST_EXPIRY
from tagsig._inputs.cookies.values import (
    EXPECTED_EXPIRY,
    EXPECTED_FLAG,
    EXPECTED_SAME_SITE,
    expiry,
    expiry_from_epoch,
    flag,
    same_site,
)
from tagsig._inputs.models import Cookie, CookieJar, Problem, SameSite
from tagsig._inputs.source import gunzip, read_bytes, replace_lone_surrogates_text

__all__ = ["load_cookies"]


_EXPECTED = (
    "expected a cookie jar (Netscape cookies.txt, Playwright storageState, JSON cookie list, "
    "Chrome or Firefox SQLite)"
)
_MAX_SECONDS = (LATEST_EXPIRY - EARLIEST_EXPIRY).total_seconds()
# Chrome counts microseconds from 1601-01-01 UTC.
_CHROME_OFFSET_US = 11_644_473_600_000_000
_SQLITE_MAGIC = b"SQLite format 3\x00"
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")


class _SkipError(Exception):
    """A damaged record, reported as a :class:`Problem` and skipped."""

    def __init__(self, message: str, pointer: str | None = None) -> None:
        super().__init__(message)
        self.pointer = pointer


# --------------------------------------------------------------------------- headers
# --------------------------------------------------------------------------- shared


def _show(value: object) -> str:
    """Render a found value for a message, shortened."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _domain(raw: str) -> tuple[str | None, bool]:
    """Return a jar domain without its leading dot, lower-case, and whether it had one."""
    dotted = raw.startswith(".")
    return (raw[1:] if dotted else raw).lower() or None, dotted


# --------------------------------------------------------------------------- loading


def load_cookies(
    source: str | os.PathLike[str] | bytes | BinaryIO,
    *,
    name: str | None = None,
    max_bytes: int | None = None,
) -> CookieJar:
    """Read a cookie jar, detecting its format from its content.

    Damaged lines and records are reported as :attr:`CookieJar.problems` and skipped.

    Args:
        source: A path, the file's bytes, or a binary file object.
        name: The name to report the jar as (default: the path, ``<bytes>`` or ``<file>``).
        max_bytes: The most bytes the jar may hold, read or inflated from gzip (default:
            ``$TAGSIG_MAX_INPUT_BYTES``, else 1 GiB).

    Returns:
        The jar, its cookies in file order.

    Raises:
        CookieJarError: The file cannot be read, or is no cookie jar of a known format.
        TypeError: ``source`` is of none of the accepted types.

    """
    data, label = read_bytes(
        source, name=name, error=CookieJarError, expected="a readable cookie jar", limit=max_bytes
    )
    return _parse_jar(bytes(data), label, max_bytes)


def _parse_jar(data: bytes, label: str, max_bytes: int | None = None) -> CookieJar:
    """Detect the format of ``data`` and read it.

    Raises:
        CookieJarError: ``data`` is no cookie jar of a known format.

    """
    data = bytes(
        gunzip(data, label=label, error=CookieJarError, expected="a cookie jar", limit=max_bytes)
    )
    if data.startswith(_SQLITE_MAGIC):
        return _read_sqlite(data, label)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16", "replace")[1:] if len(data) > 2 else ""
    else:
        text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    start = text.lstrip()[:1]
    if not start:
        raise CookieJarError(f"{_EXPECTED}, found an empty file", path=label)
    if "\x00" in text:
        raise CookieJarError(f"{_EXPECTED}, found binary data", path=label)
    if start in "[{":
        return _read_json(text, label)
    return _read_netscape(text, label)


# --------------------------------------------------------------------------- Netscape


def _netscape_flag(text: str, field: str) -> bool:
    """Read a ``TRUE``/``FALSE`` field.

    Raises:
        _SkipError: Neither.

    """
    upper = text.upper()
    if upper == "TRUE":
        return True
    if upper == "FALSE":
        return False
    raise _SkipError(f"expected TRUE or FALSE as {field}, found {_show(text)}")


def _netscape_cookie(line: str, number: int, label: str, problems: list[Problem]) -> Cookie:
    """Read one cookie line (``#HttpOnly_`` prefix already known not to be a comment).

    A line of six fields is read with an empty value, as curl reads it, and reported in
    ``problems``: other readers (Python's ``MozillaCookieJar``, yt-dlp) refuse it.

    Raises:
        _SkipError: The line is damaged.

    """
    http_only = line[:10].lower() == "#httponly_"
    fields = line[10:].split("\t") if http_only else line.split("\t")
    trimmed = len(fields) == 6  # an empty value whose tab was trimmed away
    if trimmed:
        fields.append("")
    if len(fields) != 7:
        raise _SkipError(f"expected 7 tab-separated fields, found {len(fields)}")
    raw_domain, subdomains, path, secure, expiry, name, value = fields
    include_subdomains = _netscape_flag(subdomains, "include-subdomains flag (field 2)")
    is_secure = _netscape_flag(secure, "secure flag (field 4)")
    expiry = expiry.strip()
    if not expiry:
        expires = None
    elif _NUMBER.match(expiry):
        expires = expiry_from_epoch(float(expiry))
    else:
        message = f"expected an expiry in seconds since 1970 (field 5), found {_show(expiry)}"
        raise _SkipError(message)
    if trimmed:
        problems.append(
            Problem(
                source=label,
                line=number,
                message=(
                    "expected 7 tab-separated fields, found 6: read as a cookie with an empty value"
                ),
            )
        )
    return Cookie(
        name=name,
        value=value,
        source="jar",
        domain=_domain(raw_domain)[0],
        host_only=not include_subdomains,
        path=path or None,
        expires=expires,
        secure=is_secure,
        http_only=http_only,
        file=label,
        line=number,
    )


def _read_netscape(text: str, label: str) -> CookieJar:
    """Read a Netscape ``cookies.txt``.

    Raises:
        CookieJarError: No header and no valid cookie line.

    """
    cookies: list[Cookie] = []
    problems: list[Problem] = []
    has_header = False
    first = ""
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line.strip():
            continue
        if not first:
            first = line
            has_header = line.lower().startswith(("# netscape http cookie file", "# http cookie"))
        if line.startswith("#") and line[:10].lower() != "#httponly_":
            continue
        try:
            cookies.append(_netscape_cookie(line, number, label, problems))
        except _SkipError as error:
            problems.append(Problem(source=label, message=str(error), line=number))
    if not has_header and not cookies:
        raise CookieJarError(f"{_EXPECTED}, found {_show(first)}", path=label)
    return CookieJar(
        source=label, format="netscape", cookies=tuple(cookies), problems=tuple(problems)
    )


# --------------------------------------------------------------------------- JSON


def _json_text(record: dict[str, object], key: str, pointer: str) -> str | None:
    """Return the string field ``key`` (``None`` when absent or null).

    Raises:
        _SkipError: The field is not a string.

    """
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise _SkipError(f"expected {key!r} to be a string, found {_show(value)}", f"{pointer}/{key}")


def _json_flag(record: dict[str, object], key: str, pointer: str) -> bool | None:
    """Return the flag ``key`` (``None`` when absent or null).

    Raises:
        _SkipError: The field is no flag.

    """
    value = record.get(key)
    try:
        return flag(value)
    except ValueError:
        message = f"expected {key!r} to be {EXPECTED_FLAG}, found {_show(value)}"
        raise _SkipError(message, f"{pointer}/{key}") from None


def _json_expiry(record: dict[str, object], pointer: str) -> datetime | None:
    """Return the expiry of a JSON cookie, whichever producer's key holds it.

    Raises:
        _SkipError: The expiry is neither a number nor a date string.

    """
    if _json_flag(record, "session", pointer):
        return None
    for key in ("expirationDate", "expiry", "expires"):
        value = record.get(key)
        if value is None:
            continue
        try:
            return expiry(value)
        except ValueError:
            message = f"expected {key!r} to be {EXPECTED_EXPIRY}, found {_show(value)}"
            raise _SkipError(message, f"{pointer}/{escape_pointer(key)}") from None
    return None


def _json_same_site(record: dict[str, object], pointer: str) -> SameSite | None:
    """Return the SameSite value of a JSON cookie.

    Raises:
        _SkipError: The value is none that browsers or their extension APIs write.

    """
    value = record.get("sameSite")
    try:
        return same_site(value)
    except ValueError:
        message = f"expected 'sameSite' to be {EXPECTED_SAME_SITE}, found {_show(value)}"
        raise _SkipError(message, f"{pointer}/sameSite") from None


def _json_cookie(record: object, pointer: str, label: str) -> Cookie:
    """Read one cookie object of a JSON jar.

    Raises:
        _SkipError: The record is damaged.

    """
    if not isinstance(record, dict):
        raise _SkipError(f"expected a cookie object, found {_show(record)}", pointer)
    name = _json_text(record, "name", pointer)
    if name is None:
        raise _SkipError('expected a cookie object with a "name", found none', pointer)
    raw_domain = _json_text(record, "domain", pointer)
    domain, dotted = _domain(raw_domain) if raw_domain is not None else (None, False)
    host_only = _json_flag(record, "hostOnly", pointer)
    return Cookie(
        name=name,
        value=_json_text(record, "value", pointer) or "",
        source="jar",
        domain=domain,
        host_only=host_only if host_only is not None else (None if domain is None else not dotted),
        path=_json_text(record, "path", pointer),
        expires=_json_expiry(record, pointer),
        secure=_json_flag(record, "secure", pointer),
        http_only=_json_flag(record, "httpOnly", pointer),
        same_site=_json_same_site(record, pointer),
        file=label,
    )


def _is_cookie_list(value: object) -> TypeGuard[list[object]]:
    """Whether ``value`` is a list holding at least one object with a ``name``."""
    return isinstance(value, list) and any(isinstance(x, dict) and "name" in x for x in value)


def _read_json(text: str, label: str) -> CookieJar:
    """Read a JSON jar: Playwright storageState, or a cookie list bare or wrapped.

    Raises:
        CookieJarError: Malformed JSON, or JSON holding no cookie list.

    """
    # An escaped unpaired surrogate ("\ud800") names no character that output can hold.
    text, surrogates = replace_lone_surrogates_text(text)
    try:
        # Text starting with "[" or "{" decodes to a list or an object, if at all.
        document: list[object] | dict[str, object] = json.loads(text)
    except RecursionError as error:
        raise CookieJarError(
            f"{_EXPECTED}, found JSON nested too deeply to read", path=label
        ) from error
    except ValueError as error:
        raise CookieJarError(f"{_EXPECTED}, found malformed JSON ({error})", path=label) from error
    records: list[object] | None = None
    base, format_ = "", "json"
    if isinstance(document, list):
        if not document or _is_cookie_list(document):
            records = document
    else:
        cookies = document.get("cookies")
        if isinstance(cookies, list):
            records, base = cookies, "/cookies"
            format_ = "playwright" if "origins" in document else "json"
        else:
            for key, value in document.items():
                if _is_cookie_list(value):  # such as {"browser_cookies": [...]}
                    records, base = value, f"/{escape_pointer(key)}"
                    break
    if records is None:
        kind = "list" if isinstance(document, list) else "object"
        raise CookieJarError(f"{_EXPECTED}, found a JSON {kind} without cookies", path=label)
    cookies_read: list[Cookie] = []
    problems: list[Problem] = []
    if surrogates:
        problems.append(
            Problem(
                source=label,
                message=f"{surrogates} escape"
                f"{'s' if surrogates != 1 else ''} of an unpaired UTF-16 "
                "surrogate read as U+FFFD",
            )
        )
    for index, record in enumerate(records):
        pointer = f"{base}/{index}"
        try:
            cookies_read.append(_json_cookie(record, pointer, label))
        except _SkipError as error:
            problems.append(Problem(source=label, message=str(error), pointer=error.pointer))
    return CookieJar(
        source=label, format=format_, cookies=tuple(cookies_read), problems=tuple(problems)
    )


# --------------------------------------------------------------------------- SQLite

# Columns read per browser: our name -> the column names it has had, newest first.
_CHROME_COLUMNS = {
    "host": ("host_key",),
    "name": ("name",),
    "value": ("value",),
    "path": ("path",),
    "expires": ("expires_utc",),
    "secure": ("is_secure", "secure"),
    "http_only": ("is_httponly", "httponly"),
    "same_site": ("samesite",),
    "persistent": ("is_persistent", "persistent", "has_expires"),
}
_FIREFOX_COLUMNS = {
    "host": ("host",),
    "name": ("name",),
    "value": ("value",),
    "path": ("path",),
    "expires": ("expiry",),
    "secure": ("isSecure",),
    "http_only": ("isHttpOnly",),
    "same_site": ("sameSite",),
    "persistent": (),
}
# Chrome: -1 unspecified, 0 none, 1 lax, 2 strict. Firefox: 0 none, 1 lax, 2 strict and,
# in recent versions, 256 for unset.
_CHROME_SAME_SITE: dict[object, SameSite] = {0: "none", 1: "lax", 2: "strict"}


def _sql_text(value: object) -> str:
    """Return a text cell as text, whatever SQLite stored."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _sql_int(value: object, column: str, pointer: str) -> int:
    """Return an integer cell (``NULL`` as 0).

    Raises:
        _SkipError: The cell is not a number.

    """
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    raise _SkipError(f"expected {column} to be an integer, found {_show(value)}", pointer)


def _sqlite_cookie(
    row: sqlite3.Row, table: str, index: int, label: str, shared: dict[str | None, str | None]
) -> Cookie:
    """Read one row of a browser cookie table.

    ``shared`` maps each domain and path to one string, so that a jar of millions of rows
    holds each once.

    Raises:
        _SkipError: A number column holds something else.

    """
    pointer = f"/{table}/{index}"
    domain, dotted = _domain(_sql_text(row["host"]))
    domain = shared.setdefault(domain, domain)
    path = _sql_text(row["path"]) or None
    stamp = _sql_int(row["expires"], "the expiry", pointer)
    if table == "cookies":
        is_session = stamp == 0 or row["persistent"] == 0
        micros = stamp - _CHROME_OFFSET_US
        if is_session or micros <= 0:
            expires = None
        elif micros > _MAX_SECONDS * 1_000_000:
            expires = LATEST_EXPIRY
        else:
            expires = EARLIEST_EXPIRY + timedelta(microseconds=micros)
    else:
        expires = expiry_from_epoch(stamp)
    return Cookie(
        name=_sql_text(row["name"]),
        value=_sql_text(row["value"]),  # empty when the browser encrypted it
        source="jar",
        domain=domain,
        host_only=not dotted,
        path=shared.setdefault(path, path),
        expires=expires,
        secure=bool(_sql_int(row["secure"], "the secure flag", pointer)),
        http_only=bool(_sql_int(row["http_only"], "the httponly flag", pointer)),
        same_site=_CHROME_SAME_SITE.get(row["same_site"]),
        file=label,
    )


def _read_sqlite(data: bytes, label: str) -> CookieJar:
    """Read a Chrome ``Cookies`` or Firefox ``cookies.sqlite`` database from its bytes.

    The image is opened in memory, so the original file is never locked or written.

    Raises:
        CookieJarError: The database is damaged or has no cookie table.

    """
    image = bytearray(data)
    if image[18:20] == b"\x02\x02":
        # A WAL-mode header stops an in-memory copy from opening; legacy mode reads the same.
        image[18:20] = b"\x01\x01"
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(image)
        connection.text_factory = lambda raw: raw.decode("utf-8", "replace")
        connection.row_factory = sqlite3.Row
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if "cookies" in tables:
            table, format_, wanted = "cookies", "chrome-sqlite", _CHROME_COLUMNS
        elif "moz_cookies" in tables:
            table, format_, wanted = "moz_cookies", "firefox-sqlite", _FIREFOX_COLUMNS
        else:
            found = ", ".join(sorted(tables)) or "none"
            message = f"{_EXPECTED}, found an SQLite database with tables: {found}"
            raise CookieJarError(message, path=label)
        columns = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
        if "name" not in columns or wanted["host"][0] not in columns:
            message = f"expected columns {wanted['host'][0]} and name in table {table}, found: "
            raise CookieJarError(message + ", ".join(sorted(columns)), path=label)
        selected = ", ".join(
            next((f'"{c}"' for c in names if c in columns), "NULL") + f" AS {ours}"
            for ours, names in wanted.items()
        )
        cookies: list[Cookie] = []
        problems: list[Problem] = []
        # Rows are read one at a time, not fetched all at once: a jar of millions of rows
        # then holds its cookies only, not every row as well.
        rows = connection.execute(f"SELECT {selected} FROM {table}")  # noqa: S608
        shared: dict[str | None, str | None] = {}
        for index, row in enumerate(rows):
            try:
                cookies.append(_sqlite_cookie(row, table, index, label, shared))
            except _SkipError as error:
                problems.append(Problem(source=label, message=str(error), pointer=error.pointer))
    except sqlite3.Error as error:
        message = f"expected a readable SQLite cookie database, found {error}"
        raise CookieJarError(message, path=label) from error
    except UnicodeDecodeError as error:  # a table or column name that is not UTF-8
        message = "expected a readable SQLite cookie database, found names that are not UTF-8"
        raise CookieJarError(message, path=label) from error
    finally:
        connection.close()
    return CookieJar(source=label, format=format_, cookies=tuple(cookies), problems=tuple(problems))

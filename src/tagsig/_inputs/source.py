"""Get the bytes of an input (a path, bytes, or a binary file) for the readers, bounded."""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib
from typing import Any

from tagsig._exceptions import InputError

__all__ = [
    "DEFAULT_MAX_INPUT_BYTES",
    "GZIP_MAGIC",
    "MAX_INPUT_ENV",
    "ZIP_MAGIC",
    "gunzip",
    "input_limit",
    "read_bytes",
    "read_regular_file",
    "replace_lone_surrogates",
    "replace_lone_surrogates_text",
    "unzip_member",
]

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
"""The first bytes of a zip archive's first member (an empty archive has none)."""
DEFAULT_MAX_INPUT_BYTES = 1 << 30
"""The most bytes an input may hold, read or inflated from gzip (1 GiB)."""
MAX_INPUT_ENV = "TAGSIG_MAX_INPUT_BYTES"
"""The environment variable that replaces :data:`DEFAULT_MAX_INPUT_BYTES`."""
_CHUNK = 1 << 26

# A JSON string escape of a UTF-16 surrogate, paired or not; an escaped backslash is
# consumed whole first, so that ``\\ud800`` (a backslash, then text) is left alone.
_SURROGATE_ESCAPE = (
    r"(\\\\)|\\u([dD][89abAB][0-9a-fA-F]{2})(\\u[dD][c-fC-F][0-9a-fA-F]{2})?"
    r"|\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
_SURROGATES_TEXT = re.compile(_SURROGATE_ESCAPE)
_SURROGATES_BYTES = re.compile(_SURROGATE_ESCAPE.encode())
_ANY_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def input_limit(max_bytes: int | None = None) -> int:
    """Return the input size limit: ``max_bytes``, else ``$TAGSIG_MAX_INPUT_BYTES``, else 1 GiB.

    >>> input_limit(1000)
    1000

    Raises:
        InputError: ``$TAGSIG_MAX_INPUT_BYTES`` is not a positive integer.

    """
    if max_bytes is not None:
        return max_bytes
    raw = os.environ.get(MAX_INPUT_ENV)
    if raw is None or not raw.strip():
        return DEFAULT_MAX_INPUT_BYTES
    try:
        value = int(raw.strip()[:30])
    except ValueError:
        value = 0
    if value < 1:
        raise InputError(
            f"expected a positive number of bytes in {MAX_INPUT_ENV}, found {raw[:40]!r}"
        )
    return value


def read_regular_file(
    path: str | os.PathLike[str],
    *,
    label: str,
    error: type[InputError],
    expected: str,
    limit: int | None = None,
) -> bytes:
    """Return the bytes of the regular file at ``path``, at most ``limit`` of them.

    A FIFO, a device or a directory is refused before it is opened, so that reading can
    neither block nor go on forever.

    Raises:
        InputError: The file cannot be read, is not a regular file, or is too large (as
            ``error``).

    """
    most = input_limit(limit)
    try:
        status = os.stat(path)
        kind = next((name for test, name in _KINDS if test(status.st_mode)), None)
        if kind is not None:
            raise error(f"expected {expected}, found {kind}", path=label)
        _check_size(status.st_size, most, label=label, error=error, what="file")
        with open(path, "rb") as stream:
            # Not read(most + 1), which would reserve the whole limit up front.
            data = _read_bounded(stream.read, most, first=status.st_size + 1, whole=True)
    except OSError as e:
        raise error(f"expected {expected}, found {_reason(e)}", path=label) from e
    _check_size(len(data), most, label=label, error=error, what="file")
    return data


def _read_bounded(read: Any, most: int, first: int = 1 << 20, *, whole: bool = False) -> bytes:
    """Read to the end, or to just past ``most`` bytes.

    ``first`` bytes are asked for first, then twice as many each time (up to 64 MiB), so
    that no read reserves much more than what has come. With ``whole`` (a regular file of
    ``first - 1`` bytes), a short read is the end.
    """
    chunks: list[bytes] = []
    total, size = 0, first
    while total <= most:
        chunk = read(min(size, most + 1 - total))
        if not isinstance(chunk, bytes | bytearray):
            raise TypeError(f"expected a binary file, found one that reads {type(chunk).__name__}")
        if not chunk:
            break
        chunks.append(bytes(chunk))
        total += len(chunk)
        if whole and len(chunk) < size:
            break
        size = min(size * 2, _CHUNK)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_bytes(
    source: Any,
    *,
    name: str | None,
    error: type[InputError],
    expected: str,
    limit: int | None = None,
) -> tuple[bytes | memoryview, str]:
    """Return the bytes of ``source`` and the label that names it in problems and errors.

    Args:
        source: A path, bytes, bytearray, memoryview, or a binary file object.
        name: The label to use; by default the path, ``<bytes>`` or the file's name.
        error: The error to raise when the input cannot be read.
        expected: What the input should be (``a HAR file``), for messages.
        limit: The most bytes to read from a path or a file (see :func:`input_limit`).

    Raises:
        InputError: The file cannot be read, is no regular file, or is larger than
            ``limit`` (as ``error``, chained to the OSError).
        TypeError: ``source`` is of none of the accepted types.

    """
    if isinstance(source, bytes | memoryview):
        return source, name if name is not None else "<bytes>"
    if isinstance(source, bytearray):
        return bytes(source), name if name is not None else "<bytes>"
    if isinstance(source, str | os.PathLike):
        label = name if name is not None else os.fsdecode(source)
        return read_regular_file(
            source, label=label, error=error, expected=expected, limit=limit
        ), label
    read = getattr(source, "read", None)
    if not callable(read):
        raise TypeError(f"expected a path, bytes or a binary file, found {type(source).__name__}")
    label = name if name is not None else os.fsdecode(getattr(source, "name", "<file>"))
    most = input_limit(limit)
    try:
        data = _read_bounded(read, most)
    except OSError as e:
        raise error(f"expected {expected}, found {_reason(e)}", path=label) from e
    _check_size(len(data), most, label=label, error=error, what="file")
    return data, label


def gunzip(
    data: bytes | memoryview,
    *,
    label: str,
    error: type[InputError],
    expected: str,
    limit: int | None = None,
) -> bytes | memoryview:
    """Return ``data`` decompressed when it starts with the gzip magic, else unchanged.

    Every gzip member is inflated in turn, never past ``limit`` bytes in all (a gzip
    bomb stops at the limit instead of filling the memory).

    Raises:
        InputError: A damaged gzip stream, or one that inflates past ``limit`` (as
            ``error``).

    """
    if bytes(data[:2]) != GZIP_MAGIC:
        return data
    most = input_limit(limit)
    out = bytearray()
    rest = bytes(data)
    while rest:
        inflater = zlib.decompressobj(wbits=31)
        pending = rest
        while pending and not inflater.eof:
            try:
                out += inflater.decompress(pending, most + 1 - len(out))
            except zlib.error as e:
                raise _damaged(str(e), label=label, error=error, expected=expected) from e
            _check_size(len(out), most, label=label, error=error, what="gzip stream")
            pending = inflater.unconsumed_tail
        if not inflater.eof:
            raise _damaged(
                "the stream ends before its end", label=label, error=error, expected=expected
            )
        rest = inflater.unused_data.lstrip(b"\x00")
        if rest and not rest.startswith(GZIP_MAGIC):
            raise _damaged(
                "data after the last member", label=label, error=error, expected=expected
            )
    return memoryview(out)  # not bytes(out), a copy of what can be the whole limit


def unzip_member(
    data: bytes | memoryview,
    *,
    names: tuple[str, ...],
    suffix: str,
    label: str,
    error: type[InputError],
    expected: str,
    limit: int | None = None,
) -> bytes:
    """Return the bytes of one member of the zip archive ``data``, at most ``limit`` of them.

    The member is the first of ``names`` the archive holds, else its only member whose
    name ends with ``suffix``. It is inflated in chunks, never past ``limit`` bytes
    whatever size the archive declares (a zip bomb stops at the limit), and its CRC is
    checked.

    Raises:
        InputError: A damaged archive, one without such a member, an encrypted member or
            one that inflates past ``limit`` (as ``error``).

    """
    most = input_limit(limit)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {info.filename: info for info in archive.infolist() if not info.is_dir()}
            chosen = next((members[name] for name in names if name in members), None)
            if chosen is None:
                candidates = [info for name, info in members.items() if name.endswith(suffix)]
                if len(candidates) != 1:
                    found = "no member" if not candidates else f"{len(candidates)} members"
                    raise error(
                        f"expected {expected}: a zip archive holding "
                        f"{' or '.join(names)} (or one *{suffix} member), found "
                        f"{found} of that name",
                        path=label,
                    )
                chosen = candidates[0]
            _check_size(
                chosen.file_size,
                most,
                label=label,
                error=error,
                what=f"zip member ({chosen.filename})",
            )
            with archive.open(chosen) as member:
                inflated = _read_bounded(member.read, most)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
        raise error(f"expected {expected}, found a damaged zip archive ({e})", path=label) from e
    except (NotImplementedError, RuntimeError) as e:  # a method or encryption not supported
        raise error(
            f"expected {expected}, found a zip archive that cannot be read ({e})", path=label
        ) from e
    _check_size(len(inflated), most, label=label, error=error, what="zip member")
    return inflated


def replace_lone_surrogates(document: bytes | memoryview) -> tuple[bytes | memoryview, int]:
    r"""Replace each JSON escape of an unpaired UTF-16 surrogate with ``\ufffd``.

    Such escapes are valid JSON syntax but name no character, so no UTF-8 output can hold
    them. Returns the repaired document and the number of escapes replaced.

    >>> replace_lone_surrogates(rb'"a\ud800b \ud83d\ude00 \\ud800"')
    (b'"a\\ufffdb \\ud83d\\ude00 \\\\ud800"', 1)
    """
    if _ANY_SURROGATE.search(document) is None:  # no copy of a document without any
        return document, 0
    count = 0

    def fix(match: re.Match[bytes]) -> bytes:
        nonlocal count
        if match.group(1) is not None or match.group(3) is not None:
            return match.group(0)
        count += 1
        return rb"\ufffd"

    return _SURROGATES_BYTES.sub(fix, document), count


def replace_lone_surrogates_text(document: str) -> tuple[str, int]:
    r"""Like :func:`replace_lone_surrogates`, for JSON text.

    >>> replace_lone_surrogates_text(r'["\udc00"]')
    ('["\\ufffd"]', 1)
    """
    repaired, count = replace_lone_surrogates(document.encode("utf-8", "surrogatepass"))
    return (bytes(repaired).decode("utf-8", "surrogatepass"), count) if count else (document, 0)


def _damaged(detail: str, *, label: str, error: type[InputError], expected: str) -> InputError:
    return error(f"expected {expected}, found a damaged gzip stream ({detail})", path=label)


def _check_size(size: int, most: int, *, label: str, error: type[InputError], what: str) -> None:
    if size > most:
        raise error(
            f"expected at most {most} bytes, found a larger {what} (raise the limit "
            f"with {MAX_INPUT_ENV})",
            path=label,
        )


def _reason(error: OSError) -> str:
    detail = error.strerror or repr(error)
    return f"an unreadable file ({detail})"

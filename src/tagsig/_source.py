"""Get the bytes of an input (a path, bytes, or a binary file) for the readers."""

from __future__ import annotations

import gzip
import os
import zlib
from typing import Any

from tagsig._exceptions import InputError

__all__ = ["GZIP_MAGIC", "gunzip", "read_bytes"]

GZIP_MAGIC = b"\x1f\x8b"


def read_bytes(
    source: Any,
    *,
    name: str | None,
    error: type[InputError],
    expected: str,
) -> tuple[bytes | memoryview, str]:
    """Return the bytes of ``source`` and the label that names it in problems and errors.

    Args:
        source: A path, bytes, bytearray, memoryview, or a binary file object.
        name: The label to use; by default the path, ``<bytes>`` or the file's name.
        error: The error to raise when the input cannot be read.
        expected: What the input should be (``a HAR file``), for messages.

    Raises:
        InputError: The file cannot be read (as ``error``, chained to the OSError).
        TypeError: ``source`` is of none of the accepted types.

    """
    if isinstance(source, bytes | memoryview):
        return source, name if name is not None else "<bytes>"
    if isinstance(source, bytearray):
        return bytes(source), name if name is not None else "<bytes>"
    if isinstance(source, str | os.PathLike):
        label = name if name is not None else os.fsdecode(source)
        try:
            with open(source, "rb") as stream:
                return stream.read(), label
        except OSError as e:
            raise error(f"expected {expected}, found {_reason(e)}", path=label) from e
    read = getattr(source, "read", None)
    if not callable(read):
        raise TypeError(f"expected a path, bytes or a binary file, found "
                        f"{type(source).__name__}")
    label = name if name is not None else os.fsdecode(getattr(source, "name", "<file>"))
    try:
        data = read()
    except OSError as e:
        raise error(f"expected {expected}, found {_reason(e)}", path=label) from e
    if not isinstance(data, bytes | bytearray):
        raise TypeError(f"expected a binary file, found one that reads {type(data).__name__}")
    return bytes(data), label


def gunzip(data: bytes | memoryview, *, label: str, error: type[InputError],
           expected: str) -> bytes | memoryview:
    """Return ``data`` decompressed when it starts with the gzip magic, else unchanged.

    Raises:
        InputError: A damaged gzip stream (as ``error``).

    """
    if bytes(data[:2]) != GZIP_MAGIC:
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as e:
        raise error(f"expected {expected}, found a damaged gzip stream ({e})",
                    path=label) from e


def _reason(error: OSError) -> str:
    detail = error.strerror or repr(error)
    return f"an unreadable file ({detail})"

"""Name and read captures by URL (``s3://``, ``gs://``, ``https://``, ...) through fsspec.

fsspec is an optional extra (``tagsig[fsspec]``), imported only when an argument is a URL;
which schemes work is up to the filesystems the user's fsspec has (``s3fs`` for ``s3://``,
``gcsfs`` for ``gs://``, ``aiohttp`` for ``https://``). A capture read by URL is bounded
by the same input limit as a file.
"""

from __future__ import annotations

import glob
import re
from typing import TYPE_CHECKING, Any

from tagsig._exceptions import HarError, InputError

if TYPE_CHECKING:
    from tagsig._inputs.models import Capture

__all__ = ["expand_url", "is_url", "load_remote_har"]

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(argument: str) -> bool:
    """Return whether ``argument`` names a capture by URL rather than by local path.

    >>> is_url("s3://bucket/site.har"), is_url("captures/site.har")
    (True, False)
    """
    return _URL.match(argument) is not None


def _filesystem(url: str, error: type[InputError]) -> tuple[Any, str]:
    try:
        import fsspec  # noqa: PLC0415 (an optional extra, imported on use)
    except ImportError as e:
        raise error(
            "reading captures by URL needs fsspec, which is not installed; install "
            "the extra: pip install 'tagsig[fsspec]'",
            path=url,
        ) from e
    try:
        fs, path = fsspec.core.url_to_fs(url)
    except ImportError as e:
        # fsspec knows the scheme but not the package that implements it (s3fs, gcsfs, ...).
        raise error(
            f"expected a URL whose filesystem fsspec has, found one that needs a "
            f"package not installed ({e})"[:300],
            path=url,
        ) from e
    except ValueError as e:
        raise error(f"expected a URL fsspec knows, found {e}"[:300], path=url) from e
    return fs, str(path)


def expand_url(argument: str, suffixes: tuple[str, ...]) -> list[str]:
    """Return the capture URLs that ``argument`` names: a folder, a glob or one object.

    A folder contributes every object below it whose name ends with one of ``suffixes``;
    a glob (``*``, ``?``, ``[``) every object it matches; anything else itself, when it is
    an object. URLs come back with their scheme, unsorted.

    Raises:
        InputError: fsspec or the scheme's filesystem is not installed, or the storage
            cannot be listed.

    """
    fs, path = _filesystem(argument, InputError)
    try:
        if glob.has_magic(path):
            found = [p for p in fs.glob(path) if fs.isfile(p)]
        elif fs.isdir(path):
            found = [p for p in fs.find(path) if str(p).endswith(suffixes)]
        elif fs.isfile(path):
            found = [path]
        else:
            found = []
    except OSError as e:
        raise InputError(
            f"expected storage that can be listed, found {e}"[:300], path=argument
        ) from e
    return [str(fs.unstrip_protocol(p)) for p in found]


def load_remote_har(url: str, *, max_bytes: int | None = None) -> Capture:
    """Read the capture at ``url`` (see :func:`tagsig.load_har`).

    Raises:
        HarError: fsspec or the scheme's filesystem is missing, the object cannot be read,
            or it is no HAR capture.

    """
    from tagsig._inputs.har.reader import load_har  # noqa: PLC0415 (the reader is needed only here)

    fs, path = _filesystem(url, HarError)
    try:
        with fs.open(path, "rb") as stream:
            return load_har(stream, name=url, max_bytes=max_bytes)
    except OSError as e:
        raise HarError(
            f"expected a readable HAR object, found {e.strerror or e}"[:300], path=url
        ) from e

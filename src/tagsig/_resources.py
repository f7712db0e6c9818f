"""Locate the data files shipped with tagsig (signature database, JSON schemas).

Also keeps what is costly to derive from a data file (the parsed Public Suffix List, a
compiled translation catalogue) in tagsig's ``__pycache__`` folder, as Python keeps
bytecode there: see :func:`cached`.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from tagsig._exceptions import ArgumentError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "DOCS_URL",
    "SCHEMAS",
    "cached",
    "data_file",
    "docs_url",
    "package_folder",
    "schema_path",
]

_T = TypeVar("_T")

DOCS_URL = "https://github.com/tagsig/tagsig/blob/main/docs/"
"""Where the documentation is read online (a wheel ships none of ``docs/``)."""
SCHEMAS = ("report", "signatures", "policy", "catalogue")
"""The JSON Schemas shipped with tagsig, by name."""

# A source checkout (editable install) keeps the data at the repository's top level;
# built wheels map it into the package as ``tagsig/data/``.
_PACKAGE = Path(__file__).resolve().parent
_SOURCE_DATA = _PACKAGE.parent.parent / "data"
_CACHE = _PACKAGE / "__pycache__"


def package_folder(name: str) -> Traversable:
    """Return the folder ``name`` of the package (``data``, ``locale``).

    An installed package is a folder on disk, read without :mod:`importlib.resources`
    (whose import costs more than the rest of this module); one imported from a zip
    archive is read through it.
    """
    folder = _PACKAGE / name
    if folder.is_dir() or _PACKAGE.is_dir():
        return folder
    from importlib import resources  # noqa: PLC0415 (only for a zipped package)

    return resources.files("tagsig") / name


def data_file(name: str) -> Traversable:
    """Return the shipped data file ``name``: from the package, else from a source checkout.

    Raises:
        FileNotFoundError: The file is in neither place (a broken installation).

    """
    packaged = package_folder("data") / name
    if packaged.is_file():
        return packaged
    source = _SOURCE_DATA / name
    if source.is_file():
        return source
    raise FileNotFoundError(f"tagsig data file {name!r} is missing from the installation")


def schema_path(name: str) -> Path:
    """Return the path of the shipped JSON Schema (2020-12) ``name``.

    >>> schema_path("report").name
    'report.schema.json'

    Args:
        name: ``report`` (the JSON report), ``signatures`` (signature files), ``policy``
            (policy files) or ``catalogue``.

    Raises:
        ArgumentError: ``name`` is none of :data:`SCHEMAS`.

    """
    if name not in SCHEMAS:
        raise ArgumentError(
            f"expected a schema among {', '.join(map(repr, SCHEMAS))}, found {name!r}"
        )
    found = data_file(f"{name}.schema.json")
    # An installed package (a wheel, or a source checkout) is a folder on disk.
    return found if isinstance(found, Path) else Path(str(found))


def docs_url(page: str) -> str:
    """Return the online address of the documentation page ``page`` (``formats.md``)."""
    return DOCS_URL + page


def cached(name: str, source: bytes, build: Callable[[], _T]) -> _T:
    """Return what ``build`` derives from ``source``, kept from an earlier run when it can be.

    The value (of types :mod:`marshal` writes: strings, numbers, bytes, tuples, sets) is
    kept in tagsig's ``__pycache__`` folder under ``name``, the Python version and a hash
    of ``source``, so a changed source is derived afresh and the stale value replaced. A
    folder that cannot be written to (or ``PYTHONDONTWRITEBYTECODE``) only means deriving
    each time; a damaged file is derived afresh.

    Args:
        name: What is kept, with the version of its layout (``psl-1``).
        source: The bytes the value is derived from.
        build: Derives the value.

    """
    digest = hashlib.blake2b(source, digest_size=12).hexdigest()
    prefix = f"{name}.{sys.implementation.cache_tag}."
    path = _CACHE / f"{prefix}{digest}.marshal"
    try:
        # As trusted as the bytecode beside it, which is marshal data too.
        return cast("_T", marshal.loads(path.read_bytes()))  # noqa: S302
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = build()
    if sys.dont_write_bytecode:
        return value
    try:
        data = marshal.dumps(value)  # type: ignore[arg-type]  # ValueError if it cannot
        _CACHE.mkdir(exist_ok=True)
        for stale in _CACHE.glob(f"{prefix}*.marshal"):
            stale.unlink(missing_ok=True)
        scratch = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        scratch.write_bytes(data)
        os.replace(scratch, path)
    except (OSError, ValueError):  # read-only installation; a value marshal cannot write
        pass
    return value

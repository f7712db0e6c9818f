"""Locate the data files shipped with tagsig (signature database, JSON schemas)."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from tagsig._exceptions import ArgumentError

__all__ = ["DOCS_URL", "SCHEMAS", "data_file", "docs_url", "schema_path"]

DOCS_URL = "https://github.com/tagsig/tagsig/blob/main/docs/"
"""Where the documentation is read online (a wheel ships none of ``docs/``)."""
SCHEMAS = ("report", "signatures", "policy", "catalogue")
"""The JSON Schemas shipped with tagsig, by name."""

# A source checkout (editable install) keeps the data at the repository's top level;
# built wheels map it into the package as ``tagsig/data/``.
_SOURCE_DATA = Path(__file__).resolve().parent.parent.parent / "data"


def data_file(name: str) -> Traversable:
    """Return the shipped data file ``name``: from the package, else from a source checkout.

    Raises:
        FileNotFoundError: The file is in neither place (a broken installation).

    """
    packaged = resources.files("tagsig") / "data" / name
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
        raise ArgumentError(f"expected a schema among {', '.join(map(repr, SCHEMAS))}, "
                            f"found {name!r}")
    found = data_file(f"{name}.schema.json")
    # An installed package (a wheel, or a source checkout) is a folder on disk.
    return found if isinstance(found, Path) else Path(str(found))


def docs_url(page: str) -> str:
    """Return the online address of the documentation page ``page`` (``formats.md``)."""
    return DOCS_URL + page

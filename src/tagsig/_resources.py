"""Locate the data files shipped with tagsig (signature database, JSON schemas)."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = ["data_file"]

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

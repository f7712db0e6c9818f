"""Read a saved JSON report for comparison, telling it apart from a capture.

Part of the analysis layer (see ``tests/test_layers.py``): ``tagsig diff`` and
``analyze --baseline`` read a side with it. It may import the inputs layer and below.
"""

from __future__ import annotations

import json
import os

from tagsig._exceptions import InputError
from tagsig._inputs.source import read_regular_file, replace_lone_surrogates_text

__all__ = ["load_report_document"]

_MAX_DIGITS = 30
"""Counts and byte sizes in a report are below this (a report's own integers are)."""


def load_report_document(path: str | os.PathLike[str]) -> dict[str, object] | None:
    """Return the JSON report stored at ``path``, or ``None`` when the file is not one.

    A file is a JSON report when it is a JSON object with ``schema_version`` and ``tags``
    and no HAR ``log``; anything else (HAR, gzip, JSONP) is left to the capture reader.

    Raises:
        InputError: The file cannot be read, is no regular file, or is a JSON report
            nested too deeply to read.

    """
    source = os.fspath(path)
    data = read_regular_file(
        path, label=source, error=InputError, expected="a capture or a JSON report"
    )
    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"{"):
        return None
    try:
        document = json.loads(
            replace_lone_surrogates_text(text.decode("utf-8"))[0], parse_int=_int_or_text
        )
    except RecursionError as e:
        raise InputError(
            "expected a JSON report, found JSON nested too deeply to read", path=source
        ) from e
    except (ValueError, UnicodeDecodeError):
        return None
    if (
        isinstance(document, dict)
        and "schema_version" in document
        and "tags" in document
        and "log" not in document
    ):
        return document
    return None


def _int_or_text(text: str) -> int | str:
    # Python's int() refuses more than 4,300 digits: such a number is kept as text, which
    # the report's checks then refuse where it stands, instead of the file not being read
    # as a report at all.
    return int(text) if len(text) <= _MAX_DIGITS else text

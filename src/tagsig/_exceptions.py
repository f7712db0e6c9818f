"""The error tree: every error tagsig raises derives from :class:`TagsigError`.

::

    TagsigError(Exception)
    ├── ArgumentError(TagsigError, ValueError)   an argument has a value no function accepts
    ├── InputError(TagsigError, ValueError)      an input file cannot be read
    │   ├── HarError                            ... as a HAR capture
    │   ├── CookieJarError                      ... as a cookie jar
    │   └── PolicyError                         ... as a policy file
    ├── ConsentStringError(TagsigError, ValueError)
    │                                           a consent string cannot be decoded
    ├── SignatureError(TagsigError, ValueError)  a signature database is wrong
    │   └── UnsupportedSchemaError              ... written for another format version
    ├── UnknownTagError(TagsigError, ValueError) no tag has the name looked up
    └── InvalidSignatureDB(ExceptionGroup[SignatureError], TagsigError)
                                                several SignatureErrors at once

Each error carries where it happened as keyword-only context: ``path`` (the file),
``pointer`` (an RFC 6901 JSON pointer into it) and ``line`` (a 1-based line number for
text formats). ``str(error)`` renders ``"{path}#{pointer}: {message}"`` or
``"{path}:{line}: {message}"``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

__all__ = [
    "ArgumentError",
    "ConsentStringError",
    "CookieJarError",
    "HarError",
    "InputError",
    "InvalidSignatureDB",
    "PolicyError",
    "SignatureError",
    "TagsigError",
    "UnknownTagError",
    "UnsupportedSchemaError",
    "escape_pointer",
    "format_location",
    "shown",
]


def shown(value: object, limit: int = 60) -> str:
    """Return ``repr(value)`` for a message, shortened to about ``limit`` characters.

    A value from an input can be megabytes long; a message quotes only its start.

    >>> shown("x" * 100, 10)
    "'xxxxxx..."
    """
    text = repr(value) if not isinstance(value, str) or len(value) <= limit else repr(value[:limit])
    return text if len(text) <= limit else text[: limit - 3] + "..."


def escape_pointer(segment: str | int) -> str:
    """Escape one JSON pointer segment (RFC 6901: ``~`` as ``~0``, ``/`` as ``~1``).

    >>> escape_pointer("a/b~c")
    'a~1b~0c'
    """
    return str(segment).replace("~", "~0").replace("/", "~1")


def format_location(path: str | None, pointer: str | None = None, line: int | None = None) -> str:
    """Render where something happened: ``file#/pointer``, ``file:line`` or ``file``.

    >>> format_location("a.har", "/log/entries/3")
    'a.har#/log/entries/3'
    >>> format_location("jar.txt", line=7)
    'jar.txt:7'
    """
    where = path if path is not None else "<input>"
    if pointer is not None:
        where += f"#{pointer}"
    if line is not None:
        where += f":{line}"
    return where


class TagsigError(Exception):
    """Base class of every error tagsig raises.

    Args:
        message: What was expected and what was found.
        path: The file the error is about, if any.
        pointer: RFC 6901 JSON pointer to the offending value, if any.
        line: 1-based line number in a text file, if any.

    """

    path: str | None
    pointer: str | None
    line: int | None

    def __init__(
        self,
        message: str,
        *,
        path: str | os.PathLike[str] | None = None,
        pointer: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.path = os.fspath(path) if path is not None else None
        self.pointer = pointer
        self.line = line

    @property
    def message(self) -> str:
        """What was expected and what was found, without the location."""
        return str(self.args[0])

    def __str__(self) -> str:
        if self.path is None and self.pointer is None and self.line is None:
            return self.message
        return f"{format_location(self.path, self.pointer, self.line)}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild,
            (type(self), self.message, self.path, self.pointer, self.line),
        )


def _rebuild(
    cls: type[TagsigError],
    message: str,
    path: str | None,
    pointer: str | None,
    line: int | None,
) -> TagsigError:
    return cls(message, path=path, pointer=pointer, line=line)


class ArgumentError(TagsigError, ValueError):
    """An argument's value is none of those the function accepts (a format, a severity).

    Raised for a string given where one of a few names is expected (as an ``argparse`` or
    configuration value can be), with the names accepted in the message.
    """


class InputError(TagsigError, ValueError):
    """An input file (capture or cookie jar) cannot be read at all."""


class HarError(InputError):
    """The input is not a readable HAR capture."""


class CookieJarError(InputError):
    """The input is not a cookie jar in any known format."""


class PolicyError(InputError):
    """The input is not a valid policy file."""


class ConsentStringError(TagsigError, ValueError):
    """A consent string (an IAB TCF TC string) cannot be decoded."""


class SignatureError(TagsigError, ValueError):
    """A signature database, or one entry in it, is invalid."""


class UnsupportedSchemaError(SignatureError):
    """A signature database declares a ``schema_version`` this tagsig cannot read."""


class UnknownTagError(TagsigError, ValueError):
    """No tag of the signature database has the id, name or alias looked up.

    Args:
        tag: What was looked up.
        suggestions: Names of close tags, best first ("did you mean").

    """

    tag: str
    suggestions: tuple[str, ...]

    def __init__(self, tag: str, suggestions: Sequence[str] = ()) -> None:
        self.tag = tag
        self.suggestions = tuple(suggestions)
        message = f"expected the id, name or alias of a tag, found {tag!r}"
        if self.suggestions:
            message += f" (did you mean {', '.join(map(repr, self.suggestions))}?)"
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.tag, self.suggestions))


class InvalidSignatureDB(ExceptionGroup[SignatureError], TagsigError):  # noqa: N818
    """Every problem found in a signature database, reported at once.

    ``except TagsigError`` catches it; ``except* SignatureError`` sees each problem.
    """

    path: str | None

    def __new__(
        cls,
        message: str,
        exceptions: Sequence[SignatureError],
        *,
        path: str | os.PathLike[str] | None = None,
    ) -> InvalidSignatureDB:
        self = super().__new__(cls, message, exceptions)
        # ``message`` is ExceptionGroup's own read-only attribute, already set.
        self.path = os.fspath(path) if path is not None else None
        self.pointer = None
        self.line = None
        return self

    def __init__(
        self,
        message: str,
        exceptions: Sequence[SignatureError],
        *,
        path: str | os.PathLike[str] | None = None,
    ) -> None:
        # ExceptionGroup initialises in __new__; TagsigError.__init__ must not run.
        BaseExceptionGroup.__init__(self, message, exceptions)

    def __str__(self) -> str:
        count = len(self.exceptions)
        where = f"{self.path}: " if self.path is not None else ""
        return f"{where}{self.message} ({count} problem{'s' if count != 1 else ''})"

    def derive(self, excs: Sequence[SignatureError]) -> InvalidSignatureDB:  # type: ignore[override]
        """Return a group of the same kind holding ``excs`` (used by ``except*``)."""
        return InvalidSignatureDB(self.message, excs, path=self.path)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_group, (self.message, tuple(self.exceptions), self.path))


def _rebuild_group(
    message: str, exceptions: tuple[SignatureError, ...], path: str | None
) -> InvalidSignatureDB:
    return InvalidSignatureDB(message, exceptions, path=path)

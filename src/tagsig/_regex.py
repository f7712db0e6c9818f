"""Analyse regular expressions without running them: safety and required literal prefixes."""

from __future__ import annotations

import re

# ``re._parser`` is CPython's own regex parser (``sre_parse`` before 3.11, which now warns
# when imported). It has no type stubs, so it is confined to this module.
import re._parser as _sre  # type: ignore[import-not-found]
from typing import Any, Final

__all__ = ["find_unsafe_construct", "is_self_contained", "literal_prefix", "longest_literal"]

_REPEATS: Final = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})
_BACKREFERENCES: Final = frozenset(
    {
        "GROUPREF",
        "GROUPREF_EXISTS",
        "GROUPREF_IGNORE",
        "GROUPREF_LOC_IGNORE",
        "GROUPREF_UNI_IGNORE",
    }
)
_LOOKAROUNDS: Final = frozenset({"ASSERT", "ASSERT_NOT"})
_UNBOUNDED: Final[int] = int(_sre.MAXREPEAT)
_STARTS: Final = frozenset({"AT_BEGINNING", "AT_BEGINNING_STRING"})


def _parse(pattern: str) -> list[tuple[str, Any]]:
    """Parse ``pattern`` into ``(opcode name, argument)`` pairs.

    Raises:
        re.error: The pattern does not compile.

    """
    return [(str(op), argument) for op, argument in _sre.parse(pattern)]


def _items(subpattern: Any) -> list[tuple[str, Any]]:
    return [(str(op), argument) for op, argument in subpattern]


def find_unsafe_construct(pattern: str) -> str | None:
    """Describe the first construct of ``pattern`` that rules out linear-time matching.

    Rejected: backreferences, lookarounds, and any repeat or alternation inside an
    unbounded repeat (``(a+)+``, ``(a*)*``, ``(a|aa)+``). Alternations of single characters
    (``(a|b)+``) are character sets to the parser and pass.

    >>> find_unsafe_construct(r"_ga_[A-Z0-9]+")
    >>> find_unsafe_construct(r"(a+)+$")
    'a repeat nested inside an unbounded repeat'

    Args:
        pattern: A regular expression that compiles.

    Returns:
        A short description of the construct, or ``None`` when the pattern is safe.

    Raises:
        re.error: The pattern does not compile.

    """
    return _walk(_parse(pattern), in_unbounded=False)


def _walk(items: list[tuple[str, Any]], *, in_unbounded: bool) -> str | None:
    for name, argument in items:
        reason: str | None = None
        if name in _BACKREFERENCES:
            return "a backreference"
        if name in _LOOKAROUNDS:
            return "a lookaround assertion"
        if name in _REPEATS:
            if in_unbounded:
                return "a repeat nested inside an unbounded repeat"
            _low, high, body = argument
            reason = _walk(_items(body), in_unbounded=high == _UNBOUNDED)
        elif name == "BRANCH":
            if in_unbounded:
                return "an alternation inside an unbounded repeat"
            for branch in argument[1]:
                reason = reason or _walk(_items(branch), in_unbounded=False)
        elif name == "SUBPATTERN":
            reason = _walk(_items(argument[-1]), in_unbounded=in_unbounded)
        elif name == "ATOMIC_GROUP":
            reason = _walk(_items(argument), in_unbounded=in_unbounded)
        if reason is not None:
            return reason
    return None


def literal_prefix(pattern: re.Pattern[str]) -> str:
    """Return the literal text that every :meth:`re.Pattern.match` of ``pattern`` starts with.

    >>> literal_prefix(re.compile(r"^_ga_[0-9]+"))
    '_ga_'
    >>> literal_prefix(re.compile(r"(?i)_ga"))
    ''
    """
    if pattern.flags & (re.IGNORECASE | re.VERBOSE):
        return ""
    prefix: list[str] = []
    for name, argument in _parse(pattern.pattern):
        if name == "LITERAL":
            prefix.append(chr(argument))
        elif name == "AT" and not prefix and str(argument) in _STARTS:
            continue
        else:
            break
    return "".join(prefix)


def is_self_contained(pattern: re.Pattern[str]) -> bool:
    """Return whether ``pattern`` keeps its meaning as one branch of a larger alternation.

    It must have no inline global flags, no named groups and no backreferences (which
    count groups from the start of the whole expression).

    >>> is_self_contained(re.compile(r"_hj(Session|Id)_"))
    True
    >>> is_self_contained(re.compile(r"(?i)_hj"))
    False
    """
    if pattern.flags & ~re.UNICODE or pattern.groupindex:
        return False
    return not _has_backreference(_parse(pattern.pattern))


def _has_backreference(items: list[tuple[str, Any]]) -> bool:
    for name, argument in items:
        if name in _BACKREFERENCES:
            return True
        if name in _REPEATS:
            nested = [_items(argument[2])]
        elif name == "BRANCH":
            nested = [_items(branch) for branch in argument[1]]
        elif name == "SUBPATTERN":
            nested = [_items(argument[-1])]
        elif name in _LOOKAROUNDS:
            nested = [_items(argument[1])]
        elif name == "ATOMIC_GROUP":
            nested = [_items(argument)]
        else:
            continue
        if any(_has_backreference(sub) for sub in nested):
            return True
    return False


def longest_literal(pattern: str) -> str:
    """Return the longest run of literal characters at the top level of ``pattern``.

    Every match of the pattern contains this text, so it tells what a pattern is about
    (``mp_[0-9a-f]+_mixpanel`` is about ``_mixpanel``). Characters inside groups, sets and
    repeats do not count; a pattern with inline flags has no literal run.

    >>> longest_literal(r"mp_[0-9a-f]+_mixpanel$")
    '_mixpanel'
    >>> longest_literal(r"(?i)uid")
    ''

    Raises:
        re.error: The pattern does not compile.

    """
    if re.compile(pattern).flags & (re.IGNORECASE | re.VERBOSE):
        return ""
    best = ""
    run: list[str] = []
    for name, argument in _parse(pattern):
        if name == "LITERAL":
            run.append(chr(argument))
            continue
        if len(run) > len(best):
            best = "".join(run)
        run = []
    return "".join(run) if len(run) > len(best) else best

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
    r"""Describe the first construct of ``pattern`` that rules out linear-time matching.

    Python's engine backtracks, so a pattern is refused wherever one text can be matched
    in many ways:

    - backreferences and lookarounds;
    - a repeat or an alternation inside a repeat of more than one (``(a+)+``, ``(a|aa)+``,
      ``(.*a){20}``, ``(a{1,30}){1,30}``);
    - two variable-width parts in a row that can match the same characters, with nothing
      between them that the first cannot match (``\d+\d+``, ``.*a.*``, ``\w+\d*``):
      ``[a-z]+_[0-9]+`` passes. Possessive repeats and atomic groups, which never give
      back what they matched, count as fixed.

    Alternations of single characters (``(a|b)+``) are character sets to the parser and
    pass.

    >>> find_unsafe_construct(r"_ga_[A-Z0-9]+")
    >>> find_unsafe_construct(r"(a+)+$")
    'a repeat nested inside an unbounded repeat'
    >>> find_unsafe_construct(r"\d+\d+x")
    'two repeats in a row that can match the same text'

    Args:
        pattern: A regular expression that compiles.

    Returns:
        A short description of the construct, or ``None`` when the pattern is safe.

    Raises:
        re.error: The pattern does not compile.

    """
    parsed = _sre.parse(pattern)
    items = [(str(op), argument) for op, argument in parsed]
    return _walk(items, repeat=None) or _Sequences(
        ignore_case=bool(parsed.state.flags & re.IGNORECASE)
    ).check(items)


def _walk(items: list[tuple[str, Any]], *, repeat: str | None) -> str | None:
    """Find backreferences, lookarounds, and repeats or alternations inside a repeat.

    ``repeat`` names the enclosing repeat of more than one (``unbounded``, ``bounded``).
    """
    for name, argument in items:
        reason: str | None = None
        if name in _BACKREFERENCES:
            return "a backreference"
        if name in _LOOKAROUNDS:
            return "a lookaround assertion"
        if name in _REPEATS:
            _low, high, body = argument
            if repeat is not None:
                return (
                    f"a repeat nested inside an {repeat} repeat"
                    if repeat == "unbounded"
                    else f"a repeat nested inside a {repeat} repeat"
                )
            inner = "unbounded" if high == _UNBOUNDED else "bounded" if high > 1 else repeat
            reason = _walk(_items(body), repeat=inner)
        elif name == "BRANCH":
            if repeat is not None:
                return (
                    f"an alternation inside an {repeat} repeat"
                    if repeat == "unbounded"
                    else f"an alternation inside a {repeat} repeat"
                )
            for branch in argument[1]:
                reason = reason or _walk(_items(branch), repeat=None)
        elif name == "SUBPATTERN":
            reason = _walk(_items(argument[-1]), repeat=repeat)
        elif name == "ATOMIC_GROUP":
            reason = _walk(_items(argument), repeat=repeat)
        if reason is not None:
            return reason
    return None


# --- Characters a part can match, as sorted, merged code point ranges. ----------------

_Ranges = tuple[tuple[int, int], ...]
_TOP: Final = 0x10FFFF
_EVERY: Final[_Ranges] = ((0, _TOP),)
# Unicode digits, word characters and spaces lie beyond ASCII too: any non-ASCII point is
# counted in, so that overlaps are over-, never under-estimated.
_BEYOND_ASCII: Final = (0x80, _TOP)
_CATEGORIES: Final[dict[str, _Ranges]] = {
    "CATEGORY_DIGIT": ((0x30, 0x39), _BEYOND_ASCII),
    "CATEGORY_WORD": ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A), _BEYOND_ASCII),
    "CATEGORY_SPACE": ((0x09, 0x0D), (0x1C, 0x20), _BEYOND_ASCII),
}


def _merge(ranges: list[tuple[int, int]]) -> _Ranges:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return tuple(merged)


def _complement(ranges: _Ranges) -> _Ranges:
    result, start = [], 0
    for low, high in ranges:
        if low > start:
            result.append((start, low - 1))
        start = high + 1
    if start <= _TOP:
        result.append((start, _TOP))
    return tuple(result)


def _overlap(first: _Ranges, second: _Ranges) -> bool:
    return any(a <= d and c <= b for a, b in first for c, d in second)


def _category(name: str) -> _Ranges:
    if name in _CATEGORIES:
        return _CATEGORIES[name]
    positive = name.replace("CATEGORY_NOT_", "CATEGORY_")
    if positive in _CATEGORIES:  # \D, \W, \S: all but the ASCII part of the category
        return _complement(_merge([r for r in _CATEGORIES[positive] if r != _BEYOND_ASCII]))
    # Line breaks and the like, which the parser (re._parser) never produces: assume anything.
    return _EVERY  # pragma: no cover - the parser produces only the categories above


def _width(items: list[tuple[str, Any]]) -> tuple[int, float]:
    """Return the least and most characters ``items`` match (``inf`` for no bound)."""
    least, most = 0, 0.0
    for name, argument in items:
        if name in {"LITERAL", "NOT_LITERAL", "ANY", "IN", "CATEGORY"}:
            low, high = 1, 1.0
        elif name in _REPEATS:
            inner_low, inner_high = _width(_items(argument[2]))
            low = argument[0] * inner_low
            high = (
                float("inf")
                if argument[1] == _UNBOUNDED and inner_high
                else argument[1] * inner_high
            )
        elif name == "BRANCH":
            widths = [_width(_items(branch)) for branch in argument[1]]
            low, high = min(w[0] for w in widths), max(w[1] for w in widths)
        elif name == "SUBPATTERN":
            low, high = _width(_items(argument[-1]))
        elif name == "ATOMIC_GROUP":
            low, high = _width(_items(argument))
        else:  # anchors and assertions match no character
            low, high = 0, 0.0
        least, most = least + low, most + high
    return least, most


def _is_fixed(items: list[tuple[str, Any]]) -> bool:
    low, high = _width(items)
    return low == high


class _Sequences:
    """Finds two variable-width parts in a row that can match the same characters."""

    def __init__(self, *, ignore_case: bool) -> None:
        self.ignore_case = ignore_case

    def chars(self, items: list[tuple[str, Any]]) -> _Ranges:
        """Return every character that ``items`` can match anywhere, over-estimated."""
        found: list[tuple[int, int]] = []
        for name, argument in items:
            if name == "LITERAL":
                found.append((argument, argument))
            elif name == "NOT_LITERAL" and not self.ignore_case:
                found.extend(_complement(((argument, argument),)))
            elif name in {"NOT_LITERAL", "ANY"}:
                return _EVERY
            elif name == "IN":
                found.extend(self.char_set(argument))
            elif name == "CATEGORY":  # pragma: no cover - the parser puts \d and the like in IN
                found.extend(_category(str(argument)))
            elif name in _REPEATS:
                found.extend(self.chars(_items(argument[2])))
            elif name == "BRANCH":
                for branch in argument[1]:
                    found.extend(self.chars(_items(branch)))
            elif name == "SUBPATTERN":
                folds = self if not argument[1] & re.IGNORECASE else _Sequences(ignore_case=True)
                found.extend(folds.chars(_items(argument[-1])))
            elif name == "ATOMIC_GROUP":
                found.extend(self.chars(_items(argument)))
        if self.ignore_case and any(
            _overlap(((0x41, 0x5A), (0x61, 0x7A), _BEYOND_ASCII), (r,)) for r in found
        ):
            found.extend([(0x41, 0x5A), (0x61, 0x7A), _BEYOND_ASCII])
        return _merge(found)

    def char_set(self, members: list[tuple[Any, Any]]) -> _Ranges:
        ranges: list[tuple[int, int]] = []
        negate = False
        for op, argument in members:
            name = str(op)
            if name == "NEGATE":
                negate = True
            elif name == "LITERAL":
                ranges.append((argument, argument))
            elif name == "RANGE":
                ranges.append(argument)
            elif name == "CATEGORY":
                ranges.extend(_category(str(argument)))
            else:  # pragma: no cover - the parser puts no other item in a set
                return _EVERY
        if negate:  # with case folding the complement could hold more: assume anything
            return _EVERY if self.ignore_case else _complement(_merge(ranges))
        return _merge(ranges)

    def check(self, items: list[tuple[str, Any]]) -> str | None:
        """Walk ``items`` as one sequence, then every alternative and repeat body in it."""
        open_chars: _Ranges | None = None  # what the variable parts so far can absorb
        for name, argument in self.flatten(items):
            reason = self.check_inside(name, argument)
            if reason is not None:
                return reason
            part = [(name, argument)]
            chars = self.chars(part)
            gives_back = name not in {"POSSESSIVE_REPEAT", "ATOMIC_GROUP"}
            if gives_back and not _is_fixed(part):
                if open_chars is not None and _overlap(open_chars, chars):
                    return "two repeats in a row that can match the same text"
                open_chars = _merge([*(open_chars or ()), *chars])
            elif open_chars is not None and _width(part)[0] > 0 and not _overlap(open_chars, chars):
                open_chars = None  # a part the variable ones cannot match ends their run
        return None

    def flatten(self, items: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
        r"""Inline groups, so that ``(\d+)(\d+)`` is seen as ``\d+\d+``."""
        flat: list[tuple[str, Any]] = []
        for name, argument in items:
            if name == "SUBPATTERN" and not argument[1] & re.IGNORECASE:
                flat.extend(self.flatten(_items(argument[-1])))
            else:
                flat.append((name, argument))
        return flat

    def check_inside(self, name: str, argument: Any) -> str | None:
        if name == "BRANCH":
            for branch in argument[1]:
                reason = self.check(_items(branch))
                if reason is not None:
                    return reason
        elif name in _REPEATS:
            return self.check(_items(argument[2]))
        elif name == "ATOMIC_GROUP":
            return self.check(_items(argument))
        elif name == "SUBPATTERN":  # a group with its own case folding
            inner = _Sequences(ignore_case=True)
            return inner.check(_items(argument[-1]))
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

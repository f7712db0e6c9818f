"""Tests for the static analysis of regular expressions."""

from __future__ import annotations

import re

import pytest

from tagsig._signatures.regex import find_unsafe_construct, is_self_contained, literal_prefix


class TestFindUnsafeConstruct:
    """Constructs that rule out linear-time matching are found; safe patterns pass."""

    @pytest.mark.parametrize(
        ("pattern", "reason"),
        [
            (r"_ga_[A-Z0-9]+$", None),
            (r"(a|b)+c", None),
            (r"(?:ab|cd)x", None),
            (r"(ab)+", None),
            (r"(?>a+)b", None),
            (r"a{2,5}(?:b|c{2})", None),
            (r"(a+)+$", "a repeat nested inside an unbounded repeat"),
            (r"(a*)*b", "a repeat nested inside an unbounded repeat"),
            (r"(?:a{2})+", "a repeat nested inside an unbounded repeat"),
            (r"(a|aa)+c", "an alternation inside an unbounded repeat"),
            (r"(?:x(ab|cd))*", "an alternation inside an unbounded repeat"),
            (r"(?>(a|ab)+)", "an alternation inside an unbounded repeat"),
            (r"(x)\1", "a backreference"),
            (r"(?P<n>x)(?P=n)", "a backreference"),
            (r"(x)?(?(1)a|b)", "a backreference"),
            (r"a(?=b)", "a lookaround assertion"),
            (r"(?<!a)b", "a lookaround assertion"),
            (r"ab|(c+)+", "a repeat nested inside an unbounded repeat"),
            (r"(.*a){20}$", "a repeat nested inside a bounded repeat"),
            (r"(a{1,30}){1,30}$", "a repeat nested inside a bounded repeat"),
            (r"(a|ab|b){1,60}c", "an alternation inside a bounded repeat"),
            (r"\d+\d+\d+x", "two repeats in a row that can match the same text"),
            (r".*.*.*.*.*x", "two repeats in a row that can match the same text"),
            (r"(\d+)(\d+)", "two repeats in a row that can match the same text"),
            (r".*a.*", "two repeats in a row that can match the same text"),
            (r"\w+\d*", "two repeats in a row that can match the same text"),
            (r"x?x?x?x?x?x?xxxxxx", "two repeats in a row that can match the same text"),
            (r"a+(?i:A+)", "two repeats in a row that can match the same text"),
            (r"(?i)[^a]+A+", "two repeats in a row that can match the same text"),
            (r"(?:x|\d+\d+)", "two repeats in a row that can match the same text"),
            (r"[a-z]+_[0-9]+", None),
            (r"[^_]+_[^_]+", None),
            (r"\d+\.\d+", None),
            (r"a++a++", None),
            (r"_ga(_[A-Z0-9]+)?", None),
            (r"ph_phc_[A-Za-z0-9]+_posthog", None),
            (r"/[^/]+/fbevents\.js", None),
        ],
    )
    def test_table(self, pattern: str, reason: str | None) -> None:
        """Each pattern is judged as the table says."""
        assert find_unsafe_construct(pattern) == reason

    def test_invalid(self) -> None:
        """A pattern that does not compile raises re.error."""
        with pytest.raises(re.error):
            find_unsafe_construct("(")


class TestLiteralPrefix:
    """The literal text every match starts with."""

    @pytest.mark.parametrize(
        ("pattern", "prefix"),
        [
            (r"^_ga_[0-9]+", "_ga_"),
            (r"\A_ga", "_ga"),
            (r"abc*", "ab"),
            (r"_ga|_gid", "_g"),
            (r"(?i)_ga", ""),
            (r"(?x) a b", ""),
            (r"[ab]c", ""),
            (r"a^b", "a"),
        ],
    )
    def test_table(self, pattern: str, prefix: str) -> None:
        """Each pattern has the prefix the table says."""
        assert literal_prefix(re.compile(pattern)) == prefix


class TestIsSelfContained:
    """Patterns that keep their meaning inside a larger alternation."""

    @pytest.mark.parametrize(
        ("pattern", "expected"),
        [
            (r"_hj(Session|Id)_", True),
            (r"(?:a(b)){2}", True),
            (r"(?i)_hj", False),
            (r"(?P<n>x)", False),
            (r"(x)\1", False),
            (r"(x)(?:y|\1)", False),
            (r"(x)(?:y\1)+", False),
            (r"(x)(?=\1)", False),
            (r"(x)(?>\1)", False),
            (r"(x)(?:y|z)", True),
        ],
    )
    def test_table(self, pattern: str, expected: bool) -> None:
        """Each pattern is judged as the table says."""
        assert is_self_contained(re.compile(pattern)) is expected

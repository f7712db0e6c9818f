"""The Public Suffix List, read offline from the snapshot that tldextract ships.

tldextract's own extractor costs a quarter of a second per process to import (it pulls in
``requests``) and to build; tagsig only needs the list's rules, so it reads the same
bundled file directly and applies the list's algorithm (https://publicsuffix.org/list/):
the longest matching rule wins, wildcard rules cover one label, exception rules win over
wildcards, and an unlisted top-level label is itself a suffix (the default rule ``*``).
Both the ICANN and the private sections count, so ``foo.github.io`` is its own site.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from attrs import frozen

__all__ = ["PublicSuffixList", "public_suffix_list", "suffix_list_for"]

_SNAPSHOT = ".tld_set_snapshot"


@frozen
class PublicSuffixList:
    """The rules of the list, split by kind, with host names in ASCII (punycode)."""

    rules: frozenset[str]
    """Plain rules (``co.uk``, ``github.io``)."""
    wildcards: frozenset[str]
    """Wildcard rules without their ``*.`` (``ck`` for ``*.ck``)."""
    exceptions: frozenset[str]
    """Exception rules without their ``!`` (``www.ck``)."""

    @classmethod
    def parse(cls, text: str, *, ascii_only: bool = False) -> PublicSuffixList:
        """Read the list's text format: one rule a line, ``//`` comments.

        With ``ascii_only``, the rules of internationalised names are left out: converted
        to punycode, they only match names with an ``xn--`` label, and the conversion is
        most of the cost of reading the list.
        """
        rules: set[str] = set()
        wildcards: set[str] = set()
        exceptions: set[str] = set()
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("//"):
                continue
            rule = line.split()[0].lower()
            if not rule.isascii():
                if ascii_only:
                    continue
                rule = _ascii(rule)
            if rule.startswith("!"):
                exceptions.add(rule[1:])
            elif rule.startswith("*."):
                wildcards.add(rule[2:])
            else:
                rules.add(rule)
        return cls(frozenset(rules), frozenset(wildcards), frozenset(exceptions))

    def suffix_length(self, labels: list[str]) -> int:
        """Return how many trailing labels of ``labels`` form the public suffix."""
        count = len(labels)
        for start in range(count):
            candidate = ".".join(labels[start:])
            if candidate in self.exceptions:
                return count - start - 1
            if candidate in self.rules:
                return count - start
            parent = ".".join(labels[start + 1:])
            if start + 1 < count and parent in self.wildcards:
                return count - start
        return 1

    def is_public_suffix(self, name: str) -> bool:
        """Whether ``name`` (lower-case, ASCII) is itself a public suffix."""
        labels = name.split(".")
        return self.suffix_length(labels) == len(labels)

    def registrable_domain(self, name: str) -> str | None:
        """Return the public suffix plus one label, or ``None`` when ``name`` is a suffix."""
        labels = name.split(".")
        length = self.suffix_length(labels)
        if length >= len(labels):
            return None
        return ".".join(labels[-length - 1:])


def _ascii(rule: str) -> str:
    prefix = rule[0] if rule[0] in "!*" else ""
    body = rule[len(prefix):]
    try:
        return prefix + body.encode("idna").decode("ascii")
    except UnicodeError:  # a label the IDNA 2003 codec refuses: keep it as written
        return rule


def _snapshot_path() -> Path:
    # Located without importing tldextract (its import is what this module avoids).
    spec = importlib.util.find_spec("tldextract")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("tldextract is not installed: its public suffix list is needed")
    return Path(next(iter(spec.submodule_search_locations))) / _SNAPSHOT


@cache
def public_suffix_list(*, ascii_only: bool = False) -> PublicSuffixList:
    """Return the bundled Public Suffix List, read once per process.

    Args:
        ascii_only: Leave out the rules of internationalised names (see
            :meth:`PublicSuffixList.parse`).

    Raises:
        FileNotFoundError: tldextract or its bundled snapshot is missing.

    """
    text = _snapshot_path().read_text(encoding="utf-8")
    return PublicSuffixList.parse(text, ascii_only=ascii_only)


def suffix_list_for(name: str) -> PublicSuffixList:
    """Return the list to look ``name`` (lower-case, ASCII) up in.

    Names without an ``xn--`` label get the list without internationalised rules, which
    answers alike for them and is several times cheaper to read.
    """
    return public_suffix_list(ascii_only="xn--" not in name)

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

__all__ = ["PublicSuffixList", "public_suffix_list"]

_SNAPSHOT = ".tld_set_snapshot"


@frozen
class PublicSuffixList:
    """The rules of the list, split by kind.

    Rules are kept as written: lower-case, internationalised names in Unicode. Look-ups
    read a name's punycode (``xn--``) labels as Unicode.
    """

    rules: frozenset[str]
    """Plain rules (``co.uk``, ``github.io``)."""
    wildcards: frozenset[str]
    """Wildcard rules without their ``*.`` (``ck`` for ``*.ck``)."""
    exceptions: frozenset[str]
    """Exception rules without their ``!`` (``www.ck``)."""

    @classmethod
    def parse(cls, text: str) -> PublicSuffixList:
        """Read the list's text format: one rule a line, ``//`` comments."""
        rules: set[str] = set()
        wildcards: set[str] = set()
        exceptions: set[str] = set()
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("//"):
                continue
            rule = line.split()[0].lower()
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
        """Whether ``name`` (lower-case; punycode or Unicode) is itself a public suffix."""
        labels = name.split(".")
        return self.suffix_length(_as_written(labels)) == len(labels)

    def registrable_domain(self, name: str) -> str | None:
        """Return the public suffix plus one label, or ``None`` when ``name`` is a suffix.

        The answer keeps the labels of ``name`` as given (punycode stays punycode).
        """
        labels = name.split(".")
        length = self.suffix_length(_as_written(labels))
        if length >= len(labels):
            return None
        return ".".join(labels[-length - 1:])


def _as_written(labels: list[str]) -> list[str]:
    """Return ``labels`` with punycode labels in Unicode, the form the list is written in.

    Decoding the few punycode labels of a name is far cheaper than encoding the list's
    several hundred internationalised rules.
    """
    if not any(label.startswith("xn--") for label in labels):
        return labels
    return [_unicode(label) for label in labels]


def _unicode(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        return label[4:].encode("ascii").decode("punycode")
    except UnicodeError:  # not valid punycode: compare it as it is
        return label


def _snapshot_path() -> Path:
    # Located without importing tldextract (its import is what this module avoids).
    spec = importlib.util.find_spec("tldextract")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("tldextract is not installed: its public suffix list is needed")
    return Path(next(iter(spec.submodule_search_locations))) / _SNAPSHOT


@cache
def public_suffix_list() -> PublicSuffixList:
    """Return the bundled Public Suffix List, read once per process.

    Raises:
        FileNotFoundError: tldextract or its bundled snapshot is missing.

    """
    return PublicSuffixList.parse(_snapshot_path().read_text(encoding="utf-8"))

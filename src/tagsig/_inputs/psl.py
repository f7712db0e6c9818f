"""The Public Suffix List, read offline from the copy the ``publicsuffixlist`` package ships.

That package exists to ship the list as data and is released whenever the list changes,
so a new list is a dependency upgrade. tagsig reads the file (``publicsuffixlist.PSLFILE``)
without importing the package and applies the list's algorithm itself
(https://publicsuffix.org/list/): the longest matching rule wins, wildcard rules cover one
label, exception rules win over wildcards, and an unlisted top-level label is itself a
suffix (the default rule ``*``). Both the ICANN and the private sections count, so
``foo.github.io`` is its own site. A name with an empty label (``.com``, ``a..b``) is no
domain name and has no registrable domain.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

from attrs import frozen

from tagsig._resources import cached

__all__ = ["PublicSuffixList", "public_suffix_list"]

_PACKAGE = "publicsuffixlist"
_FILE = "public_suffix_list.dat"
_VERSION = re.compile(r"^// VERSION: (\d{4}-\d{2}-\d{2})", re.MULTILINE)


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
    depth: int = 1
    """The most labels of any rule (wildcards count their ``*``): no look-up needs more."""
    date: str | None = None
    """The list's date (``2026-10-22``), from its ``// VERSION:`` line; ``None`` if absent."""

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
        depth = max((rule.count(".") + 1 for rule in (*rules, *exceptions)), default=1)
        depth = max([depth, *(rule.count(".") + 2 for rule in wildcards)])
        version = _VERSION.search(text)
        return cls(
            frozenset(rules),
            frozenset(wildcards),
            frozenset(exceptions),
            depth,
            version.group(1) if version else None,
        )

    def suffix_length(self, labels: list[str]) -> int:
        """Return how many trailing labels of ``labels`` form the public suffix."""
        count = len(labels)
        # No rule is longer than ``depth`` labels, so only the last ones can match: the
        # work stays linear in the name's length however many labels it has.
        for start in range(max(0, count - self.depth), count):
            candidate = ".".join(labels[start:])
            if candidate in self.exceptions:
                return count - start - 1
            if candidate in self.rules:
                return count - start
            parent = ".".join(labels[start + 1 :])
            if start + 1 < count and parent in self.wildcards:
                return count - start
        return 1

    def is_public_suffix(self, name: str) -> bool:
        """Whether ``name`` (lower-case; punycode or Unicode) is itself a public suffix.

        A name with an empty label is none (``.com`` is no name, so no suffix either).
        """
        labels = name.split(".")
        if "" in labels:
            return False
        return self.suffix_length(self._tail(labels)) == len(labels)

    def registrable_domain(self, name: str) -> str | None:
        """Return the public suffix plus one label, or ``None`` when there is none.

        There is none when ``name`` is itself a suffix or has an empty label (``.com``,
        ``.example.com``, ``a..example.com``), as the list's test vectors say. The
        answer keeps the labels of ``name`` as given (punycode stays punycode).
        """
        labels = name.split(".")
        if "" in labels:
            return None
        length = self.suffix_length(self._tail(labels))
        if length >= len(labels):
            return None
        return ".".join(labels[-length - 1 :])

    def _tail(self, labels: list[str]) -> list[str]:
        """Return the labels a rule can reach (the last ``depth``), as the list writes them."""
        return _as_written(labels[-self.depth :])


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


def _list_path() -> Path:
    # Located without importing the package: tagsig needs its data file, not its code.
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"{_PACKAGE} is not installed: its public suffix list is needed")
    return Path(next(iter(spec.submodule_search_locations))) / _FILE


@cache
def public_suffix_list() -> PublicSuffixList:
    """Return the Public Suffix List that ``publicsuffixlist`` ships, read once per process.

    The parsed list is kept between runs while the file is unchanged: loading it costs a
    tenth of parsing the text.

    Raises:
        FileNotFoundError: ``publicsuffixlist`` or its data file is missing.

    """
    text = _list_path().read_bytes()
    rules, wildcards, exceptions, depth, date = cached(
        "psl-1", text, lambda: _fields(PublicSuffixList.parse(text.decode("utf-8")))
    )
    return PublicSuffixList(rules, wildcards, exceptions, depth, date)


def _fields(
    psl: PublicSuffixList,
) -> tuple[frozenset[str], frozenset[str], frozenset[str], int, str | None]:
    return psl.rules, psl.wildcards, psl.exceptions, psl.depth, psl.date

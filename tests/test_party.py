"""Tests of first-party and third-party logic."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tagsig import is_third_party, load_har, registrable_domain, render
from tagsig._inputs.psl import PublicSuffixList, public_suffix_list
from tagsig.engine import first_party_domains

from .audits import audit
from .audits import document as page_document
from .conftest import FIXTURES

Asset = Callable[[str], Path]

_VECTOR = re.compile(r"^checkPublicSuffix\((null|'[^']*'), (null|'[^']*')\);$", re.MULTILINE)


def _literal(part: str) -> str | None:
    return None if part == "null" else part[1:-1]


def _psl_vectors() -> list[tuple[str | None, str | None]]:
    """Return the list's own test vectors: (name, registrable domain or None)."""
    text = (FIXTURES / "psl" / "test_psl.txt").read_text(encoding="utf-8")
    return [(_literal(match[1]), _literal(match[2])) for match in _VECTOR.finditer(text)]


class TestPublicSuffixListVectors:
    """The official test vectors of the list (tests/test_psl.txt), every one."""

    def test_all_read(self) -> None:
        """Every checkPublicSuffix line of the file is a vector (four are commented out)."""
        lines = (FIXTURES / "psl" / "test_psl.txt").read_text(encoding="utf-8").splitlines()
        calls = [line for line in lines if line.startswith("checkPublicSuffix(")]
        assert len(_psl_vectors()) == len(calls) == 78

    @pytest.mark.parametrize(("name", "expected"), _psl_vectors())
    def test_vector(self, name: str | None, expected: str | None) -> None:
        """The registrable domain is the one the vector gives (None: there is none)."""
        if name is None:  # the null input of JavaScript: nothing to look up
            assert expected is None
            return
        assert public_suffix_list().registrable_domain(name.lower()) == expected


def _full_scan(psl: PublicSuffixList, name: str) -> str | None:
    """Apply the list's algorithm, trying every label as the start of a rule."""
    labels = name.split(".")
    if "" in labels:
        return None
    written = [
        label.encode("ascii").decode("idna") if label.startswith("xn--") else label
        for label in labels
    ]
    length = 1
    for start in range(len(labels)):
        candidate = ".".join(written[start:])
        if candidate in psl.exceptions:
            length = len(labels) - start - 1
            break
        if candidate in psl.rules or (
            start + 1 < len(labels) and ".".join(written[start + 1 :]) in psl.wildcards
        ):
            length = len(labels) - start
            break
    return None if length >= len(labels) else ".".join(labels[-length - 1 :])


class TestPublicSuffixList:
    """The reader of the list's text format and its look-up."""

    @pytest.mark.parametrize(
        "name", [".com", ".example.com", ".example.example", "a..b.com", "example.com.", ""]
    )
    def test_empty_label(self, name: str) -> None:
        """A name with an empty label has no registrable domain and is no suffix."""
        assert public_suffix_list().registrable_domain(name) is None
        assert not public_suffix_list().is_public_suffix(name)

    def test_date(self) -> None:
        """The list's date comes from its VERSION line; a list without one has none."""
        assert public_suffix_list().date is not None
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", public_suffix_list().date or "")
        assert PublicSuffixList.parse("com\n").date is None
        dated = PublicSuffixList.parse("// VERSION: 2026-01-02_03-04-05_UTC\ncom\n")
        assert dated.date == "2026-01-02"

    def test_date_in_reports(self) -> None:
        """The JSON report names the date of the list that decided first and third parties."""
        document = json.loads(render(audit(page_document()), "json"))
        assert document["psl_date"] == public_suffix_list().date

    def test_depth(self) -> None:
        """Wildcards, exceptions and plain rules decide how many labels a look-up reads."""
        psl = PublicSuffixList.parse("uk\nco.uk\n*.kawasaki.jp\n!city.kawasaki.jp\n")
        assert psl.depth == 3
        assert psl.registrable_domain("a.b.c.city.kawasaki.jp") == "city.kawasaki.jp"
        assert psl.registrable_domain("a.b.c.x.kawasaki.jp") == "c.x.kawasaki.jp"
        assert psl.registrable_domain("x.y.z.w.example.co.uk") == "example.co.uk"
        assert PublicSuffixList.parse("").registrable_domain("a.b") == "a.b"

    @given(
        labels=st.lists(
            st.sampled_from(["a", "www", "xn--55qx5d", "city", "ck", "co"]), max_size=6
        ),
        rule=st.sampled_from(
            sorted(
                sorted(public_suffix_list().rules)[::20]
                + [f"x.{w}" for w in sorted(public_suffix_list().wildcards)]
                + sorted(public_suffix_list().exceptions)
            )
        ),
    )
    def test_same_as_full_scan(self, labels: list[str], rule: str) -> None:
        """Reading only the last labels answers as a scan of every label does."""
        psl = public_suffix_list()
        name = ".".join([*labels, rule])
        assert psl.registrable_domain(name) == _full_scan(psl, name)

    def test_many_labels_are_linear(self) -> None:
        """80,000 labels are looked up in well under a second (the work is linear)."""
        name = "a." * 80_000 + "example.co.uk"
        started = time.perf_counter()
        assert public_suffix_list().registrable_domain(name) == "example.co.uk"
        assert not public_suffix_list().is_public_suffix(name)
        assert registrable_domain(name.replace("example", "other")) == "other.co.uk"
        assert time.perf_counter() - started < 1.0


class TestRegistrableDomain:
    """eTLD+1 from the bundled public suffix list."""

    @pytest.mark.parametrize(
        ("host", "domain"),
        [
            ("www.example.com", "example.com"),
            ("a.b.example.co.uk", "example.co.uk"),
            ("foo.github.io", "foo.github.io"),
            ("bar.s3.amazonaws.com", "bar.s3.amazonaws.com"),
            ("WWW.EXAMPLE.COM.", "example.com"),
            ("192.168.1.20", "192.168.1.20"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("localhost", "localhost"),
            ("co.uk", "co.uk"),
            (".com", ".com"),  # no registrable domain: the name is returned as it is
            (".example.com", ".example.com"),
            ("shop.xn--55qx5d.cn", "shop.xn--55qx5d.cn"),  # under the rule 公司.cn
            ("a.shop.xn--55qx5d.cn", "shop.xn--55qx5d.cn"),
            ("a.shop.公司.cn", "shop.公司.cn"),
            ("a.xn--bad-.cn", "xn--bad-.cn"),  # not valid punycode: read as written
            ("", ""),
        ],
    )
    def test_domains(self, host: str, domain: str) -> None:
        """Private and ICANN suffixes, IPs and bare suffixes are handled."""
        assert registrable_domain(host) == domain

    @given(st.text(max_size=40))
    def test_never_raises(self, host: str) -> None:
        """Any text gives a string."""
        assert isinstance(registrable_domain(host), str)

    @given(
        labels=st.lists(
            st.from_regex(r"[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?", fullmatch=True),
            min_size=1,
            max_size=3,
        ),
        rule=st.sampled_from(
            sorted(rule for rule in public_suffix_list().rules if not rule.isascii())
        ),
    )
    def test_punycode_and_unicode_names_agree(self, labels: list[str], rule: str) -> None:
        """Under an internationalised suffix, punycode and Unicode names answer alike."""
        name = ".".join([*labels, rule])
        try:
            encoded = name.encode("idna").decode("ascii")
        except UnicodeError:  # a rule the IDNA 2003 codec refuses
            return
        unicode_answer = registrable_domain(name)
        assert unicode_answer.endswith(rule)
        assert registrable_domain(encoded) == unicode_answer.encode("idna").decode("ascii")


class TestFirstParty:
    """The first party of a capture."""

    def test_first_document_of_each_page(self, asset: Asset) -> None:
        """The first document's registrable domain is first party; aliases add to it."""
        capture = load_har(asset("har/chrome-devtools.har"))
        assert first_party_domains(capture) == frozenset({"example.com"})
        both = first_party_domains(capture, ["cdn.example-static.net"])
        assert both == frozenset({"example.com", "example-static.net"})
        assert is_third_party("www.googletagmanager.com", both)
        assert not is_third_party("img.example.com", both)

    def test_without_pages(self, asset: Asset) -> None:
        """Without pages, the first entry of the capture is the first document."""
        capture = load_har(asset("har/no-pages.har"))
        assert first_party_domains(capture) == frozenset({"example.com"})

"""Tests of first-party and third-party logic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tagsig import first_party_domains, is_third_party, load_har, registrable_domain
from tagsig._psl import public_suffix_list

Asset = Callable[[str], Path]


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

    @given(labels=st.lists(st.from_regex(r"[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?", fullmatch=True),
                           min_size=1, max_size=3),
           rule=st.sampled_from(sorted(rule for rule in public_suffix_list().rules
                                       if not rule.isascii())))
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

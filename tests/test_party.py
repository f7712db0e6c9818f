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
                           max_size=3),
           suffix=st.sampled_from(sorted(rule for rule in public_suffix_list().rules
                                         if "xn--" not in rule)))
    def test_ascii_names_need_no_internationalised_rules(self, labels: list[str],
                                                        suffix: str) -> None:
        """Without an ``xn--`` label, the list without IDN rules answers as the whole list."""
        name = ".".join([*labels, suffix])
        assert "xn--" in name or (
            public_suffix_list(ascii_only=True).registrable_domain(name)
            == public_suffix_list().registrable_domain(name))


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

"""Edges of reading input bytes: limits, damaged archives, and names the readers check."""

from __future__ import annotations

import importlib.util
import io
import zipfile

import pytest

from tagsig._exceptions import InputError
from tagsig._inputs import psl
from tagsig._inputs.cookies import setcookie
from tagsig._inputs.source import MAX_INPUT_ENV, gunzip, input_limit, read_bytes, unzip_member


class TestInputLimit:
    """The limit named by the environment."""

    @pytest.mark.parametrize("raw", ["many", "0", "-5"])
    def test_not_a_positive_number(self, raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
        """A limit that is no positive integer is an InputError naming the variable."""
        monkeypatch.setenv(MAX_INPUT_ENV, raw)
        with pytest.raises(InputError, match=MAX_INPUT_ENV):
            input_limit()

    def test_positive_number(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A positive integer is the limit."""
        monkeypatch.setenv(MAX_INPUT_ENV, " 42 ")
        assert input_limit() == 42


class TestReadBytes:
    """Sources of each accepted type."""

    def test_bytearray(self) -> None:
        """A bytearray is read as bytes, labelled <bytes>."""
        assert read_bytes(bytearray(b"{}"), name=None, error=InputError, expected="JSON") == (
            b"{}",
            "<bytes>",
        )

    def test_file_object_past_the_limit(self) -> None:
        """A file object longer than the limit is refused, read only just past it."""
        stream = io.BytesIO(b"x" * 100)
        with pytest.raises(InputError):
            read_bytes(stream, name="s", error=InputError, expected="JSON", limit=10)
        assert stream.tell() == 11


class TestArchives:
    """Damaged and unreadable archives are InputErrors."""

    def test_damaged_gzip_header(self) -> None:
        """A gzip stream with an unknown compression method is damaged."""
        with pytest.raises(InputError, match="damaged"):
            gunzip(b"\x1f\x8b\x07" + bytes(20), label="g", error=InputError, expected="a HAR file")

    def test_encrypted_member(self) -> None:
        """An encrypted zip member cannot be read without its password."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            info = zipfile.ZipInfo("capture.har")
            archive.writestr(info, b"{}")
        data = bytearray(out.getvalue())
        # Set the "encrypted" flag in the local and the central header.
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = data.index(signature) + offset
            data[at] |= 1
        with pytest.raises(InputError, match="cannot be read"):
            unzip_member(
                bytes(data),
                names=("capture.har",),
                suffix=".har",
                label="z",
                error=InputError,
                expected="a HAR file",
            )


class TestNames:
    """Host names and Domain attributes that are not what they seem."""

    def test_invalid_punycode_label_is_compared_as_written(self) -> None:
        """A label claiming punycode that is not is kept as it is."""
        assert psl._unicode("xn--\u00e9") == "xn--\u00e9"
        assert psl.public_suffix_list().registrable_domain("a.xn--\u00e9") is not None

    def test_list_not_installed(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without the publicsuffixlist package the list's path cannot be found."""
        monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
        with pytest.raises(FileNotFoundError, match="publicsuffixlist"):
            psl._list_path()

    def test_domain_idna_refused(self) -> None:
        """A non-ASCII Domain that IDNA cannot encode is kept lower-cased."""
        assert setcookie._canonical_domain("\u00c4..Example") == "\u00e4..example"

    @pytest.mark.parametrize("host", ["1.2.3.999", "[zz::1]", "example.1"])
    def test_not_an_ip_address(self, host: str) -> None:
        """A host that ends in a digit or holds a colon is not always an IP address."""
        assert setcookie._is_ip_address(host) is False

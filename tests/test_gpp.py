"""Tests of the GPP string reader, with a header encoder written from the specification."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tagsig import ConsentStringError
from tagsig._cli.main import main
from tagsig._compliance.consent.cmp_cookies import read_cookies
from tagsig._compliance.consent.gpp import (
    SECTION_NAMES,
    decode_gpp_string,
    section_name,
    us_opt_outs,
)
from tagsig._compliance.consent.signals import gpp, read_parameters

from .audits import document, hit
from .builders import har
from .test_tcf import _ALPHABET, encode

_TCF = encode(purposes={1, 3, 4}, vendors={8})
_META = "https://www.facebook.com/tr/?id=1&ev=PageView"


def fibonacci(value: int) -> str:
    """Fibonacci-code ``value`` (1 or more): Zeckendorf bits, lowest first, then ``1``."""
    numbers = [1, 2]
    while numbers[-1] + numbers[-2] <= value:
        numbers.append(numbers[-1] + numbers[-2])
    bits = ["0"] * len(numbers)
    for index in range(len(numbers) - 1, -1, -1):
        if numbers[index] <= value:
            bits[index] = "1"
            value -= numbers[index]
    return "".join(bits).rstrip("0") + "1"


def header(ids: list[int], *, ranges: bool = True, kind: int = 3, version: int = 1) -> str:
    """Encode a GPP header listing ``ids`` (ascending), runs as ranges when ``ranges``."""
    groups: list[list[int]] = []
    for section in ids:
        if ranges and groups and groups[-1][-1] + 1 == section:
            groups[-1].append(section)
        else:
            groups.append([section])
    bits = format(kind, "06b") + format(version, "06b") + format(len(groups), "012b")
    last = 0
    for group in groups:
        if len(group) == 1:
            bits += "0" + fibonacci(group[0] - last)
        else:
            bits += "1" + fibonacci(group[0] - last) + fibonacci(group[-1] - group[0])
        last = group[-1]
    bits += "0" * (-len(bits) % 6)
    return "".join(_ALPHABET[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))


class TestHeader:
    """The header decides which section is where."""

    def test_reference_example(self) -> None:
        """The header of the specification's example, DBABMA, lists section 2."""
        assert decode_gpp_string(f"DBABMA~{_TCF}").section_ids == (2,)
        assert header([2]) == "DBABM"  # the same bits, without the reference's padding

    @pytest.mark.parametrize(
        "ids", [[2], [2, 6], [6, 7, 8, 9, 10], [7, 12, 13, 27], list(range(2, 28))]
    )
    def test_ids(self, ids: list[int]) -> None:
        """Single ids and ranges both decode, in order."""
        for ranges in (True, False):
            text = "~".join([header(ids, ranges=ranges), *(["x"] * len(ids))])
            assert decode_gpp_string(text).section_ids == tuple(ids)

    def test_names(self) -> None:
        """Sections are named as the IAB's reference implementation names them."""
        assert [section_name(i) for i in range(13, 28)] == [
            "usfl",
            "usmt",
            "usor",
            "ustx",
            "usde",
            "usia",
            "usne",
            "usnh",
            "usnj",
            "ustn",
            "usmn",
            "usmd",
            "usin",
            "usky",
            "usri",
        ]
        assert section_name(2) == "tcfeuv2"
        assert section_name(6) == "uspv1"
        assert section_name(40) == "40"
        assert len(SECTION_NAMES) == 25

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("~x", "expected a base64url GPP header, found ''"),
            ("DB+BMA~x", "expected a base64url GPP header, found 'DB+BMA'"),
            (
                "EBABMA~x",
                "expected a GPP header of type 3 and version 1, found type 4 and version 1",
            ),
            (
                "DCABMA~x",
                "expected a GPP header of type 3 and version 1, found type 3 and version 2",
            ),
            (
                "DB",
                "expected 12 bits for SectionIds entries at bit 12 of the GPP header, found only 0",
            ),
            ("DBABMA", "expected 1 sections after the GPP header, found 0"),
            ("DBABMA~a~b", "expected 1 sections after the GPP header, found 2"),
            ("DBABMA~ ", "expected an encoded tcfeuv2 section, found none"),
            (
                "DBABAA~x",
                "expected a Fibonacci integer for SectionIds at bit 25 of the GPP "
                "header, found none",
            ),
        ],
    )
    def test_errors(self, text: str, message: str) -> None:
        """A header that cannot be read, or does not match what follows, is an error."""
        with pytest.raises(ConsentStringError) as caught:
            decode_gpp_string(text)
        assert str(caught.value) == message

    def test_hostile_ids(self) -> None:
        """A header naming ids past 1000, or a code too long, is refused at once."""
        with pytest.raises(ConsentStringError, match="expected section ids up to 1000"):
            decode_gpp_string(header([2, 5000]) + "~x~y")
        long_code = "000011" + "000001" + format(1, "012b") + "0" + "0" * 40 + "11"
        long_code += "0" * (-len(long_code) % 6)
        text = "".join(_ALPHABET[int(long_code[i : i + 6], 2)] for i in range(0, len(long_code), 6))
        with pytest.raises(ConsentStringError, match="expected a Fibonacci integer"):
            decode_gpp_string(text + "~x")


def usva(*values: int, length: int = 40) -> str:
    """Encode a usva core segment: version 1, then two-bit ``values`` from SharingNotice on."""
    bits = "000001" + "".join(format(v, "02b") for v in values)
    bits += "0" * (length - len(bits))
    bits += "0" * (-len(bits) % 6)
    return "".join(_ALPHABET[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))


class TestUsSections:
    """The opt-outs of the US sections (7-27)."""

    def test_opt_outs(self) -> None:
        """Sale and targeted advertising opt-outs of usva are read in field order."""
        assert us_opt_outs(9, usva(1, 1, 1, 1, 2)) == (
            ("sale_opt_out", 1),
            ("targeted_advertising_opt_out", 2),
        )
        assert us_opt_outs(9, usva(1, 1, 1, 0, 0) + ".YA") == (
            ("sale_opt_out", 0),
            ("targeted_advertising_opt_out", 0),
        )
        assert us_opt_outs(6, "1YNN") is None

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (
                usva(1, 1, 1, 3, 2),
                "expected 0, 1 or 2 for sale_opt_out in the usva section, found 3",
            ),
            (
                usva(3, 1, 1, 1, 2),
                "expected 0, 1 or 2 for sharing_notice in the usva section, found 3",
            ),
            (
                usva(1, 1, 1, 1, 2, length=36),
                "expected 40 bits for the core of the usva section, found only 36",
            ),
            ("B!AA", "expected a base64url usva section, found 'B!AA'"),
        ],
    )
    def test_errors(self, text: str, message: str) -> None:
        """A field of 3, a core cut short or a foreign character is an error."""
        with pytest.raises(ConsentStringError) as caught:
            us_opt_outs(9, text)
        assert str(caught.value) == message

    def test_states(self) -> None:
        """An opt-out denies marketing, unless a TCF EU section gives the purposes."""
        opted = gpp(f"{header([9])}~{usva(1, 1, 1, 1, 2)}", "9", "cookie")
        assert dict(opted.purposes) == {"marketing": "denied"}
        assert dict(opted.detail)["usva_sale_opt_out"] == "opted out"
        assert dict(opted.detail)["usva_targeted_advertising_opt_out"] == "did not opt out"
        quiet = gpp(f"{header([9])}~{usva(1, 1, 1, 2, 0)}", "9", "cookie")
        assert quiet.purposes == ()
        assert dict(quiet.detail)["usva_targeted_advertising_opt_out"] == "not applicable"
        both = gpp(f"{header([2, 9])}~{_TCF}~{usva(1, 1, 1, 1, 1)}", "", "cookie")
        assert dict(both.purposes)["marketing"] == "granted"

    def test_bad_section(self) -> None:
        """A damaged US section is said in the detail; the others are still read."""
        reading = gpp(f"{header([6, 9])}~1YYN~{usva(1, 1, 1, 3, 2)}", "", "cookie")
        assert dict(reading.detail)["usva_error"].startswith("expected 0, 1 or 2")
        assert dict(reading.purposes) == {"marketing": "denied"}


class TestReading:
    """What a GPP string says about the purposes."""

    def test_sections_without_sid(self) -> None:
        """Without gpp_sid the header still finds the TCF EU and US privacy sections."""
        reading = gpp(f"{header([2, 6])}~{_TCF}~1YYN", "", "parameter")
        detail = dict(reading.detail)
        assert detail["sections"] == "tcfeuv2,uspv1"
        assert detail["tcfeuv2_purposes_consent"] == "1,3,4"
        assert detail["opt_out_sale"] == "Y"
        assert "gpp_sid" not in detail
        assert dict(reading.purposes)["marketing"] == "granted"

    def test_partial_sid(self) -> None:
        """A gpp_sid naming only the US section does not make the TC string us_privacy."""
        (reading,) = read_parameters([("gpp", f"{header([2, 6])}~{_TCF}~1YNN"), ("gpp_sid", "6")])
        detail = dict(reading.detail)
        assert detail["tcfeuv2_purposes_consent"] == "1,3,4"
        assert detail["opt_out_sale"] == "N"
        assert detail["gpp_sid"] == "6 differs from the header"

    def test_us_section_only(self) -> None:
        """A US privacy section alone gives its opt-out of sale."""
        (reading,) = read_cookies([("__gpp", f"{header([6])}~1YYN"), ("__gpp_sid", "6")])
        assert dict(reading.purposes) == {"marketing": "denied"}
        assert dict(reading.detail)["sections"] == "uspv1"

    def test_state_sections_named(self) -> None:
        """Sections 7-27 are listed by name."""
        ids = list(range(7, 28))
        reading = gpp("~".join([header(ids), *(["BAAAAA"] * len(ids))]), "7_27", "cookie")
        assert dict(reading.detail)["sections"].split(",")[6:9] == ["usfl", "usmt", "usor"]
        assert reading.purposes == ()

    def test_bad_tcf_section(self) -> None:
        """An undecodable TCF EU section is said, and grants nothing."""
        reading = gpp(f"{header([2])}~C!!!", "2", "cookie")
        assert dict(reading.detail)["tcfeuv2_error"].startswith("expected base64url data")
        assert reading.purposes == ()

    @pytest.mark.parametrize("sid", ["9" * 4301, "2," * 5000, "-1", "2;6", "\x00"])
    def test_hostile_sid(self, sid: str) -> None:
        """A gpp_sid of thousands of digits, or of anything, never raises."""
        (reading,) = read_parameters([("gpp", f"{header([2])}~{_TCF}"), ("gpp_sid", sid)])
        assert dict(reading.detail)["gpp_sid"].endswith("differs from the header")
        assert dict(reading.purposes)["marketing"] == "granted"

    def test_undecodable(self) -> None:
        """A string whose header cannot be read says why and grants nothing."""
        reading = gpp("EBABMA~" + _TCF, "2", "parameter")
        assert dict(reading.detail)["error"].startswith("expected a GPP header of type 3")
        assert reading.purposes == ()

    def test_bare_tc_string(self) -> None:
        """A bare TC string is the TCF EU section alone; an empty string has no section."""
        reading = gpp(_TCF, "", "cookie")
        assert dict(reading.detail)["sections"] == "tcfeuv2"
        assert dict(reading.purposes)["marketing"] == "granted"
        assert dict(gpp("", "", "cookie").detail)["sections"] == ""

    @given(
        ids=st.lists(st.integers(1, 1000), min_size=1, max_size=30, unique=True),
        ranges=st.booleans(),
    )
    def test_round_trip(self, ids: list[int], ranges: bool) -> None:
        """Any ascending ids the encoder writes come back, singly or as ranges."""
        ids.sort()
        text = "~".join([header(ids, ranges=ranges), *(["A"] * len(ids))])
        assert decode_gpp_string(text).section_ids == tuple(ids)

    @given(text=st.text(max_size=200), sid=st.text(max_size=50))
    def test_garbage(self, text: str, sid: str) -> None:
        """Any text gives a reading, never an exception."""
        assert gpp(text, sid, "cookie").kind == "gpp"


class TestAnalyze:
    """Hostile GPP values in a capture, through the whole command."""

    @pytest.mark.parametrize(
        ("gpp_value", "sid"),
        [
            (f"{header([2, 6])}~{_TCF}~1YYN", "9" * 4301),
            ("D" * 50_000, "2"),
            (f"{header([2, 5000])}~{_TCF}~x", "2,5000"),
            (_TCF, "6"),
        ],
    )
    def test_analyze(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], gpp_value: str, sid: str
    ) -> None:
        """The analyze command reports, whatever the GPP parameters hold."""
        capture = tmp_path / "gpp.har"
        capture.write_bytes(har(document(), hit(f"{_META}&gpp={gpp_value}&gpp_sid={sid}", 1.0)))
        assert main(["analyze", str(capture), "--format", "json"]) == 0
        output = capsys.readouterr()
        assert output.err == ""
        assert '"kind": "gpp"' in output.out

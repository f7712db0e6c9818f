"""The IAB reference decoders' answers on their own fixtures and on strings built from the specs.

The expected values were computed with the reference implementations (named in each
file, with their version) and checked in as test data. tagsig agrees with every vector
but those listed here, each with the reason tagsig is right; a listed vector that starts
to agree, or an unlisted one that disagrees, fails.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TypedDict

import pytest

from tagsig import ConsentStringError, TCString, decode_tc_string
from tagsig._compliance.consent.gpp import SECTION_NAMES, decode_gpp_string, us_opt_outs

from .conftest import FIXTURES

Ranges = list[list[int]]
Value = int | bool | str | Ranges | list[list[int | Ranges]]


class Vector(TypedDict):
    """One vector of a reference file."""

    name: str
    origin: str
    input: str
    expected: dict[str, Value | list[str] | list[int]]


def _vectors(name: str) -> list[Vector]:
    document = json.loads((FIXTURES / "consent" / name).read_text(encoding="utf-8"))
    vectors: list[Vector] = document["vectors"]
    return vectors


TCF_VECTORS = _vectors("tcf-reference.json")
GPP_VECTORS = _vectors("gpp-reference.json")

_CMP_ID = (
    "the reference refuses CmpId 0 and 1 (its model requires more than 1); the "
    "specification sets no minimum and its own example string has CmpId 0, so tagsig "
    "reads what the string says"
)
TCF_DISAGREEMENTS: dict[str, str] = {
    **dict.fromkeys(
        (
            "iabgpp-es 6",
            "iabgpp-es 8",
            "iabgpp-es 9",
            "iabgpp-es 10",
            "iabgpp-es 11",
            "iabgpp-es 14",
            "iabgpp-es 15",
            "iabgpp-es 16",
            "IAB TCF v2 specification example",
        ),
        _CMP_ID,
    ),
    "restriction vendor id 0": "vendor ids start at 1; the reference stores a vendor 0",
    "restriction purpose and type twice": (
        "a CMP writes each purpose and restriction type once with all its vendors; the "
        "reference merges repeats, which lets a short string name a restriction thousands of "
        "times over"
    ),
    "vendor range past MaxVendorId": (
        "MaxVendorId is the section's highest vendor id; the reference keeps ids past it"
    ),
    "vendor range reversed": "a range ends at or after its start; the reference reads none",
    "ConsentLanguage letter 26": "letters are A-Z as 0-25; the reference gives '['",
    "ConsentLanguage letter 63": "letters are A-Z as 0-25; the reference gives '\\x80'",
    "PublisherCC letter 26": "letters are A-Z as 0-25; the reference gives '['",
    "version 1": "tagsig decodes TCF v2 only (v1 strings were retired in 2020)",
    "disclosed vendors segment twice": (
        "each optional segment appears once; the reference keeps the last"
    ),
}
GPP_DISAGREEMENTS: dict[str, str] = {
    "header 2,5000": (
        "no section id past 27 is assigned; tagsig refuses ids past 1000, "
        "where the reference reads them"
    ),
    "usnat, value 3": ("a two-bit field of a US section is 0, 1 or 2; the reference passes 3 on"),
}


def _ranges(ids: tuple[int, ...] | None) -> Ranges:
    result: Ranges = []
    for vendor in ids or ():
        if result and result[-1][1] + 1 == vendor:
            result[-1][1] = vendor
        else:
            result.append([vendor, vendor])
    return result


def _restrictions(decoded: TCString) -> list[list[int | Ranges]]:
    # The reference lists a restriction only once a vendor is under it.
    found = [
        (r.purpose, r.restriction, [list(pair) for pair in r.vendor_ranges])
        for r in decoded.publisher_restrictions
        if r.vendor_ranges
    ]
    return [[purpose, kind, ranges] for purpose, kind, ranges in sorted(found)]


def _milliseconds(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)


def tcf_fields(decoded: TCString) -> dict[str, Value]:
    """Return what tagsig decodes, in the reference's field names and shapes."""
    return {
        "version": decoded.version,
        "created": _milliseconds(decoded.created),
        "lastUpdated": _milliseconds(decoded.updated),
        "cmpId": decoded.cmp_id,
        "cmpVersion": decoded.cmp_version,
        "consentScreen": decoded.consent_screen,
        "consentLanguage": decoded.consent_language,
        "vendorListVersion": decoded.vendor_list_version,
        "policyVersion": decoded.policy_version,
        "isServiceSpecific": decoded.is_service_specific,
        "useNonStandardTexts": decoded.uses_non_standard_texts,
        "specialFeatureOptins": _ranges(decoded.special_feature_opt_ins),
        "purposeConsents": _ranges(decoded.purposes_consent),
        "purposeLegitimateInterests": _ranges(decoded.purposes_legitimate_interest),
        "purposeOneTreatment": decoded.purpose_one_treatment,
        "publisherCountryCode": decoded.publisher_country,
        "vendorConsents": _ranges(decoded.vendor_consents),
        "vendorLegitimateInterests": _ranges(decoded.vendor_legitimate_interests),
        "publisherRestrictions": _restrictions(decoded),
        "vendorsDisclosed": _ranges(decoded.disclosed_vendors),
        "vendorsAllowed": _ranges(decoded.allowed_vendors),
        "publisherConsents": _ranges(decoded.publisher_purposes_consent),
        "publisherLegitimateInterests": _ranges(decoded.publisher_purposes_legitimate_interest),
        "numCustomPurposes": decoded.publisher_custom_purposes or 0,
        "publisherCustomConsents": _ranges(decoded.publisher_custom_purposes_consent),
        "publisherCustomLegitimateInterests": _ranges(
            decoded.publisher_custom_purposes_legitimate_interest
        ),
    }


def tcf_agrees(vector: Vector) -> bool:
    """Whether tagsig gives the reference's answer: the same fields, or an error too."""
    try:
        decoded = decode_tc_string(vector["input"])
    except ConsentStringError:
        return "error" in vector["expected"]
    return tcf_fields(decoded) == vector["expected"]


def gpp_fields(text: str) -> dict[str, object]:
    """Return what tagsig reads from a GPP string, in the reference's shape."""
    split = decode_gpp_string(text)
    known = [i for i in split.section_ids if i in SECTION_NAMES]
    result: dict[str, object] = {"sectionIds": known, "sections": [SECTION_NAMES[i] for i in known]}
    tcf = split.section(2)
    if tcf is not None:
        try:
            result["tcfeuv2PurposeConsents"] = list(decode_tc_string(tcf).purposes_consent)
        except ConsentStringError as e:
            result["tcfeuv2Error"] = str(e)
    usp = split.section(6)
    if usp is not None:
        result["uspv1OptOutSale"] = usp[2] if len(usp) == 4 and usp[0] == "1" else None
    for number, section in split.sections:
        try:
            opt_outs = us_opt_outs(number, section)
        except ConsentStringError as e:
            result[f"{SECTION_NAMES[number]}Error"] = str(e)
            continue
        for name, value in opt_outs or ():
            field = "".join(word.capitalize() for word in name.split("_"))
            result[f"{SECTION_NAMES[number]}{field}"] = value
    return result


def gpp_agrees(vector: Vector) -> bool:
    """Whether tagsig gives the reference's answer (section errors count as errors)."""
    expected = vector["expected"]
    try:
        found = gpp_fields(vector["input"])
    except ConsentStringError:
        return "error" in expected
    if "error" in expected:
        return False
    errors = {key for key in expected if key.endswith("Error")}
    if errors != {key for key in found if key.endswith("Error")}:
        return False
    return {k: v for k, v in found.items() if k not in errors} == {
        k: v for k, v in expected.items() if k not in errors
    }


class TestTcfReference:
    """@iabtcf/core on its fixtures, the GPP project's and strings built from the spec."""

    def test_files(self) -> None:
        """Every vector has a unique name, and every listed disagreement is a vector."""
        names = [v["name"] for v in TCF_VECTORS]
        assert len(names) == len(set(names)) == 56
        assert set(TCF_DISAGREEMENTS) <= set(names)

    @pytest.mark.parametrize("vector", TCF_VECTORS, ids=[v["name"] for v in TCF_VECTORS])
    def test_vector(self, vector: Vector) -> None:
        """The answer is the reference's, except where the reference is wrong."""
        assert tcf_agrees(vector) is (vector["name"] not in TCF_DISAGREEMENTS)

    def test_disagreements_are_refusals(self) -> None:
        """Each disagreement is a refusal of what the reference reads, but CmpId 0 and 1.

        There tagsig reads what the reference refuses; nowhere else.
        """
        for vector in TCF_VECTORS:
            if vector["name"] not in TCF_DISAGREEMENTS:
                continue
            refused_by_reference = "error" in vector["expected"]
            assert refused_by_reference is (TCF_DISAGREEMENTS[vector["name"]] == _CMP_ID)


class TestGppReference:
    """@iabgpp/cmpapi on its fixtures and on strings built from the spec."""

    def test_files(self) -> None:
        """Every vector has a unique name, and every listed disagreement is a vector."""
        names = [v["name"] for v in GPP_VECTORS]
        assert len(names) == len(set(names)) == 59
        assert set(GPP_DISAGREEMENTS) <= set(names)

    @pytest.mark.parametrize("vector", GPP_VECTORS, ids=[v["name"] for v in GPP_VECTORS])
    def test_vector(self, vector: Vector) -> None:
        """The answer is the reference's, except where the reference is wrong."""
        assert gpp_agrees(vector) is (vector["name"] not in GPP_DISAGREEMENTS)

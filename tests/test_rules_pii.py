"""Tests of pii-to-third-party and of the masking of personal data."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from tagsig._compliance.rules.personal import find_personal_data, mask_email, mask_value

from .audits import audit, document, flags, hit
from .builders import entry

TRACKER = "https://t.tracker.example/collect"
EMAIL = "jane.doe@example.org"


class TestFires:
    """Personal data in third-party requests."""

    def test_email_in_query(self) -> None:
        """An e-mail address in a query string is flagged high, masked."""
        report = audit(document(0), hit(f"{TRACKER}?u={quote(EMAIL)}", 1))
        (flag,) = flags(report, "pii-to-third-party")
        assert flag.severity == "high"
        assert "e-mail address in u (j***@e***.org)" in flag.message
        assert EMAIL not in flag.message
        assert [e.value for e in flag.evidence if e.kind == "value"] == ["j***@e***.org"]

    def test_json_body(self) -> None:
        """An e-mail address inside a JSON body is found by its dotted name."""
        body = json.dumps({"user": {"contact": EMAIL}})
        report = audit(
            document(0),
            entry(TRACKER, method="POST", post=body, started="2024-05-01T10:00:01.000Z"),
        )
        (flag,) = flags(report, "pii-to-third-party")
        assert "user.contact" in flag.message

    def test_url_encoded_json_in_parameter(self) -> None:
        """JSON inside a form parameter is searched field by field."""
        post = "a=1&data=" + quote(json.dumps({"email": EMAIL}))
        report = audit(
            document(0),
            entry(TRACKER, method="POST", post=post, started="2024-05-01T10:00:01.000Z"),
        )
        (flag,) = flags(report, "pii-to-third-party")
        assert "in data.email" in flag.message

    def test_referer(self) -> None:
        """The page URL in the Referer header leaks the address too."""
        report = audit(
            document(0),
            hit(
                TRACKER,
                1,
                request_headers={
                    "Referer": f"https://www.shop.example/thanks?email={quote(EMAIL)}"
                },
            ),
        )
        (flag,) = flags(report, "pii-to-third-party")
        assert "Referer" in flag.message

    def test_hash_of_email_seen_in_first_party_form(self) -> None:
        """A SHA-256 of an address the site received is recognised at a third party."""
        digest = hashlib.sha256(EMAIL.encode()).hexdigest()
        report = audit(
            entry("https://www.shop.example/signup", method="POST", post=f"email={EMAIL}"),
            hit(f"{TRACKER}?h={digest}", 1),
        )
        (flag,) = flags(report, "pii-to-third-party")
        assert "hashed SHA-256 of j***@e***.org" in flag.message
        assert digest not in flag.message

    def test_phone(self) -> None:
        """An international phone number is flagged."""
        report = audit(document(0), hit(f"{TRACKER}?p={quote('+33 6 12 34 56 78')}", 1))
        (flag,) = flags(report, "pii-to-third-party")
        assert "phone number in p (+33***78)" in flag.message

    def test_identifiers_plain_and_hashed(self) -> None:
        """Caller identifiers are found plain and as MD5."""
        digest = hashlib.md5(b"user-4711", usedforsecurity=False).hexdigest()
        report = audit(
            document(0),
            hit(f"{TRACKER}?a=user-4711", 1),
            hit(f"{TRACKER}?b={digest}", 2),
            identifiers=["user-4711"],
        )
        (flag,) = flags(report, "pii-to-third-party")
        assert "identifier in a" in flag.message
        assert "hashed MD5 of a known identifier in b" in flag.message

    def test_address_identifier_hashed_as_an_address(self) -> None:
        """An identifier that is an address is named by its masked address once hashed.

        A blank identifier hashes to nothing to look for.
        """
        address = "jane.doe@mail.example"
        digest = hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()
        blank = hashlib.md5(b" ", usedforsecurity=False).hexdigest()
        report = audit(
            document(0),
            hit(f"{TRACKER}?b={digest}", 1),
            hit(f"{TRACKER}?c={blank}", 2),
            identifiers=[address, " "],
        )
        (flag,) = flags(report, "pii-to-third-party")
        assert f"hashed MD5 of {mask_email(address)} in b" in flag.message
        assert "known identifier" not in flag.message
        assert " in c" not in flag.message

    def test_functional_tag_is_medium(self) -> None:
        """Identity sent to a functional tag (a chat) is medium."""
        report = audit(
            document(0),
            hit(f"https://api-iam.intercom.io/messenger/web/ping?email={quote(EMAIL)}", 1),
        )
        (flag,) = flags(report, "pii-to-third-party", "intercom")
        assert flag.severity == "medium"


class TestQuiet:
    """No personal data, or not to a third party."""

    def test_first_party(self) -> None:
        """An address sent to the site itself is not flagged."""
        report = audit(entry(f"https://www.shop.example/account?e={quote(EMAIL)}"))
        assert flags(report, "pii-to-third-party") == []

    def test_image_names_and_timestamps(self) -> None:
        """Retina image names and long numbers are not personal data."""
        report = audit(document(0), hit(f"{TRACKER}?img=logo@2x.png&t=1714557600123", 1))
        assert flags(report, "pii-to-third-party") == []


class TestMasking:
    """What evidence shows."""

    def test_mask_email(self) -> None:
        """Only the first letters and the top-level domain remain."""
        assert mask_email("jane.doe@example.org") == "j***@e***.org"

    def test_mask_value(self) -> None:
        """Short values vanish; hashes keep 8 characters."""
        assert mask_value("42") == "***"
        assert mask_value("a" * 64) == "aaaaaaaa***"

    @given(st.emails())
    def test_found_addresses_are_masked(self, address: str) -> None:
        """No found e-mail address appears unmasked in the result."""
        for item in find_personal_data([("x", address)], known_hashes={}):
            assert address not in item.value

    @given(st.lists(st.tuples(st.text(max_size=20), st.text(max_size=200)), max_size=5))
    def test_never_raises(self, pairs: list[tuple[str, str]]) -> None:
        """Any parameters are searched without raising."""
        for item in find_personal_data(pairs, known_hashes={}, identifiers=["x1"]):
            assert item.kind

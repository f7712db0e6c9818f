"""Finding personal data: padded short values, and one value sent under several names."""

from __future__ import annotations

from tagsig._compliance.rules.personal import find_personal_data


def test_padded_short_number_is_no_phone() -> None:
    """A phone parameter whose value is short once its spaces go holds no phone number."""
    assert find_personal_data([("phone", "   1234   ")], known_hashes={}) == []


def test_phone_in_phone_parameter() -> None:
    """Digits in a phone parameter are a phone number."""
    (item,) = find_personal_data([("phone", "0871234567")], known_hashes={})
    assert item.name == "phone"


def test_value_named_by_its_most_specific_parameter() -> None:
    """One address under several names is one item, named by the longest name."""
    pairs = [("user.contact", "jane.doe@example.org"), ("u", "jane.doe@example.org")]
    (item,) = find_personal_data(pairs, known_hashes={})
    assert item.name == "user.contact"

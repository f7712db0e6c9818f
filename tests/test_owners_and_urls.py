"""Attribution without organisation data, and short URLs whose query holds no field."""

from __future__ import annotations

from tagsig._audit.attribute import NoOwners
from tagsig._compliance.rules.evidence import short_url
from tagsig._inputs.url import parse_url


def test_no_owners_knows_no_organisation() -> None:
    """Without organisation data no organisation has a name and every site stands alone."""
    owners = NoOwners()
    assert owners.organisation_name("google") is None
    assert owners.site_owner("www.shop.example") is None
    assert owners.hosting_platform("shop.example.netlify.app") is None
    assert owners.related_domains("www.shop.example") == frozenset({"shop.example"})


def test_query_of_separators_only() -> None:
    """A query of separators alone is kept as it is."""
    assert short_url(parse_url("https://t.example/c?&&"), personal=True) == (
        "https://t.example/c?&&"
    )

"""Site policies for CI: which tags, countries, cookie lifetimes and weights are acceptable.

A policy is a TOML or JSON file validated against the shipped ``policy.schema.json``::

    version = 1

    [tags]
    allowed = ["onetrust", "google-analytics", "google-tag-manager"]
    denied = ["meta-pixel"]
    required = ["onetrust"]

    [transfers]
    allowed_countries = ["FR", "DE", "IE", "US"]

    [cookies]
    max_lifetime_days = 395

    [weight]
    max_bytes_per_tag = 250000

    [consent]
    purposes = ["analytics", "marketing", "personalization"]

    [[ignore]]
    rule = "unknown-third-party"
    reason = "our own image CDN on another domain"
"""

from __future__ import annotations

from tagsig._policy_load import load_policy
from tagsig._policy_model import Policy, Waiver
from tagsig._policy_query import failing_flags
from tagsig._policy_waive import waive

__all__ = ["Policy", "Waiver", "failing_flags", "load_policy", "waive"]

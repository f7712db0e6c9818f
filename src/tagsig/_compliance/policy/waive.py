"""Waiving flags: marking those a policy ignores with the waiver's reason.

Part of the compliance layer (see ``tests/test_layers.py``): the rules waive their flags as
they raise them. It may import the flags and the policy model, and what lies below.
"""

from __future__ import annotations

from collections.abc import Iterable

from attrs import evolve

from tagsig._compliance.flags import Flag
from tagsig._compliance.policy.model import Policy

__all__ = ["waive"]


def waive(flags: Iterable[Flag], policy: Policy | None, tag: str | None) -> tuple[Flag, ...]:
    """Mark the flags about ``tag`` that ``policy`` ignores with the waiver's reason."""
    result = []
    for flag in flags:
        waiver = policy.waiver(flag.rule, tag) if policy is not None else None
        result.append(flag if waiver is None else evolve(flag, waiver=waiver.reason))
    return tuple(result)

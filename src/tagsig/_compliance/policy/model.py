"""The policy model: what a site allows its third-party tags to do, and its waivers.

Part of the compliance layer (see ``tests/test_layers.py``): the rules read a policy and
the waivers apply to their flags. It may import the layers below compliance and the
consent readers (``_cmp``); reading a policy file is ``_policy_load``'s job.
"""

from __future__ import annotations

from collections.abc import Mapping

from attrs import frozen

from tagsig._compliance.consent.signals import Purpose

__all__ = ["Policy", "Waiver"]


@frozen(kw_only=True)
class Waiver:
    """A rule the policy ignores, with the reason."""

    rule: str
    """The rule id ignored."""
    reason: str
    """Why it is ignored (shown in reports)."""
    tags: tuple[str, ...] = ()
    """The tags it is ignored for; empty for every tag and the site's own flags."""

    def covers(self, rule: str, tag: str | None) -> bool:
        """Whether this waiver applies to a flag of ``rule`` about ``tag``."""
        return rule == self.rule and (not self.tags or tag in self.tags)


@frozen(kw_only=True)
class Policy:
    """What a site allows its third-party tags to do."""

    allowed_tags: tuple[str, ...] | None = None
    """Only these tag ids may appear; ``None`` allows any."""
    denied_tags: tuple[str, ...] = ()
    """These tag ids must not appear."""
    required_tags: tuple[str, ...] = ()
    """These tag ids must appear."""
    allowed_countries: tuple[str, ...] | None = None
    """Countries vendors may be based in; ``None`` allows any."""
    max_cookie_days: float | None = None
    """Longest cookie lifetime in days; ``None`` keeps the default (395 days)."""
    max_tag_bytes: int | None = None
    """Most bytes on the wire one tag may cost on one page; ``None`` for no limit."""
    consent_purposes: tuple[Purpose, ...] | None = None
    """Purposes that need consent; ``None`` keeps the default (analytics, marketing,
    personalization)."""
    ignore: tuple[Waiver, ...] = ()
    """Rules ignored, with reasons."""
    source: str | None = None
    """The file the policy was read from."""

    def waiver(self, rule: str, tag: str | None) -> Waiver | None:
        """Return the first waiver covering a flag of ``rule`` about ``tag``."""
        return next((w for w in self.ignore if w.covers(rule, tag)), None)

    @classmethod
    def from_mapping(cls, document: Mapping[str, object], *, source: str = "<policy>") -> Policy:
        """Build a policy from a parsed document, validating it against the schema.

        Raises:
            PolicyError: The document breaks the schema; the message names the first
                problem and its pointer.

        """
        from tagsig._compliance.policy.load import policy_from_mapping  # noqa: PLC0415 (a cycle)

        return policy_from_mapping(cls, document, source=source)

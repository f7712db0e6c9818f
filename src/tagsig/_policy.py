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

import functools
import json
import math
import os
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any, Final, get_args

from attrs import evolve, frozen

from tagsig._cmp import Purpose
from tagsig._exceptions import ArgumentError, PolicyError, escape_pointer
from tagsig._report import Flag, Report, Severity
from tagsig._resources import data_file
from tagsig._source import read_regular_file, replace_lone_surrogates_text

__all__ = ["Policy", "Waiver", "failing_flags", "load_policy", "waive"]

_SCHEMA_NAME: Final = "policy.schema.json"
_RANK: Final[dict[str, int]] = {"high": 0, "medium": 1, "low": 2, "info": 3}
_MAX_SHOWN: Final = 200
"""Longest schema message quoted in an error (a wrong value can be megabytes long)."""


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
        _refuse_non_finite(document, source)
        errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.path))
        if errors:
            error = errors[0]
            pointer = "".join(f"/{escape_pointer(p)}" for p in error.absolute_path)
            message = error.message
            if len(message) > _MAX_SHOWN:
                message = message[:_MAX_SHOWN - 3] + "..."
            raise PolicyError(f"expected a valid policy, found: {message}",
                              path=source, pointer=pointer or "/")
        valid: Mapping[str, Any] = document  # the schema fixes the shapes read below
        tags = valid.get("tags", {})
        purposes = valid.get("consent", {}).get("purposes")
        known = get_args(Purpose)
        return cls(
            allowed_tags=_maybe(tags.get("allowed")),
            denied_tags=tuple(tags.get("denied", ())),
            required_tags=tuple(tags.get("required", ())),
            allowed_countries=_maybe(valid.get("transfers", {}).get("allowed_countries")),
            max_cookie_days=valid.get("cookies", {}).get("max_lifetime_days"),
            max_tag_bytes=valid.get("weight", {}).get("max_bytes_per_tag"),
            consent_purposes=None if purposes is None else tuple(
                p for p in known if p in purposes),
            ignore=tuple(Waiver(rule=w["rule"], reason=w["reason"],
                                tags=tuple(w.get("tags", ()))) for w in valid.get(
                                    "ignore", ())),
            source=source,
        )


def _refuse_non_finite(document: Mapping[str, Any], source: str) -> None:
    """Refuse ``nan`` and ``inf``, which TOML allows and every limit compares false with.

    Raises:
        PolicyError: The document holds a number that is not finite.

    """
    pending: list[tuple[str, object]] = [("", document)]
    while pending:
        pointer, value = pending.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise PolicyError(f"expected a finite number, found {value}", path=source,
                              pointer=pointer)
        if isinstance(value, Mapping):
            pending.extend((f"{pointer}/{escape_pointer(str(k))}", v) for k, v in value.items())
        elif isinstance(value, list):
            pending.extend((f"{pointer}/{n}", v) for n, v in enumerate(value))


def _maybe(values: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


@functools.cache
def _validator() -> Any:
    try:
        schema = json.loads(data_file(_SCHEMA_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise PolicyError(f"expected the policy schema {_SCHEMA_NAME!r}, found none "
                          "(the installation is incomplete)") from e
    # Imported on use: jsonschema (with its format checkers) costs seconds to import, and
    # most runs have no policy.
    from jsonschema import Draft202012Validator  # noqa: PLC0415

    return Draft202012Validator(schema)


def load_policy(path: str | os.PathLike[str]) -> Policy:
    """Read a policy file: TOML (``.toml``), else JSON.

    Args:
        path: The policy file.

    Returns:
        The policy.

    Raises:
        PolicyError: The file cannot be read, is not TOML or JSON, or breaks the schema.

    """
    source = os.fspath(path)
    data = read_regular_file(path, label=source, error=PolicyError,
                             expected="a readable policy file")
    try:
        text = data.decode("utf-8-sig")
        if source.endswith(".json") or text.lstrip().startswith("{"):
            document = json.loads(replace_lone_surrogates_text(text)[0])
        else:
            document = tomllib.loads(text)
    except RecursionError as e:
        raise PolicyError("expected a policy, found one nested too deeply to read",
                          path=source) from e
    except UnicodeDecodeError as e:
        raise PolicyError("expected UTF-8 text, found undecodable bytes",
                          path=source) from e
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(f"expected TOML, found a syntax error: {e}", path=source) from e
    except ValueError as e:
        raise PolicyError(f"expected JSON, found a syntax error: {e}", path=source) from e
    if not isinstance(document, dict):
        raise PolicyError(f"expected a JSON object, found {type(document).__name__}",
                          path=source, pointer="")
    return Policy.from_mapping(document, source=source)


def waive(flags: Iterable[Flag], policy: Policy | None, tag: str | None) -> tuple[Flag, ...]:
    """Mark the flags about ``tag`` that ``policy`` ignores with the waiver's reason."""
    result = []
    for flag in flags:
        waiver = policy.waiver(flag.rule, tag) if policy is not None else None
        result.append(flag if waiver is None else evolve(flag, waiver=waiver.reason))
    return tuple(result)


def failing_flags(report: Report, severity: Severity | str) -> tuple[Flag, ...]:
    """Return the flags of ``report`` at or above ``severity`` that no waiver covers.

    ``severity`` may be any string (a command-line or configuration value).

    >>> failing_flags(Report(inputs=(), first_party=(), tags=(), unattributed=()), "low")
    ()

    Raises:
        ArgumentError: ``severity`` is none of ``high``, ``medium``, ``low``, ``info``.

    """
    if severity not in _RANK:
        raise ArgumentError(f"expected a severity among {', '.join(_RANK)}, found "
                            f"{severity!r}")
    threshold = _RANK[severity]
    flags = [*report.flags, *(f for tag in report.tags for f in tag.flags)]
    return tuple(f for f in flags if f.waiver is None and _RANK[f.severity] <= threshold)

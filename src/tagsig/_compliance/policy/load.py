"""Reading a policy: a TOML or JSON file, validated against the shipped schema.

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

Part of the compliance layer (see ``tests/test_layers.py``), beside the policy model. It
may import the base and inputs layers and the policy model.
"""

from __future__ import annotations

import functools
import json
import math
import os
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any, Final, get_args

from tagsig._compliance.consent.signals import Purpose
from tagsig._compliance.policy.model import Policy, Waiver
from tagsig._exceptions import PolicyError, escape_pointer
from tagsig._inputs.source import read_regular_file, replace_lone_surrogates_text
from tagsig._resources import data_file

__all__ = ["load_policy", "policy_from_mapping"]

_SCHEMA_NAME: Final = "policy.schema.json"
_MAX_SHOWN: Final = 200
"""Longest schema message quoted in an error (a wrong value can be megabytes long)."""


def policy_from_mapping(
    cls: type[Policy], document: Mapping[str, object], *, source: str = "<policy>"
) -> Policy:
    """Build a ``cls`` from a parsed document (see :meth:`Policy.from_mapping`).

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
            message = message[: _MAX_SHOWN - 3] + "..."
        raise PolicyError(
            f"expected a valid policy, found: {message}", path=source, pointer=pointer or "/"
        )
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
        consent_purposes=None if purposes is None else tuple(p for p in known if p in purposes),
        ignore=tuple(
            Waiver(rule=w["rule"], reason=w["reason"], tags=tuple(w.get("tags", ())))
            for w in valid.get("ignore", ())
        ),
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
            raise PolicyError(
                f"expected a finite number, found {value}", path=source, pointer=pointer
            )
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
        raise PolicyError(
            f"expected the policy schema {_SCHEMA_NAME!r}, found none "
            "(the installation is incomplete)"
        ) from e
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
    data = read_regular_file(
        path, label=source, error=PolicyError, expected="a readable policy file"
    )
    try:
        text = data.decode("utf-8-sig")
        if source.endswith(".json") or text.lstrip().startswith("{"):
            document = json.loads(replace_lone_surrogates_text(text)[0])
        else:
            document = tomllib.loads(text)
    except RecursionError as e:
        raise PolicyError(
            "expected a policy, found one nested too deeply to read", path=source
        ) from e
    except UnicodeDecodeError as e:
        raise PolicyError("expected UTF-8 text, found undecodable bytes", path=source) from e
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(f"expected TOML, found a syntax error: {e}", path=source) from e
    except ValueError as e:
        raise PolicyError(f"expected JSON, found a syntax error: {e}", path=source) from e
    if not isinstance(document, dict):
        raise PolicyError(
            f"expected a JSON object, found {type(document).__name__}", path=source, pointer=""
        )
    return Policy.from_mapping(document, source=source)

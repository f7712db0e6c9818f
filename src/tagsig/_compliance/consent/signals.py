"""Read consent signals: TCF and GPP strings, consent mode, US privacy, GPC.

Each reader turns one raw value into a :class:`Reading`: its kind, decoded detail, and the
state it gives each consent purpose. Unknown or undecodable values give ``None`` or a
reading without purpose states; nothing here raises on damaged input.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, Literal, TypeAlias
from urllib.parse import unquote

from attrs import frozen

from tagsig._compliance.consent.gpp import (
    decode_gpp_string,
    section_name,
    sid_ids,
    us_opt_outs,
)
from tagsig._compliance.consent.tcf import TCString, decode_tc_string, try_decode_tc_string
from tagsig._exceptions import ConsentStringError

__all__ = [
    "CONSENT_PURPOSES",
    "PURPOSES",
    "Purpose",
    "PurposeState",
    "Reading",
    "States",
    "all_states",
    "b64json_value",
    "bool_state",
    "decision_time",
    "gpp",
    "json_value",
    "purpose_states",
    "read_gpc",
    "read_parameters",
    "tcf_purposes",
    "tcf_reading",
    "us_privacy",
]

Purpose: TypeAlias = Literal["analytics", "functional", "marketing", "personalization"]
"""A consent purpose that may need the visitor's consent."""
PurposeState: TypeAlias = Literal["granted", "denied", "unknown"]
"""The state of a purpose at a moment of a capture."""
PURPOSES: Final[tuple[Purpose, ...]] = ("analytics", "functional", "marketing", "personalization")
CONSENT_PURPOSES: Final[tuple[Purpose, ...]] = ("analytics", "marketing", "personalization")
"""The purposes that need consent before a tag may run, by default (a policy may differ)."""

States = tuple[tuple[Purpose, PurposeState], ...]


@frozen(kw_only=True)
class Reading:
    """What one consent value says."""

    kind: str
    """The signal kind (``onetrust``, ``tcf-v2``, ``google-consent-mode``, ``gpc``, ...)."""
    detail: tuple[tuple[str, str], ...] = ()
    """Decoded detail as ``(key, value)`` pairs."""
    purposes: States = ()
    """The purposes it grants or denies; purposes it says nothing of are absent."""
    decided: datetime | None = None
    """When the visitor decided, where the value records it (earlier than first seen)."""
    primary: bool = True
    """``False`` for signals a tag reports about itself (consent mode), which count only
    when a capture carries no consent-manager signal."""


def all_states(state: PurposeState) -> States:
    """Return ``state`` for every consent purpose."""
    return tuple((p, state) for p in PURPOSES)


def bool_state(value: object) -> PurposeState:
    """Read a consent manager's yes or no (``true``, ``"1"``, ``denied``...) as a purpose state."""
    if value in {True, "1", "true", "yes", "allow", "allowed", "granted"}:
        return "granted"
    if value in {False, "0", "false", "no", "deny", "denied"}:
        return "denied"
    return "unknown"


def purpose_states(mapping: Mapping[Purpose, PurposeState]) -> States:
    """Return the known states of ``mapping`` in the order of the consent purposes."""
    return tuple((p, mapping[p]) for p in PURPOSES if mapping.get(p, "unknown") != "unknown")


def json_value(text: str) -> Any:
    """Parse ``text`` as JSON, as is or URL-decoded; ``None`` when neither parses."""
    for candidate in (text, unquote(text)):
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return None


def b64json_value(text: str) -> Any:
    """Parse ``text`` as base64 JSON (URL-safe or not, padded or not); ``None`` if it is not."""
    cleaned = unquote(text).strip().replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
        return json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError):
        return None


def decision_time(value: object) -> datetime | None:
    """Read a decision's time: epoch seconds or milliseconds, or ISO 8601 (naive: UTC)."""
    try:
        if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
            number = float(value)
            return datetime.fromtimestamp(number / 1000 if number > 1e11 else number, tz=UTC)
        if isinstance(value, str) and value:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return None


# --- IAB TCF. ------------------------------------------------------------------------------

_TCF_NEEDS: Final[dict[Purpose, tuple[frozenset[int], frozenset[int]]]] = {
    # (every purpose of the first set, and at least one of the second when not empty)
    "functional": (frozenset({1}), frozenset()),
    "analytics": (frozenset({1}), frozenset({8, 9})),
    "marketing": (frozenset({1, 3, 4}), frozenset()),
    "personalization": (frozenset({1, 5, 6}), frozenset()),
}


def tcf_purposes(consented: Iterable[int]) -> States:
    """Map consented TCF purpose ids to the state of each consent purpose.

    Functional needs purpose 1 (store or access information on a device); analytics 1
    and 8 or 9 (measure content, audience statistics); marketing 1, 3 and 4 (advertising
    profiles); personalization 1, 5 and 6 (content profiles).

    >>> dict(tcf_purposes([1, 8]))["analytics"], dict(tcf_purposes([1, 8]))["marketing"]
    ('granted', 'denied')
    """
    given = frozenset(consented)
    result: dict[Purpose, PurposeState] = {}
    for purpose, (every, some) in _TCF_NEEDS.items():
        ok = every <= given and (not some or bool(some & given))
        result[purpose] = "granted" if ok else "denied"
    return purpose_states(result)


def _ids(values: Iterable[int]) -> str:
    return ",".join(str(v) for v in values)


def tcf_reading(text: str, source: str) -> Reading:
    """Read a TCF v2 consent string found in ``source``; an undecodable one is read as an error."""
    decoded: TCString | None = try_decode_tc_string(text) if text else None
    if decoded is None:
        return Reading(
            kind="tcf-v2",
            detail=(
                ("source", source),
                ("error", "the consent string cannot be decoded" if text else "empty"),
            ),
        )
    return Reading(
        kind="tcf-v2",
        detail=(
            ("source", source),
            ("cmp_id", str(decoded.cmp_id)),
            ("created", decoded.created.isoformat()),
            ("updated", decoded.updated.isoformat()),
            ("policy_version", str(decoded.policy_version)),
            ("vendor_list_version", str(decoded.vendor_list_version)),
            ("purposes_consent", _ids(decoded.purposes_consent)),
            ("purposes_legitimate_interest", _ids(decoded.purposes_legitimate_interest)),
            ("special_features", _ids(decoded.special_feature_opt_ins)),
            ("vendor_consents", str(len(decoded.vendor_consents))),
            ("publisher_country", decoded.publisher_country),
        ),
        purposes=tcf_purposes(decoded.purposes_consent),
    )


def us_privacy(value: str, source: str) -> Reading:
    """Read an IAB CCPA ``usprivacy`` string (``1YNN``) found in ``source``."""
    text = unquote(value).strip().upper()
    detail = [("source", source), ("string", text)]
    states: States = ()
    if len(text) == 4 and text[0] == "1":
        detail += [("notice", text[1]), ("opt_out_sale", text[2]), ("lspa", text[3])]
        if text[2] == "Y":
            states = (("marketing", "denied"),)
    return Reading(kind="us-privacy", detail=tuple(detail), purposes=states)


# --- URL parameters and headers. -----------------------------------------------------------

_GCD_GRANTED: Final = frozenset("trnv")
_GCD_DENIED: Final = frozenset("pqmu")
_GCD_KEYS: Final = ("ad_storage", "analytics_storage", "ad_user_data", "ad_personalization")


def _consent_mode(gcs: str | None, gcd: str | None) -> Reading:
    detail: list[tuple[str, str]] = []
    states: dict[Purpose, PurposeState] = {}
    if gcs is not None:
        detail.append(("gcs", gcs))
        if len(gcs) >= 4 and gcs.startswith("G1"):
            states["marketing"] = bool_state(gcs[2])
            states["analytics"] = bool_state(gcs[3])
    if gcd is not None:
        detail.append(("gcd", gcd))
        letters = gcd[2:10:2]
        for key, letter in zip(_GCD_KEYS, letters, strict=False):
            state: PurposeState = (
                "granted"
                if letter in _GCD_GRANTED
                else "denied"
                if letter in _GCD_DENIED
                else "unknown"
            )
            detail.append((key, state))
            # gcs, when present, already gives the storage states directly.
            if gcs is None and key == "ad_storage" and state != "unknown":
                states["marketing"] = state
            if gcs is None and key == "analytics_storage" and state != "unknown":
                states["analytics"] = state
    return Reading(
        kind="google-consent-mode",
        detail=tuple(detail),
        purposes=purpose_states(states),
        primary=False,
    )


def gpp(text: str, sid: str, source: str) -> Reading:
    """Read a GPP string: the sections its header lists, and what they say of the purposes.

    The TCF EU section's purposes count first; without them, the US privacy section's
    opt-out of sale, or any US section's opt-out of sale, sharing or targeted advertising,
    denies marketing.

    ``sid`` (``gpp_sid``) is only compared with the header: where they differ, the detail
    says so and the header is followed.
    """
    detail = [("source", source)]
    try:
        decoded = decode_gpp_string(text)
    except ConsentStringError as e:
        return Reading(kind="gpp", detail=(*detail, ("error", str(e))))
    detail.append(("sections", ",".join(map(section_name, decoded.section_ids))))
    given = sid_ids(sid)
    if sid.strip() and given != decoded.section_ids:
        detail.append(
            (
                "gpp_sid",
                "differs from the header"
                if given is None
                else f"{','.join(map(str, given))} differs from the header",
            )
        )
    states: States = ()
    tcf = decoded.section(2)
    if tcf is not None:
        try:
            tc_string = decode_tc_string(tcf)
        except ConsentStringError as e:
            detail.append(("tcfeuv2_error", str(e)))
        else:
            states = tcf_purposes(tc_string.purposes_consent)
            detail.append(("tcfeuv2_purposes_consent", _ids(tc_string.purposes_consent)))
    usp = decoded.section(6)
    if usp is not None:
        us = us_privacy(usp, source)
        detail.extend(d for d in us.detail if d[0] == "opt_out_sale")
        states = states or us.purposes
    opted_out = False
    for number, section in decoded.sections:
        try:
            opt_outs = us_opt_outs(number, section)
        except ConsentStringError as e:
            detail.append((f"{section_name(number)}_error", str(e)))
            continue
        for name, value in opt_outs or ():
            detail.append((f"{section_name(number)}_{name}", _OPT_OUT_VALUES[value]))
            opted_out = opted_out or value == 1
    if opted_out and not states:  # an opt-out of sale, sharing or targeted advertising
        states = (("marketing", "denied"),)
    return Reading(kind="gpp", detail=tuple(detail), purposes=states)


_OPT_OUT_VALUES: Final = ("not applicable", "opted out", "did not opt out")


# Ad servers write consent parameters into URL templates; a macro the page never filled
# in (``${GDPR_CONSENT_755}``, ``[gdpr_consent]``, ``%%GDPR%%``) says no more than an
# empty value.
_MACRO = re.compile(r"\$?\{[^{}]*\}|\[[^\[\]]*\]|%%[^%]*%%")


def _given(value: str | None) -> str | None:
    """Return a parameter's value, or ``None`` when it is absent, empty or an unfilled macro."""
    if value is None:
        return None
    text = value.strip()
    return None if not text or _MACRO.fullmatch(text) else text


def read_parameters(params: Sequence[tuple[str, str]]) -> list[Reading]:
    """Read the consent signals among a URL's query parameters.

    A parameter that is empty or holds an unfilled macro is no signal: ``gdpr=0&
    gdpr_consent=`` says nothing of consent (``gdpr=1`` alone still says that GDPR applies
    and no consent string was passed).

    >>> [dict(r.purposes) for r in read_parameters([("gcs", "G101")])]
    [{'analytics': 'granted', 'marketing': 'denied'}]
    >>> read_parameters([("gdpr", "0"), ("gdpr_consent", ""), ("gcs", "")])
    []
    """
    by_name = {k.lower(): v for k, v in params}
    readings = []
    consent, applies = _given(by_name.get("gdpr_consent")), _given(by_name.get("gdpr"))
    if consent is not None:
        reading = tcf_reading(consent, "parameter")
        readings.append(
            Reading(
                kind=reading.kind,
                purposes=reading.purposes,
                detail=(*reading.detail, ("gdpr", applies or "")),
            )
        )
    elif applies == "1":
        readings.append(
            Reading(
                kind="tcf-v2",
                detail=(("source", "parameter"), ("gdpr", "1"), ("consent", "absent")),
            )
        )
    gcs, gcd = _given(by_name.get("gcs")), _given(by_name.get("gcd"))
    if gcs is not None or gcd is not None:
        readings.append(_consent_mode(gcs, gcd))
    privacy = _given(by_name.get("us_privacy"))
    if privacy is not None:
        readings.append(us_privacy(privacy, "parameter"))
    string = _given(by_name.get("gpp"))
    if string is not None:
        readings.append(gpp(string, by_name.get("gpp_sid", ""), "parameter"))
    return readings


def read_gpc(value: str | None) -> Reading | None:
    """Read a ``Sec-GPC`` header value: ``1`` is an opt-out of selling and sharing."""
    if value is None or value.strip() != "1":
        return None
    return Reading(
        kind="gpc", detail=(("header", "Sec-GPC: 1"),), purposes=(("marketing", "denied"),)
    )

"""Read consent signals: CMP cookies, TCF and GPP strings, consent mode, US privacy, GPC.

Each reader turns one raw value into a :class:`Reading`: its kind, decoded detail, and the
state it gives each consent purpose. Unknown or undecodable values give ``None`` or a
reading without purpose states; nothing here raises on damaged input.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, Literal, TypeAlias
from urllib.parse import parse_qsl, unquote

from attrs import frozen

from tagsig._tcf import TCString, parse_tc_string

__all__ = [
    "PURPOSES",
    "Purpose",
    "PurposeState",
    "Reading",
    "consent_cookies",
    "read_cookies",
    "read_gpc",
    "read_parameters",
    "tcf_purposes",
]

Purpose: TypeAlias = Literal["analytics", "functional", "marketing", "personalization"]
"""A consent purpose that may need the visitor's consent."""
PurposeState: TypeAlias = Literal["granted", "denied", "unknown"]
"""The state of a purpose at a moment of a capture."""
PURPOSES: Final[tuple[Purpose, ...]] = ("analytics", "functional", "marketing",
                                        "personalization")

_States = tuple[tuple[Purpose, PurposeState], ...]


@frozen(kw_only=True)
class Reading:
    """What one consent value says."""

    kind: str
    """The signal kind (``onetrust``, ``tcf-v2``, ``google-consent-mode``, ``gpc``, ...)."""
    detail: tuple[tuple[str, str], ...] = ()
    """Decoded detail as ``(key, value)`` pairs."""
    purposes: _States = ()
    """The purposes it grants or denies; purposes it says nothing of are absent."""
    decided: datetime | None = None
    """When the visitor decided, where the value records it (earlier than first seen)."""
    primary: bool = True
    """``False`` for signals a tag reports about itself (consent mode), which count only
    when a capture carries no consent-manager signal."""


def _all(state: PurposeState) -> _States:
    return tuple((p, state) for p in PURPOSES)


def _bool_state(value: object) -> PurposeState:
    if value in {True, "1", "true", "yes", "allow", "allowed", "granted"}:
        return "granted"
    if value in {False, "0", "false", "no", "deny", "denied"}:
        return "denied"
    return "unknown"


def _states(mapping: Mapping[Purpose, PurposeState]) -> _States:
    return tuple((p, mapping[p]) for p in PURPOSES if mapping.get(p, "unknown") != "unknown")


def _json(text: str) -> Any:
    for candidate in (text, unquote(text)):
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return None


def _b64json(text: str) -> Any:
    cleaned = unquote(text).strip().replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
        return json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError):
        return None


def _time(value: object) -> datetime | None:
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


def tcf_purposes(consented: Iterable[int]) -> _States:
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
    return _states(result)


def _ids(values: Iterable[int]) -> str:
    return ",".join(str(v) for v in values)


def _tcf_reading(text: str, source: str) -> Reading:
    decoded: TCString | None = parse_tc_string(text) if text else None
    if decoded is None:
        return Reading(kind="tcf-v2", detail=(("source", source), (
            "error", "the consent string cannot be decoded" if text else "empty")))
    return Reading(kind="tcf-v2", detail=(
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
    ), purposes=tcf_purposes(decoded.purposes_consent))


# --- Consent managers' own cookies. --------------------------------------------------------

_ONETRUST_GROUPS: Final[dict[str, tuple[Purpose, ...]]] = {
    "C0002": ("analytics",),
    "C0003": ("functional", "personalization"),
    "C0004": ("marketing",),
    "C0005": ("marketing",),
}


def _onetrust(cookies: Mapping[str, str]) -> Reading | None:
    value = cookies.get("OptanonConsent")
    if value is None:
        return None
    fields = dict(parse_qsl(value, keep_blank_values=True))
    states: dict[Purpose, PurposeState] = {}
    for item in fields.get("groups", "").split(","):
        group, _, flag = item.partition(":")
        for purpose in _ONETRUST_GROUPS.get(group.strip(), ()):
            state = _bool_state(flag.strip())
            # A purpose spread over several groups is granted only when all of them are.
            if states.get(purpose) != "denied":
                states[purpose] = state
    closed = cookies.get("OptanonAlertBoxClosed")
    detail = [("groups", fields.get("groups", ""))]
    detail.extend((key, fields[key]) for key in ("interactionCount", "isGpcEnabled")
                  if key in fields)
    if closed is not None:
        detail.append(("banner_closed", unquote(closed)))
    return Reading(kind="onetrust", detail=tuple(detail), purposes=_states(states),
                   decided=_time(unquote(closed)) if closed else None)


_COOKIEBOT_FIELD = re.compile(r"(\w+):('?)([^,'}]*)\2")
_COOKIEBOT: Final[dict[str, tuple[Purpose, ...]]] = {
    "preferences": ("functional", "personalization"),
    "statistics": ("analytics",),
    "marketing": ("marketing",),
}


def _cookiebot(cookies: Mapping[str, str]) -> Reading | None:
    value = cookies.get("CookieConsent")
    if value is None:
        return None
    fields = {m[0]: m[2] for m in _COOKIEBOT_FIELD.findall(unquote(value))}
    states: dict[Purpose, PurposeState] = {}
    for key, purposes in _COOKIEBOT.items():
        for purpose in purposes:
            states[purpose] = _bool_state(fields.get(key))
    detail = tuple((k, fields[k]) for k in ("necessary", "preferences", "statistics",
                                            "marketing", "method", "region") if k in fields)
    return Reading(kind="cookiebot", detail=detail, purposes=_states(states),
                   decided=_time(fields.get("utc", "")))


_DIDOMI_NAMES: Final[dict[str, int]] = {
    "cookies": 1, "select_basic_ads": 2, "create_ads_profile": 3,
    "select_personalized_ads": 4, "create_content_profile": 5,
    "select_personalized_content": 6, "measure_ad_performance": 7,
    "measure_content_performance": 8, "market_research": 9, "improve_products": 10,
}


def _didomi(cookies: Mapping[str, str]) -> Reading | None:
    value = cookies.get("didomi_token")
    if value is None:
        return None
    token = _b64json(value)
    if not isinstance(token, dict):
        return Reading(kind="didomi", detail=(("error", "the token cannot be decoded"),))
    purposes = token.get("purposes")
    enabled = purposes.get("enabled", []) if isinstance(purposes, dict) else []
    ids = {_DIDOMI_NAMES.get(str(p), int(p) if str(p).isdigit() else 0) for p in enabled}
    return Reading(kind="didomi", detail=(("purposes_enabled", ",".join(map(str, enabled))),),
                   purposes=tcf_purposes(ids) if isinstance(purposes, dict) else (),
                   decided=_time(token.get("updated")))


_LEVELS: Final[dict[int, tuple[Purpose, ...]]] = {
    1: ("functional", "analytics"),
    2: ("marketing", "personalization"),
}


def _trustarc(cookies: Mapping[str, str]) -> Reading | None:
    prefs = cookies.get("notice_gdpr_prefs")
    if prefs is None:
        permit = cookies.get("cmapi_cookie_privacy")
        if permit is None:
            return None
        # "permit 1,2,3": 1 required, 2 functional, 3 advertising (one above the prefs').
        levels = {int(x) - 1 for x in re.findall(r"\d+", unquote(permit))}
        prefs = permit
    else:
        levels = {int(x) for x in re.findall(r"\d+", unquote(prefs).split(":")[0])}
    states: dict[Purpose, PurposeState] = {}
    for level, purposes in _LEVELS.items():
        for purpose in purposes:
            states[purpose] = "granted" if level in levels else "denied"
    return Reading(kind="trustarc", detail=(("preferences", unquote(prefs)),),
                   purposes=_states(states))


_COMPLIANZ: Final[dict[str, tuple[Purpose, ...]]] = {
    "cmplz_functional": ("functional",),
    "cmplz_preferences": ("personalization",),
    "cmplz_statistics": ("analytics",),
    "cmplz_marketing": ("marketing",),
}


def _complianz(cookies: Mapping[str, str]) -> Reading | None:
    found = {name: cookies[name] for name in _COMPLIANZ if name in cookies}
    if not found:
        return None
    states = {p: _bool_state(value) for name, value in found.items()
              for p in _COMPLIANZ[name]}
    return Reading(kind="complianz", detail=tuple(sorted(found.items())),
                   purposes=_states(states))


_COOKIEYES: Final[dict[str, tuple[Purpose, ...]]] = {
    "functional": ("functional", "personalization"),
    "analytics": ("analytics",),
    "advertisement": ("marketing",),
}


def _cookieyes(cookies: Mapping[str, str]) -> Reading | None:
    value = cookies.get("cookieyes-consent")
    if value is None:
        return None
    fields = dict(item.partition(":")[::2] for item in unquote(value).split(","))
    states = {p: _bool_state(fields.get(key)) for key, ps in _COOKIEYES.items() for p in ps}
    detail = tuple((k, fields[k]) for k in ("action", "consent", *_COOKIEYES) if k in fields)
    return Reading(kind="cookieyes", detail=detail, purposes=_states(states))


_COOKIEFIRST: Final[dict[str, tuple[Purpose, ...]]] = {
    "functional": ("functional", "personalization"),
    "performance": ("analytics",),
    "advertising": ("marketing",),
}


def _cookiefirst(cookies: Mapping[str, str]) -> Reading | None:
    value = cookies.get("cookiefirst-consent")
    if value is None:
        return None
    data = _json(value)
    if not isinstance(data, dict):
        return Reading(kind="cookiefirst", detail=(("error", "the value is not JSON"),))
    states = {p: _bool_state(data.get(k)) for k, ps in _COOKIEFIRST.items() for p in ps}
    return Reading(kind="cookiefirst", purposes=_states(states), detail=tuple(
        (k, str(data[k]).lower()) for k in _COOKIEFIRST if k in data),
        decided=_time(data.get("timestamp")))


_IUBENDA: Final[dict[str, tuple[Purpose, ...]]] = {
    "2": ("functional",), "3": ("personalization",), "4": ("analytics",),
    "5": ("marketing",),
}


_IUBENDA_PREFIX: Final = "_iub_cs-"


def _iubenda(cookies: Mapping[str, str]) -> Reading | None:
    name = next((n for n in cookies if n.startswith(_IUBENDA_PREFIX)), None)
    if name is None:
        return None
    data = _json(cookies[name])
    purposes = data.get("purposes") if isinstance(data, dict) else None
    if not isinstance(purposes, dict):
        return Reading(kind="iubenda", detail=(("error", "no purposes in the cookie"),))
    states = {p: _bool_state(purposes.get(k)) for k, ps in _IUBENDA.items() for p in ps}
    return Reading(kind="iubenda", detail=tuple(
        (k, str(v).lower()) for k, v in sorted(purposes.items())),
        purposes=_states(states), decided=_time(data.get("timestamp")))


def _per_service(kind: str, name: str) -> Callable[[Mapping[str, str]], Reading | None]:
    """Return a reader of a cookie holding per-service booleans as JSON (Klaro, Axeptio)."""

    def read(cookies: Mapping[str, str]) -> Reading | None:
        if name not in cookies:
            return None
        data = _json(cookies[name])
        if not isinstance(data, dict):
            return Reading(kind=kind, detail=(("error", "the value is not JSON"),))
        services = {k: v for k, v in data.items() if not k.startswith("$$")
                    and isinstance(v, bool)}
        granted = sorted(k for k, v in services.items() if v)
        refused = sorted(k for k, v in services.items() if not v)
        states: _States = ()
        if services and not refused:
            states = _all("granted")
        elif services and not granted:
            states = _all("denied")
        return Reading(kind=kind, purposes=states, decided=_time(data.get("$$date")),
                       detail=(("granted", ",".join(granted)), ("refused", ",".join(refused))))

    return read


def _borlabs(cookies: Mapping[str, str]) -> Reading | None:
    value = cookies.get("borlabs-cookie")
    if value is None:
        return None
    data = _json(value)
    groups = data.get("consents") if isinstance(data, dict) else None
    if not isinstance(groups, dict):
        return Reading(kind="borlabs", detail=(("error", "no consents in the cookie"),))
    states: dict[Purpose, PurposeState] = {
        "analytics": "granted" if "statistics" in groups else "denied",
        "marketing": "granted" if "marketing" in groups else "denied",
    }
    return Reading(kind="borlabs", detail=(("groups", ",".join(sorted(groups))),),
                   purposes=_states(states))


def _presence(kind: str, name: str) -> Callable[[Mapping[str, str]], Reading | None]:
    """Return a reader of a cookie recording that a decision was made, not what it was."""

    def read(cookies: Mapping[str, str]) -> Reading | None:
        if name not in cookies:
            return None
        return Reading(kind=kind, detail=(("cookie", name),))

    return read


def _us_privacy(value: str, source: str) -> Reading:
    text = unquote(value).strip().upper()
    detail = [("source", source), ("string", text)]
    states: _States = ()
    if len(text) == 4 and text[0] == "1":
        detail += [("notice", text[1]), ("opt_out_sale", text[2]), ("lspa", text[3])]
        if text[2] == "Y":
            states = (("marketing", "denied"),)
    return Reading(kind="us-privacy", detail=tuple(detail), purposes=states)


_CMP_READERS: Final[tuple[Callable[[Mapping[str, str]], Reading | None], ...]] = (
    _onetrust, _cookiebot, _didomi, _trustarc, _complianz, _cookieyes, _cookiefirst,
    _iubenda, _borlabs,
    _per_service("klaro", "klaro"),
    _per_service("axeptio", "axeptio_cookies"),
    _presence("usercentrics", "uc_user_interaction"),
    _presence("sourcepoint", "consentUUID"),
    _presence("quantcast-choice", "addtl_consent"),
)


_READ_COOKIES: Final = frozenset({
    "OptanonConsent", "OptanonAlertBoxClosed", "CookieConsent", "didomi_token",
    "notice_gdpr_prefs", "cmapi_cookie_privacy", *_COMPLIANZ, "cookieyes-consent",
    "cookiefirst-consent", "borlabs-cookie", "klaro", "axeptio_cookies",
    "uc_user_interaction", "consentUUID", "addtl_consent", "euconsent-v2", "usprivacy",
    "us_privacy", "__gpp", "__gpp_sid",
})
"""Every cookie :func:`read_cookies` looks at (with those named ``_iub_cs-...``)."""


def consent_cookies(cookies: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Return the cookies :func:`read_cookies` looks at, in order.

    Read alone they give the same readings as all the cookies sent with them; they
    change far less often than the others (session and analytics identifiers).

    >>> consent_cookies([("_ga", "GA1.2.3"), ("usprivacy", "1YNN")])
    (('usprivacy', '1YNN'),)
    """
    return tuple((name, value) for name, value in cookies
                 if name in _READ_COOKIES or name.startswith(_IUBENDA_PREFIX))


def read_cookies(cookies: Sequence[tuple[str, str]]) -> list[Reading]:
    """Read the consent signals among ``cookies`` (``(name, value)`` pairs sent together).

    >>> [r.kind for r in read_cookies([("euconsent-v2", "x"), ("usprivacy", "1YYN")])]
    ['tcf-v2', 'us-privacy']
    """
    by_name = dict(cookies)
    readings = [reading for reader in _CMP_READERS if (reading := reader(by_name))]
    if "euconsent-v2" in by_name:
        readings.append(_tcf_reading(unquote(by_name["euconsent-v2"]), "cookie"))
    readings.extend(_us_privacy(by_name[name], "cookie")
                    for name in ("usprivacy", "us_privacy") if name in by_name)
    if "__gpp" in by_name:
        readings.append(_gpp(unquote(by_name["__gpp"]), by_name.get("__gpp_sid", ""),
                             "cookie"))
    return readings


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
            states["marketing"] = _bool_state(gcs[2])
            states["analytics"] = _bool_state(gcs[3])
    if gcd is not None:
        detail.append(("gcd", gcd))
        letters = gcd[2:10:2]
        for key, letter in zip(_GCD_KEYS, letters, strict=False):
            state: PurposeState = ("granted" if letter in _GCD_GRANTED else
                                   "denied" if letter in _GCD_DENIED else "unknown")
            detail.append((key, state))
            # gcs, when present, already gives the storage states directly.
            if gcs is None and key == "ad_storage" and state != "unknown":
                states["marketing"] = state
            if gcs is None and key == "analytics_storage" and state != "unknown":
                states["analytics"] = state
    return Reading(kind="google-consent-mode", detail=tuple(detail), purposes=_states(states),
                   primary=False)


_GPP_SECTIONS: Final[dict[int, str]] = {
    2: "tcfeuv2", 3: "gppheader", 5: "tcfcav1", 6: "uspv1", 7: "usnat", 8: "usca",
    9: "usva", 10: "usco", 11: "usut", 12: "usct",
}


def _gpp(text: str, sid: str, source: str) -> Reading:
    parts = text.split("~")
    ids = [int(x) for x in re.findall(r"\d+", sid)]
    detail = [("source", source), ("sections", ",".join(
        _GPP_SECTIONS.get(i, str(i)) for i in ids))]
    states: _States = ()
    if 2 in ids and len(parts) > ids.index(2) + 1:
        decoded = parse_tc_string(parts[ids.index(2) + 1])
        if decoded is not None:
            states = tcf_purposes(decoded.purposes_consent)
            detail.append(("tcfeuv2_purposes_consent", _ids(decoded.purposes_consent)))
    if 6 in ids and len(parts) > ids.index(6) + 1:
        us = _us_privacy(parts[ids.index(6) + 1], source)
        detail.extend(d for d in us.detail if d[0] == "opt_out_sale")
        states = states or us.purposes
    return Reading(kind="gpp", detail=tuple(detail), purposes=states)


def read_parameters(params: Sequence[tuple[str, str]]) -> list[Reading]:
    """Read the consent signals among a URL's query parameters.

    >>> [dict(r.purposes) for r in read_parameters([("gcs", "G101")])]
    [{'analytics': 'granted', 'marketing': 'denied'}]
    """
    by_name = {k.lower(): v for k, v in params}
    readings = []
    if "gdpr_consent" in by_name:
        reading = _tcf_reading(by_name["gdpr_consent"], "parameter")
        readings.append(Reading(kind=reading.kind, purposes=reading.purposes,
                                detail=(*reading.detail, ("gdpr", by_name.get("gdpr", "")))))
    elif by_name.get("gdpr") == "1":
        readings.append(Reading(kind="tcf-v2", detail=(("source", "parameter"),
                                                       ("gdpr", "1"), ("consent", "absent"))))
    if "gcs" in by_name or "gcd" in by_name:
        readings.append(_consent_mode(by_name.get("gcs"), by_name.get("gcd")))
    if by_name.get("us_privacy"):
        readings.append(_us_privacy(by_name["us_privacy"], "parameter"))
    if by_name.get("gpp"):
        readings.append(_gpp(by_name["gpp"], by_name.get("gpp_sid", ""), "parameter"))
    return readings


def read_gpc(value: str | None) -> Reading | None:
    """Read a ``Sec-GPC`` header value: ``1`` is an opt-out of selling and sharing."""
    if value is None or value.strip() != "1":
        return None
    return Reading(kind="gpc", detail=(("header", "Sec-GPC: 1"),),
                   purposes=(("marketing", "denied"),))

"""Read the consent managers' own cookies: what each says of the consent purposes.

One reader per consent manager (OneTrust, Cookiebot, Didomi, TrustArc, Complianz,
CookieYes, CookieFirst, iubenda, Borlabs, Klaro, Axeptio) and presence readers for those
whose cookies only record that the visitor decided; the TCF, US privacy and GPP strings
that some managers keep in cookies are decoded by the readers in
:mod:`tagsig._compliance.consent.signals`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import repeat
from typing import Final
from urllib.parse import parse_qsl, unquote

from tagsig._compliance.consent.signals import (
    Purpose,
    PurposeState,
    Reading,
    States,
    all_states,
    b64json_value,
    bool_state,
    decision_time,
    gpp,
    json_value,
    purpose_states,
    tcf_purposes,
    tcf_reading,
    us_privacy,
)

__all__ = ["consent_cookies", "names_consent_cookie", "read_cookies"]


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
            state = bool_state(flag.strip())
            # A purpose spread over several groups is granted only when all of them are.
            if states.get(purpose) != "denied":
                states[purpose] = state
    closed = cookies.get("OptanonAlertBoxClosed")
    detail = [("groups", fields.get("groups", ""))]
    detail.extend(
        (key, fields[key]) for key in ("interactionCount", "isGpcEnabled") if key in fields
    )
    if closed is not None:
        detail.append(("banner_closed", unquote(closed)))
    return Reading(
        kind="onetrust",
        detail=tuple(detail),
        purposes=purpose_states(states),
        decided=decision_time(unquote(closed)) if closed else None,
    )


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
            states[purpose] = bool_state(fields.get(key))
    detail = tuple(
        (k, fields[k])
        for k in ("necessary", "preferences", "statistics", "marketing", "method", "region")
        if k in fields
    )
    return Reading(
        kind="cookiebot",
        detail=detail,
        purposes=purpose_states(states),
        decided=decision_time(fields.get("utc", "")),
    )


_DIDOMI_NAMES: Final[dict[str, int]] = {
    "cookies": 1,
    "select_basic_ads": 2,
    "create_ads_profile": 3,
    "select_personalized_ads": 4,
    "create_content_profile": 5,
    "select_personalized_content": 6,
    "measure_ad_performance": 7,
    "measure_content_performance": 8,
    "market_research": 9,
    "improve_products": 10,
}


def _didomi(cookies: Mapping[str, str]) -> Reading | None:
    value = cookies.get("didomi_token")
    if value is None:
        return None
    token = b64json_value(value)
    if not isinstance(token, dict):
        return Reading(kind="didomi", detail=(("error", "the token cannot be decoded"),))
    purposes = token.get("purposes")
    enabled = purposes.get("enabled", []) if isinstance(purposes, dict) else []
    ids = {_DIDOMI_NAMES.get(str(p), int(p) if str(p).isdigit() else 0) for p in enabled}
    return Reading(
        kind="didomi",
        detail=(("purposes_enabled", ",".join(map(str, enabled))),),
        purposes=tcf_purposes(ids) if isinstance(purposes, dict) else (),
        decided=decision_time(token.get("updated")),
    )


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
    return Reading(
        kind="trustarc", detail=(("preferences", unquote(prefs)),), purposes=purpose_states(states)
    )


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
    states = {p: bool_state(value) for name, value in found.items() for p in _COMPLIANZ[name]}
    return Reading(
        kind="complianz", detail=tuple(sorted(found.items())), purposes=purpose_states(states)
    )


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
    states = {p: bool_state(fields.get(key)) for key, ps in _COOKIEYES.items() for p in ps}
    detail = tuple((k, fields[k]) for k in ("action", "consent", *_COOKIEYES) if k in fields)
    return Reading(kind="cookieyes", detail=detail, purposes=purpose_states(states))


_COOKIEFIRST: Final[dict[str, tuple[Purpose, ...]]] = {
    "functional": ("functional", "personalization"),
    "performance": ("analytics",),
    "advertising": ("marketing",),
}


def _cookiefirst(cookies: Mapping[str, str]) -> Reading | None:
    value = cookies.get("cookiefirst-consent")
    if value is None:
        return None
    data = json_value(value)
    if not isinstance(data, dict):
        return Reading(kind="cookiefirst", detail=(("error", "the value is not JSON"),))
    states = {p: bool_state(data.get(k)) for k, ps in _COOKIEFIRST.items() for p in ps}
    return Reading(
        kind="cookiefirst",
        purposes=purpose_states(states),
        detail=tuple((k, str(data[k]).lower()) for k in _COOKIEFIRST if k in data),
        decided=decision_time(data.get("timestamp")),
    )


_IUBENDA: Final[dict[str, tuple[Purpose, ...]]] = {
    "2": ("functional",),
    "3": ("personalization",),
    "4": ("analytics",),
    "5": ("marketing",),
}


_IUBENDA_PREFIX: Final = "_iub_cs-"


def _iubenda(cookies: Mapping[str, str]) -> Reading | None:
    name = next((n for n in cookies if n.startswith(_IUBENDA_PREFIX)), None)
    if name is None:
        return None
    data = json_value(cookies[name])
    purposes = data.get("purposes") if isinstance(data, dict) else None
    if not isinstance(purposes, dict):
        return Reading(kind="iubenda", detail=(("error", "no purposes in the cookie"),))
    states = {p: bool_state(purposes.get(k)) for k, ps in _IUBENDA.items() for p in ps}
    return Reading(
        kind="iubenda",
        detail=tuple((k, str(v).lower()) for k, v in sorted(purposes.items())),
        purposes=purpose_states(states),
        decided=decision_time(data.get("timestamp")),
    )


def _per_service(kind: str, name: str) -> Callable[[Mapping[str, str]], Reading | None]:
    """Return a reader of a cookie holding per-service booleans as JSON (Klaro, Axeptio)."""

    def read(cookies: Mapping[str, str]) -> Reading | None:
        if name not in cookies:
            return None
        data = json_value(cookies[name])
        if not isinstance(data, dict):
            return Reading(kind=kind, detail=(("error", "the value is not JSON"),))
        services = {k: v for k, v in data.items() if not k.startswith("$$") and isinstance(v, bool)}
        granted = sorted(k for k, v in services.items() if v)
        refused = sorted(k for k, v in services.items() if not v)
        states: States = ()
        if services and not refused:
            states = all_states("granted")
        elif services and not granted:
            states = all_states("denied")
        return Reading(
            kind=kind,
            purposes=states,
            decided=decision_time(data.get("$$date")),
            detail=(("granted", ",".join(granted)), ("refused", ",".join(refused))),
        )

    return read


def _borlabs(cookies: Mapping[str, str]) -> Reading | None:
    value = cookies.get("borlabs-cookie")
    if value is None:
        return None
    data = json_value(value)
    groups = data.get("consents") if isinstance(data, dict) else None
    if not isinstance(groups, dict):
        return Reading(kind="borlabs", detail=(("error", "no consents in the cookie"),))
    states: dict[Purpose, PurposeState] = {
        "analytics": "granted" if "statistics" in groups else "denied",
        "marketing": "granted" if "marketing" in groups else "denied",
    }
    return Reading(
        kind="borlabs",
        detail=(("groups", ",".join(sorted(groups))),),
        purposes=purpose_states(states),
    )


def _presence(kind: str, name: str) -> Callable[[Mapping[str, str]], Reading | None]:
    """Return a reader of a cookie recording that a decision was made, not what it was."""

    def read(cookies: Mapping[str, str]) -> Reading | None:
        if name not in cookies:
            return None
        return Reading(kind=kind, detail=(("cookie", name),))

    return read


_CMP_READERS: Final[tuple[Callable[[Mapping[str, str]], Reading | None], ...]] = (
    _onetrust,
    _cookiebot,
    _didomi,
    _trustarc,
    _complianz,
    _cookieyes,
    _cookiefirst,
    _iubenda,
    _borlabs,
    _per_service("klaro", "klaro"),
    _per_service("axeptio", "axeptio_cookies"),
    _presence("usercentrics", "uc_user_interaction"),
    _presence("sourcepoint", "consentUUID"),
    _presence("quantcast-choice", "addtl_consent"),
)


_READ_COOKIES: Final = frozenset(
    {
        "OptanonConsent",
        "OptanonAlertBoxClosed",
        "CookieConsent",
        "didomi_token",
        "notice_gdpr_prefs",
        "cmapi_cookie_privacy",
        *_COMPLIANZ,
        "cookieyes-consent",
        "cookiefirst-consent",
        "borlabs-cookie",
        "klaro",
        "axeptio_cookies",
        "uc_user_interaction",
        "consentUUID",
        "addtl_consent",
        "euconsent-v2",
        "usprivacy",
        "us_privacy",
        "__gpp",
        "__gpp_sid",
    }
)
"""Every cookie :func:`read_cookies` looks at (with those named ``_iub_cs-...``)."""


def consent_cookies(cookies: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Return the cookies :func:`read_cookies` looks at, in order.

    Read alone they give the same readings as all the cookies sent with them; they
    change far less often than the others (session and analytics identifiers).

    >>> consent_cookies([("_ga", "GA1.2.3"), ("usprivacy", "1YNN")])
    (('usprivacy', '1YNN'),)
    """
    return tuple(
        (name, value)
        for name, value in cookies
        if name in _READ_COOKIES or name.startswith(_IUBENDA_PREFIX)
    )


def names_consent_cookie(names: Sequence[str]) -> bool:
    """Whether any of ``names`` is a cookie :func:`read_cookies` looks at.

    >>> names_consent_cookie(["_ga", "_iub_cs-123"]), names_consent_cookie(["_ga", "_gid"])
    (True, False)
    """
    # Set and string operations only: most requests send and set no consent cookie.
    return not _READ_COOKIES.isdisjoint(names) or any(
        map(str.startswith, names, repeat(_IUBENDA_PREFIX))
    )


def read_cookies(cookies: Sequence[tuple[str, str]]) -> list[Reading]:
    """Read the consent signals among ``cookies`` (``(name, value)`` pairs sent together).

    >>> [r.kind for r in read_cookies([("euconsent-v2", "x"), ("usprivacy", "1YYN")])]
    ['tcf-v2', 'us-privacy']
    """
    by_name = dict(cookies)
    readings = [reading for reader in _CMP_READERS if (reading := reader(by_name))]
    if "euconsent-v2" in by_name:
        readings.append(tcf_reading(unquote(by_name["euconsent-v2"]), "cookie"))
    readings.extend(
        us_privacy(by_name[name], "cookie")
        for name in ("usprivacy", "us_privacy")
        if name in by_name
    )
    if "__gpp" in by_name:
        readings.append(gpp(unquote(by_name["__gpp"]), by_name.get("__gpp_sid", ""), "cookie"))
    return readings

"""Vendor checks: the catalogue's common mistakes that a capture can show.

Each check is registered under the id that signatures name in ``checks`` and sees one
tag's requests and cookies.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Final

from tagsig._audit.attribute import AttributedEntry
from tagsig._compliance.consent.signals import Purpose, read_parameters
from tagsig._compliance.flags import Count, Evidence, Flag, Severity
from tagsig._compliance.messages import make_flag, phrase
from tagsig._compliance.rules.base import (
    MAX_EVIDENCE,
    RuleContext,
    TagView,
    VendorCheck,
    entry_evidence,
)
from tagsig._compliance.rules.personal import find_personal_data, mask_value
from tagsig._compliance.rules.text import parse_query

__all__ = ["VENDOR_CHECKS"]

_INTERCOM_PING: Final = re.compile(r"^api-iam(\.[a-z]{2})?\.intercom\.io$")
_MASK_KEYS: Final = frozenset(
    {
        "maskallinputs",
        "mask_all_inputs",
        "maskalltext",
        "mask_all_text",
        "maskinputs",
        "mask_inputs",
        "maskalltextinputs",
    }
)
_FALSE: Final = frozenset({"false", "0", "no", "off"})
_MATCHING: Final = re.compile(r"^udf?f?\[([a-z_]+)\]$")


def _values(evidence: list[tuple[str, str]]) -> tuple[Evidence, ...]:
    return tuple(Evidence(kind="value", name=n, value=v) for n, v in evidence[:MAX_EVIDENCE])


def intercom_identity(view: TagView, context: RuleContext) -> Iterator[Flag]:
    """``identity-verification-missing``: the Messenger ping names a user without a hash."""
    hits: list[AttributedEntry] = []
    shown: list[tuple[str, str]] = []
    for attributed in view.entries:
        url = attributed.entry.url
        if not (_INTERCOM_PING.match(url.host) and url.path.startswith("/messenger/web/ping")):
            continue
        params = dict(context.params(attributed.entry))
        who = [
            k for k in ("user_data.email", "user_data.user_id", "email", "user_id") if params.get(k)
        ]
        hashed = params.get("user_data.user_hash") or params.get("user_hash")
        if who and not hashed:
            hits.append(attributed)
            shown.extend((k, mask_value(params[k])) for k in who)
    if hits:
        names = sorted({k.rpartition(".")[2] for k, _ in shown})
        yield make_flag(
            rule="identity-verification-missing",
            severity="high",
            evidence=entry_evidence(hits) + _values(list(dict.fromkeys(shown))),
            tag=view.signature.name,
            fields=", ".join(names),
            requests=Count(len(hits), "request"),
        )


def intercom_everywhere(view: TagView, context: RuleContext) -> Iterator[Flag]:
    """``loaded-on-every-page``: the widget loads on every page, yet nobody chatted."""
    if any("/conversations" in a.entry.url.path for a in view.entries):
        return
    for position, capture in enumerate(context.attribution.captures):
        pages = {e.pageref for e in capture.entries if e.pageref is not None}
        mine = [a for a in view.entries if a.ref.input == position]
        if len(pages) >= 2 and {a.entry.pageref for a in mine} >= pages:
            yield make_flag(
                rule="loaded-on-every-page",
                severity="info",
                evidence=entry_evidence(mine),
                tag=view.signature.name,
                pages=len(pages),
                capture=capture.source,
            )


def ga_ip_anonymization(view: TagView, context: RuleContext) -> Iterator[Flag]:
    """``ga-ip-anonymization-missing``: Universal Analytics hits without ``aip=1``."""
    hits = []
    for attributed in view.entries:
        url = attributed.entry.url
        if url.path not in {"/collect", "/r/collect", "/j/collect", "/__utm.gif"}:
            continue
        params = dict(context.params(attributed.entry))
        if params.get("v") == "1" and params.get("aip") not in {"1", "true"}:
            hits.append(attributed)
    if hits:
        yield make_flag(
            rule="ga-ip-anonymization-missing",
            severity="low",
            evidence=entry_evidence(hits),
            tag=view.signature.name,
            hits=Count(len(hits), "Universal Analytics hit"),
        )


def _personal(
    view: TagView, context: RuleContext, *, rule: str, severity: Severity
) -> Iterator[Flag]:
    """Flag personal data in a tag's requests; the note of ``rule``'s template says why."""
    hits: list[AttributedEntry] = []
    shown: list[tuple[str, str]] = []
    for attributed in view.entries:
        params = context.params(attributed.entry)
        found = find_personal_data(params, known_hashes={})
        enhanced = [(n, v) for n, v in params if n == "em" and v.startswith("tv.")]
        if found or enhanced:
            hits.append(attributed)
            shown.extend((p.name, f"{p.kind}: {p.value}") for p in found)
            shown.extend((n, mask_value(v)) for n, v in enhanced)
    if hits:
        yield make_flag(
            rule=rule,
            severity=severity,
            message_id="personal-data",
            evidence=entry_evidence(hits) + _values(list(dict.fromkeys(shown))),
            tag=view.signature.name,
            requests=Count(len(hits), "request"),
            note=phrase(f"{rule}.note"),
        )


def ga_personal_data(view: TagView, context: RuleContext) -> Iterator[Flag]:
    """``ga-personal-data``: e-mail addresses or phone numbers in Google Analytics hits."""
    yield from _personal(view, context, rule="ga-personal-data", severity="high")


def google_ads_personal_data(view: TagView, context: RuleContext) -> Iterator[Flag]:
    """``google-ads-personal-data``: user data (enhanced conversions) sent to Google Ads."""
    yield from _personal(view, context, rule="google-ads-personal-data", severity="medium")


def meta_advanced_matching(view: TagView, context: RuleContext) -> Iterator[Flag]:
    """``meta-advanced-matching``: ``ud[em]``, ``ud[ph]`` and other customer data to Meta."""
    hits: list[AttributedEntry] = []
    fields: set[str] = set()
    for attributed in view.entries:
        found = {
            m.group(1)
            for n, v in context.params(attributed.entry)
            if v and (m := _MATCHING.match(n))
        }
        if found:
            hits.append(attributed)
            fields |= found
    if hits:
        yield make_flag(
            rule="meta-advanced-matching",
            severity="medium",
            evidence=entry_evidence(hits)
            + tuple(Evidence(kind="value", name=f"ud[{f}]") for f in sorted(fields)),
            tag=view.signature.name,
            fields=", ".join(sorted(fields)),
            requests=Count(len(hits), "request"),
        )


def session_replay_masking(view: TagView, context: RuleContext) -> Iterator[Flag]:
    """``session-replay-unmasked``: a recorder's settings turn input or text masking off."""
    hits: list[AttributedEntry] = []
    keys: set[str] = set()
    for attributed in view.entries:
        found = {
            n
            for n, v in context.params(attributed.entry)
            if n.rpartition(".")[2].lower() in _MASK_KEYS and v.strip().lower() in _FALSE
        }
        if found:
            hits.append(attributed)
            keys |= found
    if hits:
        yield make_flag(
            rule="session-replay-unmasked",
            severity="medium",
            evidence=entry_evidence(hits),
            tag=view.signature.name,
            settings=", ".join(sorted(keys)),
        )


def consent_mode_disabled(view: TagView, context: RuleContext) -> Iterator[Flag]:
    """``disabled-by-consent-mode``: a Google tag loaded while consent mode denied storage."""
    purpose: Purpose = "analytics" if view.signature.consent == "analytics" else "marketing"
    hits = []
    for attributed in view.entries:
        query = parse_query(attributed.entry.url.query)
        if any(
            reading.kind == "google-consent-mode"
            and dict(reading.purposes).get(purpose) == "denied"
            for reading in read_parameters(query)
        ):
            hits.append(attributed)
    if hits:
        yield make_flag(
            rule="disabled-by-consent-mode",
            severity="info",
            evidence=entry_evidence(hits),
            tag=view.signature.name,
            purpose=phrase(purpose),
            requests=Count(len(hits), "request"),
        )


VENDOR_CHECKS: Final[Mapping[str, VendorCheck]] = {
    "intercom-identity-verification": intercom_identity,
    "intercom-loaded-everywhere": intercom_everywhere,
    "ga-ip-anonymization": ga_ip_anonymization,
    "ga-pii": ga_personal_data,
    "google-ads-pii": google_ads_personal_data,
    "meta-advanced-matching": meta_advanced_matching,
    "session-replay-masking": session_replay_masking,
    "consent-mode-disabled": consent_mode_disabled,
}
"""The vendor checks, by the id signatures name in ``checks``."""

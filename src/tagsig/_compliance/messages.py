"""The templates of the flags' messages, by stable id, and the one function that renders them.

A rule builds its flag with :func:`make_flag`: the English ``message`` is rendered from the
template and kept on the flag, beside the template's id and values, so a renderer can write
the same message in another language (:func:`message_text`). Each template is an English
gettext message id with named ``{fields}``; a field holds text from the inputs, a number,
a :class:`~tagsig._report.model.Count` (written with its plural form) or a nested
:class:`~tagsig._report.model.Message` (a phrase with its own template).

>>> flag = make_flag(rule="policy-missing-tag", severity="high", where="", tag="hotjar")
>>> flag.message
'The policy requires the tag hotjar, which the inputs do not show.'
>>> message_text(flag.message_id or "", flag.message_args, Translator("ga"))
'Éilíonn an beartas an chlib hotjar, nach bhfuil le feiceáil sna hionchuir.'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, assert_never

from tagsig._compliance.flags import Count, Evidence, Flag, Message, MessageArg, Severity
from tagsig._i18n import N_, Translator

__all__ = ["TEMPLATES", "TRANSLATED_RULES", "count_text", "make_flag", "message_text", "phrase"]

_ENGLISH: Final = Translator("en")

TEMPLATES: Final[Mapping[str, str]] = {
    # Policy rules (_policy.py).
    "policy-denied-tag": N_("{tag} is present although the policy{where} denies it."),
    "policy-unlisted-tag": N_(
        "{tag} ({id}) is present but not among the tags the policy{where} allows."
    ),
    "policy-country": N_(
        "{tag}'s vendor {vendor} is based in {country}, which is not "
        "among the countries the policy{where} allows ({allowed})."
    ),
    "policy-country.unknown": N_(
        "{tag}'s vendor {vendor} is based in a country tagsig does "
        "not know, which is not among the countries the "
        "policy{where} allows ({allowed})."
    ),
    "policy-tag-bytes": N_(
        "{tag} costs {bytes} bytes on one page, more than the {limit} "
        "the policy{where} allows per tag."
    ),
    "policy-missing-tag": N_(
        "The policy{where} requires the tag {tag}, which the inputs do not show."
    ),
    "none": N_("none"),
    # Transfers (_transfer.py).
    "transfer-outside-eea": N_(
        "{tag} sends data to {vendor}, based in {country} (outside the EEA), {basis}."
    ),
    "transfer-outside-eea.adequate": N_("which has an EU adequacy decision"),
    "transfer-outside-eea.dpf": N_(
        "and the vendor is certified under the EU-US Data "
        "Privacy Framework, which the adequacy decision of 10 "
        "July 2023 covers"
    ),
    "transfer-outside-eea.us": N_(
        "and the vendor is not known to be certified under the "
        "EU-US Data Privacy Framework: the transfer needs "
        "safeguards such as standard contractual clauses"
    ),
    "transfer-outside-eea.other": N_(
        "which has no EU adequacy decision: the transfer needs "
        "safeguards such as standard contractual clauses"
    ),
    # Inventory (_inventory.py).
    "unknown-third-party": N_(
        "{host} is a third party no signature knows ({requests}): "
        "review what it is and whether it needs consent."
    ),
    "unknown-third-party.caused": N_(
        "{host} is a third party no signature knows "
        "({requests}, caused by {tags}): review what it is and "
        "whether it needs consent."
    ),
    "over-weight": N_(
        "{tag} costs far more than usual: {problems}. Check for duplicate "
        "installs or extra features."
    ),
    "over-weight.script": N_("{script} kB of script on one page, where {typical} kB is typical"),
    "over-weight.requests": N_("{count} requests on one page, where {typical} is typical"),
    "over-weight.both": N_("{script}; {requests}"),
    # Vendor checks (_vendors.py).
    "identity-verification-missing": N_(
        "{tag}'s Messenger identifies a user ({fields}) without a user_hash in {requests}: "
        "identity verification is off, so anyone who knows a user's e-mail or id can "
        "impersonate them in the Messenger and read their conversations."
    ),
    "loaded-on-every-page": N_(
        "{tag} loads on every one of the {pages} pages of {capture} although no "
        "conversation took place: it reports page views of visitors who never open the "
        "chat. Load it on demand."
    ),
    "ga-ip-anonymization-missing": N_(
        "{tag} sends {hits} without aip=1, so Google receives the full IP address."
    ),
    "personal-data": N_("{tag} received personal data in {requests}; {note}"),
    "ga-personal-data.note": N_(
        "Google Analytics' terms forbid sending personal data such "
        "as e-mail addresses (check page URLs, titles and events)."
    ),
    "google-ads-personal-data.note": N_(
        "enhanced conversions send hashed customer data, "
        "which needs the visitor's consent to ad_user_data."
    ),
    "meta-advanced-matching": N_(
        "{tag} sends advanced matching data ({fields}) in "
        "{requests}: customer data, hashed, that Meta matches to "
        "its users' accounts."
    ),
    "session-replay-unmasked": N_(
        "{tag} records sessions with masking turned off "
        "({settings}): what visitors type may be recorded."
    ),
    "disabled-by-consent-mode": N_(
        "{tag} was loaded but consent mode denied {purpose} "
        "storage in {requests}: it sent cookieless pings, which "
        "still carry the visitor's IP address and browser "
        "details."
    ),
    # Cookie rules (_cookies.py).
    "unjudged": N_(
        "{what} could not be judged: {reasons}, so which cookies the tags sent "
        "and set is unknown. Export with cookies, or pass a cookie jar."
    ),
    "unjudged.cookie-lifetime": N_("Cookie lifetimes"),
    "unjudged.third-party-cookie": N_("Third-party cookies"),
    "unjudged.insecure-cookie": N_("The Secure attribute of cookies"),
    "unjudged.cross-site-tracking": N_("Tracking through cookies"),
    "unjudged.sanitized": N_("{captures} carries no cookie headers (a sanitized export)"),
    "unjudged.sanitized.many": N_("{captures} carry no cookie headers (a sanitized export)"),
    "unjudged.stripped": N_("the producer stripped the cookie values of {captures}"),
    "unjudged.both": N_("{sanitized} and {stripped}"),
    "cookie-lifetime": N_(
        "Cookie {cookie} of {tag} lives {days} days ({how}), longer than {basis}."
    ),
    "cookie-lifetime.observed": N_("observed expiry in {source}"),
    "cookie-lifetime.set-cookie": N_("a Set-Cookie header of {capture}"),
    "cookie-lifetime.documented": N_("documented lifetime; the inputs record no expiry for it"),
    "cookie-lifetime.cnil": N_("the 13 months (395 days) the CNIL recommends"),
    "cookie-lifetime.policy": N_("the policy's maximum of {days} days"),
    "third-party-cookie": N_("{tag} uses {cookies}: {names}."),
    "third-party-cookie.domain": N_("{cookie} ({domain})"),
    "third-party-cookie.sent": N_("{cookie} (sent to a third-party host)"),
    "cross-site-tracking": N_(
        "The identifier in cookie {cookie} of {tag} ({value}) is sent "
        "to {vendors}: {names}; together they can link the visitor's "
        "activity."
    ),
    "cross-site-tracking.own-domain": N_(
        "{tag} keeps cookies on its own domain "
        "({domains}), which recognise the visitor on every "
        "site that embeds it."
    ),
    "insecure-cookie": N_(
        "{tag} sets {cookies} without the Secure attribute ({names}): it "
        "travels over unencrypted connections too."
    ),
    "insecure-cookie.lax": N_(
        "{tag} sets {cookies} without the Secure attribute ({names}): "
        "it travels over unencrypted connections too. {lax} also say "
        "SameSite=None, which browsers reject without Secure."
    ),
    # Personal data (_pii.py).
    "pii-to-third-party": N_("{who} received personal data in {requests}: {items}."),
    "pii-to-third-party.unknown": N_("The unknown third party {host}"),
    "pii.item": N_("{kind} in {name} ({value})"),
    "pii.item.body": N_("{kind} in the body ({value})"),
    "pii.items": N_("{first}; {rest}"),
    "pii.more": N_("{items} and {count} more"),
    "pii.email": N_("e-mail address"),
    "pii.phone": N_("phone number"),
    "pii.identifier": N_("identifier"),
    "pii.hashed": N_("hashed {hash}"),
    "pii.hash-of": N_("{algorithm} of {label}"),
    "pii.hash-of-identifier": N_("{algorithm} of a known identifier"),
    "pii.hash-of-email": N_("{algorithm} hash of an e-mail address"),
    # Consent rules (_consent.py).
    "before-consent": N_("{tag} made {requests} {when}; the first at {time}.{because}"),
    "before-consent.cookies": N_(
        "{tag} made {requests} and set {cookies} {when}; the first at {time}.{because}"
    ),
    "before-consent.before": N_("before consent for {purposes} was given"),
    "before-consent.refused": N_("while consent for {purposes} was refused"),
    "before-consent.either": N_("before consent for {purposes} was given, or after it was refused"),
    "and": N_("{first} and {rest}"),
    "inherited": N_(" It is judged with the purpose of {parts}."),
    "inherited.and": N_("{first} and of {rest}"),
    "inherited.part": N_("{source}, which loaded it"),
    "inherited.through": N_("{source}, which loaded it through {tags}"),
    "unproven": N_(
        "{message} This is not proven: {how} ({sources}), so a consent kept in a "
        "cookie cannot be seen, and the requests may have come after consent was "
        "given; a capture exported with cookies shows it."
    ),
    "unproven.stripped": N_("the producer stripped the values of the capture's cookie headers"),
    "unproven.sanitized": N_("the capture carries no cookie headers (a sanitized export)"),
    "no-consent-signal": N_(
        "{tag} ({purpose}) made {requests} in {capture}, which carries no consent signal "
        "(no consent-manager cookie, TCF string, consent mode parameter or GPC header), so "
        "consent cannot be shown; the capture may have been made before the banner was "
        "answered.{because}{hidden}"
    ),
    "no-consent-signal.stripped": N_(
        " The producer stripped the values of the capture's "
        "cookie headers, so a consent cookie may be hidden."
    ),
    "no-consent-signal.sanitized": N_(
        " The capture has no cookie headers, so a consent cookie may be hidden."
    ),
    "essential": N_("essential"),
    "functional": N_("functional"),
    "personalization": N_("personalization"),
    "analytics": N_("analytics"),
    "marketing": N_("marketing"),
}
"""Every flag message's English template, by its stable id."""

TRANSLATED_RULES: Final = frozenset(
    {
        "policy-denied-tag",
        "policy-unlisted-tag",
        "policy-country",
        "policy-tag-bytes",
        "policy-missing-tag",
        "transfer-outside-eea",
        "unknown-third-party",
        "over-weight",
        "identity-verification-missing",
        "loaded-on-every-page",
        "ga-ip-anonymization-missing",
        "ga-personal-data",
        "google-ads-personal-data",
        "meta-advanced-matching",
        "session-replay-unmasked",
        "disabled-by-consent-mode",
        "cookie-lifetime",
        "third-party-cookie",
        "cross-site-tracking",
        "insecure-cookie",
        "pii-to-third-party",
        "before-consent",
        "no-consent-signal",
    }
)
"""The rules whose flags carry a message id (the others' messages stay English)."""


def count_text(count: Count, tr: Translator = _ENGLISH) -> str:
    """Return ``count`` with its noun in the plural form the language gives the number.

    >>> count_text(Count(1, "request")), count_text(Count(3, "third-party cookie"))
    ('1 request', '3 third-party cookies')
    """
    n = count.count
    noun = count.noun
    if noun == "request":
        text = tr.ngettext("{count} request", "{count} requests", n)
    elif noun == "cookie":
        text = tr.ngettext("{count} cookie", "{count} cookies", n)
    elif noun == "third-party cookie":
        text = tr.ngettext("{count} third-party cookie", "{count} third-party cookies", n)
    elif noun == "tracking cookie":
        text = tr.ngettext("{count} tracking cookie", "{count} tracking cookies", n)
    elif noun == "vendor":
        text = tr.ngettext("{count} vendor", "{count} vendors", n)
    elif noun == "Universal Analytics hit":
        text = tr.ngettext("{count} Universal Analytics hit", "{count} Universal Analytics hits", n)
    else:
        assert_never(noun)
    return text.format(count=n)


def message_text(
    message_id: str, args: tuple[tuple[str, MessageArg], ...], tr: Translator = _ENGLISH
) -> str:
    """Return the message ``message_id`` with ``args`` in ``tr``'s language.

    Raises:
        KeyError: ``message_id`` names no template, or the template a field not in ``args``.

    """
    values = {name: _value(value, tr) for name, value in args}
    return tr.gettext(TEMPLATES[message_id]).format_map(values)


def _value(value: MessageArg, tr: Translator) -> str:
    if isinstance(value, Count):
        return count_text(value, tr)
    if isinstance(value, Message):
        return message_text(value.id, value.args, tr)
    if isinstance(value, tuple):
        return ", ".join(_value(item, tr) for item in value)
    return str(value)


def phrase(message_id: str, **args: MessageArg) -> Message:
    """Return a phrase of a message: a template's id with the values of its fields."""
    return Message(message_id, tuple(args.items()))


def make_flag(
    *,
    rule: str,
    severity: Severity,
    message_id: str | None = None,
    evidence: tuple[Evidence, ...] = (),
    **args: MessageArg,
) -> Flag:
    """Return a flag whose English ``message`` is a template filled with ``args``.

    Args:
        rule: The rule's id.
        severity: The flag's severity.
        message_id: The template's id; the rule's id when ``None``.
        evidence: What a person checks.
        args: The values of the template's fields.

    Raises:
        KeyError: The id names no template, or the template a field not given.

    """
    template = rule if message_id is None else message_id
    fields = tuple(args.items())
    return Flag(
        rule=rule,
        severity=severity,
        message=message_text(template, fields),
        evidence=evidence,
        message_id=template,
        message_args=fields,
    )

"""Cookie rules: lifetime, third-party cookies, cross-site tracking, insecure attributes."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

from tagsig._audit.attribute import AttributedCookie, AttributedEntry
from tagsig._audit.party import registrable_domain
from tagsig._compliance.flags import Count, Evidence, Message, Severity
from tagsig._compliance.messages import make_flag, message_text, phrase
from tagsig._compliance.rules.base import (
    DEFAULT_COOKIE_DAYS,
    MAX_EVIDENCE,
    Finding,
    RuleContext,
    TagView,
    cookie_evidence,
    entry_evidence,
)

__all__ = ["cookie_lifetime", "cross_site_tracking", "insecure_cookie", "third_party_cookie"]

_CNIL_DAYS = DEFAULT_COOKIE_DAYS
_MIN_IDENTIFIER = 8
# Dotted tails are taken from the last parts only: every tail of a token of many parts
# would be quadratic in its length (a value of 40,000 dotted pieces took 3 GB).
_MAX_TAIL_PARTS = 16
# The tokens an identifier is looked for in: runs of these characters, long enough.
_TOKEN = re.compile(r"[A-Za-z0-9._\-]{8,}")
# Four digits among the token's characters (which are ASCII: the split leaves no others).
_DIGITS = re.compile(r"(?:[^0-9]*[0-9]){4}")


def _documented(view: TagView, name: str) -> float | None:
    return next((p.lifetime_days for p in view.signature.cookies if p.matches(name)), None)


def _unjudged(context: RuleContext, rule: str) -> Iterator[Finding]:
    """Say which captures a cookie rule could not judge: those without cookie evidence.

    Such a capture shows no cookies (a sanitized export), or not all (stripped values),
    so the rule's silence about it is no clearance. Cookie jars, where given, hold the
    cookies in the capture's stead, and the rule judges those.
    """
    if context.attribution.jars:
        return
    blind = [c for c in context.attribution.captures if c.entries and not c.has_cookie_evidence]
    if not blind:
        return
    stripped = [c.source for c in blind if c.cookies_stripped]
    sanitized = [c.source for c in blind if not c.cookies_stripped]
    reasons: list[Message] = []
    if sanitized:
        reasons.append(
            phrase(
                "unjudged.sanitized" if len(sanitized) == 1 else "unjudged.sanitized.many",
                captures=", ".join(sanitized),
            )
        )
    if stripped:
        reasons.append(phrase("unjudged.stripped", captures=", ".join(stripped)))
    reason = (
        phrase("unjudged.both", sanitized=reasons[0], stripped=reasons[1])
        if len(reasons) > 1
        else reasons[0]
    )
    yield Finding(
        tag=None,
        flag=make_flag(
            rule=rule,
            severity="info",
            message_id="unjudged",
            what=phrase(f"unjudged.{rule}"),
            reasons=reason,
        ),
    )


def cookie_lifetime(context: RuleContext) -> Iterator[Finding]:
    """Flag cookies that live longer than the limit (13 months unless a policy says else).

    The lifetime comes from the observed expiry (a jar, or a ``Set-Cookie`` header);
    where no observation records one, from the signature's documented lifetime.
    """
    yield from _unjudged(context, "cookie-lifetime")
    limit = context.options.max_cookie_days
    basis = (
        phrase("cookie-lifetime.cnil")
        if limit == _CNIL_DAYS
        else phrase("cookie-lifetime.policy", days=f"{limit:g}")
    )
    for tag_id, view in context.tags.items():
        by_name: dict[str, list[AttributedCookie]] = defaultdict(list)
        for cookie in view.cookies:
            by_name[cookie.cookie.name].append(cookie)
        for name, observed in sorted(by_name.items()):
            recorded = [c for c in observed if c.cookie.source != "request"]
            timed = [c for c in recorded if c.lifetime_days is not None]
            if timed:
                longest = max(timed, key=lambda c: c.lifetime_days or 0.0)
                days = longest.lifetime_days or 0.0
                how = phrase("cookie-lifetime.observed", source=_source(context, longest))
                evidence = (cookie_evidence(longest, f"{days:g} days"),)
            elif recorded:
                continue  # session cookies, or expiries without a reference time
            else:
                documented = _documented(view, name)
                if documented is None:
                    continue
                days = documented
                how = phrase("cookie-lifetime.documented")
                evidence = (cookie_evidence(observed[0], f"{days:g} days"),)
            if days > limit:
                yield Finding(
                    tag=tag_id,
                    flag=make_flag(
                        rule="cookie-lifetime",
                        severity="medium",
                        evidence=evidence,
                        cookie=name,
                        tag=view.signature.name,
                        days=f"{days:g}",
                        how=how,
                        basis=basis,
                    ),
                )


def _source(context: RuleContext, cookie: AttributedCookie) -> Message | str:
    captures = context.attribution.captures
    if cookie.input < len(captures):
        return phrase("cookie-lifetime.set-cookie", capture=captures[cookie.input].source)
    return context.attribution.jars[cookie.input - len(captures)].source


def third_party_cookie(context: RuleContext) -> Iterator[Finding]:
    """Flag tags whose cookies live on a domain outside the first party."""
    yield from _unjudged(context, "third-party-cookie")
    for tag_id, view in context.tags.items():
        third = [c for c in view.cookies if c.third_party]
        if not third:
            continue
        named = {
            message_text(p.id, p.args): p
            for p in (
                phrase("third-party-cookie.domain", cookie=c.cookie.name, domain=c.domain)
                if c.domain
                else phrase("third-party-cookie.sent", cookie=c.cookie.name)
                for c in third
            )
        }
        names = tuple(named[text] for text in sorted(named))
        needing = context.options.consent_purposes
        severity: Severity = "medium" if view.signature.consent in needing else "low"
        yield Finding(
            tag=tag_id,
            flag=make_flag(
                rule="third-party-cookie",
                severity=severity,
                evidence=tuple(cookie_evidence(c) for c in _first_per_name(third)),
                tag=view.signature.name,
                cookies=Count(len(names), "third-party cookie"),
                names=names,
            ),
        )


def _first_per_name(cookies: Sequence[AttributedCookie]) -> list[AttributedCookie]:
    seen: dict[str, AttributedCookie] = {}
    for cookie in cookies:
        seen.setdefault(cookie.cookie.name, cookie)
    return [seen[name] for name in sorted(seen)][:MAX_EVIDENCE]


def _pieces(value: str) -> set[str]:
    """Return the tokens of a cookie value long enough to identify, and their dotted tails.

    The identifier candidates are those that hold at least 4 digits (so they are not
    words). The pieces of several values joined by a line break are those of each.
    """
    tokens = _TOKEN.findall(value)
    found = set(tokens)
    for token in tokens if "." in value else ():
        if "." in token:
            parts = token.split(".")
            found.update(
                tail
                for tail in (".".join(parts[i:]) for i in _tail_starts(parts))
                if len(tail) >= _MIN_IDENTIFIER
            )
    return found


def _tails(token: str, pieces: set[str]) -> set[str]:
    """Return the dotted tails of ``token`` that are among ``pieces``."""
    # Pieces are long; the longest tail of most dotted tokens (file and host names) is not.
    if len(token) - token.index(".") - 1 < _MIN_IDENTIFIER:
        return set()
    parts = token.split(".")
    return {tail for tail in (".".join(parts[i:]) for i in _tail_starts(parts)) if tail in pieces}


def _tail_starts(parts: list[str]) -> range:
    return range(max(1, len(parts) - _MAX_TAIL_PARTS), len(parts))


def _index(context: RuleContext, pieces: set[str]) -> dict[str, list[AttributedEntry]]:
    """Map each candidate to the third-party requests that send it, in entry order.

    A request sends a candidate as a token of a text it sends, or a token's dotted tail.
    ``pieces`` are those of the cookie values; the candidates among them hold 4 digits.
    """
    index: dict[str, list[AttributedEntry]] = defaultdict(list)
    # Dotted tokens (host names, file names) recur from request to request.
    dotted: dict[str, set[str]] = {}
    for attributed in context.attribution.entries:
        if not attributed.third_party:
            continue
        # The texts joined by a line break hold the tokens of each text.
        text = "\n".join(context.texts(attributed.entry))
        tokens = _TOKEN.findall(text)
        sent = pieces.intersection(tokens)
        if "." in text:
            for token in tokens:
                if "." in token:
                    tails = dotted.get(token)
                    if tails is None:
                        tails = dotted[token] = _tails(token, pieces)
                    sent |= tails
        for piece in sent:
            index[piece].append(attributed)
    # Telling candidates by their digits is left to the few pieces that are sent.
    return {piece: entries for piece, entries in index.items() if _DIGITS.match(piece)}


def _receiver(attributed: AttributedEntry) -> str:
    if attributed.signature is not None:
        return attributed.signature.vendor.name
    return registrable_domain(attributed.entry.url.host)


class _Propagation:
    """Which requests send each cookie identifier, and to whom."""

    def __init__(self, index: Mapping[str, list[AttributedEntry]]) -> None:
        self.index = index
        self._sent: dict[str, list[str]] = {}
        self._receivers: dict[str, list[str]] = {}

    def sent(self, value: str) -> list[str]:
        """Return the candidates of a cookie value that some request sends, sorted."""
        # A value's own candidates are worked out only once some candidate is sent.
        sent = self._sent.get(value)
        if sent is None:
            sent = self._sent[value] = sorted(_pieces(value).intersection(self.index))
        return sent

    def receivers(self, candidate: str) -> list[str]:
        """Return who receives a candidate that is sent: vendors, else domains, sorted."""
        receivers = self._receivers.get(candidate)
        if receivers is None:
            receivers = self._receivers[candidate] = sorted(
                {_receiver(a) for a in self.index[candidate]}
            )
        return receivers


def _propagated(tag_id: str, view: TagView, propagation: _Propagation) -> Iterator[Finding]:
    """Flag the first identifier of each of the tag's cookies that several vendors get."""
    reported: set[str] = set()
    for cookie in view.cookies:
        if cookie.cookie.name in reported:
            continue
        for candidate in propagation.sent(cookie.cookie.value):
            receivers = propagation.receivers(candidate)
            if len(receivers) < 2:
                continue
            reported.add(cookie.cookie.name)
            masked = candidate[:4] + "***"
            yield Finding(
                tag=tag_id,
                flag=make_flag(
                    rule="cross-site-tracking",
                    severity="medium",
                    evidence=(
                        cookie_evidence(cookie, masked),
                        *entry_evidence(propagation.index[candidate]),
                    ),
                    cookie=cookie.cookie.name,
                    tag=view.signature.name,
                    value=masked,
                    vendors=Count(len(receivers), "vendor"),
                    names=", ".join(receivers),
                ),
            )
            break


def cross_site_tracking(context: RuleContext) -> Iterator[Finding]:
    """Flag identifier propagation to several vendors, and trackers' own-domain cookies."""
    yield from _unjudged(context, "cross-site-tracking")
    # Identifiers worth following are few (those in tag cookies): index only those.
    values = {cookie.cookie.value for view in context.tags.values() for cookie in view.cookies}
    pieces = _pieces("\n".join(values))
    index = _index(context, pieces) if pieces else {}
    propagation = _Propagation(index)
    for tag_id, view in context.tags.items():
        if index:
            yield from _propagated(tag_id, view, propagation)
        if not view.signature.facts.cross_site_tracking:
            continue
        own = [c for c in view.cookies if c.third_party and c.cookie.source != "request"]
        if own:
            domains = sorted({c.domain or "?" for c in own})
            yield Finding(
                tag=tag_id,
                flag=make_flag(
                    rule="cross-site-tracking",
                    severity="medium",
                    message_id="cross-site-tracking.own-domain",
                    evidence=tuple(cookie_evidence(c) for c in _first_per_name(own)),
                    tag=view.signature.name,
                    domains=", ".join(domains),
                ),
            )


def insecure_cookie(context: RuleContext) -> Iterator[Finding]:
    """Flag tracking cookies without ``Secure``, or ``SameSite=None`` without ``Secure``."""
    yield from _unjudged(context, "insecure-cookie")
    for tag_id, view in context.tags.items():
        if view.signature.consent not in context.options.consent_purposes:
            continue
        bad = [c for c in view.cookies if c.cookie.source != "request" and c.cookie.secure is False]
        if not bad:
            continue
        lax = sorted({c.cookie.name for c in bad if c.cookie.same_site == "none"})
        names = sorted({c.cookie.name for c in bad})
        yield Finding(
            tag=tag_id,
            flag=make_flag(
                rule="insecure-cookie",
                severity="low",
                message_id="insecure-cookie.lax" if lax else "insecure-cookie",
                evidence=tuple(
                    Evidence(kind="cookie", input=c.input, index=c.cookie.entry, name=c.cookie.name)
                    for c in _first_per_name(bad)
                ),
                tag=view.signature.name,
                cookies=Count(len(names), "tracking cookie"),
                names=", ".join(names),
                lax=", ".join(lax),
            ),
        )

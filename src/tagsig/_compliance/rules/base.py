"""What every rule sees and returns: the context, the options, findings and evidence helpers."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Final
from urllib.parse import unquote

from attrs import field, frozen

from tagsig._audit.attribute import AttributedCookie, AttributedEntry, Attribution
from tagsig._compliance.consent.signals import CONSENT_PURPOSES, Purpose
from tagsig._compliance.consent.timeline import ConsentTimeline
from tagsig._compliance.flags import SEVERITY_RANK, Evidence, Flag
from tagsig._compliance.policy.model import Policy
from tagsig._compliance.rules.text import ParamReader
from tagsig._inputs.models import Entry
from tagsig._signatures.model import Signature

__all__ = [
    "DEFAULT_COOKIE_DAYS",
    "MAX_EVIDENCE",
    "SEVERITY_RANK",
    "Finding",
    "Rule",
    "RuleContext",
    "RuleOptions",
    "TagView",
    "VendorCheck",
    "cookie_evidence",
    "entry_evidence",
    "page_groups",
    "plural",
]

_VALUE = itemgetter(1)

DEFAULT_COOKIE_DAYS: Final = 395.0
"""Longest cookie lifetime accepted by default: 13 months, the CNIL guideline."""
MAX_EVIDENCE: Final = 10
"""Most evidence items attached to one flag."""
"""Order of severities, most serious first."""


@frozen(kw_only=True)
class RuleOptions:
    """Settings of the rules, from the caller and the policy."""

    identifiers: tuple[str, ...] = ()
    """Known identifiers of the visitor (an e-mail, a user id) to search for, plain and
    hashed, in requests to third parties."""
    policy: Policy | None = None
    """The site's policy, if any."""

    @property
    def max_cookie_days(self) -> float:
        """Longest acceptable cookie lifetime in days (395 unless the policy says else)."""
        limit = self.policy.max_cookie_days if self.policy is not None else None
        return DEFAULT_COOKIE_DAYS if limit is None else float(limit)

    @property
    def consent_purposes(self) -> tuple[Purpose, ...]:
        """Purposes that need consent before a tag serving them may run."""
        purposes = self.policy.consent_purposes if self.policy is not None else None
        return CONSENT_PURPOSES if purposes is None else purposes


@frozen(kw_only=True)
class TagView:
    """One tag with its requests and cookies, as a vendor check sees it."""

    signature: Signature
    entries: tuple[AttributedEntry, ...]
    """The tag's requests, in input then time order."""
    cookies: tuple[AttributedCookie, ...]
    """The cookies tied to the tag."""


@frozen(kw_only=True)
class Finding:
    """A flag and what it is about: a tag, or the site (``tag`` is ``None``)."""

    tag: str | None
    flag: Flag


@frozen(kw_only=True, eq=False)
class RuleContext:
    """Everything a rule reads: the attribution, the consent timeline and the options."""

    attribution: Attribution
    consent: ConsentTimeline
    options: RuleOptions = RuleOptions()
    _carried: dict[int, tuple[tuple[str, str], ...]] = field(factory=dict, init=False, repr=False)
    """What each entry sends, computed once per entry (by identity: the context holds
    the attribution, so the entries live as long as it does)."""
    _reader: ParamReader = field(factory=ParamReader, init=False, repr=False)
    _referers: dict[int, str | None] = field(factory=dict, init=False, repr=False)
    """Each entry's ``Referer`` header, looked up once (by identity, as ``_carried``)."""

    def params(self, entry: Entry) -> tuple[tuple[str, str], ...]:
        """Return what ``entry`` sends as ``(name, value)`` pairs (see ``entry_params``)."""
        carried = self._carried.get(id(entry))
        if carried is None:
            carried = self._carried[id(entry)] = self._reader(entry, self.referer(entry))
        return carried

    def referer(self, entry: Entry) -> str | None:
        """Return the ``Referer`` header ``entry`` sends, if any."""
        key = id(entry)
        if key in self._referers:
            return self._referers[key]
        referer = self._referers[key] = entry.request_headers.get("referer")
        return referer

    def texts(self, entry: Entry) -> tuple[str, ...]:
        """Return the decoded texts ``entry`` sends: its URL path, then every value."""
        path = entry.url.path
        # unquote leaves a path without "%" as it is: most paths need no call.
        return (unquote(path) if "%" in path else path, *map(_VALUE, self.params(entry)))

    @functools.cached_property
    def tags(self) -> Mapping[str, TagView]:
        """Every tag with requests or cookies, by signature id, but the site's own."""
        entries: dict[str, list[AttributedEntry]] = defaultdict(list)
        cookies: dict[str, list[AttributedCookie]] = defaultdict(list)
        signatures: dict[str, Signature] = {}
        own = self.attribution.own_tags  # the site's own products raise no flag
        for attributed in self.attribution.entries:
            if attributed.signature is not None and attributed.signature.id not in own:
                entries[attributed.signature.id].append(attributed)
                signatures[attributed.signature.id] = attributed.signature
        for cookie in self.attribution.cookies:
            if cookie.signature.id not in own:
                cookies[cookie.signature.id].append(cookie)
                signatures[cookie.signature.id] = cookie.signature
        return {
            tag_id: TagView(
                signature=signatures[tag_id],
                entries=tuple(
                    sorted(entries[tag_id], key=lambda a: (a.ref.input, a.entry.started, a.ref))
                ),
                cookies=tuple(cookies[tag_id]),
            )
            for tag_id in sorted(signatures)
        }

    @functools.cached_property
    def loaders(self) -> Mapping[str, str | None]:
        """The tag that loaded each tag (see :meth:`Attribution.loaded_by`)."""
        return {tag_id: self.attribution.loaded_by(tag_id) for tag_id in self.tags}


Rule = Callable[[RuleContext], Iterable[Finding]]
"""A rule: a function from the context to findings."""
VendorCheck = Callable[[TagView, RuleContext], Iterable[Flag]]
"""A vendor check: a function from one tag (and the context) to its flags."""


def entry_evidence(entries: Sequence[AttributedEntry]) -> tuple[Evidence, ...]:
    """Return entry evidence for the first :data:`MAX_EVIDENCE` of ``entries``."""
    return tuple(
        Evidence(kind="entry", input=a.ref.input, index=a.ref.index) for a in entries[:MAX_EVIDENCE]
    )


def cookie_evidence(cookie: AttributedCookie, value: str | None = None) -> Evidence:
    """Return evidence pointing at a cookie observation (its value is never shown)."""
    return Evidence(
        kind="cookie",
        input=cookie.input,
        index=cookie.cookie.entry,
        name=cookie.cookie.name,
        value=value,
    )


def plural(count: int, word: str, many: str | None = None) -> str:
    """Return ``"1 request"`` or ``"2 requests"``.

    >>> plural(2, "cookie"), plural(1, "entry", "entries")
    ('2 cookies', '1 entry')
    """
    return f"{count} {word if count == 1 else many or word + 's'}"


def page_groups(view: TagView) -> dict[tuple[int, str | None], list[AttributedEntry]]:
    """Group a tag's requests by page (input position and page id)."""
    pages: dict[tuple[int, str | None], list[AttributedEntry]] = defaultdict(list)
    for attributed in view.entries:
        pages[(attributed.ref.input, attributed.entry.pageref)].append(attributed)
    return pages

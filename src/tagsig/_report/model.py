"""The immutable result of an analysis, and its JSON form (a documented contract)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Literal, overload

from attrs import frozen

from tagsig._compliance.flags import ConsentSummary, Flag
from tagsig._exceptions import TagsigError
from tagsig._inputs.models import CookieSource, Problem

if TYPE_CHECKING:
    from pandas import DataFrame

    # Field types only: the report is read without the audit's modules.
    from tagsig._audit.attribute import CookieBy, EntryRef
    from tagsig._audit.measure import Weight
    from tagsig._audit.party import SiteEvidence
    from tagsig._audit.traffic import NoTagReason
    from tagsig._signatures.load import SignatureVersion
    from tagsig._signatures.model import Signature

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "InputSummary",
    "NoTagEntry",
    "PageWeight",
    "ProbableFirstParty",
    "Report",
    "ReportWarning",
    "SiteReport",
    "TagCookie",
    "TagReport",
    "UnattributedHost",
]

REPORT_SCHEMA_VERSION = 1
"""Version of the report's JSON shape (``schema_version``)."""


@frozen(kw_only=True)
class TagCookie:
    """A cookie tied to a tag."""

    name: str
    domain: str | None
    source: CookieSource
    """Where it was observed: ``request``, ``response`` or ``jar``."""
    expires: datetime | None
    """Expiry; ``None`` for session cookies or where not recorded."""
    lifetime_days: float | None
    """Days from when it was set (or the capture started) to its expiry."""
    third_party: bool
    """Whether its domain lies outside the first party."""
    evidence: Literal["name", "response", "host"]
    """How it was tied to the tag, in the report's first terms (see
    :data:`tagsig.engine.CookieEvidence`); :attr:`by` says it more precisely."""
    input: int
    """Input position it was observed in."""
    entry: int | None = None
    """Entry index it was observed in, for HAR cookies."""
    secure: bool | None = None
    http_only: bool | None = None
    same_site: Literal["strict", "lax", "none"] | None = None
    by: CookieBy = "name"
    """Why it was tied to the tag: set by the tag's ``response``, its ``domain`` lies under
    the tag's hosts, or its ``name`` matched a distinctive pattern of the tag."""


@frozen(kw_only=True)
class PageWeight:
    """What a tag costs on one page."""

    input: int
    page: str | None
    """Page id; ``None`` for entries without a page."""
    weight: Weight


@frozen(kw_only=True)
class TagReport:
    """Everything the analysis found about one tag."""

    signature: Signature
    weight: Weight
    pages: int
    """Pages where the tag made at least one request."""
    entries: tuple[EntryRef, ...]
    cookies: tuple[TagCookie, ...]
    loaded_by: str | None
    """Id of the tag that loaded this one; ``None`` when the page loaded it."""
    per_page: tuple[PageWeight, ...] = ()
    flags: tuple[Flag, ...] = ()
    first_seen: datetime | None = None
    """Start time of the tag's earliest request; ``None`` when it made none."""
    own: bool = False
    """Whether the tag is a product of the organisation that owns the site: the site's
    own, listed apart and raising no third-party flag."""
    owner: str | None = None
    """The name of the organisation that owns the tag's vendor now, when it is another
    than the vendor (``Roku, Inc.`` for Dataxu); ``None`` otherwise."""

    @property
    def id(self) -> str:
        """The signature id."""
        return self.signature.id

    @property
    def requests_per_page(self) -> float:
        """Requests divided by pages (0 when the tag made no request)."""
        return round(self.weight.requests / self.pages, 2) if self.pages else 0.0


@frozen(kw_only=True)
class UnattributedHost:
    """A third-party host that no signature claims."""

    host: str
    requests: int
    transfer_bytes: int
    initiated_by: str | None
    """Id of the known tag that most often caused its requests; ``None`` when none did."""
    third_party: bool
    entries: tuple[EntryRef, ...] = ()


@frozen(kw_only=True)
class ProbableFirstParty:
    """An unknown host that behaves like one of the site's own static hosts."""

    host: str
    requests: int
    transfer_bytes: int
    reason: str
    """Why it looks like the site's own."""
    entries: tuple[EntryRef, ...] = ()


@frozen(kw_only=True)
class NoTagEntry:
    """A request that is no tag of the site, and why."""

    input: int
    index: int
    """Entry index in that input's ``log.entries``."""
    host: str
    """The request's host ('' for a URL without one)."""
    reason: NoTagReason
    """``certificate-check``, ``browser-internal``, ``local-server``, ``navigation`` or
    ``not-network``."""


@frozen(kw_only=True)
class SiteReport:
    """The first party of one page, and the evidence that decided it."""

    input: int
    page: str | None
    """Page id; ``None`` for a capture without pages."""
    domain: str
    """Registrable domain of the page's main document ('' when the page has none)."""
    evidence: SiteEvidence
    """How the main document was found (``title``, ``navigation``, ``html``, ``referer``,
    ``request`` or ``none``)."""
    entry: int | None = None
    """Index of the entry holding the document, after its redirects."""
    url: str | None = None
    """The document's URL."""
    hops: tuple[int, ...] = ()
    """Indexes of the redirects that led to it."""
    organisation: str | None = None
    """Name of the organisation that owns the site, when the database knows it."""


@frozen(kw_only=True)
class ReportWarning:
    """Something the reader of a report must know to interpret it."""

    code: str
    """Stable code (``sanitized-har``, ``input-problems``, ...)."""
    message: str
    input: int | None = None


@frozen(kw_only=True)
class InputSummary:
    """One analysed input."""

    path: str
    kind: Literal["har", "cookies"]
    producer: str
    """The capture's producer, or the jar's format."""
    entries: int
    """Entries read (captures) or cookies read (jars)."""
    pages: int
    problems: tuple[Problem, ...] = ()
    has_cookie_evidence: bool = True
    no_tag: tuple[tuple[NoTagReason, int], ...] = ()
    """How many requests were no tag, per reason (reasons with none left out)."""
    has_initiators: bool = True
    """Whether the capture records what caused its requests (see
    :attr:`Capture.has_initiators`); ``True`` for a cookie jar."""
    has_sizes: bool = True
    """Whether the capture records sizes (see :attr:`Capture.has_sizes`); ``True`` for a
    cookie jar."""


@frozen(kw_only=True)
class Report:
    """The result of :func:`tagsig.analyze`."""

    inputs: tuple[InputSummary, ...]
    first_party: tuple[str, ...]
    """Registrable domains treated as first party, sorted."""
    tags: tuple[TagReport, ...]
    """The tags found, sorted by id."""
    unattributed: tuple[UnattributedHost, ...]
    """Third-party hosts no signature claims, most requests first."""
    consent: ConsentSummary = ConsentSummary()  # noqa: RUF009 (frozen: one shared default)
    warnings: tuple[ReportWarning, ...] = ()
    flags: tuple[Flag, ...] = ()
    """Findings about the site rather than one tag (unknown third parties, policy)."""
    schema_version: int = REPORT_SCHEMA_VERSION
    sites: tuple[SiteReport, ...] = ()
    """The first party of every page and the entry that decided it."""
    probably_first_party: tuple[ProbableFirstParty, ...] = ()
    """Unknown hosts that behave like the site's own static hosts, apart from
    :attr:`unattributed`."""
    no_tag: tuple[NoTagEntry, ...] = ()
    """Requests that are no tag of the site, with the reason, in input then entry order."""
    signatures: SignatureVersion | None = None
    """The signature database the analysis used (its version and date); ``None`` for a
    database built in memory."""

    @property
    def has_initiators(self) -> bool:
        """Whether a capture records initiators.

        When one does, a tag's ``loaded_by`` of ``None`` means that no tag loaded it;
        otherwise (Playwright records none) it means unknown.
        """
        captures = [i for i in self.inputs if i.kind == "har"]
        return not captures or any(i.has_initiators for i in captures)

    @property
    def has_sizes(self) -> bool:
        """Whether a capture records sizes; when none does, every byte count is unknown."""
        captures = [i for i in self.inputs if i.kind == "har"]
        return not captures or any(i.has_sizes for i in captures)

    @property
    def third_party_tags(self) -> tuple[TagReport, ...]:
        """The tags that are not the site's own."""
        return tuple(tag for tag in self.tags if not tag.own)

    def tag(self, signature_id: str) -> TagReport | None:
        """Return the tag with id ``signature_id``, or ``None`` when it was not found."""
        return next((t for t in self.tags if t.id == signature_id), None)

    def _repr_html_(self) -> str:
        """Return the HTML report's body, for Jupyter."""
        return _renderer("html_body")(self)

    @classmethod
    def from_document(cls, document: Mapping[str, object], *, source: str = "<report>") -> Report:
        """Return the report that a JSON document describes (the inverse of ``report_to_document``).

        The document is validated against the shipped ``report.schema.json`` first. A report
        does not record its tags' patterns, so each tag's :attr:`TagReport.signature` holds
        only what the document says of it (id, name, vendor, category, consent, typical
        facts, common mistakes); rendered again, the report gives the same JSON.

        Args:
            document: The document, as :func:`tagsig.report_to_document` gives it or as
                ``json.loads`` reads the output of ``tagsig analyze --format json``.
            source: How errors name the document (a file name).

        Raises:
            InputError: The document breaks the schema (the message names the first
                violation, the error its JSON pointer), or holds a time that is not
                ISO 8601 or a category tagsig does not know.

        """
        from tagsig._report.document import report_from_document  # noqa: PLC0415 (reader sits above)

        return report_from_document(document, source=source)

    def to_pandas(self, table: Literal["tags", "cookies", "flags"] = "tags") -> DataFrame:
        """Return one table of the report as a :class:`pandas.DataFrame`.

        The ``tags`` and ``cookies`` columns are those of the CSV format (see
        ``docs/formats.md``); ``flags`` has one row per flag, the site's own flags (with an
        empty ``tag_id``) first, then each tag's.

        Args:
            table: ``tags`` (one row per tag), ``cookies`` (one row per tag cookie) or
                ``flags`` (one row per flag).

        Returns:
            A ``pandas.DataFrame``.

        Raises:
            ImportError: pandas is not installed (install the ``pandas`` extra).
            ArgumentError: ``table`` is not ``tags``, ``cookies`` or ``flags``.

        """
        return _renderer("dataframe")(self, table)


# --- Renderers. ----------------------------------------------------------------------------
# The renderers sit above the report (see tests/test_layers.py), so the report names none
# of them: the render layer registers the two it needs here when it is imported
# (tagsig._render.formats does). ``import tagsig`` imports nothing until a name is used, so a
# report can exist before any renderer is loaded: then the render layer is imported on
# first use, the one import of a higher layer the report keeps (allowed in the layer test).

_HtmlBody = Callable[[Report], str]
_Dataframe = Callable[[Report, Literal["tags", "cookies", "flags"]], "DataFrame"]


class _Renderers:
    html_body: _HtmlBody | None = None
    dataframe: _Dataframe | None = None


def register_renderers(*, html_body: _HtmlBody, dataframe: _Dataframe) -> None:
    """Give :meth:`Report._repr_html_` and :meth:`Report.to_pandas` their renderers."""
    _Renderers.html_body = html_body
    _Renderers.dataframe = dataframe


@overload
def _renderer(name: Literal["html_body"]) -> _HtmlBody: ...
@overload
def _renderer(name: Literal["dataframe"]) -> _Dataframe: ...
def _renderer(name: Literal["html_body", "dataframe"]) -> _HtmlBody | _Dataframe:
    found = _Renderers.html_body if name == "html_body" else _Renderers.dataframe
    if found is None:
        import tagsig._render.formats  # noqa: PLC0415, F401 (registers the renderers)

        found = _Renderers.html_body if name == "html_body" else _Renderers.dataframe
        if found is None:
            raise TagsigError(
                f"expected the render layer to register a {name} renderer, found none"
            )
    return found

"""tagsig: audit a website's third-party tags offline, from HAR captures and cookie jars.

The public API is this flat namespace; every other module is private.
"""

from __future__ import annotations

from tagsig._analyze import analyze
from tagsig._attribute import (
    AttributedCookie,
    AttributedEntry,
    Attribution,
    CookieEvidence,
    EntryRef,
    attribute,
)
from tagsig._cookies import load_cookies
from tagsig._exceptions import (
    CookieJarError,
    HarError,
    InputError,
    InvalidSignatureDB,
    SignatureError,
    TagsigError,
    UnsupportedSchemaError,
)
from tagsig._har import load_har, parse_url
from tagsig._match import CookieMatch, Matcher
from tagsig._measure import Weight, transfer_bytes
from tagsig._models import (
    Capture,
    Cookie,
    CookieJar,
    CookieSource,
    Creator,
    Entry,
    Headers,
    Initiator,
    Page,
    PostData,
    Problem,
    SameSite,
    Timings,
    Url,
)
from tagsig._party import first_party_domains, is_third_party, registrable_domain
from tagsig._render import Format, render, report_document
from tagsig._report import (
    ConsentSignal,
    ConsentSummary,
    Evidence,
    Flag,
    InputSummary,
    PageWeight,
    Report,
    ReportWarning,
    Severity,
    TagCookie,
    TagReport,
    UnattributedHost,
)
from tagsig._signatures import (
    Category,
    Complexity,
    ConsentPurpose,
    CookiePattern,
    Facts,
    MatchKind,
    Signature,
    SignatureDB,
    SignatureSource,
    UrlMatchKind,
    UrlPattern,
    Vendor,
    load_signatures,
)
from tagsig._version import __version__

__all__ = [
    "AttributedCookie",
    "AttributedEntry",
    "Attribution",
    "Capture",
    "Category",
    "Complexity",
    "ConsentPurpose",
    "ConsentSignal",
    "ConsentSummary",
    "Cookie",
    "CookieEvidence",
    "CookieJar",
    "CookieJarError",
    "CookieMatch",
    "CookiePattern",
    "CookieSource",
    "Creator",
    "Entry",
    "EntryRef",
    "Evidence",
    "Facts",
    "Flag",
    "Format",
    "HarError",
    "Headers",
    "Initiator",
    "InputError",
    "InputSummary",
    "InvalidSignatureDB",
    "MatchKind",
    "Matcher",
    "Page",
    "PageWeight",
    "PostData",
    "Problem",
    "Report",
    "ReportWarning",
    "SameSite",
    "Severity",
    "Signature",
    "SignatureDB",
    "SignatureError",
    "SignatureSource",
    "TagCookie",
    "TagReport",
    "TagsigError",
    "Timings",
    "UnattributedHost",
    "UnsupportedSchemaError",
    "Url",
    "UrlMatchKind",
    "UrlPattern",
    "Vendor",
    "Weight",
    "__version__",
    "analyze",
    "attribute",
    "first_party_domains",
    "is_third_party",
    "load_cookies",
    "load_har",
    "load_signatures",
    "parse_url",
    "registrable_domain",
    "render",
    "report_document",
    "transfer_bytes",
]


def __dir__() -> list[str]:
    return __all__

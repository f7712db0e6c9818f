"""tagsig: audit a website's third-party tags offline, from HAR captures and cookie jars.

The public API is this flat namespace; every other module is private. Names are
imported on first use, so ``import tagsig`` stays cheap and a program that only reads
captures never loads the rules or the renderers.
"""

from __future__ import annotations

import importlib
import sys
from types import FunctionType
from typing import TYPE_CHECKING

from tagsig._version import __version__

if TYPE_CHECKING:
    from tagsig._analyze import analyze
    from tagsig._batch import analyze_capture, expand_captures, run_batch
    from tagsig._batch_aggregate import (
        EstateSummary,
        RuleEstate,
        TagEstate,
        estate_to_document,
        summarize_estate,
    )
    from tagsig._catalogue import CatalogueEntry, catalogue_entries, catalogue_entry
    from tagsig._cookie_names import is_generic_cookie_name
    from tagsig._cookies import load_cookies
    from tagsig._diff_compare import (
        CookieChange,
        FlagChange,
        ReportDiff,
        TagSummary,
        WeightChange,
        diff_reports,
    )
    from tagsig._estate import CaptureRecord, Estate, EstateTable
    from tagsig._exceptions import (
        ArgumentError,
        ConsentStringError,
        CookieJarError,
        HarError,
        InputError,
        InvalidSignatureDB,
        PolicyError,
        SignatureError,
        TagsigError,
        UnknownTagError,
        UnsupportedSchemaError,
    )
    from tagsig._flags import (
        ConsentChange,
        ConsentSignal,
        ConsentSummary,
        Evidence,
        Flag,
        Severity,
    )
    from tagsig._har import load_har
    from tagsig._measure import Weight
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
    from tagsig._party import is_third_party, registrable_domain
    from tagsig._policy_load import load_policy
    from tagsig._policy_model import Policy, Waiver
    from tagsig._policy_query import failing_flags
    from tagsig._render import Format, render, report_to_document
    from tagsig._render_diff import render_diff
    from tagsig._report import (
        InputSummary,
        PageWeight,
        Report,
        ReportWarning,
        TagCookie,
        TagReport,
        UnattributedHost,
    )
    from tagsig._resources import schema_path
    from tagsig._signature_model import (
        Category,
        Complexity,
        ConsentPurpose,
        CookiePattern,
        Facts,
        MatchKind,
        Organisation,
        OrganisationKind,
        OrganisationSource,
        Signature,
        SignatureDB,
        SignatureSource,
        UrlMatchKind,
        UrlPattern,
        Vendor,
    )
    from tagsig._signatures import SignatureVersion, load_signatures
    from tagsig._tcf import PublisherRestriction, TCString, decode_tc_string, try_decode_tc_string
    from tagsig._url import parse_url

_EXPORTS: dict[str, tuple[str, ...]] = {
    "tagsig._analyze": (
        "analyze",
    ),
    "tagsig._batch": (
        "analyze_capture",
        "expand_captures",
        "run_batch",
    ),
    "tagsig._batch_aggregate": (
        "EstateSummary",
        "RuleEstate",
        "TagEstate",
        "estate_to_document",
        "summarize_estate",
    ),
    "tagsig._catalogue": (
        "CatalogueEntry",
        "catalogue_entries",
        "catalogue_entry",
    ),
    "tagsig._cookie_names": (
        "is_generic_cookie_name",
    ),
    "tagsig._cookies": (
        "load_cookies",
    ),
    "tagsig._diff_compare": (
        "CookieChange",
        "FlagChange",
        "ReportDiff",
        "TagSummary",
        "WeightChange",
        "diff_reports",
    ),
    "tagsig._estate": (
        "CaptureRecord",
        "Estate",
        "EstateTable",
    ),
    "tagsig._exceptions": (
        "ArgumentError",
        "ConsentStringError",
        "CookieJarError",
        "HarError",
        "InputError",
        "InvalidSignatureDB",
        "PolicyError",
        "SignatureError",
        "TagsigError",
        "UnknownTagError",
        "UnsupportedSchemaError",
    ),
    "tagsig._flags": (
        "ConsentChange",
        "ConsentSignal",
        "ConsentSummary",
        "Evidence",
        "Flag",
        "Severity",
    ),
    "tagsig._har": (
        "load_har",
    ),
    "tagsig._measure": (
        "Weight",
    ),
    "tagsig._models": (
        "Capture",
        "Cookie",
        "CookieJar",
        "CookieSource",
        "Creator",
        "Entry",
        "Headers",
        "Initiator",
        "Page",
        "PostData",
        "Problem",
        "SameSite",
        "Timings",
        "Url",
    ),
    "tagsig._party": (
        "is_third_party",
        "registrable_domain",
    ),
    "tagsig._policy_load": (
        "load_policy",
    ),
    "tagsig._policy_model": (
        "Policy",
        "Waiver",
    ),
    "tagsig._policy_query": (
        "failing_flags",
    ),
    "tagsig._render": (
        "Format",
        "render",
        "report_to_document",
    ),
    "tagsig._render_diff": (
        "render_diff",
    ),
    "tagsig._report": (
        "InputSummary",
        "PageWeight",
        "Report",
        "ReportWarning",
        "TagCookie",
        "TagReport",
        "UnattributedHost",
    ),
    "tagsig._resources": (
        "schema_path",
    ),
    "tagsig._signature_model": (
        "Category",
        "Complexity",
        "ConsentPurpose",
        "CookiePattern",
        "Facts",
        "MatchKind",
        "Organisation",
        "OrganisationKind",
        "OrganisationSource",
        "Signature",
        "SignatureDB",
        "SignatureSource",
        "UrlMatchKind",
        "UrlPattern",
        "Vendor",
    ),
    "tagsig._signatures": (
        "SignatureVersion",
        "load_signatures",
    ),
    "tagsig._tcf": (
        "PublisherRestriction",
        "TCString",
        "decode_tc_string",
        "try_decode_tc_string",
    ),
    "tagsig._url": (
        "parse_url",
    ),
}
"""The private module that defines each public name (kept equal to the imports above
by ``tests/test_public_api.py``)."""

_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

_ENGINE_EXPORTS: dict[str, tuple[str, ...]] = {
    "tagsig._attribute": (
        "AttributedCookie",
        "AttributedEntry",
        "Attribution",
        "CookieEvidence",
        "EntryRef",
        "attribute",
    ),
    "tagsig._match": (
        "CookieMatch",
        "Matcher",
    ),
    "tagsig._measure": (
        "transfer_bytes",
    ),
    "tagsig._party": (
        "first_party_domains",
    ),
}
"""The private module of each name of :mod:`tagsig.engine` (which reads it from here, so
that either namespace can name the objects of both)."""

_PUBLIC_MODULE = {
    **{(module, name): "tagsig" for module, names in _EXPORTS.items() for name in names},
    **{(module, name): "tagsig.engine"
       for module, names in _ENGINE_EXPORTS.items() for name in names},
}
"""The public module (``tagsig`` or ``tagsig.engine``) of each private (module, name)."""

__all__ = [
    "ArgumentError",
    "Capture",
    "CaptureRecord",
    "CatalogueEntry",
    "Category",
    "Complexity",
    "ConsentChange",
    "ConsentPurpose",
    "ConsentSignal",
    "ConsentStringError",
    "ConsentSummary",
    "Cookie",
    "CookieChange",
    "CookieJar",
    "CookieJarError",
    "CookiePattern",
    "CookieSource",
    "Creator",
    "Entry",
    "Estate",
    "EstateSummary",
    "EstateTable",
    "Evidence",
    "Facts",
    "Flag",
    "FlagChange",
    "Format",
    "HarError",
    "Headers",
    "Initiator",
    "InputError",
    "InputSummary",
    "InvalidSignatureDB",
    "MatchKind",
    "Organisation",
    "OrganisationKind",
    "OrganisationSource",
    "Page",
    "PageWeight",
    "Policy",
    "PolicyError",
    "PostData",
    "Problem",
    "PublisherRestriction",
    "Report",
    "ReportDiff",
    "ReportWarning",
    "RuleEstate",
    "SameSite",
    "Severity",
    "Signature",
    "SignatureDB",
    "SignatureError",
    "SignatureSource",
    "SignatureVersion",
    "TCString",
    "TagCookie",
    "TagEstate",
    "TagReport",
    "TagSummary",
    "TagsigError",
    "Timings",
    "UnattributedHost",
    "UnknownTagError",
    "UnsupportedSchemaError",
    "Url",
    "UrlMatchKind",
    "UrlPattern",
    "Vendor",
    "Waiver",
    "Weight",
    "WeightChange",
    "__version__",
    "analyze",
    "analyze_capture",
    "catalogue_entries",
    "catalogue_entry",
    "decode_tc_string",
    "diff_reports",
    "estate_to_document",
    "expand_captures",
    "failing_flags",
    "is_generic_cookie_name",
    "is_third_party",
    "load_cookies",
    "load_har",
    "load_policy",
    "load_signatures",
    "parse_url",
    "registrable_domain",
    "render",
    "render_diff",
    "report_to_document",
    "run_batch",
    "schema_path",
    "summarize_estate",
    "try_decode_tc_string",
]


def _publish() -> None:
    """Name every loaded public class and function by its public module.

    So ``repr``, ``help`` and pickles say ``tagsig.Report``, not ``tagsig._report.Report``.

    Only modules already imported are touched: an object can only reach a caller through
    a public name, whose look-up runs this after importing the module that defines it.
    """
    modules = sys.modules
    for (module_name, name), public in _PUBLIC_MODULE.items():
        module = modules.get(module_name)
        if module is None:
            continue
        value = module.__dict__.get(name)
        if isinstance(value, type | FunctionType) and value.__module__ == module_name:
            value.__module__ = public


def _load(name: str, table: dict[str, str], namespace: str) -> object:
    """Import the private module that defines ``name`` and return the object."""
    module = table.get(name)
    if module is None:
        raise AttributeError(f"module {namespace!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    _publish()
    return value


def __getattr__(name: str) -> object:
    value = _load(name, _MODULE_OF, "tagsig")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return __all__

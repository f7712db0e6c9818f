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
    from tagsig._analysis.analyze import analyze
    from tagsig._analysis.policy import failing_flags
    from tagsig._audit.measure import Weight
    from tagsig._audit.party import is_third_party, registrable_domain
    from tagsig._batch.run import analyze_capture, expand_captures, run_batch
    from tagsig._compliance.consent.tcf import (
        PublisherRestriction,
        TCString,
        decode_tc_string,
        try_decode_tc_string,
    )
    from tagsig._compliance.flags import (
        ConsentChange,
        ConsentSignal,
        ConsentSummary,
        Evidence,
        Flag,
        Severity,
    )
    from tagsig._compliance.policy.load import load_policy
    from tagsig._compliance.policy.model import Policy, Waiver
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
    from tagsig._inputs.cookies.jars import load_cookies
    from tagsig._inputs.har.reader import load_har
    from tagsig._inputs.models import (
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
    from tagsig._inputs.url import parse_url
    from tagsig._render.compare import (
        CookieChange,
        FlagChange,
        ReportDiff,
        TagSummary,
        WeightChange,
        diff_reports,
    )
    from tagsig._render.diff import render_diff
    from tagsig._render.estate_summary import (
        EstateSummary,
        RuleEstate,
        TagEstate,
        estate_to_document,
        summarize_estate,
    )
    from tagsig._render.estate_tables import CaptureRecord, Estate, EstateTable
    from tagsig._render.formats import Format, render, report_to_document
    from tagsig._report.model import (
        InputSummary,
        PageWeight,
        Report,
        ReportWarning,
        TagCookie,
        TagReport,
        UnattributedHost,
    )
    from tagsig._resources import schema_path
    from tagsig._signatures.catalogue import (
        CatalogueEntry,
        catalogue_entries,
        catalogue_entry,
    )
    from tagsig._signatures.cookie_names import is_generic_cookie_name
    from tagsig._signatures.load import SignatureVersion, load_signatures
    from tagsig._signatures.model import (
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

_EXPORTS: dict[str, tuple[str, ...]] = {
    "tagsig._analysis.analyze": ("analyze",),
    "tagsig._batch.run": (
        "analyze_capture",
        "expand_captures",
        "run_batch",
    ),
    "tagsig._render.estate_summary": (
        "EstateSummary",
        "RuleEstate",
        "TagEstate",
        "estate_to_document",
        "summarize_estate",
    ),
    "tagsig._signatures.catalogue": (
        "CatalogueEntry",
        "catalogue_entries",
        "catalogue_entry",
    ),
    "tagsig._signatures.cookie_names": ("is_generic_cookie_name",),
    "tagsig._inputs.cookies.jars": ("load_cookies",),
    "tagsig._render.compare": (
        "CookieChange",
        "FlagChange",
        "ReportDiff",
        "TagSummary",
        "WeightChange",
        "diff_reports",
    ),
    "tagsig._render.estate_tables": (
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
    "tagsig._compliance.flags": (
        "ConsentChange",
        "ConsentSignal",
        "ConsentSummary",
        "Evidence",
        "Flag",
        "Severity",
    ),
    "tagsig._inputs.har.reader": ("load_har",),
    "tagsig._audit.measure": ("Weight",),
    "tagsig._inputs.models": (
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
    "tagsig._audit.party": (
        "is_third_party",
        "registrable_domain",
    ),
    "tagsig._compliance.policy.load": ("load_policy",),
    "tagsig._compliance.policy.model": (
        "Policy",
        "Waiver",
    ),
    "tagsig._analysis.policy": ("failing_flags",),
    "tagsig._render.formats": (
        "Format",
        "render",
        "report_to_document",
    ),
    "tagsig._render.diff": ("render_diff",),
    "tagsig._report.model": (
        "InputSummary",
        "PageWeight",
        "Report",
        "ReportWarning",
        "TagCookie",
        "TagReport",
        "UnattributedHost",
    ),
    "tagsig._resources": ("schema_path",),
    "tagsig._signatures.model": (
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
    "tagsig._signatures.load": (
        "SignatureVersion",
        "load_signatures",
    ),
    "tagsig._compliance.consent.tcf": (
        "PublisherRestriction",
        "TCString",
        "decode_tc_string",
        "try_decode_tc_string",
    ),
    "tagsig._inputs.url": ("parse_url",),
}
"""The private module that defines each public name (kept equal to the imports above
by ``tests/test_public_api.py``)."""

_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

_ENGINE_EXPORTS: dict[str, tuple[str, ...]] = {
    "tagsig._audit.attribute": (
        "AttributedCookie",
        "AttributedEntry",
        "Attribution",
        "CookieEvidence",
        "EntryRef",
        "attribute",
    ),
    "tagsig._signatures.match": (
        "CookieMatch",
        "Matcher",
    ),
    "tagsig._audit.measure": ("transfer_bytes",),
    "tagsig._audit.party": ("first_party_domains",),
}
"""The private module of each name of :mod:`tagsig.engine` (which reads it from here, so
that either namespace can name the objects of both)."""

_PUBLIC_MODULE = {
    **{(module, name): "tagsig" for module, names in _EXPORTS.items() for name in names},
    **{
        (module, name): "tagsig.engine"
        for module, names in _ENGINE_EXPORTS.items()
        for name in names
    },
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

    So ``repr``, ``help`` and pickles say ``tagsig.Report``, not ``tagsig._report.model.Report``.

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
            _resolve_annotations(value, module.__dict__)
            value.__module__ = public


def _resolve_annotations(value: type | FunctionType, namespace: dict[str, object]) -> None:
    """Evaluate ``value``'s own annotations in the module that defines it.

    Annotations are strings (postponed evaluation); readers of type hints
    (:func:`typing.get_type_hints`, msgspec, cattrs) evaluate them in the module
    ``__module__`` names, which no longer holds them once it is the public one. An
    annotation naming what is imported only for type checkers stays a string.
    """
    # Its own annotations only (a class inherits none it needs resolving here).
    annotations: dict[str, object] = vars(value).get("__annotations__") or {}
    if not annotations:
        return
    local = dict(vars(value)) if isinstance(value, type) else None
    value.__annotations__ = {
        key: _evaluated(annotation, namespace, local) for key, annotation in annotations.items()
    }


def _evaluated(
    annotation: object, namespace: dict[str, object], local: dict[str, object] | None
) -> object:
    if not isinstance(annotation, str):
        return annotation
    try:
        # The text is an annotation of this package's own source, evaluated where written.
        return eval(annotation, namespace, local)  # noqa: S307
    except Exception:  # a name only type checkers import: kept as written
        return annotation


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

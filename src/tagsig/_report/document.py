"""Read a report's JSON document back into the typed :class:`Report` it was written from.

The document is first validated against the shipped ``report.schema.json``; past that,
every value has the JSON type the schema gives it, and this module only turns JSON into
the report's types (times into :class:`~datetime.datetime`, lists into tuples, objects into
pairs). A report does not record its tags' patterns: a tag's :class:`Signature` holds what
the document says of it (id, name, vendor, category, consent, typical size and requests,
common mistakes) and nothing else. Flags and their evidence are read member for field, so
that a field these models gain is read back with no change here.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast, get_args

from attrs import fields

from tagsig._audit.attribute import EntryRef
from tagsig._audit.measure import Weight
from tagsig._compliance.flags import (
    ConsentChange,
    ConsentSignal,
    ConsentSummary,
    Evidence,
    Flag,
)
from tagsig._exceptions import InputError, escape_pointer
from tagsig._inputs.models import Problem
from tagsig._report.model import (
    REPORT_SCHEMA_VERSION,
    InputSummary,
    NoTagEntry,
    PageWeight,
    ProbableFirstParty,
    Report,
    ReportWarning,
    SiteReport,
    TagCookie,
    TagReport,
    UnattributedHost,
)
from tagsig._resources import data_file
from tagsig._signatures.load import SignatureVersion
from tagsig._signatures.model import Category, Facts, Signature, Vendor

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

__all__ = ["report_from_document"]

_SCHEMA_NAME = "report.schema.json"
_CATEGORIES = frozenset(get_args(Category))
_T = TypeVar("_T")

# Inside this module a document is JSON whose shape the schema has checked.
_Object = Mapping[str, Any]


@functools.cache
def _validator() -> Draft202012Validator:
    # Imported on use: jsonschema costs a noticeable time to import.
    from jsonschema import Draft202012Validator  # noqa: PLC0415

    schema = json.loads(data_file(_SCHEMA_NAME).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _pointer(parts: Sequence[object]) -> str:
    return "".join(f"/{escape_pointer(str(part))}" for part in parts)


def _validate(document: object, source: str) -> None:
    from jsonschema.exceptions import best_match  # noqa: PLC0415 (imported with the validator)

    if not isinstance(document, Mapping):
        raise InputError(
            f"expected a JSON report (an object), found {type(document).__name__}", path=source
        )
    version = document.get("schema_version")
    if version != REPORT_SCHEMA_VERSION:
        raise InputError(
            f"expected a report of schema_version {REPORT_SCHEMA_VERSION}, found {version!r}",
            path=source,
            pointer="/schema_version",
        )
    try:
        error = best_match(_validator().iter_errors(document))
    except RecursionError as e:
        raise InputError(
            "expected a JSON report, found one nested too deeply to read", path=source
        ) from e
    if error is not None:
        raise InputError(
            f"expected a report as report.schema.json gives it: {error.message}",
            path=source,
            pointer=_pointer(list(error.absolute_path)) or None,
        )


def report_from_document(
    document: Mapping[str, object], *, source: str = "<report>", validate: bool = True
) -> Report:
    """Return the :class:`Report` that ``document`` (a report's JSON document) describes.

    Args:
        document: The document, as :func:`tagsig.report_to_document` gives it or as
            ``json.loads`` reads ``tagsig analyze --format json``'s output.
        source: How errors name the document (a file name).
        validate: Whether to check the document against the schema; only a document
            tagsig itself has just written (a batch line) may skip it.

    Returns:
        The report; rendered again, it gives the same JSON document.

    Raises:
        InputError: The document is not a report of this schema version (the message
            names the first violation and its JSON pointer), or holds a time that is not
            ISO 8601 or a category tagsig does not know.

    """
    if validate:
        _validate(document, source)
    return _Reader(source).report(document)


class _Reader:
    """Builds the report's parts, naming ``source`` and the pointer in every error."""

    def __init__(self, source: str) -> None:
        self.source = source

    def time(self, value: object, pointer: str) -> datetime | None:
        if value is None:
            return None
        try:
            return datetime.fromisoformat(str(value))
        except ValueError as e:
            raise InputError(
                f"expected an ISO 8601 time, found {value!r}"[:200],
                path=self.source,
                pointer=pointer,
            ) from e

    def report(self, doc: _Object) -> Report:
        consent: _Object = doc["consent"]
        return Report(
            inputs=tuple(self.input(item, f"/inputs/{n}") for n, item in enumerate(doc["inputs"])),
            first_party=tuple(doc["first_party"]),
            tags=tuple(self.tag(item, f"/tags/{n}") for n, item in enumerate(doc["tags"])),
            unattributed=tuple(
                UnattributedHost(
                    host=h["host"],
                    requests=h["requests"],
                    transfer_bytes=h["transfer_bytes"],
                    initiated_by=h["initiated_by"],
                    third_party=h["third_party"],
                    entries=_refs(h["entries"]),
                )
                for h in doc["unattributed"]
            ),
            consent=ConsentSummary(
                signals=tuple(
                    self.signal(s, f"/consent/signals/{n}")
                    for n, s in enumerate(consent["signals"])
                ),
                timeline=tuple(
                    self.change(c, f"/consent/timeline/{n}")
                    for n, c in enumerate(consent.get("timeline", ()))
                ),
                **(
                    {"needing_consent": tuple(consent["needing_consent"])}
                    if "needing_consent" in consent
                    else {}
                ),
            ),
            warnings=tuple(
                ReportWarning(code=w["code"], message=w["message"], input=w["input"])
                for w in doc["warnings"]
            ),
            flags=tuple(self.flag(f, f"/flags/{n}") for n, f in enumerate(doc.get("flags", ()))),
            schema_version=doc["schema_version"],
            sites=tuple(
                SiteReport(
                    input=s["input"],
                    page=s["page"],
                    domain=s["domain"],
                    evidence=s["evidence"],
                    entry=s["entry"],
                    url=s["url"],
                    hops=tuple(s["hops"]),
                    organisation=s["organisation"],
                )
                for s in doc.get("sites", ())
            ),
            probably_first_party=tuple(
                ProbableFirstParty(
                    host=p["host"],
                    requests=p["requests"],
                    transfer_bytes=p["transfer_bytes"],
                    reason=p["reason"],
                    entries=_refs(p["entries"]),
                )
                for p in doc.get("probably_first_party", ())
            ),
            no_tag=tuple(
                NoTagEntry(input=e["input"], index=e["index"], host=e["host"], reason=e["reason"])
                for e in doc.get("no_tag", ())
            ),
            signatures=_database(doc.get("signature_database")),
        )

    def input(self, doc: _Object, pointer: str) -> InputSummary:
        del pointer  # every value of an input is checked by the schema
        return InputSummary(
            path=doc["path"],
            kind=doc["kind"],
            producer=doc["producer"],
            entries=doc["entries"],
            pages=doc["pages"],
            problems=tuple(
                Problem(
                    source=doc["path"], message=p["message"], pointer=p["pointer"], line=p["line"]
                )
                for p in doc["problems"]
            ),
            has_cookie_evidence=doc["has_cookie_evidence"],
            no_tag=tuple(doc.get("no_tag", {}).items()),
            # Absent from reports written before they were recorded: assumed recorded.
            has_initiators=doc.get("has_initiators", True),
            has_sizes=doc.get("has_sizes", True),
        )

    def tag(self, doc: _Object, pointer: str) -> TagReport:
        if doc["category"] not in _CATEGORIES:
            raise InputError(
                f"expected a category tagsig knows, found {doc['category']!r}"[:200],
                path=self.source,
                pointer=f"{pointer}/category",
            )
        mistakes = doc.get("mistakes", [])
        if not isinstance(mistakes, list) or not all(isinstance(m, str) for m in mistakes):
            raise InputError(
                f"expected a list of strings, found {mistakes!r}"[:200],
                path=self.source,
                pointer=f"{pointer}/mistakes",
            )
        vendor: _Object = doc["vendor"]
        typical: _Object = doc["typical"]
        signature = Signature(
            id=doc["id"],
            name=doc["name"],
            vendor=Vendor(name=vendor["name"], country=vendor["country"], dpf=vendor["dpf"]),
            category=doc["category"],
            consent=doc["consent"],
            facts=Facts(
                script_kb=_float(typical["script_kb"]),
                requests_per_page=_float(typical["requests_per_page"]),
            ),
            mistakes=tuple(mistakes),
        )
        return TagReport(
            signature=signature,
            weight=_weight(doc),
            pages=doc["pages"],
            entries=_refs(doc["entries"]),
            cookies=tuple(
                self.cookie(c, f"{pointer}/cookies/{n}") for n, c in enumerate(doc["cookies"])
            ),
            loaded_by=doc["loaded_by"],
            per_page=tuple(
                PageWeight(input=p["input"], page=p["page"], weight=_weight(p))
                for p in doc["per_page"]
            ),
            flags=tuple(self.flag(f, f"{pointer}/flags/{n}") for n, f in enumerate(doc["flags"])),
            first_seen=self.time(doc.get("first_seen"), f"{pointer}/first_seen"),
            own=doc.get("own", False),
            owner=doc.get("owner"),
        )

    def cookie(self, doc: _Object, pointer: str) -> TagCookie:
        return TagCookie(
            name=doc["name"],
            domain=doc["domain"],
            source=doc["source"],
            expires=self.time(doc["expires"], f"{pointer}/expires"),
            lifetime_days=_float(doc["lifetime_days"]),
            third_party=doc["third_party"],
            evidence=doc["evidence"],
            by=doc.get("by", "name"),
            input=doc["input"],
            entry=doc["entry"],
        )

    def flag(self, doc: _Object, pointer: str) -> Flag:
        evidence = tuple(
            self.by_fields(Evidence, e, f"{pointer}/evidence/{n}")
            for n, e in enumerate(doc["evidence"])
        )
        return self.by_fields(Flag, doc, pointer, evidence=evidence)

    def by_fields(self, cls: Callable[..., _T], doc: _Object, pointer: str, **given: object) -> _T:
        """Build ``cls`` from the members of ``doc`` named as its fields.

        Flags and their evidence are written member for field (``time`` as ISO 8601), so
        they are read the same way: a field the model gains is read back with it.
        """
        values: dict[str, object] = {}
        for attribute in fields(cast("type[Any]", cls)):
            name = attribute.name
            if name in given:
                values[name] = given[name]
            elif name in doc:
                value = doc[name]
                values[name] = self.time(value, f"{pointer}/{name}") if name == "time" else value
        return cls(**values)

    def signal(self, doc: _Object, pointer: str) -> ConsentSignal:
        detail: _Object = doc["detail"]
        for key, value in detail.items():
            if not isinstance(value, str):
                raise InputError(
                    f"expected a string, found {value!r}"[:200],
                    path=self.source,
                    pointer=f"{pointer}/detail/{escape_pointer(key)}",
                )
        return ConsentSignal(
            kind=doc["kind"],
            time=self.time(doc["time"], f"{pointer}/time"),
            input=doc["input"],
            entry=doc["entry"],
            detail=tuple(detail.items()),
            purposes=tuple(doc.get("purposes", {}).items()),
        )

    def change(self, doc: _Object, pointer: str) -> ConsentChange:
        time = self.time(doc["time"], f"{pointer}/time")
        if time is None:
            raise InputError(
                "expected the time the consent state starts to hold, found null",
                path=self.source,
                pointer=f"{pointer}/time",
            )
        return ConsentChange(
            input=doc["input"],
            time=time,
            entry=doc["entry"],
            purposes=tuple(doc["purposes"].items()),
        )


def _database(doc: _Object | None) -> SignatureVersion | None:
    if doc is None:
        return None
    return SignatureVersion(version=doc["version"], date=doc["date"], layers=doc.get("layers", 1))


def _float(value: float | None) -> float | None:
    # JSON does not tell 2 from 2.0; the report's fractional values are floats.
    return None if value is None else float(value)


def _weight(doc: _Object) -> Weight:
    return Weight(
        requests=doc["requests"],
        transfer_bytes=doc["transfer_bytes"],
        decoded_bytes=doc["decoded_bytes"],
        script_bytes=doc["script_bytes"],
        time_ms=float(doc["time_ms"]),
        sizes_recorded=doc.get("sizes_recorded", True),
    )


def _refs(items: Sequence[_Object]) -> tuple[EntryRef, ...]:
    return tuple(EntryRef(input=ref["input"], index=ref["index"]) for ref in items)

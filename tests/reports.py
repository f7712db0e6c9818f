"""Small reports for the renderer tests: the example capture, with flags and consent signals."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from attrs import evolve

from tagsig import (
    ConsentSignal,
    ConsentSummary,
    Evidence,
    Flag,
    Report,
    ReportWarning,
    TagReport,
    UnattributedHost,
    analyze,
    load_har,
)
from tagsig._compliance.rules.evidence import short_url

from .conftest import REPO

EXAMPLE = REPO / "examples" / "shop.har"
EXAMPLE_JAR = REPO / "examples" / "cookies.txt"

HOSTILE = (
    "<script>alert('x')</script><img src=x onerror=alert(1)>\"'&amp;"
    "|`*_[link](javascript:alert(1))$x$\n# heading"
)
"""Markup that a hostile site can put in URLs, hosts, cookie names and titles."""
PAGE = "https://www.example-shop.com/"
"""The example's page, as evidence names it."""


def _with_flags(tag: TagReport, *flags: Flag) -> TagReport:
    return evolve(tag, flags=tag.flags + flags)


@cache
def example_report() -> Report:
    """Return the example's report with exactly two flags, one consent signal, a warning."""
    report = analyze(EXAMPLE, cookies=[EXAMPLE_JAR])
    capture = load_har(EXAMPLE)
    tags = []
    for original in report.tags:
        # Only the flags below, whatever the rules find, so the tests can count them.
        tag = evolve(original, flags=())
        if tag.id == "meta-pixel":
            ref = tag.entries[0]
            request = capture.entries[ref.index]
            tag = _with_flags(
                tag,
                Flag(
                    rule="before-consent",
                    severity="high",
                    tag=tag.id,
                    message="Meta Pixel fired before the visitor consented to marketing",
                    evidence=(
                        Evidence(
                            kind="entry",
                            input=ref.input,
                            index=ref.index,
                            method=request.method,
                            url=short_url(request.url),
                            time=request.started,
                            page=PAGE,
                        ),
                    ),
                ),
            )
        elif tag.id == "google-analytics":
            tag = _with_flags(
                tag,
                Flag(
                    rule="cookie-lifetime",
                    severity="medium",
                    tag=tag.id,
                    message="_ga lives 399 days, longer than 13 months",
                    evidence=(
                        Evidence(kind="cookie", input=1, name="_ga", domain="example-shop.com"),
                    ),
                ),
            )
        tags.append(tag)
    onetrust = report.tag("onetrust")
    assert onetrust is not None
    assert onetrust.first_seen is not None
    signal = ConsentSignal(
        kind="onetrust",
        time=onetrust.first_seen + timedelta(seconds=2),
        input=0,
        entry=3,
        detail=(("groups", "C0001:1,C0004:0"),),
    )
    return evolve(
        report,
        tags=tuple(tags),
        consent=ConsentSummary(signals=(signal,)),
        flags=(),
        warnings=(
            *report.warnings,
            ReportWarning(
                code="sanitized-har", message="cookies unavailable: sanitized export", input=0
            ),
        ),
    )


@cache
def hostile_report() -> Report:
    """Return the example report with markup in every string a capture controls."""
    report = example_report()
    tags = []
    for tag in report.tags:
        cookies = tuple(evolve(c, name=HOSTILE + c.name, domain=HOSTILE) for c in tag.cookies)
        flags = tuple(
            evolve(
                f,
                message=HOSTILE,
                evidence=(
                    *f.evidence,
                    Evidence(kind="value", name=HOSTILE, value=HOSTILE),
                    Evidence(
                        kind="cookie",
                        input=0,
                        index=0,
                        name=HOSTILE,
                        domain=HOSTILE,
                        method=HOSTILE,
                        url=HOSTILE,
                        page=HOSTILE,
                    ),
                ),
            )
            for f in tag.flags
        )
        tags.append(evolve(tag, cookies=cookies, flags=flags))
    inputs = tuple(evolve(i, path=f"{HOSTILE}/{i.path}", producer=HOSTILE) for i in report.inputs)
    host = UnattributedHost(
        host=HOSTILE,
        requests=1,
        transfer_bytes=10,
        initiated_by="google-tag-manager",
        third_party=True,
    )
    signal = evolve(report.consent.signals[0], kind=HOSTILE, detail=((HOSTILE, HOSTILE),))
    return evolve(
        report,
        tags=tuple(tags),
        inputs=inputs,
        first_party=(HOSTILE,),
        unattributed=(host,),
        consent=ConsentSummary(signals=(signal,)),
        warnings=(ReportWarning(code="sanitized-har", message=HOSTILE),),
    )

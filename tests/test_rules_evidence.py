"""Tests of what flags say beside their rule: their tag, and evidence a person can check."""

from __future__ import annotations

import json
from urllib.parse import quote

import jsonschema
from hypothesis import given
from hypothesis import strategies as st

from tagsig import failing_flags, render
from tagsig._compliance.rules.evidence import MAX_PATH, MAX_QUERY, short_url
from tagsig._inputs.url import parse_url
from tagsig._resources import data_file

from .audits import SITE, audit, document, flags, hit

TRACKER = "https://t.tracker.example/collect"
EMAIL = "jane.doe@example.org"
GA = "https://www.google-analytics.com/g/collect"


class TestFlagTag:
    """Every flag names its tag, or none when it is about the site."""

    def test_failing_flags_name_their_tag(self) -> None:
        """``failing_flags`` says which vendor failed: each flag carries its tag's id."""
        report = audit(
            document(0), hit(f"{GA}?v=2&tid=G-1", 1), hit(f"{TRACKER}?u={quote(EMAIL)}", 2)
        )
        failing = failing_flags(report, "info")
        assert failing
        by_tag = {flag: tag.id for tag in report.tags for flag in tag.flags}
        for flag in failing:
            assert flag.tag == by_tag.get(flag)
        assert {f.tag for f in report.flags} == {None}
        assert any(f.tag == "google-analytics" for f in failing)

    def test_site_flag_has_no_tag(self) -> None:
        """A flag about an unknown third party is the site's: its tag is ``None``."""
        report = audit(document(0), hit(f"{TRACKER}?u={quote(EMAIL)}", 1))
        (flag,) = flags(report, "pii-to-third-party")
        assert flag in report.flags
        assert flag.tag is None


class TestEvidenceDetail:
    """Entry and cookie evidence carry the request, the time, the page and the cookie."""

    def test_entry_evidence(self) -> None:
        """An entry's evidence has its method, URL, start time and page beside its pointer."""
        report = audit(document(0), hit(f"{GA}?v=2&tid=G-1", 1.5))
        flagged = [f for t in report.tags for f in t.flags if t.id == "google-analytics"]
        evidence = next(e for f in flagged for e in f.evidence if e.kind == "entry")
        assert evidence.pointer == f"/log/entries/{evidence.index}"
        assert evidence.method == "GET"
        assert evidence.url == f"{GA}?v=2&tid=G-1"
        assert evidence.time is not None
        assert evidence.time.isoformat() == "2024-05-01T10:00:01.500000+00:00"
        assert evidence.page == SITE

    def test_cookie_evidence_has_its_domain(self) -> None:
        """A cookie's evidence gives the domain it was set for."""
        report = audit(
            document(0),
            hit(
                "https://www.facebook.com/tr/?id=1",
                1,
                response_headers={"Set-Cookie": "fr=1; Domain=facebook.com; SameSite=None"},
            ),
        )
        (flag,) = flags(report, "insecure-cookie", "meta-pixel")
        (cookie,) = [e for e in flag.evidence if e.kind == "cookie"]
        assert (cookie.name, cookie.domain, cookie.method) == ("fr", "facebook.com", "GET")
        assert cookie.url == "https://www.facebook.com/tr/?id=1"

    def test_jar_cookie_evidence_has_its_domain(self) -> None:
        """A cookie read from a jar gives the jar's domain for it."""
        jar = (
            "# Netscape HTTP Cookie File\n"
            ".shop.example\tTRUE\t/\tTRUE\t1760000000\t_ga\tGA1.1.1.2\n"
        )
        report = audit(document(0), hit(f"{GA}?v=2&tid=G-1&cid=1.2", 1), jar=jar)
        (flag,) = flags(report, "cookie-lifetime", "google-analytics")
        (cookie,) = [e for e in flag.evidence if e.kind == "cookie"]
        assert (cookie.name, cookie.domain, cookie.url) == ("_ga", "shop.example", None)

    def test_personal_request_has_every_value_masked(self) -> None:
        """A request that carries personal data shows no query value in clear."""
        report = audit(document(0), hit(f"{TRACKER}?u={quote(EMAIL)}&sid=abcdef123", 1))
        (flag,) = flags(report, "pii-to-third-party")
        (entry,) = [e for e in flag.evidence if e.kind == "entry"]
        assert entry.url == f"{TRACKER}?u=j***@e***.org&sid=abc***23"


class TestShortUrl:
    """URLs shortened for reading."""

    def test_long_parts_are_cut(self) -> None:
        """A long path and a long query are cut with an ellipsis, the host kept whole."""
        url = parse_url(
            "https://cdn.example/" + "a" * 200 + "?" + "&".join(f"k{n}=v" for n in range(100))
        )
        text = short_url(url)
        assert text.startswith("https://cdn.example/aaa")
        path, _, query = text.removeprefix("https://cdn.example").partition("?")
        assert len(path) == MAX_PATH
        assert path.endswith("\u2026")
        assert len(query) == MAX_QUERY
        assert query.endswith("\u2026")

    def test_email_in_path_is_masked(self) -> None:
        """An address in a path segment is masked."""
        assert short_url(parse_url(f"https://t.example/u/{quote(EMAIL)}/x")) == (
            "https://t.example/u/j***@e***.org/x"
        )

    @given(
        local=st.from_regex(r"[a-z]{3,10}", fullmatch=True),
        name=st.from_regex(r"[a-z]{1,8}", fullmatch=True),
        before=st.from_regex(r"[a-z0-9]{0,20}", fullmatch=True),
    )
    def test_an_email_never_shows(self, local: str, name: str, before: str) -> None:
        """Whatever the parameter, an e-mail address in a query never appears in clear."""
        address = f"{local}@{name}example.org"
        text = short_url(parse_url(f"https://t.example/c?a={before}&{name}={quote(address)}"))
        assert address not in text
        assert quote(address) not in text
        assert f"{local[:1]}***@" in text


def test_json_carries_tag_and_evidence() -> None:
    """In JSON each flag names its tag and each evidence its request, schema-valid."""
    report = audit(
        document(0),
        hit(f"{TRACKER}?u={quote(EMAIL)}", 1),
        hit(
            "https://www.facebook.com/tr/?id=1",
            2,
            response_headers={"Set-Cookie": "fr=1; Domain=facebook.com; SameSite=None"},
        ),
    )
    schema = json.loads(data_file("report.schema.json").read_text(encoding="utf-8"))
    data = json.loads(render(report, "json"))
    jsonschema.Draft202012Validator(schema).validate(data)
    (pixel,) = [t for t in data["tags"] if t["id"] == "meta-pixel"]
    assert {f["tag"] for f in pixel["flags"]} == {"meta-pixel"}
    assert {f["tag"] for f in data["flags"]} == {None}
    cookie = next(e for f in pixel["flags"] for e in f["evidence"] if e["kind"] == "cookie")
    assert cookie["domain"] == "facebook.com"
    assert cookie["pointer"] == f"/log/entries/{cookie['index']}"
    assert cookie["time"] == "2024-05-01T10:00:02+00:00"
    site = next(e for f in data["flags"] for e in f["evidence"] if e["kind"] == "entry")
    assert EMAIL not in json.dumps(site)
    assert site["url"].startswith(TRACKER + "?u=j***@")

"""Edges of the signature layer: lenient schemas, long cookie patterns, bounded caches, regexes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tagsig._exceptions import InvalidSignatureDB, SignatureError
from tagsig._inputs.models import Url
from tagsig._signatures import match, ownership
from tagsig._signatures.file import read_layer
from tagsig._signatures.load import _load_signatures
from tagsig._signatures.match import Matcher
from tagsig._signatures.model import (
    CookiePattern,
    Organisation,
    Signature,
    UrlPattern,
    Vendor,
)
from tagsig._signatures.ownership import Ownership
from tagsig._signatures.regex import find_unsafe_construct

_LONG = "x" * 70


def _problems(tmp_path: Path, document: object) -> list[tuple[str, str]]:
    """Return ``(pointer, message)`` of each problem of ``document`` under no schema."""
    path = tmp_path / "db.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InvalidSignatureDB) as excinfo:
        _load_signatures([path], bundled=False, schema={})
    return [
        (str(e.pointer), e.message)
        for e in excinfo.value.exceptions
        if isinstance(e, SignatureError)
    ]


class TestOrganisationsWithoutSchema:
    """The builder reports shapes a permissive schema lets through."""

    def test_organisations_not_an_array(self, tmp_path: Path) -> None:
        """A number where the organisations array goes."""
        assert _problems(tmp_path, {"schema_version": 2, "organisations": 5, "signatures": []}) == [
            ("/organisations", "expected an array of organisations, found the number 5")
        ]

    def test_organisation_not_an_object(self, tmp_path: Path) -> None:
        """A number where an organisation goes."""
        assert _problems(
            tmp_path, {"schema_version": 2, "organisations": [7], "signatures": []}
        ) == [("/organisations/0", "expected an organisation object, found the number 7")]

    def test_domain_not_a_string(self, tmp_path: Path) -> None:
        """A number among an organisation's domains."""
        assert _problems(
            tmp_path,
            {
                "schema_version": 2,
                "signatures": [],
                "organisations": [{"id": "a", "name": "A", "domains": [5]}],
            },
        ) == [
            (
                "/organisations/0",
                "expected a well-formed organisation, found an error: "
                "TypeError('expected a domain string, found 5')",
            )
        ]

    def test_parent_not_a_string(self, tmp_path: Path) -> None:
        """A number where an organisation's parent id goes."""
        assert _problems(
            tmp_path,
            {
                "schema_version": 2,
                "signatures": [],
                "organisations": [{"id": "a", "name": "A", "domains": [], "parent": 5}],
            },
        ) == [
            (
                "/organisations/0",
                "expected a well-formed organisation, found an error: "
                "TypeError('expected a string parent, found 5')",
            )
        ]

    def test_version_one_skips_entries_that_are_no_objects(self, tmp_path: Path) -> None:
        """A version 1 file is told about version 2 members past an entry that is no object."""
        found = _problems(
            tmp_path, {"schema_version": 1, "signatures": [7, {"id": "x", "organisation": "a"}]}
        )
        assert ("/signatures/0", "expected a signature object, found the number 7") in found
        assert (
            "/signatures/1/organisation",
            "expected no 'organisation' in a "
            "schema_version 1 file, found one (it needs schema_version 2)",
        ) in found

    def test_unvalidated_file_keeps_domains(self, tmp_path: Path) -> None:
        """A file read without validation keeps its organisations' domains."""
        path = tmp_path / "plain.json"
        path.write_text(
            json.dumps(
                {
                    "schema_version": 2,
                    "signatures": [],
                    "organisations": [
                        {"id": "a", "name": "A", "sources": ["curated"], "domains": ["a.example"]},
                        {"id": "b", "name": "B", "sources": ["curated"], "domains": ["a.example"]},
                    ],
                }
            ),
            encoding="utf-8",
        )
        layer = read_layer(path, schema=None, validate=False)
        assert [o.domains for o, _ in layer.organisations] == [("a.example",), ("a.example",)]


def _signature(
    signature_id: str, *, cookies: tuple[CookiePattern, ...] = (), urls: tuple[UrlPattern, ...] = ()
) -> Signature:
    return Signature(
        id=signature_id,
        name=signature_id,
        vendor=Vendor(name="Example"),
        category="analytics",
        consent="analytics",
        cookies=cookies,
        urls=urls,
    )


class TestLongCookiePatterns:
    """Prefix and suffix patterns longer than the walked head of a name."""

    @pytest.fixture
    def matcher(self) -> Matcher:
        """Return a matcher of two long prefixes and two long suffixes sharing heads."""
        return Matcher.from_signatures(
            [
                _signature(
                    "long",
                    cookies=(
                        CookiePattern(name=_LONG + "_a", match="prefix"),
                        CookiePattern(name=_LONG + "_b", match="prefix"),
                        CookiePattern(name="a_" + _LONG, match="suffix"),
                        CookiePattern(name="b_" + _LONG, match="suffix"),
                    ),
                )
            ]
        )

    def test_second_long_prefix(self, matcher: Matcher) -> None:
        """A name is matched by the second long prefix sharing its head."""
        assert matcher.match_cookie(_LONG + "_b1") is not None

    def test_no_long_prefix(self, matcher: Matcher) -> None:
        """A name sharing the head of long prefixes but none of them matches nothing."""
        assert matcher.match_cookie(_LONG + "_c1") is None

    def test_second_long_suffix(self, matcher: Matcher) -> None:
        """A name is matched by the second long suffix sharing its tail."""
        assert matcher.match_cookie("1b_" + _LONG) is not None

    def test_no_long_suffix(self, matcher: Matcher) -> None:
        """A name sharing the tail of long suffixes but none of them matches nothing."""
        assert matcher.match_cookie("1c_" + _LONG) is None


class TestLongUrlPrefixes:
    """URL path prefixes longer than the walked head of a path."""

    def test_head_shared_but_no_long_prefix(self) -> None:
        """A path sharing the head of a long prefix, but not all of it, takes a shorter one."""
        short = _signature("short", urls=(UrlPattern(host="t.example", path="/", match="prefix"),))
        long = _signature(
            "long", urls=(UrlPattern(host="t.example", path="/" + _LONG + "_a", match="prefix"),)
        )
        matcher = Matcher.from_signatures([short, long])

        def tag(path: str) -> str | None:
            url = Url(raw=f"https://t.example{path}", scheme="https", host="t.example", port=None)
            found = matcher.match_url(url)
            return None if found is None else found.id

        assert tag("/" + _LONG + "_a1") == "long"
        assert tag("/" + _LONG + "_b1") == "short"


class TestBoundedCaches:
    """Caches are emptied when full, and answers stay right."""

    def test_url_rules(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """URL look-ups over many hosts."""
        monkeypatch.setattr(match, "_CACHE_SIZE", 2)
        tag = _signature("tag", urls=(UrlPattern(host="*.example", path="/tag/", match="prefix"),))
        matcher = Matcher.from_signatures([tag])
        for n in range(6):
            host = f"h{n}.example"
            assert (
                matcher.match_url(
                    Url(raw=f"https://{host}/tag/x", scheme="https", host=host, port=None)
                )
                == tag
            )
            assert (
                matcher.match_url(
                    Url(raw=f"https://{host}/other", scheme="https", host=host, port=None)
                )
                is None
            )

    def test_ownership(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Registrable domains and related domains over many hosts."""
        monkeypatch.setattr(ownership, "_CACHE_SIZE", 2)
        owner = Ownership.build(
            [Organisation(id="a", name="A", domains=("a.example", "a-cdn.example"))], [], dict
        )
        for n in range(6):
            assert owner.registrable_domain(f"h{n}.a.example") == "a.example"
            assert owner.related_domains(f"h{n}.site{n}.example") == frozenset({f"site{n}.example"})
        assert "a-cdn.example" in owner.related_domains("www.a.example")


class TestRegexClasses:
    """Negated categories and atomic groups in runs of repeats."""

    @pytest.mark.parametrize(
        "pattern", [r"\D+\d+x", r"\W*\w+", r"\S+\s+", r"[\s]+[\S]+", r"[\x00-\U0010ffff]+b+"]
    )
    def test_overlapping_run(self, pattern: str) -> None:
        """Repeats in a row whose characters overlap are refused."""
        assert find_unsafe_construct(pattern) == "two repeats in a row that can match the same text"

    @pytest.mark.parametrize(
        "pattern",
        [r"a+(?>b{2})c+", r"x+(?>y+)z", r"[\x00-\x10]+a+", r"[^\x00-\U0010ffff]+b+", r"[^\w]+_+"],
    )
    def test_separated_run(self, pattern: str) -> None:
        """Repeats kept apart by what they cannot match, or that give nothing back, pass."""
        assert find_unsafe_construct(pattern) is None

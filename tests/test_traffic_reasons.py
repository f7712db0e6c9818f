"""Which requests are no tag of any site: certificate checks, browser traffic, odd hosts."""

from __future__ import annotations

import pytest

from tagsig import load_har
from tagsig._audit.traffic import no_tag_reason

from .builders import JSON, entry, har


def _reason(request: JSON) -> str | None:
    (loaded,) = load_har(har(request)).entries
    return no_tag_reason(loaded)


@pytest.mark.parametrize(
    ("url", "mime", "reason"),
    [
        ("http://lencr.org/", "text/html", "certificate-check"),
        ("http://www.digicert.com/DigiCertCA.crt", "text/html", "certificate-check"),
        ("http://www.digicert.com/", "text/html", None),
        ("http://ocsp.unknown-ca.example/", "", "certificate-check"),
        ("http://ocsp.unknown-ca.example/", "text/html", None),
        ("http://intranet/tag.js", "application/javascript", None),
    ],
)
def test_host_and_path(url: str, mime: str, reason: str | None) -> None:
    """A certificate host, an authority's certificate file, a responder, a one-label host."""
    assert _reason(entry(url, mime=mime)) == reason


def test_ocsp_request_body() -> None:
    """A POST whose body is an OCSP request is a certificate check, whatever the host."""
    request = entry(
        "http://checks.shop.example/", method="POST", post="MEMwQTA/", mime="text/plain"
    )
    request["request"]["postData"]["mimeType"] = "Application/OCSP-Request"
    assert _reason(request) == "certificate-check"


def test_form_post_may_be_a_tag() -> None:
    """A form POST to an ordinary host may be a tag."""
    request = entry("http://checks.shop.example/", method="POST", post="a=1", mime="text/plain")
    assert _reason(request) is None

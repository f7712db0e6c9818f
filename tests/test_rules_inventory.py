"""Tests of transfer-outside-eea, unknown-third-party and over-weight."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tagsig import analyze, load_signatures

from .audits import PAGE, at, audit, document, flags, hit
from .builders import entry, har, script_initiator
from .conftest import REPO


class TestTransfer:
    """transfer-outside-eea."""

    def test_us_with_dpf_is_low(self) -> None:
        """A DPF-certified US vendor is low, and the message says so."""
        (flag,) = flags(
            audit(document(0), hit("https://www.facebook.com/tr/?id=1", 1)),
            "transfer-outside-eea",
            "meta-pixel",
        )
        assert flag.severity == "low"
        assert "Data Privacy Framework" in flag.message

    def test_us_without_dpf_is_medium(self) -> None:
        """A US vendor not known to be certified is medium."""
        (flag,) = flags(
            audit(document(0), hit("https://rs.fullstory.com/rec/page", 1)),
            "transfer-outside-eea",
            "fullstory",
        )
        assert flag.severity == "medium"

    def test_other_country(self) -> None:
        """A vendor in a country without adequacy is medium."""
        (flag,) = flags(
            audit(document(0), hit("https://mc.yandex.ru/watch/1", 1)),
            "transfer-outside-eea",
            "yandex-metrica",
        )
        assert "based in RU" in flag.message

    def test_eea_is_quiet(self) -> None:
        """A vendor in the EEA (Hotjar, Malta) is not flagged."""
        report = audit(document(0), hit("https://static.hotjar.com/c/hotjar-1.js", 1))
        assert flags(report, "transfer-outside-eea") == []


class TestUnknownThirdParty:
    """unknown-third-party."""

    def test_fires(self) -> None:
        """An unclaimed third-party host is reported on the site, info."""
        report = audit(document(0), hit("https://cdn.unknown-vendor.example/p.js", 1))
        (flag,) = flags(report, "unknown-third-party")
        assert (flag.rule, flag.severity) == ("unknown-third-party", "info")
        assert flag.message.startswith("cdn.unknown-vendor.example is a third party")

    def test_first_cause_named_is_the_reported_one(self) -> None:
        """The causes are named most requests first: the first is the host's initiated_by."""
        gtm = "https://www.googletagmanager.com/gtm.js?id=GTM-1"
        meta = "https://connect.facebook.net/en_US/fbevents.js"
        pixel = "https://px.unknown-vendor.example/p.gif?n="
        report = audit(
            document(0),
            entry(gtm, started=at(0.1), mime="text/javascript"),
            entry(meta, started=at(0.2), mime="text/javascript"),
            entry(pixel + "1", started=at(1), initiator=script_initiator(gtm)),
            *(
                entry(pixel + str(n), started=at(n), initiator=script_initiator(meta))
                for n in (2, 3)
            ),
        )
        (host,) = report.unattributed
        assert host.initiated_by == "meta-pixel"
        (flag,) = flags(report, "unknown-third-party")
        assert "caused by Meta Pixel, Google Tag Manager)" in flag.message

    def test_quiet_for_first_party(self) -> None:
        """The site's own hosts are not reported."""
        report = audit(document(0), hit("https://static.shop.example/app.js", 1))
        assert flags(report, "unknown-third-party") == []


class TestOverWeight:
    """over-weight."""

    def test_fires(self) -> None:
        """Script bytes far above the typical size are flagged low."""
        report = audit(
            document(0),
            entry(
                "https://connect.facebook.net/en_US/fbevents.js",
                mime="text/javascript",
                size=900_000,
            ),
        )
        (flag,) = flags(report, "over-weight", "meta-pixel")
        assert "900 kB of script on one page, where 80 kB is typical" in flag.message

    def test_quiet_when_typical(self) -> None:
        """A typical script is not."""
        report = audit(
            document(0),
            entry(
                "https://connect.facebook.net/en_US/fbevents.js",
                mime="text/javascript",
                size=80_000,
            ),
        )
        assert flags(report, "over-weight") == []

    @pytest.mark.parametrize(
        ("missing", "found"),
        [("script_kb", "requests on one page"), ("requests_per_page", "kB of script on one page")],
    )
    def test_one_typical_value_unknown(self, tmp_path: Path, missing: str, found: str) -> None:
        """Without one of the typical values, the other is still compared."""
        data = json.loads((REPO / "data" / "signatures.json").read_text(encoding="utf-8"))
        (pixel,) = (s for s in data["signatures"] if s["id"] == "meta-pixel")
        pixel["facts"][missing] = None
        path = tmp_path / "signatures.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        capture = har(
            document(0),
            entry(
                "https://connect.facebook.net/en_US/fbevents.js",
                mime="text/javascript",
                size=900_000,
            ),
            *(hit(f"https://www.facebook.com/tr?ev={n}", 1) for n in range(40)),
            pages=PAGE,
        )
        report = analyze(capture, signatures=load_signatures(path, bundled=False))
        (flag,) = flags(report, "over-weight", "meta-pixel")
        assert found in flag.message
        assert ("requests" in flag.message) == (missing == "script_kb")

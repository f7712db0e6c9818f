"""Tests of transfer-outside-eea, unknown-third-party and over-weight."""

from __future__ import annotations

from .audits import audit, document, flags, hit
from .builders import entry


class TestTransfer:
    """transfer-outside-eea."""

    def test_us_with_dpf_is_low(self) -> None:
        """A DPF-certified US vendor is low, and the message says so."""
        (flag,) = flags(audit(document(0), hit("https://www.facebook.com/tr/?id=1", 1)),
                        "transfer-outside-eea", "meta-pixel")
        assert flag.severity == "low"
        assert "Data Privacy Framework" in flag.message

    def test_us_without_dpf_is_medium(self) -> None:
        """A US vendor not known to be certified is medium."""
        (flag,) = flags(audit(document(0), hit("https://rs.fullstory.com/rec/page", 1)),
                        "transfer-outside-eea", "fullstory")
        assert flag.severity == "medium"

    def test_other_country(self) -> None:
        """A vendor in a country without adequacy is medium."""
        (flag,) = flags(audit(document(0), hit("https://mc.yandex.ru/watch/1", 1)),
                        "transfer-outside-eea", "yandex-metrica")
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

    def test_quiet_for_first_party(self) -> None:
        """The site's own hosts are not reported."""
        report = audit(document(0), hit("https://static.shop.example/app.js", 1))
        assert flags(report, "unknown-third-party") == []


class TestOverWeight:
    """over-weight."""

    def test_fires(self) -> None:
        """Script bytes far above the typical size are flagged low."""
        report = audit(document(0), entry("https://connect.facebook.net/en_US/fbevents.js",
                                          mime="text/javascript", size=900_000))
        (flag,) = flags(report, "over-weight", "meta-pixel")
        assert "900 kB of script on one page, where 80 kB is typical" in flag.message

    def test_quiet_when_typical(self) -> None:
        """A typical script is not."""
        report = audit(document(0), entry("https://connect.facebook.net/en_US/fbevents.js",
                                          mime="text/javascript", size=80_000))
        assert flags(report, "over-weight") == []

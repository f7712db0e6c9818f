"""Edges of the input layer: URLs, headers, cookie values, translations, packaged data."""

from __future__ import annotations

import runpy
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tagsig import _i18n, _resources
from tagsig._i18n import Translator, translator
from tagsig._inputs.cookies.setcookie import LATEST_EXPIRY
from tagsig._inputs.cookies.values import expiry
from tagsig._inputs.models import Headers, Url
from tagsig._resources import data_file


class TestUrlParts:
    """Path and query of a Url built directly, outside parse_url."""

    def test_unreadable_url_has_empty_parts(self) -> None:
        """A raw URL urlsplit cannot read (an unbalanced bracket, a control character)."""
        url = Url(raw="http://[::1\x01/a?b", scheme="http", host="h", port=None)
        assert (url.path, url.query) == ("", "")

    def test_compared_with_another_type(self) -> None:
        """A Url equals only a Url."""
        url = Url(raw="https://a.example/", scheme="https", host="a.example", port=None)
        assert url != "https://a.example/"
        assert url.__eq__("https://a.example/") is NotImplemented


class TestHeaders:
    """Headers behave as a collection of recorded pairs."""

    def test_membership_length_iteration(self) -> None:
        """A name is in the headers when recorded; length and iteration follow the pairs."""
        headers = Headers((("Content-Type", "text/html"), ("Set-Cookie", "a=1")))
        assert "content-type" in headers
        assert "Accept" not in headers
        assert 3 not in headers
        assert len(headers) == 2
        assert list(headers) == [("Content-Type", "text/html"), ("Set-Cookie", "a=1")]


class TestExpiry:
    """Expiry dates given as aware datetimes."""

    def test_zone_converted_to_utc(self) -> None:
        """A date with a zone offset comes back in UTC."""
        east = timezone(timedelta(hours=2))
        assert expiry("2030-01-01T02:00:00+02:00") == datetime(2030, 1, 1, tzinfo=UTC)
        assert expiry(datetime(2030, 1, 1, 2, tzinfo=east).isoformat()) == datetime(
            2030, 1, 1, tzinfo=UTC
        )

    def test_overflow_is_latest(self) -> None:
        """The last hours of year 9999 west of UTC cannot be held in UTC."""
        assert expiry("9999-12-31T23:00:00-05:00") == LATEST_EXPIRY


class TestTranslator:
    """translator() resolves the language it is given."""

    def test_named_language(self) -> None:
        """The translator of a named language translates into it."""
        assert translator("ga") == Translator("ga")
        assert translator("ga").gettext("Overview") == "Forbhreathnú"


class TestDataFile:
    """Shipped data files."""

    def test_missing_file(self) -> None:
        """A data file in neither the package nor the checkout is FileNotFoundError."""
        with pytest.raises(FileNotFoundError, match="no-such-file"):
            data_file("no-such-file.json")


def test_main_module_runs_the_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m tagsig --version`` prints the version and exits 0."""
    from tagsig import __version__

    monkeypatch.setattr(sys, "argv", ["tagsig", "--version"])
    with pytest.raises(SystemExit) as exited:
        runpy.run_module("tagsig", run_name="__main__")
    assert exited.value.code in (0, None)
    assert __version__ in capsys.readouterr().out


class TestPackagedFiles:
    """A built wheel keeps data and compiled catalogues inside the package."""

    def test_data_file_from_the_package(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A data file inside the package is found there first."""
        (tmp_path / "data").mkdir()
        (tmp_path / "data" / "x.json").write_text("{}", encoding="utf-8")
        monkeypatch.setattr(_resources, "_PACKAGE", tmp_path)
        assert data_file("x.json") == tmp_path / "data" / "x.json"

    def test_compiled_catalogue_is_read(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A compiled .mo catalogue is read without compiling the .po."""
        po = Path(_i18n.__file__).parent / "locale" / "ga" / "LC_MESSAGES" / "tagsig.po"
        folder = tmp_path / "ga" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "tagsig.mo").write_bytes(_i18n.compile_po(po.read_bytes()))
        monkeypatch.setattr(_i18n, "_locale_folder", lambda: tmp_path)
        assert _i18n._translations.__wrapped__("ga").gettext("Overview") == "Forbhreathnú"

    def test_language_without_catalogue_is_english(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A language folder without a catalogue translates nothing."""
        monkeypatch.setattr(_i18n, "_locale_folder", lambda: tmp_path)
        assert _i18n._translations.__wrapped__("ga").gettext("Overview") == "Overview"

"""The catalogue pages in a real headless browser: they render, search works, nothing loads.

Uses Debian's ``chromium`` as tests/test_render_browser.py does (installed by its session
fixture where possible); skipped where no browser can be had.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tagsig._i18n import Translator
from tagsig._render.catalogue_html import write_catalogue

from .test_render_browser import _console_errors, _png_size, _run, chromium

__all__ = ["chromium"]

pytestmark = pytest.mark.slow

_DAY = datetime.date(2026, 3, 17)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write the Irish catalogue once and return its folder."""
    out = tmp_path_factory.mktemp("catalogue")
    write_catalogue(out, Translator("ga"), generated=_DAY)
    return out


def _dump(chromium: str, tmp_path: Path, url: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile-dump"
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        url,
    ]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def _rows(dom: str) -> list[tuple[str, bool]]:
    """Each table row of the index: the page it links and whether it is hidden."""
    return [
        (link, bool(hidden))
        for hidden, link in re.findall(
            r'<tr data-search="[^"]*"( hidden(?:="")?)?><td><a href="([^"]+)"', dom
        )
    ]


def test_tag_page_renders_with_screenshot(chromium: str, site: Path, tmp_path: Path) -> None:
    """The Intercom page renders, logs nothing to the console and is screenshot."""
    screenshot = tmp_path / "intercom.png"
    result = _run(chromium, tmp_path, site / "intercom.html", f"--screenshot={screenshot}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert _console_errors(result.stderr) == []
    assert _png_size(screenshot) == (1280, 2000)
    assert screenshot.stat().st_size > 20_000
    if os.environ.get("TAGSIG_SCREENSHOT_DIR"):
        shutil.copy(screenshot, Path(os.environ["TAGSIG_SCREENSHOT_DIR"]) / "catalogue.png")


def test_index_search_filters_rows(chromium: str, site: Path, tmp_path: Path) -> None:
    """The index's script runs under its CSP and filters the table by the search words."""
    result = _dump(chromium, tmp_path, (site / "index.html").as_uri() + "#q=intercom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert _console_errors(result.stderr) == []
    dom = result.stdout
    assert '<span id="shown">1</span>' in dom
    rows = _rows(dom)
    visible = [link for link, hidden in rows if not hidden]
    assert visible == ["intercom.html"]
    assert len(rows) > 200


def test_index_search_ignores_accents(chromium: str, site: Path, tmp_path: Path) -> None:
    """Typing an Irish word without its accents finds it: "comhra" finds Comhrá rows."""
    result = _dump(chromium, tmp_path, (site / "index.html").as_uri() + "#q=COMHRA%20intercom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert _console_errors(result.stderr) == []
    assert [link for link, hidden in _rows(result.stdout) if not hidden] == ["intercom.html"]


def test_index_without_search_shows_every_tag(chromium: str, site: Path, tmp_path: Path) -> None:
    """With no search words every row stays visible; the count is the number of pages."""
    result = _dump(chromium, tmp_path, (site / "index.html").as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    pages = len(list(site.glob("*.html"))) - 1
    assert f'<span id="shown">{pages}</span>' in result.stdout
    rows = _rows(result.stdout)
    assert len(rows) == pages
    assert not any(hidden for _link, hidden in rows)

"""The HTML report in a real headless browser: it renders, logs no error, and screenshots.

A session fixture installs Debian's ``chromium`` when it is absent and the tests run as
root with ``apt-get``; the tests are skipped only where no browser can be installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
from html import unescape
from pathlib import Path

import pytest

from tagsig import Report, analyze, render

from .conftest import CORPUS
from .reports import example_report, hostile_report

pytestmark = pytest.mark.slow


def _install_chromium() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        result = subprocess.run(
            command, capture_output=True, text=True, env=env, check=False, timeout=1200
        )
        if result.returncode != 0:
            return None
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Return the path of a headless-capable chromium, installing it when absent."""
    found = shutil.which("chromium") or shutil.which("chromium-browser") or _install_chromium()
    if found is None:
        pytest.skip("chromium is absent and cannot be installed here (needs root and apt-get)")
    return found


def _run(
    chromium: str, tmp_path: Path, page: Path, *mode: str, window: tuple[int, int] = (1280, 2000)
) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{page.stem}-{len(mode)}"
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
        f"--window-size={window[0]},{window[1]}",
        *mode,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_console_detector_sees_errors(chromium: str, tmp_path: Path) -> None:
    """The console check itself works: a page with a failing script is caught."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><p>x</p><script>missingFunction();</script>", encoding="utf-8")
    result = _run(chromium, tmp_path, page, "--dump-dom")
    assert any("missingFunction" in line for line in _console_errors(result.stderr))


def test_report_renders_with_screenshot(chromium: str, tmp_path: Path) -> None:
    """The example report renders, logs nothing to the console and is screenshot."""
    page = tmp_path / "report.html"
    page.write_text(render(example_report(), "html"), encoding="utf-8")
    screenshot = tmp_path / "report.png"
    result = _run(chromium, tmp_path, page, f"--screenshot={screenshot}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert _console_errors(result.stderr) == []
    assert _png_size(screenshot) == (1280, 2000)
    assert screenshot.stat().st_size > 20_000  # a blank page compresses to a few kB
    if os.environ.get("TAGSIG_SCREENSHOT_DIR"):
        shutil.copy(screenshot, Path(os.environ["TAGSIG_SCREENSHOT_DIR"]) / "report.png")


def test_dom_holds_the_report(chromium: str, tmp_path: Path) -> None:
    """The rendered DOM holds every tag, both charts, and none of the hostile markup."""
    page = tmp_path / "hostile.html"
    page.write_text(render(hostile_report(), "html"), encoding="utf-8")
    result = _run(chromium, tmp_path, page, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert _console_errors(result.stderr) == []
    dom = result.stdout
    for tag in hostile_report().tags:
        assert tag.signature.name in dom
    assert dom.count("<svg") == 2
    assert "<script" not in dom
    assert "<img" not in dom
    assert "&lt;script&gt;" in dom


# Measures the laid-out page and writes what does not fit into <pre id="measure">: SVG text
# boxes outside their chart's viewBox, and words of table cells broken across lines.
_MEASURE = """
<pre id="measure"></pre><script>
const out = {texts: 0, words: 0, outside: [], broken: []};
for (const svg of document.querySelectorAll("svg")) {
  const box = svg.viewBox.baseVal;
  for (const text of svg.querySelectorAll("text")) {
    const b = text.getBBox();
    out.texts++;
    if (b.x < box.x - 0.5 || b.y < box.y - 0.5 || b.x + b.width > box.x + box.width + 0.5
        || b.y + b.height > box.y + box.height + 0.5) {
      out.outside.push([text.textContent, Math.round(b.x), Math.round(b.width),
                        box.width]);
    }
  }
}
for (const cell of document.querySelectorAll("td, th")) {
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.data.matchAll(/\\S+/g)) {
      if (m[0].length > 40) continue;
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                           .map(r => Math.round(r.top)));
      out.words++;
      if (tops.size > 1) out.broken.push(m[0]);
    }
  }
}
document.getElementById("measure").textContent = JSON.stringify(out);
</script>
"""

THEVERGE = CORPUS / "har" / "sitespeedio__sitespeed.io__test__fixtures__www-theverge-com.har"


def _reports() -> list[tuple[str, Report]]:
    reports = [("example", example_report())]
    if THEVERGE.is_file():
        reports.append(("theverge", analyze(THEVERGE)))
    return reports


@pytest.mark.parametrize("lang", ["en", "ga"])
@pytest.mark.parametrize("width", [1400, 800])
def test_layout_fits(chromium: str, tmp_path: Path, width: int, lang: str) -> None:
    """At 1400 and 800 pixels, in English and Irish, no label leaves its chart or breaks."""
    for base, report in _reports():
        html = render(report, "html", lang=lang)
        name = base if lang == "en" else f"{base}-{lang}"
        page = tmp_path / f"{name}-{width}.html"
        measured = html.replace(
            "default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';"
        ).replace("</body>", _MEASURE + "</body>")
        page.write_text(measured, encoding="utf-8")
        result = _run(chromium, tmp_path, page, "--dump-dom", window=(width, 2000))
        assert result.returncode == 0, result.stderr[-2000:]
        found = re.search(r'<pre id="measure">(.*?)</pre>', result.stdout, re.DOTALL)
        assert found is not None, result.stdout[-2000:]
        measure = json.loads(unescape(found.group(1)))
        assert measure["texts"] > 0
        assert measure["words"] > 0
        assert measure["outside"] == [], (name, width, measure["outside"][:5])
        assert measure["broken"] == [], (name, width, measure["broken"][:10])
        shot_page = tmp_path / f"{name}-{width}-plain.html"
        shot_page.write_text(html, encoding="utf-8")
        screenshot = tmp_path / f"{name}-{width}.png"
        result = _run(
            chromium, tmp_path, shot_page, f"--screenshot={screenshot}", window=(width, 2000)
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert _console_errors(result.stderr) == []
        assert _png_size(screenshot) == (width, 2000)
        if os.environ.get("TAGSIG_SCREENSHOT_DIR"):
            shutil.copy(screenshot, Path(os.environ["TAGSIG_SCREENSHOT_DIR"]) / screenshot.name)

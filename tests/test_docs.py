"""The documentation keeps up with the code."""

from __future__ import annotations

import re
import subprocess
import sys

import tagsig

from .conftest import REPO


def test_api_page_is_current() -> None:
    """docs/api.md is what scripts/make_api_doc.py writes from the docstrings."""
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "make_api_doc.py")],
                            capture_output=True, text=True, check=True, timeout=120)
    assert (REPO / "docs" / "api.md").read_text(encoding="utf-8") == result.stdout


def test_every_public_name_is_documented() -> None:
    """Every public name appears on the API page."""
    page = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [n for n in tagsig.__all__ if n != "__version__" and f"`{n}" not in page
               and f"tagsig.{n}" not in page]
    assert missing == []


def test_doc_links_resolve() -> None:
    """Relative links between documentation pages point at existing files."""
    broken = [
        f"{page.name} -> {target}"
        for page in [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", page.read_text("utf-8"))
        if not (page.parent / target).is_file()
    ]
    assert broken == []


def test_cli_exit_codes_documented() -> None:
    """The command-line page documents the exit codes the CLI uses."""
    from tagsig import _cli

    page = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    for code in (_cli.EXIT_OK, _cli.EXIT_POLICY, _cli.EXIT_INPUT):
        assert f"| {code} |" in page

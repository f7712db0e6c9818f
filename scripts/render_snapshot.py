"""Render reports in every format into a folder, to compare two checkouts' output.

Usage: ``python scripts/render_snapshot.py OUT_DIR [--lang LANG]``. It renders the example
shop (with its cookie jar and the strict test policy) and every capture of the shared
corpus beside the project, when present, in each format, plus ``--explain`` of each tag.
Run it with two checkouts' ``src`` on ``PYTHONPATH`` and ``diff -r`` the folders: a change
that must not alter English output shows no difference.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tagsig import Report, analyze, render
from tagsig._render.formats import FORMATS
from tagsig._render.text import explain_tag

ROOT = Path(__file__).resolve().parents[1]


def _reports() -> dict[str, Report]:
    reports = {
        "shop": analyze(
            ROOT / "examples" / "shop.har",
            cookies=[ROOT / "examples" / "cookies.txt"],
            policy=ROOT / "tests" / "fixtures" / "policy" / "strict.toml",
        )
    }
    for har in sorted((ROOT.parent / "shared" / "corpus" / "har").glob("*.har")):
        reports[har.stem] = analyze(har)
    return reports


def main() -> None:
    """Write ``NAME.FORMAT`` and ``NAME.explain.TAG`` for each report into OUT_DIR."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lang", default=None)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, report in _reports().items():
        # Without --lang, called as a checkout without languages would call them.
        for fmt in FORMATS:
            text = render(report, fmt) if args.lang is None else render(report, fmt, lang=args.lang)
            (args.out / f"{name}.{fmt}").write_text(text, encoding="utf-8")
        for tag in report.tags:
            text = (
                explain_tag(report, tag.id)
                if args.lang is None
                else explain_tag(report, tag.id, lang=args.lang)
            )
            (args.out / f"{name}.explain.{tag.id}").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

"""Write docs/api.md from the docstrings of the public names in ``tagsig.__all__``.

Usage: ``python scripts/make_api_doc.py > docs/api.md`` (a test checks it is current).
"""

from __future__ import annotations

import inspect
import sys

import tagsig
import tagsig.engine

GROUPS: dict[str, tuple[str, ...]] = {
    "Reading inputs": (
        "load_har",
        "load_cookies",
        "parse_url",
        "registrable_domain",
        "is_third_party",
    ),
    "Signatures": ("load_signatures", "is_generic_cookie_name"),
    "Analysis": ("analyze", "render", "report_to_document"),
    "Consent and policy": (
        "decode_tc_string",
        "try_decode_tc_string",
        "load_policy",
        "failing_flags",
    ),
}


def _summary(obj: object) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.split("\n\n", 1)[0].replace("\n", " ")


def _rest(obj: object) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.split("\n\n", 2)[1].replace("\n", " ") if doc.count("\n\n") else ""


def _signature(obj: object) -> str:
    try:
        return str(inspect.signature(obj)).replace("'", "")  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""


def main() -> None:
    """Print the API page."""
    out = sys.stdout
    out.write(
        "# API\n\nEverything public is importable from `tagsig`; every other module "
        "is private.\nThis page is generated from the docstrings by "
        "`scripts/make_api_doc.py`.\n"
    )
    names = [n for n in tagsig.__all__ if n != "__version__"]
    grouped = {n for names_ in GROUPS.values() for n in names_}
    for title, members in GROUPS.items():
        out.write(f"\n## {title}\n\n")
        for name in members:
            obj = getattr(tagsig, name)
            out.write(f"### `tagsig.{name}{_signature(obj)}`\n\n{_summary(obj)}\n\n")
    classes = [n for n in names if n not in grouped and inspect.isclass(getattr(tagsig, n))]
    errors = [n for n in classes if issubclass(getattr(tagsig, n), BaseException)]
    out.write(
        "\n## Model classes\n\nImmutable (attrs frozen) classes; see each "
        "docstring for its fields.\n\n| Class | Summary |\n| --- | --- |\n"
    )
    for name in classes:
        if name not in errors:
            out.write(f"| `{name}` | {_summary(getattr(tagsig, name))} |\n")
    out.write(
        "\n## Errors\n\nSee [exceptions.md](exceptions.md).\n\n| Class | Summary |\n| --- | --- |\n"
    )
    for name in errors:
        out.write(f"| `{name}` | {_summary(getattr(tagsig, name))} |\n")
    others = [n for n in names if n not in grouped and n not in classes]
    out.write("\n## Types and constants\n\n")
    for name in others:
        out.write(f"- `tagsig.{name}`\n")
    out.write(
        f"\n## Experimental: `tagsig.engine`\n\n{_summary(tagsig.engine)} {_rest(tagsig.engine)}\n"
    )
    for name in tagsig.engine.__all__:
        obj = getattr(tagsig.engine, name)
        signature = _signature(obj) if inspect.isfunction(obj) else ""
        summary = _summary(obj) or f"`{obj!r}`"
        out.write(f"\n### `tagsig.engine.{name}{signature}`\n\n{summary}\n")


if __name__ == "__main__":
    main()

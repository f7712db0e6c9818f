"""The ``tagsig show`` and ``tagsig catalogue`` commands: look tags up, write the catalogue."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any, Final, get_args

from tagsig._signatures.model import Category, ConsentPurpose

if TYPE_CHECKING:
    from tagsig._i18n import Translator

__all__ = ["add_catalogue_parsers", "run_catalogue_command", "run_show_command"]

SHOW_FORMATS: Final = ("text", "json", "markdown", "html")
"""The output formats of ``tagsig show``."""


def add_catalogue_parsers(commands: argparse._SubParsersAction[Any]) -> None:
    """Add the ``show`` and ``catalogue`` subcommands to the ``tagsig`` parser."""
    show = commands.add_parser(
        "show",
        help="show what tagsig knows about a tag (its catalogue entry), or list tags",
        description="Show the catalogue entry of a tag, found by id, name or alias in any "
        "case, or list the curated tags.",
    )
    show.add_argument("tag", nargs="?", metavar="TAG", help="signature id, name or alias")
    show.add_argument(
        "--list",
        action="store_true",
        dest="list_tags",
        help="list the curated tags instead of showing one",
    )
    show.add_argument(
        "--all",
        action="store_true",
        dest="all_tags",
        help="with --list: every tag of the database, not only curated ones",
    )
    show.add_argument(
        "--category",
        choices=get_args(Category),
        metavar="CATEGORY",
        help="with --list: only tags of this category",
    )
    show.add_argument(
        "--consent",
        choices=get_args(ConsentPurpose),
        metavar="PURPOSE",
        help="with --list: only tags under this consent purpose",
    )
    show.add_argument(
        "--format", choices=SHOW_FORMATS, default="text", help="output format (default: text)"
    )
    show.add_argument(
        "--lang",
        metavar="LANG",
        default=None,
        help="language of the labels: en or ga (default: from the locale, else en)",
    )
    catalogue = commands.add_parser(
        "catalogue",
        help="write the tag catalogue as static HTML pages",
        description="Write the catalogue of curated tags as static, self-contained HTML: an "
        "index with search and a page per tag.",
    )
    catalogue.add_argument(
        "--output",
        "-o",
        required=True,
        metavar="DIR",
        help="directory to write the pages into (created when absent)",
    )
    catalogue.add_argument(
        "--lang",
        metavar="LANG",
        default=None,
        help="language of the pages: en or ga (default: from the locale, else en)",
    )


def _translator(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Translator:
    from tagsig._i18n import Translator, resolve_language  # noqa: PLC0415 (start-up)

    try:
        return Translator(resolve_language(args.lang))
    except ValueError as e:
        parser.error(f"--lang: {e}")


def run_show_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``tagsig show``; return the exit code (errors raise :class:`TagsigError`)."""
    from tagsig._render import catalogue as render  # noqa: PLC0415 (keeps start-up small)
    from tagsig._signatures.catalogue import catalogue_entries, catalogue_entry  # noqa: PLC0415

    tr = _translator(args, parser)
    if args.list_tags:
        if args.tag is not None:
            parser.error("show takes either TAG or --list, not both")
        entries = catalogue_entries(
            category=args.category, consent=args.consent, curated_only=not args.all_tags
        )
        if args.format == "json":
            text = (
                json.dumps(
                    render.list_document(entries), indent=2, sort_keys=True, ensure_ascii=False
                )
                + "\n"
            )
        elif args.format == "markdown":
            text = render.render_list_markdown(entries, tr)
        elif args.format == "html":
            from tagsig._render.catalogue_html import render_index_html  # noqa: PLC0415

            text = render_index_html(entries, tr)
        else:
            text = render.render_list_text(entries, tr)
    else:
        if args.tag is None:
            parser.error("show needs a TAG, or --list")
        if args.category or args.consent or args.all_tags:
            parser.error("--category, --consent and --all go with --list")
        entry = catalogue_entry(args.tag)
        if args.format == "json":
            text = render.render_entry_json(entry, tr)
        elif args.format == "markdown":
            text = render.render_entry_markdown(entry, tr)
        elif args.format == "html":
            from tagsig._render.catalogue_html import render_entry_html  # noqa: PLC0415

            text = render_entry_html(entry, tr)
        else:
            text = render.render_entry_text(entry, tr)
    sys.stdout.write(text)
    return 0


def run_catalogue_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``tagsig catalogue``; return the exit code (errors raise :class:`TagsigError`)."""
    from tagsig._render.catalogue_html import write_catalogue  # noqa: PLC0415

    tr = _translator(args, parser)
    written = write_catalogue(args.output, tr)
    count = len(written) - 1
    message = tr.ngettext("{count} tag", "{count} tags", count).format(count=tr.number(count))
    print(f"{written[0]} ({message})")
    return 0

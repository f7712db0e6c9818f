"""Run the command-line interface: ``python -m tagsig``."""

from tagsig._cli import main

raise SystemExit(main())

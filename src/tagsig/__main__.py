"""Run the command-line interface: ``python -m tagsig``."""

from tagsig._cli.main import run

run()

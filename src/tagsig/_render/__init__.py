"""Renderers: every output format of a report, and of diffs, estates and the catalogue.

Layer 9. ``formats`` dispatches and builds the JSON document; one module per format (text,
HTML, Markdown, CSV, SARIF), the diff (``compare``, ``diff``), the estate (summary, tables,
Parquet, text), ``inspect`` and the catalogue pages. May import the analysis and every
layer below, never the batch or the command line.
"""

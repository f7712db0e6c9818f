"""Batch runs: many captures analysed in a pool of workers, and the writers of the lines.

Layer 10, beside the command line. ``run`` names the captures and analyses each one,
``pool`` schedules the workers, ``write`` writes JSON Lines, Parquet and the summary. May
import every layer below.
"""

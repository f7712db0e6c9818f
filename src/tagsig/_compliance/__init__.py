"""Compliance: consent signals, flags and their messages, policies, and the rules.

Layer 5 (the rules in ``rules`` are layer 6, one step above the rest). The flag types
(:class:`Flag`, :class:`Evidence`, severities and their order) live in ``flags``; the rules
turn an attribution into flags. May import the audit, signatures, inputs and base modules,
never the report, render or command line.
"""

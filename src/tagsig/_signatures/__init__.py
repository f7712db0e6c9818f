"""The signature database: its model, its files, the compiled index, and the matcher.

Layer 2. Loads and validates ``signatures.json`` and custom layers, organisations and
their domains, Related Website Sets and the catalogue; ``match`` (layer 3, one step above
the rest) compiles a database into host, URL and cookie look-ups. May import the inputs
and the base modules, never the audit, compliance, report, render or command line.
"""

"""The analysis: the whole audit, policy queries, and reading saved reports.

Layer 8. ``analyze`` runs the audit and the rules and builds the report; ``policy`` asks
which flags fail a policy; ``saved`` reads a capture or a report's JSON document for a
diff. May import every layer below.
"""

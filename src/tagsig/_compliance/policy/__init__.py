"""Site policies: the model, loading a TOML or JSON policy, and waiving flags.

The policy is validated against the shipped ``policy.schema.json``; querying a report
against it lives in the analysis layer (``tagsig._analysis.policy``).
"""

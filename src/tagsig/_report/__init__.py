"""The report: the immutable result of an analysis, and its JSON document read back.

Layer 7. Holds data only; the renderers register with it (``tagsig._render.formats``).
May import the compliance, audit, signatures, inputs and base modules (mostly types, for
annotations).
"""

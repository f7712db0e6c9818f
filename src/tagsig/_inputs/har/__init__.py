"""HAR captures: the decoded subset of HAR 1.2, its values, its errors and the reader.

``format`` is the typed subset msgspec decodes, ``values`` normalizes what producers write,
``errors`` turns refusals into messages with JSON pointers, and ``reader`` joins them into
a :class:`Capture`, repairing or skipping damaged entries.
"""

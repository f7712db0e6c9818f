"""The audit of traffic: no-tag traffic, first and third parties, attribution, weight.

Layer 4. Pure functions of captures, jars and a compiled database: what is no tag, who is
first party, which tag made each request and cookie, and what each weighs. May import the
signatures, the inputs and the base modules.
"""

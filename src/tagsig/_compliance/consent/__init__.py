"""Consent: TCF and GPP strings, consent managers' cookies, signals and the timeline.

``tcf`` and ``gpp`` decode IAB strings, ``signals`` reads every consent signal of a request,
``cmp_cookies`` the consent managers' own cookies, and ``timeline`` says when each purpose
holds in a capture.
"""

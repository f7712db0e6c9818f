"""The inputs: the typed model of captures and cookie jars, and their readers.

Layer 1. Reads bytes (files, streams, URLs through fsspec) into :class:`Capture` and
:class:`CookieJar`; knows HAR producers, cookie-jar formats, ``Set-Cookie`` (RFC 6265),
URLs and the Public Suffix List. May import only the base modules (``tagsig._exceptions``,
``_resources``, ``_version``, ``_i18n``).
"""

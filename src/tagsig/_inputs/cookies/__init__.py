"""Cookies: ``Cookie`` and ``Set-Cookie`` headers, cookie values, and cookie-jar readers.

``setcookie`` parses headers and dates as RFC 6265 says, ``values`` reads expiries, flags
and SameSite as producers write them, and ``jars`` reads cookie jars of every common format.
"""

"""Tell cookie names that identify a vendor from names too common to identify anyone alone.

A cookie rule names a vendor's cookie. Many names are used by countless sites, frameworks
and vendors (``uid``, ``session``, ``JSESSIONID``, ``ts``); a rule that matched such a name
everywhere would hand every site's own cookie to one vendor. :func:`is_generic_cookie_name`
states the rule the signature loader applies: a generic rule must be bound to the
vendor's registrable domains (``domains``) to be accepted.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from tagsig._exceptions import SignatureError
from tagsig._signatures.regex import longest_literal

if TYPE_CHECKING:
    from tagsig._signatures.model import MatchKind

__all__ = ["DISTINCTIVE_SHORT_NAMES", "GENERIC_WORDS", "is_generic_cookie_name"]

SHORT_LENGTH: Final = 3
"""Names (or literal parts) of at most this many characters, once leading underscores and
separators are stripped, are generic."""

GENERIC_WORDS: Final = frozenset(
    {
        # Identifiers and visitors.
        "uid", "uuid", "guid", "userid", "user_id", "user", "username", "visitor",
        "visitorid", "visitor_id", "device", "deviceid", "device_id", "client", "clientid",
        "client_id", "identity", "tracking", "trackingid", "tracker", "track", "tuuid",
        # Sessions and authentication.
        "session", "sessionid", "session_id", "sess", "sessid", "token", "auth", "login",
        "logged_in", "loggedin", "remember", "remember_me", "csrf", "csrftoken",
        "csrf_token", "xsrf", "xsrf-token", "jsessionid", "phpsessid", "asp.net_sessionid",
        "aspsessionid", "cfid", "cftoken", "connect.sid", "laravel_session", "ci_session",
        "sessionkey", "secure", "state", "nonce",
        # Preferences and plumbing.
        "lang", "language", "locale", "country", "region", "currency", "timezone", "theme",
        "consent", "cookie", "cookies", "cookieconsent", "test", "testcookie", "debug",
        "cart", "basket", "referrer", "referer", "source", "campaign", "click", "clickid",
        "visit", "visits", "count", "counter", "time", "timestamp", "data", "info", "value",
        "flag", "hash", "key", "version", "server", "route", "backend", "node", "instance",
        "loadbalancer", "balancer", "affinity", "sticky",
    }
)  # fmt: skip
"""Common words and framework session names, compared case-insensitively once leading
underscores are stripped."""

DISTINCTIVE_SHORT_NAMES: Final = frozenset(
    {"_ga", "_ga_", "_gid", "_gat", "_gat_", "_fbp", "_fbc", "_ttp", "__qca"}
)
"""Short names that one vendor documents as its own first-party cookie and that no common
framework uses (Google Analytics, Meta, TikTok, Quantcast). They stay distinctive: such a
cookie is set by the vendor's script on the site's own domain, so a rule bound to the
vendor's domains could never see it."""

_LOAD_BALANCER: Final = re.compile(r"TS0[0-9a-fA-F]")
"""``TS01...`` cookies of F5 BIG-IP application firewalls: ``TS0`` and hex digits."""
_SEPARATORS: Final = "_-."


def is_generic_cookie_name(name: str, match: MatchKind = "exact") -> bool:
    """Return whether a cookie rule's ``name`` is too common to identify a vendor alone.

    The literal part of the rule is ``name`` itself, or for a ``regex`` the longest run of
    literal characters in it. It is generic when, once leading underscores and the
    separators ``_ - .`` around it are stripped:

    - it has at most three characters (``u``, ``id``, ``cid``, ``_s``, ``MR``, the prefix
      ``fw_``), or
    - it is a common word or a framework's session name (:data:`GENERIC_WORDS`: ``uid``,
      ``session``, ``token``, ``lang``, ``JSESSIONID``, ``PHPSESSID``,
      ``ASP.NET_SessionId``...), whatever the case, or
    - it starts like the ``TS01...`` cookies of load balancers (``TS0`` and a hex digit).

    A ``prefix``, ``suffix`` or ``contains`` rule whose literal is generic matches even
    more names than the exact name and is generic too. The few names of
    :data:`DISTINCTIVE_SHORT_NAMES` (``_ga``, ``_fbp``...) are not generic.

    >>> is_generic_cookie_name("uid"), is_generic_cookie_name("_s")
    (True, True)
    >>> is_generic_cookie_name("JSESSIONID"), is_generic_cookie_name("TS01a2b3c4")
    (True, True)
    >>> is_generic_cookie_name("intercom-session-", "prefix")
    False
    >>> is_generic_cookie_name(r"mp_[0-9a-f]+_mixpanel$", "regex")
    False
    >>> is_generic_cookie_name("_ga"), is_generic_cookie_name("_ga_", "prefix")
    (False, False)

    Args:
        name: The rule's name, prefix, suffix, substring or regular expression.
        match: How the rule compares ``name`` with cookie names.

    Returns:
        Whether a rule with this name needs ``domains`` to be accepted.

    Raises:
        SignatureError: ``match`` is ``"regex"`` and ``name`` does not compile.

    """
    literal = _regex_literal(name) if match == "regex" else name
    if literal in DISTINCTIVE_SHORT_NAMES:
        return False
    core = literal.lstrip("_").strip(_SEPARATORS)
    if len(core) <= SHORT_LENGTH:
        return True
    if core.lower() in GENERIC_WORDS or literal.lstrip("_").lower() in GENERIC_WORDS:
        return True
    return _LOAD_BALANCER.match(core) is not None


def _regex_literal(pattern: str) -> str:
    try:
        return longest_literal(pattern)
    except (re.error, OverflowError, RecursionError) as e:
        detail = f"{e.msg} at position {e.pos}" if isinstance(e, re.error) else str(e)
        raise SignatureError(
            f"expected a valid regular expression, found {pattern!r}: {detail}"
        ) from e

r"""Build ``data/signatures.json`` from the curated entries and two public datasets.

The database is assembled in three layers, each of which can only add to what the
previous one left unclaimed:

1. The curated entries (``scripts/curated_signatures.json``) are taken as they are.
2. Every entity of the third-party-web list becomes a signature, unless a curated entry
   covers it (same name, or listed in ``TPW_ALIASES``). A covered entity lends its hosts
   that nobody claims to the curated entry; an uncovered one keeps only the hosts that no
   curated entry claims. Host patterns under a public suffix are dropped.
3. The Open Cookie Database rows are grouped by platform. A platform's cookies are
   attached to the signature of the same product (same name, or listed in
   ``OCD_ALIASES``); other platforms become signatures of their own, with hosts taken
   from the ``Domain`` column when that domain is not already known. Rows with a generic
   cookie name are bound to the row's own domain, or dropped when it names none.

Then every signature is given an organisation: the one the curated entry names, else the
curated organisation (``--organisations``) whose name or alias is the vendor's name, else
one generated from the vendor's name; each organisation owns the registrable domains of its
signatures' ``*.domain`` patterns that nobody else claims.

Facts inherited from the two lists are corrected on the way in by the tables below
(``TPW_NAME_CORRECTIONS``, ``VENDOR_CORRECTIONS``, ``HOST_MOVES``, ``TPW_EXCLUDED_HOSTS``,
``CATEGORY_OVERRIDES``), and an Open Cookie Database platform whose cookie domain belongs
to exactly one signature joins that signature instead of becoming a second one for the
same vendor. Each signature records where each of its facts comes from (``provenance``,
see docs/signatures.md).

The output is deterministic: the same inputs give the same bytes. A short summary is
written to standard error. Run it from the repository root::

    python scripts/import_signatures.py \
        --curated scripts/curated_signatures.json \
        --third-party-web PATH/third-party-web-entities.json \
        --open-cookie-database PATH/open-cookie-database.csv \
        [--organisations scripts/organisations.json] \
        --output data/signatures.json
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, NamedTuple, NotRequired, TypedDict, cast

import tldextract

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from tagsig._signatures.cookie_names import is_generic_cookie_name
from tagsig._signatures.model import MatchKind

SCHEMA_VERSION: Final = 2
SOURCE_CURATED: Final = "curated"
SOURCE_TPW: Final = "third-party-web"
SOURCE_OCD: Final = "open-cookie-database"


class Vendor(TypedDict):
    """Who runs the service and where the data goes."""

    name: str
    country: str | None
    dpf: bool | None


class UrlRule(TypedDict):
    """A host plus path recogniser."""

    host: str
    path: str
    match: str


class CookieRule(TypedDict):
    """A cookie name recogniser."""

    name: str
    match: str
    lifetime_days: NotRequired[float | int | None]
    domains: NotRequired[list[str]]


class Facts(TypedDict):
    """Behavioural facts; ``None`` means unknown."""

    sets_cookies: bool | None
    sends_pii: bool | None
    cross_site_tracking: bool | None
    complexity: str | None
    script_kb: float | int | None
    requests_per_page: float | int | None


class Signature(TypedDict):
    """One entry of the database."""

    id: str
    name: str
    vendor: Vendor
    category: str
    consent: str
    hosts: list[str]
    urls: list[UrlRule]
    cookies: list[CookieRule]
    facts: Facts
    checks: list[str]
    mistakes: list[str]
    sources: list[str]
    homepage: NotRequired[str]
    organisation: NotRequired[str]
    provenance: dict[str, str]


# third-party-web category -> (our category, consent purpose)
TPW_CATEGORIES: Final[dict[str, tuple[str, str]]] = {
    "ad": ("advertising", "marketing"),
    "analytics": ("analytics", "analytics"),
    "social": ("social", "marketing"),
    "video": ("video", "marketing"),
    "customer-success": ("customer-success", "functional"),
    "tag-manager": ("tag-manager", "functional"),
    "consent-provider": ("consent", "essential"),
    "cdn": ("cdn", "essential"),
    "hosting": ("hosting", "essential"),
    "marketing": ("marketing", "marketing"),
    "utility": ("utility", "functional"),
    "content": ("content", "functional"),
    "other": ("other", "functional"),
}

# Open Cookie Database category -> (our category, consent purpose)
OCD_CATEGORIES: Final[dict[str, tuple[str, str]]] = {
    "marketing": ("advertising", "marketing"),
    "analytics": ("analytics", "analytics"),
    "personalization": ("personalization", "personalization"),
    "functional": ("utility", "functional"),
    "necessary": ("utility", "essential"),
    "security": ("security", "essential"),
}

# Consent purposes from the least to the most demanding.
CONSENT_RANK: Final[dict[str, int]] = {
    "essential": 0,
    "functional": 1,
    "personalization": 2,
    "analytics": 3,
    "marketing": 4,
}

# third-party-web entity name -> curated id, where the names differ.
TPW_ALIASES: Final[dict[str, str]] = {
    "Google/Doubleclick Ads": "google-ads",
    "Google Tag Manager": "google-tag-manager",
    "Google Fonts": "google-fonts",
    "Google Maps": "google-maps",
    "Google reCAPTCHA": "recaptcha",
    "Google FundingChoices": "google-funding-choices",
    "YouTube": "youtube-embed",
    "Twitter": "twitter-embed",
    "Twitter Online Conversion Tracking": "twitter-pixel",
    "Twitter Short URL": "twitter-pixel",
    "Instagram": "instagram-embed",
    "LinkedIn": "linkedin",
    "LinkedIn Ads": "linkedin-insight",
    "TikTok": "tiktok-embed",
    "Pinterest": "pinterest",
    "Quora Ads": "quora-pixel",
    "Clarity": "microsoft-clarity",
    "Microsoft Hosted Libs": "microsoft-ajax-cdn",
    "AppNexus": "xandr",
    "Rubicon Project": "magnite",
    "Pubmatic": "pubmatic",
    "sovrn": "sovrn",
    "Adroll": "adroll",
    "Quantcast": "quantcast-measure",
    "Quantcast Choice": "quantcast-choice",
    "Adobe Experience Cloud": "adobe-analytics",
    "Adobe Tag Manager": "adobe-launch",
    "Adobe TypeKit": "adobe-fonts",
    "Adobe Marketing Cloud": "adobe-launch",
    "Hubspot": "hubspot",
    "Marketo": "marketo",
    "Pardot": "pardot",
    "Drift": "drift",
    "ZenDesk": "zendesk",
    "Freshchat": "freshchat",
    "Freshdesk": "freshchat",
    "Tidio Live Chat": "tidio",
    "Tawk.to": "tawk-to",
    "Help Scout": "help-scout",
    "Cookiebot CMP": "cookiebot",
    "Didomi CMP": "didomi",
    "OneTrust CMP": "onetrust",
    "Osano CMP": "osano",
    "iubenda CMP": "iubenda",
    "Usercentrics CMP": "usercentrics",
    "TrustArc CMP": "trustarc",
    "Sourcepoint CMP": "sourcepoint",
    "Cookie Information CMP": "cookie-information",
    "Cookie-Script.com": "cookie-script",
    "Ensighten CMP": "ensighten",
    "Ensighten Manage": "ensighten",
    "Yandex Metrica": "yandex-metrica",
    "Yandex Ads": "yandex-ads",
    "Baidu Analytics": "baidu-analytics",
    "Matomo": "matomo-cloud",
    "Piwik": "piwik-pro",
    "Parse.ly": "parsely",
    "Amplitude Mobile Analytics": "amplitude",
    "ContentSquare": "contentsquare",
    "Convert Insights": "convert",
    "mPulse": "akamai-mpulse",
    "SpeedCurve RUM": "speedcurve",
    "Fastly Insights": "fastly",
    "Cloudflare CDN": "cdnjs",
    "JSDelivr CDN": "jsdelivr",
    "FontAwesome CDN": "font-awesome",
    "Unpkg": "unpkg",
    "Braze": "braze",
    "Braintree Payments": "braintree",
    "Amazon Pay": "amazon-pay",
    "Amazon Ads": "amazon-ads",
    "Index Exchange": "index-exchange",
    "Dynatrace": "dynatrace",
    "comScore": "comscore",
    "Smartlook": "smartlook",
    "Vidyard": "vidyard",
    "WalkMe": "walkme",
    "Yahoo! Tag Manager": "yahoo-japan-tag-manager",
    "Consent Manager CMP": "consentmanager",
    "ID5 Identity Cloud": "id5",
    "Impact Radius": "impact",
    "Borlabs CMP": "borlabs-cookie",
    "Civic CMP": "civic-cookie-control",
    "Complianz CMP": "complianz",
    "LiveRamp IdentityLink": "liveramp",
    "SoundCloud": "soundcloud-embed",
    "Spotify": "spotify-embed",
    "Maxymiser": "oracle-maxymiser",
    "Webtrekk": "mapp-intelligence",
    "Salesforce": "salesforce-audience-studio",
    "Clicktale": "contentsquare",
    "CJ Affiliate by Conversant": "cj-affiliate",
    "Conversant Ad Server": "conversant",
    "ContextWeb": "pulsepoint",
    "Vdopia Chocolate": "chocolate-platform",
    "OpenX Ad Exchange": "openx",
    "XiTi": "piano-analytics",
}

# Hosts that third-party-web lists under an entity we curate but that belong to another
# business (for example a CDN the vendor once used); they are not merged into the entry.
TPW_MERGE_EXCLUDED: Final = frozenset(
    {"*.aniview.com", "*.delvenetworks.com", "*.limelight.com", "*.llnwd.net", "*.01net.com"}
)

# Corrections of facts that the imported lists get wrong. Each entry was checked against
# the vendor's own documentation or public company records; tests/test_signature_data.py
# runs the mechanical checks that find such errors (docs/signatures.md, "Corrections").

# third-party-web entity name -> the product's right name: typos, and a second entity for
# a vendor that already has one (the two then become one signature).
TPW_NAME_CORRECTIONS: Final[dict[str, str]] = {
    "Ido": "Idio",
    "TyrbooBytes": "TurboBytes",
    "McAffee": "McAfee",
    "The Wall Street Jounal": "The Wall Street Journal",
    "Infoline": "INFOnline",
    "SpringServer": "SpringServe",
    "Webtreck": "Webtrekk",
    "Powerlinks.com": "PowerLinks",
    "freewheel.tv": "FreeWheel",
    "Salesforce.com": "Salesforce Platform",
    "TNS (Kantar Group)": "Mediascope",
    "Captiify": "Captify",
    "Captify Media": "Captify",
    "Cheapflights Media": "Momondo",
    "Clerk.io ApS": "Clerk.io",
    "Magnetic Platform": "Magnetic",
    "PERFORM": "Perform Group",
    "Peermap": "IMRG",
    "PollDaddy (Automattic)": "Polldaddy",
    "Reviews.co.uk": "Reviews.io",
    "Thanx Media": "Hawk Search",
    "Ve Interactive": "Ve",
    "Sailthru Sightlines": "Sailthru",
    "JustPremium Ads": "JustPremium",
    "Intercept Interactive": "Undertone",
}

# Signature name (after correction) -> the vendor that runs it now, where an acquisition
# or a sale changed the owner that the lists name.
VENDOR_CORRECTIONS: Final[dict[str, str]] = {
    "IBM Digital Analytics": "Acoustic, L.P.",
    "IBM Digital Data Exchange": "Acoustic, L.P.",
    "IBM Acoustic Campaign": "Acoustic, L.P.",
    "IBM Tealeaf": "Acoustic, L.P.",
    "Silverpop": "Acoustic, L.P.",
    "Dataxu": "Roku, Inc.",
    "SpotXchange": "Magnite, Inc.",
    "SpotX": "Magnite, Inc.",
    "SpringServe": "Magnite, Inc.",
    "Tremor Video": "Magnite, Inc.",
    "StickyADS.tv": "FreeWheel (Comcast)",
    "FreeWheel": "FreeWheel (Comcast)",
    "Evidon": "Crownpeak Technology, Inc.",
    "Evidon CMP": "Crownpeak Technology, Inc.",
    "White Ops": "HUMAN Security, Inc.",
    "Turn": "Nexxen International Ltd.",
    "Amobee": "Nexxen International Ltd.",
    "Rocket Fuel": "Zeta Global Holdings Corp.",
    "Moat": "Oracle Corporation",
    "Grapeshot": "Oracle Corporation",
    "Gigya": "SAP SE",
    "piano": "Piano Software Inc.",
    "Salesforce Platform": "Salesforce, Inc.",
    "Undertone": "Perion Network Ltd.",
}

# Host pattern -> the signature that owns it: a curated id (whose entry must claim the
# host) or the name of another third-party-web entity. The lists put these hosts under a
# company that does not run them.
HOST_MOVES: Final[dict[str, str]] = {
    "*.liadm.com": "liveintent",
    "*.p161.net": "platform161",
    "*.creative-serving.com": "platform161",
    "*.browsiprod.com": "browsi",
    "*.videoplayerhub.com": "blockthrough",
    "*.betrad.com": "Evidon",
    "*.ml314.com": "Bombora",
    "*.videohub.tv": "VideoHub",  # Tremor Video's (Nexxen); tremorhub.com is Telaria's
    "*.ntv.io": "Nativo",  # listed under Quantcast
}

# Hosts that are no tag of the entity that lists them.
TPW_EXCLUDED_HOSTS: Final = frozenset(
    {
        "*.lemde.fr",  # Le Monde's own CDN
        "*.net.net",  # a typo in the list's JustPremium entry; net.net is no host of theirs
    }
)

# Signature name -> (category, consent purpose) that the mapping rules get wrong.
CATEGORY_OVERRIDES: Final[dict[str, tuple[str, str]]] = {
    # Consent managers and their notice scripts.
    "Evidon": ("consent", "essential"),
    "LiveRamp Privacy Manager": ("consent", "essential"),
    "Cookie Reports": ("consent", "essential"),
    "CookieQ": ("consent", "essential"),
    "CookieConsent.io": ("consent", "essential"),
    "PrivacyPillar": ("consent", "essential"),
    "AWS Cookies Popup": ("consent", "essential"),
    # Products that the lists file under a neighbouring category.
    "Wikimedia": ("hosting", "functional"),
    "IBM Tealeaf": ("session-replay", "analytics"),
    "FreeWheel": ("advertising", "marketing"),
    "Salesforce Platform": ("utility", "functional"),
    "Checkout.com": ("payments", "essential"),
    "sage Pay": ("payments", "essential"),
    "Heatmap": ("session-replay", "analytics"),
    "Key CDN": ("cdn", "essential"),
    # Audience measurement and ad targeting whose cookie rows say otherwise.
    "INFOnline": ("analytics", "analytics"),
    "Semasio": ("advertising", "marketing"),
    "Atlas Solutions": ("advertising", "marketing"),
}

# A name that says what the product is, in a category finer than the lists have:
# (pattern, category, consent purpose or None to keep the mapped one). The first match
# wins; names are matched case-insensitively.
NAME_RULES: Final[tuple[tuple[re.Pattern[str], str, str | None], ...]] = (
    (re.compile(r"\b(CMP|cookie consent|consent manager)\b", re.I), "consent", "essential"),
    (re.compile(r"\b(live ?chat|chat)\b", re.I), "chat", "functional"),
    (re.compile(r"\bweb ?fonts?\b|\bfonts\b", re.I), "fonts", "functional"),
    (
        re.compile(r"\b(captcha|bot (defender|protection|management))\b", re.I),
        "security",
        "essential",
    ),
)


def purpose_by_name(name: str, category: str, consent: str) -> tuple[str, str, bool]:
    """Return (category, consent, changed) after the first of ``NAME_RULES`` that applies."""
    for pattern, rule_category, rule_consent in NAME_RULES:
        if pattern.search(name):
            new = (rule_category, rule_consent or consent)
            return new[0], new[1], new != (category, consent)
    return category, consent, False


# Open Cookie Database platforms whose cookie domain is a large company's shared site, so
# that the domain says nothing about which of its products sets the cookies.
OCD_DOMAIN_RULE_EXCLUDED: Final = frozenset({"Azure / Microsoft", "Beamer", "Microsoft"})

# Open Cookie Database platform -> signature id, where the names differ.
OCD_ALIASES: Final[dict[str, str]] = {
    "Google Analytics": "google-analytics",
    "Google Ads": "google-ads",
    "Google AdSense": "google-adsense",
    "DoubleClick/Google Marketing": "doubleclick",
    "Google Tag Manager": "google-tag-manager",
    "Google Optimize": "google-optimize",
    "Google Maps": "google-maps",
    "Google reCAPTCHA": "recaptcha",
    "Facebook": "facebook",
    "Instagram": "instagram-embed",
    "WhatsApp": "whatsapp-widget",
    "Youtube": "youtube-embed",
    "X": "twitter-embed",
    "LinkedIn": "linkedin",
    "TikTok": "tiktok-pixel",
    "Pinterest": "pinterest-tag",
    "Reddit": "reddit-pixel",
    "Bing / Microsoft": "bing-ads",
    "Microsoft Azure App Insights": "microsoft-application-insights",
    "Xandr": "xandr",
    "The Tradedesk": "the-trade-desk",
    "Magnite": "magnite",
    "openx.net": "openx",
    "Casale Media": "index-exchange",
    "SOVRN": "sovrn",
    "Smartadserver": "smart-adserver",
    "MediaMath": "mediamath",
    "Mediamath": "mediamath",
    "BlueKai": "oracle-bluekai",
    "ComScore": "comscore",
    "comScore": "comscore",
    "Adobe Analytics": "adobe-analytics",
    "Adobe Audience Manager": "adobe-audience-manager",
    "Adobe Advertising": "adobe-advertising",
    "Matomo": "matomo-cloud",
    "Piwik": "piwik-pro",
    "Heap Analytics": "heap",
    "Plausible Analytics": "plausible",
    "Fathom Analytics": "fathom",
    "Umami": "umami-cloud",
    "Yandex.Metrica": "yandex-metrica",
    "Baidu": "baidu-analytics",
    "Parse.ly": "parsely",
    "Snowplow": "snowplow",
    "AT Internet": "piano-analytics",
    "Piano": "piano-analytics",
    "Gemius": "gemius",
    "Hotjar": "hotjar",
    "ContentSquare": "contentsquare",
    "Crazy Egg": "crazy-egg",
    "Lucky Orange": "lucky-orange",
    "Inspectlet": "inspectlet",
    "ABTasty": "ab-tasty",
    "Convert Insights": "convert",
    "Visual Website Optimizer": "vwo",
    "Dynamic Yield": "dynamic-yield",
    "HubSpot": "hubspot",
    "Hubspot": "hubspot",
    "Active Campaign": "activecampaign",
    "Cookiebot": "cookiebot",
    "Cookie Law Info": "cookieyes",
    "Cookie First": "cookiefirst",
    "Cookie Script": "cookie-script",
    "Consentmanager.net": "consentmanager",
    "Civic": "civic-cookie-control",
    "Livechat": "livechat",
    "Tawk.to Chat": "tawk-to",
    "Zendesk": "zendesk",
    "Drift": "drift",
    "CloudFlare": "cloudflare",
    "Cloudflare": "cloudflare",
    "Akamai": "akamai",
    "Akamai Botmanager": "akamai",
    "Imperva": "imperva",
    "Datadome": "datadome",
    "Amazon Web Services": "aws-load-balancing",
    "Stripe": "stripe",
    "PayPal": "paypal",
    "Adyen": "adyen",
    "Shopify": "shopify",
    "Dynatrace": "dynatrace",
    "Wistia": "wistia",
    "Vimeo": "vimeo",
    "ShareThis": "sharethis",
    "Disqus": "disqus",
    "Trustpilot": "trustpilot",
    "Bazaar Voice": "bazaarvoice",
    "Qualtrics": "qualtrics",
    "SurveyMonkey": "surveymonkey",
    "Typeform": "typeform",
    "Usabilla": "usabilla",
    "Optinmonster": "optinmonster",
    "Spotify": "spotify-embed",
    "Lotame": "lotame",
    "ID5": "id5",
    "LiveRamp": "liveramp",
    "TripleLift": "triplelift",
    "Teads": "teads",
    "Taboola": "taboola",
    "Outbrain": "outbrain",
    "PubMatic": "pubmatic",
    "Yahoo": "yahoo-dot",
    "Nielsen": "nielsen",
    "Awin": "awin",
    "Klaviyo": "klaviyo",
    "Mailchimp": "mailchimp",
    "Braze": "braze",
    "Leadfeeder": "leadfeeder",
    "Iubenda": "iubenda",
    "Termly": "termly",
    "Osano": "osano",
    "Didomi": "didomi",
    "Axeptio": "axeptio",
    "Complianz": "complianz",
    "CookieYes": "cookieyes",
    "Borlabs": "borlabs-cookie",
    "OneTrust": "onetrust",
    "Chartbeat": "chartbeat",
    "Mixpanel": "mixpanel",
    "Amplitude": "amplitude",
    "Quantcast": "quantcast-measure",
    "Criteo": "criteo",
    "Adform": "adform",
    "Intercom": "intercom",
    "Crisp": "crisp",
    "LiveChat": "livechat",
    "Marketo": "marketo",
    "Optimizely": "optimizely",
    "Rudderstack": "rudderstack",
    "Mopinion.com": "mopinion",
    "Unrulymedia.com": "unruly-media",
    "Prebid": "prebid-sharedid",
    "Salesforce": "salesforce-platform",
    "Pulsepoint": "pulsepoint",
    "Clerk": "clerk-io",
    "Adalyser.com": "onesoon",
    "Sooqr": "sooqr-search",
    "Oribi": "linkedin",
}

_HOST_RE: Final = re.compile(
    r"^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)+$"
)
_IPV4_RE: Final = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_ID_RE: Final = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_PLACEHOLDER_RE: Final = re.compile(r"\*|\{[^}]*\}|<[^>]*>|%[A-Za-z_]+%|(?i:x{3,})")
_UNITS: Final[dict[str, float]] = {
    "second": 1 / 86400,
    "sec": 1 / 86400,
    "minute": 1 / 1440,
    "min": 1 / 1440,
    "hour": 1 / 24,
    "day": 1,
    "week": 7,
    "month": 30,
    "year": 365,
}
_DURATION_RE: Final = re.compile(
    r"^(\d+(?:\.\d+)?)\s*(second|sec|minute|min|hour|day|week|month|year)s?\b(.*)$"
)
_SESSION_WORDS: Final = frozenset(
    {"session", "sessions", "seesion", "session cookie", "end of session (browser)", "0 day"}
)


class InputFileError(Exception):
    """An input file is malformed."""


def _round(value: float) -> float | int:
    """Round a number of days to four decimals, as an int when it is whole."""
    rounded = round(value, 4)
    return int(rounded) if rounded == int(rounded) else rounded


def parse_retention(text: str) -> float | int | None:
    """Turn a retention description into days: session is 0, unclear text is ``None``."""
    clean = " ".join(text.replace("\u00a0", " ").split()).lower()
    if clean in _SESSION_WORDS:
        return 0
    if len(re.findall(r"\d+", clean)) != 1:
        return None
    match = _DURATION_RE.match(clean)
    if match is None:
        return None
    number, unit, rest = match.groups()
    if re.search(r"\b(till|to)\b", rest):
        return None
    return _round(float(number) * _UNITS[unit])


def slugify(name: str) -> str:
    """Make a kebab-case id from a display name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "entity"


def name_key(name: str) -> str:
    """Reduce a name to lower-case letters and digits, for loose comparison."""
    return re.sub(r"[^a-z0-9]", "", slugify(name))


class PublicSuffixes:
    """Answers whether a domain is a public suffix (ICANN or private section)."""

    def __init__(self) -> None:
        self._extract = tldextract.TLDExtract(
            suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
        )

    def is_suffix(self, domain: str) -> bool:
        """Return True when ``domain`` itself is listed as a public suffix."""
        return self._extract(domain).domain == ""

    def registrable(self, domain: str) -> str | None:
        """Return the registrable domain of ``domain``, or None when it has none."""
        parts = self._extract(domain)
        if not parts.domain or not parts.suffix:
            return None
        return f"{parts.domain}.{parts.suffix}"


def normalize_host(raw: str, psl: PublicSuffixes) -> str | None:
    """Return a valid host pattern for ``raw``, or None when it cannot be used."""
    host = raw.strip().strip(".").lower()
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None
    bare = host[2:] if host.startswith("*.") else host
    if not _HOST_RE.match(host) or _IPV4_RE.match(bare):
        return None
    if psl.is_suffix(bare) or psl.registrable(bare) is None:
        return None
    return host


def pattern_covers(pattern: str, host: str) -> bool:
    """Return True when host pattern ``pattern`` matches every host of ``host``."""
    if pattern == host:
        return True
    if not pattern.startswith("*."):
        return False
    base = pattern[2:]
    bare = host[2:] if host.startswith("*.") else host
    return bare == base or bare.endswith("." + base)


def _cookie_key(cookie: CookieRule) -> tuple[str, str, tuple[str, ...]]:
    """Identify a cookie rule by its name, match kind and the domains it is bound to."""
    return cookie["name"], cookie["match"], tuple(cookie.get("domains", ()))


def _add_source(signature: Signature, source: str) -> None:
    """Record that ``source`` contributed to ``signature``."""
    if source not in signature["sources"]:
        signature["sources"].append(source)


def _unique_id(base: str, taken: set[str]) -> str:
    """Return ``base`` or ``base-N``, whichever is first free, and reserve it."""
    candidate = base
    counter = 2
    while candidate in taken:
        candidate = f"{base}-{counter}"
        counter += 1
    taken.add(candidate)
    return candidate


def _empty_facts(*, sets_cookies: bool | None = None) -> Facts:
    """Return facts that are all unknown."""
    return {
        "sets_cookies": sets_cookies,
        "sends_pii": None,
        "cross_site_tracking": None,
        "complexity": None,
        "script_kb": None,
        "requests_per_page": None,
    }


# --------------------------------------------------------------------------- curated

_CURATED_FACTS: Final = ("name", "vendor", "category", "consent", "hosts", "cookies", "facts")


def load_curated(path: Path, psl: PublicSuffixes) -> list[Signature]:
    """Load and sanity-check the curated entries."""
    raw: Any = json.loads(path.read_text(encoding="utf-8"))
    entries: Any = raw["signatures"] if isinstance(raw, dict) else raw
    if not isinstance(entries, list):
        raise InputFileError(f"{path}: expected a list of signatures")
    seen: set[str] = set()
    result: list[Signature] = []
    for index, entry in enumerate(entries):
        where = f"{path}#/signatures/{index}"
        if not isinstance(entry, dict):
            raise InputFileError(f"{where}: not an object")
        for key in ("id", "name", "vendor", "category", "consent", "hosts", "facts"):
            if key not in entry:
                raise InputFileError(f"{where}: missing {key!r}")
        if not _ID_RE.match(entry["id"]) or entry["id"] in seen:
            raise InputFileError(f"{where}: bad or duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        for host in entry["hosts"] + [
            rule["host"] for rule in entry.get("urls", []) if rule["host"] != "*"
        ]:
            if normalize_host(host, psl) != host:
                raise InputFileError(f"{where}: invalid host pattern {host!r}")
        for cookie in entry.get("cookies", []):
            if cookie["match"] == "regex":
                re.compile(cookie["name"])
        signature: Signature = {
            "id": entry["id"],
            "name": entry["name"],
            "vendor": entry["vendor"],
            "category": entry["category"],
            "consent": entry["consent"],
            "hosts": list(entry["hosts"]),
            "urls": list(entry.get("urls", [])),
            "cookies": list(entry.get("cookies", [])),
            "facts": entry["facts"],
            "checks": list(entry.get("checks", [])),
            "mistakes": list(entry.get("mistakes", [])),
            "sources": list(entry.get("sources", [SOURCE_CURATED])),
            "provenance": dict.fromkeys(_CURATED_FACTS, SOURCE_CURATED),
        }
        if "homepage" in entry:
            signature["homepage"] = entry["homepage"]
        if "organisation" in entry:
            signature["organisation"] = entry["organisation"]
        if "provenance" in entry:
            signature["provenance"].update(entry["provenance"])
        result.append(signature)
    return result


# ----------------------------------------------------------------- third-party-web


class _Entity(NamedTuple):
    """A third-party-web entity, corrected."""

    source_name: str
    name: str
    vendor: str
    vendor_corrected: bool
    category: str
    homepage: str
    hosts: list[str]


class Builder:
    """Accumulates signatures and the host patterns they claim."""

    def __init__(self, curated: Sequence[Signature], psl: PublicSuffixes) -> None:
        self.psl = psl
        self.by_id: dict[str, Signature] = {sig["id"]: sig for sig in curated}
        self.curated_ids = frozenset(self.by_id)
        self.claimed: dict[str, str] = {}
        for sig in curated:
            for host in sig["hosts"]:
                self.claimed[host] = sig["id"]
        self.curated_patterns = tuple(
            host for sig in curated for host in sig["hosts"] if host.startswith("*.")
        )
        self.curated_cookies: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
        for sig in curated:
            for cookie in sig["cookies"]:
                self.curated_cookies[cookie["name"], cookie["match"]] |= _own_domains(sig, psl)
        self.by_key: dict[str, str] = {}
        for sig in curated:
            self.by_key.setdefault(name_key(sig["name"]), sig["id"])
            self.by_key.setdefault(name_key(sig["id"]), sig["id"])
        self.stats: collections.Counter[str] = collections.Counter()

    def _curated_covers(self, host: str) -> bool:
        """Return True when a curated wildcard pattern already matches ``host``."""
        return host not in self.claimed and any(
            pattern_covers(pattern, host) for pattern in self.curated_patterns
        )

    def _claim(self, signature: Signature, host: str) -> None:
        """Give ``host`` to ``signature``."""
        signature["hosts"].append(host)
        self.claimed[host] = signature["id"]

    def _tpw_entities(self, entities: Sequence[dict[str, Any]]) -> list[_Entity]:
        """Return the entities with the corrections applied, sorted by name.

        Names are corrected, moved hosts change entity and excluded hosts are dropped.
        """
        stale = sorted(set(TPW_ALIASES.values()) - self.curated_ids)
        if stale:
            raise InputFileError(f"TPW_ALIASES names ids that are not curated: {stale}")
        result: list[_Entity] = []
        moved: dict[str, list[str]] = collections.defaultdict(list)
        for entity in entities:
            source_name = str(entity["name"]).strip()
            name = TPW_NAME_CORRECTIONS.get(source_name, source_name)
            hosts: list[str] = []
            for raw in entity.get("domains", []):
                host = normalize_host(str(raw), self.psl)
                if host is None:
                    self.stats["tpw hosts dropped (invalid or public suffix)"] += 1
                elif host in TPW_EXCLUDED_HOSTS:
                    self.stats["tpw hosts dropped (no tag of the entity)"] += 1
                elif host in HOST_MOVES:
                    target = HOST_MOVES[host]
                    if target in self.curated_ids:
                        if self.claimed.get(host) != target:
                            raise InputFileError(f"HOST_MOVES: {target} does not claim {host}")
                    else:
                        moved[target].append(host)
                    self.stats["tpw hosts moved to their owner"] += 1
                elif self._curated_covers(host):
                    self.stats["tpw hosts already covered by curated"] += 1
                elif host not in hosts:
                    hosts.append(host)
            company = str(entity.get("company") or "").strip()
            result.append(
                _Entity(
                    source_name=source_name,
                    name=name,
                    vendor=VENDOR_CORRECTIONS.get(name) or company or name,
                    vendor_corrected=name in VENDOR_CORRECTIONS,
                    category=str(entity.get("category", "other")),
                    homepage=str(entity.get("homepage") or ""),
                    hosts=hosts,
                )
            )
        names = {entity.name for entity in result}
        missing = sorted(set(moved) - names)
        if missing:
            raise InputFileError(f"HOST_MOVES names entities that do not exist: {missing}")
        for corrected in result:
            corrected.hosts.extend(
                host for host in moved.get(corrected.name, ()) if host not in corrected.hosts
            )
        return sorted(result, key=lambda e: (slugify(e.name), e.name, e.source_name))

    def add_third_party_web(self, entities: Sequence[dict[str, Any]]) -> None:
        """Turn third-party-web entities into signatures or merge them into earlier ones.

        An entity whose (corrected) name is that of a curated entry, or that
        ``TPW_ALIASES`` maps, lends it its unclaimed hosts; an entity whose name is that of
        an entity imported before it joins that signature.
        """
        for entity in self._tpw_entities(entities):
            target_id = (
                TPW_ALIASES.get(entity.source_name)
                or TPW_ALIASES.get(entity.name)
                or self.by_key.get(name_key(entity.name))
            )
            if target_id is not None and target_id in self.curated_ids:
                target = self.by_id[target_id]
                own = list(target["hosts"])
                for host in entity.hosts:
                    if host in self.claimed or any(pattern_covers(p, host) for p in own):
                        continue
                    if host in TPW_MERGE_EXCLUDED:
                        self.stats["tpw hosts not merged (other business)"] += 1
                        continue
                    self._claim(target, host)
                    self.stats["tpw hosts merged into curated"] += 1
                _add_source(target, SOURCE_TPW)
                target["provenance"].setdefault("hosts", SOURCE_CURATED)
                if SOURCE_TPW not in target["provenance"]["hosts"]:
                    target["provenance"]["hosts"] += "+" + SOURCE_TPW
                self.stats["tpw entities covered by curated"] += 1
                continue
            free = [host for host in entity.hosts if host not in self.claimed]
            if target_id is not None:
                # A second entity of a vendor imported already: one signature for both.
                for host in free:
                    self._claim(self.by_id[target_id], host)
                self.stats["tpw entities merged into an entity of the same name"] += 1
                continue
            if not free:
                self.stats["tpw entities without a free host"] += 1
                continue
            category, consent = TPW_CATEGORIES.get(entity.category, ("other", "functional"))
            category, consent, renamed = purpose_by_name(entity.name, category, consent)
            purpose_source = "rule:name" if renamed else "rule:tpw-category"
            signature: Signature = {
                "id": _unique_id(slugify(entity.name), set(self.by_id)),
                "name": entity.name,
                "vendor": {"name": entity.vendor, "country": None, "dpf": None},
                "category": category,
                "consent": consent,
                "hosts": [],
                "urls": [],
                "cookies": [],
                "facts": _empty_facts(),
                "checks": [],
                "mistakes": [],
                "sources": [SOURCE_TPW],
                "provenance": {
                    "name": (
                        "correction:name" if entity.name != entity.source_name else SOURCE_TPW
                    ),
                    "vendor": "correction:vendor" if entity.vendor_corrected else SOURCE_TPW,
                    "category": purpose_source,
                    "consent": purpose_source,
                    "hosts": SOURCE_TPW,
                    "facts": "unknown",
                },
            }
            if re.match(r"^https?://[^\s/]+", entity.homepage):
                signature["homepage"] = entity.homepage
            self.by_id[signature["id"]] = signature
            for host in free:
                self._claim(signature, host)
            self.by_key.setdefault(name_key(entity.name), signature["id"])
            self.stats["tpw entities imported"] += 1

    # ----------------------------------------------------------- Open Cookie Database

    def add_open_cookie_database(self, rows: Sequence[dict[str, str]]) -> None:
        """Attach cookies to existing signatures or create one per unknown platform."""
        groups: dict[str, list[dict[str, str]]] = collections.defaultdict(list)
        for row in rows:
            platform = " ".join(row.get("Platform", "").split())
            if platform:
                groups[platform].append(row)
        known_domains = self._known_registrable_domains()
        for platform in sorted(groups, key=lambda p: (slugify(p), p)):
            platform_rows = groups[platform]
            cookies = self._bind_generic(platform_rows, self._cookie_rules(platform_rows))
            category, consent = self._ocd_purpose(platform_rows)
            category, consent, renamed = purpose_by_name(platform, category, consent)
            target_id = (
                OCD_ALIASES.get(platform)
                or self.by_key.get(name_key(platform))
                or self._domain_holder(platform, platform_rows)
            )
            if target_id is not None and target_id in self.by_id:
                self._attach(self.by_id[target_id], cookies, consent)
                continue
            signature: Signature = {
                "id": _unique_id(slugify(platform), set(self.by_id)),
                "name": platform,
                "vendor": {
                    "name": self._controller(platform_rows, platform),
                    "country": None,
                    "dpf": None,
                },
                "category": category,
                "consent": consent,
                "hosts": [],
                "urls": [],
                "cookies": [],
                "facts": _empty_facts(sets_cookies=True),
                "checks": [],
                "mistakes": [],
                "sources": [SOURCE_OCD],
                "provenance": {
                    "name": SOURCE_OCD,
                    "vendor": SOURCE_OCD,
                    "category": "rule:name" if renamed else "rule:ocd-category",
                    "consent": "rule:name" if renamed else "rule:ocd-most-demanding",
                    "hosts": SOURCE_OCD,
                    "facts": "rule:ocd-sets-cookies",
                },
            }
            for host in self._ocd_hosts(platform_rows):
                registrable = self.psl.registrable(host[2:])
                if registrable is None or registrable in known_domains or host in self.claimed:
                    continue
                known_domains.add(registrable)
                self._claim(signature, host)
            self.by_id[signature["id"]] = signature
            self.by_key.setdefault(name_key(platform), signature["id"])
            self._attach(signature, cookies, consent)
            self.stats["ocd platforms imported"] += 1

    def _domain_holder(self, platform: str, rows: Sequence[dict[str, str]]) -> str | None:
        """Return the one signature whose hosts hold the platform's cookie domains.

        A platform of the cookie database that names a domain of an existing signature is
        the same vendor under another spelling ("semasio.net" and "Semasio"); it joins that
        signature rather than becoming a second one.
        """
        if platform in OCD_DOMAIN_RULE_EXCLUDED:
            return None
        holders: set[str] = set()
        for host in self._ocd_hosts(rows):
            registrable = self.psl.registrable(host[2:])
            for sig in self.by_id.values():
                if registrable is not None and any(
                    self.psl.registrable(pattern.removeprefix("*.")) == registrable
                    for pattern in sig["hosts"]
                ):
                    holders.add(sig["id"])
        if len(holders) != 1:
            return None
        self.stats["ocd platforms joined to the signature of their domain"] += 1
        return holders.pop()

    def _known_registrable_domains(self) -> set[str]:
        """Return the registrable domains of every host pattern and URL rule so far."""
        known: set[str] = set()
        for sig in self.by_id.values():
            for host in sig["hosts"] + [rule["host"] for rule in sig["urls"]]:
                registrable = self.psl.registrable(host.removeprefix("*."))
                if registrable is not None:
                    known.add(registrable)
        return known

    def _attach(self, signature: Signature, cookies: Sequence[CookieRule], consent: str) -> None:
        """Add the cookies that the signature and the curated entries do not define yet."""
        present = {_cookie_key(cookie) for cookie in signature["cookies"]}
        added = 0
        for cookie in cookies:
            key = _cookie_key(cookie)
            if key in present or self._curated_defines(cookie):
                self.stats["ocd cookies already curated or duplicated"] += 1
                continue
            present.add(key)
            signature["cookies"].append(cookie)
            added += 1
        self.stats["ocd cookies added"] += added
        if signature["id"] in self.curated_ids:
            if added:
                _add_source(signature, SOURCE_OCD)
                signature["provenance"]["cookies"] = SOURCE_CURATED + "+" + SOURCE_OCD
                self.stats["ocd platforms merged into curated"] += 1
            return
        _add_source(signature, SOURCE_OCD)
        if added:
            signature["provenance"]["cookies"] = SOURCE_OCD
        if signature["facts"]["sets_cookies"] is None:
            signature["facts"]["sets_cookies"] = True
            signature["provenance"]["facts"] = "rule:ocd-sets-cookies"
        if CONSENT_RANK[consent] > CONSENT_RANK[signature["consent"]]:
            signature["consent"] = consent
            signature["provenance"]["consent"] = "rule:ocd-most-demanding"
        if SOURCE_TPW in signature["sources"]:
            self.stats["ocd platforms merged into third-party-web"] += 1

    @staticmethod
    def _controller(rows: Sequence[dict[str, str]], platform: str) -> str:
        """Return the most frequent data controller of a platform."""
        names = collections.Counter(
            " ".join(row.get("Data Controller", "").split()) for row in rows
        )
        names.pop("", None)
        if not names:
            return platform
        return sorted(names.items(), key=lambda item: (-item[1], item[0]))[0][0]

    @staticmethod
    def _ocd_purpose(rows: Sequence[dict[str, str]]) -> tuple[str, str]:
        """Return (category, consent) for a platform.

        The consent purpose is the most demanding one among the platform's cookies; the
        category follows the most frequent cookie category (ties go to the more demanding).
        """
        purposes = [
            OCD_CATEGORIES.get(row.get("Category", "").strip().lower(), ("utility", "functional"))
            for row in rows
        ]
        consent = max((p[1] for p in purposes), key=CONSENT_RANK.__getitem__)
        counts = collections.Counter(purposes)
        category = sorted(counts.items(), key=lambda item: (-item[1], -CONSENT_RANK[item[0][1]]))
        return category[0][0][0], consent

    def _ocd_hosts(self, rows: Sequence[dict[str, str]]) -> list[str]:
        """Return wildcard host patterns for the cookie domains named by the rows."""
        hosts: list[str] = []
        for row in rows:
            text = row.get("Domain", "").lower().replace("(3rd party)", " ")
            for token in re.split(r"[\s,;/]+|\bor\b|\band\b", text):
                candidate = token.strip().strip(".")
                if not candidate or "." not in candidate:
                    continue
                host = normalize_host("*." + candidate, self.psl)
                if host is not None and host not in hosts:
                    hosts.append(host)
        return sorted(hosts)

    @staticmethod
    def _cookie_rules(rows: Sequence[dict[str, str]]) -> list[CookieRule]:
        """Convert the rows of one platform into cookie rules, without duplicates."""
        rules: list[CookieRule] = []
        seen: set[tuple[str, str]] = set()
        for row in rows:
            rule = cookie_rule(
                row.get("Cookie / Data Key name", ""),
                wildcard=row.get("Wildcard match", "0").strip() == "1",
                retention=row.get("Retention period", ""),
            )
            if rule is None or (rule["name"], rule["match"]) in seen:
                continue
            seen.add((rule["name"], rule["match"]))
            rules.append(rule)
        return sorted(rules, key=lambda r: (r["name"], r["match"]))

    def apply_category_overrides(self) -> None:
        """Set the category and consent purpose that ``CATEGORY_OVERRIDES`` corrects."""
        by_name = {sig["name"]: sig for sig in self.by_id.values()}
        stale = sorted(set(CATEGORY_OVERRIDES) - set(by_name))
        if stale:
            raise InputFileError(f"CATEGORY_OVERRIDES names unknown signatures: {stale}")
        for name, (category, consent) in sorted(CATEGORY_OVERRIDES.items()):
            signature = by_name[name]
            if signature["id"] in self.curated_ids:
                raise InputFileError(f"CATEGORY_OVERRIDES names a curated entry: {name}")
            signature["category"] = category
            signature["consent"] = consent
            signature["provenance"]["category"] = "correction:category"
            signature["provenance"]["consent"] = "correction:category"
            self.stats["categories corrected"] += 1

    def _curated_defines(self, cookie: CookieRule) -> bool:
        """Return True when a curated entry defines the rule (for a bound rule: on its domains).

        A generic name bound to one vendor's domain is not the same rule as the same name
        bound to another vendor's.
        """
        owners = self.curated_cookies.get((cookie["name"], cookie["match"]))
        if owners is None:
            return False
        return not cookie.get("domains") or bool(owners.intersection(cookie.get("domains", ())))

    def _bind_generic(
        self, rows: Sequence[dict[str, str]], rules: list[CookieRule]
    ) -> list[CookieRule]:
        """Bind the generic rules to the registrable domains of their rows' ``Domain``.

        A generic name (``uid``, ``_s``, ``JSESSIONID``) identifies the platform only on
        the platform's own domains; without a usable domain the rule is dropped.
        """
        domains: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
        for row in rows:
            rule = cookie_rule(
                row.get("Cookie / Data Key name", ""),
                wildcard=row.get("Wildcard match", "0").strip() == "1",
                retention=row.get("Retention period", ""),
            )
            if rule is not None and _is_generic(rule):
                for host in self._ocd_hosts([row]):
                    registrable = self.psl.registrable(host[2:])
                    if registrable is not None:
                        domains[rule["name"], rule["match"]].add(registrable)
        kept: list[CookieRule] = []
        for rule in rules:
            if not _is_generic(rule):
                kept.append(rule)
            elif found := domains.get((rule["name"], rule["match"])):
                bound = cast("CookieRule", dict(rule))
                bound["domains"] = sorted(found)
                kept.append(bound)
                self.stats["ocd generic cookies bound to their domain"] += 1
            else:
                self.stats["ocd generic cookies dropped (no domain)"] += 1
        return kept

    def signatures(self) -> list[Signature]:
        """Return every signature, sorted by id."""
        return [self.by_id[key] for key in sorted(self.by_id)]


def cookie_rule(raw_name: str, *, wildcard: bool, retention: str) -> CookieRule | None:
    """Turn one Open Cookie Database row into a cookie rule, or None when unusable."""
    name = raw_name.replace("\u00ad", "").strip()
    if not name or any(ch.isspace() for ch in name):
        return None
    pieces = _PLACEHOLDER_RE.split(name)
    fixed = [piece for piece in pieces if piece]
    if not fixed:
        return None
    if len(pieces) == 1:
        kind, pattern = ("prefix" if wildcard else "exact"), name
    elif len(fixed) == 1 and pieces[0] and not pieces[-1]:
        kind, pattern = "prefix", fixed[0]
    elif len(fixed) == 1 and not pieces[0] and pieces[-1]:
        kind, pattern = "suffix", fixed[0]
    else:
        kind = "regex"
        pattern = ".+".join(re.escape(piece) for piece in pieces)
        pattern += "$"
    return {"name": pattern, "match": kind, "lifetime_days": parse_retention(retention)}


# ---------------------------------------------------------------------- organisations

ORGANISATION_KEYS: Final = (
    "id", "name", "parent", "aliases", "country", "dpf", "domains", "hosting", "kind",
    "homepage", "sources",
)  # fmt: skip

# Legal forms stripped from the end of a name before names are compared.
LEGAL_SUFFIXES: Final = frozenset(
    {
        "inc", "incorporated", "llc", "ltd", "limited", "gmbh", "mbh", "ag", "sa", "sas",
        "sarl", "srl", "spa", "bv", "nv", "plc", "corp", "corporation", "co", "company",
        "ab", "as", "asa", "oy", "oyj", "kk", "pty", "pte", "sl", "slu", "lp", "llp", "se",
        "ug", "kg", "aps", "sro", "sp", "zoo", "doo", "ooo", "bhd", "sdn", "pvt", "lda",
    }
)  # fmt: skip


class Organisation(TypedDict):
    """An organisation record, as in ``scripts/organisations.json``."""

    id: str
    name: str
    parent: NotRequired[str]
    aliases: NotRequired[list[str]]
    country: NotRequired[str]
    dpf: NotRequired[bool]
    domains: NotRequired[list[str]]
    hosting: NotRequired[list[str]]
    kind: NotRequired[str]
    homepage: NotRequired[str]
    sources: NotRequired[list[str]]


def organisation_key(name: str) -> str:
    """Reduce an organisation's name for comparison: no case, punctuation or legal form.

    ``"Vox Media, LLC"``, ``"vox media"`` and ``"Vox-Media Inc."`` give one key.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    # "S.A." and "B.V." are one word each once their dots are gone.
    words = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", ascii_name.lower())
    tokens = re.findall(r"[a-z0-9]+", words.replace(".", ""))
    while len(tokens) > 1 and tokens[-1] in LEGAL_SUFFIXES:
        tokens.pop()
    return "".join(tokens)


def _display_name(name: str) -> str:
    """Return ``name`` without its trailing legal form, for generated ids."""
    tokens = name.replace(",", " ").split()
    while len(tokens) > 1 and organisation_key(tokens[-1]) in LEGAL_SUFFIXES | {""}:
        tokens.pop()
    return " ".join(tokens)


def read_organisations(path: Path | None) -> list[Organisation]:
    """Read the curated organisations; none without a file."""
    if path is None:
        return []
    raw: Any = json.loads(path.read_text(encoding="utf-8"))
    entries: Any = raw.get("organisations") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise InputFileError(f"{path}: expected an object with an 'organisations' array")
    seen: set[str] = set()
    result: list[Organisation] = []
    for index, entry in enumerate(entries):
        where = f"{path}#/organisations/{index}"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise InputFileError(f"{where}: expected an object with a 'name'")
        if not _ID_RE.match(str(entry.get("id"))) or entry["id"] in seen:
            raise InputFileError(f"{where}: bad or duplicate id {entry.get('id')!r}")
        unknown = sorted(set(entry) - set(ORGANISATION_KEYS))
        if unknown:
            raise InputFileError(f"{where}: unknown members {unknown}")
        seen.add(entry["id"])
        result.append(cast("Organisation", dict(entry)))
    return result


def _covered(domain: str, entries: set[str]) -> bool:
    """Return True when ``domain`` equals or lies under one of ``entries``."""
    labels = domain.split(".")
    return any(".".join(labels[i:]) in entries for i in range(len(labels)))


class OrganisationAssigner:
    """Gives every signature an organisation and every organisation its domains."""

    def __init__(
        self, curated: Sequence[Organisation], psl: PublicSuffixes, *, strict: bool = True
    ) -> None:
        self.psl = psl
        # Without an organisations file, ids that curated signatures name are generated.
        self.strict = strict
        self.by_id: dict[str, Organisation] = {org["id"]: org for org in curated}
        self.curated_ids = frozenset(self.by_id)
        self.by_key: dict[str, str] = {}
        for org in curated:
            for name in [org["name"], *org.get("aliases", [])]:
                self.by_key.setdefault(organisation_key(name), org["id"])
        self.claimed: set[str] = {domain for org in curated for domain in org.get("domains", [])}
        self.domain_owners: dict[str, str] = {
            domain: org["id"] for org in curated for domain in org.get("domains", [])
        }
        self.hosting: set[str] = {domain for org in curated for domain in org.get("hosting", [])}
        self.stats: collections.Counter[str] = collections.Counter()

    def assign(self, signatures: Sequence[Signature]) -> list[Organisation]:
        """Name each signature's organisation, fill its vendor; return every organisation."""
        named: dict[str, list[Signature]] = {}
        for sig in signatures:
            if "organisation" not in sig:
                continue
            self.stats["organisations named by curated signatures"] += 1
            if sig["organisation"] in self.by_id:
                continue
            if self.strict:
                raise InputFileError(
                    f"signature {sig['id']!r} names the organisation "
                    f"{sig['organisation']!r}, which --organisations does not define"
                )
            named.setdefault(sig["organisation"], []).append(sig)
        for org_id in sorted(named):
            self._generate(named[org_id], org_id=org_id)
        generated: dict[str, list[Signature]] = {}
        for sig in signatures:
            if "organisation" in sig:
                continue
            by_domain = self._domain_owner(sig)
            if by_domain is not None:
                # The domains say who runs the hosts, whatever the list calls the vendor.
                sig["organisation"] = by_domain
                if not sig["provenance"].get("vendor", "").startswith("correction:"):
                    sig["provenance"]["vendor"] = "rule:domain-owner"
                self.stats["organisations given by the owner of the hosts"] += 1
                continue
            key = organisation_key(sig["vendor"]["name"])
            # "FreeWheel (Comcast)": the brand before a parenthesis may be the one listed.
            brand = organisation_key(re.sub(r"\([^)]*\)", " ", sig["vendor"]["name"]))
            found = self.by_key.get(key) or (self.by_key.get(brand) if brand else None)
            if found is not None:
                sig["organisation"] = found
                self.stats["organisations matched by vendor name"] += 1
            else:
                generated.setdefault(key, []).append(sig)
        for key in sorted(generated):
            self._generate(generated[key])
        for sig in signatures:
            self._fill_vendor(sig, self.by_id[sig["organisation"]])
        self._add_domains(signatures)
        return [self.by_id[key] for key in sorted(self.by_id)]

    def _domain_owner(self, sig: Signature) -> str | None:
        """Return the curated organisation owning most of the signature's host domains.

        ``None`` when no curated organisation owns any (ties go to the first id).
        """
        counts: collections.Counter[str] = collections.Counter()
        for host in sig["hosts"]:
            domain = self.psl.registrable(host.removeprefix("*."))
            owner = self.domain_owners.get(domain) if domain is not None else None
            if owner is not None:
                counts[owner] += 1
        if not counts:
            return None
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]

    def _generate(self, members: Sequence[Signature], org_id: str | None = None) -> None:
        """Make one organisation for the signatures of one vendor key (or named id)."""
        curated = [sig for sig in members if SOURCE_CURATED in sig["sources"]]
        model = sorted(curated or members, key=lambda sig: sig["id"])[0]
        name = model["vendor"]["name"]
        named = org_id is None
        if org_id is None:
            org_id = _unique_id(slugify(_display_name(name)), set(self.by_id))
        else:
            # Other signatures of the same vendor join the organisation named here.
            self.by_key.setdefault(organisation_key(name), org_id)
        org: Organisation = {"id": org_id, "name": name}
        if model["vendor"]["country"] is not None:
            org["country"] = model["vendor"]["country"]
        if model["vendor"]["dpf"] is not None:
            org["dpf"] = model["vendor"]["dpf"]
        order = (SOURCE_CURATED, SOURCE_TPW, SOURCE_OCD)
        org["sources"] = [s for s in order if any(s in sig["sources"] for sig in members)]
        self.by_id[org_id] = org
        for sig in members:
            sig["organisation"] = org_id
        self.stats[f"organisations generated from {'vendor names' if named else 'named ids'}"] += 1

    @staticmethod
    def _fill_vendor(sig: Signature, org: Organisation) -> None:
        """Fill the vendor from the organisation where the curated entry says nothing."""
        vendor = sig["vendor"]
        before = dict(vendor)
        provenance = sig.setdefault("provenance", {})
        # A vendor that a correction table names ("FreeWheel (Comcast)") says otherwise.
        corrected = provenance.get("vendor", "").startswith("correction:")
        if SOURCE_CURATED not in sig["sources"] and not corrected:
            vendor["name"] = org["name"]
        if vendor["country"] is None:
            vendor["country"] = org.get("country")
        if vendor["dpf"] is None:
            vendor["dpf"] = org.get("dpf")
        if dict(vendor) != before and SOURCE_CURATED not in sig["sources"] and not corrected:
            provenance["vendor"] = "rule:organisation"

    def _add_domains(self, signatures: Sequence[Signature]) -> None:
        """Give organisations the domains of their ``*.domain`` patterns nobody claims."""
        for sig in sorted(signatures, key=lambda sig: sig["id"]):
            org = self.by_id[sig["organisation"]]
            for pattern in sig["hosts"]:
                if not pattern.startswith("*."):
                    continue
                domain = pattern[2:]
                if (
                    self.psl.registrable(domain) != domain
                    or domain in self.claimed
                    or _covered(domain, self.hosting)
                ):
                    continue
                self.claimed.add(domain)
                org.setdefault("domains", []).append(domain)
                self.stats["organisation domains from host patterns"] += 1


def _own_domains(sig: Signature, psl: PublicSuffixes) -> set[str]:
    """Return the registrable domains of a signature's host patterns and URL rules."""
    return {
        domain
        for host in sig["hosts"] + [rule["host"] for rule in sig["urls"]]
        if (domain := psl.registrable(host.removeprefix("*."))) is not None
    }


def _is_generic(rule: CookieRule) -> bool:
    """Return whether the rule's name is too common to identify a vendor alone."""
    return is_generic_cookie_name(rule["name"], cast("MatchKind", rule["match"]))


def bind_curated_generic(
    signatures: Sequence[Signature], psl: PublicSuffixes
) -> collections.Counter[str]:
    """Bind the curated rules with a generic name to their signature's own domains.

    A curated rule whose name is generic and that names no ``domains`` is bound to the
    registrable domains of the signature's host patterns and URL rules; a signature
    without any loses the rule.
    """
    stats: collections.Counter[str] = collections.Counter()
    for sig in signatures:
        if SOURCE_CURATED not in sig["sources"]:
            continue
        own = sorted(_own_domains(sig, psl))
        kept: list[CookieRule] = []
        for cookie in sig["cookies"]:
            if cookie.get("domains") or not _is_generic(cookie):
                kept.append(cookie)
            elif own:
                bound = cast("CookieRule", dict(cookie))
                bound["domains"] = own
                kept.append(bound)
                stats["curated generic cookies bound to their signature's domains"] += 1
            else:
                stats["curated generic cookies dropped (no domain)"] += 1
        sig["cookies"] = kept
    return stats


def _canonical_organisation(org: Organisation) -> dict[str, object]:
    """Return the organisation with a fixed key order and sorted domain lists."""
    raw = cast("dict[str, object]", org)
    out: dict[str, object] = {key: raw[key] for key in ORGANISATION_KEYS if key in raw}
    for key in ("domains", "hosting"):
        if key in org:
            out[key] = sorted(set(org.get(key, [])))
    return out


# ----------------------------------------------------------------------------- output


def _canonical(signature: Signature) -> dict[str, object]:
    """Return the signature with a fixed key order and sorted, de-duplicated lists."""
    out: dict[str, object] = {
        "id": signature["id"],
        "name": signature["name"],
        "vendor": {
            "name": signature["vendor"]["name"],
            "country": signature["vendor"]["country"],
            "dpf": signature["vendor"]["dpf"],
        },
        "category": signature["category"],
        "consent": signature["consent"],
        "hosts": list(dict.fromkeys(signature["hosts"])),
    }
    if signature["urls"]:
        out["urls"] = [
            {"host": rule["host"], "path": rule["path"], "match": rule["match"]}
            for rule in signature["urls"]
        ]
    if signature["cookies"]:
        cookies: list[dict[str, object]] = []
        for cookie in signature["cookies"]:
            item: dict[str, object] = {"name": cookie["name"], "match": cookie["match"]}
            if cookie.get("domains"):
                item["domains"] = sorted(set(cookie.get("domains", ())))
            if cookie.get("lifetime_days") is not None:
                item["lifetime_days"] = cookie.get("lifetime_days")
            cookies.append(item)
        out["cookies"] = cookies
    facts = signature["facts"]
    out["facts"] = {
        key: facts[key]
        for key in (
            "sets_cookies",
            "sends_pii",
            "cross_site_tracking",
            "complexity",
            "script_kb",
            "requests_per_page",
        )
    }
    if signature["checks"]:
        out["checks"] = list(signature["checks"])
    if signature["mistakes"]:
        out["mistakes"] = list(signature["mistakes"])
    order = (SOURCE_CURATED, SOURCE_TPW, SOURCE_OCD)
    out["sources"] = [source for source in order if source in signature["sources"]]
    if "homepage" in signature:
        out["homepage"] = signature["homepage"]
    if "organisation" in signature:
        out["organisation"] = signature["organisation"]
    if signature.get("provenance"):
        out["provenance"] = dict(sorted(signature.get("provenance", {}).items()))
    return out


def render(signatures: Sequence[Signature], organisations: Sequence[Organisation] = ()) -> str:
    """Serialise the database: one record per line, so diffs stay readable."""
    lines = [
        "{",
        '  "$schema": "signatures.schema.json",',
        f'  "schema_version": {SCHEMA_VERSION},',
        '  "description": "tagsig signature database; generated by scripts/import_signatures.py'
        ' - edit scripts/curated_signatures.json and scripts/organisations.json instead.",',
        '  "organisations": [',
    ]
    separators = (", ", ": ")
    lines.append(
        ",\n".join(
            "    "
            + json.dumps(_canonical_organisation(org), ensure_ascii=False, separators=separators)
            for org in organisations
        )
    )
    lines.extend(["  ],", '  "signatures": ['])
    body = [
        "    " + json.dumps(_canonical(sig), ensure_ascii=False, separators=separators)
        for sig in signatures
    ]
    lines.append(",\n".join(body))
    lines.extend(["  ]", "}"])
    return "\n".join(lines) + "\n"


def read_open_cookie_database(path: Path) -> list[dict[str, str]]:
    """Read the Open Cookie Database CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_third_party_web(path: Path) -> list[dict[str, Any]]:
    """Read the third-party-web entity list."""
    data: Any = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise InputFileError(f"{path}: expected a JSON array of entities")
    return cast("list[dict[str, Any]]", data)


def build_signatures(
    curated: Path, third_party_web: Path, open_cookie_database: Path
) -> tuple[Builder, list[Signature]]:
    """Return the builder, after every layer and correction, and its signatures."""
    psl = PublicSuffixes()
    builder = Builder(load_curated(curated, psl), psl)
    builder.add_third_party_web(read_third_party_web(third_party_web))
    builder.add_open_cookie_database(read_open_cookie_database(open_cookie_database))
    builder.apply_category_overrides()
    return builder, builder.signatures()


def build(
    curated: Path,
    third_party_web: Path,
    open_cookie_database: Path,
    organisations: Path | None = None,
) -> tuple[str, str]:
    """Return the rendered database and a summary of what was imported."""
    builder, signatures = build_signatures(curated, third_party_web, open_cookie_database)
    psl = builder.psl
    builder.stats.update(bind_curated_generic(signatures, psl))
    assigner = OrganisationAssigner(read_organisations(organisations), psl)
    orgs = assigner.assign(signatures)
    builder.stats.update(assigner.stats)
    with_hosts = sum(1 for sig in signatures if sig["hosts"] or sig["urls"])
    cookies = sum(len(sig["cookies"]) for sig in signatures)
    summary = [
        f"signatures: {len(signatures)} ({with_hosts} with host or URL rules)",
        f"curated: {len(builder.curated_ids)}",
        f"cookie patterns: {cookies}",
        f"organisations: {len(orgs)} ({len(assigner.curated_ids)} curated, "
        f"{sum(len(org.get('domains', [])) for org in orgs)} owned domains)",
    ]
    summary.extend(f"{key}: {value}" for key, value in sorted(builder.stats.items()))
    return render(signatures, orgs), "\n".join(summary)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--curated", type=Path, required=True)
    parser.add_argument("--third-party-web", type=Path, required=True)
    parser.add_argument("--open-cookie-database", type=Path, required=True)
    parser.add_argument("--organisations", type=Path, default=None)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        text, summary = build(
            args.curated, args.third_party_web, args.open_cookie_database, args.organisations
        )
    except (OSError, ValueError, KeyError, InputFileError) as exc:
        print(f"import_signatures: {exc}", file=sys.stderr)
        return 1
    args.output.write_text(text, encoding="utf-8", newline="\n")
    print(summary, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

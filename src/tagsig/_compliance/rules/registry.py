"""The rule registry: what each rule id means, in words, and where its page is."""

from __future__ import annotations

from typing import Final

from attrs import frozen

__all__ = ["DOCS_URL", "PROJECT_URL", "RULE_INFO", "RuleInfo", "rule_info"]

PROJECT_URL: Final = "https://github.com/tagsig/tagsig"
"""The project's home, where its documentation is published."""
DOCS_URL: Final = f"{PROJECT_URL}/blob/main/docs/"
"""The online path of the repository's ``docs/`` folder; rule pages are under ``rules/``."""


@frozen(kw_only=True)
class RuleInfo:
    """One rule, described for a reader who has not seen it fire."""

    id: str
    """The stable rule id flags carry."""
    short: str
    """What it finds, in a few words."""
    full: str
    """What it checks, in one or two sentences."""
    help: str
    """What to do about a flag of this rule."""

    @property
    def help_uri(self) -> str:
        """The rule's page in the online documentation."""
        return f"{DOCS_URL}rules/{self.id}.md"


def _rule(rule_id: str, short: str, full: str, help: str) -> tuple[str, RuleInfo]:
    return rule_id, RuleInfo(id=rule_id, short=short, full=full, help=help)


RULE_INFO: Final[dict[str, RuleInfo]] = dict(
    (
        _rule(
            "before-consent",
            "Tag ran before consent",
            "A tag whose purpose needs consent made requests or set cookies before a consent "
            "signal granted that purpose, or while a signal said it was refused. The consent "
            "timeline is read from the capture: consent-manager cookies, TCF and GPP strings, "
            "us_privacy, Sec-GPC and Google consent mode.",
            "Load the tag only once the consent manager reports consent for its purpose (block "
            "it in the tag manager until then), and check the tags that loaded it.",
        ),
        _rule(
            "no-consent-signal",
            "No consent signal in the capture",
            "Tags needing consent made requests in a capture where no consent signal appears "
            "at all, so consent cannot be shown from it.",
            "Record the capture with the consent banner answered, or check that the consent "
            "manager runs on the page before the tags it governs.",
        ),
        _rule(
            "cookie-lifetime",
            "Cookie lives longer than 13 months",
            "A tag's cookie lives longer than 13 months (395 days) or the policy's limit, by "
            "its observed expiry or, where none was observed, the vendor's documented one.",
            "Shorten the cookie's lifetime in the tag's settings, or waive the flag in the "
            "policy with the reason.",
        ),
        _rule(
            "third-party-cookie",
            "Cookie on a third-party domain",
            "A tag uses cookies whose domain lies outside the site's first party.",
            "Check that the vendor's cookies are covered by consent and disclosed in the "
            "cookie notice; add the site's own aliases with --first-party.",
        ),
        _rule(
            "cross-site-tracking",
            "Identifier shared across vendors",
            "The same identifier taken from a cookie value reaches two or more vendors, or a "
            "tracker known to follow visitors across sites keeps cookies on its own domain.",
            "Find which tag copies the identifier into other vendors' requests and stop it, "
            "or gate the cross-site tracker behind marketing consent.",
        ),
        _rule(
            "insecure-cookie",
            "Tracking cookie without Secure",
            "A tracking cookie was observed without the Secure attribute (and SameSite=None "
            "without Secure, which browsers reject).",
            "Set the tag's cookies with Secure, as its settings or the vendor allow.",
        ),
        _rule(
            "pii-to-third-party",
            "Personal data sent to a third party",
            "A request to a third party carries personal data: e-mail addresses, phone "
            "numbers, hashes of addresses seen in the inputs, or identifiers the caller "
            "names, in its URL, body or Referer.",
            "Remove the data from the URLs and event parameters the tag sends (page URLs "
            "with e-mail addresses are common), or make sure a contract and consent cover it.",
        ),
        _rule(
            "transfer-outside-eea",
            "Data goes outside the EEA",
            "A tag sent requests to a vendor whose data country lies outside the European "
            "Economic Area; the message notes an adequacy decision or a Data Privacy "
            "Framework certification.",
            "Check the transfer's legal basis (adequacy, DPF, contractual clauses) and list "
            "it in the privacy notice.",
        ),
        _rule(
            "identity-verification-missing",
            "Intercom without identity verification",
            "Intercom's Messenger identifies a user (user id or e-mail) without a user_hash, "
            "so anyone can impersonate that user.",
            "Turn on identity verification in Intercom and send the user_hash computed on "
            "the server.",
        ),
        _rule(
            "loaded-on-every-page",
            "Chat widget on every page",
            "In a capture of several pages, the chat widget loaded on every page although no "
            "conversation took place.",
            "Load the widget on the pages that need it, or on demand.",
        ),
        _rule(
            "ga-ip-anonymization-missing",
            "Universal Analytics without IP anonymisation",
            "A Universal Analytics hit was sent without aip=1, so Google receives the full IP "
            "address.",
            "Set anonymize_ip in the tag, or move to GA4, which stores no IP address.",
        ),
        _rule(
            "ga-personal-data",
            "Personal data in Google Analytics hits",
            "E-mail addresses or phone numbers appear in Google Analytics hits (page URLs, "
            "referrers, titles, event parameters, bodies), which Google's terms forbid.",
            "Strip the data from page URLs and event parameters before they are sent.",
        ),
        _rule(
            "google-ads-personal-data",
            "User data sent to Google Ads",
            "Google Ads requests carry user-provided data: enhanced conversions' hashed "
            "e-mail, or plain e-mail addresses and phone numbers.",
            "Send enhanced conversions only with consent and as documented, and never in clear.",
        ),
        _rule(
            "meta-advanced-matching",
            "Meta Pixel advanced matching",
            "Meta Pixel requests carry advanced matching fields (e-mail, phone, name, city, "
            "postcode, external id), customer data Meta matches to its users.",
            "Turn advanced matching off, or make sure consent and the privacy notice cover it.",
        ),
        _rule(
            "session-replay-unmasked",
            "Session recording without masking",
            "A session recording tool runs with masking turned off, as its settings in "
            "requests show.",
            "Turn on masking of inputs and text in the recorder's settings.",
        ),
        _rule(
            "disabled-by-consent-mode",
            "Google tag ran with storage denied",
            "A Google tag loaded while Google consent mode denied the storage for its "
            "purpose: it sent cookieless pings instead of measuring.",
            "Nothing to fix when intended; otherwise check the consent mode defaults.",
        ),
        _rule(
            "unknown-third-party",
            "Unknown third party",
            "A third-party host that no signature claims, with the known tags that caused "
            "its requests.",
            "Find out who runs the host; mark the site's own hosts with --first-party, or "
            "add a signature for the vendor.",
        ),
        _rule(
            "over-weight",
            "Tag heavier than usual",
            "A tag's script bytes or requests on one page exceed three times what the "
            "signature gives as typical.",
            "Check the tag's configuration for duplicate loads or extra features.",
        ),
        _rule(
            "policy-denied-tag",
            "Tag the policy denies",
            "A tag the policy denies is present.",
            "Remove the tag, or change the policy.",
        ),
        _rule(
            "policy-unlisted-tag",
            "Tag the policy does not list",
            "The policy lists the allowed tags and a present tag is not among them.",
            "Remove the tag, or add it to the policy's allowed tags after review.",
        ),
        _rule(
            "policy-missing-tag",
            "Tag the policy requires is missing",
            "A tag the policy requires (for example the consent manager) does not appear in "
            "the inputs.",
            "Check that the required tag loads on every captured page.",
        ),
        _rule(
            "policy-country",
            "Vendor in a country the policy does not allow",
            "A tag sent requests to a vendor based in a country the policy does not allow.",
            "Replace the vendor, or allow the country in the policy after review.",
        ),
        _rule(
            "policy-tag-bytes",
            "Tag over the policy's byte budget",
            "A tag costs more bytes on the wire on one page than the policy allows.",
            "Slim the tag's configuration, or raise the budget in the policy.",
        ),
    )
)
"""Every rule the rules can raise, by id."""


def rule_info(rule_id: str) -> RuleInfo:
    """Return the description of ``rule_id``.

    An unknown id (a custom rule) gets a generic description whose words come from the id.

    >>> rule_info("before-consent").help_uri.endswith("/docs/rules/before-consent.md")
    True
    >>> rule_info("my-rule").short
    'my rule'
    """
    known = RULE_INFO.get(rule_id)
    if known is not None:
        return known
    words = rule_id.replace("-", " ")
    return RuleInfo(
        id=rule_id,
        short=words,
        full=f"Flags raised under the rule {words}.",
        help="See the flag's message.",
    )

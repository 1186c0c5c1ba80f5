"""What a seller enters to connect eBay, and the guide that leads them there (German and English).

eBay's OAuth is the authorization-code grant of a developer application ("client id" = App ID, "client
secret" = Cert ID); the user token's refresh token lives 18 months, the access token two hours [docs:
developer.ebay.com, "OAuth access tokens"]. A refresh token created elsewhere (eBay's "User Tokens" page of
the developer portal) may be pasted instead of running the consent.
"""

from __future__ import annotations

from ordersync.channels.sdk.guide import GuideStep
from ordersync.channels.sdk.settings import CA_BUNDLE, VERIFY_TLS, SettingField, SettingsSchema

#: marketplace id -> Trading API site id (X-EBAY-API-SITEID) [docs: eBay "Site IDs" table]
MARKETPLACES = {
    "EBAY_DE": "77",
    "EBAY_AT": "16",
    "EBAY_CH": "193",
    "EBAY_GB": "3",
    "EBAY_US": "0",
    "EBAY_FR": "71",
    "EBAY_IT": "101",
    "EBAY_ES": "186",
    "EBAY_NL": "146",
    "EBAY_CA": "2",
    "EBAY_AU": "15",
}

SETTINGS = SettingsSchema(
    (
        SettingField(
            "marketplace",
            "Marketplace",
            "choice",
            choices=tuple(MARKETPLACES),
            default="EBAY_DE",
            help="The eBay site the account sells on.",
        ),
        SettingField("client_id", "App ID (client id)", help="From the eBay developer portal, Application Keys."),
        SettingField(
            "client_secret",
            "Cert ID (client secret)",
            secret=True,
            help="From the eBay developer portal, Application Keys.",
        ),
        SettingField(
            "ru_name",
            "RuName (eBay redirect URL name)",
            required=False,
            default="",
            help="The RuName of the application; its accept URL must be ordersync's callback address.",
        ),
        SettingField(
            "refresh_token",
            "User refresh token",
            secret=True,
            required=False,
            default="",
            help="Optional: a user refresh token created in the developer portal instead of the consent.",
        ),
        SettingField(
            "verification_token",
            "Notification verification token",
            secret=True,
            required=False,
            default="",
            help="32 to 80 letters, digits, _ or -; the same as entered at eBay for the "
            "marketplace-account-deletion endpoint. Left empty, one is generated.",
        ),
        SettingField(
            "api_url",
            "API address",
            "url",
            required=False,
            default="https://api.ebay.com",
            help="https://api.ebay.com, or https://api.sandbox.ebay.com for eBay's sandbox.",
        ),
        SettingField(
            "auth_url",
            "Consent address",
            "url",
            required=False,
            default="https://auth.ebay.com",
            help="https://auth.ebay.com, or https://auth.sandbox.ebay.com for eBay's sandbox.",
        ),
        SettingField(
            "cancel_reason",
            "Reason for cancellations",
            "choice",
            choices=("OUT_OF_STOCK_OR_CANNOT_FULFILL", "BUYER_ASKED_CANCEL", "ADDRESS_ISSUES"),
            required=False,
            default="OUT_OF_STOCK_OR_CANNOT_FULFILL",
            help="What eBay is told when the hub cancels an order (a comment naming one of these wins).",
        ),
        SettingField(
            "signing_jwe",
            "Signing key: public key as JWE",
            required=False,
            default="",
            help="EU/UK sellers: 'jwe' from eBay's Key Management API (createSigningKey).",
        ),
        SettingField(
            "signing_private_key",
            "Signing key: private key",
            secret=True,
            required=False,
            default="",
            help="EU/UK sellers: 'privateKey' from the same createSigningKey answer.",
        ),
        SettingField("page_size", "Orders per request", "int", required=False, default=200),
        SettingField("timeout", "Timeout (seconds)", "int", required=False, default=30),
        VERIFY_TLS,
        CA_BUNDLE,
    )
)

GUIDE = (
    GuideStep(
        "Create an eBay application",
        "In the eBay developer portal (developer.ebay.com), create an application and copy its App ID "
        "and Cert ID. Add ordersync's callback address as the accept URL of the application's RuName.",
        "eBay-Anwendung anlegen",
        "Legen Sie im eBay-Entwicklerportal (developer.ebay.com) eine Anwendung an, und kopieren Sie App ID und "
        "Cert ID. Tragen Sie die Rückrufadresse von ordersync als Accept-URL des RuName der Anwendung ein.",
        settings=("client_id", "client_secret", "ru_name", "marketplace"),
    ),
    GuideStep(
        "Allow access",
        "Start the consent: eBay asks you to sign in and to allow ordersync to read orders, ship them, "
        "set stock and send messages. Alternatively paste a user refresh token.",
        "Zugriff erlauben",
        "Starten Sie die Zustimmung: eBay fragt nach Ihrer Anmeldung und ob ordersync Bestellungen lesen, "
        "versenden, Bestände setzen und Nachrichten senden darf. Alternativ ein Refresh-Token einfügen.",
        settings=("refresh_token",),
    ),
    GuideStep(
        "Notifications",
        "Enter a verification token (32 to 80 characters) and give it to eBay together with ordersync's "
        "webhook address for the marketplace-account-deletion notifications.",
        "Benachrichtigungen",
        "Tragen Sie ein Prüf-Token (32 bis 80 Zeichen) ein, und geben Sie es eBay zusammen mit der Webhook-Adresse "
        "von ordersync für die Benachrichtigungen zur Kontolöschung an.",
        settings=("verification_token",),
    ),
    GuideStep(
        "Digital signatures (EU and UK sellers)",
        "eBay wants cancellations of sellers based in the EU or the UK signed. Create a key pair once with "
        "eBay's Key Management API (createSigningKey, cipher ED25519, e.g. in eBay's API Explorer) and "
        "enter its 'jwe' and 'privateKey'. eBay shows the private key only once.",
        "Digitale Signaturen (Verkäufer in EU und UK)",
        "eBay verlangt, dass Stornierungen von Verkäufern mit Sitz in der EU oder im Vereinigten Königreich "
        "signiert sind. Erzeugen Sie einmal ein Schlüsselpaar mit der Key Management API von eBay "
        "(createSigningKey, Verfahren ED25519, z. B. im API Explorer von eBay), und tragen Sie 'jwe' und "
        "'privateKey' ein. eBay zeigt den privaten Schlüssel nur einmal.",
        settings=("signing_jwe", "signing_private_key"),
    ),
)

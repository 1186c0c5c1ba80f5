"""What a seller enters for Etsy, and the steps that explain where to find it (English and German)."""

from __future__ import annotations

from ordersync.channels.sdk.guide import GuideStep
from ordersync.channels.sdk.settings import CA_BUNDLE, VERIFY_TLS, SettingField, SettingsSchema

SETTINGS = SettingsSchema(
    (
        SettingField(
            "client_id", "Keystring", help="The keystring of your Etsy app (Your Apps on etsy.com/developers)."
        ),
        SettingField(
            "shared_secret",
            "Shared secret",
            secret=True,
            help="The shared secret of the same app; Etsy wants it with every request.",
        ),
        SettingField(
            "refresh_token",
            "Refresh token",
            secret=True,
            required=False,
            default="",
            help="Only if you authorised the app yourself: its refresh token. Otherwise leave it empty "
            "and authorise on Etsy.",
        ),
        SettingField(
            "shop_id",
            "Shop ID",
            "int",
            required=False,
            default=0,
            help="Leave empty to use the shop of the Etsy account that authorises ordersync.",
        ),
        SettingField(
            "webhook_secret",
            "Webhook signing secret",
            secret=True,
            required=False,
            default="",
            help="Only for a commercial app with webhooks: the signing secret (whsec_...) Etsy's webhook "
            "portal shows for the endpoint you added with ordersync's webhook address. Empty: "
            "orders are polled only.",
        ),
        SettingField(
            "page_size", "Receipts per request", "int", required=False, default=100, help="1 to 100 (Etsy's maximum)."
        ),
        SettingField("timeout", "Timeout (seconds)", "int", required=False, default=30),
        SettingField(
            "api_url",
            "API address",
            "url",
            required=False,
            default="https://openapi.etsy.com",
            help="Etsy's API; change it only for a test system.",
        ),
        SettingField(
            "consent_url",
            "Consent address",
            "url",
            required=False,
            default="https://www.etsy.com",
            help="Where Etsy asks you to allow access; change it only for a test system.",
        ),
        VERIFY_TLS,
        CA_BUNDLE,
    )
)

GUIDE = (
    GuideStep(
        "Register an Etsy app",
        "On etsy.com/developers, open Your Apps, create an app (or use yours) and copy its keystring and "
        "shared secret. Add ordersync's callback address as a redirect URI of the app.",
        "Etsy-App registrieren",
        "Öffnen Sie auf etsy.com/developers „Your Apps“, legen Sie eine App an (oder nehmen Sie Ihre), und kopieren Sie "
        "Keystring und Shared Secret. Tragen Sie die Rückrufadresse von ordersync als Redirect-URI der App ein.",
        settings=("client_id", "shared_secret"),
    ),
    GuideStep(
        "Allow access on Etsy",
        "Save the connection and authorise it: Etsy asks you to allow ordersync to read receipts and "
        "listings and to write tracking and stock. The shop of the account you sign in with is used "
        "unless you enter a shop ID.",
        "Zugriff bei Etsy erlauben",
        "Speichern Sie die Verbindung, und autorisieren Sie sie: Etsy fragt, ob ordersync Bestellungen und Angebote "
        "lesen und Sendungsnummern und Bestände schreiben darf. Verwendet wird der Shop des Kontos, mit "
        "dem Sie sich anmelden, außer Sie tragen eine Shop-ID ein.",
        settings=("shop_id", "refresh_token"),
    ),
    GuideStep(
        "Webhooks (optional, commercial apps)",
        "Orders are fetched every few minutes. If your Etsy app has commercial access, paid orders can "
        "arrive at once: open the app's webhook portal on etsy.com/developers, add an endpoint with "
        "ordersync's webhook address of this connection for the event ORDER_PAID, and paste the "
        "endpoint's signing secret here.",
        "Webhooks (optional, kommerzielle Apps)",
        "Bestellungen werden alle paar Minuten abgerufen. Hat Ihre Etsy-App kommerziellen Zugang, können "
        "bezahlte Bestellungen sofort ankommen: Öffnen Sie das Webhook-Portal der App auf "
        "etsy.com/developers, legen Sie einen Endpunkt mit der Webhook-Adresse dieser Verbindung in "
        "ordersync für das Ereignis ORDER_PAID an, und fügen Sie hier das Signing Secret des Endpunkts ein.",
        settings=("webhook_secret",),
    ),
)

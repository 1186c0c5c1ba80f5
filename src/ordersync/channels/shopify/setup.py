"""What a seller enters to connect a Shopify shop, and the steps to get it, in German and English."""

from __future__ import annotations

from ..sdk.guide import GuideStep
from ..sdk.settings import CA_BUNDLE, VERIFY_TLS, SettingField, SettingsSchema

DEFAULT_API_VERSION = "2025-01"

SETTINGS = SettingsSchema(
    (
        SettingField(
            "shop_url",
            "Shop address",
            "url",
            help="The shop's myshopify.com address, e.g. https://my-shop.myshopify.com.",
        ),
        SettingField("access_token", "Admin API access token", secret=True, help="Starts with shpat_."),
        SettingField(
            "api_secret",
            "API secret key",
            secret=True,
            required=False,
            default="",
            help="The app's API secret key (client secret); Shopify signs webhooks with it.",
        ),
        SettingField(
            "location_id",
            "Stock location",
            required=False,
            default="",
            help="The Shopify location whose 'available' stock ordersync sets, e.g. "
            "gid://shopify/Location/123 or 123. Needed for stock pushes only.",
        ),
        SettingField(
            "api_version",
            "API version",
            required=False,
            default=DEFAULT_API_VERSION,
            help="Shopify's quarterly API version (YYYY-MM). Each is supported for at least a year.",
        ),
        SettingField(
            "status_map_import",
            "Status mapping (import)",
            "mapping",
            required=False,
            default={},
            help="Shopify status = ordersync state, e.g. 'partially_fulfilled=Shipped,authorized=Paid'. Keys: "
            "cancelled, returned, refunded, closed, the fulfilment and the financial status in lower case.",
        ),
        SettingField(
            "status_map_export",
            "Status mapping (export)",
            "mapping",
            required=False,
            default={},
            help="ordersync state = Shopify action (cancel, close, open, mark_paid; empty: nothing), "
            "e.g. 'Closed=close,Shipped='.",
        ),
        SettingField("notify_customer", "Shopify e-mails the buyer on shipment", "bool", required=False, default=True),
        SettingField(
            "bulk_backfill",
            "First import as a bulk operation",
            "bool",
            required=False,
            default=True,
            help="Fetch the whole order history once with one bulk operation instead of page by page.",
        ),
        SettingField("timeout", "Timeout (seconds)", "int", required=False, default=30),
        VERIFY_TLS,
        CA_BUNDLE,
    )
)

GUIDE = (
    GuideStep(
        "Create a custom app",
        "In the Shopify admin open Settings → Apps and sales channels → Develop apps (allow custom app "
        'development once if asked) and click "Create an app". Name it e.g. "ordersync".',
        "Eigene App anlegen",
        "Öffnen Sie im Shopify-Adminbereich Einstellungen → Apps und Vertriebskanäle → Apps entwickeln (erlauben Sie "
        "die Entwicklung eigener Apps, falls gefragt), und klicken Sie auf „App erstellen“. Nennen Sie sie z. B. "
        "„ordersync“.",
    ),
    GuideStep(
        "Grant the Admin API scopes",
        "Under Configuration → Admin API integration select read_orders and write_orders, "
        "read_all_orders (otherwise Shopify shows only the last 60 days), read_products, read_inventory and "
        "write_inventory, read_locations, read_fulfillments and write_merchant_managed_fulfillment_orders. Save.",
        "Admin-API-Berechtigungen erteilen",
        "Wählen Sie unter Konfiguration → Admin-API-Integration read_orders und write_orders, read_all_orders (sonst "
        "zeigt Shopify nur die letzten 60 Tage), read_products, read_inventory und write_inventory, read_locations, "
        "read_fulfillments und write_merchant_managed_fulfillment_orders, und klicken Sie auf „Speichern“.",
    ),
    GuideStep(
        "Install the app and copy the token",
        'Click "Install app", then under API credentials reveal the Admin API access token (shpat_…) once and '
        "copy it, together with the API secret key, into the fields below. Enter the shop's myshopify.com address.",
        "App installieren und Token kopieren",
        "Klicken Sie auf „App installieren“, lassen Sie sich unter API-Zugangsdaten das Admin-API-Zugriffstoken "
        "(shpat_…) einmalig anzeigen, und kopieren Sie es zusammen mit dem API-Geheimschlüssel in die Felder unten. "
        "Tragen Sie die myshopify.com-Adresse des Shops ein.",
        settings=("shop_url", "access_token", "api_secret", "api_version"),
    ),
    GuideStep(
        "Choose the stock location",
        "Under Settings → Locations open the warehouse whose stock ordersync should set; its number is the last "
        "part of the page address. Leave the field empty if ordersync should not set stock.",
        "Lagerort wählen",
        "Öffnen Sie unter Einstellungen → Standorte das Lager, dessen Bestand ordersync setzen soll; seine Nummer "
        "ist der letzte Teil der Seitenadresse. Lassen Sie das Feld leer, wenn ordersync keine Bestände setzen soll.",
        settings=("location_id",),
    ),
    GuideStep(
        "Webhooks, history and statuses",
        "ordersync subscribes to order webhooks itself, so new orders arrive within seconds, and still polls "
        "every minute. The first import fetches the whole history with one bulk operation. Tracking numbers "
        "become fulfilments, which Shopify e-mails to the buyer if you wish. Check the status mapping.",
        "Webhooks, Historie und Status",
        "ordersync abonniert die Bestell-Webhooks selbst, damit neue Bestellungen binnen Sekunden ankommen, und "
        "fragt trotzdem jede Minute ab. Der erste Import holt die ganze Historie mit einem Massenvorgang. "
        "Sendungsnummern werden zu Ausführungen (Fulfillments), über die Shopify den Käufer auf Wunsch per E-Mail "
        "informiert. Prüfen Sie die Statuszuordnung.",
        settings=("notify_customer", "bulk_backfill", "status_map_import", "status_map_export"),
    ),
)

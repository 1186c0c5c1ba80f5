"""What a seller enters to connect a Shopware 6 shop, and the steps to get it, in German and English."""

from __future__ import annotations

from ..sdk.guide import GuideStep
from ..sdk.settings import CA_BUNDLE, VERIFY_TLS, SettingField, SettingsSchema, concurrency_field

# Shopware serves Admin API requests side by side and documents no limit for them (VENDOR-FACTS §2.6: only the
# login and other sensitive routes are rate-limited); four keeps a small host's PHP workers from being taken up
# by one import.
CONCURRENCY = 4
MAX_CONCURRENCY = 16

SETTINGS = SettingsSchema(
    (
        SettingField(
            "base_url",
            "Shop address",
            "url",
            help="The address of the shop, e.g. https://shop.example.com (without /admin or /api).",
        ),
        SettingField("client_id", "Access key ID", help="The integration's access key ID, starts with SWIA."),
        SettingField(
            "client_secret",
            "Secret access key",
            secret=True,
            help="The integration's secret access key, shown only when the integration is created.",
        ),
        SettingField(
            "shop_secret",
            "App shop secret (webhooks)",
            secret=True,
            required=False,
            default="",
            help="Only for webhooks: the shop secret of the app whose webhooks point at ordersync. "
            "Without it ordersync polls only.",
        ),
        SettingField(
            "app_id",
            "App ID (webhooks)",
            required=False,
            default="",
            help="Only for webhooks: the id of that app in Shopware (32 hex digits).",
        ),
        SettingField(
            "status_map_import",
            "Status mapping (import)",
            "mapping",
            required=False,
            default={},
            help="Shopware state = ordersync state, e.g. 'order_delivery:shipped_partially=Shipped'. "
            "Entities: order, order_delivery, order_transaction.",
        ),
        SettingField(
            "status_map_export",
            "Status mapping (export)",
            "mapping",
            required=False,
            default={},
            help="ordersync state = Shopware entity:state, e.g. 'Paid=order_transaction:paid,Closed=' "
            "(empty: never push).",
        ),
        SettingField("page_size", "Orders per request", "int", required=False, default=100),
        SettingField("timeout", "Timeout (seconds)", "int", required=False, default=30),
        concurrency_field(
            "Pages an import reads from the shop at the same time (1: one after another). Shopware sets "
            "no limit for the Admin API; lower it for a small host.",
            default=CONCURRENCY,
            maximum=MAX_CONCURRENCY,
        ),
        VERIFY_TLS,
        CA_BUNDLE,
    )
)

GUIDE = (
    GuideStep(
        "Create a role for ordersync",
        "In the Shopware administration open Settings → System → Users & permissions, tab Roles, and create a "
        'role "ordersync" with these permissions: Orders: Viewer and Editor (ordersync reads orders and moves '
        "their order, delivery and payment states, and writes tracking codes), Products: Viewer and Editor "
        "(stock). Only if you use webhooks: also reading and editing webhooks. Save the role.",
        "Rolle für ordersync anlegen",
        "Öffnen Sie in der Shopware-Administration Einstellungen → System → Benutzer & Rechte, Reiter Rollen, und "
        "legen Sie eine Rolle „ordersync“ mit diesen Rechten an: Bestellungen: Betrachter und Bearbeiter (ordersync "
        "liest Bestellungen, ändert Bestell-, Liefer- und Zahlungsstatus und schreibt Sendungsnummern), Produkte: "
        "Betrachter und Bearbeiter (Bestand). Nur wenn Sie Webhooks nutzen: zusätzlich Webhooks lesen und "
        "bearbeiten. Speichern Sie die Rolle.",
    ),
    GuideStep(
        "Create an integration",
        'Open Settings → System → Integrations and click "Add integration". Enter a name (e.g. "ordersync"), '
        'leave "Administrator" off and choose the role "ordersync". (An administrator integration works '
        "too, but may change everything in the shop.)",
        "Integration anlegen",
        "Öffnen Sie Einstellungen → System → Integrationen, und klicken Sie auf „Integration hinzufügen“. Geben Sie "
        "einen Namen ein (z. B. „ordersync“), lassen Sie „Administrator“ ausgeschaltet, und wählen Sie die Rolle "
        "„ordersync“. (Eine Administrator-Integration funktioniert auch, darf aber alles im Shop ändern.)",
    ),
    GuideStep(
        "Copy the access keys",
        "Shopware shows the access key ID (SWIA…) and the secret access key. Copy both into the fields below "
        "before you save the integration: the secret is shown only once. If it is lost, generate a new key "
        "in the integration.",
        "Zugangsschlüssel kopieren",
        "Shopware zeigt die Access-Key-ID (SWIA…) und den Secret-Access-Key an. Kopieren Sie beide in die Felder "
        "unten, bevor Sie die Integration speichern: Der Secret-Key wird nur einmal angezeigt. Geht er verloren, "
        "erzeugen Sie in der Integration einen neuen Schlüssel.",
        settings=("client_id", "client_secret"),
    ),
    GuideStep(
        "Enter the shop address",
        "Enter the address of your shop, e.g. https://shop.example.com. ordersync asks Shopware for an access "
        "token at /api/oauth/token and renews it when it expires.",
        "Shop-Adresse eintragen",
        "Tragen Sie die Adresse Ihres Shops ein, z. B. https://shop.example.com. ordersync holt sich unter "
        "/api/oauth/token ein Zugriffstoken und erneuert es, wenn es abläuft.",
        settings=("base_url", "verify_tls"),
    ),
    GuideStep(
        "Optional: webhooks through an app",
        "Shopware signs webhooks only for apps. If your shop runs an app whose webhooks point at ordersync "
        "(events checkout.order.placed and order.written), enter its shop secret and its id; new orders then arrive "
        "within seconds. ordersync polls every minute either way.",
        "Optional: Webhooks über eine App",
        "Shopware signiert Webhooks nur für Apps. Läuft in Ihrem Shop eine App, deren Webhooks an ordersync gehen "
        "(Ereignisse checkout.order.placed und order.written), tragen Sie ihr Shop-Secret und ihre ID ein; neue "
        "Bestellungen kommen dann in Sekunden an. ordersync fragt in jedem Fall jede Minute ab.",
        settings=("shop_secret", "app_id"),
    ),
)

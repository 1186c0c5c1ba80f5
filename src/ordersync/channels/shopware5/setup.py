"""What a seller enters to connect a Shopware 5 shop, and the steps to get it, in German and English."""

from __future__ import annotations

from ..sdk.guide import GuideStep
from ..sdk.settings import CA_BUNDLE, VERIFY_TLS, SettingField, SettingsSchema

SETTINGS = SettingsSchema(
    (
        SettingField(
            "base_url",
            "Shop address",
            "url",
            help="The address of the shop without /api, e.g. https://shop.example.com.",
        ),
        SettingField("username", "API user name", help="The backend user whose API access is enabled."),
        SettingField("api_key", "API key", secret=True, help="The key shown under API access of that user."),
        SettingField(
            "status_map_import",
            "Status mapping (import)",
            "mapping",
            required=False,
            default={},
            help="Shopware order status = ordersync state, e.g. 'clarification_required=Reclamation'. "
            "Overrides the defaults for the statuses given.",
        ),
        SettingField(
            "status_map_export",
            "Status mapping (export)",
            "mapping",
            required=False,
            default={},
            help="ordersync state = Shopware status, e.g. 'Shipped=order:completely_delivered,"
            "Paid=payment:completely_paid,Packed=' (empty: never push).",
        ),
        SettingField(
            "open_orders_limit",
            "Open orders re-read per poll",
            "int",
            required=False,
            default=2000,
            help="Orders in open statuses are re-read on every poll so that changes made in the shop "
            "arrive (Shopware 5 lists no change time). At most this many.",
        ),
        SettingField("page_size", "Orders per request", "int", required=False, default=100),
        SettingField("timeout", "Timeout (seconds)", "int", required=False, default=30),
        VERIFY_TLS,
        CA_BUNDLE,
    )
)

GUIDE = (
    GuideStep(
        "Enable API access for a backend user",
        "In the Shopware 5 backend open Settings → User administration (Einstellungen → Benutzerverwaltung), "
        'edit the user ordersync should act as (or create one, e.g. "ordersync", with a role that may read '
        'and change orders and articles), tick "Enabled" under "API access" and save. Shopware generates '
        "the API key there.",
        "API-Zugang für einen Backend-Benutzer aktivieren",
        "Öffnen Sie im Shopware-5-Backend Einstellungen → Benutzerverwaltung, bearbeiten Sie den Benutzer, als der "
        "ordersync arbeiten soll (oder legen Sie einen an, z. B. „ordersync“, mit einer Rolle, die Bestellungen und "
        "Artikel lesen und ändern darf), setzen Sie unter „API-Zugang“ den Haken bei „Aktiviert“, und speichern Sie. "
        "Shopware erzeugt dort den API-Schlüssel.",
        settings=("username", "api_key"),
    ),
    GuideStep(
        "Copy user name and key",
        "Copy the user name and the API key into the fields below. The API uses HTTP digest "
        "authentication with these two; the backend password is not needed.",
        "Benutzername und Schlüssel kopieren",
        "Kopieren Sie den Benutzernamen und den API-Schlüssel in die Felder unten. Die API meldet sich damit per "
        "HTTP-Digest an; das Backend-Passwort wird nicht gebraucht.",
    ),
    GuideStep(
        "Enter the shop address",
        "Enter the shop's address without /api (e.g. https://shop.example.com) and test the connection.",
        "Shop-Adresse eintragen",
        "Tragen Sie die Adresse des Shops ohne /api ein (z. B. https://shop.example.com), und testen Sie die "
        "Verbindung.",
        settings=("base_url",),
    ),
)

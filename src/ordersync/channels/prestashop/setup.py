"""What a seller enters to connect a PrestaShop shop, and where in the back office each value is made, in
German and English (PrestaShop 1.7/8: Advanced Parameters > Webservice)."""

from __future__ import annotations

from ..sdk.guide import GuideStep
from ..sdk.settings import CA_BUNDLE, VERIFY_TLS, SettingField, SettingsSchema, concurrency_field

# PrestaShop documents no limit for its webservice (VENDOR-FACTS: "none in core") and serves requests side by side;
# four keeps a small host's PHP workers from being taken up by one import, as for WooCommerce.
CONCURRENCY = 4

SETTINGS = SettingsSchema(
    (
        SettingField(
            "base_url",
            "Shop address",
            "url",
            help="The address of the shop, e.g. https://www.my-shop.de (without /api).",
        ),
        SettingField(
            "api_key", "Webservice key", secret=True, help="The 32-character key from Advanced Parameters > Webservice."
        ),
        SettingField(
            "timezone",
            "Shop time zone",
            required=False,
            default="Europe/Berlin",
            help="The time zone set under International > Localization (PrestaShop stores order dates in "
            "it), e.g. Europe/Berlin.",
        ),
        SettingField(
            "status_map_import",
            "Status mapping (import)",
            "mapping",
            required=False,
            default={},
            help="PrestaShop order state id = ordersync state, e.g. '3=Packed,14=Shipped'. Overrides the "
            "defaults for the states given.",
        ),
        SettingField(
            "status_map_export",
            "Status mapping (export)",
            "mapping",
            required=False,
            default={},
            help="ordersync state = PrestaShop order state id, e.g. 'Shipped=4,Closed=' (empty: never push).",
        ),
        SettingField(
            "notify_customer",
            "E-mail the buyer on status changes",
            "bool",
            required=False,
            default=True,
            help="PrestaShop then sends the e-mail of the new order state (if the state has one), as the "
            "back office does.",
        ),
        SettingField(
            "employee_id",
            "Employee id for messages",
            "int",
            required=False,
            default=1,
            help="The back-office employee (Advanced Parameters > Team) that messages and status changes are "
            "written as; 1 is the shop's first administrator.",
        ),
        SettingField("page_size", "Orders per request", "int", required=False, default=50),
        SettingField("timeout", "Timeout (seconds)", "int", required=False, default=30),
        concurrency_field(
            "Pages an import reads from the shop at the same time (1: one after another). PrestaShop sets no "
            "limit; lower it for a small shared host.",
            default=CONCURRENCY,
            maximum=16,
        ),
        VERIFY_TLS,
        CA_BUNDLE,
    )
)

GUIDE = (
    GuideStep(
        "Enable the webservice",
        "In the PrestaShop back office open Advanced Parameters > Webservice, set \"Enable PrestaShop's "
        'webservice" to Yes and save. If your server runs PHP as CGI/FastCGI, also enable the CGI mode for '
        "PHP there, otherwise the key is not passed on.",
        "Webservice aktivieren",
        "Öffnen Sie im PrestaShop-Backoffice Erweiterte Parameter > Webservice, stellen Sie „PrestaShop-Webservice "
        "aktivieren“ auf Ja, und speichern Sie. Läuft PHP auf Ihrem Server als CGI/FastCGI, aktivieren Sie dort auch "
        "den CGI-Modus für PHP, sonst kommt der Schlüssel nicht an.",
    ),
    GuideStep(
        "Add a webservice key",
        'On the same page click "Add new webservice key", then "Generate!". Enter a description such as '
        '"ordersync" and set Status to Yes. Under Permissions tick View (GET) for orders, order_states, '
        "order_carriers, addresses, customers, currencies, countries, products, combinations, "
        "stock_availables, customer_threads and customer_messages; Add (POST) for order_histories, "
        "customer_threads and customer_messages; Modify "
        "(PUT) for order_carriers and stock_availables. Save.",
        "Webservice-Schlüssel anlegen",
        "Klicken Sie auf derselben Seite auf „Neuen Webservice-Schlüssel hinzufügen“ und dann auf „Generieren!“. "
        "Geben Sie eine Beschreibung wie „ordersync“ ein, und setzen Sie den Status auf Ja. Setzen Sie unter "
        "Berechtigungen Anzeigen (GET) für orders, order_states, order_carriers, addresses, customers, currencies, "
        "countries, products, combinations, stock_availables, customer_threads und customer_messages; Hinzufügen "
        "(POST) für order_histories, customer_threads und customer_messages; Ändern (PUT) für order_carriers und "
        "stock_availables. Speichern Sie.",
        settings=("api_key",),
    ),
    GuideStep(
        "Enter the shop address",
        "Enter the address of the shop and its time zone (International > Localization > Configuration), "
        "then test the connection.",
        "Shop-Adresse eintragen",
        "Tragen Sie die Adresse des Shops und seine Zeitzone ein (International > Lokalisierung > Konfiguration), "
        "und testen Sie dann die Verbindung.",
        settings=("base_url", "timezone"),
    ),
)

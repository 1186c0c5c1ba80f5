"""What a seller enters to connect a Magento 2 / Adobe Commerce shop, and where in the admin each credential
is made, in German and English."""

from __future__ import annotations

from ..sdk.guide import GuideStep
from ..sdk.settings import CA_BUNDLE, VERIFY_TLS, SettingField, SettingsSchema, concurrency_field

# Magento serves REST requests side by side and core sets no general REST rate limit (VENDOR-FACTS §2: only
# guest carts and payment information are limited); four keeps a small host's PHP workers from being taken up
# by one import.
CONCURRENCY = 4
MAX_CONCURRENCY = 16

SETTINGS = SettingsSchema(
    (
        SettingField(
            "base_url",
            "Shop address",
            "url",
            help="The address of the shop, e.g. https://shop.example.com (without /rest or /admin).",
        ),
        SettingField(
            "auth",
            "Authentication",
            "choice",
            required=False,
            default="oauth1",
            choices=("oauth1", "bearer"),
            help="oauth1: every request is signed with the four integration credentials (works in every "
            "shop). bearer: only the access token is sent; works only where the shop allows integration "
            "tokens as bearer tokens (off by default since Magento 2.4.4).",
        ),
        SettingField("consumer_key", "Consumer key", required=False, secret=True, default=""),
        SettingField("consumer_secret", "Consumer secret", required=False, secret=True, default=""),
        SettingField("access_token", "Access token", secret=True),
        SettingField("access_token_secret", "Access token secret", required=False, secret=True, default=""),
        SettingField(
            "store_code",
            "Store view code",
            required=False,
            default="default",
            help="The store code in the REST address (/rest/<code>/V1/...); 'default' unless told otherwise.",
        ),
        SettingField(
            "status_actions",
            "Status actions",
            "mapping",
            required=False,
            default={},
            help="ordersync state = Magento action (cancel, invoice, hold, unhold), e.g. "
            "'Reclamation=hold,Confirmed=unhold'; 'Paid=' switches one off. Default: Cancelled=cancel, "
            "Paid=invoice.",
        ),
        SettingField(
            "stock_mode",
            "Stock model",
            "choice",
            required=False,
            default="auto",
            choices=("auto", "msi", "legacy"),
            help="auto: Multi-Source Inventory when the shop has it, else the classic stock items.",
        ),
        SettingField(
            "source_code",
            "Inventory source",
            required=False,
            default="default",
            help="The MSI source whose quantities ordersync sets (Stores → Sources).",
        ),
        SettingField("page_size", "Orders per request", "int", required=False, default=50),
        SettingField("timeout", "Timeout (seconds)", "int", required=False, default=30),
        concurrency_field(
            "Pages an import reads from the shop at the same time (1: one after another). Magento sets "
            "no limit for its REST API; lower it for a small host.",
            default=CONCURRENCY,
            maximum=MAX_CONCURRENCY,
        ),
        VERIFY_TLS,
        CA_BUNDLE,
    )
)

GUIDE = (
    GuideStep(
        "Create an integration",
        'In the Magento admin open System → Extensions → Integrations and click "Add New Integration". Enter '
        'a name (e.g. "ordersync") and your admin password; leave Callback URL and Identity link URL empty. '
        'On the tab "API" choose Resource Access "Custom" and tick: Sales → Operations → Orders (with '
        "Actions: View, Invoice, Ship, Cancel, Hold, Unhold, Comment), Catalog → Inventory → Products, and "
        "Stores → Inventory → Sources and Sources Items where the shop uses Multi-Source Inventory. Save.",
        "Integration anlegen",
        "Öffnen Sie in der Magento-Verwaltung System → Erweiterungen → Integrationen, und klicken Sie auf „Neue "
        "Integration hinzufügen“. Geben Sie einen Namen (z. B. „ordersync“) und Ihr Admin-Passwort ein; Callback-URL "
        "und Identity-Link bleiben leer. Wählen Sie im Reiter „API“ den Ressourcenzugriff „Benutzerdefiniert“, und "
        "haken Sie an: Verkäufe → Vorgänge → Bestellungen (mit Aktionen: Ansehen, Rechnung, Versand, Stornieren, "
        "Anhalten, Freigeben, Kommentar), Katalog → Bestand → Produkte sowie Shops → Bestand → Quellen und "
        "Quellartikel, wenn der Shop Multi-Source Inventory nutzt. Speichern Sie.",
    ),
    GuideStep(
        "Activate it and copy the four credentials",
        'In the list of integrations click "Activate" next to it and then "Allow". Magento shows consumer '
        "key, consumer secret, access token and access token secret: copy all four into the fields below. "
        'They do not expire; "Reauthorize" in the list makes new ones.',
        "Aktivieren und die vier Zugangsdaten kopieren",
        "Klicken Sie in der Liste der Integrationen daneben auf „Aktivieren“ und dann auf „Erlauben“. Magento zeigt "
        "Consumer Key, Consumer Secret, Access Token und Access Token Secret: Kopieren Sie alle vier in die Felder "
        "unten. Sie laufen nicht ab; „Erneut autorisieren“ in der Liste erzeugt neue.",
        settings=("consumer_key", "consumer_secret", "access_token", "access_token_secret"),
    ),
    GuideStep(
        "OAuth signature or bearer token",
        'Keep "oauth1": ordersync signs every request with the four credentials, which every Magento 2 '
        'accepts. "bearer" sends only the access token; since Magento 2.4.4 a shop refuses that unless an '
        'admin set Stores → Configuration → Services → OAuth → Consumer Settings → "Allow OAuth Access Tokens '
        'to be used as standalone Bearer tokens" to Yes, which Adobe advises against (the token never '
        "expires).",
        "OAuth-Signatur oder Bearer-Token",
        "Lassen Sie „oauth1“ stehen: ordersync signiert jede Anfrage mit den vier Zugangsdaten, das akzeptiert jedes "
        "Magento 2. „bearer“ sendet nur den Access Token; seit Magento 2.4.4 lehnt ein Shop das ab, solange nicht "
        "unter Shops → Konfiguration → Dienste → OAuth → Consumer-Einstellungen „Allow OAuth Access Tokens to be "
        "used as standalone Bearer tokens“ auf Ja steht, wovon Adobe abrät (der Token läuft nie ab).",
        settings=("auth",),
    ),
    GuideStep(
        "Statuses",
        "Magento changes an order's status only through actions. By default ordersync cancels the order when "
        "you cancel it in the hub and creates an (offline) invoice when it is paid; shipping creates a Magento "
        "shipment with the tracking number, after which Magento completes the order. Hold and unhold can be "
        "added under status actions.",
        "Status",
        "Magento ändert den Status einer Bestellung nur über Aktionen. Standardmäßig storniert ordersync die "
        "Bestellung, wenn Sie sie im Hub stornieren, und erstellt eine (Offline-)Rechnung, wenn sie bezahlt ist; der "
        "Versand legt eine Magento-Lieferung mit der Sendungsnummer an, danach schließt Magento die Bestellung "
        "selbst ab. Anhalten und Freigeben lassen sich unter Statusaktionen ergänzen.",
        settings=("status_actions",),
    ),
    GuideStep(
        "Enter the shop address",
        "Enter the address of the shop, e.g. https://shop.example.com, and test the connection. Keep the store "
        'code "default" unless your admin moved the REST API to another store view.',
        "Shop-Adresse eintragen",
        "Tragen Sie die Adresse des Shops ein, z. B. https://shop.example.com, und testen Sie die Verbindung. Lassen "
        "Sie den Store-Code auf „default“, sofern Ihre Verwaltung die REST-API nicht auf eine andere Store-View "
        "gelegt hat.",
        settings=("base_url", "store_code", "verify_tls"),
    ),
    GuideStep(
        "Stock",
        "ordersync finds out whether the shop uses Multi-Source Inventory (Stores → Sources) and then sets the "
        "quantity of the source named below, otherwise the product's classic stock item.",
        "Bestand",
        "ordersync erkennt, ob der Shop Multi-Source Inventory nutzt (Shops → Quellen), und setzt dann die "
        "Menge der unten genannten Quelle, sonst den klassischen Lagerbestand des Produkts.",
        settings=("stock_mode", "source_code"),
    ),
)

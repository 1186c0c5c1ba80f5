"""What a seller enters to connect a WooCommerce shop, and the steps to get it, in German and English."""

from __future__ import annotations

from ..sdk.guide import GuideStep
from ..sdk.settings import CA_BUNDLE, SettingField, SettingsSchema, concurrency_field
from .tracking import TRACKING_PLUGIN_KEY

# WordPress serves requests side by side and WooCommerce documents no limit for its REST API (VENDOR-FACTS:
# "Rate limit: none in core REST"); four keeps a small host's PHP workers from being taken up by one import.
CONCURRENCY = 4

SETTINGS = SettingsSchema(
    (
        SettingField(
            "url",
            "Shop URL",
            "url",
            help="The address of the WordPress site, e.g. https://www.my-shop.de (without /wp-json).",
        ),
        SettingField("consumer_key", "Consumer key", secret=True, help="Starts with ck_."),
        SettingField("consumer_secret", "Consumer secret", secret=True, help="Starts with cs_."),
        SettingField(
            "status_map_import",
            "Status mapping (import)",
            "mapping",
            required=False,
            default={},
            help="WooCommerce status = ordersync state, e.g. 'on-hold=Confirmed,wc-awaiting-pickup=Packed'. "
            "Overrides the defaults for the statuses given.",
        ),
        SettingField(
            "status_map_export",
            "Status mapping (export)",
            "mapping",
            required=False,
            default={},
            help="ordersync state = WooCommerce status, e.g. 'Packed=packed,Closed=' (empty: never push).",
        ),
        SettingField(
            "tracking_meta_key",
            "Tracking meta key",
            required=False,
            default=TRACKING_PLUGIN_KEY,
            help="Order meta field for tracking numbers. The default is the one read by the "
            "'Shipment Tracking' and 'Advanced Shipment Tracking' plugins. Set '-' to only add a note.",
        ),
        SettingField(
            "note_language", "Language of notes to buyers", "choice", required=False, default="de", choices=("de", "en")
        ),
        SettingField(
            "auth",
            "Authentication",
            "choice",
            required=False,
            default="auto",
            choices=("auto", "basic", "query", "oauth1"),
            help="auto: HTTP Basic over https, OAuth 1.0a signatures over plain http (as WooCommerce "
            "requires). 'query' sends the key in the URL for https servers that drop the "
            "Authorization header; 'basic' over http only behind a TLS-terminating proxy.",
        ),
        SettingField("verify_tls", "Verify TLS certificate", "bool", required=False, default=True),
        SettingField("timeout", "Timeout (seconds)", "int", required=False, default=30),
        concurrency_field(
            "Pages an import reads from the shop at the same time (1: one after another). WooCommerce "
            "sets no limit; lower it for a small shared host.",
            default=CONCURRENCY,
            maximum=16,
        ),
        CA_BUNDLE,
    )
)

GUIDE = (
    GuideStep(
        "Check the permalinks",
        'In WordPress go to Settings → Permalinks and choose any structure except "Plain". The REST API '
        "lives under /wp-json/, which only works with pretty permalinks.",
        "Permalinks prüfen",
        "Öffnen Sie in WordPress Einstellungen → Permalinks, und wählen Sie eine beliebige Struktur außer „Einfach“. "
        "Die REST-API liegt unter /wp-json/ und funktioniert nur mit sprechenden Permalinks.",
    ),
    GuideStep(
        "Create a REST API key",
        'Go to WooCommerce → Settings → Advanced → REST API and click "Add key". Enter a description '
        '(e.g. "ordersync"), choose a user with the Administrator or Shop manager role and set Permissions '
        'to "Read/Write" (ordersync changes order statuses, adds notes and sets stock). Click "Generate '
        'API key".',
        "REST-API-Schlüssel anlegen",
        "Öffnen Sie WooCommerce → Einstellungen → Erweitert → REST-API, und klicken Sie auf „Schlüssel hinzufügen“. "
        "Geben Sie eine Beschreibung ein (z. B. „ordersync“), wählen Sie einen Benutzer mit der Rolle Administrator "
        "oder Shop-Manager, und setzen Sie die Berechtigungen auf „Lesen/Schreiben“ (ordersync ändert Bestellstatus, "
        "schreibt Notizen und setzt Bestände). Klicken Sie auf „API-Schlüssel generieren“.",
    ),
    GuideStep(
        "Copy key and secret",
        "Copy the consumer key (ck_…) and the consumer secret (cs_…) into the fields below. WooCommerce "
        "shows the secret only once; if you lose it, revoke the key and create a new one.",
        "Schlüssel und Geheimnis kopieren",
        "Kopieren Sie den Consumer Key (ck_…) und das Consumer Secret (cs_…) in die Felder unten. WooCommerce zeigt "
        "das Secret nur einmal an; geht es verloren, widerrufen Sie den Schlüssel, und legen Sie einen neuen an.",
        settings=("consumer_key", "consumer_secret"),
    ),
    GuideStep(
        "Enter the shop URL",
        "Enter the address of your shop as visitors see it, e.g. https://www.my-shop.de. Use HTTPS: the key "
        "is then sent with HTTP Basic authentication over an encrypted connection. Plain http works too "
        "(requests are then signed with OAuth 1.0a, as WooCommerce requires) but the shop's data travels "
        "unencrypted.",
        "Shop-URL eintragen",
        "Tragen Sie die Adresse Ihres Shops ein, wie Besucher sie sehen, z. B. https://www.mein-shop.de. Nutzen Sie "
        "HTTPS: Der Schlüssel wird dann per HTTP-Basic-Authentifizierung über eine verschlüsselte Verbindung "
        "gesendet. Reines http funktioniert auch (Anfragen werden dann mit OAuth 1.0a signiert, wie WooCommerce es "
        "verlangt), die Shopdaten werden aber unverschlüsselt übertragen.",
        settings=("url", "verify_tls"),
    ),
    GuideStep(
        "Webhooks are set up for you",
        'ordersync creates the webhooks "order created" and "order updated" in your shop itself '
        "(visible under WooCommerce → Settings → Advanced → Webhooks), so new orders arrive within seconds. "
        "For that the hub needs a public address your shop can reach (the public URL in the hub's "
        "settings). Without it, orders are still fetched every minute by polling.",
        "Webhooks werden automatisch eingerichtet",
        "ordersync legt die Webhooks „Bestellung erstellt“ und „Bestellung aktualisiert“ selbst in Ihrem Shop an (zu "
        "sehen unter WooCommerce → Einstellungen → Erweitert → Webhooks), damit neue Bestellungen binnen Sekunden "
        "ankommen. Dafür braucht der Hub eine öffentliche Adresse, die Ihr Shop erreicht (die öffentliche URL in den "
        "Hub-Einstellungen). Ohne sie werden Bestellungen weiterhin jede Minute abgefragt.",
    ),
    GuideStep(
        "Make webhook delivery immediate",
        "By default WooCommerce does not send a webhook when the order changes but queues it for its "
        "background runner (Action Scheduler, started by WP-Cron on the next page visit or by a server cron "
        "job), so a webhook may arrive minutes late, in a quiet shop no sooner than the next poll. The "
        "connection page in ordersync shows the measured webhook delay. To send webhooks at once, add this "
        "line to a small plugin (e.g. wp-content/mu-plugins/ordersync-webhooks.php, starting with <?php) or "
        "with a code-snippets plugin: add_filter( 'woocommerce_webhook_deliver_async', '__return_false' ); "
        "The shop then sends the webhook while it saves the order, so that request waits for the hub's "
        "answer (usually well under a second). "
        "WooCommerce switches a webhook off after more than five failed deliveries in a row (e.g. while the "
        'hub was down); ordersync switches it on again at the next sync and shows "webhooks inactive" until then.',
        "Webhooks sofort zustellen",
        "WooCommerce schickt einen Webhook standardmäßig nicht sofort, sondern stellt ihn in seine "
        "Hintergrund-Warteschlange (Action Scheduler, angestoßen von WP-Cron beim nächsten Seitenaufruf oder von "
        "einem Cronjob des Servers). Ein Webhook kann daher Minuten später ankommen, in einem ruhigen Shop erst nach "
        "der nächsten Abfrage. Die Verbindungsseite in ordersync zeigt die gemessene Webhook-Verzögerung. Damit "
        "Webhooks sofort gesendet werden, fügen Sie diese Zeile in ein kleines Plugin (z. B. "
        "wp-content/mu-plugins/ordersync-webhooks.php, beginnend mit <?php) oder über ein Code-Snippets-Plugin ein: "
        "add_filter( 'woocommerce_webhook_deliver_async', '__return_false' ); Der Shop sendet den Webhook dann beim "
        "Speichern der Bestellung; diese Anfrage wartet also auf die Antwort des Hubs (meist deutlich unter einer "
        "Sekunde). WooCommerce schaltet einen Webhook nach mehr als fünf fehlgeschlagenen Zustellungen in Folge ab "
        "(z. B. während der Hub nicht lief); ordersync schaltet ihn beim nächsten Abgleich wieder ein und zeigt bis "
        "dahin „Webhooks inaktiv“.",
    ),
    GuideStep(
        "Tracking numbers and statuses",
        "Tracking numbers are added to the order as a note to the customer (WooCommerce e-mails it) and "
        'stored in the order field used by the "Shipment Tracking" and "Advanced Shipment Tracking" '
        "plugins. Check the status mapping if your shop uses custom order statuses.",
        "Sendungsnummern und Status",
        "Sendungsnummern werden der Bestellung als Kundennotiz hinzugefügt (WooCommerce schickt sie per E-Mail) und "
        "im Bestellfeld der Plugins „Shipment Tracking“ und „Advanced Shipment Tracking“ gespeichert. Prüfen Sie die "
        "Statuszuordnung, wenn Ihr Shop eigene Bestellstatus verwendet.",
        settings=("tracking_meta_key", "note_language", "status_map_import", "status_map_export"),
    ),
)

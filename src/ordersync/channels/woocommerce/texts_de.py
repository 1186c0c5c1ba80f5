"""German for the texts WooCommerce declares (settings help, choices, capability notes); the English text is
the key, as in the web UI's catalog. Labels declared before issue 20 are in the web UI's German catalog (web/ui/locale/de)."""

DE: dict[str, str] = {
    "WooCommerce status = ordersync state, e.g. 'on-hold=Confirmed,wc-awaiting-pickup=Packed'. "
    "Overrides the defaults for the statuses given.": "WooCommerce-Status = ordersync-Status, z. B. „on-hold=Confirmed,wc-awaiting-pickup=Packed“. Ersetzt die "
    "Standardzuordnung für die genannten Status.",
    "ordersync state = WooCommerce status, e.g. 'Packed=packed,Closed=' (empty: never push).": "ordersync-Status = WooCommerce-Status, z. B. „Packed=packed,Closed=“ (leer: nie an den Shop übertragen).",
    "Order meta field for tracking numbers. The default is the one read by the 'Shipment Tracking' and "
    "'Advanced Shipment Tracking' plugins. Set '-' to only add a note.": "Meta-Feld der Bestellung für Sendungsnummern. Voreingestellt ist das Feld, das die Plugins „Shipment "
    "Tracking“ und „Advanced Shipment Tracking“ lesen. Mit „-“ wird nur eine Notiz hinzugefügt.",
    "auto: HTTP Basic over https, OAuth 1.0a signatures over plain http (as WooCommerce requires). 'query' sends "
    "the key in the URL for https servers that drop the Authorization header; 'basic' over http only behind a "
    "TLS-terminating proxy.": "Automatisch: HTTP Basic über https, OAuth-1.0a-Signaturen über unverschlüsseltes http (wie WooCommerce "
    "es verlangt). „query“ sendet die Zugangsdaten in der URL, für https-Server, die den "
    "Authorization-Header verwerfen; „basic“ über http nur hinter einem Proxy, der TLS beendet.",
    "Parallel requests": "Parallele Anfragen",
    "Pages an import reads from the shop at the same time (1: one after another). WooCommerce sets no limit; "
    "lower it for a small shared host.": "So viele Seiten liest ein Import gleichzeitig vom Shop (1: eine nach der anderen). WooCommerce setzt "
    "keine Grenze; für ein kleines Shared Hosting einen kleineren Wert wählen.",
    "choice_auto": "automatisch",
    "choice_basic": "HTTP Basic",
    "choice_query": "Schlüssel in der URL",
    "choice_oauth1": "OAuth 1.0a",
    "choice_de": "Deutsch",
    "choice_en": "Englisch",
    "as a customer note, which WooCommerce e-mails": "als Kundennotiz, die WooCommerce per E-Mail verschickt",
    "customer note plus the order meta of the Shipment Tracking plugins": "Kundennotiz und das Meta-Feld der Bestellung, das die Shipment-Tracking-Plugins lesen",
}

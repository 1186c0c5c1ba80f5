"""German for the texts Textalk declares (settings labels and help, capability notes); the English text is the
key, as in the web UI's catalog."""

DE: dict[str, str] = {
    "Webshop ID": "Webshop-ID",
    "The number shown in the Textalk/Abicart admin at the top of the page, next to the shop's name.": "Die Nummer, die die Textalk-/Abicart-Verwaltung oben auf der Seite neben dem Namen des Shops zeigt.",
    "API key": "API-Schlüssel",
    "A persistent authentication token (Settings → External connections → API keys), sent as the API's 'auth' "
    "context parameter.": "Ein dauerhaftes Authentifizierungs-Token (Einstellungen → Externe Verbindungen → API-Schlüssel), das "
    "als Kontextparameter „auth“ der API gesendet wird.",
    "API endpoint": "API-Endpunkt",
    "The JSON-RPC address. The default is Textalk's; https://admin.abicart.se/backend/jsonrpc/v1 and "
    "https://<your shop>/backend/jsonrpc/v1 reach the same API.": "Die JSON-RPC-Adresse. Voreingestellt ist die von Textalk; https://admin.abicart.se/backend/jsonrpc/v1 und "
    "https://<Ihr Shop>/backend/jsonrpc/v1 erreichen dieselbe API.",
    "Two-letter code (e.g. de, sv) sent as the API's 'language' context; also the preferred language of texts "
    "Textalk keeps per language. Empty: the shop's default language.": "Zweibuchstabiger Sprachcode (z. B. de, sv), gesendet als Kontext „language“ der API; zugleich die "
    "bevorzugte Sprache für Texte, die Textalk je Sprache speichert. Leer: die Standardsprache des Shops.",
    "Textalk status = ordersync state, e.g. 'paid/unsent=Confirmed,discarded=Deleted'. A status is 'discarded' "
    "or '<payment status>/<delivery status>'.": "Textalk-Status = ordersync-Status, z. B. „paid/unsent=Confirmed,discarded=Deleted“. Ein Status ist "
    "„discarded“ oder „<Zahlungsstatus>/<Versandstatus>“.",
    "Batch API calls": "API-Aufrufe bündeln",
    "Send the item look-ups of a page as one JSON-RPC batch. Off by default: Textalk does not document batch "
    "support.": "Die Artikelabfragen einer Seite als einen JSON-RPC-Batch senden. Standardmäßig aus, weil Textalk "
    "Batches nicht dokumentiert.",
    "Orders per request": "Bestellungen pro Anfrage",
    "JSON-RPC Order.list by modification time": "JSON-RPC Order.list nach Änderungszeit",
}

"""German for the texts Shopware 5 declares (settings labels and help, capability notes); the English text is
the key, as in the web UI's catalog, which reads this file by its name."""

DE: dict[str, str] = {
    "Shop address": "Shop-Adresse",
    "The address of the shop without /api, e.g. https://shop.example.com.": "Die Adresse des Shops ohne /api, z. B. https://shop.example.com.",
    "API user name": "API-Benutzername",
    "The backend user whose API access is enabled.": "Der Backend-Benutzer, dessen API-Zugang aktiviert ist.",
    "API key": "API-Schlüssel",
    "The key shown under API access of that user.": "Der Schlüssel, der unter „API-Zugang“ dieses Benutzers steht.",
    "Status mapping (import)": "Status-Zuordnung (Import)",
    "Shopware order status = ordersync state, e.g. 'clarification_required=Reclamation'. "
    "Overrides the defaults for the statuses given.": "Shopware-Bestellstatus = ordersync-Status, z. B. „clarification_required=Reclamation“. "
    "Ersetzt die Vorgaben für die genannten Status.",
    "Status mapping (export)": "Status-Zuordnung (Export)",
    "ordersync state = Shopware status, e.g. 'Shipped=order:completely_delivered,"
    "Paid=payment:completely_paid,Packed=' (empty: never push).": "ordersync-Status = Shopware-Status, z. B. „Shipped=order:completely_delivered,"
    "Paid=payment:completely_paid,Packed=“ (leer: nie übertragen).",
    "Open orders re-read per poll": "Offene Bestellungen je Abruf neu lesen",
    "Orders in open statuses are re-read on every poll so that changes made in the shop "
    "arrive (Shopware 5 lists no change time). At most this many.": "Bestellungen in offenen Status werden bei jedem Abruf neu gelesen, damit Änderungen im Shop "
    "ankommen (Shopware 5 nennt keine Änderungszeit). Höchstens so viele.",
    "Orders per request": "Bestellungen pro Anfrage",
    "Timeout (seconds)": "Zeitlimit (Sekunden)",
    "new orders by order time, open orders re-read on every poll": "neue Bestellungen nach Bestellzeit, offene bei jedem Abruf neu gelesen",
    "order status or payment status (PUT /api/orders)": "Bestell- oder Zahlungsstatus (PUT /api/orders)",
    "the order's tracking code": "der Sendungscode der Bestellung",
    "inStock of the main detail or the variant": "Lagerbestand (inStock) des Hauptartikels oder der Variante",
}

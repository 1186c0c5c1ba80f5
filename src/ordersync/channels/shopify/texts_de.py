"""German for the texts Shopify declares (settings help, capability notes); the English text is the key, as
in the web UI's catalog. Labels declared before issue 20 are in the web UI's German catalog (web/ui/locale/de)."""

DE: dict[str, str] = {
    "The shop's myshopify.com address, e.g. https://my-shop.myshopify.com.": "Die myshopify.com-Adresse des Shops, z. B. https://mein-shop.myshopify.com.",
    "Starts with shpat_.": "Beginnt mit shpat_.",
    "The app's API secret key (client secret); Shopify signs webhooks with it.": "Der API-Geheimschlüssel der App (Client Secret); damit signiert Shopify die Webhooks.",
    "The Shopify location whose 'available' stock ordersync sets, e.g. gid://shopify/Location/123 or 123. "
    "Needed for stock pushes only.": "Der Shopify-Standort, dessen verfügbaren Bestand ordersync setzt, z. B. gid://shopify/Location/123 oder "
    "123. Nur nötig, wenn ordersync Bestände an Shopify übertragen soll.",
    "Shopify's quarterly API version (YYYY-MM). Each is supported for at least a year.": "Die vierteljährliche API-Version von Shopify (JJJJ-MM). Jede wird mindestens ein Jahr lang unterstützt.",
    "Shopify status = ordersync state, e.g. 'partially_fulfilled=Shipped,authorized=Paid'. Keys: cancelled, "
    "returned, refunded, closed, the fulfilment and the financial status in lower case.": "Shopify-Status = ordersync-Status, z. B. „partially_fulfilled=Shipped,authorized=Paid“. Schlüssel: "
    "cancelled, returned, refunded, closed sowie der Ausführungs- und der Zahlungsstatus in Kleinbuchstaben.",
    "ordersync state = Shopify action (cancel, close, open, mark_paid; empty: nothing), e.g. "
    "'Closed=close,Shipped='.": "ordersync-Status = Shopify-Aktion (cancel, close, open, mark_paid; leer: keine), z. B. "
    "„Closed=close,Shipped=“.",
    "Fetch the whole order history once with one bulk operation instead of page by page.": "Die gesamte Bestellhistorie einmalig mit einem Massenvorgang abrufen statt Seite für Seite.",
    "cancel, close, re-open, mark as paid": "stornieren, schließen, wieder öffnen, als bezahlt markieren",
    "as a fulfilment with tracking info": "als Ausführung (Fulfillment) mit Sendungsnummer",
    "'available' quantity at one location": "verfügbare Menge an einem Standort",
}

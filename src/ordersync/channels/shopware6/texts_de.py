"""German for the texts Shopware 6 declares (settings labels and help, capability notes); the English text is
the key, as in the web UI's catalog, which reads this file by its name."""

DE: dict[str, str] = {
    "Shop address": "Shop-Adresse",
    "The address of the shop, e.g. https://shop.example.com (without /admin or /api).": "Die Adresse des Shops, z. B. https://shop.example.com (ohne /admin oder /api).",
    "Access key ID": "Access-Key-ID",
    "The integration's access key ID, starts with SWIA.": "Die Access-Key-ID der Integration, beginnt mit SWIA.",
    "Secret access key": "Secret-Access-Key",
    "The integration's secret access key, shown only when the integration is created.": "Der Secret-Access-Key der Integration; Shopware zeigt ihn nur beim Anlegen der Integration.",
    "App shop secret (webhooks)": "Shop-Secret der App (Webhooks)",
    "Only for webhooks: the shop secret of the app whose webhooks point at ordersync. Without it ordersync "
    "polls only.": "Nur für Webhooks: das Shop-Secret der App, deren Webhooks an ordersync gehen. Ohne es fragt "
    "ordersync nur regelmäßig ab.",
    "App ID (webhooks)": "App-ID (Webhooks)",
    "Only for webhooks: the id of that app in Shopware (32 hex digits).": "Nur für Webhooks: die ID dieser App in Shopware (32 Hexadezimalziffern).",
    "Status mapping (import)": "Status-Zuordnung (Import)",
    "Shopware state = ordersync state, e.g. 'order_delivery:shipped_partially=Shipped'. Entities: order, "
    "order_delivery, order_transaction.": "Shopware-Status = ordersync-Status, z. B. 'order_delivery:shipped_partially=Versendet'. Entitäten: "
    "order, order_delivery, order_transaction.",
    "Status mapping (export)": "Status-Zuordnung (Export)",
    "ordersync state = Shopware entity:state, e.g. 'Paid=order_transaction:paid,Closed=' (empty: never push).": "ordersync-Status = Shopware-Entität:Status, z. B. 'Bezahlt=order_transaction:paid,Abgeschlossen=' "
    "(leer: nie übertragen).",
    "Orders per request": "Bestellungen pro Anfrage",
    "Timeout (seconds)": "Zeitlimit (Sekunden)",
    "Parallel requests": "Parallele Anfragen",
    "Pages an import reads from the shop at the same time (1: one after another). Shopware sets no limit for "
    "the Admin API; lower it for a small host.": "So viele Seiten liest ein Import gleichzeitig vom Shop (1: eine nach der "
    "anderen). Shopware setzt für die Admin-API keine Grenze; für ein kleines Hosting einen kleineren Wert wählen.",
    "Admin API order search by modification time; app webhooks": "Bestellsuche der Admin-API nach Änderungszeit; App-Webhooks",
    "order, delivery and payment state machines": "Statusmaschinen von Bestellung, Lieferung und Zahlung",
    "delivery tracking codes; ship, or ship_partially for a part (Shopware keeps no line quantities)": "Sendungsnummern der Lieferung; „versendet“ oder für einen Teil „teilweise versendet“ (Shopware speichert "
    "keine Mengen pro Position)",
    "bulk through the sync API, variants by product number": "gebündelt über die Sync-API, Varianten über die Produktnummer",
}

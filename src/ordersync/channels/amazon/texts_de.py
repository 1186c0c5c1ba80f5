"""German for the texts Amazon declares (settings labels and help, capability notes); the English text is
the key, as in the web UI's catalog, which reads this file by its name."""

DE: dict[str, str] = {
    "Shop address": "Shop-Adresse",
    "The address of the shop, e.g. https://shop.example.com.": "Die Adresse des Shops, z. B. https://shop.example.com.",
    "API token": "API-Token",
    "A read-only API token created in the shop's admin.":
        "Ein API-Token nur zum Lesen, angelegt in der Verwaltung des Shops.",
    "Orders per request": "Bestellungen pro Anfrage",
    "Timeout (seconds)": "Zeitlimit (Sekunden)",
    "REST order list by modification time": "REST-Bestellliste nach Änderungszeit",
}

"""German for the texts PrestaShop declares (settings labels and help, capability notes); the English text is
the key, as in the web UI's catalog, which reads this file by its name."""

DE: dict[str, str] = {
    "Shop address": "Shop-Adresse",
    "The address of the shop, e.g. https://www.my-shop.de (without /api).": "Die Adresse des Shops, z. B. https://www.mein-shop.de (ohne /api).",
    "Webservice key": "Webservice-Schlüssel",
    "The 32-character key from Advanced Parameters > Webservice.": "Der 32-stellige Schlüssel aus Erweiterte Parameter > Webservice.",
    "Shop time zone": "Zeitzone des Shops",
    "The time zone set under International > Localization (PrestaShop stores order dates in it), e.g. "
    "Europe/Berlin.": "Die unter International > Lokalisierung eingestellte Zeitzone (PrestaShop speichert die Bestelldaten "
    "darin), z. B. Europe/Berlin.",
    "Status mapping (import)": "Statuszuordnung (Import)",
    "PrestaShop order state id = ordersync state, e.g. '3=Packed,14=Shipped'. Overrides the defaults for the "
    "states given.": "ID des PrestaShop-Bestellstatus = ordersync-Status, z. B. '3=Packed,14=Shipped'. Ersetzt die "
    "Voreinstellung für die genannten Status.",
    "Status mapping (export)": "Statuszuordnung (Export)",
    "ordersync state = PrestaShop order state id, e.g. 'Shipped=4,Closed=' (empty: never push).": "ordersync-Status = ID des PrestaShop-Bestellstatus, z. B. 'Shipped=4,Closed=' (leer: nie übertragen).",
    "E-mail the buyer on status changes": "Käufer bei Statusänderungen per E-Mail benachrichtigen",
    "PrestaShop then sends the e-mail of the new order state (if the state has one), as the back office does.": "PrestaShop verschickt dann die E-Mail des neuen Bestellstatus (falls er eine hat), wie im Backoffice.",
    "Employee id for messages": "Mitarbeiter-ID für Nachrichten",
    "The back-office employee (Advanced Parameters > Team) that messages and status changes are written as; 1 is "
    "the shop's first administrator.": "Der Backoffice-Mitarbeiter (Erweiterte Parameter > Team), in dessen Namen Nachrichten und "
    "Statusänderungen geschrieben werden; 1 ist der erste Administrator des Shops.",
    "Orders per request": "Bestellungen pro Anfrage",
    "Timeout (seconds)": "Zeitlimit (Sekunden)",
    "Parallel requests": "Parallele Anfragen",
    "Pages an import reads from the shop at the same time (1: one after another). PrestaShop sets no limit; "
    "lower it for a small shared host.": "So viele Seiten liest ein Import gleichzeitig vom Shop (1: eine nach der anderen). PrestaShop setzt "
    "keine Grenze; für ein kleines Shared Hosting einen kleineren Wert wählen.",
    "webservice order list by date_upd": "Webservice-Bestellliste nach date_upd",
    "as a new order history entry": "als neuer Eintrag im Bestellverlauf",
    "tracking number of the order carrier": "Sendungsnummer beim Versanddienst der Bestellung",
    "as a message in the order's customer thread": "als Nachricht im Kundenverlauf der Bestellung",
    "stock_availables per product and combination": "stock_availables je Produkt und Kombination",
}

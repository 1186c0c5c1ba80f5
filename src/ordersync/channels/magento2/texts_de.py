"""German for the texts Magento 2 / Adobe Commerce declares (setting labels and help, choices, capability
notes); the English text is the key, as in the web UI's catalog, which reads this file by its name."""

DE: dict[str, str] = {
    "Shop address": "Shop-Adresse",
    "The address of the shop, e.g. https://shop.example.com (without /rest or /admin).": "Die Adresse des Shops, z. B. https://shop.example.com (ohne /rest oder /admin).",
    "Authentication": "Anmeldung",
    "oauth1: every request is signed with the four integration credentials (works in every shop). bearer: only "
    "the access token is sent; works only where the shop allows integration tokens as bearer tokens (off by "
    "default since Magento 2.4.4).": "oauth1: Jede Anfrage wird mit den vier Zugangsdaten der Integration signiert (funktioniert in jedem "
    "Shop). bearer: Nur der Access Token wird gesendet; das geht nur, wenn der Shop Integrations-Tokens als "
    "Bearer-Token erlaubt (seit Magento 2.4.4 standardmäßig aus).",
    "choice_oauth1": "OAuth 1.0a (signiert)",
    "choice_bearer": "Bearer-Token",
    "Consumer key": "Consumer Key",
    "Consumer secret": "Consumer Secret",
    "Access token": "Access Token",
    "Access token secret": "Access Token Secret",
    "Store view code": "Store-Code",
    "The store code in the REST address (/rest/<code>/V1/...); 'default' unless told otherwise.": "Der Store-Code in der REST-Adresse (/rest/<code>/V1/...); „default“, sofern nicht anders angegeben.",
    "Status actions": "Statusaktionen",
    "ordersync state = Magento action (cancel, invoice, hold, unhold), e.g. 'Reclamation=hold,Confirmed=unhold'; "
    "'Paid=' switches one off. Default: Cancelled=cancel, Paid=invoice.": "ordersync-Status = Magento-Aktion (cancel, invoice, hold, unhold), z. B. "
    "„Reclamation=hold,Confirmed=unhold“; „Paid=“ schaltet eine ab. Standard: Cancelled=cancel, "
    "Paid=invoice.",
    "Stock model": "Bestandsmodell",
    "auto: Multi-Source Inventory when the shop has it, else the classic stock items.": "auto: Multi-Source Inventory, wenn der Shop es hat, sonst der klassische Lagerbestand.",
    "choice_auto": "automatisch",
    "choice_msi": "Multi-Source Inventory",
    "choice_legacy": "klassischer Lagerbestand",
    "Inventory source": "Bestandsquelle",
    "The MSI source whose quantities ordersync sets (Stores → Sources).": "Die MSI-Quelle, deren Mengen ordersync setzt (Shops → Quellen).",
    "Orders per request": "Bestellungen pro Anfrage",
    "Timeout (seconds)": "Zeitlimit (Sekunden)",
    "Parallel requests": "Parallele Anfragen",
    "Pages an import reads from the shop at the same time (1: one after another). Magento sets no limit for "
    "its REST API; lower it for a small host.": "So viele Seiten liest ein Import gleichzeitig vom Shop (1: eine nach der "
    "anderen). Magento setzt für seine REST-API keine Grenze; für ein kleines Hosting einen kleineren Wert wählen.",
    "REST order list by modification time": "REST-Bestellliste nach Änderungszeit",
    "simple and virtual products by SKU": "einfache und virtuelle Produkte nach SKU",
    "cancel, invoice, hold and unhold (configurable)": "stornieren, Rechnung erstellen, anhalten und freigeben (einstellbar)",
    "a Magento shipment per parcel, with its lines and tracking number": "eine Magento-Lieferung pro Paket, mit ihren Positionen und der Sendungsnummer",
    "as an order comment that Magento e-mails to the buyer": "als Bestellkommentar, den Magento dem Käufer per E-Mail schickt",
    "Multi-Source Inventory or classic stock items (detected)": "Multi-Source Inventory oder klassischer Lagerbestand (erkannt)",
}

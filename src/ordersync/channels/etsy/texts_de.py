"""German for the texts Etsy declares (settings labels and help, capability notes); the English text is
the key, as in the web UI's catalog, which reads this file by its name."""

DE: dict[str, str] = {
    "Keystring": "Keystring",
    "The keystring of your Etsy app (Your Apps on etsy.com/developers).": "Der Keystring Ihrer Etsy-App („Your Apps“ auf etsy.com/developers).",
    "Shared secret": "Shared Secret",
    "The shared secret of the same app; Etsy wants it with every request.": "Das Shared Secret derselben App; Etsy verlangt es bei jeder Anfrage.",
    "Refresh token": "Refresh-Token",
    "Only if you authorised the app yourself: its refresh token. Otherwise leave it empty and authorise on Etsy.": "Nur wenn Sie die App selbst autorisiert haben: ihr Refresh-Token. Sonst leer lassen und bei Etsy "
    "autorisieren.",
    "Shop ID": "Shop-ID",
    "Leave empty to use the shop of the Etsy account that authorises ordersync.": "Leer lassen, um den Shop des Etsy-Kontos zu verwenden, das ordersync autorisiert.",
    "Receipts per request": "Bestellungen pro Anfrage",
    "1 to 100 (Etsy's maximum).": "1 bis 100 (Höchstwert bei Etsy).",
    "Timeout (seconds)": "Zeitlimit (Sekunden)",
    "API address": "API-Adresse",
    "Etsy's API; change it only for a test system.": "Die API von Etsy; nur für ein Testsystem ändern.",
    "Consent address": "Adresse der Freigabe",
    "Where Etsy asks you to allow access; change it only for a test system.": "Wo Etsy Sie fragt, ob Sie den Zugriff erlauben; nur für ein Testsystem ändern.",
    "Webhook signing secret": "Signing Secret der Webhooks",
    "Only for a commercial app with webhooks: the signing secret (whsec_...) Etsy's webhook portal shows for the "
    "endpoint you added with ordersync's webhook address. Empty: orders are polled only.": "Nur für eine kommerzielle App mit Webhooks: das Signing Secret (whsec_...), das das Webhook-Portal von "
    "Etsy für den Endpunkt zeigt, den Sie mit der Webhook-Adresse von ordersync angelegt haben. Leer: "
    "Bestellungen werden nur abgerufen.",
    "receipts by modification time; ORDER_PAID webhooks where the app has them": "Bestellungen (Receipts) nach Änderungszeit; ORDER_PAID-Webhooks, wo die App sie hat",
    "listings with their inventory": "Angebote mit ihrem Bestand",
    "receipt shipment with tracking code and carrier": "Versand der Bestellung mit Sendungsnummer und Versanddienst",
    "listing inventory, only the changed quantities": "Bestand des Angebots, nur die geänderten Mengen",
}

"""German for every text the eBay declaration shows a seller."""

DE = {
    "RuName (eBay redirect URL name)": "RuName (Name der eBay-Weiterleitungsadresse)",
    "The RuName of the application; its accept URL must be ordersync's callback address.":
        "Der RuName der Anwendung; ihre Accept-URL muss die Rückrufadresse von ordersync sein.",
    "Reason for cancellations": "Grund für Stornierungen",
    "What eBay is told when the hub cancels an order (a comment naming one of these wins).":
        "Was eBay mitgeteilt wird, wenn der Hub eine Bestellung storniert (ein Kommentar, der einen dieser Gründe "
        "nennt, hat Vorrang).",
    "choice_OUT_OF_STOCK_OR_CANNOT_FULFILL": "Nicht vorrätig oder nicht lieferbar",
    "choice_BUYER_ASKED_CANCEL": "Käufer hat um Stornierung gebeten",
    "choice_ADDRESS_ISSUES": "Probleme mit der Lieferadresse",
    "cancellation only (Post-Order API, whole orders, with the seller's reason)":
        "nur Stornierung (Post-Order API, ganze Bestellungen, mit dem Grund des Verkäufers)",
    "choice_EBAY_DE": "eBay Deutschland",
    "choice_EBAY_AT": "eBay Österreich",
    "choice_EBAY_CH": "eBay Schweiz",
    "choice_EBAY_GB": "eBay Großbritannien",
    "choice_EBAY_US": "eBay USA",
    "choice_EBAY_FR": "eBay Frankreich",
    "choice_EBAY_IT": "eBay Italien",
    "choice_EBAY_ES": "eBay Spanien",
    "choice_EBAY_NL": "eBay Niederlande",
    "choice_EBAY_CA": "eBay Kanada",
    "choice_EBAY_AU": "eBay Australien",
    "Marketplace": "Marktplatz",
    "The eBay site the account sells on.": "Die eBay-Seite, auf der das Konto verkauft.",
    "App ID (client id)": "App ID (Client-ID)",
    "From the eBay developer portal, Application Keys.": "Aus dem eBay-Entwicklerportal, Application Keys.",
    "Cert ID (client secret)": "Cert ID (Client-Secret)",
    "User refresh token": "Benutzer-Refresh-Token",
    "Optional: a user refresh token created in the developer portal instead of the consent.":
        "Optional: ein im Entwicklerportal erzeugtes Benutzer-Refresh-Token statt der Zustimmung.",
    "Notification verification token": "Prüf-Token für Benachrichtigungen",
    "32 to 80 letters, digits, _ or -; the same as entered at eBay for the marketplace-account-deletion endpoint. "
    "Left empty, one is generated.":
        "32 bis 80 Buchstaben, Ziffern, _ oder -; dasselbe wie bei eBay für den Endpunkt zur Kontolöschung "
        "eingetragen. Bleibt es leer, wird eines erzeugt.",
    "API address": "API-Adresse",
    "https://api.ebay.com, or https://api.sandbox.ebay.com for eBay's sandbox.":
        "https://api.ebay.com, oder https://api.sandbox.ebay.com für die Sandbox von eBay.",
    "Consent address": "Adresse der Zustimmung",
    "https://auth.ebay.com, or https://auth.sandbox.ebay.com for eBay's sandbox.":
        "https://auth.ebay.com, oder https://auth.sandbox.ebay.com für die Sandbox von eBay.",
    "Signing key: public key as JWE": "Signaturschlüssel: öffentlicher Schlüssel als JWE",
    "EU/UK sellers: 'jwe' from eBay's Key Management API (createSigningKey).":
        "Verkäufer in EU/UK: 'jwe' aus der Key Management API von eBay (createSigningKey).",
    "Signing key: private key": "Signaturschlüssel: privater Schlüssel",
    "EU/UK sellers: 'privateKey' from the same createSigningKey answer.":
        "Verkäufer in EU/UK: 'privateKey' aus derselben Antwort von createSigningKey.",
    "Orders per request": "Bestellungen pro Anfrage",
    "Timeout (seconds)": "Zeitlimit (Sekunden)",
    "Sell Fulfillment getOrders by modification time; ORDER_CONFIRMATION notifications":
        "Sell Fulfillment getOrders nach Änderungszeit; ORDER_CONFIRMATION-Benachrichtigungen",
    "Inventory API items": "Artikel der Inventory API",
    "shipping fulfilments per line item and quantity": "Versandmeldungen je Position und Menge",
    "Inventory API bulk update, Trading ReviseInventoryStatus for other listings":
        "Sammelaktualisierung der Inventory API, Trading ReviseInventoryStatus für andere Angebote",
    "Commerce Message API, in the buyer's conversation": "Commerce Message API, in der Unterhaltung mit dem Käufer",
}

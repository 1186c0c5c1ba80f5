"""German for the texts Amazon declares (settings labels and help, choices, capability notes); the English
text is the key, as in the web UI's catalog, which reads this file by its name."""

DE: dict[str, str] = {
    "Region": "Region",
    "EU: Europe, UK, Turkey, Middle East, India; NA: USA, Canada, Mexico, Brazil; FE: Japan, Australia, Singapore.": "EU: Europa, Vereinigtes Königreich, Türkei, Naher Osten, Indien; NA: USA, Kanada, Mexiko, Brasilien; "
    "FE: Japan, Australien, Singapur.",
    "choice_EU": "Europa (EU)",
    "choice_NA": "Nordamerika (NA)",
    "choice_FE": "Ferner Osten (FE)",
    "Marketplaces": "Marktplätze",
    "Short codes of the marketplaces to serve, separated by commas, e.g. DE,FR,IT,ES,UK.": "Kürzel der Marktplätze, die der Hub bedienen soll, durch Kommas getrennt, z. B. DE,FR,IT,ES,UK.",
    "Merchant token (seller ID)": "Händlerkennung (Verkäufer-ID)",
    "Seller Central → Settings → Account Info → Merchant Token.": "Seller Central → Einstellungen → Informationen zum Verkäuferkonto → Händlerkennung.",
    "LWA client ID": "LWA-Client-ID",
    "From Seller Central → Apps and Services → Develop Apps → your app → LWA credentials.": "Aus Seller Central → Apps und Services → Apps entwickeln → Ihre App → LWA-Zugangsdaten.",
    "LWA client secret": "LWA-Client-Geheimnis",
    "Refresh token (self-authorised app)": "Aktualisierungstoken (selbst autorisierte App)",
    "Only for a private app you authorised yourself in Develop Apps (starts with Atzr|). Leave empty to authorise "
    "through Seller Central's consent page.": "Nur für eine private App, die Sie unter „Apps entwickeln“ selbst autorisiert haben (beginnt mit Atzr|). Leer "
    "lassen, um über die Zustimmungsseite von Seller Central zu autorisieren.",
    "App ID (for the consent page)": "App-ID (für die Zustimmungsseite)",
    "The app's ID from Develop Apps (amzn1.sp.solution…), used for the consent page.": "Die ID der App aus Apps entwickeln (amzn1.sp.solution…), für die Zustimmungsseite.",
    "API endpoint": "API-Endpunkt",
    "Leave empty: the region's Selling Partner API endpoint is used.": "Leer lassen: Der Selling-Partner-API-Endpunkt der Region wird verwendet.",
    "LWA token endpoint": "LWA-Token-Endpunkt",
    "Seller Central address": "Adresse von Seller Central",
    "Where the consent page is: sellercentral-europe.amazon.com (EU), sellercentral.amazon.com (NA).": "Wo die Zustimmungsseite liegt: sellercentral-europe.amazon.com (EU), sellercentral.amazon.com (NA).",
    "Orders per request": "Bestellungen pro Anfrage",
    "Days to import on the first run": "Tage, die beim ersten Lauf eingelesen werden",
    "Stock changes sent as one feed from": "Bestandsänderungen als ein Feed ab",
    "Fewer changes at once go one by one; this many or more go as one JSON_LISTINGS_FEED.": "Weniger Änderungen auf einmal gehen einzeln; so viele oder mehr gehen als ein JSON_LISTINGS_FEED.",
    "Timeout (seconds)": "Zeitlimit (Sekunden)",
    "getOrders by last update, two minutes behind Amazon's lag; addresses via Restricted Data Token": "getOrders nach letzter Änderung, zwei Minuten hinter Amazons Verzögerung; Adressen über Restricted Data Token",
    "searchListingsItems, linked by SKU": "searchListingsItems, über die SKU verknüpft",
    "confirmShipment per package with its items; not for FBA orders": "confirmShipment je Paket mit seinen Positionen; nicht für FBA-Bestellungen",
    "patchListingsItem for single changes, JSON_LISTINGS_FEED for many": "patchListingsItem für einzelne Änderungen, JSON_LISTINGS_FEED für viele",
    "Buyer messages go as": "Nachrichten an Käufer gehen als",
    "Amazon takes no free messages, only these templates, and only where it allows them for the order. A message "
    "whose subject names another type goes as that type.": "Amazon nimmt keine freien Nachrichten, nur diese Vorlagen, und nur, wo es sie für die Bestellung erlaubt. "
    "Eine Nachricht, deren Betreff einen anderen Typ nennt, geht als dieser Typ.",
    "choice_confirmDeliveryDetails": "Lieferdetails bestätigen",
    "choice_confirmOrderDetails": "Bestelldetails bestätigen",
    "choice_unexpectedProblem": "Unerwartetes Problem",
    "choice_confirmCustomizationDetails": "Personalisierung bestätigen",
    "choice_confirmServiceDetails": "Servicedetails bestätigen",
    "choice_digitalAccessKey": "Digitaler Zugangsschlüssel",
    "only the message types Amazon allows for the order (no free chat, no attachments); sent at most once": "nur die Nachrichtentypen, die Amazon für die Bestellung erlaubt (kein freier Chat, keine Anhänge); "
    "höchstens einmal gesendet",
    "Reason for cancellations": "Grund für Stornierungen",
    "Amazon wants a reason with every cancellation by the seller. A comment that names another reason code (e.g. "
    "BuyerCanceled) uses that one.": "Amazon verlangt bei jeder Stornierung durch den Verkäufer einen Grund. Ein Kommentar, der einen anderen "
    "Grundcode nennt (z. B. BuyerCanceled), verwendet diesen.",
    "choice_NoInventory": "Kein Bestand",
    "choice_ShippingAddressUndeliverable": "Lieferadresse nicht zustellbar",
    "choice_CustomerExchange": "Umtausch",
    "choice_BuyerCanceled": "Vom Käufer storniert",
    "choice_GeneralAdjustment": "Allgemeine Anpassung",
    "cancellation only, as an order acknowledgement feed with a reason code; no other status goes to Amazon": "nur Stornierung, als Bestellbestätigungs-Feed mit Grundcode; kein anderer Status geht an Amazon",
}

"""Amazon's settings and the set-up guide (German and English, click by click)."""

from __future__ import annotations

from ordersync.channels.sdk.guide import GuideStep
from ordersync.channels.sdk.settings import CA_BUNDLE, VERIFY_TLS, SettingField, SettingsSchema

from .marketplaces import LWA_TOKEN_URL

SETTINGS = SettingsSchema(
    (
        SettingField(
            "region",
            "Region",
            "choice",
            choices=("EU", "NA", "FE"),
            default="EU",
            help="EU: Europe, UK, Turkey, Middle East, India; NA: USA, Canada, Mexico, Brazil; FE: Japan, "
            "Australia, Singapore.",
        ),
        SettingField(
            "marketplaces",
            "Marketplaces",
            default="DE",
            help="Short codes of the marketplaces to serve, separated by commas, e.g. DE,FR,IT,ES,UK.",
        ),
        SettingField(
            "seller_id", "Merchant token (seller ID)", help="Seller Central → Settings → Account Info → Merchant Token."
        ),
        SettingField(
            "client_id",
            "LWA client ID",
            help="From Seller Central → Apps and Services → Develop Apps → your app → LWA credentials.",
        ),
        SettingField("client_secret", "LWA client secret", secret=True),
        SettingField(
            "refresh_token",
            "Refresh token (self-authorised app)",
            secret=True,
            required=False,
            help="Only for a private app you authorised yourself in Develop Apps (starts with Atzr|). "
            "Leave empty to authorise through Seller Central's consent page.",
        ),
        SettingField(
            "application_id",
            "App ID (for the consent page)",
            required=False,
            default="",
            help="The app's ID from Develop Apps (amzn1.sp.solution…), used for the consent page.",
        ),
        SettingField(
            "endpoint",
            "API endpoint",
            "url",
            required=False,
            default="",
            help="Leave empty: the region's Selling Partner API endpoint is used.",
        ),
        SettingField("lwa_token_url", "LWA token endpoint", "url", required=False, default=LWA_TOKEN_URL),
        SettingField(
            "seller_central_url",
            "Seller Central address",
            "url",
            required=False,
            default="https://sellercentral-europe.amazon.com",
            help="Where the consent page is: sellercentral-europe.amazon.com (EU), sellercentral.amazon.com (NA).",
        ),
        SettingField("page_size", "Orders per request", "int", required=False, default=100),
        SettingField("backfill_days", "Days to import on the first run", "int", required=False, default=14),
        SettingField(
            "feed_threshold",
            "Stock changes sent as one feed from",
            "int",
            required=False,
            default=20,
            help="Fewer changes at once go one by one; this many or more go as one JSON_LISTINGS_FEED.",
        ),
        SettingField(
            "message_type",
            "Buyer messages go as",
            "choice",
            required=False,
            default="confirmDeliveryDetails",
            choices=(
                "confirmDeliveryDetails",
                "confirmOrderDetails",
                "unexpectedProblem",
                "confirmCustomizationDetails",
                "confirmServiceDetails",
                "digitalAccessKey",
            ),
            help="Amazon takes no free messages, only these templates, and only where it allows them for "
            "the order. A message whose subject names another type goes as that type.",
        ),
        SettingField(
            "cancel_reason",
            "Reason for cancellations",
            "choice",
            required=False,
            default="NoInventory",
            choices=(
                "NoInventory",
                "ShippingAddressUndeliverable",
                "CustomerExchange",
                "BuyerCanceled",
                "GeneralAdjustment",
            ),
            help="Amazon wants a reason with every cancellation by the seller. A comment that names another "
            "reason code (e.g. BuyerCanceled) uses that one.",
        ),
        SettingField("timeout", "Timeout (seconds)", "int", required=False, default=30),
        VERIFY_TLS,
        CA_BUNDLE,
    )
)

GUIDE = (
    GuideStep(
        "Create the app in Seller Central",
        "In Seller Central open Apps and Services → Develop Apps and click Add new app client. Choose the "
        "API type SP API and tick the roles Inventory and Order Tracking, Product Listing, Buyer "
        "Communication (for messages to buyers) and, to receive buyer addresses, Direct-to-Consumer "
        "Shipping (a restricted role Amazon grants on request). Save, "
        "click View next to LWA credentials and copy the client ID and the client secret.",
        "App in Seller Central anlegen",
        "Öffnen Sie in Seller Central Apps und Services → Apps entwickeln, und klicken Sie auf Neuen App-Client "
        "hinzufügen. Wählen Sie den API-Typ SP API, und kreuzen Sie die Rollen Bestands- und Bestellverfolgung, "
        "Produktlisting, Käuferkommunikation (für Nachrichten an Käufer) und – für Käuferadressen – "
        "Versand direkt an Kunden an (eine eingeschränkte Rolle, "
        "die Amazon auf Antrag vergibt). Speichern Sie, klicken Sie bei LWA-Zugangsdaten auf Anzeigen, und kopieren Sie "
        "Client-ID und Client-Geheimnis.",
        settings=("client_id", "client_secret"),
    ),
    GuideStep(
        "Authorise the hub",
        "Either click Authorise: the hub opens Seller Central's consent page, you click Confirm and come "
        "back here. Or, for your own private app, click Authorize app next to the app in Develop Apps, "
        "then Authorize, and paste the refresh token (Atzr|…) into the field below.",
        "Hub autorisieren",
        "Klicken Sie entweder auf Autorisieren: Der Hub öffnet die Zustimmungsseite von Seller Central, Sie "
        "klicken auf Bestätigen und kommen hierher zurück. Oder, für Ihre eigene private App, klicken Sie in "
        "Apps entwickeln neben der App auf App autorisieren, dann auf Autorisieren, und fügen Sie das "
        "Aktualisierungstoken (Atzr|…) unten ein.",
        settings=("refresh_token", "application_id", "seller_central_url"),
    ),
    GuideStep(
        "Region, marketplaces and merchant token",
        "Choose the region of your seller account and the marketplaces to serve (e.g. DE,FR,IT). Your "
        "merchant token is in Seller Central under Settings → Account Info → Merchant Token.",
        "Region, Marktplätze und Händlerkennung",
        "Wählen Sie die Region Ihres Verkäuferkontos und die Marktplätze, die der Hub bedienen soll (z. B. "
        "DE,FR,IT). Ihre Händlerkennung steht in Seller Central unter Einstellungen → Informationen zum "
        "Verkäuferkonto → Händlerkennung.",
        settings=("region", "marketplaces", "seller_id"),
    ),
    GuideStep(
        "How often the hub asks Amazon",
        "Amazon delivers order notifications only to AWS (SQS or EventBridge), which a self-hosted hub "
        "cannot receive, so the hub asks every two minutes. getOrders allows one request a minute with a "
        "burst of 20 and returns 100 orders per request: enough for thousands of orders a day. Orders "
        "appear about two minutes late because Amazon's lists lag by that much.",
        "Wie oft der Hub Amazon fragt",
        "Amazon stellt Bestellbenachrichtigungen nur an AWS zu (SQS oder EventBridge), was ein selbst "
        "betriebener Hub nicht empfangen kann; der Hub fragt daher alle zwei Minuten. getOrders erlaubt "
        "eine Anfrage pro Minute mit einem Vorrat von 20 und liefert 100 Bestellungen je Anfrage: genug für "
        "Tausende Bestellungen am Tag. Bestellungen erscheinen etwa zwei Minuten später, weil Amazons "
        "Listen so weit nachlaufen.",
        settings=("page_size", "backfill_days", "feed_threshold"),
    ),
    GuideStep(
        "Messages to buyers",
        "Amazon takes no free messages: choose the template buyer messages go as (e.g. delivery details); "
        "the hub sends it only where Amazon allows that template for the order, and a message whose "
        "subject names another template (e.g. unexpectedProblem) goes as that one. A message whose answer "
        "is lost is never sent again by itself: check it in Seller Central under Buyer Messages, then "
        "retry or discard it in the hub's dead letters.",
        "Nachrichten an Käufer",
        "Amazon nimmt keine freien Nachrichten: Wählen Sie die Vorlage, als die Nachrichten an Käufer gehen "
        "(z. B. Lieferdetails); der Hub sendet sie nur, wo Amazon diese Vorlage für die Bestellung erlaubt, "
        "und eine Nachricht, deren Betreff eine andere Vorlage nennt (z. B. unexpectedProblem), geht als "
        "diese. Eine Nachricht, deren Antwort verloren ging, sendet der Hub nie von selbst erneut: Prüfen Sie "
        "sie in Seller Central unter Käufernachrichten, und wiederholen oder verwerfen Sie sie dann in den "
        "unzustellbaren Einträgen des Hubs.",
        settings=("message_type",),
    ),
    GuideStep(
        "Cancellations",
        "To cancel an order, set it to Cancelled in the hub: the hub sends Amazon a cancellation with the "
        "reason you choose here, or with another reason code the comment names (e.g. BuyerCanceled). Only "
        "Pending and Unshipped orders you ship yourself can be cancelled this way; cancel FBA orders in "
        "Seller Central. No other status goes to Amazon: shipping goes as a shipment confirmation, the rest "
        "Amazon sets itself. Amazon takes 15 feeds at once, then one every two minutes; the hub shows the "
        "cancellation as done once Amazon shows the order as cancelled.",
        "Stornierungen",
        "Um eine Bestellung zu stornieren, setzen Sie sie im Hub auf Storniert: Der Hub sendet Amazon eine "
        "Stornierung mit dem Grund, den Sie hier wählen, oder mit einem anderen Grundcode, den der "
        "Kommentar nennt (z. B. BuyerCanceled). So lassen sich nur ausstehende und unversandte Bestellungen "
        "stornieren, die Sie selbst versenden; FBA-Bestellungen stornieren Sie in Seller Central. Kein "
        "anderer Status geht an Amazon: Der Versand geht als Versandbestätigung, den Rest setzt Amazon "
        "selbst. Amazon nimmt 15 Feeds auf einmal an, danach einen alle zwei Minuten; der Hub zeigt die "
        "Stornierung als erledigt, sobald Amazon die Bestellung als storniert zeigt.",
        settings=("cancel_reason",),
    ),
)

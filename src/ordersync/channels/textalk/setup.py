"""What a seller enters to connect a Textalk (Abicart) webshop, and the steps to get it, in German and English."""

from __future__ import annotations

from ..sdk.guide import GuideStep
from ..sdk.settings import CA_BUNDLE, VERIFY_TLS, SettingField, SettingsSchema
from .client import DEFAULT_ENDPOINT

SETTINGS = SettingsSchema(
    (
        SettingField(
            "webshop",
            "Webshop ID",
            "int",
            help="The number shown in the Textalk/Abicart admin at the top of the page, next to the shop's name.",
        ),
        SettingField(
            "auth_token",
            "API key",
            secret=True,
            help="A persistent authentication token (Settings → External connections → API keys), sent as "
            "the API's 'auth' context parameter.",
        ),
        SettingField(
            "endpoint",
            "API endpoint",
            "url",
            required=False,
            default=DEFAULT_ENDPOINT,
            help="The JSON-RPC address. The default is Textalk's; https://admin.abicart.se/backend/jsonrpc/v1 "
            "and https://<your shop>/backend/jsonrpc/v1 reach the same API.",
        ),
        SettingField(
            "language",
            "Language",
            required=False,
            default="",
            help="Two-letter code (e.g. de, sv) sent as the API's 'language' context; also the preferred "
            "language of texts Textalk keeps per language. Empty: the shop's default language.",
        ),
        SettingField(
            "status_map_import",
            "Status mapping (import)",
            "mapping",
            required=False,
            default={},
            help="Textalk status = ordersync state, e.g. 'paid/unsent=Confirmed,discarded=Deleted'. A status "
            "is 'discarded' or '<payment status>/<delivery status>'.",
        ),
        SettingField(
            "batch",
            "Batch API calls",
            "bool",
            required=False,
            default=False,
            help="Send the item look-ups of a page as one JSON-RPC batch. Off by default: Textalk does not "
            "document batch support.",
        ),
        SettingField("page_size", "Orders per request", "int", required=False, default=100),
        SettingField("timeout", "Timeout (seconds)", "int", required=False, default=30),
        VERIFY_TLS,
        CA_BUNDLE,
    )
)

GUIDE = (
    GuideStep(
        "Find the webshop ID",
        "Log in to the Textalk/Abicart admin. The webshop ID is the number shown at the top of the page next "
        "to the shop's name. Enter it below.",
        "Webshop-ID finden",
        "Melden Sie sich in der Textalk-/Abicart-Verwaltung an. Die Webshop-ID ist die Nummer oben auf der Seite "
        "neben dem Namen des Shops. Tragen Sie sie unten ein.",
        settings=("webshop",),
    ),
    GuideStep(
        "Create an API key",
        "In the Abicart admin go to Settings → External connections → API keys (Inställningar → Externa "
        'kopplingar → API-nycklar) and create a key, e.g. named "ordersync", following the instructions on '
        "screen. This is a persistent authentication token, meant for integrations; a login token (valid for "
        "24 hours) would stop working after a day. The key carries administrator rights for the whole "
        "webshop and Textalk offers no narrower permission, so keep it only here; if it leaks, deactivate it "
        "in the same place. ordersync only reads orders with it and never changes anything in Textalk.",
        "API-Schlüssel anlegen",
        "Öffnen Sie in der Abicart-Verwaltung Einstellungen → Externe Verbindungen → API-Schlüssel (Inställningar → "
        "Externa kopplingar → API-nycklar), und legen Sie einen Schlüssel an, z. B. mit dem Namen „ordersync“, wie "
        "auf dem Bildschirm beschrieben. Das ist ein dauerhaftes Authentifizierungs-Token für Integrationen; ein "
        "Login-Token (24 Stunden gültig) würde nach einem Tag nicht mehr funktionieren. Der Schlüssel hat "
        "Administratorrechte für den ganzen Webshop, eine engere Berechtigung bietet Textalk nicht: Bewahren Sie ihn "
        "nur hier auf, und deaktivieren Sie ihn dort, falls er in falsche Hände gerät. ordersync liest damit nur "
        "Bestellungen und ändert nichts in Textalk.",
        settings=("auth_token",),
    ),
    GuideStep(
        "Endpoint and language",
        "Keep the default endpoint unless Abicart told you another one. Set a language if texts kept per "
        "language should be taken in a particular one; otherwise the shop's default language is used.",
        "Endpunkt und Sprache",
        "Behalten Sie den voreingestellten Endpunkt, solange Abicart Ihnen keinen anderen nennt. Setzen Sie eine "
        "Sprache, wenn mehrsprachige Texte in einer bestimmten Sprache übernommen werden sollen; sonst gilt die "
        "Standardsprache des Shops.",
        settings=("endpoint", "language"),
    ),
    GuideStep(
        "Order statuses",
        "Textalk marks an order as paid or unpaid, sent or unsent, and discarded. ordersync maps them: "
        "discarded → Cancelled, sent → Shipped, paid → Paid, otherwise Ordered. Change the mapping if you "
        "work differently. Status and tracking are not written back to Textalk.",
        "Bestellstatus",
        "Textalk kennzeichnet Bestellungen als bezahlt oder unbezahlt, als versendet oder nicht versendet und als "
        "verworfen. ordersync ordnet zu: verworfen → Storniert, versendet → Versendet, bezahlt → Bezahlt, sonst "
        "Bestellt. Passen Sie die Zuordnung an, wenn Sie anders arbeiten. Status und Sendungsnummern werden nicht an "
        "Textalk zurückgeschrieben.",
        settings=("status_map_import",),
    ),
)

"""What a seller enters for a CSV connection, and the steps to get the file, in German and English."""

from __future__ import annotations

from ...config import csv_max_megabytes
from ..sdk.guide import GuideStep
from ..sdk.settings import CA_BUNDLE, VERIFY_TLS, SettingField, SettingsSchema
from .profiles import PRESETS

SETTINGS = SettingsSchema(
    (
        SettingField(
            "url",
            "File URL (optional)",
            "url",
            required=False,
            default="",
            help="Where the platform publishes its order export, fetched on every poll (e.g. Avocadostore's "
            "automatic export, yatego's order CSV). Leave empty to upload files by hand.",
        ),
        SettingField(
            "url_password",
            "Password or token for the URL",
            required=False,
            default="",
            secret=True,
            help="Sent as HTTP Basic password with the user name below, if the URL needs one.",
        ),
        SettingField("url_user", "User name for the URL", required=False, default=""),
        SettingField(
            "profile",
            "Column profile",
            "choice",
            required=False,
            default="ordersync",
            choices=tuple(PRESETS),
            help="ordersync: columns named like our fields (see docs/csv-import.md); a platform preset "
            "knows the columns its documentation confirms.",
        ),
        SettingField(
            "column_map",
            "Column mapping",
            required=False,
            default="",
            help="Your columns for our fields, one 'field=column' per line or a JSON object, e.g. "
            "'order_number=Bestellnummer'. Overrides the profile; 'field=' switches a column off.",
        ),
        SettingField(
            "status_map",
            "Status mapping",
            "mapping",
            required=False,
            default={},
            help="The file's status = ordersync state, e.g. 'versendet=Shipped,offen=Ordered'.",
        ),
        SettingField("timezone", "Time zone of times without offset", required=False, default="Europe/Berlin"),
        SettingField("currency", "Currency when the file names none", required=False, default="EUR"),
        SettingField(
            "encoding",
            "Encoding",
            required=False,
            default="auto",
            help="auto detects UTF-8 (with or without BOM) and Windows-1252; or name one, e.g. cp1252.",
        ),
        SettingField(
            "delimiter",
            "Field delimiter",
            "choice",
            required=False,
            default="auto",
            choices=("auto", "semicolon", "comma", "tab", "pipe", "tilde"),
        ),
        SettingField(
            "decimal_separator",
            "Decimal separator",
            "choice",
            required=False,
            default="auto",
            choices=("auto", ",", "."),
            help="auto reads 1.234,56 and 1,234.56; set it when amounts like 1.234 mean one thousand.",
        ),
        SettingField(
            "date_format",
            "Date format (optional)",
            required=False,
            default="",
            help="A strptime format for dates that are neither ISO 8601 nor German (27.11.2026 14:05), "
            "e.g. %m/%d/%Y %I:%M %p.",
        ),
        SettingField(
            "skip_duplicates",
            "Skip duplicate order numbers",
            "bool",
            required=False,
            default=True,
            help="On upload, orders already imported on this connection are skipped, not updated.",
        ),
        SettingField(
            "max_megabytes",
            "Largest file (MB)",
            "int",
            required=False,
            default=20,
            maximum=csv_max_megabytes,
            maximum_source="the operator's ORDERSYNC_CSV_MAX_MEGABYTES",
        ),
        SettingField("timeout", "Timeout (seconds)", "int", required=False, default=30),
        VERIFY_TLS,
        CA_BUNDLE,
    )
)

GUIDE = (
    GuideStep(
        "Export your orders as CSV",
        "In your shop's admin, export the orders as a CSV file (Jimdo: Shop → Orders → export as CSV; "
        "Avocadostore: Importe & Exporte → Bestelldaten; other platforms: their order export). One row per "
        "ordered item is fine: rows with the same order number become one order.",
        "Bestellungen als CSV exportieren",
        "Exportieren Sie die Bestellungen in der Verwaltung Ihres Shops als CSV-Datei (Jimdo: Shop → Bestellungen → "
        "als CSV exportieren; Avocadostore: Importe & Exporte → Bestelldaten; andere Plattformen: ihr "
        "Bestellexport). Eine Zeile je Artikel ist in Ordnung: Zeilen mit derselben Bestellnummer werden zu einer "
        "Bestellung.",
    ),
    GuideStep(
        "Choose the column profile",
        "Pick the preset of your platform if there is one, else 'ordersync'. Map every column whose name "
        "differs from our field names under 'Column mapping', one per line, e.g. order_number=Bestellnummer, "
        "created_at=Bestelldatum. Run a dry run first: it shows what would be imported and every row that "
        "would be rejected, with the reason.",
        "Spaltenprofil wählen",
        "Wählen Sie die Vorlage Ihrer Plattform, falls es eine gibt, sonst „ordersync“. Ordnen Sie unter "
        "„Spaltenzuordnung“ jede Spalte zu, deren Name von unseren Feldnamen abweicht, eine je Zeile, z. B. "
        "order_number=Bestellnummer, created_at=Bestelldatum. Machen Sie zuerst einen Probelauf: Er zeigt, was "
        "importiert würde, und jede Zeile, die abgelehnt würde, mit dem Grund.",
        settings=("profile", "column_map", "status_map"),
    ),
    GuideStep(
        "Check dates, amounts and encoding",
        "Times without a time zone are read in the time zone you set (default Europe/Berlin). Amounts may "
        "use a decimal comma (1.234,56). Encoding and delimiter are detected; set them only if the dry run "
        "shows garbled umlauts or a single column.",
        "Datum, Beträge und Zeichensatz prüfen",
        "Zeiten ohne Zeitzone werden in der eingestellten Zeitzone gelesen (Standard Europe/Berlin). Beträge dürfen "
        "ein Dezimalkomma haben (1.234,56). Zeichensatz und Trennzeichen werden erkannt; stellen Sie sie nur ein, "
        "wenn der Probelauf verstümmelte Umlaute oder nur eine Spalte zeigt.",
        settings=("timezone", "currency", "encoding", "delimiter", "decimal_separator", "date_format"),
    ),
    GuideStep(
        "Upload, or let ordersync fetch the file",
        "Upload a file with `ordersync import csv FILE --connection NAME` (or in the web interface). If your "
        "platform publishes the export at a URL, enter it: ordersync fetches it on every poll, only downloads "
        "it again when it changed, and refuses addresses inside your own network.",
        "Hochladen oder von ordersync abholen lassen",
        "Laden Sie eine Datei mit `ordersync import csv DATEI --connection NAME` hoch (oder in der Weboberfläche). "
        "Stellt Ihre Plattform den Export unter einer URL bereit, tragen Sie sie ein: ordersync holt sie bei jedem "
        "Abruf, lädt sie nur nach einer Änderung neu und lehnt Adressen im eigenen Netz ab.",
        settings=("url", "url_user", "url_password", "skip_duplicates", "max_megabytes", "timeout"),
    ),
)

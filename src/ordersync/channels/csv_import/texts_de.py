"""German for the texts the CSV import declares (settings labels, help and choices, capability notes); the
English text is the key, as in the web UI's catalog."""

DE: dict[str, str] = {
    "File URL (optional)": "Datei-URL (optional)",
    "Where the platform publishes its order export, fetched on every poll (e.g. Avocadostore's automatic "
    "export, yatego's order CSV). Leave empty to upload files by hand.": "Die Adresse, unter der die Plattform ihren Bestellexport bereitstellt; ordersync holt ihn bei jedem Abruf "
    "(z. B. der automatische Export von Avocadostore, die Bestell-CSV von yatego). Leer lassen, wenn Sie Dateien "
    "von Hand hochladen.",
    "Password or token for the URL": "Passwort oder Token für die URL",
    "Sent as HTTP Basic password with the user name below, if the URL needs one.": "Wird zusammen mit dem Benutzernamen unten als HTTP-Basic-Passwort gesendet, falls die URL eines "
    "verlangt.",
    "User name for the URL": "Benutzername für die URL",
    "Column profile": "Spaltenprofil",
    "ordersync: columns named like our fields (see docs/csv-import.md); a platform preset knows the columns its "
    "documentation confirms.": "ordersync: Spalten, die wie unsere Felder heißen (siehe docs/csv-import.md); die Vorlage einer "
    "Plattform kennt die Spalten, die deren Dokumentation belegt.",
    "choice_ordersync": "ordersync",
    "choice_avocadostore": "Avocadostore",
    "Column mapping": "Spaltenzuordnung",
    "Your columns for our fields, one 'field=column' per line or a JSON object, e.g. "
    "'order_number=Bestellnummer'. Overrides the profile; 'field=' switches a column off.": "Ihre Spalten für unsere Felder, eine Zuordnung „Feld=Spalte“ je Zeile oder ein JSON-Objekt, z. B. "
    "„order_number=Bestellnummer“. Hat Vorrang vor dem Profil; „Feld=“ schaltet eine Spalte ab.",
    "Status mapping": "Statuszuordnung",
    "The file's status = ordersync state, e.g. 'versendet=Shipped,offen=Ordered'.": "Status in der Datei = ordersync-Status, z. B. „versendet=Shipped,offen=Ordered“.",
    "Time zone of times without offset": "Zeitzone für Zeiten ohne Zeitzonenangabe",
    "Currency when the file names none": "Währung, wenn die Datei keine nennt",
    "Encoding": "Zeichensatz",
    "auto detects UTF-8 (with or without BOM) and Windows-1252; or name one, e.g. cp1252.": "„Automatisch“ erkennt UTF-8 (mit oder ohne BOM) und Windows-1252; oder geben Sie einen an, z. B. cp1252.",
    "Field delimiter": "Trennzeichen",
    "choice_auto": "automatisch",
    "choice_semicolon": "Semikolon (;)",
    "choice_comma": "Komma (,)",
    "choice_tab": "Tabulator",
    "choice_pipe": "senkrechter Strich (|)",
    "choice_tilde": "Tilde (~)",
    "Decimal separator": "Dezimaltrennzeichen",
    "auto reads 1.234,56 and 1,234.56; set it when amounts like 1.234 mean one thousand.": "„Automatisch“ liest 1.234,56 und 1,234.56; stellen Sie es ein, wenn Beträge wie 1.234 eintausend bedeuten.",
    "choice_,": "Komma (1.234,56)",
    "choice_.": "Punkt (1,234.56)",
    "Date format (optional)": "Datumsformat (optional)",
    "A strptime format for dates that are neither ISO 8601 nor German (27.11.2026 14:05), e.g. "
    "%m/%d/%Y %I:%M %p.": "Ein strptime-Format für Datumsangaben, die weder ISO 8601 noch deutsch (27.11.2026 14:05) sind, z. B. "
    "%m/%d/%Y %I:%M %p.",
    "Skip duplicate order numbers": "Doppelte Bestellnummern überspringen",
    "On upload, orders already imported on this connection are skipped, not updated.": "Beim Hochladen werden Bestellungen, die über diese Verbindung schon importiert wurden, übersprungen "
    "statt aktualisiert.",
    "Largest file (MB)": "Größte Datei (MB)",
    "uploaded by hand, or fetched from the platform's export URL on every poll": "von Hand hochgeladen oder bei jedem Abruf von der Export-URL der Plattform geholt",
}

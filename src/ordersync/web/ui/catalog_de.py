"""German texts of the web UI, keyed by their English message id (see i18n.py). Informal "du", as in the
connectors' setup guides."""

DE: dict[str, str] = {
    # an order's history (web/ui/history.py reads the engine's English lines back into these)
    "imported ({status})": "importiert ({status})",
    "updated from channel": "vom Kanal aktualisiert",
    "state {old} → {new} ({status}) from channel": "Status {old} → {new} ({status}) vom Kanal",
    "state {old} → {new}": "Status {old} → {new}",
    "shipment {carrier} {tracking}": "Sendung {carrier} {tracking}",
    "lines cancelled: {lines} ({reason})": "Positionen storniert: {lines} ({reason})",
    "lines cancelled: {lines}": "Positionen storniert: {lines}",
    "the channel {system} takes no line cancellations: cancel the lines there too":
        "Der Kanal {system} nimmt keine Stornierungen einzelner Positionen an: storniere die Positionen auch dort",
    "accepted (queued for the channel)": "angenommen (an den Kanal unterwegs)",
    "rejected: {reason} (queued for the channel)": "abgelehnt: {reason} (an den Kanal unterwegs)",
    "message by e-mail: {subject}": "Nachricht per E-Mail: {subject}",
    "message: {subject}": "Nachricht: {subject}",
    "{kind} mail queued: {subject}": "E-Mail ({kind}) wartet auf Versand: {subject}",
    "no {kind} mail: the buyer's e-mail address is unknown":
        "keine E-Mail ({kind}): die E-Mail-Adresse des Käufers ist unbekannt",
    "no {kind} mail: the order's connection was removed":
        "keine E-Mail ({kind}): die Verbindung der Bestellung wurde gelöscht",
    "{kind} mail to {to}: {subject}": "E-Mail ({kind}) an {to}: {subject}",
    "tags {tags}": "Tags {tags}",
    "forward to {target} queued (by hand)": "Weiterleitung an {target} vorgemerkt (von Hand)",
    "forward to {target} queued (by rule {rule})": "Weiterleitung an {target} vorgemerkt (durch Regel {rule})",
    "forwarded to {target}: {detail}": "weitergeleitet an {target}: {detail}",
    "forward to {target} failed after {n} attempt(s): {error}":
        "Weiterleitung an {target} nach {n} Versuch(en) gescheitert: {error}",
    "forward mail to {to} ({target}), CSV and PDF attached":
        "Weiterleitung per E-Mail an {to} ({target}), mit CSV und PDF",
    "oversold: not enough stock for {skus}": "überverkauft: nicht genug Bestand für {skus}",
    "mail_message": "Nachricht",
    "mail_state": "Status",
    "mail_tracking": "Versand",
    "mail_forward": "Weiterleitung",
    # users of the account (owners only)
    "Users": "Benutzer",
    "Only the account's owner can manage its users.": "Nur der Inhaber des Kontos kann seine Benutzer verwalten.",
    "Who can log in to the account “{name}”, and what they may do.":
        "Wer sich im Konto „{name}“ anmelden kann, und was er darf.",
    "{email} can now log in.": "{email} kann sich jetzt anmelden.",
    "Their first password, shown only now. Hand it over safely; they change it under Account:":
        "Das erste Passwort, nur jetzt angezeigt. Gib es sicher weiter; geändert wird es unter Konto:",
    "E-mail": "E-Mail",
    "you": "du",
    "Role of {email}": "Rolle von {email}",
    "Remove {email}? They can no longer log in, and their API keys stop working.":
        "{email} entfernen? Die Anmeldung ist dann nicht mehr möglich, und die API-Schlüssel funktionieren nicht mehr.",
    "Remove": "Entfernen",
    "Add a user": "Benutzer hinzufügen",
    "Owners manage users and shop connections; staff work on orders and stock; read-only users only look.":
        "Inhaber verwalten Benutzer und Shop-Verbindungen, Mitarbeiter bearbeiten Bestellungen und Bestände, "
        "Nur-lesen-Benutzer sehen nur zu.",
    "First password": "Erstes Passwort",
    "Leave empty to have one made up and shown once.": "Leer lassen, dann wird eines erzeugt und einmal angezeigt.",
    "Add user": "Benutzer hinzufügen",
    "A user with this e-mail address exists already.": "Es gibt schon einen Benutzer mit dieser E-Mail-Adresse.",
    "Enter a valid e-mail address.": "Gib eine gültige E-Mail-Adresse ein.",
    "Choose a role.": "Wähle eine Rolle.",
    "The role of {email} was changed.": "Die Rolle von {email} wurde geändert.",
    "{email} can no longer log in.": "{email} kann sich nicht mehr anmelden.",
    "You cannot remove yourself. Ask another owner.": "Du kannst dich nicht selbst entfernen. Bitte einen anderen Inhaber darum.",
    "The password must not begin or end with spaces.": "Das Passwort darf nicht mit Leerzeichen beginnen oder enden.",
    "The account needs at least one owner.": "Das Konto braucht mindestens einen Inhaber.",
    "The account's last owner cannot be removed.": "Der letzte Inhaber des Kontos kann nicht entfernt werden.",
    # navigation and general
    "Main menu": "Hauptmenü",
    "Orders": "Bestellungen",
    "Articles": "Artikel",
    "Settings": "Einstellungen",
    "Settings / Shops": "Einstellungen / Shops",
    "Shops": "Shops",
    "Account": "Konto",
    "Switch language": "Sprache wechseln",
    "Log in": "Anmelden",
    "Log out": "Abmelden",
    "Error": "Fehler",
    "Not found": "Nicht gefunden",
    "Not allowed": "Nicht erlaubt",
    "That did not work": "Das hat nicht geklappt",
    "That did not work:": "Das hat nicht geklappt:",
    "Back to the start page": "Zurück zur Startseite",
    "Save": "Speichern",
    "Cancel": "Abbrechen",
    "Delete": "Löschen",
    "Search": "Suchen",
    "Filter": "Filtern",
    "Refresh": "Aktualisieren",
    "Add": "Hinzufügen",
    "Select": "Auswählen",
    "Select all": "Alle auswählen",
    "Previous": "Zurück",
    "Next": "Weiter",
    "Per page": "Pro Seite",
    "Page {page} of {pages}": "Seite {page} von {pages}",
    "yes": "ja",
    "no": "nein",
    "never": "nie",
    "required": "Pflichtfeld",
    "to": "bis",
    "{age} ago": "vor {age}",
    "{n} s": "{n} s",
    "{n} min": "{n} Min.",
    "{n} h": "{n} Std.",
    "{n} days": "{n} Tagen",
    # login and account
    "One inbox for all your shops and marketplaces.": "Ein Posteingang für alle deine Shops und Marktplätze.",
    "E-mail address": "E-Mail-Adresse",
    "Password": "Passwort",
    "E-mail address or password is wrong.": "E-Mail-Adresse oder Passwort ist falsch.",
    "Too many failed attempts. Please wait {n} seconds and try again.":
        "Zu viele Fehlversuche. Bitte warte {n} Sekunden und versuche es dann erneut.",
    "Unknown language.": "Unbekannte Sprache.",
    "Role": "Rolle",
    "role_owner": "Inhaber",
    "role_staff": "Mitarbeiter",
    "role_readonly": "Nur lesen",
    "Change password": "Passwort ändern",
    "Current password": "Aktuelles Passwort",
    "New password": "Neues Passwort",
    "New password again": "Neues Passwort wiederholen",
    "At least 10 characters.": "Mindestens 10 Zeichen.",
    "The two new passwords differ.": "Die beiden neuen Passwörter stimmen nicht überein.",
    "Choose a password of at least 10 characters.": "Wähle ein Passwort mit mindestens 10 Zeichen.",
    "Your password was changed.": "Dein Passwort wurde geändert.",
    "The current password is not correct.": "Das aktuelle Passwort ist nicht richtig.",
    "The new password is the same as the current one.": "Das neue Passwort ist dasselbe wie das aktuelle.",
    "Language": "Sprache",
    "Language of the web app": "Sprache der Web-App",
    "API keys": "API-Schlüssel",
    "Programs use an API key to work with your orders through the REST API (header “Authorization: Bearer KEY”). "
    "A key acts with your role.":
        "Programme nutzen einen API-Schlüssel, um über die REST-API mit deinen Bestellungen zu arbeiten (Header "
        "„Authorization: Bearer SCHLÜSSEL“). Ein Schlüssel handelt mit deiner Rolle.",
    "Your new API key. Copy it now: it is shown only once.":
        "Dein neuer API-Schlüssel. Kopiere ihn jetzt: Er wird nur dieses eine Mal angezeigt.",
    "Label": "Bezeichnung",
    "Key begins with": "Schlüssel beginnt mit",
    "Created": "Erstellt",
    "Last used": "Zuletzt benutzt",
    "Revoke": "Widerrufen",
    "Revoke this key? Programs using it stop working.":
        "Diesen Schlüssel widerrufen? Programme, die ihn benutzen, funktionieren dann nicht mehr.",
    "You have no API keys.": "Du hast keine API-Schlüssel.",
    "Label, e.g. Warehouse system": "Bezeichnung, z. B. Lagersystem",
    "Create API key": "API-Schlüssel erstellen",
    "The API key was revoked.": "Der API-Schlüssel wurde widerrufen.",
    # permissions and generic errors
    "This page does not exist, or it belongs to another account.":
        "Diese Seite gibt es nicht, oder sie gehört zu einem anderen Konto.",
    "This form has expired or was not sent from ordersync. Reload the page and try again.":
        "Dieses Formular ist abgelaufen oder kam nicht von ordersync. Lade die Seite neu und versuche es erneut.",
    "Your role can only read. Ask the account's owner if you need to change something.":
        "Deine Rolle darf nur lesen. Bitte den Inhaber des Kontos, wenn du etwas ändern musst.",
    "Only the account's owner can change shop connections.":
        "Nur der Inhaber des Kontos kann Shop-Verbindungen ändern.",
    "Something went wrong on our side. The error was logged; please try again.":
        "Bei uns ist etwas schiefgegangen. Der Fehler wurde protokolliert; bitte versuche es erneut.",
    "The channel asks us to slow down. Try again in a minute.":
        "Der Kanal bittet uns, langsamer zu machen. Versuche es in einer Minute erneut.",
    "The channel did not accept the access data. Check key and secret and their permissions.":
        "Der Kanal hat die Zugangsdaten nicht akzeptiert. Prüfe Schlüssel, Geheimnis und deren Berechtigungen.",
    "The channel does not know this record (any more).": "Der Kanal kennt diesen Datensatz nicht (mehr).",
    "The channel could not be reached. Check the address, or try again in a few minutes.":
        "Der Kanal war nicht erreichbar. Prüfe die Adresse oder versuche es in ein paar Minuten erneut.",
    "The channel refused the request.": "Der Kanal hat die Anfrage abgelehnt.",
    "A setting is missing or not valid.": "Eine Einstellung fehlt oder ist ungültig.",
    "Enter both the carrier and the tracking number.": "Gib Versanddienstleister und Sendungsnummer an.",
    "The message is empty.": "Die Nachricht ist leer.",
    "This order's channel cannot receive messages.": "Der Kanal dieser Bestellung kann keine Nachrichten empfangen.",
    # shops list
    "Every shop and marketplace connected to ordersync, with how its sync is doing.":
        "Alle mit ordersync verbundenen Shops und Marktplätze und wie ihr Abgleich läuft.",
    "New": "Neu",
    "No shop connected yet": "Noch kein Shop verbunden",
    "Connect your first shop or marketplace: choose the system, follow the guide, test, save. Orders arrive a few "
    "seconds later.":
        "Verbinde deinen ersten Shop oder Marktplatz: System wählen, der Anleitung folgen, testen, speichern. "
        "Wenige Sekunden später kommen die Bestellungen an.",
    "Connect a shop": "Shop verbinden",
    "Connection": "Verbindung",
    "Status": "Status",
    "Last successful sync": "Letzter erfolgreicher Abgleich",
    "Lag": "Rückstand",
    "Waiting to send": "Warten auf Versand",
    "Dead letters": "Unzustellbare Änderungen",
    "Paused": "Pausiert",
    "paused": "pausiert",
    "Waiting for first sync": "Wartet auf ersten Abgleich",
    "Needs attention": "Braucht Aufmerksamkeit",
    "Running": "Läuft",
    # chooser
    "New connection": "Neue Verbindung",
    "Which system do you want to connect? Step 1 of 3: choose the system; then follow the guide and test the "
    "connection.":
        "Welches System möchtest du verbinden? Schritt 1 von 3: System wählen; danach folgst du der Anleitung und "
        "testest die Verbindung.",
    "Search systems, e.g. WooCommerce": "Systeme suchen, z. B. WooCommerce",
    "Search systems": "Systeme suchen",
    "Marketplaces": "Marktplätze",
    "Shop systems": "Shopsysteme",
    "ERP systems": "Warenwirtschaft (ERP)",
    "Files and e-mail": "Dateien und E-Mail",
    "No system in this group yet.": "In dieser Gruppe gibt es noch kein System.",
    "No match in this group.": "Kein Treffer in dieser Gruppe.",
    "No system matches your search.": "Kein System passt zu deiner Suche.",
    "Some connector plugins could not be loaded:": "Einige Connector-Plugins konnten nicht geladen werden:",
    # setup
    "Connect {name}": "{name} verbinden",
    "Step 2 of 3: follow the guide and fill in the fields. Step 3: test the connection and save.":
        "Schritt 2 von 3: Folge der Anleitung und fülle die Felder aus. Schritt 3: Verbindung testen und speichern.",
    "Name, test and save": "Benennen, testen und speichern",
    "Name of the connection": "Name der Verbindung",
    "Shown in the order list, e.g. “Online shop DE”.": "Erscheint in der Bestellliste, z. B. „Onlineshop DE“.",
    "More settings (optional)": "Weitere Einstellungen (optional)",
    "When you save, ordersync registers its webhooks in the shop, so new orders arrive within seconds.":
        "Beim Speichern richtet ordersync seine Webhooks im Shop ein, damit neue Bestellungen binnen Sekunden "
        "ankommen.",
    "For your safety, secret fields are never sent back to the browser: enter them again before saving.":
        "Zu deiner Sicherheit werden geheime Felder nie an den Browser zurückgeschickt: Gib sie vor dem Speichern "
        "erneut ein.",
    "Test connection": "Verbindung testen",
    "Testing the connection…": "Verbindung wird getestet…",
    "Save connection": "Verbindung speichern",
    "stored – leave empty to keep": "gespeichert – leer lassen, um es zu behalten",
    "one per line: key=value": "eine pro Zeile: schlüssel=wert",
    "This field is required.": "Dieses Feld ist ein Pflichtfeld.",
    "Enter an address that starts with https:// (or http://).":
        "Gib eine Adresse ein, die mit https:// (oder http://) beginnt.",
    "Enter a whole number.": "Gib eine ganze Zahl ein.",
    "Choose one of the options.": "Wähle eine der Möglichkeiten.",
    "Choose yes or no.": "Wähle ja oder nein.",
    "Write one pair per line as key=value (not: {bad}).": "Schreibe ein Paar pro Zeile als schlüssel=wert (nicht: {bad}).",
    "Please correct the marked fields.": "Bitte korrigiere die markierten Felder.",
    "Connection works.": "Die Verbindung funktioniert.",
    "The connection does not work yet.": "Die Verbindung funktioniert noch nicht.",
    "Give the connection a name.": "Gib der Verbindung einen Namen.",
    "The name is too long (at most 100 characters).": "Der Name ist zu lang (höchstens 100 Zeichen).",
    "You already have a connection with this name.": "Du hast schon eine Verbindung mit diesem Namen.",
    "The connection {name} was saved. The first import starts within a few seconds.":
        "Die Verbindung {name} wurde gespeichert. Der erste Import beginnt in wenigen Sekunden.",
    "Webhooks could not be set up, so new orders arrive by regular polling instead. {detail}":
        "Webhooks konnten nicht eingerichtet werden; neue Bestellungen werden stattdessen regelmäßig abgefragt. "
        "{detail}",
    # connection page
    "Overview and properties": "Übersicht und Eigenschaften",
    "Sync log": "Abgleichsprotokoll",
    "Sync now": "Jetzt abgleichen",
    "Pause": "Pausieren",
    "Resume": "Fortsetzen",
    "Next poll": "Nächste Abfrage",
    "Last error": "Letzter Fehler",
    "Properties": "Eigenschaften",
    "Check for new orders every … seconds": "Alle … Sekunden nach neuen Bestellungen sehen",
    "Save changes": "Änderungen speichern",
    "Capabilities": "Funktionen",
    "Webhook address": "Webhook-Adresse",
    "The shop sends new orders here at once.": "Hierhin schickt der Shop neue Bestellungen sofort.",
    "Recent syncs": "Letzte Abgleiche",
    "Full sync log": "Ganzes Abgleichsprotokoll",
    "No sync yet.": "Noch kein Abgleich.",
    "Started": "Begonnen",
    "Kind": "Art",
    "Result": "Ergebnis",
    "Changed": "Geändert",
    "Read": "Gelesen",
    "Quarantined": "Zurückgestellt",
    "OK": "OK",
    "Failed": "Fehlgeschlagen",
    "run_orders": "Bestellungen",
    "run_articles": "Artikel",
    "run_webhook": "Webhook",
    "run_dispatch": "Versand an den Kanal",
    "Every import, webhook batch and delivery run of this connection, newest first.":
        "Jeder Import, jeder Webhook-Stapel und jede Übermittlung dieser Verbindung, die neuesten zuerst.",
    "Enter a number of seconds between 10 and 86400.": "Gib eine Anzahl Sekunden zwischen 10 und 86400 ein.",
    "The changes were saved.": "Die Änderungen wurden gespeichert.",
    "The connection is paused: nothing is imported or sent until you resume it.":
        "Die Verbindung ist pausiert: Bis du sie fortsetzt, wird nichts importiert oder gesendet.",
    "The connection runs again.": "Die Verbindung läuft wieder.",
    "This connection is paused. Resume it to sync.": "Diese Verbindung ist pausiert. Setze sie fort, um abzugleichen.",
    # delete
    "Delete connection": "Verbindung löschen",
    "Delete the connection {name}?": "Die Verbindung {name} löschen?",
    "ordersync stops importing from this channel and removes its webhooks there. Its {n} orders stay in "
    "ordersync, with their history.":
        "ordersync importiert nicht mehr aus diesem Kanal und entfernt dort seine Webhooks. Die {n} Bestellungen "
        "bleiben mit ihrem Verlauf in ordersync.",
    "{n} changes are still waiting to be sent; they will not be sent.":
        "{n} Änderungen warten noch auf den Versand; sie werden nicht mehr gesendet.",
    "Type the name of the connection to confirm:": "Gib zur Bestätigung den Namen der Verbindung ein:",
    "Type the connection's name to confirm the deletion.": "Gib den Namen der Verbindung ein, um das Löschen zu bestätigen.",
    "The connection {name} was deleted. Its orders stay in ordersync.":
        "Die Verbindung {name} wurde gelöscht. Ihre Bestellungen bleiben in ordersync.",
    "The webhooks in the shop could not be removed; delete them there by hand. {detail}":
        "Die Webhooks im Shop konnten nicht entfernt werden; lösche sie dort von Hand. {detail}",
    # sync progress
    "Syncing {name}": "{name} wird abgeglichen",
    "Waiting for a worker to start the sync…": "Warte darauf, dass ein Worker den Abgleich startet…",
    "Importing orders…": "Bestellungen werden importiert…",
    "{fetched} read, {created} new, {updated} changed": "{fetched} gelesen, {created} neu, {updated} geändert",
    "The sync failed.": "Der Abgleich ist fehlgeschlagen.",
    "Sync finished.": "Abgleich abgeschlossen.",
    "See the orders": "Bestellungen ansehen",
    "This link is not complete. Start the sync again from the connection's page.":
        "Dieser Link ist unvollständig. Starte den Abgleich erneut von der Seite der Verbindung.",
    # dead letters
    "Changes the channel refused or that failed too often (state, tracking, stock, messages). Fix the cause, then "
    "send them again, or discard them.":
        "Änderungen, die der Kanal abgelehnt hat oder die zu oft fehlschlugen (Status, Sendungsnummer, Bestand, "
        "Nachrichten). Behebe die Ursache und sende sie erneut, oder verwirf sie.",
    "What": "Was",
    "Attempts": "Versuche",
    "Since": "Seit",
    "letter_state": "Bestellstatus",
    "letter_tracking": "Sendungsnummer",
    "letter_stock": "Bestand",
    "letter_message": "Nachricht",
    "letter_mail": "E-Mail an den Käufer",
    "Awaiting the platform's result": "Warten auf das Ergebnis der Plattform",
    "The platform accepted these changes into a job and reports the result later; the hub checks it and never "
    "sends them again meanwhile.":
        "Die Plattform hat diese Änderungen in einen Auftrag übernommen und meldet das Ergebnis später; der Hub "
        "fragt es ab und sendet sie bis dahin nicht erneut.",
    "Job": "Auftrag",
    "Changes": "Änderungen",
    "Next check": "Nächste Abfrage",
    # CSV upload
    "Import a CSV file": "CSV-Datei importieren",
    "A file is imported whole or not at all: if one row is wrong, nothing is written and every wrong row is listed with its number and the reason. Orders whose number is already here are skipped.":
        "Eine Datei wird ganz oder gar nicht importiert: Ist eine Zeile fehlerhaft, wird nichts geschrieben, und jede fehlerhafte Zeile steht mit ihrer Nummer und dem Grund in der Liste. Bestellungen, deren Nummer schon da ist, werden übersprungen.",
    "CSV file": "CSV-Datei",
    "Import the valid orders and set the wrong rows aside (quarantine)": "Gültige Bestellungen importieren, fehlerhafte Zeilen zurückstellen (Quarantäne)",
    "Check only (dry run)": "Nur prüfen (Probelauf)",
    "Import": "Importieren",
    "{n} rows": "{n} Zeilen",
    "{n} orders in the file": "{n} Bestellungen in der Datei",
    "Columns not read:": "Nicht gelesene Spalten:",
    "Rejected rows": "Abgelehnte Zeilen",
    "Row": "Zeile",
    "Number": "Nummer",
    "Column": "Spalte",
    "Choose a CSV file to upload.": "Wähle eine CSV-Datei zum Hochladen.",
    "The file is larger than 50 MB. Split it into several files.": "Die Datei ist größer als 50 MB. Teile sie in mehrere Dateien auf.",
    "Send selected again": "Ausgewählte erneut senden",
    "Discard selected": "Ausgewählte verwerfen",
    "Discard the selected entries? They will not be sent.": "Ausgewählte Einträge verwerfen? Sie werden nicht gesendet.",
    "Send all again": "Alle erneut senden",
    "No dead letters: everything reached the channel.": "Keine unzustellbaren Änderungen: Alles kam beim Kanal an.",
    "{n} entries will be sent again.": "{n} Einträge werden erneut gesendet.",
    "{n} entries were discarded.": "{n} Einträge wurden verworfen.",
    # orders
    "{n} orders": "{n} Bestellungen",
    "Clear filters": "Filter zurücksetzen",
    "Order number, buyer, e-mail, SKU": "Bestellnummer, Käufer, E-Mail, SKU",
    "State": "Status",
    "All states": "Alle Status",
    "Channel": "Kanal",
    "All channels": "Alle Kanäle",
    "Ordered from": "Bestellt von",
    "Tag": "Tag",
    "Tags": "Tags",
    "{value} is not a date; use the date picker (YYYY-MM-DD).":
        "{value} ist kein Datum; nutze die Datumsauswahl (JJJJ-MM-TT).",
    "{n} selected": "{n} ausgewählt",
    "New state": "Neuer Status",
    "Set state": "Status setzen",
    "Ship selected…": "Ausgewählte versenden…",
    "Order": "Bestellung",
    "Date": "Datum",
    "Buyer": "Käufer",
    "Total": "Summe",
    "oversold": "überverkauft",
    "Not enough stock for this order": "Nicht genug Bestand für diese Bestellung",
    "(deleted connection)": "(gelöschte Verbindung)",
    "No orders found": "Keine Bestellungen gefunden",
    "No order matches these filters.": "Keine Bestellung passt zu diesen Filtern.",
    "Connect a shop under Settings / Shops; its orders then appear here.":
        "Verbinde unter Einstellungen / Shops einen Shop; seine Bestellungen erscheinen dann hier.",
    "Select at least one order.": "Wähle mindestens eine Bestellung aus.",
    "Choose a state from the list.": "Wähle einen Status aus der Liste.",
    "{n} orders changed to {state}.": "{n} Bestellungen auf {state} gesetzt.",
    "{n} orders shipped.": "{n} Bestellungen versendet.",
    # order page
    "ordered": "bestellt",
    "status in the channel": "Status im Kanal",
    "Items": "Positionen",
    "Article": "Artikel",
    "SKU": "SKU",
    "Quantity": "Menge",
    "Unit price": "Einzelpreis",
    "Shipping": "Versand",
    "of which tax": "davon Steuer",
    "Invoice address": "Rechnungsadresse",
    "Shipping address": "Lieferadresse",
    "Note from the buyer": "Anmerkung des Käufers",
    "Payments": "Zahlungen",
    "Payment": "Zahlung",
    "No payment recorded.": "Keine Zahlung erfasst.",
    "paid": "bezahlt",
    "Shipments": "Sendungen",
    "Not shipped yet.": "Noch nicht versendet.",
    # item-level fulfilment and acknowledgements
    "whole order": "ganze Bestellung",
    "Cancelled lines": "Stornierte Positionen",
    "Acknowledgement": "Bestellbestätigung",
    "Accepted": "Angenommen",
    "Rejected": "Abgelehnt",
    "sent {when}": "gesendet {when}",
    "queued": "in der Warteschlange",
    "The channel wants an answer by {when}.": "Der Kanal erwartet eine Antwort bis {when}.",
    "Checks": "Abfragen",
    "Gives up at": "Wartet bis",
    "Reason (needed to reject)": "Grund (zum Ablehnen nötig)",
    "Accept order": "Bestellung annehmen",
    "Reject order": "Bestellung ablehnen",
    "Not accepted or rejected yet.": "Noch nicht angenommen oder abgelehnt.",
    "Accepted; the channel is told in a moment.": "Angenommen; der Kanal erfährt es gleich.",
    "Rejected; the channel is told in a moment.": "Abgelehnt; der Kanal erfährt es gleich.",
    "This order was accepted or rejected already.": "Diese Bestellung wurde bereits angenommen oder abgelehnt.",
    "Enter a reason to reject the order.": "Gib einen Grund an, um die Bestellung abzulehnen.",
    "This order's channel does not take acknowledgements.": "Der Kanal dieser Bestellung nimmt keine Bestellbestätigungen an.",
    "Quantities in this parcel (empty: everything still open)":
        "Mengen in diesem Paket (leer: alles noch Offene)",
    "{n} open": "{n} offen",
    "Cancel lines": "Positionen stornieren",
    "Cancel these quantities": "Diese Mengen stornieren",
    "Quantities must be whole numbers.": "Mengen müssen ganze Zahlen sein.",
    "The quantities are cancelled.": "Die Mengen sind storniert.",
    "History and messages": "Verlauf und Nachrichten",
    "No history yet.": "Noch kein Verlauf.",
    "source_channel": "Kanal",
    "source_user": "Benutzer",
    "source_system": "System",
    "source_poll": "Abfrage",
    "source_webhook": "Webhook",
    "source_api": "API",
    "No tags.": "Keine Tags.",
    "Remove tag": "Tag entfernen",
    "New tag": "Neuer Tag",
    "Tag added.": "Tag hinzugefügt.",
    "Tag removed.": "Tag entfernt.",
    "Ship": "Versenden",
    "Carrier": "Versanddienstleister",
    "Tracking number": "Sendungsnummer",
    "Tracking link (optional)": "Sendungsverfolgungs-Link (optional)",
    "Save shipment and mark shipped": "Sendung speichern und als versendet markieren",
    "The tracking link must start with https://.": "Der Sendungsverfolgungs-Link muss mit https:// beginnen.",
    "Shipment {number} saved; the channel is told in a moment.":
        "Sendung {number} gespeichert; der Kanal erfährt es gleich.",
    "Change state": "Status ändern",
    "Comment (optional)": "Kommentar (optional)",
    "The state is now {state}.": "Der Status ist jetzt {state}.",
    "Message to the buyer": "Nachricht an den Käufer",
    "Subject": "Betreff",
    "Your message": "Deine Nachricht",
    "Send message": "Nachricht senden",
    "The message is on its way.": "Die Nachricht ist unterwegs.",
    "Forward": "Weiterleiten",
    "To supplier or warehouse": "An Lieferant oder Lager",
    "Forward order": "Bestellung weiterleiten",
    "The order is queued for {target}; the history shows when it went out.":
        "Die Bestellung wird an {target} weitergeleitet; der Verlauf zeigt, wann sie rausging.",
    "Ship several orders": "Mehrere Bestellungen versenden",
    "Enter a tracking number for each order to ship. Orders without a number are left as they are.":
        "Gib für jede zu versendende Bestellung eine Sendungsnummer ein. Bestellungen ohne Nummer bleiben, wie "
        "sie sind.",
    # articles
    "Articles and stock": "Artikel und Bestand",
    "{n} articles": "{n} Artikel",
    "Available = on hand − reserved by open orders. ordersync sends it to every channel.":
        "Verfügbar = Lagerbestand − durch offene Bestellungen reserviert. ordersync sendet ihn an jeden Kanal.",
    "SKU, EAN or title": "SKU, EAN oder Titel",
    "Search articles": "Artikel suchen",
    "Title": "Titel",
    "EAN": "EAN",
    "On hand": "Lagerbestand",
    "Reserved": "Reserviert",
    "Available": "Verfügbar",
    "Listings": "Angebote",
    "No articles found": "Keine Artikel gefunden",
    "Articles are imported from your shops once an hour and whenever orders name them.":
        "Artikel werden stündlich aus deinen Shops importiert und immer dann, wenn Bestellungen sie nennen.",
    "Channel listings": "Angebote in den Kanälen",
    "Product id": "Produkt-ID",
    "Title in the channel": "Titel im Kanal",
    "Stock in the channel": "Bestand im Kanal",
    "ordersync sends": "ordersync sendet",
    "This article is not listed on any channel.": "Dieser Artikel wird in keinem Kanal angeboten.",
    "Stock history": "Bestandsverlauf",
    "When": "Wann",
    "Location": "Lagerort",
    "Change": "Änderung",
    "On hand after": "Bestand danach",
    "Reason": "Grund",
    "No stock changes yet.": "Noch keine Bestandsänderungen.",
    "Set or correct stock": "Bestand setzen oder korrigieren",
    "What to do": "Was möchtest du tun?",
    "Set on hand to": "Lagerbestand setzen auf",
    "Add (goods received)": "Hinzufügen (Wareneingang)",
    "Remove (damaged, lost)": "Abziehen (beschädigt, verloren)",
    "Reason (optional)": "Grund (optional)",
    "Save stock": "Bestand speichern",
    "Stock locations": "Lagerorte",
    "Enter a quantity of 0 or more.": "Gib eine Menge von 0 oder mehr ein.",
    "Correction in the web app": "Korrektur in der Web-App",
    "Stock saved: {available} available; {n} channel listings will be updated.":
        "Bestand gespeichert: {available} verfügbar; {n} Angebote in den Kanälen werden aktualisiert.",
    # settings labels and help of the bundled connectors (others show their English label)
    "Shop URL": "Shop-URL",
    "Consumer key": "Consumer Key",
    "Consumer secret": "Consumer Secret",
    "Starts with ck_.": "Beginnt mit ck_.",
    "Starts with cs_.": "Beginnt mit cs_.",
    "The address of the WordPress site, e.g. https://www.my-shop.de (without /wp-json).":
        "Die Adresse der WordPress-Seite, z. B. https://www.mein-shop.de (ohne /wp-json).",
    "Status mapping (import)": "Statuszuordnung (Import)",
    "Status mapping (export)": "Statuszuordnung (Export)",
    "Tracking meta key": "Meta-Feld für Sendungsnummern",
    "Language of notes to buyers": "Sprache der Notizen an Käufer",
    "Authentication": "Authentifizierung",
    "Verify TLS certificate": "TLS-Zertifikat prüfen",
    "Timeout (seconds)": "Zeitlimit (Sekunden)",
    "Shop address": "Shop-Adresse",
    "Admin API access token": "Admin-API-Zugriffstoken",
    "API secret key": "API-Geheimschlüssel",
    "Stock location": "Lagerort",
    "API version": "API-Version",
    "Shopify e-mails the buyer on shipment": "Shopify benachrichtigt den Käufer beim Versand per E-Mail",
    "First import as a bulk operation": "Erster Import als Massenvorgang",
    "Interrupted": "Abgebrochen",
    "The sync was interrupted (its worker stopped).": "Der Abgleich wurde abgebrochen (sein Worker hat aufgehört).",
    "partially refunded": "teilweise erstattet",
    "fully refunded": "vollständig erstattet",
    "{n} refunded": "{n} erstattet",
    "Refunded": "Erstattet",
    "Refunds": "Erstattungen",
    # webhook health (issue 16)
    "webhooks inactive": "Webhooks inaktiv",
    # OAuth 2 consent (routes_oauth)
    "Needs re-authorisation": "Neu autorisieren nötig",
    "The platform no longer accepts ordersync’s access. Imports and pushes wait (nothing is lost) until you "
    "authorise the connection again.":
        "Die Plattform akzeptiert den Zugriff von ordersync nicht mehr. Importe und Übertragungen warten "
        "(nichts geht verloren), bis du die Verbindung neu autorisierst.",
    "Authorise again": "Neu autorisieren",
    "This connection is not authorised on a consent page.":
        "Diese Verbindung wird nicht über eine Zustimmungsseite autorisiert.",
    "The platform did not grant access ({error}). Start the authorisation again.":
        "Die Plattform hat den Zugriff nicht erlaubt ({error}). Starte die Autorisierung erneut.",
    "The authorisation could not be completed: {reason}":
        "Die Autorisierung konnte nicht abgeschlossen werden: {reason}",
    "the platform's answer has no state or no code; start the authorisation again":
        "die Antwort der Plattform enthält keinen State oder keinen Code; starte die Autorisierung erneut",
    "this authorisation link is unknown; start the authorisation again":
        "dieser Autorisierungslink ist unbekannt; starte die Autorisierung erneut",
    "this authorisation was started in another session (or on the command line); finish it there, or start it "
    "again here":
        "diese Autorisierung wurde in einer anderen Sitzung (oder auf der Kommandozeile) begonnen; schließe sie "
        "dort ab oder starte sie hier neu",
    "this authorisation link was used already; start the authorisation again":
        "dieser Autorisierungslink wurde schon benutzt; starte die Autorisierung erneut",
    "this authorisation link has expired; start the authorisation again":
        "dieser Autorisierungslink ist abgelaufen; starte die Autorisierung erneut",
    "the platform did not accept the authorisation": "die Plattform hat die Autorisierung nicht angenommen",
    "{name} is authorised. The next import starts within a few seconds.":
        "{name} ist autorisiert. Der nächste Import beginnt in wenigen Sekunden.",
    "The shop delivers to this registered address, but this hub now has the address {url}. If the hub moved, "
    "register the webhooks again.":
        "Der Shop liefert an diese registrierte Adresse, dieser Hub hat aber jetzt die Adresse {url}. Ist der Hub "
        "umgezogen, registriere die Webhooks neu.",
    "The shop has switched off webhooks of ordersync. Each sync switches them on again; until then new orders "
    "arrive by polling.":
        "Der Shop hat Webhooks von ordersync abgeschaltet. Jeder Abgleich schaltet sie wieder ein; bis dahin "
        "kommen neue Bestellungen per Abfrage.",
    "Webhook delay: {seconds} s (median of the last {n} deliveries, from the change in the shop to the arrival "
    "here)":
        "Webhook-Verzögerung: {seconds} s (Median der letzten {n} Zustellungen, von der Änderung im Shop bis "
        "zur Ankunft hier)",
    "No webhooks are registered in the shop; new orders arrive by polling.":
        "Im Shop sind keine Webhooks registriert; neue Bestellungen kommen per Abfrage.",
    "But the shop has switched off webhooks of ordersync ({detail}); the next sync switches them on again.":
        "Der Shop hat aber Webhooks von ordersync abgeschaltet ({detail}); der nächste Abgleich schaltet sie "
        "wieder ein.",
    "The address changed ({fields}): enter this secret again.": "Die Adresse hat sich geändert ({fields}): Gib dieses Geheimnis erneut ein.",
    "CA certificates (PEM)": "CA-Zertifikate (PEM)",
    "For a shop whose certificate a private CA signed: paste that CA's certificate (-----BEGIN CERTIFICATE----- ...). It is trusted for this connection only.": "Für einen Shop, dessen Zertifikat eine eigene CA signiert hat: füge das Zertifikat dieser CA ein (-----BEGIN CERTIFICATE----- ...). Es gilt nur für diese Verbindung.",
}


def _connector_texts() -> None:
    """Each connector keeps the German of the texts it declares (settings help, choices as ``choice_<value>``,
    capability notes) next to its code, in ``channels/<system>/texts_de.py``; every channel folder is read, so a
    new connector needs no entry here."""
    import pkgutil
    from importlib import import_module
    from importlib.util import find_spec

    import ordersync.channels as channels

    for info in pkgutil.iter_modules(channels.__path__):
        if info.ispkg and find_spec(f"ordersync.channels.{info.name}.texts_de") is not None:
            DE.update(import_module(f"ordersync.channels.{info.name}.texts_de").DE)


_connector_texts()

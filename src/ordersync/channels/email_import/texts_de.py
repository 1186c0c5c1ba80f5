"""German for the texts the e-mail import declares (settings labels, help and choices, capability notes); the
English text is the key, as in the web UI's catalog."""

DE: dict[str, str] = {
    "IMAP server": "IMAP-Server",
    "e.g. imap.example.de": "z. B. imap.example.de",
    "Port": "Port",
    "993 for TLS, 143 for STARTTLS.": "993 für TLS, 143 für STARTTLS.",
    "Encryption": "Verschlüsselung",
    "tls: encrypted from the start (port 993); starttls: upgraded after connecting (port 143). Unencrypted IMAP "
    "is not offered.": "TLS: von Anfang an verschlüsselt (Port 993); STARTTLS: Verschlüsselung nach dem Verbindungsaufbau (Port "
    "143). Unverschlüsseltes IMAP wird nicht angeboten.",
    "choice_tls": "TLS",
    "choice_starttls": "STARTTLS",
    "User name": "Benutzername",
    "Usually the mailbox's e-mail address.": "Meist die E-Mail-Adresse des Postfachs.",
    "The mailbox password, or an app password where the provider requires one.": "Das Passwort des Postfachs oder ein App-Passwort, wenn der Anbieter eines verlangt.",
    "Folder with order mails": "Ordner mit Bestellmails",
    "Only mails in this folder are read. A separate mailbox or a folder filled by a mail filter keeps private "
    "mail out of it.": "Nur Mails in diesem Ordner werden gelesen. Ein eigenes Postfach oder ein per Mailfilter befüllter "
    "Ordner hält private Mails davon fern.",
    "Folder for imported mails": "Ordner für eingelesene Mails",
    "Mails whose order was imported are moved here (created if missing).": "Mails, deren Bestellung importiert wurde, werden hierher verschoben (der Ordner wird bei Bedarf "
    "angelegt).",
    "Folder for unreadable mails": "Ordner für unlesbare Mails",
    "Mails that could not be read are moved here and listed in the quarantine with the reason. Move a mail back "
    "into the order folder to read it again.": "Mails, die nicht gelesen werden konnten, werden hierher verschoben und mit dem Grund in der Quarantäne "
    "aufgeführt. Verschieben Sie eine Mail zurück in den Ordner mit Bestellmails, damit sie erneut gelesen wird.",
    "Shop": "Shop",
    "auto: recognised by the sender. Choose the shop when the mails reach the mailbox forwarded from your own "
    "address.": "Automatisch: am Absender erkannt. Wählen Sie den Shop, wenn die Mails von Ihrer eigenen Adresse "
    "weitergeleitet im Postfach ankommen.",
    "choice_auto": "automatisch",
    "choice_jimdo": "Jimdo",
    "choice_wix": "WIX",
    "choice_avocadostore": "Avocadostore",
    "Minimum order age (minutes)": "Mindestalter der Bestellung (Minuten)",
    "Mails younger than this wait for a later run: shops sometimes send a corrected mail right after the first "
    "one.": "Jüngere Mails warten auf einen späteren Abruf: Shops schicken manchmal kurz nach der ersten Mail eine "
    "korrigierte.",
    "PayPal orders are paid": "PayPal-Bestellungen sind bezahlt",
    "Mark orders with the payment method PayPal as paid when they are imported.": "Bestellungen mit der Zahlungsart PayPal beim Import als bezahlt markieren.",
    "CA certificate file": "CA-Zertifikatsdatei",
    "A PEM file to trust instead of the system's CAs, for a server with its own CA.": "Eine PEM-Datei, der statt der CAs des Systems vertraut wird, für einen Server mit eigener CA.",
    "order mails of Jimdo, WIX and Avocadostore from an IMAP folder; IDLE where offered": "Bestellmails von Jimdo, WIX und Avocadostore aus einem IMAP-Ordner; IDLE, wo angeboten",
}

"""What a seller enters to connect a mailbox that receives order mails, and the steps, in German and English."""

from __future__ import annotations

from ..sdk.guide import GuideStep
from ..sdk.settings import CA_BUNDLE, SettingField, SettingsSchema

SETTINGS = SettingsSchema(
    (
        SettingField("host", "IMAP server", help="e.g. imap.example.de", destination=True),
        SettingField(
            "port", "Port", "int", required=False, default=993, help="993 for TLS, 143 for STARTTLS.", destination=True
        ),
        SettingField(
            "security",
            "Encryption",
            "choice",
            required=False,
            default="tls",
            choices=("tls", "starttls"),
            help="tls: encrypted from the start (port 993); starttls: upgraded after connecting (port 143). "
            "Unencrypted IMAP is not offered.",
        ),
        SettingField("username", "User name", help="Usually the mailbox's e-mail address."),
        SettingField(
            "password",
            "Password",
            secret=True,
            help="The mailbox password, or an app password where the provider requires one.",
        ),
        SettingField(
            "folder",
            "Folder with order mails",
            required=False,
            default="INBOX",
            help="Only mails in this folder are read. A separate mailbox or a folder filled by a "
            "mail filter keeps private mail out of it.",
        ),
        SettingField(
            "processed_folder",
            "Folder for imported mails",
            required=False,
            default="ordersync-imported",
            help="Mails whose order was imported are moved here (created if missing).",
        ),
        SettingField(
            "failed_folder",
            "Folder for unreadable mails",
            required=False,
            default="ordersync-failed",
            help="Mails that could not be read are moved here and listed in the quarantine with the "
            "reason. Move a mail back into the order folder to read it again.",
        ),
        SettingField(
            "shop",
            "Shop",
            "choice",
            required=False,
            default="auto",
            choices=("auto", "jimdo", "wix", "avocadostore"),
            help="auto: recognised by the sender. Choose the shop when the mails reach the mailbox "
            "forwarded from your own address.",
        ),
        SettingField(
            "min_age_minutes",
            "Minimum order age (minutes)",
            "int",
            required=False,
            default=0,
            help="Mails younger than this wait for a later run: shops sometimes send a corrected mail "
            "right after the first one.",
        ),
        SettingField(
            "paypal_paid",
            "PayPal orders are paid",
            "bool",
            required=False,
            default=True,
            help="Mark orders with the payment method PayPal as paid when they are imported.",
        ),
        SettingField("verify_tls", "Verify TLS certificate", "bool", required=False, default=True),
        SettingField("timeout", "Timeout (seconds)", "int", required=False, default=30),
        CA_BUNDLE,
    ),
    retired={
        "ca_file": "a path on the hub's server is not a seller's to choose (any file could be named); "
        "paste the mail server's CA certificate under 'CA certificates (PEM)' instead"
    },
)

GUIDE = (
    GuideStep(
        "Choose a mailbox for order mails",
        "Use a mailbox (or a folder filled by a mail filter) that receives the shop's order notifications: "
        "Jimdo and WIX send one to the shop owner's address for every new order, Avocadostore to the "
        "seller's address. The shop's e-mails must be in German. Set the shop's notification address to "
        "this mailbox, or forward the mails to it unchanged (forward as attachment keeps them intact).",
        "Postfach für Bestellmails wählen",
        "Nehmen Sie ein Postfach (oder einen per Filter befüllten Ordner), das die Bestellbenachrichtigungen des "
        "Shops erhält: Jimdo und WIX schicken bei jeder neuen Bestellung eine Mail an die Adresse des Shop-Inhabers, "
        "Avocadostore an die Adresse des Händlers. Die Mails des Shops müssen auf Deutsch sein. Tragen Sie dieses "
        "Postfach als Benachrichtigungsadresse ein, oder leiten Sie die Mails unverändert weiter (Weiterleiten als "
        "Anhang lässt sie unverändert).",
        settings=("shop", "folder"),
    ),
    GuideStep(
        "Enter the IMAP access",
        "Enter the IMAP server, port and encryption your mail provider documents (usually port 993 with TLS), "
        "the user name and the password. Many providers need IMAP switched on first, and some an app "
        "password instead of the login password.",
        "IMAP-Zugang eintragen",
        "Tragen Sie IMAP-Server, Port und Verschlüsselung laut Ihrem Mail-Anbieter ein (meist Port 993 mit TLS), "
        "dazu Benutzername und Passwort. Bei vielen Anbietern muss IMAP erst eingeschaltet werden, manche verlangen "
        "ein App-Passwort statt des Login-Passworts.",
        settings=("host", "port", "security", "username", "password"),
    ),
    GuideStep(
        "Decide how long new mails wait",
        "If your shop sometimes sends a corrected order mail shortly after the first, set a minimum order "
        "age in minutes: younger mails are read in a later run. Imported mails are moved to the folder for "
        "imported mails, unreadable ones to the folder for unreadable mails and listed with the reason.",
        "Wartezeit für neue Mails festlegen",
        "Schickt Ihr Shop manchmal kurz nach der ersten eine korrigierte Bestellmail, legen Sie ein Mindestalter der "
        "Bestellung in Minuten fest: Jüngere Mails werden erst bei einem späteren Abruf gelesen. Eingelesene Mails "
        "landen im Ordner für eingelesene Mails, unlesbare im Ordner für unlesbare Mails; diese zeigt ordersync mit "
        "dem Grund in der Quarantäne an.",
        settings=("min_age_minutes", "processed_folder", "failed_folder"),
    ),
)

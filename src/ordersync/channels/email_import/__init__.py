"""E-mail order import (seed mode 2): order mails of Jimdo, WIX and Avocadostore read from an IMAP mailbox."""

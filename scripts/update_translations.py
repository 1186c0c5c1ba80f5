"""Bring the web UI's gettext catalogs in step with the code: extract every message id from the templates
and Python files (Babel, the keywords of ``ordersync.web.ui.i18n.EXTRACT_KEYWORDS``), add the new ids to the
German and English catalogs and list the German still missing. Entries the code no longer names are kept:
the catalog also holds texts that arrive as data (labels the SDK declares for every connector), which no
extractor can see; remove a retired one by hand.

    .venv/bin/python scripts/update_translations.py        # then translate the listed ids in de/messages.po

tests/web/test_i18n.py fails while any id lacks its German.
"""

from __future__ import annotations

import sys

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from ordersync.web import ui
from ordersync.web.ui.history import message_ids
from ordersync.web.ui.i18n import EXTRACT_KEYWORDS, EXTRACT_METHODS, LOCALE_DIR, LOCALES


def template() -> Catalog:
    found = Catalog(domain="messages")
    for filename, line, message, comments, context in extract_from_dir(
        ui.__path__[0], EXTRACT_METHODS, keywords=EXTRACT_KEYWORDS
    ):
        if message and not (isinstance(message, str) and message.endswith("_")):  # 'role_' + value
            found.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    for message in message_ids():  # the order history's templates (domain/history.py), outside the UI
        found.add(message, None, [("domain/history.py", 0)])
    return found


def main() -> int:
    pot = template()
    missing = []
    for locale in LOCALES:
        path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as f:
            catalog = read_po(f, locale=locale)
        for message in pot:
            if message.id and message.id not in catalog:
                catalog.add(message.id, ("", "") if isinstance(message.id, tuple) else "")
        with path.open("wb") as f:
            write_po(f, catalog, width=120, omit_header=False, no_location=True)
        if locale == "de":
            missing = [
                m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
            ]
    for msgid in missing:
        print(f"no German yet: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

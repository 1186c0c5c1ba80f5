"""Every message the UI can show has its German text in the gettext catalog, plural forms included, the
placeholders match, and the language follows the browser's Accept-Language weights."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from ordersync.web.ui.i18n import LOCALE_DIR, Translator, pick_locale

from .msgids import all_ids


def catalog(locale: str):
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=locale)


def key(message_id):
    return tuple(message_id) if isinstance(message_id, (list, tuple)) else message_id


def test_every_message_has_german():
    german = {key(m.id): m.string for m in catalog("de") if m.id}
    missing = sorted(
        str(i)
        for i in all_ids()
        if not (
            isinstance(german.get(i), str)
            and german[i].strip()
            or isinstance(german.get(i), tuple)
            and all(s.strip() for s in german[i])
        )
    )
    assert not missing, f"add German to src/ordersync/web/ui/locale/de/LC_MESSAGES/messages.po for: {missing}"


def test_the_english_catalog_knows_every_message_too():
    english = {key(m.id) for m in catalog("en") if m.id}
    assert not sorted(str(i) for i in all_ids() - english)


def test_placeholders_survive_translation():
    for message in catalog("de"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"\{(\w+)\}", ids[-1]))
        for text in texts:
            assert set(re.findall(r"\{(\w+)\}", text)) == wanted, message.id


def test_plural_forms_follow_the_count():
    de, en = Translator("de"), Translator("en")
    assert de.n("{n} order", "{n} orders", 1) == "1 Bestellung"
    assert de.n("{n} order", "{n} orders", 3, n="3") == "3 Bestellungen"
    assert en.n("{n} order", "{n} orders", 1) == "1 order" and en.n("{n} order", "{n} orders", 0) == "0 orders"
    assert de.n("{n} day", "{n} days", 1) == "1 Tag" and de.ago(3 * 86400) == "3 Tage"


def test_language_choice_weighs_accept_language():
    assert pick_locale("en-US,en;q=0.9") == "en"
    assert pick_locale("fr-FR,de;q=0.5") == "de"
    assert pick_locale("de;q=0.4, en;q=0.8") == "en"  # the weight counts, not the order
    assert pick_locale("en;q=0, fr") == "de"  # q=0 means "not this one"; German when none of ours is wanted
    assert pick_locale("en;q=zero,de") == "de"
    assert pick_locale(None) == "de"
    assert Translator("de")("Orders") == "Bestellungen" and Translator("en")("Orders") == "Orders"
    assert Translator("de").label("source_", "carrier_pigeon") == "carrier_pigeon"

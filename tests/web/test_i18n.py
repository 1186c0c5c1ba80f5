"""Every message the UI can show has its German text, and the placeholders match."""

from __future__ import annotations

import re

from ordersync.web.ui.catalog_de import DE
from ordersync.web.ui.i18n import Translator, pick_locale

from .msgids import all_ids


def test_every_message_has_german():
    missing = sorted(all_ids() - set(DE))
    assert not missing, f"add German for: {missing}"


def test_placeholders_survive_translation():
    for msgid, text in DE.items():
        assert set(re.findall(r"\{(\w+)\}", msgid)) == set(re.findall(r"\{(\w+)\}", text)), msgid


def test_language_choice():
    assert pick_locale("en-US,en;q=0.9") == "en"
    assert pick_locale("fr-FR,de;q=0.5") == "de"
    assert pick_locale(None) == "de"
    assert Translator("de")("Orders") == "Bestellungen" and Translator("en")("Orders") == "Orders"
    assert Translator("de").label("source_", "carrier_pigeon") == "carrier_pigeon"

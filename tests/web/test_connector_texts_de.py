"""Every text a connector shows a seller exists in German and English (issue 20): settings labels, help texts
and choices, the setup guide's steps and the capability notes. The English text is declared by the connector;
its German comes from the connector's texts_de.py or the web UI's catalog (choices as ``choice_<value>``) or, for
guide steps, the step itself."""

from __future__ import annotations

import pytest

from ordersync.channels.registry import all_connectors
from ordersync.channels.sdk.capabilities import Capability, Mode, declare
from ordersync.channels.sdk.connector import Connector
from ordersync.channels.sdk.guide import GuideStep
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.settings import SettingField, SettingsSchema
from ordersync.channels.woocommerce.sandbox import create_sandbox
from ordersync.web.ui.i18n import german as german_of

BUNDLED = ("woocommerce", "shopify", "textalk", "csv", "email")


def texts_without_german(cls: type[Connector]) -> list[str]:
    """One line per declared text that lacks its English or its German, naming where it is declared."""
    where = cls.system
    missing = []

    def need(kind: str, english: str, key: str | None = None) -> None:
        if not english.strip():
            missing.append(f"{where}: {kind} has no English text")
        elif not german_of(key or english).strip():
            missing.append(f"{where}: {kind} {english!r} has no German")

    for f in cls.settings_schema.fields:
        need(f"setting {f.name} label", f.label)
        if f.help:
            need(f"setting {f.name} help", f.help)
        for choice in f.choices:
            need(f"setting {f.name} choice", choice, f"choice_{choice}")
    for decl in cls.capabilities:
        if decl.note:
            need(f"capability {decl.capability.value} note", decl.note)
    reads = getattr(cls, "reconcile_reads", None)
    if reads is not None and reads.note:
        need("reconciliation note", reads.note)
    for n, step in enumerate(cls.guide, 1):
        for part, english, german in (("title", step.title, step.title_de), ("text", step.text, step.text_de)):
            if not english.strip() or not german.strip():
                missing.append(f"{where}: guide step {n} {part} {english!r} needs English and German")
    return missing


def test_every_connector_text_has_german_and_english():
    connectors = all_connectors()
    assert set(BUNDLED) <= set(connectors), "the bundled connectors are registered"
    missing = [line for cls in connectors.values() for line in texts_without_german(cls)]
    assert not missing, "connector texts without German:\n" + "\n".join(missing)


def test_a_text_without_german_is_reported():
    class Untranslated(Connector):
        system = "untranslated"
        display_name = "Untranslated"
        group = "shop"
        capabilities = (declare(Capability.IMPORT_ORDERS, Mode.POLL, note="only on Tuesdays"),)
        settings_schema = SettingsSchema(
            (
                SettingField("url", "Shop URL", "url", help="Where the frobnicator lives."),
                SettingField("mode", "Frobnication mode", "choice", choices=("auto", "sideways")),
            )
        )
        guide = (GuideStep("Find the frobnicator", "It is in the cellar.", "Den Frobnikator finden", ""),)

    assert texts_without_german(Untranslated) == [
        "untranslated: setting url help 'Where the frobnicator lives.' has no German",
        "untranslated: setting mode label 'Frobnication mode' has no German",
        "untranslated: setting mode choice 'sideways' has no German",
        "untranslated: capability import_orders note 'only on Tuesdays' has no German",
        "untranslated: guide step 1 text 'It is in the cellar.' needs English and German",
    ]


@pytest.fixture
def shop():
    sandbox = create_sandbox(seed=3, orders=2, products=1)
    server = serve_in_thread(sandbox.app)
    yield sandbox.settings_for(server.base_url)
    server.stop()


def test_woocommerce_settings_page_in_german(browser, shop):
    form = {"name": "Mein Shop", **{f"s_{k}": v for k, v in shop.items()}}
    saved = browser.post("/settings/shops/new/woocommerce", form)
    assert saved.status_code == 303, saved.text
    browser.post("/language", {"lang": "de", "next": "/orders"})
    page = browser.get(saved.headers["location"]).text
    assert "Meta-Feld der Bestellung für Sendungsnummern." in page
    assert "WooCommerce-Status = ordersync-Status" in page
    assert '<option value="auto" selected>automatisch</option>' in page
    assert '<option value="de" selected>Deutsch</option>' in page
    for english in (
        "Order meta field for tracking numbers",
        "WooCommerce status = ordersync state",
        "auto: HTTP Basic over https",
    ):
        assert english not in page
    setup = browser.get("/settings/shops/new/woocommerce").text
    assert "Permalinks prüfen" in setup and "Schlüssel in der URL" in setup
    assert "Order meta field" not in setup

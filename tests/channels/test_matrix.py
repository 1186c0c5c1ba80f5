"""The channel matrix in docs/ is rendered from connector declarations and must match the committed file."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from ordersync.channels import matrix
from ordersync.channels.registry import GROUPS
from ordersync.channels.sdk.capabilities import Capability, Mode, declare
from ordersync.channels.sdk.connector import Connector
from ordersync.channels.sdk.guide import GuideStep
from ordersync.channels.sdk.settings import SettingsSchema

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "channels.md"


class _Base(Connector):
    settings_schema = SettingsSchema()
    guide = (GuideStep("Step", "Text"),)


class Shop(_Base):
    system, display_name, group = "woocommerce", "WooCommerce", "shop"
    capabilities = (
        declare(Capability.IMPORT_ORDERS, Mode.POLL, Mode.WEBHOOK),
        declare(Capability.TRANSMIT_TRACKING, Mode.API, note="as an order note | customer_note"),
        declare(Capability.SEND_MESSAGES, Mode.EMAIL),
    )


class Market(_Base):
    system, display_name, group = "zmarket", "A Market", "marketplace"
    capabilities = (declare(Capability.SET_STOCK, Mode.API, Mode.CSV_URL),)


class Files(_Base):
    system, display_name, group = "csv", "CSV", "files"
    capabilities = (declare(Capability.IMPORT_ORDERS, Mode.CSV_UPLOAD, Mode.CSV_URL, Mode.EMAIL_IMPORT),)


CONNECTORS = {"woocommerce": Shop, "zmarket": Market, "csv": Files}


def _rows(text: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in text.splitlines() if line.startswith("|")]


def test_columns_are_the_seeds_seven_capabilities_in_order_in_german_and_english() -> None:
    header = _rows(matrix.render_matrix(CONNECTORS))[0]
    assert header[:2] == ["System", "Gruppe / Group"]
    assert header[2:] == [f"{c.title_de} / {c.title}" for c in Capability]
    assert header[2] == "Bestellungen einlesen / Import orders" and len(header) == 2 + len(Capability)
    assert header[-1] == "Bestellungen bestätigen / Acknowledge orders"


def test_rows_grouped_marketplace_shop_erp_files_and_cells_in_words_with_footnotes() -> None:
    rows = _rows(matrix.render_matrix(CONNECTORS))[2:]
    assert [r[0] for r in rows] == ["A Market (`zmarket`)", "WooCommerce (`woocommerce`)", "CSV (`csv`)"]
    shop = dict(zip([c.value for c in Capability], rows[1][2:], strict=True))
    assert shop["import_orders"] == "✓ poll (1), webhook (3)"
    assert shop["transmit_tracking"] == "✓ API"
    assert shop["send_messages"] == "✓ e-mail (7)"
    assert shop["import_articles"] == shop["change_status"] == shop["set_stock"] == shop["forward_orders"] == "—"
    assert rows[0][7] == "✓ API, CSV from URL (11)"
    assert rows[2][2] == "✓ CSV upload (5), CSV from URL (11), e-mail import (2)"


def test_declaration_notes_are_listed_below_the_table() -> None:
    text = matrix.render_matrix(CONNECTORS)
    assert text.endswith("\n\n- WooCommerce, Transmit tracking number: as an order note | customer_note\n")


def test_pipes_in_names_do_not_break_the_table() -> None:
    piped = type("Piped", (Files,), {"display_name": "A|B"})
    assert "| A\\|B (`csv`) |" in matrix.render_matrix({"csv": piped})


def test_every_mode_and_group_has_words() -> None:
    assert set(matrix._MODES) == set(Mode)
    assert set(matrix._GROUPS) == set(GROUPS)
    assert "| (3) | webhook | unmittelbarer Import |" in matrix.render_modes()


def test_no_connectors_says_so() -> None:
    assert "No connector is installed yet" in matrix.render_matrix({})


def test_seed_table_shows_which_systems_have_a_connector() -> None:
    rows = {r[1]: r for r in _rows(matrix.render_seed(CONNECTORS))[2:]}
    assert len(rows) == len(matrix.SEED_SYSTEMS) == 42
    assert rows["WooCommerce"][3] == "✓ `woocommerce`"
    assert rows["Shopify"][3] == "geplant / planned"
    assert rows["DaWanda"][3] == "geschlossen / closed"
    assert rows["real.de"][4].startswith("now Kaufland.de")
    assert rows["1und1 (alt)"][3] == "✓ `csv`"


def test_seed_rows_are_well_formed() -> None:
    names = [s.name for s in matrix.SEED_SYSTEMS]
    assert len(names) == len(set(names))
    assert {s.group for s in matrix.SEED_SYSTEMS} <= set(GROUPS)
    assert all(s.systems or s.closed for s in matrix.SEED_SYSTEMS)


def test_write_docs(tmp_path: Path) -> None:
    target = matrix.write_docs(tmp_path / "docs" / "channels.md")
    assert target.read_text(encoding="utf-8") == matrix.render_docs()


def test_default_docs_leave_out_classes_from_outside_the_package() -> None:
    assert "A Market" not in matrix.render_docs()


def test_committed_docs_match_the_code() -> None:
    fresh = matrix.render_docs()
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else "(missing)"
    if committed != fresh:
        diff = difflib.unified_diff(committed.splitlines(), fresh.splitlines(), "committed", "code", lineterm="")
        pytest.fail(
            "docs/channels.md is out of date: run `ordersync docs` to regenerate\n" + "\n".join(list(diff)[:30]),
            pytrace=False,
        )

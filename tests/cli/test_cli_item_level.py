"""`orders cancel-lines` and `orders ship --line` against a WooCommerce sandbox over loopback."""

from __future__ import annotations

import json

from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from ordersync.cli import app

from .test_cli import cli, shop  # noqa: F401 - fixtures


def test_cancel_single_lines_and_refuse_a_partial_shipment_the_channel_cannot_express(
    cli,
    shop,  # noqa: F811
    database_url,
):
    cli("connections", "add", "woocommerce", "shop", "--no-webhooks", *[f"--set={k}={v}" for k, v in shop.items()])
    cli("sync", "shop")
    order = next(
        o for o in json.loads(cli("orders", "list", "--json", "--limit", "100")) if o["channel_status"] == "processing"
    )
    engine = create_engine(database_url)
    with engine.connect() as conn:
        line, qty = conn.execute(
            text("SELECT external_id, quantity FROM order_items WHERE order_id = :o ORDER BY id LIMIT 1"),
            {"o": order["id"]},
        ).one()
    engine.dispose()
    assert "1 line(s) cancelled" in cli(
        "orders", "cancel-lines", str(order["id"]), "--line", f"{line}=1", "--reason", "broken"
    )
    assert "lines cancelled: 1 ×" in cli("orders", "show", str(order["id"])) and "(broken)" in cli(
        "orders", "show", str(order["id"])
    )
    runner = CliRunner()
    over = runner.invoke(app, ["orders", "cancel-lines", str(order["id"]), "--line", f"{line}={int(qty) + 1}"])
    assert over.exit_code != 0 and f"line {line}" in str(over.exception) and "still open" in str(over.exception)
    bad = runner.invoke(
        app, ["orders", "ship", str(order["id"]), "--carrier", "DHL", "--tracking", "T1", "--line", "nonsense"]
    )
    assert bad.exit_code != 0 and "LINE=QUANTITY" in bad.output + str(bad.exception)

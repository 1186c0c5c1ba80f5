"""`stock rules` and `connections remove` through the command line, which now calls the application layer
(ordersync.application): the effect is read back from the database, not from the printed line."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.woocommerce.sandbox import create_sandbox
from ordersync.cli import app
from ordersync.config import load_config
from ordersync.store.models import Connection, Listing, OrderRow
from ordersync.sync.hub import Hub


@pytest.fixture
def cli(tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("ORDERSYNC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ORDERSYNC_DATABASE_URL", database_url)
    runner = CliRunner()

    def run(*args: str, code: int = 0):
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, result.output
        return result

    return run


@pytest.fixture
def shop():
    sandbox = create_sandbox(seed=7, orders=6, products=4)
    with serve_in_thread(sandbox.app) as server:
        yield sandbox.settings_for(server.base_url)


def test_stock_rules_of_a_connection_and_of_one_listing_are_stored(cli, shop):
    cli("connections", "add", "woocommerce", "shop", "--no-webhooks", *[f"--set={k}={v}" for k, v in shop.items()])
    cli("articles", "import", "shop")
    hub = Hub.open(load_config())
    with hub.db.session() as s:
        sku = s.scalars(select(Listing.sku).where(Listing.sku != "").order_by(Listing.id)).first()
    assert "stock rules of shop saved" in cli("stock", "rules", "shop", "--buffer", "2", "--max", "50").output
    assert f"stock rules of shop / {sku} saved" in cli("stock", "rules", "shop", "--sku", sku, "--never").output
    with hub.db.session() as s:
        conn = s.scalar(select(Connection).where(Connection.name == "shop"))
        listing = s.scalars(select(Listing).where(Listing.connection_id == conn.id, Listing.sku == sku)).first()
        assert (conn.stock_buffer, conn.stock_max, conn.stock_push) == (2, 50, True)
        assert listing.push_mode == "never"
    refused = cli("stock", "rules", "shop", "--sku", "NO-SUCH-SKU", "--buffer", "1", code=1)
    assert "has no listing with SKU 'NO-SUCH-SKU'" in str(refused.exception)
    hub.close()


def test_removing_a_connection_keeps_its_orders(cli, shop):
    cli("connections", "add", "woocommerce", "shop", "--no-webhooks", *[f"--set={k}={v}" for k, v in shop.items()])
    cli("sync", "shop")
    assert "removed connection 'shop'; its orders stay" in cli("connections", "remove", "shop", "--yes").output
    hub = Hub.open(load_config())
    with hub.db.session() as s:
        assert s.scalar(select(Connection).where(Connection.name == "shop")) is None
        assert len(s.scalars(select(OrderRow)).all()) == 6
    hub.close()

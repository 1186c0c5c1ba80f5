"""End to end: the hub, a WooCommerce sandbox over real HTTP on loopback, and the hub's own web server."""

from __future__ import annotations

import pytest
from channels.harness import SandboxControl
from sqlalchemy import func, select

from ordersync.channels.sdk.serving import free_port, serve_in_thread
from ordersync.channels.woocommerce.sandbox import create_sandbox
from ordersync.config import Config
from ordersync.store.models import OrderRow
from ordersync.sync.connections import add_connection, build_connector, load, save_state, webhook_url
from ordersync.sync.hub import Hub
from ordersync.web.app import create_app


class Shop(SandboxControl):
    """A sandbox served on loopback; ``server`` stops it."""

    def __init__(self, sandbox, server) -> None:
        super().__init__(sandbox, server.base_url)
        self.server = server


def start_shop(orders: int, seed: int = 5, system: str = "woocommerce", **options) -> Shop:
    """A sandbox of ``system`` on loopback (WooCommerce unless said otherwise)."""
    factory = create_sandbox
    if system == "shopify":
        from ordersync.channels.shopify.sandbox import create_sandbox as factory
    sandbox = factory(seed=seed, orders=orders, **options)
    return Shop(sandbox, serve_in_thread(sandbox.app))


def order_count(hub: Hub) -> int:
    with hub.db.session() as s:
        return s.scalar(select(func.count()).select_from(OrderRow))


@pytest.fixture
def web_hub(tmp_path, database_url, hub_config):
    """A hub whose public URL is its own web server on loopback, so shops can deliver webhooks to it."""
    port = free_port()
    config = Config(
        home=hub_config.home,
        database_url=database_url,
        base_url=f"http://127.0.0.1:{port}",
        master_key=hub_config.master_key,
        redis_url=None,
    )
    hub = Hub.open(config, migrate=False)
    server = serve_in_thread(create_app(hub), port=port)
    yield hub
    server.stop()
    hub.close()


def connect(hub: Hub, shop: Shop, name: str = "shop", system: str = "woocommerce", **settings) -> int:
    return add_connection(hub, system, name, shop.settings() | settings)


def register_webhooks(hub: Hub, conn: int) -> str:
    """Register the shop's webhooks as `connections add` does; returns the hub's address for them."""
    row = load(hub, conn)
    connector = build_connector(hub, row)
    connector.register_webhooks()
    save_state(hub, conn, connector.context.state)
    connector.close()
    return webhook_url(hub, row)

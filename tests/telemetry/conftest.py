from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.woocommerce.sandbox import create_sandbox
from ordersync.sync import connections as conns
from ordersync.web.app import create_app


class Shop:
    def __init__(self, sandbox, server, connection_id: int) -> None:
        self.sandbox, self.server, self.connection_id = sandbox, server, connection_id


@pytest.fixture
def shop(hub):
    """A WooCommerce sandbox with 5 orders over loopback HTTP, connected to the hub's default account."""
    sandbox = create_sandbox(seed=5, orders=5, products=3)
    server = serve_in_thread(sandbox.app)
    try:
        conn_id = conns.add_connection(hub, "woocommerce", "Shop", sandbox.settings_for(server.base_url))
        yield Shop(sandbox, server, conn_id)
    finally:
        server.stop()
        sandbox.close()


@pytest.fixture
def local_client(hub):
    """The hub's web app as seen from loopback (the default allow list); intake only stores deliveries."""
    return TestClient(create_app(hub, on_delivery=lambda connection_id: None), client=("127.0.0.1", 40000))

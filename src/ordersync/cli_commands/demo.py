"""`serve --demo`: a WooCommerce sandbox on loopback, connected as "demo-shop", so the hub has data at once."""

from __future__ import annotations

import json

from ..cli_shared import out
from .runtime import make_sandbox

DEMO_NAME = "demo-shop"


def start_demo(hub, orders: int = 250, seed: int = 1):
    from sqlalchemy import select

    from ..channels.sdk.serving import free_port, serve_in_thread
    from ..channels.sdk.urlguard import allow_loopback
    from ..store.models import Connection
    from ..sync import connections as conns

    allow_loopback()  # the demo's own sandbox lives on loopback, which the URL guard refuses by default
    box = make_sandbox("woocommerce", seed, orders)
    server = serve_in_thread(box.app, port=free_port())
    settings = box.settings_for(server.base_url)
    with hub.db.session() as s:
        row = s.scalar(select(Connection).where(Connection.name == DEMO_NAME))
        if row is not None:  # the sandbox gets a new port on every start
            public = json.loads(row.settings_json)
            public["url"] = settings["url"]
            row.settings_json = json.dumps(public)
    conn_id = (
        row.id if row is not None else conns.add_connection(hub, "woocommerce", DEMO_NAME, settings, poll_interval=60)
    )
    row = conns.load(hub, conn_id)
    connector = conns.build_connector(hub, row)
    try:
        connector.register_webhooks()
        conns.save_state(hub, row.id, connector.context.state)
    finally:
        connector.close()
    out.print(f"demo WooCommerce sandbox at {server.base_url} ({orders} orders), connected as {DEMO_NAME!r}")
    return server

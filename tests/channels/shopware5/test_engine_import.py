"""The engine over the Shopware 5 connector: a re-read of unchanged orders (fingerprints lost) changes
nothing, because the mapped order hashes the same without a change timestamp; a status set in the backend
on an old order arrives as one update."""

from __future__ import annotations

from sqlalchemy import select

from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.shopware5.sandbox import create_sandbox
from ordersync.store.models import OrderRow
from ordersync.sync.connections import add_connection, save_state
from ordersync.sync.importer import import_orders


def test_rereads_are_idempotent_and_backend_changes_arrive(hub):
    sandbox = create_sandbox(seed=9, orders=0)
    old = sandbox.control_orders({"create": [{"seconds_ago": 30 * 86400}, {"seconds_ago": 60}]})["created"]
    with serve_in_thread(sandbox.app) as server:
        conn = add_connection(hub, "shopware5", "shop", sandbox.settings_for(server.base_url))
        first = import_orders(hub, conn)
        assert (first.error, first.created) == ("", 2)
        save_state(hub, conn, {})  # fingerprints lost: every watched order is read in detail again
        again = import_orders(hub, conn)
        assert again.error == "" and again.fetched == 2 and (again.created, again.updated) == (0, 0)
        sandbox.control_orders({"update": [{"id": old[0], "orderStatusId": 7, "trackingCode": "JJD0099"}]})
        changed = import_orders(hub, conn)
        assert (changed.error, changed.created, changed.updated, changed.fetched) == ("", 0, 1, 1)
    sandbox.close()
    with hub.db.session() as s:
        row = s.scalars(select(OrderRow).where(OrderRow.external_id == str(old[0]))).one()
    assert row.channel_status == "completely_delivered"

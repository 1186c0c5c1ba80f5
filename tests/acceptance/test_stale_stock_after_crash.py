"""A dispatcher that dies after sending a stock value must never let that value overwrite a newer one."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.woocommerce.sandbox import create_sandbox
from ordersync.domain import StockUpdate
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import Listing, OutboxEntry
from ordersync.sync import articles, dispatcher, stock
from ordersync.sync.connections import add_connection, build_connector, load


def test_a_value_sent_by_a_dead_dispatcher_is_superseded_not_resent(hub):
    box = create_sandbox(seed=1, orders=0, products=3)
    with serve_in_thread(box.app) as server:
        conn = add_connection(hub, "woocommerce", "shop", box.settings_for(server.base_url))
        articles.import_articles(hub, conn)
        with hub.db.session() as s:
            listing = s.scalars(select(Listing).order_by(Listing.id)).first()
            sku, target = listing.sku, listing.variant_external_id or listing.product_external_id
        dispatcher.dispatch(hub)
        stock.correct(hub, sku, "set", Decimal(10))
        with hub.db.session() as s:
            first = s.scalars(
                select(OutboxEntry).where(OutboxEntry.listing_id == listing.id, OutboxEntry.status == "pending")
            ).one()
            first_id, payload = first.id, json.loads(first.payload)
        # dispatcher A claims the value 10 and sends it, then dies before recording that it did
        assert set(dispatcher._claim(hub, [first_id], utcnow())) == {first_id}
        connector = build_connector(hub, load(hub, conn))
        try:
            connector.push_stock([StockUpdate(**payload)])
        finally:
            connector.close()
        stock.correct(hub, sku, "set", Decimal(9))
        dispatcher.dispatch(hub)  # B: the newer value waits while the older one may still be in flight
        dispatcher.dispatch(hub, now=utcnow() + dispatcher.CLAIM_LEASE + timedelta(minutes=1))
        sent = [r["body"]["stock_quantity"] for r in box.ledger.entries("*.stock") if r["resource_id"] == target]
    assert sent[-1] == 9 and sent.count(10) == 1, sent
    with hub.db.session() as s:
        assert s.get(OutboxEntry, first_id).status == "superseded"
        assert s.get(Listing, listing.id).channel_stock == 9

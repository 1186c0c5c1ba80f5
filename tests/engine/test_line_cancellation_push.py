"""A line cancellation goes to the channel only if its connector declares ``cancels_lines``; otherwise
nothing is queued and the order's history tells the seller to cancel on the channel too. (The push itself,
exactly once, is the conformance case tests/conformance/test_line_cancellations.py.)"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from ordersync.channels.sdk.records import Page
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OrderEvent, OrderRow, OutboxEntry
from ordersync.sync import fulfilment
from ordersync.sync.importer import store_page

from .memshop import MemShop, make_order


def test_a_channel_without_line_cancellations_gets_nothing_and_the_history_says_so(hub, memshop):
    assert not MemShop.cancels_lines()
    store_page(
        hub, hub.account_id(), memshop, Page([make_order(1, modified=utcnow() - timedelta(hours=1))]), source="poll"
    )
    with hub.db.session() as s:
        order_id = s.scalar(select(OrderRow.id))
    fulfilment.cancel_lines(hub, order_id, [("1-1", Decimal(1))], reason="damaged")
    with hub.db.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxEntry)) == 0
        texts = list(s.scalars(select(OrderEvent.text).where(OrderEvent.order_id == order_id)))
    assert any("takes no line cancellations" in t for t in texts), texts

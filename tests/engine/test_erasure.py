"""Erasing a buyer's personal data (application.erasure): only that buyer, only on that connection, exactly
once; names that look alike (a LIKE wildcard, a longer id) are left alone."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from ordersync.application.erasure import erase_buyer
from ordersync.channels.sdk.records import Page
from ordersync.domain import Buyer, Order
from ordersync.domain.codec import from_data
from ordersync.hub import HubError
from ordersync.store.models import OrderEvent, OrderRow
from ordersync.sync.connections import add_connection
from ordersync.sync.importer import import_orders, store_page

from .memshop import MemShop, make_order

LINE = "personal data erased at the buyer's request (test request)"


def stored(hub, conn: int) -> dict[str, tuple[Order, str, list[str]]]:
    with hub.db.session() as s:
        return {
            row.external_id: (
                from_data(Order, json.loads(row.data)),
                row.buyer_name,
                list(s.scalars(select(OrderEvent.text).where(OrderEvent.order_id == row.id))),
            )
            for row in s.scalars(select(OrderRow).where(OrderRow.connection_id == conn))
        }


def test_only_the_named_buyer_on_that_connection_is_erased_once(hub, memshop):
    for n, buyer in enumerate(("anna_m001", "annaXm001", "anna_m0012", "anna_m001"), 1):
        order = make_order(n)
        order.buyer = Buyer(external_id=buyer, email=f"{buyer}@example.com", first_name="Anna", last_name="M")
        order.buyer_note = "please ring twice"
        MemShop.orders[order.external_id] = order
    other = add_connection(hub, "memshop", "mem2", {"token": "t0ps3cret"})
    assert import_orders(hub, memshop).created == 4 and import_orders(hub, other).created == 4

    assert erase_buyer(hub, memshop, "anna_m001", "test request").orders == 2
    assert erase_buyer(hub, memshop, "anna_m001", "test request").total == 0  # nothing left to erase
    after = stored(hub, memshop)
    for erased in ("1", "4"):
        order, name, history = after[erased]
        assert order.buyer == Buyer() and name == "" and order.buyer_note == ""
        assert (order.invoice_address.street, order.invoice_address.city, order.invoice_address.country) == (
            "",
            "",
            "DE",
        )
        assert order.total == MemShop.orders[erased].total and history.count(LINE) == 1
    for kept in ("2", "3"):
        order, name, history = after[kept]
        assert order.buyer.email and name and order.invoice_address.city == "Berlin" and LINE not in history
    assert all(order.buyer.external_id and LINE not in history for order, _, history in stored(hub, other).values())

    # the channel sends the same records again (an overlapping window): they write nothing back
    again = store_page(hub, hub.account_id(), memshop, Page(list(MemShop.orders.values())), source="poll")
    assert (again.updated, again.unchanged) == (0, 4)
    assert stored(hub, memshop)["1"][0].buyer == Buyer()


def test_a_request_without_a_buyer_or_for_a_removed_connection_is_refused(hub, memshop):
    with pytest.raises(HubError, match="must name the buyer"):
        erase_buyer(hub, memshop, "  ", "test request")
    with pytest.raises(HubError, match="no longer exists"):
        erase_buyer(hub, memshop + 1000, "anna_m001", "test request")

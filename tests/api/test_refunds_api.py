"""Issue 16 item 3: a partly refunded order shows its refunds, refunded amount and refunded quantities."""

from __future__ import annotations

from decimal import Decimal

from ordersync.domain import OrderState, Refund, RefundItem
from ordersync.sync.reservations import apply_orders
from ordersync.sync.upsert import upsert_orders

from .seed import T0, make_order


def refunded_order(hub, tenant) -> int:
    order = make_order("alpha", 9, state=OrderState.SHIPPED)
    order.refunds = [
        Refund(
            "r-1",
            Decimal("7.50"),
            "EUR",
            reason="Tasse zerbrochen",
            refunded_at=T0,
            items=[RefundItem("alpha-9-1", Decimal(1), Decimal("7.50"))],
        )
    ]
    with hub.db.session() as s:
        counts = upsert_orders(
            s, tenant.account_id, tenant.connection_id, [order], article_of=lambda item: tenant.article_ids[0]
        )
        apply_orders(s, counts.created_ids, new_ids=set(counts.created_ids))
        return counts.created_ids[0]


def test_an_order_shows_its_partial_refund(api):
    order_id = refunded_order(api.hub, api.a)
    o = api.a_("GET", f"/api/v1/orders/{order_id}").json()["Data"]
    assert o["RefundedAmount"] == "7.50" and o["RefundStatus"] == "partial" and o["StateName"] == "Shipped"
    assert o["OrderItems"][0]["RefundedQuantity"] == "1" and o["OrderItems"][0]["Quantity"] == "2"
    (refund,) = o["Refunds"]
    assert refund == {
        "Id": "r-1",
        "Amount": "7.50",
        "Currency": "EUR",
        "Reason": "Tasse zerbrochen",
        "RefundedAt": "2026-03-01T09:00:00+00:00",
        "Items": [
            {"TransactionId": "alpha-9-1", "SKU": "ALPHA-MUG", "Title": "Tasse", "Quantity": "1", "Amount": "7.50"}
        ],
    }
    listed = {x["BillBeeOrderId"]: x for x in api.a_("GET", "/api/v1/orders").json()["Data"]}
    assert listed[order_id]["RefundedAmount"] == "7.50" and listed[order_id]["RefundStatus"] == "partial"
    other = api.a.order_ids[0]
    assert listed[other]["RefundedAmount"] == "0.00" and listed[other]["RefundStatus"] == "none"
    plain = api.a_("GET", f"/api/v1/orders/{other}").json()["Data"]
    assert plain["Refunds"] == [] and plain["OrderItems"][0]["RefundedQuantity"] == "0"

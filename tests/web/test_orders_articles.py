"""Orders (inbox, detail, actions, bulk) and articles (list, detail, stock) through the UI."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import func, select

from ordersync import accounts
from ordersync.domain import OrderState
from ordersync.store.models import OrderRow, OutboxEntry, ShipmentRow, StockLevel
from ordersync.web.app import create_app

from .conftest import PASSWORD, Browser
from .seed import seed_account


def _browser(hub, user) -> Browser:
    b = Browser(create_app(hub))
    b.login(user.email)
    return b


def _state(hub, order_id: int) -> int:
    with hub.db.session() as s:
        return s.get(OrderRow, order_id).state


def test_inbox_filters_sorts_and_pages(hub):
    a = seed_account(hub, "O", orders=30)
    b = _browser(hub, a.user)
    page = b.get("/orders").text
    assert "30 orders" in page and "O-1000" in page and "O-1029" in page
    assert "Page 1 of 1" in page
    first = b.get("/orders?size=25").text
    assert "Page 1 of 2" in first and "O-1000" in first and "O-1029" not in first  # newest first
    second = b.get("/orders?size=25&page=2").text
    assert "O-1029" in second and "O-1000" not in second
    assert b.get("/orders?size=25&page=99").text.count("O-10") == second.count("O-10")  # past the end: last page
    oldest_first = b.get("/orders?sort=created&size=25").text
    assert "O-1029" in oldest_first and "O-1000" not in oldest_first
    found = b.get("/orders?q=buyer7%40o.example").text
    assert re.search(r"\b1 order\b(?!s)", found) and "O-1007" in found  # one order, in the singular
    assert "O-1003" in b.get("/orders?q=SKU-O-1").text
    assert "No order matches" in b.get(f"/orders?state={int(OrderState.SHIPPED)}").text
    assert "30 orders" in b.get(f"/orders?state={int(OrderState.PAID)}&conn={a.connection_id}").text
    bad = b.get("/orders?from=yesterday").text
    assert "yesterday is not a date" in bad and "30 orders" in bad
    assert "No order matches" in b.get("/orders?from=2999-01-01").text


def test_order_page_and_actions(hub):
    a = seed_account(hub, "P")
    b = _browser(hub, a.user)
    order_id = a.order_ids[0]
    page = b.get(f"/orders/{order_id}").text
    for text in ("Item of P", "Hauptstr. 1", "10115 Berlin", "Germany", "History and messages", "Ship"):
        assert text in page
    r = b.post(f"/orders/{order_id}/ship", {"carrier": "DHL", "tracking_number": ""})
    assert r.status_code == 303
    assert "Enter both the carrier and the tracking number." in b.get(f"/orders/{order_id}").text
    b.post(f"/orders/{order_id}/ship", {"carrier": "DHL", "tracking_number": "JJD0099", "tracking_url": "ftp://x"})
    assert "must start with https://" in b.get(f"/orders/{order_id}").text
    b.post(f"/orders/{order_id}/ship", {"carrier": "DHL", "tracking_number": "JJD0099"})
    page = b.get(f"/orders/{order_id}").text
    assert "Shipment JJD0099 saved" in page and "JJD0099" in page
    assert _state(hub, order_id) == OrderState.SHIPPED
    with hub.db.session() as s:
        kinds = set(
            s.scalars(select(OutboxEntry.kind).where(OutboxEntry.order_id == order_id, OutboxEntry.status == "pending"))
        )
    assert {"tracking", "state"} <= kinds  # written with the change, sent by the worker
    b.post(f"/orders/{order_id}/state", {"state": str(int(OrderState.CLOSED)), "comment": "done"})
    assert _state(hub, order_id) == OrderState.CLOSED
    assert b.post(f"/orders/{order_id}/state", {"state": "999"}).status_code == 400
    b.post(f"/orders/{order_id}/message", {"subject": "Hi", "text": "Your parcel is on its way"})
    assert "The message is on its way." in b.get(f"/orders/{order_id}").text
    b.post(f"/orders/{order_id}/tags", {"tag": "VIP"})
    assert "VIP" in b.get(f"/orders/{order_id}").text and "P-1000" in b.get("/orders?tag=VIP").text
    b.post(f"/orders/{order_id}/tags/remove", {"tag": "VIP"})
    assert "No order matches" in b.get("/orders?tag=VIP").text
    assert b.get("/orders/999999").status_code == 404


def test_bulk_state_and_bulk_shipment(hub):
    a = seed_account(hub, "K", orders=4)
    b = _browser(hub, a.user)
    ids = a.order_ids
    r = b.post(
        "/orders/bulk/state",
        [("ids", str(i)) for i in ids[:2]] + [("state", str(int(OrderState.PACKED))), ("back", "/orders?size=25")],
    )
    assert r.headers["location"] == "/orders?size=25"
    assert [_state(hub, i) for i in ids] == [OrderState.PACKED] * 2 + [OrderState.PAID] * 2
    assert "2 orders changed to Packed." in b.get("/orders").text
    form = b.post("/orders/bulk/ship", [("ids", str(i)) for i in ids[2:]])
    assert form.status_code == 200 and f'name="tracking_{ids[2]}"' in form.text
    r = b.post(
        "/orders/bulk/ship/confirm",
        [
            ("ids", str(ids[2])),
            ("ids", str(ids[3])),
            ("carrier", "DPD"),
            (f"tracking_{ids[2]}", "DPD-1"),
            (f"tracking_{ids[3]}", ""),
        ],
    )
    assert r.status_code == 303
    with hub.db.session() as s:
        assert s.scalars(select(ShipmentRow.tracking_number)).all() == ["DPD-1"]
    assert _state(hub, ids[2]) == OrderState.SHIPPED and _state(hub, ids[3]) == OrderState.PAID
    assert "Select at least one order." in b.get(b.post("/orders/bulk/state", {"state": "4"}).headers["location"]).text


def test_read_only_users_see_no_write_buttons_and_get_403(hub):
    a = seed_account(hub, "Q")
    reader = accounts.create_user(hub, "reader@q.example", PASSWORD, "readonly", account_name=a.user.account_name)
    b = _browser(hub, reader)
    order_id, article_id = a.order_ids[0], a.article_id
    page = b.get(f"/orders/{order_id}").text
    assert "Item of Q" in page and 'id="ship-card"' not in page and "/state" not in page
    assert "Set state" not in b.get("/orders").text
    assert "Save stock" not in b.get(f"/articles/{article_id}").text
    for path, form in (
        (f"/orders/{order_id}/ship", {"carrier": "DHL", "tracking_number": "X"}),
        (f"/orders/{order_id}/state", {"state": "8"}),
        (f"/orders/{order_id}/message", {"text": "x"}),
        (f"/orders/{order_id}/tags", {"tag": "x"}),
        ("/orders/bulk/state", {"ids": str(order_id), "state": "8"}),
        (f"/articles/{article_id}/stock", {"mode": "set", "quantity": "0"}),
    ):
        r = b.post(path, form)
        assert r.status_code == 403 and "Your role can only read" in r.text, path
    assert _state(hub, order_id) == OrderState.PAID
    with hub.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ShipmentRow)) == 0


def test_articles_list_detail_and_stock(hub):
    a = seed_account(hub, "S")
    b = _browser(hub, a.user)
    page = b.get("/articles").text
    assert "SKU-S-1" in page and re.search(r"\b1 article\b(?!s)", page)  # the singular for one
    assert "No articles found" in b.get("/articles?q=nothing-like-this").text
    detail = b.get(f"/articles/{a.article_id}").text
    assert "Listing of S" in detail and "initial S" in detail and "Shop-S" in detail
    b.post(f"/articles/{a.article_id}/stock", {"mode": "set", "quantity": "25", "reason": "inventory count"})
    detail = b.get(f"/articles/{a.article_id}").text
    assert "Stock saved" in detail and "inventory count" in detail
    b.post(f"/articles/{a.article_id}/stock", {"mode": "remove", "quantity": "2,5"})
    with hub.db.session() as s:
        assert s.scalar(select(StockLevel.on_hand).where(StockLevel.article_id == a.article_id)) == Decimal("22.5")
    b.post(f"/articles/{a.article_id}/stock", {"mode": "add", "quantity": "-3"})
    assert "Enter a quantity of 0 or more." in b.get(f"/articles/{a.article_id}").text
    assert b.get("/articles/999999").status_code == 404


def test_german_pages(hub):
    a = seed_account(hub, "G")
    accounts.set_locale(hub, a.user.id, "de")
    b = _browser(hub, a.user)
    inbox = b.get("/orders").text
    assert "Bestellungen" in inbox and "Zahlung erhalten" in inbox and "19,90\xa0€" in inbox
    detail = b.get(f"/orders/{a.order_ids[0]}").text
    assert "Lieferadresse" in detail and "Deutschland" in detail
    assert "Einstellungen / Shops" in b.get("/settings/shops").text
    guide = b.get("/settings/shops/new/woocommerce").text
    assert "REST-API-Schlüssel anlegen" in guide and "Verbindung testen" in guide


def test_forward_an_order_to_a_supplier(hub):
    from ordersync.forwarding.targets import add_target
    from ordersync.store.models_messaging import OrderForward

    a = seed_account(hub, "F")
    b = _browser(hub, a.user)
    order_id = a.order_ids[0]
    assert "/forward" not in b.get(f"/orders/{order_id}").text  # no target yet, no card
    add_target(hub, "Supplier", "http", "https://supplier.example.com/orders", account=a.user.account_name)
    assert "Forward order" in b.get(f"/orders/{order_id}").text
    b.post(f"/orders/{order_id}/forward", {"target": "Supplier"})
    assert "The order is queued for Supplier" in b.get(f"/orders/{order_id}").text
    b.post(f"/orders/{order_id}/forward", {"target": "Supplier"})
    assert "already forwarded" in b.get(f"/orders/{order_id}").text
    with hub.db.session() as s:
        assert s.scalar(select(func.count()).select_from(OrderForward)) == 1


def test_the_order_page_shows_a_partial_refund(hub):
    """Issue 16 item 3: refunds, the refunded amount and quantities, in English and German."""
    import json

    from ordersync.domain import Order, Refund, RefundItem
    from ordersync.domain.codec import from_data
    from ordersync.sync.upsert import upsert_orders

    a = seed_account(hub, "R", orders=1)
    with hub.db.session() as s:
        row = s.scalar(select(OrderRow))
        order_id, account_id, connection_id = row.id, row.account_id, row.connection_id
    detail = _browser(hub, a.user).get(f"/orders/{order_id}").text
    assert 'id="refund-status"' not in detail and 'id="refunds"' not in detail
    with hub.db.session() as s:
        order = from_data(Order, json.loads(s.get(OrderRow, order_id).data))
    item = order.items[0]
    order.refunds = [
        Refund(
            "r-7",
            Decimal("5.00"),
            order.currency,
            reason="Kratzer",
            refunded_at=order.updated_at,
            items=[RefundItem(item.external_id, Decimal(1), Decimal("5.00"))],
        )
    ]
    order.updated_at = order.updated_at.replace(year=order.updated_at.year + 1)
    with hub.db.session() as s:
        assert upsert_orders(s, account_id, connection_id, [order]).updated == 1
    b = _browser(hub, a.user)
    page = b.get(f"/orders/{order_id}").text
    assert 'id="refund-status"' in page and "partially refunded" in page and 'id="refunds"' in page
    assert "Kratzer" in page and "1 refunded" in page
    b.post("/language", {"lang": "de", "next": f"/orders/{order_id}"})
    german = b.get(f"/orders/{order_id}").text
    assert "teilweise erstattet" in german and "Erstattungen" in german

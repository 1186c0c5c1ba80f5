"""The order page of an order whose channel wants it accepted or rejected (ACKNOWLEDGE_ORDERS) offers both
buttons until someone decided; the decision is queued once for the channel, a rejection needs a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from acceptance.ackshop import AckShop, _order
from sqlalchemy import select

from ordersync import accounts
from ordersync.channels import registry
from ordersync.channels.sdk.records import Page
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OrderAcknowledgement, OrderRow, OutboxEntry
from ordersync.sync.connections import add_connection, build_connector, load
from ordersync.sync.importer import store_page
from ordersync.web.app import create_app

from .conftest import PASSWORD, Browser


@pytest.fixture
def ackshop():
    registry.register(AckShop, replace=True)
    yield
    registry.unregister(AckShop.system)


def _awaiting_order(hub) -> tuple[int, accounts.UserInfo]:
    user = accounts.create_user(hub, "ack@example.com", PASSWORD, "owner", account_name="Ack")
    conn = add_connection(
        hub, "ackshop", "market", {"url": "http://127.0.0.1:9", "auto_accept": False}, account=user.account_name
    )
    when = (utcnow() - timedelta(minutes=5)).isoformat()
    raw = {
        "id": "A-1",
        "number": "1001",
        "created": when,
        "updated": when,
        "currency": "EUR",
        "total": "19.90",
        "accept_by": (utcnow() + timedelta(days=2)).isoformat(),
        "acknowledgement": None,
        "lines": [{"id": "A-1-1", "sku": "MUG-1", "title": "Tasse", "quantity": 1, "price": "19.90"}],
    }
    connector = build_connector(hub, load(hub, conn))
    store_page(hub, user.account_id, conn, Page([_order(raw)]), source="poll", connector=connector)
    connector.close()
    with hub.db.session() as s:
        return s.scalar(select(OrderRow.id)), user


def test_reject_needs_a_reason_then_the_decision_is_queued_once_and_the_buttons_go(hub, ackshop):
    order_id, user = _awaiting_order(hub)
    b = Browser(create_app(hub))
    b.login(user.email)
    page = b.get(f"/orders/{order_id}").text
    assert 'id="acknowledge-form"' in page and "Accept order" in page and "Reject order" in page
    b.post(f"/orders/{order_id}/acknowledge", {"decision": "reject", "reason": ""})
    assert "Enter a reason to reject the order." in b.get(f"/orders/{order_id}").text
    b.post(f"/orders/{order_id}/acknowledge", {"decision": "reject", "reason": "sold out"})
    page = b.get(f"/orders/{order_id}").text
    assert "Rejected; the channel is told in a moment." in page and 'id="acknowledge-form"' not in page
    b.post(f"/orders/{order_id}/acknowledge", {"decision": "accept"})
    assert "accepted or rejected already" in b.get(f"/orders/{order_id}").text
    with hub.db.session() as s:
        assert [(a.accept, a.reason) for a in s.scalars(select(OrderAcknowledgement))] == [(False, "sold out")]
        assert [e.kind for e in s.scalars(select(OutboxEntry))] == ["ack"]


def test_the_buttons_in_german(hub, ackshop):
    order_id, user = _awaiting_order(hub)
    accounts.set_locale(hub, user.id, "de")
    b = Browser(create_app(hub))
    b.login(user.email)
    assert "Bestellung annehmen" in b.get(f"/orders/{order_id}").text

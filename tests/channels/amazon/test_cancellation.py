"""A seller's cancellation through the order acknowledgement feed: sent with a reason code, settled when
Amazon processed the feed (the sandbox's order turns Canceled), an order Amazon cannot cancel refused before
anything is sent, and a lost createFeed answer recognised by the order's status, never a second feed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from ordersync.channels.amazon import cancellation
from ordersync.channels.amazon.connector import AmazonConnector
from ordersync.channels.amazon.sandbox import create_sandbox
from ordersync.channels.sdk import xml
from ordersync.channels.sdk.async_push import DONE, PushJob
from ordersync.channels.sdk.errors import PermanentError
from ordersync.channels.sdk.records import OrderRef
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.domain import OrderState
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OrderRow, OutboxEntry
from ordersync.sync import actions, dispatcher
from ordersync.sync.connections import add_connection
from ordersync.sync.importer import import_orders


def test_the_feed_names_the_order_its_items_and_the_reason():
    root = xml.parse(cancellation.feed_document("A3SELLER", "302-1-2", ["111", "222"], "BuyerCanceled"))
    assert xml.find_text(root, "MessageType") == "OrderAcknowledgement"
    ack = xml.find_all(root, "Message", "OrderAcknowledgement")[0]
    assert xml.find_text(ack, "AmazonOrderID") == "302-1-2" and xml.find_text(ack, "StatusCode") == "Failure"
    assert [
        (xml.find_text(i, "AmazonOrderItemCode"), xml.find_text(i, "CancelReason")) for i in xml.find_all(ack, "Item")
    ] == [("111", "BuyerCanceled"), ("222", "BuyerCanceled")]
    assert cancellation.reason_of("buyercanceled, sorry", "NoInventory") == "BuyerCanceled"
    assert cancellation.reason_of("BuyerCanceled", "NoInventory") == "BuyerCanceled"
    assert cancellation.reason_of("kein Grund", "NoInventory") == "NoInventory"


@pytest.fixture
def served():
    sandbox = create_sandbox(seed=6, orders=0)
    with serve_in_thread(sandbox.app) as server:
        sandbox.control_orders({"action": "configure", "feed_seconds": 0})
        yield sandbox, sandbox.settings_for(server.base_url)
    sandbox.close()


def test_a_cancellation_is_a_feed_settled_by_the_order_status(served):
    sandbox, settings = served
    oid = sandbox.control_orders({"action": "create", "count": 1})["ids"][0]
    connector = AmazonConnector({**settings, "cancel_reason": "ShippingAddressUndeliverable"})
    assert connector.channel_status_for(OrderState.CANCELLED) == "Canceled"
    result = connector.push_state(OrderRef(oid), OrderState.CANCELLED, "")
    assert result.job_id and [e["body"]["feedType"] for e in sandbox.ledger.entries("feed.create")] == [
        "POST_ORDER_ACKNOWLEDGEMENT_DATA"
    ]
    assert connector.check_push(PushJob(result.job_id, "ref", "state", (0,), oid)).state == DONE
    assert sandbox.seller.orders[oid]["OrderStatus"] == "Canceled"
    assert [e["changes"]["reason"] for e in sandbox.ledger.entries("order.cancel")] == ["ShippingAddressUndeliverable"]
    assert connector.push_state(OrderRef(oid), OrderState.CANCELLED, "").already_done
    # the lost answer of a submit is found by the order's status
    assert connector.check_push(PushJob("", "ref", "state", (0,), oid)).state == DONE
    connector.close()


def test_an_order_amazon_cannot_cancel_is_refused_before_a_feed(served):
    sandbox, settings = served
    shipped = sandbox.control_orders({"action": "create", "count": 1, "status": "Shipped"})["ids"][0]
    fba = sandbox.control_orders({"action": "create", "count": 1, "channel": "AFN"})["ids"][0]
    connector = AmazonConnector(settings)
    with pytest.raises(PermanentError, match="status Shipped"):
        connector.push_state(OrderRef(shipped), OrderState.CANCELLED, "")
    with pytest.raises(PermanentError, match="fulfilled by Amazon"):
        connector.push_state(OrderRef(fba), OrderState.CANCELLED, "")
    other = connector.push_state(OrderRef(shipped), OrderState.PAID, "")
    assert other.ok and "stays in the hub" in other.detail
    connector.close()
    assert sandbox.ledger.entries("feed.create") == []


def test_a_cancellation_whose_feed_reports_an_error_fails_with_amazons_reason(served):
    sandbox, settings = served
    oid = sandbox.control_orders({"action": "create", "count": 1})["ids"][0]
    connector = AmazonConnector(settings)
    result = connector.push_state(OrderRef(oid), OrderState.CANCELLED, "")
    sandbox.control_orders({"action": "status", "id": oid, "status": "Shipped"})  # shipped before Amazon processed it
    outcome = connector.check_push(PushJob(result.job_id, "ref", "state", (0,), oid))
    connector.close()
    assert outcome.state == "failed" and "status Shipped and cannot be canceled" in outcome.reason


def test_the_hub_cancels_once_through_a_lost_answer(hub, served):
    sandbox, settings = served
    oid = sandbox.control_orders({"action": "create", "count": 1})["ids"][0]
    conn = add_connection(hub, "amazon", "amazon", {**settings, "timeout": 2})
    assert import_orders(hub, conn).created == 1
    with hub.db.session() as s:
        order_id = s.scalar(select(OrderRow.id))
    assert actions.set_state(hub, order_id, OrderState.CANCELLED, comment="BuyerCanceled")
    lost = sandbox.faults.add(
        kind="delay", seconds=3, phase="after", count=1, method="POST", path="/feeds/2021-06-30/feeds"
    )
    assert dispatcher.dispatch(hub).awaiting == 1
    assert lost.hits == 1
    for minutes in (5, 30, 60):
        dispatcher.dispatch(hub, now=utcnow() + timedelta(minutes=minutes))
    with hub.db.session() as s:
        assert s.scalar(select(OutboxEntry.status).where(OutboxEntry.kind == "state")) == "done"
    assert len(sandbox.ledger.entries("feed.create")) == 1
    assert [(e["resource_id"], e["changes"]["reason"]) for e in sandbox.ledger.entries("order.cancel")] == [
        (oid, "BuyerCanceled")
    ]

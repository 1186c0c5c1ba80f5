"""ACKNOWLEDGE_ORDERS end to end: new orders of a marketplace that requires acceptance are accepted exactly
once through the outbox, across a lost answer and re-imports, and the order shows it with the deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest
from channels.harness import SandboxControl
from sqlalchemy import select

from ordersync import accounts
from ordersync.channels import registry
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OrderAcknowledgement, OrderRow, OutboxEntry
from ordersync.sync import dispatcher
from ordersync.sync.connections import add_connection
from ordersync.sync.importer import import_orders

from .ackshop import AckSandbox, AckShop


@pytest.fixture
def ackshop():
    registry.register(AckShop, replace=True)
    sandbox = AckSandbox(orders=2)
    server = serve_in_thread(sandbox.app)
    yield SandboxControl(sandbox, server.base_url)
    server.stop()
    registry.unregister("ackshop")


def test_new_orders_are_accepted_exactly_once_through_a_lost_answer_and_reimports(web_hub, ackshop):
    hub = web_hub
    conn = add_connection(hub, "ackshop", "market", ackshop.settings())
    import_orders(hub, conn)
    with hub.db.session() as s:
        assert sorted(s.scalars(select(OutboxEntry.kind))) == ["ack", "ack"]
    # the first acknowledgement reaches the platform but its answer is lost: the retry must see it done
    ackshop.faults({"kind": "error", "status": 503, "phase": "after", "count": 1, "path": "/api/orders/*/acknowledge"})
    when = utcnow()
    for _ in range(4):
        dispatcher.dispatch(hub, now=when)
        when += timedelta(hours=1)
    ackshop.orders({"create": 1, "touch": ["A-1", "A-2"]})
    again = import_orders(hub, conn)  # again (changed on the platform), A-3 new
    assert (again.created, again.fetched) == (1, 3)
    import_orders(hub, conn)
    for _ in range(4):
        dispatcher.dispatch(hub, now=when)
        when += timedelta(hours=1)

    assert [r["status"] for r in ackshop.requests("/api/orders/", "POST")].count(503) == 1  # the fault did fire
    ledger = ackshop.ledger("order.acknowledge")
    assert sorted(e["resource_id"] for e in ledger) == ["A-1", "A-2", "A-3"]
    assert all(e["body"] == {"accepted": True, "reason": ""} for e in ledger)
    with hub.db.session() as s:
        assert [(e.status) for e in s.scalars(select(OutboxEntry).where(OutboxEntry.kind == "ack"))] == ["done"] * 3
        assert all(a.sent_at is not None for a in s.scalars(select(OrderAcknowledgement)))
        order_id = s.scalar(select(OrderRow.id).where(OrderRow.external_id == "A-1"))

    accounts.create_user(hub, "owner@ack.example", "correct horse battery", "owner")
    key = accounts.create_api_key(hub, "owner@ack.example", "tests")
    detail = httpx.get(
        f"{hub.config.base_url}/api/v1/orders/{order_id}", headers={"Authorization": f"Bearer {key}"}
    ).json()["Data"]
    deadline = datetime.fromisoformat(ackshop.sandbox.orders["A-1"]["accept_by"])
    assert detail["Acknowledgement"]["Accepted"] is True and detail["Acknowledgement"]["Sent"]
    assert datetime.fromisoformat(detail["AcknowledgeBy"]) == deadline
    assert datetime.fromisoformat(detail["Acknowledgement"]["Deadline"]) == deadline


def test_with_auto_accept_off_nothing_is_acknowledged_until_the_seller_decides_once(web_hub, ackshop):
    hub = web_hub
    conn = add_connection(hub, "ackshop", "market", ackshop.settings() | {"auto_accept": False})
    import_orders(hub, conn)
    dispatcher.dispatch(hub)
    with hub.db.session() as s:
        assert s.scalars(select(OutboxEntry)).all() == []
        assert s.scalars(select(OrderAcknowledgement)).all() == []
        order_id = s.scalar(select(OrderRow.id).where(OrderRow.external_id == "A-2"))
    assert ackshop.ledger("order.acknowledge") == []

    accounts.create_user(hub, "owner@ack.example", "correct horse battery", "owner")
    api = httpx.Client(
        base_url=f"{hub.config.base_url}/api/v1",
        timeout=30,
        headers={"Authorization": f"Bearer {accounts.create_api_key(hub, 'owner@ack.example', 't')}"},
    )
    no_reason = api.post(f"/orders/{order_id}/acknowledge", json={"Accept": False})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["ErrorMessage"]
    assert api.post(f"/orders/{order_id}/acknowledge", json={"Accept": False, "Reason": "sold out"}).status_code == 201
    assert api.post(f"/orders/{order_id}/acknowledge", json={"Accept": True}).status_code == 409
    dispatcher.dispatch(hub)
    assert [(e["resource_id"], e["body"]) for e in ackshop.ledger("order.acknowledge")] == [
        ("A-2", {"accepted": False, "reason": "sold out"})
    ]

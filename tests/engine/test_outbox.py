"""Invariant 3 (effects once, with backoff and dead letters) and stock coalescing."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from ordersync.channels.sdk.errors import PermanentError, TransientError
from ordersync.channels.sdk.records import Page
from ordersync.domain import OrderState
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OrderRow, OutboxAttempt, OutboxEntry
from ordersync.sync import actions, dispatcher
from ordersync.sync.importer import store_page
from ordersync.sync.outbox import enqueue

from .memshop import MemShop, make_order


def _one_order(hub, memshop) -> int:
    store_page(
        hub, hub.account_id(), memshop, Page([make_order(1, modified=utcnow() - timedelta(hours=1))]), source="poll"
    )
    with hub.db.session() as s:
        return s.scalar(select(OrderRow.id))


def test_imports_never_echo_back(hub, memshop):
    _one_order(hub, memshop)
    with hub.db.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxEntry)) == 0


def test_ship_sends_tracking_before_state_and_each_once(hub, memshop):
    order_id = _one_order(hub, memshop)
    actions.ship(hub, order_id, carrier="DHL", tracking_number="00340434161094042557")
    MemShop.fail_pushes = [TransientError("503", status=503)]
    first = dispatcher.dispatch(hub)
    assert first.retried == 1 and MemShop.calls == [("tracking", "1", "00340434161094042557")]
    # the state change waits behind the failed tracking push of the same order, then follows it at once
    later = utcnow() + timedelta(hours=2)
    second = dispatcher.dispatch(hub, now=later)
    assert second.sent == 2
    assert dispatcher.dispatch(hub, now=later).sent == 0
    assert [c[0] for c in MemShop.calls] == ["tracking", "tracking", "state"]
    assert MemShop.calls[-1] == ("state", "1", int(OrderState.SHIPPED))
    with hub.db.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxAttempt)) == 3
        assert set(s.scalars(select(OutboxEntry.status))) == {"done"}


def test_permanent_error_makes_a_dead_letter_that_can_be_retried_or_discarded(hub, memshop):
    order_id = _one_order(hub, memshop)
    actions.set_state(hub, order_id, OrderState.CANCELLED)
    MemShop.fail_pushes = [PermanentError("400 invalid status", status=400)]
    result = dispatcher.dispatch(hub)
    assert result.dead == 1 and "invalid status" in result.errors[0]
    assert dispatcher.dispatch(hub).sent == 0  # dead letters are not retried by themselves
    assert dispatcher.retry_dead(hub) == 1
    assert dispatcher.dispatch(hub).sent == 1
    actions.set_state(hub, order_id, OrderState.PAID)
    MemShop.fail_pushes = [PermanentError("nope", status=422)]
    dispatcher.dispatch(hub)
    assert dispatcher.discard_dead(hub) == 1


def test_stock_changes_coalesce_to_the_newest_value(hub, memshop):
    account = hub.account_id()
    with hub.db.session() as s:
        for qty in range(1000):
            enqueue(
                s,
                account_id=account,
                connection_id=memshop,
                kind="stock",
                coalesce_key="stock:1",
                payload={"product_external_id": "p1", "variant_external_id": "", "quantity": qty, "sku": "A"},
            )
    with hub.db.session() as s:
        rows = s.scalars(select(OutboxEntry)).all()
        assert len(rows) == 1 and json.loads(rows[0].payload)["quantity"] == 999
    dispatcher.dispatch(hub)
    assert MemShop.calls == [("stock", "p1", 999)]


def test_a_crashed_dispatcher_releases_its_claim(hub, memshop):
    order_id = _one_order(hub, memshop)
    actions.set_state(hub, order_id, OrderState.CANCELLED)
    with hub.db.session() as s:  # simulate a dispatcher killed after claiming
        entry = s.scalar(select(OutboxEntry))
        entry.status, entry.lease_until = "sending", utcnow() - timedelta(seconds=1)
    assert dispatcher.dispatch(hub).sent == 1


def test_retrying_dead_stock_letters_sends_only_the_newest_value_per_listing(hub, memshop):
    account = hub.account_id()

    def stock(qty):
        with hub.db.session() as s:
            enqueue(
                s,
                account_id=account,
                connection_id=memshop,
                kind="stock",
                coalesce_key="stock:7",
                payload={"product_external_id": "p7", "variant_external_id": "", "quantity": qty, "sku": "B"},
            )

    for qty in (5, 4):  # two values that both die
        stock(qty)
        MemShop.fail_pushes = [PermanentError("422", status=422)]
        dispatcher.dispatch(hub)
    assert dispatcher.retry_dead(hub) == 1
    dispatcher.dispatch(hub)
    assert MemShop.calls[-1] == ("stock", "p7", 4)
    stock(3)  # dies again while a newer value is pending: retrying must not collide with it
    MemShop.fail_pushes = [PermanentError("422", status=422)]
    dispatcher.dispatch(hub)
    stock(2)
    assert dispatcher.retry_dead(hub) == 0
    dispatcher.dispatch(hub)
    assert MemShop.calls[-1] == ("stock", "p7", 2)
    with hub.db.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.status == "superseded")) == 2

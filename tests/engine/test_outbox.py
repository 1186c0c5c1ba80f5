"""Invariant 3 (effects once, with backoff and dead letters) and stock coalescing."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from sqlalchemy import func, select

from ordersync.channels.sdk.errors import PermanentError, TransientError
from ordersync.channels.sdk.records import Page
from ordersync.domain import OrderState
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import Connection, OrderRow, OutboxAttempt, OutboxEntry
from ordersync.sync import actions, dispatcher
from ordersync.sync.connections import add_connection
from ordersync.sync.importer import store_page
from ordersync.sync.outbox import enqueue

from .memshop import MemShop, make_order


def _one_order(hub, memshop) -> int:
    store_page(
        hub, hub.account_id(), memshop, Page([make_order(1, modified=utcnow() - timedelta(hours=1))]), source="poll"
    )
    with hub.db.session() as s:
        return s.scalar(select(OrderRow.id))


def _stock_queue(hub, memshop, listing: str, sku: str):
    """Queues a stock value for one listing, as a seller's correction does: stock(quantity)."""
    account = hub.account_id()

    def stock(qty):
        with hub.db.session() as s:
            enqueue(
                s,
                account_id=account,
                connection_id=memshop,
                kind="stock",
                coalesce_key=f"stock:{listing}",
                payload={"product_external_id": f"p{listing}", "variant_external_id": "", "quantity": qty, "sku": sku},
            )

    return stock


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
    stock = _stock_queue(hub, memshop, "7", "B")

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


def test_a_value_that_may_have_reached_the_channel_is_never_rewritten(hub, memshop):
    """A stock entry released from a dispatcher that died mid-send may already be on the channel: a newer
    value queues behind it instead of rewriting it, so the outbox names every value the channel may have."""
    stock = _stock_queue(hub, memshop, "9", "C")

    stock(98)
    with hub.db.session() as s:  # a dispatcher claimed it, sent it perhaps, and was killed
        entry = s.scalar(select(OutboxEntry))
        entry.status, entry.lease_until = "sending", utcnow() - timedelta(seconds=1)
    dispatcher.release_expired(hub, utcnow())
    stock(99)
    stock(100)  # an untried entry still coalesces
    assert dispatcher.dispatch(hub).sent == 1
    assert MemShop.calls == [("stock", "p9", 100)]
    with hub.db.session() as s:
        rows = [(json.loads(e.payload)["quantity"], e.status, e.attempts) for e in s.scalars(select(OutboxEntry))]
        attempts = list(s.scalars(select(OutboxAttempt.error).order_by(OutboxAttempt.id)))
    assert sorted(rows) == [(98, "superseded", 1), (100, "done", 1)]
    assert "stopped before the channel answered" in attempts[0]


def test_a_newer_value_does_not_jump_the_backoff_of_a_failed_one(hub, memshop):
    stock = _stock_queue(hub, memshop, "8", "D")

    stock(5)
    MemShop.fail_pushes = [TransientError("timeout", status=None)]
    assert dispatcher.dispatch(hub).retried == 1  # the request may have arrived
    stock(6)
    assert dispatcher.dispatch(hub).sent == 0  # waits for the failed value's retry time
    assert dispatcher.dispatch(hub, now=utcnow() + timedelta(hours=2)).sent == 1
    assert MemShop.calls[-1] == ("stock", "p8", 6)
    with hub.db.session() as s:
        statuses = {json.loads(e.payload)["quantity"]: e.status for e in s.scalars(select(OutboxEntry))}
    assert statuses == {5: "superseded", 6: "done"}


def test_a_send_that_outlasts_its_claim_is_not_taken_by_a_second_dispatcher(hub, memshop, monkeypatch):
    """While a dispatcher is alive its claims are renewed, however long a send waits (a rate budget, a slow
    channel): a second dispatcher running meanwhile finds nothing to take, and the channel gets one call."""
    monkeypatch.setattr(dispatcher, "CLAIM_LEASE", timedelta(seconds=0.6))
    order_id = _one_order(hub, memshop)
    actions.set_state(hub, order_id, OrderState.CANCELLED)
    meanwhile = []

    def slow_send(call):
        MemShop.on_push = None
        time.sleep(1.5)  # longer than the claim lasts
        meanwhile.append(dispatcher.dispatch(hub))

    MemShop.on_push = slow_send
    assert dispatcher.dispatch(hub).sent == 1
    assert meanwhile[0].sent == 0
    assert MemShop.calls == [("state", "1", int(OrderState.CANCELLED))]
    with hub.db.session() as s:
        assert list(s.scalars(select(OutboxEntry.status))) == ["done"]


def test_a_connection_waiting_its_turn_holds_no_claim_that_could_run_out(hub, memshop, monkeypatch):
    """A round delivers one connection after another. The entries of a later connection are claimed only
    when its turn comes: claimed at the round's start, they would sit unrenewed behind a slow channel, run
    out, and come back to a second dispatcher as an attempt that "stopped before the channel answered"."""
    monkeypatch.setattr(dispatcher, "CLAIM_LEASE", timedelta(seconds=0.6))
    other = add_connection(hub, "memshop", "mem 2", {"token": "t0ps3cret"})
    for conn_id, listing in ((memshop, "1"), (other, "2")):
        _stock_queue(hub, conn_id, listing, f"SKU-{listing}")(5)
    meanwhile = []

    def slow_send(call):
        MemShop.on_push = None
        time.sleep(1.5)  # the first connection's send outlasts a claim
        meanwhile.append(dispatcher.dispatch(hub))

    MemShop.on_push = slow_send
    first = dispatcher.dispatch(hub)
    assert first.sent + meanwhile[0].sent == 2
    assert sorted(MemShop.calls) == [("stock", "p1", 5), ("stock", "p2", 5)]
    with hub.db.session() as s:
        assert list(s.scalars(select(OutboxEntry.status))) == ["done", "done"]
        assert list(s.scalars(select(OutboxAttempt.error).where(OutboxAttempt.ok.is_(False)))) == []
        assert list(s.scalars(select(OutboxEntry.attempts))) == [1, 1]


def test_a_dispatcher_forgets_the_claims_it_gave_up(hub, memshop):
    """The leases a dispatcher remembers (to renew only its own claims) are forgotten once a connection's
    turn ends, also for entries it released unsent (a revoked grant) rather than settled: a worker that runs
    for months would otherwise keep every such id."""
    _stock_queue(hub, memshop, "1", "SKU-1")(5)
    with hub.db.session() as s:
        s.get_one(Connection, memshop).auth_problem = "the grant was revoked"
        entry_id = s.scalar(select(OutboxEntry.id))
    assert dispatcher.dispatch(hub).waiting == 1
    assert entry_id not in dispatcher._LEASES
    with hub.db.session() as s:
        assert s.get_one(OutboxEntry, entry_id).status == "pending"

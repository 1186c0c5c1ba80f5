"""Erasure beyond the order (application.erasure_places): each place the hub keeps a buyer is seeded with
the erased buyer's data and another buyer's; the first is gone, the second untouched. Also: a newer version
of an erased order that still names the buyer is stripped on import, and an erasure request that arrives
through a channel's notification queue is honoured."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from ordersync.application.erasure import erase_buyer
from ordersync.channels import registry
from ordersync.channels.sdk.pull_queue import PullQueue, QueuedNotification
from ordersync.channels.sdk.records import Page, Quarantined, WebhookMeta
from ordersync.domain import Buyer, Order
from ordersync.domain.codec import from_data
from ordersync.domain.timeutil import utcnow
from ordersync.store.history import add_history
from ordersync.store.models import (
    Connection,
    OrderEvent,
    OrderRow,
    OutboxEntry,
    QuarantineEntry,
    SyncRun,
    WebhookDelivery,
)
from ordersync.store.models_accounts import OrderTag, WebhookDeliveryOut, WebhookSubscription
from ordersync.store.models_messaging import ForwardTarget, OrderForward
from ordersync.store.models_reconcile import ReconcileRun
from ordersync.sync.connections import add_connection
from ordersync.sync.importer import import_orders
from ordersync.sync.outbox import enqueue
from ordersync.sync.quarantine import quarantine

from .memshop import MemShop, make_order

GONE, KEPT = "anna_m001", "bernd_k002"
MAIL = {GONE: "anna.m@example.com", KEPT: "bernd.k@example.com"}
REASON = "test request"


@pytest.fixture
def shop(hub, memshop):
    """Order 1 is the erased buyer's, order 2 the other's; returns (connection id, order row ids by buyer)."""
    for n, buyer in ((1, GONE), (2, KEPT)):
        order = make_order(n)
        order.buyer = Buyer(
            external_id=buyer,
            email=MAIL[buyer],
            first_name=buyer[:4].title(),
            last_name="Doe",
            phone=f"+49 30 1234 {n}",
        )
        MemShop.orders[order.external_id] = order
    import_orders(hub, memshop)
    with hub.db.session() as s:
        rows = {row.external_id: row.id for row in s.scalars(select(OrderRow))}
    return memshop, {GONE: rows["1"], KEPT: rows["2"]}


def record_of(buyer: str) -> dict:
    return {"orderId": "1" if buyer == GONE else "2", "buyer": {"username": buyer, "email": MAIL[buyer]}}


def test_raw_webhook_bodies_become_a_marker(hub, shop):
    conn, _ = shop
    now = utcnow()
    with hub.db.session() as s:
        for n, (buyer, status) in enumerate(((GONE, "processed"), (GONE, "received"), (KEPT, "processed"))):
            s.add(
                WebhookDelivery(
                    connection_id=conn,
                    delivery_id=f"d{n}",
                    topic="order",
                    resource_id="",
                    headers="{}",
                    body=json.dumps(record_of(buyer)).encode(),
                    status=status,
                    received_at=now,
                )
            )
    assert erase_buyer(hub, conn, GONE, REASON).webhook_bodies == 2
    with hub.db.session() as s:
        rows = {d.delivery_id: d for d in s.scalars(select(WebhookDelivery))}
        for gone in ("d0", "d1"):
            body = json.loads(rows[gone].body)
            assert body["erased"] == f"personal data erased at the buyer's request ({REASON})"
            assert GONE not in rows[gone].body.decode() and rows[gone].status == "processed"
        assert json.loads(rows["d2"].body) == record_of(KEPT)


def test_a_delivery_about_an_erased_buyer_processed_later_keeps_no_raw_copy(hub, shop, monkeypatch):
    from ordersync.sync.webhooks import process_connection

    def parse_webhook(self, meta, body):  # the channel's webhook carries the whole order, buyer included
        record = json.loads(body)
        order = make_order(int(record["orderId"]), modified=utcnow() - timedelta(seconds=5))
        order.buyer = Buyer(external_id=record["buyer"]["username"], email=record["buyer"]["email"])
        return Page([order])

    monkeypatch.setattr(MemShop, "parse_webhook", parse_webhook)
    conn, _ = shop
    erase_buyer(hub, conn, GONE, REASON)
    with hub.db.session() as s:  # deliveries that arrive after the erasure
        for buyer in (GONE, KEPT):
            s.add(
                WebhookDelivery(
                    connection_id=conn,
                    delivery_id=f"late-{buyer}",
                    topic="order",
                    resource_id="",
                    headers="{}",
                    body=json.dumps(record_of(buyer)).encode(),
                    status="received",
                    received_at=utcnow(),
                )
            )
    process_connection(hub, conn)
    with hub.db.session() as s:
        rows = {d.delivery_id: d for d in s.scalars(select(WebhookDelivery))}
        orders = {r.external_id: r for r in s.scalars(select(OrderRow))}
    gone, kept = rows[f"late-{GONE}"], rows[f"late-{KEPT}"]
    assert gone.status == kept.status == "processed"
    assert json.loads(gone.body)["erased"] == f"personal data erased at the buyer's request ({REASON})"
    assert GONE not in gone.body.decode() and MAIL[GONE] not in gone.body.decode()
    assert json.loads(kept.body) == record_of(KEPT)
    assert orders["1"].buyer_email == "" and orders["2"].buyer_email == MAIL[KEPT]


def test_quarantined_raw_records_become_a_marker(hub, shop):
    conn, _ = shop
    with hub.db.session() as s:
        quarantine(
            s,
            conn,
            "orders",
            [Quarantined(f"q-{b}", json.dumps(record_of(b)), f"bad record of {MAIL[b]}") for b in (GONE, KEPT)],
        )
    assert erase_buyer(hub, conn, GONE, REASON).quarantined == 1
    with hub.db.session() as s:
        rows = {q.external_id: q for q in s.scalars(select(QuarantineEntry))}
    assert "erased" in json.loads(rows[f"q-{GONE}"].raw) and rows[f"q-{GONE}"].reason == "bad record of [erased]"
    assert json.loads(rows[f"q-{KEPT}"].raw) == record_of(KEPT) and MAIL[KEPT] in rows[f"q-{KEPT}"].reason


def test_buyer_mails_and_messages_not_sent_are_cancelled_and_sent_ones_emptied(hub, shop):
    conn, orders = shop
    account = hub.account_id()
    with hub.db.session() as s:
        for buyer in (GONE, KEPT):
            for kind, payload in (
                (
                    "mail",
                    {
                        "template": "message",
                        "to": MAIL[buyer],
                        "subject": "Hello",
                        "body": f"Dear {buyer}",
                        "language": "en",
                        "message_id": "<m@x>",
                    },
                ),
                ("message", {"subject": "Hi", "text": "see you"}),
                ("state", {"state": 5, "comment": f"call {MAIL[buyer]}"}),
            ):
                enqueue(s, account_id=account, connection_id=conn, kind=kind, order_id=orders[buyer], payload=payload)
        s.execute(OutboxEntry.__table__.update().where(OutboxEntry.kind == "message").values(status="done"))
    result = erase_buyer(hub, conn, GONE, REASON)
    assert (result.outbox_entries, result.mails_cancelled) == (3, 1)
    with hub.db.session() as s:
        entries = {(e.order_id, e.kind): e for e in s.scalars(select(OutboxEntry))}
    mail = entries[(orders[GONE], "mail")]
    assert mail.status == "discarded" and f"erased at the buyer's request ({REASON})" in mail.last_error
    assert set(json.loads(mail.payload)) == {"template", "language", "message_id", "erased"}
    message = entries[(orders[GONE], "message")]
    assert message.status == "done" and "text" not in json.loads(message.payload)
    assert json.loads(entries[(orders[GONE], "state")].payload)["comment"] == "call [erased]"
    assert entries[(orders[KEPT], "mail")].status == "pending"
    assert json.loads(entries[(orders[KEPT], "mail")].payload)["to"] == MAIL[KEPT]
    assert json.loads(entries[(orders[KEPT], "message")].payload)["text"] == "see you"
    assert MAIL[KEPT] in entries[(orders[KEPT], "state")].payload


def test_queued_forwards_of_the_buyers_orders_are_stopped(hub, shop):
    conn, orders = shop
    account, now = hub.account_id(), utcnow()
    with hub.db.session() as s:
        target = ForwardTarget(
            account_id=account, name="supplier", kind="email", address="s@example.com", secrets="", created_at=now
        )
        s.add(target)
        s.flush()
        for buyer in (GONE, KEPT):
            s.add(
                OrderForward(
                    account_id=account,
                    order_id=orders[buyer],
                    target_id=target.id,
                    trigger="manual",
                    next_attempt_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
    assert erase_buyer(hub, conn, GONE, REASON).forwards == 1
    with hub.db.session() as s:
        forwards = {f.order_id: f for f in s.scalars(select(OrderForward))}
    assert forwards[orders[GONE]].status == "failed" and "erased" in forwards[orders[GONE]].last_error
    assert forwards[orders[KEPT]].status == "pending" and forwards[orders[KEPT]].last_error is None


def test_history_lines_lose_the_buyers_address(hub, shop):
    conn, orders = shop
    with hub.db.session() as s:
        for buyer in (GONE, KEPT):
            add_history(s, orders[buyer], "mail_sent", mail="state", to=MAIL[buyer], subject="Paid", message_id="<m@x>")
    assert erase_buyer(hub, conn, GONE, REASON).history_lines == 1
    with hub.db.session() as s:
        sent = {e.order_id: e for e in s.scalars(select(OrderEvent).where(OrderEvent.history_kind == "mail_sent"))}
    assert sent[orders[GONE]].params["to"] == "[erased]" and MAIL[GONE] not in sent[orders[GONE]].text
    assert sent[orders[KEPT]].params["to"] == MAIL[KEPT] and MAIL[KEPT] in sent[orders[KEPT]].text


def test_tags_naming_the_buyer_go(hub, shop):
    conn, orders = shop
    account, now = hub.account_id(), utcnow()
    with hub.db.session() as s:
        for buyer in (GONE, KEPT):
            for tag in (buyer, "vip"):
                s.add(OrderTag(order_id=orders[buyer], tag=tag, account_id=account, created_at=now))
    assert erase_buyer(hub, conn, GONE, REASON).tags == 1
    with hub.db.session() as s:
        tags = sorted((t.order_id, t.tag) for t in s.scalars(select(OrderTag)))
    assert tags == sorted([(orders[GONE], "vip"), (orders[KEPT], KEPT), (orders[KEPT], "vip")])


def test_integrators_webhook_bodies_become_a_marker(hub, shop):
    conn, _ = shop
    account, now = hub.account_id(), utcnow()
    with hub.db.session() as s:
        sub = WebhookSubscription(
            account_id=account,
            url="https://example.com/hook",
            events="order.created",
            secret="",
            created_at=now,
            updated_at=now,
        )
        s.add(sub)
        s.flush()
        for n, (buyer, status) in enumerate(((GONE, "done"), (GONE, "pending"), (KEPT, "pending"))):
            s.add(
                WebhookDeliveryOut(
                    subscription_id=sub.id,
                    account_id=account,
                    event_id=f"e{n}",
                    event_type="order.created",
                    body=json.dumps({"Data": record_of(buyer)}),
                    status=status,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    assert erase_buyer(hub, conn, GONE, REASON).outgoing_webhooks == 2
    with hub.db.session() as s:
        out = {d.event_id: d for d in s.scalars(select(WebhookDeliveryOut))}
    assert "erased" in json.loads(out["e0"].body) and out["e0"].status == "done"
    assert "erased" in json.loads(out["e1"].body) and out["e1"].status == "dead"
    assert json.loads(out["e2"].body) == {"Data": record_of(KEPT)} and out["e2"].status == "pending"


def test_reports_and_error_texts_lose_the_traces(hub, shop):
    conn, _ = shop
    account, now = hub.account_id(), utcnow()
    report = json.dumps({"orders_differ": {"rows": [{"buyer": MAIL[GONE]}, {"buyer": MAIL[KEPT]}]}})
    with hub.db.session() as s:
        s.add(ReconcileRun(account_id=account, connection_id=conn, until=now, started_at=now, report=report))
        s.add(
            SyncRun(
                connection_id=conn,
                kind="orders",
                started_at=now,
                error=f"invalid phone for Anna Doe, {MAIL[GONE]}; see Bern Doe",
            )
        )
        s.get(Connection, conn).last_error = f"record of {GONE} refused"
    assert erase_buyer(hub, conn, GONE, REASON).reports_and_errors == 3
    with hub.db.session() as s:
        run = s.scalar(select(ReconcileRun))
        sync = s.scalar(select(SyncRun).where(SyncRun.error.is_not(None)))
        assert json.loads(run.report)["orders_differ"]["rows"] == [{"buyer": "[erased]"}, {"buyer": MAIL[KEPT]}]
        assert sync.error == "invalid phone for [erased], [erased]; see Bern Doe"
        assert s.get(Connection, conn).last_error == "record of [erased] refused"


def test_a_newer_version_that_still_names_the_buyer_is_stripped_on_import(hub, shop):
    conn, _ = shop
    erase_buyer(hub, conn, GONE, REASON)
    for n in ("1", "2"):  # the channel changes both orders, not yet anonymising the erased buyer's
        MemShop.orders[n].updated_at = utcnow() - timedelta(seconds=5)
        MemShop.orders[n].buyer_note = "leave at the door"
    assert import_orders(hub, conn).updated == 2
    with hub.db.session() as s:
        rows = {r.external_id: r for r in s.scalars(select(OrderRow))}
        erased, kept = (from_data(Order, json.loads(rows[n].data)) for n in ("1", "2"))
        assert erased.buyer == Buyer() and erased.buyer_note == "" and rows["1"].buyer_email == ""
        assert (erased.invoice_address.city, erased.invoice_address.country) == ("", "DE")
        assert kept.buyer.external_id == KEPT and kept.buyer_note == "leave at the door"
        assert rows["2"].buyer_email == MAIL[KEPT]
    assert MemShop.orders["1"].buyer.external_id == GONE  # the channel's record itself was not altered
    again = import_orders(hub, conn)  # the same records again: unchanged, not rewritten
    assert (again.updated, again.created) == (0, 0)


class QueueShop(MemShop):
    """MemShop whose notifications wait in a queue; a message {"erase": id} is the buyer's erasure request."""

    system = "queueshop"
    notification_queue = PullQueue(batch=5, max_batches=2)
    queue: list[QueuedNotification] = []

    def receive_notifications(self, limit):
        batch, QueueShop.queue = QueueShop.queue[:limit], QueueShop.queue[limit:]
        return batch

    def ack_notifications(self, receipts):
        pass

    def parse_webhook(self, meta, body):
        self.context.erase_buyer(json.loads(body)["erase"], REASON)
        return Page([])


def test_an_erasure_request_from_a_notification_queue_is_honoured(hub, shop, monkeypatch):
    from ordersync.jobs import queue
    from ordersync.jobs.tasks import sync_connection  # the worker's poll, which passes the erasure

    monkeypatch.setattr(queue, "_hub", hub)
    registry.register(QueueShop, replace=True)
    try:
        conn = add_connection(hub, "queueshop", "queued", {"token": "t0ps3cret"})
        import_orders(hub, conn)
        QueueShop.queue = [
            QueuedNotification(WebhookMeta("n1", "account", ""), json.dumps({"erase": GONE}).encode(), "r1")
        ]
        sync_connection.call_local(conn)
        with hub.db.session() as s:
            rows = {
                r.external_id: from_data(Order, json.loads(r.data))
                for r in s.scalars(select(OrderRow).where(OrderRow.connection_id == conn))
            }
            delivery = s.scalar(select(WebhookDelivery).where(WebhookDelivery.connection_id == conn))
            other = from_data(Order, json.loads(s.scalar(select(OrderRow.data).where(OrderRow.id == shop[1][GONE]))))
        assert rows["1"].buyer == Buyer() and rows["2"].buyer.external_id == KEPT
        assert other.buyer.external_id == GONE  # the same buyer id on another connection is another person
        assert delivery.status == "processed" and GONE not in delivery.body.decode()
    finally:
        registry.unregister("queueshop")

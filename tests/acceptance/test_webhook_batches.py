"""Stored webhook deliveries are imported in claimed batches: each once, the newest version of an order wins,
a dead processor's claim passes to others, and processors side by side never share a delivery."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update

from ordersync.channels.sdk.serving import free_port, serve_in_thread
from ordersync.channels.woocommerce.sandbox.webhooks import USER_AGENT, signature
from ordersync.config import Config
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OrderRow, QuarantineEntry, WebhookDelivery
from ordersync.sync import webhooks
from ordersync.sync.hub import Hub
from ordersync.web.app import create_app

from .conftest import connect, order_count, register_webhooks, start_shop


class Intake:
    """The hub's web server with a queue in front of the workers: it records what it announces."""

    def __init__(self, hub: Hub, shop) -> None:
        self.hub, self.shop = hub, shop
        self.announced: list[int] = []
        self.conn = connect(hub, shop)
        self.url = register_webhooks(hub, self.conn)
        sandbox = shop.sandbox
        self.hook = next(h for h in sandbox.hooks.items.values() if h["topic"] == "order.created")
        self.site = sandbox.site()

    def body(self, oid: int) -> bytes:
        return self.shop.sandbox.order_json(oid, self.site)

    def deliver(self, body: bytes, topic: str = "order.created") -> httpx.Response:
        return httpx.post(
            self.url,
            content=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "X-WC-Webhook-Source": f"{self.site}/",
                "X-WC-Webhook-Topic": topic,
                "X-WC-Webhook-Resource": "order",
                "X-WC-Webhook-Event": topic.split(".")[1],
                "X-WC-Webhook-ID": str(self.hook["id"]),
                "X-WC-Webhook-Signature": signature(body, self.hook["secret"]),
                "X-WC-Webhook-Delivery-ID": uuid.uuid4().hex,
            },
        )


@pytest.fixture
def intake(hub_config, database_url):
    port = free_port()
    hub = Hub.open(
        Config(
            home=hub_config.home,
            database_url=database_url,
            base_url=f"http://127.0.0.1:{port}",
            master_key=hub_config.master_key,
            redis_url=None,
        ),
        migrate=False,
    )
    shop = start_shop(0)
    announced: list[int] = []
    server = serve_in_thread(create_app(hub, on_delivery=announced.append), port=port)
    try:
        it = Intake(hub, shop)
        it.announced = announced
        yield it
    finally:
        server.stop()
        shop.server.stop()
        hub.close()


def _statuses(hub: Hub) -> dict[str, int]:
    with hub.db.session() as s:
        return dict(s.execute(select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status)).all())


def test_one_claim_imports_a_whole_batch_and_the_newest_version_of_an_order_wins(intake):
    hub = intake.hub
    an_hour_ago = (utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    ids = intake.shop.orders(
        {
            "create": [{"date_created_gmt": an_hour_ago, "date_modified_gmt": an_hour_ago} for _ in range(30)],
            "webhook": False,
        }
    )["created"]
    stale = intake.body(ids[0])
    intake.shop.orders({"update": [{"id": ids[0], "status": "completed"}], "webhook": False})
    for oid in ids:
        assert intake.deliver(intake.body(oid)).status_code == 200
    assert intake.deliver(stale, "order.updated").status_code == 200  # a late redelivery of the old version
    assert intake.announced == [intake.conn] * 31  # intake stores and announces; it imports nothing itself
    assert order_count(hub) == 0 and _statuses(hub) == {"received": 31}

    batch = webhooks.claim(hub, intake.conn)
    assert len(batch) == 31 and _statuses(hub) == {"processing": 31}
    assert webhooks.claim(hub, intake.conn) == []  # claimed rows are nobody else's
    assert webhooks.process_claimed(hub, batch) == {"processed": 31, "failed": 0, "retry": 0}
    assert _statuses(hub) == {"processed": 31}
    with hub.db.session() as s:
        assert sorted(s.scalars(select(OrderRow.external_id))) == sorted(str(i) for i in ids)
        assert s.scalar(select(OrderRow.channel_status).where(OrderRow.external_id == str(ids[0]))) == "completed"
        assert s.scalar(select(func.count()).where(WebhookDelivery.claimed_until.is_not(None))) == 0


def test_a_dead_processors_claim_passes_to_another_after_it_runs_out(intake):
    hub = intake.hub
    ids = intake.shop.orders({"create": 5, "webhook": False})["created"]
    for oid in ids:
        intake.deliver(intake.body(oid))
    assert len(webhooks.claim(hub, intake.conn)) == 5  # ... and the processor is killed here
    assert webhooks.waiting_connections(hub) == []  # its claim still runs
    assert webhooks.process_connection(hub, intake.conn) == 0
    with hub.db.session() as s:
        s.execute(update(WebhookDelivery).values(claimed_until=utcnow() - timedelta(seconds=1)))
    assert webhooks.waiting_connections(hub) == [intake.conn]  # the scheduler's recheck announces it again
    assert webhooks.process_connection(hub, intake.conn) == 5
    assert _statuses(hub) == {"processed": 5} and order_count(hub) == 5


def test_processors_side_by_side_take_disjoint_batches(intake):
    hub = intake.hub
    ids = intake.shop.orders({"create": 60, "webhook": False})["created"]
    for oid in ids:
        intake.deliver(intake.body(oid))
    taken: list[list[int]] = []
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def processor() -> None:
        try:
            barrier.wait()
            while batch := webhooks.claim(hub, intake.conn, limit=7):
                taken.append(batch)
                webhooks.process_claimed(hub, batch)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=processor) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    every = [row for batch in taken for row in batch]
    assert len(every) == len(set(every)) == 60  # each delivery claimed once, none left
    assert _statuses(hub) == {"processed": 60} and order_count(hub) == 60


def test_an_unreadable_order_is_quarantined_and_the_rest_of_its_batch_imported(intake):
    hub = intake.hub
    ids = intake.shop.orders({"create": 3, "webhook": False})["created"]
    broken = json.loads(intake.body(ids[0]))
    broken["id"], broken["currency"], broken["total"] = 424242, "EUR", "zwölf Euro"
    intake.deliver(json.dumps(broken).encode())
    for oid in ids[1:]:
        intake.deliver(intake.body(oid))
    assert webhooks.process_connection(hub, intake.conn) == 3
    with hub.db.session() as s:
        (entry,) = s.scalars(select(QuarantineEntry))
        assert entry.external_id == "424242" and "total" in entry.reason
        assert sorted(s.scalars(select(OrderRow.external_id))) == sorted(str(i) for i in ids[1:])
    assert _statuses(hub) == {"processed": 3}


def test_without_a_queue_intake_imports_the_delivery_before_it_answers(hub_config, database_url):
    port = free_port()
    hub = Hub.open(
        Config(
            home=hub_config.home,
            database_url=database_url,
            base_url=f"http://127.0.0.1:{port}",
            master_key=hub_config.master_key,
            redis_url=None,
        ),
        migrate=False,
    )
    shop = start_shop(0)
    server = serve_in_thread(create_app(hub), port=port)
    try:
        it = Intake(hub, shop)
        (oid,) = shop.orders({"create": 1, "webhook": False})["created"]
        assert it.deliver(it.body(oid)).status_code == 200
        assert order_count(hub) == 1 and _statuses(hub) == {"processed": 1}
    finally:
        server.stop()
        shop.server.stop()
        hub.close()

"""A stored delivery wakes a worker at once (no poll, no scheduler pass, no batch that waits to fill), and a
task that arrives while its connection is being drained in the same process leaves the drainer a note."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from ordersync.channels.sdk.serving import free_port, serve_in_thread
from ordersync.config import Config
from ordersync.domain.timeutil import utcnow
from ordersync.jobs import tasks
from ordersync.jobs.drains import Drains
from ordersync.jobs.gate import arm, disarm
from ordersync.jobs.queue import huey, set_hub
from ordersync.store.models import Connection
from ordersync.sync.hub import Hub
from ordersync.web.app import create_app

from .conftest import order_count, start_shop
from .test_webhook_batches import Intake, _statuses


@pytest.fixture
def woken(hub_config, database_url):
    """Intake wired to the real announcement (``tasks.announce_webhooks``) with the queue running each task
    as it is queued, and polling moved a day away: an order can only arrive by the worker being woken."""
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
    huey.immediate = True
    set_hub(hub)
    server = serve_in_thread(create_app(hub, on_delivery=tasks.announce_webhooks), port=port)
    try:
        it = Intake(hub, shop)
        with hub.db.session() as s:
            s.execute(
                update(Connection).where(Connection.id == it.conn).values(next_poll_at=utcnow() + timedelta(days=1))
            )
        yield it
    finally:
        server.stop()
        huey.immediate = False
        set_hub(None)
        shop.server.stop()
        hub.close()


def test_a_stored_delivery_wakes_a_worker_that_imports_it_before_any_poll(woken):
    (oid,) = woken.shop.orders({"create": 1, "webhook": False})["created"]
    assert woken.deliver(woken.body(oid)).status_code == 200
    assert order_count(woken.hub) == 1 and _statuses(woken.hub) == {"processed": 1}
    assert not tasks.drains.draining(woken.conn)  # the drainer stopped once nothing was left
    assert arm(huey, f"webhooks:{woken.conn}", 30) is True  # and lowered the flag: the next delivery wakes again
    disarm(huey, f"webhooks:{woken.conn}")


def test_a_task_for_a_connection_drained_in_this_process_leaves_a_note_instead_of_a_second_batch(woken):
    (oid,) = woken.shop.orders({"create": 1, "webhook": False})["created"]
    assert tasks.drains.begin(woken.conn)  # another thread of this process is importing this connection
    try:
        assert woken.deliver(woken.body(oid)).status_code == 200  # its task ran here and returned at once
        assert order_count(woken.hub) == 0 and _statuses(woken.hub) == {"received": 1}
        assert tasks.drains.finish(woken.conn) is False  # so the drainer, about to stop, looks once more
        assert tasks.process_webhooks.call_local(woken.conn) == 0  # (a further task while it drains: no batch)
    finally:
        tasks.drains.abandon(woken.conn)
    assert tasks.process_webhooks.call_local(woken.conn) == 1  # what the drainer's last look takes
    assert order_count(woken.hub) == 1 and _statuses(woken.hub) == {"processed": 1}


def test_drains_one_drainer_per_key_and_a_note_for_each_task_that_arrives_meanwhile():
    drains = Drains()
    assert drains.begin(7) is True
    assert drains.begin(8) is True  # keys do not wait for each other
    assert drains.finish(8) is True and not drains.draining(8)
    assert drains.begin(7) is False and drains.begin(7) is False  # two tasks, one note
    assert drains.finish(7) is False  # look again
    assert drains.finish(7) is True  # nothing arrived since that look: stop
    assert drains.begin(7) is True  # the next task drains again
    drains.abandon(7)
    assert not drains.draining(7) and drains.begin(7) is True

"""Asynchronous pushes end to end: stock goes out as one feed, settled by a later check, never sent twice.

The feed sandbox (tests/channels/feedshop) answers 202 with a feed id and processes feeds only when the test
says so through its control API; its ledger counts submitted feeds.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from channels.feedshop.connector import FeedShop
from channels.feedshop.hub_setup import burst as _burst  # noqa: F401 - fixture
from channels.feedshop.hub_setup import connect as _connect
from channels.feedshop.hub_setup import feed  # noqa: F401 - fixture
from sqlalchemy import select, update

from ordersync.channels import registry
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import Listing, OutboxEntry
from ordersync.sync import async_checks, dispatcher, stock

TESTS = Path(__file__).resolve().parents[1]


def _entries(hub) -> dict[str, list[OutboxEntry]]:
    by_sku: dict[str, list[OutboxEntry]] = {}
    with hub.db.session() as s:
        for e in s.scalars(select(OutboxEntry).order_by(OutboxEntry.id)):
            by_sku.setdefault(json.loads(e.payload)["sku"], []).append(e)
    return by_sku


def _later(minutes: float):
    return utcnow() + timedelta(minutes=minutes)


def test_a_burst_goes_out_as_one_feed_settled_per_item_by_the_check(hub, feed):
    _connect(hub, feed)
    _burst(hub)
    first = dispatcher.dispatch(hub)
    assert first.awaiting == 3 and first.sent == 0
    submitted = feed.ledger("feed.submitted")
    assert len(submitted) == 1 and [m["quantity"] for m in submitted[0]["body"]["messages"]] == [7, 7, 7]
    job = submitted[0]["resource_id"]
    entries = _entries(hub)
    assert {e[0].status for e in entries.values()} == {"awaiting"} and {e[0].job_ref for e in entries.values()} == {job}

    # not processed yet: the check finds it running and nothing is sent again
    assert dispatcher.dispatch(hub, now=_later(2)).waiting == 3
    # a change while the feed is awaiting queues behind it and does not leave before the feed settled
    stock.correct(hub, "A-1", "set", Decimal(9))
    assert dispatcher.dispatch(hub, now=_later(4)).awaiting == 0
    assert len(feed.ledger("feed.submitted")) == 1

    feed.orders({"action": "reject_sku", "sku": "B-2", "reason": "Listing is blocked: missing GTIN"})
    feed.orders({"action": "process"})
    settled = dispatcher.dispatch(hub, now=_later(6))
    assert settled.sent == 2 and settled.dead == 1 and settled.awaiting == 1  # the queued A-1 went out after it
    entries = _entries(hub)
    assert [e.status for e in entries["A-1"]] == ["done", "awaiting"]
    assert entries["C-3"][0].status == "done"
    failed = entries["B-2"][0]
    assert (
        failed.status == "dead" and "Listing is blocked: missing GTIN" in failed.last_error and job in failed.last_error
    )
    feeds = feed.ledger("feed.submitted")
    assert len(feeds) == 2 and feeds[1]["body"]["messages"] == [{"messageId": 0, "sku": "A-1", "quantity": 9}]
    with hub.db.session() as s:
        shown = dict(s.execute(select(Listing.sku, Listing.channel_stock)).all())
    assert shown["A-1"] == 7 and shown["C-3"] == 7 and shown["B-2"] is None
    assert {e["resource_id"] for e in feed.ledger("stock.set")} == {"A-1", "C-3"}


def test_a_5xx_on_the_check_is_checked_again_and_never_resubmits(hub, feed):
    _connect(hub, feed)
    _burst(hub)
    dispatcher.dispatch(hub)
    feed.orders({"action": "process"})
    feed.faults({"kind": "error", "status": 503, "method": "GET", "path": "/feeds/*", "count": 10})
    failed_check = dispatcher.dispatch(hub, now=_later(2))
    assert failed_check.waiting == 3 and "503" in _entries(hub)["A-1"][0].last_error
    feed.faults()
    assert dispatcher.dispatch(hub, now=_later(4)).sent == 3
    assert len(feed.ledger("feed.submitted")) == 1 and len(feed.ledger("stock.set")) == 3


def test_a_submit_whose_answer_times_out_is_found_by_reference_not_sent_again(hub, feed):
    _connect(hub, feed, timeout=1)
    _burst(hub)
    # the feed is accepted, but its answer arrives after the client gave up
    feed.faults({"kind": "delay", "seconds": 3, "phase": "after", "method": "POST", "path": "/feeds"})
    lost = dispatcher.dispatch(hub)
    assert lost.awaiting == 3 and len(feed.ledger("feed.submitted")) == 1
    entry = _entries(hub)["A-1"][0]
    assert entry.status == "awaiting" and entry.job_ref is None and entry.job_token
    assert dispatcher.dispatch(hub, now=_later(2)).waiting == 3  # found by reference, still queued
    assert _entries(hub)["A-1"][0].job_ref == feed.ledger("feed.submitted")[0]["resource_id"]
    feed.orders({"action": "process"})
    assert dispatcher.dispatch(hub, now=_later(4)).sent == 3
    assert len(feed.ledger("feed.submitted")) == 1


def test_a_submit_that_never_arrived_is_sent_again_only_after_the_grace(hub, feed):
    _connect(hub, feed)
    _burst(hub)
    feed.faults({"kind": "error", "status": 503, "method": "POST", "path": "/feeds", "count": 20})  # refused
    assert dispatcher.dispatch(hub).awaiting == 3 and feed.ledger("feed.submitted") == []
    assert dispatcher.dispatch(hub, now=_later(1)).waiting == 3  # within the grace: not yet sent again
    assert feed.ledger("feed.submitted") == []
    feed.faults()
    dispatcher.dispatch(hub, now=_later(3))  # no feed with the reference after the grace: submitted anew
    assert len(feed.ledger("feed.submitted")) == 1


def test_a_whole_feed_rejected_fails_every_entry_with_the_reason(hub, feed):
    _connect(hub, feed)
    _burst(hub)
    dispatcher.dispatch(hub)
    feed.orders({"action": "fatal", "reason": "Feed document is not valid JSON_LISTINGS_FEED"})
    feed.orders({"action": "process"})
    assert dispatcher.dispatch(hub, now=_later(2)).dead == 3
    assert all("not valid JSON_LISTINGS_FEED" in e[0].last_error for e in _entries(hub).values())


def test_a_feed_that_never_finishes_fails_after_the_declared_timeout(hub, feed):
    _connect(hub, feed)
    _burst(hub)
    dispatcher.dispatch(hub)
    assert dispatcher.dispatch(hub, now=_later(59)).waiting == 3
    timed_out = dispatcher.dispatch(hub, now=_later(FeedShop.async_push.timeout_s / 60 + 1))
    assert timed_out.dead == 3
    assert all("did not finish" in e[0].last_error for e in _entries(hub).values())
    assert len(feed.ledger("feed.submitted")) == 1


def test_two_workers_never_check_one_job_at_once(hub, feed):
    _connect(hub, feed)
    _burst(hub)
    dispatcher.dispatch(hub)
    job = feed.ledger("feed.submitted")[0]["resource_id"]
    now = _later(2)
    with ThreadPoolExecutor(4) as pool:  # four dispatchers find the same due check at the same moment
        results = list(pool.map(lambda _: dispatcher.dispatch(hub, now=now), range(4)))
    assert sum(r.waiting for r in results) == 3
    assert len(feed.requests(f"/feeds/{job}", "GET")) == 1
    entries = [e[0] for e in _entries(hub).values()]
    assert all(e.status == "awaiting" and e.check_at > now for e in entries)
    assert async_checks._claim(hub, entries, now) == set()  # not due again before the next check time


KILLED_WORKER = """
import json, sys
sys.path.insert(0, {tests!r})
from ordersync.channels import registry
from ordersync.config import Config
from ordersync.sync import dispatcher
from ordersync.sync.hub import Hub
from channels.feedshop.connector import FeedShop
registry.register(FeedShop, replace=True)
cfg = json.loads({config!r})
hub = Hub.open(Config(home=__import__("pathlib").Path(cfg["home"]), database_url=cfg["url"], base_url="http://127.0.0.1:9",
                      master_key=cfg["key"], redis_url=None), migrate=False)
dispatcher.dispatch(hub)
"""


def test_a_worker_killed_between_submit_and_recording_does_not_submit_twice(hub, feed):
    _connect(hub, feed)
    _burst(hub)
    # the feed is accepted, the answer is held back; the worker is SIGKILLed while it waits for it
    feed.faults({"kind": "delay", "seconds": 30, "phase": "after", "method": "POST", "path": "/feeds"})
    config = json.dumps({"home": str(hub.config.home), "url": hub.config.database_url, "key": hub.config.master_key})
    worker = subprocess.Popen(
        [sys.executable, "-c", KILLED_WORKER.format(tests=str(TESTS), config=config)], env=os.environ.copy()
    )
    try:
        deadline = time.monotonic() + 60
        while not feed.ledger("feed.submitted") and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.05)
        assert feed.ledger("feed.submitted"), "the worker never submitted"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    assert {e[0].status for e in _entries(hub).values()} == {"sending"}
    after_lease = utcnow() + dispatcher.CLAIM_LEASE + timedelta(minutes=3)
    assert dispatcher.dispatch(hub, now=after_lease).waiting == 3  # claim expired: looked up, found running
    feed.orders({"action": "process"})
    assert dispatcher.dispatch(hub, now=after_lease + timedelta(minutes=2)).sent == 3
    assert len(feed.ledger("feed.submitted")) == 1 and len(feed.ledger("stock.set")) == 3


class BlindFeedShop(FeedShop):
    """The same platform, but a connector that cannot look a feed up by its reference."""

    async_push = dataclasses.replace(FeedShop.async_push, find_by_reference=False)


def test_a_lost_answer_without_lookup_is_a_visible_failure_never_a_second_submit(hub, feed):
    registry.register(BlindFeedShop, replace=True)
    _connect(hub, feed, timeout=1)
    _burst(hub)
    feed.faults({"kind": "delay", "seconds": 3, "phase": "after", "method": "POST", "path": "/feeds"})
    assert dispatcher.dispatch(hub).awaiting == 3
    failed = dispatcher.dispatch(hub, now=_later(2))
    assert failed.dead == 3
    assert all("cannot look a job up by reference" in e[0].last_error for e in _entries(hub).values())
    assert len(feed.ledger("feed.submitted")) == 1


def test_the_scheduler_wakes_a_worker_when_a_check_is_due(hub, feed):
    from ordersync.jobs.scheduler import has_due_outbox

    _connect(hub, feed)
    _burst(hub)
    assert has_due_outbox(hub)
    dispatcher.dispatch(hub)
    assert not has_due_outbox(hub)  # everything awaits a check a minute away
    with hub.db.session() as s:
        s.execute(update(OutboxEntry).values(check_at=utcnow() - timedelta(seconds=1)))
    assert has_due_outbox(hub)

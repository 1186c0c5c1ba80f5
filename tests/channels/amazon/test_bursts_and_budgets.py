"""A stock burst larger than the dispatcher's round leaves as one JSON_LISTINGS_FEED (the connector declares
its feed's size, ``push_batches``); a worker that starts while Amazon's buckets are drained by another
process meets one 429 per operation, not its whole assumed burst (after a 429's pause the SDK's budget
holds one call, the retry, and refills from there)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from ordersync.channels.amazon.connector import AmazonConnector
from ordersync.channels.amazon.sandbox import create_sandbox
from ordersync.channels.sdk import ratelimit
from ordersync.channels.sdk.connector import DEFAULT_PUSH_BATCH
from ordersync.channels.sdk.records import Window
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import ArticleRow, OutboxEntry
from ordersync.sync import dispatcher
from ordersync.sync.articles import import_articles
from ordersync.sync.connections import add_connection
from ordersync.sync.propagation import propagate
from ordersync.sync.stock import set_level


def test_amazon_declares_its_feed_size_and_others_keep_the_default():
    from ordersync.channels.woocommerce.connector import WooCommerceConnector

    assert AmazonConnector.push_batch("stock") == 25_000
    assert WooCommerceConnector.push_batch("stock") == DEFAULT_PUSH_BATCH


def test_a_burst_beyond_the_dispatch_round_leaves_as_one_feed(hub):
    sandbox = create_sandbox(seed=8, orders=0)
    sandbox.seller.listings.clear()
    with serve_in_thread(sandbox.app) as server:
        sandbox.control_orders({"action": "configure", "scale": 50, "feed_seconds": 0})
        sandbox.control_orders({"action": "listings", "count": 120})
        conn = add_connection(hub, "amazon", "amazon", sandbox.settings_for(server.base_url))
        assert import_articles(hub, conn).error == ""
        with hub.db.session() as s:
            ids = list(s.scalars(select(ArticleRow.id)))
            for article_id in ids:
                set_level(s, article_id, Decimal(4))
            assert propagate(s, ids) == 120
        result = dispatcher.dispatch(hub, limit=50)  # a round claims 50; the feed takes all 120
        assert result.awaiting == 120
        assert len(sandbox.ledger.entries("feed.create")) == 1
        for minutes in (5, 10, 15):  # each dispatch checks up to 50 of the feed's entries
            dispatcher.dispatch(hub, now=utcnow() + timedelta(minutes=minutes), limit=50)
        with hub.db.session() as s:
            assert set(s.scalars(select(OutboxEntry.status))) == {"done"}
        assert len(sandbox.ledger.entries("feed.create")) == 1
        assert {e["changes"]["via"] for e in sandbox.ledger.entries("listing.quantity")} == {"feed"}
    sandbox.close()


@pytest.fixture
def backlog():
    sandbox = create_sandbox(seed=3, orders=0)
    placed = datetime.now(UTC) - timedelta(days=1)
    for n in range(60):
        sandbox.seller.add_order(
            placed=placed + timedelta(seconds=n), marketplace=sandbox.marketplace_ids[n % 2], lines=2
        )
    with serve_in_thread(sandbox.app) as server:
        sandbox.control_orders({"action": "configure", "scale": 20})
        yield sandbox, server.base_url, Window(placed - timedelta(hours=1), datetime.now(UTC))
    sandbox.close()


def test_a_worker_starting_on_drained_buckets_meets_one_429_per_operation(backlog):
    sandbox, base_url, window = backlog
    counts = []
    for _ in range(2):
        ratelimit.registry.clear()  # a new process without shared budgets: it assumes full buckets
        connector = AmazonConnector(sandbox.settings_for(base_url))
        before = sandbox.plans.throttled
        assert sum(len(p.records) for p in connector.fetch_orders(window)) == 60
        counts.append(sandbox.plans.throttled - before)
        connector.close()
    ratelimit.registry.clear()
    # the first run found Amazon's buckets full; the second its 30-call getOrderItems burst spent
    assert counts[0] == 0
    assert 1 <= counts[1] <= 2, counts


def test_a_pause_after_429_empties_the_budget_until_it_ends():
    clock = [100.0]
    budget = ratelimit.RateBudget(30, 10, clock=lambda: clock[0], sleep=lambda s: None)
    assert budget.try_acquire() == 0
    budget.pause(2)
    clock[0] += 1.5
    assert budget.try_acquire() == pytest.approx(0.5)  # the pause's rest
    clock[0] += 0.5 + 0.25
    assert budget.tokens == pytest.approx(1 + 2.5)  # the retry, refilled from the pause's end: not a burst

"""Amazon (issue 12): a burst of stock changes through the engine reaches Amazon in as few feeds as its
JSON_LISTINGS_FEED allows (goal: 5,000 changes in ≤ 3 feeds).

A hub on SQLite (or ORDERSYNC_BENCH_DB) is connected to the Amazon sandbox (usage plans with every rate
multiplied by BENCH_AMAZON_SCALE, default 200), imports BENCH_AMAZON_STOCK listings (default 5000) as
articles, sets every article's stock (one outbox entry per listing, as a stock take does) and dispatches
with the engine's defaults. Figures: the feeds created, the entries the first dispatch submitted, the
engine's per-round limit and the connector's declared stock batch, the time to submit and the time until
every entry settled from the processing report, throttled requests. Prints one JSON document.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import select

from ordersync.channels.amazon.connector import AmazonConnector
from ordersync.channels.amazon.sandbox import create_sandbox
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.config import Config
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import ArticleRow, OutboxEntry
from ordersync.sync import dispatcher
from ordersync.sync.articles import import_articles
from ordersync.sync.connections import add_connection
from ordersync.sync.hub import Hub
from ordersync.sync.propagation import propagate
from ordersync.sync.stock import set_level

STOCK = int(os.environ.get("BENCH_AMAZON_STOCK", "5000"))
SCALE = float(os.environ.get("BENCH_AMAZON_SCALE", "200"))
ROUND_LIMIT = 1000  # dispatcher.dispatch's default limit per round


def statuses(hub: Hub) -> Counter:
    with hub.db.session() as s:
        return Counter(s.scalars(select(OutboxEntry.status)))


def main() -> None:
    allow_loopback()
    home = Path(tempfile.mkdtemp(prefix="ordersync-amazonfeeds-"))
    url = os.environ.get("ORDERSYNC_BENCH_DB") or f"sqlite:///{home / 'hub.db'}"
    hub = Hub.open(
        Config(
            home=home,
            database_url=url,
            base_url="http://127.0.0.1:9",
            master_key=Fernet.generate_key().decode(),
            redis_url=None,
        )
    )
    sandbox = create_sandbox(seed=12, orders=0)
    sandbox.seller.listings.clear()
    report: dict = {
        "changes": STOCK,
        "scale": SCALE,
        "round_limit": ROUND_LIMIT,
        "declared_stock_batch": AmazonConnector.push_batch("stock"),
    }
    with serve_in_thread(sandbox.app) as server:
        sandbox.control_orders({"action": "configure", "scale": SCALE, "feed_seconds": 0})
        sandbox.control_orders({"action": "listings", "count": STOCK})
        conn = add_connection(hub, "amazon", "amazon", sandbox.settings_for(server.base_url))
        imported = import_articles(hub, conn)
        with hub.db.session() as s:
            ids = list(s.scalars(select(ArticleRow.id)))
            for article_id in ids:
                set_level(s, article_id, Decimal(3))
            report["queued"] = propagate(s, ids)
        started = time.monotonic()
        first = dispatcher.dispatch(hub)
        report["submit_seconds"] = round(time.monotonic() - started, 2)
        report["first_dispatch"] = {"awaiting": first.awaiting, "sent": first.sent, "dead": first.dead}
        later = utcnow()
        for _ in range(20):  # each check settles up to the round limit of the awaiting entries
            later += timedelta(minutes=5)
            dispatcher.dispatch(hub, now=later)
            if not statuses(hub).get("awaiting"):
                break
        report["settle_seconds"] = round(time.monotonic() - started, 2)
        report["feeds"] = len(sandbox.ledger.entries("feed.create"))
        report["patches"] = sum(1 for e in sandbox.ledger.entries("listing.quantity") if e["changes"]["via"] == "patch")
        report["articles_imported"] = imported.articles_created
        report["entries"] = dict(statuses(hub))
        report["throttled"] = sandbox.plans.throttled
    sandbox.close()
    hub.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

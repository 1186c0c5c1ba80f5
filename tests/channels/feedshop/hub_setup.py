"""A hub connected to the feed sandbox on loopback, with three listings whose stock the tests change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from channels.harness import SandboxControl
from ordersync.channels import registry
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import ArticleRow, Listing
from ordersync.sync import stock
from ordersync.sync.connections import add_connection

from .connector import FeedShop
from .sandbox import create_sandbox

SKUS = ("A-1", "B-2", "C-3")


@pytest.fixture
def feed(hub):
    registry.register(FeedShop, replace=True)
    sandbox = create_sandbox()
    server = serve_in_thread(sandbox.app)
    yield SandboxControl(sandbox, server.base_url)
    server.stop()
    registry.unregister("feedshop")


def connect(hub, feed, account: str | None = None, **settings) -> int:
    conn_id = add_connection(hub, "feedshop", "feeds", feed.settings() | settings, account=account)
    now, account_id = utcnow(), hub.account_id(account)
    with hub.db.session() as s:
        for sku in SKUS:
            art = ArticleRow(account_id=account_id, sku=sku, created_at=now, updated_at=now)
            s.add(art)
            s.flush()
            s.add(
                Listing(
                    account_id=account_id,
                    connection_id=conn_id,
                    article_id=art.id,
                    product_external_id=sku,
                    sku=sku,
                    updated_at=now,
                )
            )
    return conn_id


def burst(hub, last: int = 7, account: str | None = None) -> None:
    for sku in SKUS:
        for qty in range(3, last + 1):  # several changes per listing: coalesced to the newest
            stock.correct(hub, sku, "set", Decimal(qty), account=account)

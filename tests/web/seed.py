"""One account's worth of data for UI tests: a user, a connection, orders, an article with a listing and
stock, a sync run and a dead letter. Every name carries the account's tag so a page leaking another
account's rows is easy to spot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from ordersync import accounts
from ordersync.channels.sdk.records import Page
from ordersync.domain import Address, Buyer, Order, OrderItem, OrderState
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import (
    ArticleRow,
    Listing,
    OutboxEntry,
    StockLevel,
    StockMovement,
)
from ordersync.sync import synclog
from ordersync.sync.connections import add_connection
from ordersync.sync.importer import store_page

PASSWORD = "correct horse battery"


@dataclass
class Seeded:
    tag: str
    account_id: int
    user: accounts.UserInfo
    connection_id: int
    connection_name: str
    order_ids: list[int]
    order_numbers: list[str]
    article_id: int
    sku: str
    dead_id: int
    run_id: int
    api_key_id: int


def seed_account(hub, tag: str, *, orders: int = 3, role: str = "owner") -> Seeded:
    user = accounts.create_user(hub, f"{tag.lower()}-{role}@example.com", PASSWORD, role, account_name=f"Account{tag}")
    name = f"Shop-{tag}"
    conn_id = add_connection(
        hub,
        "woocommerce",
        name,
        {"url": "http://127.0.0.1:9", "consumer_key": f"ck_{tag}", "consumer_secret": f"cs_{tag}"},
        account=user.account_name,
    )
    now = utcnow()
    sku = f"SKU-{tag}-1"
    with hub.db.session() as s:
        art = ArticleRow(
            account_id=user.account_id, sku=sku, ean="", title=f"Article of {tag}", created_at=now, updated_at=now
        )
        s.add(art)
        s.flush()
        s.add(StockLevel(article_id=art.id, location="default", on_hand=Decimal(10), updated_at=now))
        s.add(
            StockMovement(
                article_id=art.id,
                location="default",
                at=now,
                change=Decimal(10),
                on_hand_after=Decimal(10),
                reason=f"initial {tag}",
            )
        )
        s.add(
            Listing(
                account_id=user.account_id,
                connection_id=conn_id,
                article_id=art.id,
                product_external_id=f"P{tag}",
                sku=sku,
                title=f"Listing of {tag}",
                updated_at=now,
            )
        )
        article_id = art.id
    records = [
        Order(
            external_id=f"{tag}{i}",
            number=f"{tag}-{1000 + i}",
            state=OrderState.PAID,
            currency="EUR",
            created_at=now - timedelta(hours=i),
            updated_at=now - timedelta(hours=i),
            total=Decimal("19.90"),
            items=[
                OrderItem(
                    f"{tag}{i}-1",
                    f"Item of {tag}",
                    Decimal(1),
                    Decimal("19.90"),
                    Decimal("19.90"),
                    sku=sku,
                    product_external_id=f"P{tag}",
                )
            ],
            buyer=Buyer(email=f"buyer{i}@{tag.lower()}.example", first_name="Buyer", last_name=f"{tag}{i}"),
            shipping_address=Address(
                first_name="Buyer",
                last_name=f"{tag}{i}",
                street="Hauptstr.",
                house_number="1",
                zip="10115",
                city="Berlin",
                country="DE",
            ),
        )
        for i in range(orders)
    ]
    counts = store_page(hub, user.account_id, conn_id, Page(records), source="test")
    order_ids = sorted(counts.written)
    with hub.db.session() as s:
        dead = OutboxEntry(
            account_id=user.account_id,
            connection_id=conn_id,
            kind="tracking",
            order_id=order_ids[0],
            payload="{}",
            status="dead",
            attempts=8,
            next_attempt_at=now,
            last_error=f"HTTP 400 from {tag}",
            created_at=now,
            updated_at=now,
        )
        s.add(dead)
        s.flush()
        dead_id = dead.id
    run_id = synclog.start_run(hub, conn_id, "orders")
    synclog.finish_run(hub, run_id, error=f"run error of {tag}", fetched=3)
    accounts.create_api_key(hub, user.email, f"key of {tag}")
    key_id = accounts.list_api_keys(hub, user.id)[0].id
    return Seeded(
        tag,
        user.account_id,
        user,
        conn_id,
        name,
        order_ids,
        [r.number for r in records],
        article_id,
        sku,
        dead_id,
        run_id,
        key_id,
    )

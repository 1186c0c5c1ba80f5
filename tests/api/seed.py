"""Two accounts with a WooCommerce connection, orders, articles and listings each, written through the
engine's own functions (the upsert the importer uses, the stock functions), never by hand-made SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from ordersync.domain import Address, Buyer, Order, OrderItem, OrderState, Payment
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import ArticleRow, Listing
from ordersync.sync.connections import add_connection
from ordersync.sync.reservations import apply_orders
from ordersync.sync.stock import move
from ordersync.sync.upsert import upsert_orders

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class Tenant:
    name: str
    account_id: int
    connection_id: int
    order_ids: list[int] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)


def make_order(prefix: str, n: int, *, state: OrderState = OrderState.PAID, sku: str = "") -> Order:
    created = T0 + timedelta(hours=n)
    total = Decimal("19.90") + n
    return Order(
        external_id=f"{prefix}-{n}",
        number=f"{prefix.upper()}{1000 + n}",
        state=state,
        currency="EUR",
        created_at=created,
        updated_at=created,
        total=total,
        shipping_cost=Decimal("4.90"),
        tax_total=Decimal("3.18"),
        payment_method="paypal",
        payments=[Payment("paypal", total, f"TX{n}", created)],
        buyer=Buyer(email=f"buyer{n}@{prefix}.example", first_name="Eva", last_name=f"Muster{n}"),
        items=[
            OrderItem(
                external_id=f"{prefix}-{n}-1",
                title="Tasse",
                quantity=Decimal(2),
                unit_price=Decimal("7.50"),
                total_price=Decimal("15.00"),
                sku=sku or f"{prefix.upper()}-MUG",
                tax_rate=Decimal(19),
                product_external_id="11",
            )
        ],
        invoice_address=Address.from_lines(
            "Hauptstr. 5", first_name="Eva", last_name=f"Muster{n}", zip="10115", city="Berlin", country="DE"
        ),
        shipping_address=Address.from_lines(
            "Gartenweg 7a", first_name="Eva", last_name=f"Muster{n}", zip="80331", city="München", country="DE"
        ),
        buyer_note="bitte klingeln",
    )


def seed_tenant(hub, name: str, *, orders: int = 3, account_name: str | None = None) -> Tenant:
    """An account ``name`` (created by creating its owner elsewhere, or here) with its data."""
    from ordersync.store.models import Account

    with hub.db.session() as s:
        acc = s.scalar(select(Account).where(Account.name == (account_name or name)))
        if acc is None:
            acc = Account(name=account_name or name, created_at=utcnow())
            s.add(acc)
            s.flush()
        account_id = acc.id
    conn_id = add_connection(
        hub,
        "woocommerce",
        f"{name}-shop",
        {"url": f"https://{name}.example", "consumer_key": f"ck_{name}", "consumer_secret": f"cs_{name}_secret"},
        account=account_name or name,
    )
    tenant = Tenant(account_name or name, account_id, conn_id)
    now = utcnow()
    with hub.db.session() as s:
        for sku in (f"{name.upper()}-MUG", f"{name.upper()}-CAP"):
            art = ArticleRow(
                account_id=account_id,
                sku=sku,
                ean="4006381333931",
                title=f"{name} {sku}",
                created_at=now,
                updated_at=now,
            )
            s.add(art)
            s.flush()
            move(s, art.id, Decimal(10), "seed")
            s.add(
                Listing(
                    account_id=account_id,
                    connection_id=conn_id,
                    article_id=art.id,
                    product_external_id=str(10 + len(tenant.article_ids)),
                    variant_external_id="",
                    sku=sku,
                    title=sku,
                    channel_stock=Decimal(10),
                    updated_at=now,
                )
            )
            tenant.article_ids.append(art.id)
            tenant.skus.append(sku)
        s.flush()
        counts = upsert_orders(
            s,
            account_id,
            conn_id,
            [make_order(name, n) for n in range(1, orders + 1)],
            article_of=lambda item: tenant.article_ids[0],
        )
        apply_orders(s, counts.created_ids, new_ids=set(counts.created_ids))
        tenant.order_ids = list(counts.created_ids)
    return tenant

"""Orders with a buyer address, imported into the memshop connection (a channel without a messaging API)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from ordersync.channels.sdk.records import Page
from ordersync.domain import Address, Order, OrderItem, OrderState
from ordersync.domain.address import Buyer
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OrderEvent, OrderRow
from ordersync.sync.importer import store_page


def order(
    n: int,
    *,
    sku: str = "TEE-1",
    state: OrderState = OrderState.PAID,
    email: str = "eva@example.org",
    title: str = "Grüner Tee „Sencha“",
) -> Order:
    now = utcnow() - timedelta(minutes=5)
    return Order(
        external_id=str(n),
        number=f"10{n:02d}",
        state=state,
        currency="EUR",
        created_at=now,
        updated_at=now + timedelta(seconds=n),
        total=Decimal("25.80"),
        items=[
            OrderItem(
                external_id=f"{n}-1",
                title=title,
                quantity=Decimal(2),
                unit_price=Decimal("12.90"),
                total_price=Decimal("25.80"),
                sku=sku,
            )
        ],
        buyer=Buyer(email=email, first_name="Eva", last_name="Müller"),
        invoice_address=Address.from_lines(
            "Hauptstr. 5", first_name="Eva", last_name="Müller", zip="10115", city="Berlin", country="DE", email=email
        ),
        shipping_address=Address.from_lines(
            "Lindenweg 7a",
            first_name="Eva",
            last_name="Müller",
            zip="80331",
            city="München",
            country="DE",
            phone="+49 89 123456",
        ),
    )


def import_orders(hub, connection_id: int, *orders: Order) -> list[int]:
    store_page(hub, hub.account_id(), connection_id, Page(list(orders)), source="poll")
    with hub.db.session() as s:
        return [
            s.scalar(
                select(OrderRow.id).where(
                    OrderRow.connection_id == connection_id, OrderRow.external_id == o.external_id
                )
            )
            for o in orders
        ]


def events(hub, order_id: int, kind: str | None = None) -> list[OrderEvent]:
    with hub.db.session() as s:
        q = select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
        if kind:
            q = q.where(OrderEvent.kind == kind)
        return list(s.scalars(q))


def forward_by_mail(hub, connection_id: int, server, certs, record: Order, target: str, language: str = "de"):
    """``record`` imported and forwarded by mail to a new target in ``language``: the one mail the SMTP
    server received."""
    from ordersync import forwarding
    from ordersync.mail import smtp

    from .conftest import smtp_settings

    smtp.save(hub, **smtp_settings(server, certs))
    forwarding.add_target(hub, target, "email", f"lager@{target}.example", language=language)
    (order_id,) = import_orders(hub, connection_id, record)
    forwarding.forward_order(hub, order_id, target)
    assert forwarding.dispatch_due(hub) == 1
    (msg,) = server.received
    return msg

"""Issue 16 item 1: every order placed after the hub took over an article's stock counts once, whatever
state it arrives in; a cancellation or refund gives back once; older orders do not count. SQLite and
PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from ordersync.channels.sdk.records import Page
from ordersync.domain import Order, OrderState, Refund, RefundItem
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import ArticleRow, OrderRow, StockMovement
from ordersync.sync import stock
from ordersync.sync.importer import store_page

from .memshop import make_order

S = OrderState


class Ledger:
    """One article SKU-1 whose stock the hub set to 10 now, and a way to feed orders through the engine."""

    def __init__(self, hub, conn_id: int) -> None:
        self.hub, self.conn_id = hub, conn_id
        self.account_id = hub.account_id()
        now = utcnow()
        with hub.db.session() as s:
            art = ArticleRow(account_id=self.account_id, sku="SKU-1", title="Tasse", created_at=now, updated_at=now)
            s.add(art)
            s.flush()
            self.article_id = art.id
        stock.correct(hub, "SKU-1", "set", Decimal(10))
        with hub.db.session() as s:
            self.set_at = s.get(ArticleRow, self.article_id).stock_set_at
        assert self.set_at is not None

    def order(
        self,
        n: int,
        state: OrderState,
        *,
        placed_after: bool = True,
        quantity: int = 3,
        refunds: list[Refund] | None = None,
        modified_by: int = 0,
    ) -> Order:
        order = make_order(n, state=state, modified=utcnow() + timedelta(seconds=modified_by))
        created = self.set_at + (timedelta(microseconds=1) if placed_after else -timedelta(days=1))
        order.created_at = created
        order.items[0].quantity = Decimal(quantity)
        order.refunds = refunds or []
        return order

    def feed(self, *orders: Order):
        return store_page(self.hub, self.account_id, self.conn_id, Page(records=list(orders)), source="poll")

    def on_hand(self) -> Decimal:
        with self.hub.db.session() as s:
            return stock.availability(s, [self.article_id])[self.article_id].on_hand

    def available(self) -> Decimal:
        with self.hub.db.session() as s:
            return stock.availability(s, [self.article_id])[self.article_id].available

    def movements(self) -> list[Decimal]:
        with self.hub.db.session() as s:
            return list(
                s.scalars(
                    select(StockMovement.change).where(StockMovement.order_id.is_not(None)).order_by(StockMovement.id)
                )
            )


def test_an_order_first_seen_completed_lowers_stock_once(hub, memshop):
    ledger = Ledger(hub, memshop)
    shipped = ledger.order(1, S.SHIPPED)
    assert ledger.feed(shipped).created == 1
    assert ledger.on_hand() == 7 and ledger.available() == 7
    ledger.feed(shipped)  # the same record again: nothing moves
    ledger.feed(replace(shipped, updated_at=shipped.updated_at + timedelta(seconds=5), buyer_note="again"))
    assert ledger.on_hand() == 7
    assert ledger.movements() == [Decimal(-3)]
    with hub.db.session() as s:
        assert s.scalar(select(OrderRow.stock_effect)) == "consumed"


def test_a_cancellation_after_shipping_gives_back_once(hub, memshop):
    ledger = Ledger(hub, memshop)
    ledger.feed(ledger.order(1, S.SHIPPED))
    cancelled = ledger.order(1, S.CANCELLED, modified_by=10)
    ledger.feed(cancelled)
    assert ledger.on_hand() == 10
    ledger.feed(replace(cancelled, updated_at=cancelled.updated_at + timedelta(seconds=5), buyer_note="x"))
    assert ledger.on_hand() == 10
    assert ledger.movements() == [Decimal(-3), Decimal(3)]


def test_a_partial_refund_gives_back_the_refunded_quantity_once(hub, memshop):
    ledger = Ledger(hub, memshop)
    ledger.feed(ledger.order(1, S.SHIPPED))
    refund = Refund(
        "r1",
        Decimal("10.00"),
        "EUR",
        reason="broken",
        refunded_at=utcnow(),
        items=[RefundItem("1-1", Decimal(1), Decimal("10.00"))],
    )
    refunded = ledger.order(1, S.SHIPPED, refunds=[refund], modified_by=10)
    ledger.feed(refunded)
    assert ledger.on_hand() == 8
    ledger.feed(replace(refunded, updated_at=refunded.updated_at + timedelta(seconds=5), buyer_note="x"))
    assert ledger.on_hand() == 8
    with hub.db.session() as s:
        row = s.scalar(select(OrderRow))
        assert row.refunded_amount == Decimal("10.00")


def test_a_refund_of_an_open_order_shrinks_its_reservation(hub, memshop):
    ledger = Ledger(hub, memshop)
    ledger.feed(ledger.order(1, S.PAID))
    assert (ledger.on_hand(), ledger.available()) == (10, 7)
    refund = Refund(
        "r1", Decimal("20.00"), "EUR", refunded_at=utcnow(), items=[RefundItem("1-1", Decimal(2), Decimal("20.00"))]
    )
    ledger.feed(ledger.order(1, S.PAID, refunds=[refund], modified_by=10))
    assert (ledger.on_hand(), ledger.available()) == (10, 9)


def test_an_order_placed_before_the_stock_was_set_does_not_count(hub, memshop):
    ledger = Ledger(hub, memshop)
    ledger.feed(ledger.order(1, S.SHIPPED, placed_after=False))
    assert ledger.on_hand() == 10
    ledger.feed(ledger.order(1, S.CANCELLED, placed_after=False, modified_by=10))
    assert ledger.on_hand() == 10 and ledger.movements() == []
    with hub.db.session() as s:
        assert s.scalar(select(OrderRow.stock_effect)) == "none"


def test_an_older_order_seen_open_then_shipped_takes_its_stock(hub, memshop):
    """Its goods were on the shelf when the figure was set: shipping them lowers on-hand."""
    ledger = Ledger(hub, memshop)
    ledger.feed(ledger.order(1, S.PAID, placed_after=False))
    assert (ledger.on_hand(), ledger.available()) == (10, 7)
    ledger.feed(ledger.order(1, S.SHIPPED, placed_after=False, modified_by=10))
    assert (ledger.on_hand(), ledger.available()) == (7, 7)


def test_setting_the_stock_again_absorbs_what_orders_took_before(hub, memshop):
    ledger = Ledger(hub, memshop)
    ledger.feed(ledger.order(1, S.SHIPPED))
    assert ledger.on_hand() == 7
    stock.correct(hub, "SKU-1", "set", Decimal(20))  # a stock take: the shipped goods are gone already
    ledger.feed(replace(ledger.order(1, S.SHIPPED, modified_by=10), buyer_note="re-read"))
    assert ledger.on_hand() == 20
    ledger.feed(ledger.order(1, S.CANCELLED, modified_by=20))  # placed before the new figure
    assert ledger.on_hand() == 20

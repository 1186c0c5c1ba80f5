"""Orders as the inbox and the order page show them, always scoped to one account.

The inbox stays fast at 100,000 orders: the page is chosen with indexed filters and an indexed sort
(``ix_orders_account_created`` and friends), and only the page's rows get their item counts and tags,
in one query each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Float, cast, false, func, or_, select
from sqlalchemy.orm import Session

from ..domain import Address, Buyer, Payment, Refund
from ..domain.codec import from_data
from ..store.models import (
    Connection,
    LineCancellationRow,
    OrderAcknowledgement,
    OrderEvent,
    OrderItemRow,
    OrderRow,
    ShipmentLineRow,
    ShipmentRow,
)
from ..store.models_accounts import OrderTag
from ..sync import fulfilment
from ..sync.hub import Hub, HubError
from .paging import ResultPage, check_page

SORT_KEYS = {
    "created": OrderRow.created_at,
    "modified": OrderRow.modified_at,
    "number": OrderRow.number,
    "total": OrderRow.total,
    "state": OrderRow.state,
}


@dataclass
class OrderFilter:
    states: tuple[int, ...] = ()
    connection_ids: tuple[int, ...] = ()
    created_from: datetime | None = None
    created_to: datetime | None = None
    modified_from: datetime | None = None
    modified_to: datetime | None = None
    text: str = ""  # number, external id, buyer name, buyer e-mail, item SKU
    tag: str = ""


@dataclass
class OrderSummary:
    id: int
    number: str
    external_id: str
    connection_id: int | None
    connection_name: str | None
    system: str | None
    state: int
    buyer_name: str
    buyer_email: str
    total: Decimal
    currency: str
    created_at: datetime
    modified_at: datetime
    item_count: int
    oversold: bool
    tags: list[str]
    refunded_amount: Decimal = Decimal(0)

    @property
    def refund_status(self) -> str:
        """none | partial | full: a partly refunded order keeps its state and shows this beside it."""
        if not self.refunded_amount:
            return "none"
        return "full" if self.refunded_amount >= self.total else "partial"


class OrderPage(ResultPage[OrderSummary]):
    pass


@dataclass
class ItemView:
    external_id: str
    sku: str
    ean: str
    title: str
    quantity: Decimal
    unit_price: Decimal
    total_price: Decimal
    tax_rate: Decimal | None
    product_external_id: str
    variant_external_id: str
    attributes: dict[str, str]
    article_id: int | None
    refunded_quantity: Decimal = Decimal(0)


@dataclass
class RefundItemView:
    item_external_id: str
    title: str
    sku: str
    quantity: Decimal
    amount: Decimal


@dataclass
class RefundView:
    external_id: str
    amount: Decimal
    currency: str
    reason: str
    refunded_at: datetime | None
    items: list[RefundItemView]


@dataclass
class ShipmentLineView:
    item_external_id: str
    sku: str
    quantity: Decimal


@dataclass
class ShipmentView:
    id: int
    carrier: str
    tracking_number: str
    tracking_url: str
    created_at: datetime
    lines: list[ShipmentLineView] = field(default_factory=list)  # empty: the whole order


@dataclass
class LineCancellationView:
    id: int
    item_external_id: str
    sku: str
    quantity: Decimal
    reason: str
    created_at: datetime


@dataclass
class AcknowledgementView:
    accept: bool
    reason: str
    deadline: datetime | None
    queued_at: datetime
    sent_at: datetime | None


@dataclass
class EventView:
    id: int
    at: datetime
    kind: str
    source: str
    text: str  # English, rendered when written
    history_kind: str = "text"  # the kind of domain.history, with its parameters
    params: dict = field(default_factory=dict)


@dataclass
class OrderDetail(OrderSummary):
    channel_status: str = ""
    shipping_cost: Decimal = Decimal(0)
    tax_total: Decimal = Decimal(0)
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    imported_at: datetime | None = None
    payment_method: str = ""
    buyer_note: str = ""
    buyer: Buyer = field(default_factory=Buyer)
    billing_address: Address = field(default_factory=Address)
    shipping_address: Address = field(default_factory=Address)
    items: list[ItemView] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    shipments: list[ShipmentView] = field(default_factory=list)
    events: list[EventView] = field(default_factory=list)  # newest first
    refunds: list[RefundView] = field(default_factory=list)
    line_cancellations: list[LineCancellationView] = field(default_factory=list)
    acknowledgement: AcknowledgementView | None = None
    acknowledge_by: datetime | None = None  # the channel's deadline for accepting the order
    open_quantities: dict[str, Decimal] = field(default_factory=dict)  # per line id, after shipments


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(column, pattern: str, sqlite: bool):
    """Case-insensitive substring match. On PostgreSQL ``lower(column) LIKE`` is exactly the expression of the
    trigram indexes (store/models_accounts.py), so the search is an index lookup. SQLite's LIKE already
    ignores ASCII case (as its lower() does, so nothing is lost) and without lower() it reads rows faster."""
    return column.like(pattern, escape="\\") if sqlite else func.lower(column).like(pattern.lower(), escape="\\")


SEARCH_CAP = 5000


def _text_condition(s: Session | None, account_id: int, text: str, sqlite: bool):
    """The full-text condition. On PostgreSQL a selective search first collects its matches through the
    trigram indexes (one index lookup per column) and becomes ``id IN (...)``; a search matching more than
    SEARCH_CAP orders (a common word) reads the rows instead, which is then the cheaper plan."""
    pattern = _like(text)
    columns = (OrderRow.number, OrderRow.external_id, OrderRow.buyer_name, OrderRow.buyer_email)
    by_text = or_(*(_contains(c, pattern, sqlite) for c in columns))
    by_sku = select(OrderItemRow.order_id).where(_contains(OrderItemRow.sku, pattern, sqlite))
    if s is not None and not sqlite:
        found = select(OrderRow.id).where(OrderRow.account_id == account_id, by_text).union_all(by_sku)
        ids = set(s.scalars(found.limit(SEARCH_CAP + 1)))
        if len(ids) <= SEARCH_CAP:
            return OrderRow.id.in_(sorted(ids)) if ids else false()
    return or_(by_text, OrderRow.id.in_(by_sku))


def _filtered(account_id: int, f: OrderFilter, sqlite: bool = False, s: Session | None = None):
    q = select(OrderRow.id).where(OrderRow.account_id == account_id)
    conds: list[ColumnElement[bool]] = []
    if f.states:
        conds.append(OrderRow.state.in_([int(s) for s in f.states]))
    if f.connection_ids:
        conds.append(OrderRow.connection_id.in_([int(c) for c in f.connection_ids]))
    for column, lo, hi in (
        (OrderRow.created_at, f.created_from, f.created_to),
        (OrderRow.modified_at, f.modified_from, f.modified_to),
    ):
        for bound in (lo, hi):
            if bound is not None and bound.tzinfo is None:
                raise HubError(f"timestamp {bound.isoformat()} has no time zone")
        if lo is not None:
            conds.append(column >= lo)
        if hi is not None:
            conds.append(column <= hi)
    text = f.text.strip()
    if text:
        conds.append(_text_condition(s, account_id, text, sqlite))
    if f.tag.strip():
        conds.append(
            OrderRow.id.in_(
                select(OrderTag.order_id).where(OrderTag.account_id == account_id, OrderTag.tag == f.tag.strip())
            )
        )
    return q.where(*conds), conds


def _order_by(sort: str, sqlite: bool = False):
    key = (sort or "-created").strip()
    desc = key.startswith("-")
    column: Any = SORT_KEYS.get(key.lstrip("-+"))  # a mapped column, or a CAST of one (below)
    if column is None:
        raise HubError(f"unknown sort {sort!r}; use one of {', '.join(SORT_KEYS)} (prefix - for descending)")
    if sqlite and column is OrderRow.total:  # amounts are text on SQLite (exact), sorted as numbers
        column = cast(OrderRow.total, Float)
    return (column.desc(), OrderRow.id.desc()) if desc else (column.asc(), OrderRow.id.asc())


def _tags(s: Session, order_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {i: [] for i in order_ids}
    if order_ids:
        for order_id, tag in s.execute(
            select(OrderTag.order_id, OrderTag.tag).where(OrderTag.order_id.in_(order_ids)).order_by(OrderTag.tag)
        ):
            out[order_id].append(tag)
    return out


_SUMMARY_COLUMNS = (
    OrderRow.id,
    OrderRow.number,
    OrderRow.external_id,
    OrderRow.connection_id,
    Connection.name,
    Connection.system,
    OrderRow.state,
    OrderRow.buyer_name,
    OrderRow.buyer_email,
    OrderRow.total,
    OrderRow.currency,
    OrderRow.created_at,
    OrderRow.modified_at,
    OrderRow.oversold,
    OrderRow.refunded_amount,
)


def _summaries(s: Session, rows) -> list[OrderSummary]:
    ids = [r.id for r in rows]
    counts = (
        dict(
            s.execute(
                select(OrderItemRow.order_id, func.count())
                .where(OrderItemRow.order_id.in_(ids))
                .group_by(OrderItemRow.order_id)
            ).all()
        )
        if ids
        else {}
    )
    tags = _tags(s, ids)
    return [
        OrderSummary(
            r.id,
            r.number,
            r.external_id,
            r.connection_id,
            r.name,
            r.system,
            r.state,
            r.buyer_name,
            r.buyer_email,
            r.total,
            r.currency,
            r.created_at,
            r.modified_at,
            counts.get(r.id, 0),
            bool(r.oversold),
            tags[r.id],
            Decimal(r.refunded_amount or 0),
        )
        for r in rows
    ]


def list_orders(
    hub: Hub,
    account_id: int,
    f: OrderFilter | None = None,
    *,
    page: int = 1,
    page_size: int = 50,
    sort: str = "-created",
) -> OrderPage:
    f = f or OrderFilter()
    offset = check_page(page, page_size)
    sqlite = hub.db.is_sqlite
    order = _order_by(sort, sqlite)
    with hub.db.session() as s:
        _, conds = _filtered(account_id, f, sqlite, s)
        count = select(func.count()).select_from(OrderRow).where(OrderRow.account_id == account_id, *conds)
        page_q = (
            select(*_SUMMARY_COLUMNS)
            .outerjoin(Connection, Connection.id == OrderRow.connection_id)
            .where(OrderRow.account_id == account_id, *conds)
            .order_by(*order)
            .limit(page_size)
            .offset(offset)
        )
        if f.text.strip():
            # a text search reads every row anyway: count in the same pass instead of a second scan
            rows = s.execute(page_q.add_columns(func.count().over().label("matches"))).all()
            total = rows[0].matches if rows else (s.scalar(count) or 0 if page > 1 else 0)
        else:  # the count is index-only; the page walks the sort index and stops after page_size rows
            total = s.scalar(count) or 0
            rows = s.execute(page_q).all()
        return OrderPage(_summaries(s, rows), total, page, page_size)


def order_ids(hub: Hub, account_id: int, f: OrderFilter, limit: int = 10_000) -> list[int]:
    """Ids of every order matching a filter (bulk actions), newest first."""
    with hub.db.session() as s:
        q, _ = _filtered(account_id, f, hub.db.is_sqlite, s)
        return list(s.scalars(q.order_by(OrderRow.created_at.desc(), OrderRow.id.desc()).limit(limit)))


def get_order(hub: Hub, account_id: int, order_id: int) -> OrderDetail | None:
    with hub.db.session() as s:
        row = s.execute(
            select(
                *_SUMMARY_COLUMNS,
                OrderRow.data,
                OrderRow.channel_status,
                OrderRow.shipping_cost,
                OrderRow.paid_at,
                OrderRow.shipped_at,
                OrderRow.imported_at,
            )
            .outerjoin(Connection, Connection.id == OrderRow.connection_id)
            .where(OrderRow.id == order_id, OrderRow.account_id == account_id)
        ).first()
        if row is None:
            return None
        (summary,) = _summaries(s, [row])
        data = json.loads(row.data)
        stored = {
            x: (a, Decimal(q or 0))
            for x, a, q in s.execute(
                select(OrderItemRow.external_id, OrderItemRow.article_id, OrderItemRow.refunded_quantity).where(
                    OrderItemRow.order_id == order_id
                )
            )
        }
        items = [
            ItemView(
                i.get("external_id", ""),
                i.get("sku", ""),
                i.get("ean", ""),
                i.get("title", ""),
                Decimal(i["quantity"]),
                Decimal(i["unit_price"]),
                Decimal(i["total_price"]),
                Decimal(i["tax_rate"]) if i.get("tax_rate") is not None else None,
                i.get("product_external_id", ""),
                i.get("variant_external_id", ""),
                dict(i.get("attributes") or {}),
                *stored.get(i.get("external_id", ""), (None, Decimal(0))),
            )
            for i in data.get("items", [])
        ]
        shipments = [
            ShipmentView(x.id, x.carrier, x.tracking_number, x.tracking_url, x.created_at)
            for x in s.scalars(select(ShipmentRow).where(ShipmentRow.order_id == order_id).order_by(ShipmentRow.id))
        ]
        lines_of: dict[int, list[ShipmentLineView]] = {}
        for x in s.scalars(
            select(ShipmentLineRow)
            .where(ShipmentLineRow.shipment_id.in_([y.id for y in shipments]))
            .order_by(ShipmentLineRow.id)
        ):
            lines_of.setdefault(x.shipment_id, []).append(
                ShipmentLineView(x.item_external_id, x.sku, Decimal(x.quantity))
            )
        for view in shipments:
            view.lines = lines_of.get(view.id, [])
        cancellations = [
            LineCancellationView(x.id, x.item_external_id, x.sku, Decimal(x.quantity), x.reason, x.created_at)
            for x in s.scalars(
                select(LineCancellationRow)
                .where(LineCancellationRow.order_id == order_id)
                .order_by(LineCancellationRow.id)
            )
        ]
        ack = s.scalar(select(OrderAcknowledgement).where(OrderAcknowledgement.order_id == order_id))
        ack_view = (
            AcknowledgementView(ack.accept, ack.reason, ack.deadline, ack.queued_at, ack.sent_at)
            if ack is not None
            else None
        )
        left = fulfilment.open_now(s, order_id)
        events = [
            EventView(e.id, e.at, e.kind, e.source, e.text, e.history_kind, e.params)
            for e in s.scalars(select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id.desc()))
        ]
    return OrderDetail(
        **vars(summary),
        channel_status=row.channel_status,
        shipping_cost=row.shipping_cost,
        tax_total=Decimal(data.get("tax_total") or 0),
        paid_at=row.paid_at,
        shipped_at=row.shipped_at,
        imported_at=row.imported_at,
        payment_method=data.get("payment_method", ""),
        buyer_note=data.get("buyer_note", ""),
        buyer=from_data(Buyer, data.get("buyer") or {}),
        billing_address=from_data(Address, data.get("invoice_address") or {}),
        shipping_address=from_data(Address, data.get("shipping_address") or {}),
        items=items,
        payments=[from_data(Payment, p) for p in data.get("payments", [])],
        shipments=shipments,
        events=events,
        refunds=_refunds(data, items),
        line_cancellations=cancellations,
        acknowledgement=ack_view,
        acknowledge_by=_when(data.get("acknowledge_by")),
        open_quantities=left,
    )


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _refunds(data: dict, items: list[ItemView]) -> list[RefundView]:
    by_id = {i.external_id: i for i in items}
    out = []
    for r in data.get("refunds") or []:
        refund = from_data(Refund, r)
        out.append(
            RefundView(
                refund.external_id,
                refund.amount,
                refund.currency,
                refund.reason,
                refund.refunded_at,
                [
                    RefundItemView(
                        x.item_external_id,
                        getattr(by_id.get(x.item_external_id), "title", ""),
                        getattr(by_id.get(x.item_external_id), "sku", ""),
                        x.quantity,
                        x.amount,
                    )
                    for x in refund.items
                ],
            )
        )
    return out


def summaries_in(s: Session, account_id: int, ids) -> dict[int, OrderSummary]:
    """Summaries of these orders of one account, inside the caller's transaction (webhook fan-out)."""
    ids = list(set(ids))
    if not ids:
        return {}
    rows = s.execute(
        select(*_SUMMARY_COLUMNS)
        .outerjoin(Connection, Connection.id == OrderRow.connection_id)
        .where(OrderRow.account_id == account_id, OrderRow.id.in_(ids))
    ).all()
    return {x.id: x for x in _summaries(s, rows)}

"""Shipments of an account's orders, newest first (GET /api/v1/shipments)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from ..store.models import OrderRow, ShipmentLineRow, ShipmentRow
from ..sync.hub import Hub
from .orders import ShipmentLineView
from .paging import ResultPage, check_page


@dataclass
class ShipmentRowView:
    id: int
    order_id: int
    order_number: str
    carrier: str
    tracking_number: str
    tracking_url: str
    created_at: datetime
    lines: list[ShipmentLineView] = field(default_factory=list)  # empty: the parcel ships the whole order


class ShipmentPage(ResultPage[ShipmentRowView]):
    pass


def list_shipments(
    hub: Hub,
    account_id: int,
    *,
    order_id: int | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    min_id: int | None = None,
    page: int = 1,
    page_size: int = 50,
) -> ShipmentPage:
    offset = check_page(page, page_size)
    conds = [OrderRow.account_id == account_id]
    if order_id is not None:
        conds.append(ShipmentRow.order_id == order_id)
    if created_from is not None:
        conds.append(ShipmentRow.created_at >= created_from)
    if created_to is not None:
        conds.append(ShipmentRow.created_at <= created_to)
    if min_id is not None:
        conds.append(ShipmentRow.id >= min_id)
    base = select(ShipmentRow, OrderRow.number).join(OrderRow, OrderRow.id == ShipmentRow.order_id).where(*conds)
    with hub.db.session() as s:
        total = (
            s.scalar(
                select(func.count())
                .select_from(ShipmentRow)
                .join(OrderRow, OrderRow.id == ShipmentRow.order_id)
                .where(*conds)
            )
            or 0
        )
        rows = s.execute(base.order_by(ShipmentRow.id.desc()).limit(page_size).offset(offset)).all()
        views = [
            ShipmentRowView(x.id, x.order_id, number, x.carrier, x.tracking_number, x.tracking_url, x.created_at)
            for x, number in rows
        ]
        by_id = {v.id: v for v in views}
        for x in s.scalars(
            select(ShipmentLineRow).where(ShipmentLineRow.shipment_id.in_(list(by_id))).order_by(ShipmentLineRow.id)
        ):
            by_id[x.shipment_id].lines.append(ShipmentLineView(x.item_external_id, x.sku, Decimal(x.quantity)))
        return ShipmentPage(views, total, page, page_size)

"""Shipments of an account's orders, newest first (GET /api/v1/shipments)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..store.models import OrderRow, ShipmentRow
from ..sync.hub import Hub
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


class ShipmentPage(ResultPage[ShipmentRowView]):
    pass


def list_shipments(hub: Hub, account_id: int, *, order_id: int | None = None, created_from: datetime | None = None,
                   created_to: datetime | None = None, min_id: int | None = None, page: int = 1,
                   page_size: int = 50) -> ShipmentPage:
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
        total = s.scalar(select(func.count()).select_from(ShipmentRow)
                         .join(OrderRow, OrderRow.id == ShipmentRow.order_id).where(*conds)) or 0
        rows = s.execute(base.order_by(ShipmentRow.id.desc()).limit(page_size).offset(offset)).all()
        return ShipmentPage([ShipmentRowView(x.id, x.order_id, number, x.carrier, x.tracking_number, x.tracking_url,
                                             x.created_at) for x, number in rows], total, page, page_size)

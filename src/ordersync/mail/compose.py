"""Placeholder values for an order and the e-mail built from a rendered template.

Dates, amounts and quantities are written for the template's language by ``ordersync.formatting`` (the
seller's time zone; 05.12.2026 and 1.234,56 € in German, 05/12/2026 and €1,234.56 in English)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from email.headerregistry import Address as MailAddress
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import formatting
from ..domain import OrderState
from ..domain.timeutil import utcnow
from ..store.models import Connection, OrderRow, ShipmentRow
from .smtp import SmtpConfig


def items_text(data: dict, language: str) -> str:
    lines = []
    for item in data.get("items", []):
        sku = f" ({item['sku']})" if item.get("sku") else ""
        lines.append(f"{formatting.number(str(item['quantity']), language)} × {item['title']}{sku}")
    return "\n".join(lines)


def address_line(a: dict) -> str:
    name = " ".join(p for p in (a.get("first_name", ""), a.get("last_name", "")) if p)
    street = " ".join(p for p in (a.get("street", ""), a.get("house_number", "")) if p)
    place = " ".join(p for p in (a.get("zip", ""), a.get("city", "")) if p)
    return ", ".join(
        p for p in (a.get("company", ""), name, street, a.get("line2", ""), place, a.get("country") or "") if p
    )


def order_values(s: Session, order: OrderRow, language: str, seller: str) -> dict[str, str]:
    data = json.loads(order.data)
    conn = s.get(Connection, order.connection_id) if order.connection_id else None
    shipment = s.scalar(
        select(ShipmentRow).where(ShipmentRow.order_id == order.id).order_by(ShipmentRow.id.desc()).limit(1)
    )
    state = OrderState(order.state)
    shipping = data.get("shipping_address") or {}
    if not any(shipping.get(k) for k in ("street", "city", "last_name")):
        shipping = data.get("invoice_address") or {}
    return {
        "order_number": order.number,
        "order_date": formatting.date(order.created_at, language),
        "buyer_name": order.buyer_name
        or address_line({k: (data.get("invoice_address") or {}).get(k, "") for k in ("first_name", "last_name")}),
        "buyer_email": order.buyer_email,
        "items": items_text(data, language),
        "total": formatting.money(Decimal(order.total), order.currency, language),
        "shipping_address": address_line(shipping),
        "state": state.name_de if language == "de" else state.name_en,
        "carrier": shipment.carrier if shipment else "",
        "tracking_number": shipment.tracking_number if shipment else "",
        "tracking_url": shipment.tracking_url if shipment else "",
        "shop": conn.name if conn else "",
        "channel": conn.system if conn else "",
        "seller": seller,
    }


def new_message_id(config: SmtpConfig) -> str:
    domain = parseaddr(config.from_address)[1].rpartition("@")[2] or "ordersync.local"
    return make_msgid(idstring="ordersync", domain=domain)


def build(
    config: SmtpConfig,
    *,
    to: str,
    subject: str,
    body: str,
    language: str,
    message_id: str,
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> EmailMessage:
    """``attachments``: (filename, MIME type, bytes)."""
    msg = EmailMessage()
    addr = parseaddr(config.from_address)[1]
    msg["From"] = MailAddress(config.from_name, addr_spec=addr) if config.from_name else addr
    msg["To"] = to
    if config.reply_to:
        msg["Reply-To"] = config.reply_to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body)
    for filename, mime, content in attachments:
        maintype, _, subtype = mime.partition("/")
        params = {"charset": "utf-8"} if maintype == "text" else None
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename, params=params)
    msg["Content-Language"] = language  # last: set_content and add_attachment move Content-* headers
    return msg

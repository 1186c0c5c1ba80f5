"""The JSON shapes of orders, articles, shipments and connections, named as Billbee's API names them (so
tools written for Billbee find their fields), shared by the REST API and the outgoing webhooks.

Money is a decimal string with its currency beside it; timestamps are ISO 8601 with their UTC offset.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ..domain import Address, OrderState


def money(value: Decimal | None) -> str | None:
    """At least two decimals (24.9 → "24.90"), never fewer digits than stored (0.125 stays "0.125")."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.quantize(Decimal("0.01")):
        return str(value.quantize(Decimal("0.01")))
    return str(value.normalize())


def number(value: Decimal | None) -> str | None:
    return (
        None
        if value is None
        else str(
            Decimal(value).normalize() if value != value.to_integral_value() else Decimal(value).quantize(Decimal(1))
        )
    )


def ts(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def state_name(state: int) -> str:
    try:
        return OrderState(state).name_en
    except ValueError:
        return str(state)


def address_json(a: Address) -> dict[str, Any]:
    return {
        "FirstName": a.first_name,
        "LastName": a.last_name,
        "Company": a.company,
        "Street": a.street,
        "HouseNumber": a.house_number,
        "Line2": a.line2,
        "Zip": a.zip,
        "City": a.city,
        "State": a.state,
        "CountryISO2": a.country,
        "Email": a.email,
        "Phone": a.phone,
    }


def order_summary_json(o) -> dict[str, Any]:
    return {
        "BillBeeOrderId": o.id,
        "Id": o.external_id,
        "OrderNumber": o.number,
        "State": o.state,
        "StateName": state_name(o.state),
        "ApiAccountId": o.connection_id,
        "ApiAccountName": o.connection_name,
        "Platform": o.system,
        "Buyer": {"FullName": o.buyer_name, "Email": o.buyer_email},
        "TotalCost": money(o.total),
        "Currency": o.currency,
        "CreatedAt": ts(o.created_at),
        "LastModifiedAt": ts(o.modified_at),
        "ItemCount": o.item_count,
        "Oversold": o.oversold,
        "Tags": o.tags,
        "RefundedAmount": money(o.refunded_amount),
        "RefundStatus": o.refund_status,
    }


def shipment_json(x, order_id: int | None = None, order_number: str | None = None) -> dict[str, Any]:
    out = {
        "BillbeeId": x.id,
        "ShippingId": x.tracking_number,
        "Shipper": x.carrier,
        "TrackingUrl": x.tracking_url,
        "Created": ts(x.created_at),
    }
    if hasattr(x, "lines"):  # order detail: what the parcel ships; no lines = the whole order
        out["Lines"] = [
            {"TransactionId": y.item_external_id, "SKU": y.sku, "Quantity": number(y.quantity)} for y in x.lines
        ]
    if order_id is not None:
        out |= {"OrderId": order_id, "OrderNumber": order_number}
    return out


def order_detail_json(o) -> dict[str, Any]:
    out = order_summary_json(o)
    out["Buyer"] = {
        "Id": o.buyer.external_id,
        "FirstName": o.buyer.first_name,
        "LastName": o.buyer.last_name,
        "FullName": o.buyer_name,
        "Email": o.buyer_email,
        "Phone": o.buyer.phone,
    }
    out |= {
        "ChannelStatus": o.channel_status,
        "ShippingCost": money(o.shipping_cost),
        "TaxTotal": money(o.tax_total),
        "PayedAt": ts(o.paid_at),
        "ShippedAt": ts(o.shipped_at),
        "ImportedAt": ts(o.imported_at),
        "PaymentMethod": o.payment_method,
        "SellerComment": o.buyer_note,
        "InvoiceAddress": address_json(o.billing_address),
        "ShippingAddress": address_json(o.shipping_address),
        "OrderItems": [
            {
                "TransactionId": i.external_id,
                "Quantity": number(i.quantity),
                "UnitPrice": money(i.unit_price),
                "TotalPrice": money(i.total_price),
                "TaxRate": number(i.tax_rate),
                "RefundedQuantity": number(i.refunded_quantity),
                "Attributes": [{"Name": k, "Value": v} for k, v in i.attributes.items()],
                "Product": {
                    "Id": i.product_external_id,
                    "VariantId": i.variant_external_id,
                    "SKU": i.sku,
                    "EAN": i.ean,
                    "Title": i.title,
                    "BillbeeId": i.article_id,
                },
            }
            for i in o.items
        ],
        "Payments": [
            {
                "PaymentType": p.method,
                "PayValue": money(p.amount),
                "TransactionId": p.transaction_id,
                "PayDate": ts(p.paid_at),
            }
            for p in o.payments
        ],
        "ShippingIds": [shipment_json(x) for x in o.shipments],
        "Refunds": [
            {
                "Id": r.external_id,
                "Amount": money(r.amount),
                "Currency": r.currency,
                "Reason": r.reason,
                "RefundedAt": ts(r.refunded_at),
                "Items": [
                    {
                        "TransactionId": x.item_external_id,
                        "SKU": x.sku,
                        "Title": x.title,
                        "Quantity": number(x.quantity),
                        "Amount": money(x.amount),
                    }
                    for x in r.items
                ],
            }
            for r in o.refunds
        ],
        "LineCancellations": [
            {
                "Id": c.id,
                "TransactionId": c.item_external_id,
                "SKU": c.sku,
                "Quantity": number(c.quantity),
                "Reason": c.reason,
                "Created": ts(c.created_at),
            }
            for c in o.line_cancellations
        ],
        "OpenQuantities": {k: number(v) for k, v in o.open_quantities.items()},
        "AcknowledgeBy": ts(o.acknowledge_by),
        "Acknowledgement": None
        if o.acknowledgement is None
        else {
            "Accepted": o.acknowledgement.accept,
            "Reason": o.acknowledgement.reason,
            "Deadline": ts(o.acknowledgement.deadline),
            "Queued": ts(o.acknowledgement.queued_at),
            "Sent": ts(o.acknowledgement.sent_at),
        },
        "History": [
            {
                "Id": e.id,
                "Created": ts(e.at),
                "EventTypeName": e.kind,
                "Source": e.source,
                "Text": e.text,
                "HistoryKind": e.history_kind,
                "Params": e.params,
            }
            for e in o.events
        ],
    }
    return out


def article_summary_json(a) -> dict[str, Any]:
    return {
        "Id": a.id,
        "SKU": a.sku,
        "EAN": a.ean,
        "Title": a.title,
        "StockCurrent": number(a.on_hand),
        "StockReserved": number(a.reserved),
        "StockAvailable": number(a.available),
        "ListingsCount": a.listings_count,
    }


def article_detail_json(a) -> dict[str, Any]:
    return article_summary_json(a) | {
        "Weight": number(a.weight_kg),
        "CreatedAt": ts(a.created_at),
        "UpdatedAt": ts(a.updated_at),
        "Sources": [
            {
                "Id": x.id,
                "ApiAccountId": x.connection_id,
                "ApiAccountName": x.connection_name,
                "Platform": x.system,
                "SourceId": x.product_external_id,
                "VariantId": x.variant_external_id,
                "SKU": x.sku,
                "Title": x.title,
                "ChannelStock": number(x.channel_stock),
                "PushMode": x.push_mode,
                "StockBuffer": x.stock_buffer,
                "StockMax": x.stock_max,
                "StockZeroBelow": x.stock_zero_below,
                "StockShown": x.shown,
            }
            for x in a.listings
        ],
        "Stocks": [
            {"Location": x.location, "StockCurrent": number(x.on_hand), "UpdatedAt": ts(x.updated_at)} for x in a.levels
        ],
        "StockMovements": [
            {
                "Id": m.id,
                "Created": ts(m.at),
                "Location": m.location,
                "Change": number(m.change),
                "StockAfter": number(m.on_hand_after),
                "Reason": m.reason,
                "OrderId": m.order_id,
            }
            for m in a.movements
        ],
    }


def connection_json(h) -> dict[str, Any]:
    """A connection ("shop account" in Billbee's words), read-only and without any setting or secret."""
    return {
        "Id": h.id,
        "Name": h.name,
        "Platform": h.system,
        "DisplayName": h.display_name,
        "Group": h.group,
        "IsPaused": h.paused,
        "LastSyncDate": ts(h.last_success_at),
        "LagSeconds": h.lag_seconds,
        "LastError": h.last_error,
        "OutboxPending": h.pending,
        "OutboxDead": h.dead,
        "Orders": h.orders,
        "NextPollAt": ts(h.next_poll_at),
        "WebhooksActive": h.webhooks_problem is None,
        "WebhooksProblem": h.webhooks_problem,
        "WebhookDelaySeconds": h.webhook_delay_median,
        "OutboxAwaiting": h.awaiting,
    }

"""Shipment confirmation per package (``confirmShipment``), item-level.

``POST /orders/v0/orders/{orderId}/shipmentConfirmation`` with ``{marketplaceId, packageDetail:
{packageReferenceId, carrierCode, carrierName (when carrierCode is "Other"), trackingNumber, shipDate,
orderItems: [{orderItemId, quantity}]}}`` (ordersV0.json ``ConfirmShipmentRequest``); 204 on success.
Several packages per order are several calls.

Never twice: before sending, the order and its items are read again: an FBA order is refused (Amazon ships
it), a Shipped order or lines whose quantities Amazon already shows as shipped answer ``already_done``. The
``packageReferenceId`` is derived from the tracking number and the lines, so a repeat of the same package
carries the same id; Amazon's answer that the package is already confirmed also counts as done
[unverified: the wording of that answer; the spec documents only that the id identifies a package within
the order and must be a positive number].

Carrier codes: Amazon's carrier list names e.g. ``DHL``, ``DPD``, ``UPS``, ``GLS``, ``Hermes``,
``Deutsche Post``, ``FedEx``, ``USPS``, ``Royal Mail``; anything else goes as ``Other`` with the carrier's
name [unverified: the exact spelling of every code in Amazon's list; the common ones here match the
codes of the spec's sandbox examples and Seller Central's list].
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from ordersync.channels.sdk.errors import PermanentError
from ordersync.channels.sdk.records import PushResult
from ordersync.domain import Shipment

CARRIERS = {
    "dhl": "DHL",
    "dhl express": "DHL Express",
    "dpd": "DPD",
    "ups": "UPS",
    "gls": "GLS",
    "hermes": "Hermes",
    "deutsche post": "Deutsche Post",
    "fedex": "FedEx",
    "usps": "USPS",
    "royal mail": "Royal Mail",
    "tnt": "TNT",
    "colissimo": "Colissimo",
    "chronopost": "Chronopost",
    "poste italiane": "Poste Italiane",
    "correos": "Correos",
    "postnl": "PostNL",
    "bpost": "BPost",
}


def carrier_fields(carrier: str) -> dict[str, str]:
    code = CARRIERS.get(carrier.strip().lower())
    return {"carrierCode": code} if code else {"carrierCode": "Other", "carrierName": carrier.strip() or "Other"}


def package_reference(tracking: str, lines: list[tuple[str, int]]) -> str:
    digest = hashlib.sha256((tracking + "|" + ",".join(f"{i}:{q}" for i, q in sorted(lines))).encode()).hexdigest()
    return str(int(digest[:12], 16) % 10**9 + 1)


def plan(order: dict[str, Any], items: list[dict[str, Any]], shipment: Shipment) -> list[tuple[str, int]] | PushResult:
    """The (orderItemId, quantity) lines to confirm, or the result when nothing is to be sent."""
    oid = order.get("AmazonOrderId")
    if order.get("FulfillmentChannel") == "AFN":
        raise PermanentError(f"order {oid} is fulfilled by Amazon (FBA): Amazon confirms its shipment itself")
    status = order.get("OrderStatus")
    if status == "Shipped":
        return PushResult(already_done=True, detail=f"Amazon shows order {oid} as shipped")
    if status not in ("Unshipped", "PartiallyShipped"):
        raise PermanentError(f"order {oid} is {status} on Amazon; only Unshipped orders can be confirmed")
    open_qty = {
        str(i["OrderItemId"]): int(i.get("QuantityOrdered") or 0) - int(i.get("QuantityShipped") or 0) for i in items
    }
    if not shipment.lines:
        lines = [(item_id, qty) for item_id, qty in open_qty.items() if qty > 0]
    else:
        lines = []
        for line in shipment.lines:
            if line.item_external_id not in open_qty:
                raise PermanentError(f"order {oid} has no item {line.item_external_id} on Amazon")
            lines.append((line.item_external_id, int(line.quantity)))
        if all(open_qty[i] == 0 for i, _ in lines):
            return PushResult(already_done=True, detail=f"Amazon shows these items of order {oid} as shipped")
        too_many = [f"{i} ({q} > {open_qty[i]})" for i, q in lines if q > open_qty[i]]
        if too_many:
            raise PermanentError(f"order {oid}: more than Amazon shows as unshipped: {', '.join(too_many)}")
    if not lines:
        return PushResult(already_done=True, detail=f"nothing of order {oid} is left unshipped")
    return lines


def request_body(order: dict[str, Any], shipment: Shipment, lines: list[tuple[str, int]]) -> dict[str, Any]:
    shipped = (shipment.shipped_at or datetime.now(UTC)).astimezone(UTC)
    detail = {
        "packageReferenceId": package_reference(shipment.tracking_number, lines),
        **carrier_fields(shipment.carrier),
        "trackingNumber": shipment.tracking_number,
        "shipDate": shipped.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "orderItems": [{"orderItemId": i, "quantity": q} for i, q in lines],
    }
    return {"marketplaceId": order["MarketplaceId"], "packageDetail": detail}

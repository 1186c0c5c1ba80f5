"""Tracking numbers as Shopify fulfilments, never twice.

Shopify ships through fulfilment orders: an order has one per location, and ``fulfillmentCreate`` over the
open ones (with ``trackingInfo {number, company, url}``) marks their remaining items shipped. Before writing,
the order's fulfilments are read: if one already carries the tracking number, the push is done. Otherwise

* open fulfilment orders (OPEN, IN_PROGRESS) are fulfilled with the tracking info (one fulfilment): all
  that remains of them, or, for a shipment with lines, the named lines' quantities (``_line_items``:
  each order line is found among the fulfilment orders' line items and its quantity taken from those
  with some remaining, so one parcel may span locations);
* if nothing is open but the order has a fulfilment, the number is added to the newest one with
  ``fulfillmentTrackingInfoUpdate`` (a parcel split or a corrected number; the earlier numbers stay);
* if there is neither, Shopify has nothing to ship (a cancelled or digital order): a failed result.

The check runs before every attempt, so a create whose answer was lost is found on the retry instead of
being repeated (invariant 3).
"""

from __future__ import annotations

from typing import Any

from ...domain import Shipment
from ..sdk.errors import NotFoundError, PermanentError
from . import queries
from .client import ShopifyClient, user_errors

OPEN = ("OPEN", "IN_PROGRESS")


def read(client: ShopifyClient, order_id: str) -> dict[str, Any]:
    order = client.call(queries.ORDER_FULFILLMENT, {"id": order_id}).get("order")
    if order is None:
        raise NotFoundError(f"Shopify has no order {order_id}")
    return order


def has_number(order: dict[str, Any], number: str) -> bool:
    return any(
        number == (info.get("number") or "").strip()
        for f in order.get("fulfillments") or ()
        if f.get("status") == "SUCCESS"
        for info in f.get("trackingInfo") or ()
    )


def _tracking(shipment: Shipment) -> dict[str, Any]:
    info: dict[str, Any] = {"number": shipment.tracking_number}
    if shipment.carrier:
        info["company"] = shipment.carrier
    if shipment.tracking_url:
        info["url"] = shipment.tracking_url
    return info


def write(client: ShopifyClient, order: dict[str, Any], shipment: Shipment, *, notify: bool) -> str:
    """Create or extend a fulfilment for ``shipment``; returns the fulfilment id."""
    open_orders = [e["node"]["id"] for e in order["fulfillmentOrders"]["edges"] if e["node"]["status"] in OPEN]
    if open_orders:
        groups = (
            _line_items(_with_lines(client, order["id"]), shipment)
            if shipment.lines
            else [{"fulfillmentOrderId": fo} for fo in open_orders]
        )
        data = client.call(
            queries.FULFILLMENT_CREATE,
            {
                "fulfillment": {
                    "lineItemsByFulfillmentOrder": groups,
                    "notifyCustomer": notify,
                    "trackingInfo": _tracking(shipment),
                }
            },
            mutation=True,
        )
        payload = data.get("fulfillmentCreate") or {}
    else:
        if shipment.lines:
            raise PermanentError(
                f"order {order['id']} has nothing left to fulfil in Shopify, so the lines of "
                f"shipment {shipment.tracking_number} cannot be shipped"
            )
        done = [f for f in order.get("fulfillments") or () if f.get("status") == "SUCCESS"]
        if not done:
            raise PermanentError(
                f"order {order['id']} has nothing left to fulfil in Shopify ({order.get('displayFulfillmentStatus')})"
            )
        newest = max(done, key=lambda f: f.get("createdAt") or "")
        numbers = [i["number"] for i in newest.get("trackingInfo") or () if i.get("number")]
        urls = [i["url"] for i in newest.get("trackingInfo") or () if i.get("url")]
        info: dict[str, Any] = {"numbers": [*numbers, shipment.tracking_number]}
        if shipment.carrier:
            info["company"] = shipment.carrier
        if shipment.tracking_url or urls:
            info["urls"] = [*urls, shipment.tracking_url] if shipment.tracking_url else urls
        data = client.call(
            queries.FULFILLMENT_TRACKING_UPDATE,
            {"fulfillmentId": newest["id"], "trackingInfoInput": info, "notifyCustomer": notify},
            mutation=True,
        )
        payload = data.get("fulfillmentTrackingInfoUpdate") or {}
    if payload.get("userErrors") or not payload.get("fulfillment"):
        raise PermanentError(f"Shopify refused the fulfilment: {'; '.join(user_errors(payload)) or 'no result'}")
    return payload["fulfillment"]["id"]


def _with_lines(client: ShopifyClient, order_id: str) -> dict[str, Any]:
    order = client.call(queries.FULFILLMENT_ORDER_LINES, {"id": order_id}).get("order")
    if order is None:
        raise NotFoundError(f"Shopify has no order {order_id}")
    return order


def _line_items(order: dict[str, Any], shipment: Shipment) -> list[dict[str, Any]]:
    """``lineItemsByFulfillmentOrder`` for the shipment's lines: each line's quantity is taken from the open
    fulfilment orders' line items for that order line, first come first served."""
    remaining: list[tuple[str, str, str, int]] = []  # (fulfilment order, its line item, order line, remaining)
    for edge in order["fulfillmentOrders"]["edges"]:
        node = edge["node"]
        if node["status"] not in OPEN:
            continue
        for item in (node.get("lineItems") or {}).get("nodes") or ():
            remaining.append(
                (
                    node["id"],
                    item["id"],
                    (item.get("lineItem") or {}).get("id") or "",
                    int(item.get("remainingQuantity") or 0),
                )
            )
    groups: dict[str, list[dict[str, Any]]] = {}
    for line in shipment.lines:
        wanted = int(line.quantity)
        if wanted != line.quantity:
            raise PermanentError(f"line {line.item_external_id}: Shopify ships whole units, not {line.quantity}")
        for fo, fo_item, order_line, left in remaining:
            if order_line != line.item_external_id or left <= 0 or wanted == 0:
                continue
            take = min(left, wanted)
            groups.setdefault(fo, []).append({"id": fo_item, "quantity": take})
            wanted -= take
        if wanted:
            raise PermanentError(
                f"line {line.item_external_id}: Shopify has {int(line.quantity) - wanted} of "
                f"{line.quantity} left to fulfil"
            )
    return [{"fulfillmentOrderId": fo, "fulfillmentOrderLineItems": items} for fo, items in groups.items()]

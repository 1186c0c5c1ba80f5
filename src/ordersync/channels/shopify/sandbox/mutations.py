"""The mutations the sandbox accepts, with Shopify's rules for when they refuse, and their ledger entries.

A refused mutation answers with ``userErrors`` (HTTP 200, as Shopify does) and leaves no ledger entry: the
ledger holds effects, so "exactly one fulfillment" is countable. Every accepted change of an order bumps its
``updatedAt`` and sends the webhooks Shopify would send for it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLError

from . import versions
from .data import fulfillment, gid, iso, transaction
from .defaults import fo_line_id, remaining
from .store import epoch

_PAID = ("PAID", "PARTIALLY_REFUNDED", "REFUNDED")


def _error(message: str, field: list[str] | None = None, code: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"field": field, "message": message}
    if code is not None:
        error["code"] = code
    return error


def _order(info: Any, ident: str) -> dict[str, Any] | None:
    return info.context.sandbox.store.orders.get(ident)


def _record(info: Any, kind: str, resource: str, body: Any, changes: dict[str, Any] | None = None) -> None:
    info.context.sandbox.ledger.record(
        kind, method="POST", path=info.context.path, resource_id=resource, body=body, changes=changes
    )


def order_cancel(
    _: Any,
    info: Any,
    orderId: str,
    reason: str,
    refund: bool,
    restock: bool,
    notifyCustomer: bool = False,
    staffNote: str | None = None,
) -> dict[str, Any]:
    sandbox = info.context.sandbox
    with sandbox.store.lock:
        order = _order(info, orderId)
        if order is None:
            return {"job": None, "orderCancelUserErrors": [_error("Order does not exist", ["orderId"], "NOT_FOUND")]}
        if order["cancelledAt"]:
            return {
                "job": None,
                "orderCancelUserErrors": [_error("Cannot cancel a cancelled order", ["orderId"], "INVALID")],
            }
        sandbox.store.touch(order)
        order.update(cancelledAt=order["updatedAt"], cancelReason=reason)
        order["fulfillmentOrders"] = [
            {**fo, "status": "CANCELLED"} if fo["status"] == "OPEN" else fo for fo in order["fulfillmentOrders"]
        ]
        _record(
            info,
            "order.cancel",
            orderId,
            {"reason": reason, "refund": refund, "restock": restock, "staffNote": staffNote},
            {"cancelledAt": order["cancelledAt"]},
        )
    sandbox.emit("ORDERS_CANCELLED", order)
    return {"job": {"id": gid("Job", sandbox.store.next_id()), "done": True}, "orderCancelUserErrors": []}


def _payload(order: dict[str, Any] | None, errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"order": order, "userErrors": errors}


def order_close(_: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
    return _set_closed(info, input["id"], True)


def order_open(_: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
    return _set_closed(info, input["id"], False)


def _set_closed(info: Any, ident: str, closed: bool) -> dict[str, Any]:
    sandbox = info.context.sandbox
    with sandbox.store.lock:
        order = _order(info, ident)
        if order is None:
            return _payload(None, [_error("Order does not exist", ["id"])])
        if order["closed"] != closed:  # Shopify answers an already closed/open order without a change
            sandbox.store.touch(order)
            order.update(closed=closed, closedAt=order["updatedAt"] if closed else None)
            _record(info, "order.close" if closed else "order.open", ident, {"id": ident}, {"closed": closed})
            sandbox.emit("ORDERS_UPDATED", order)
    return _payload(order, [])


def order_mark_as_paid(_: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
    sandbox = info.context.sandbox
    with sandbox.store.lock:
        order = _order(info, input["id"])
        if order is None:
            return _payload(None, [_error("Order does not exist", ["id"])])
        if order["displayFinancialStatus"] in _PAID or order["cancelledAt"]:
            return _payload(order, [_error("Order cannot be marked as paid.", ["id"])])
        sandbox.store.touch(order)
        amount = order["totalPriceSet"]["shopMoney"]["amount"]
        order["transactions"].append(
            transaction(sandbox.store.next_id(), "SALE", float(amount), int(epoch(order["updatedAt"])), "manual")
        )
        order["displayFinancialStatus"] = "PAID"
        _record(info, "order.mark_as_paid", input["id"], {"id": input["id"]}, {"displayFinancialStatus": "PAID"})
    sandbox.emit("ORDERS_PAID", order)
    return _payload(order, [])


def fulfillment_create(_: Any, info: Any, fulfillment: dict[str, Any], message: str | None = None) -> dict[str, Any]:
    sandbox = info.context.sandbox
    groups = fulfillment["lineItemsByFulfillmentOrder"]
    if not groups:
        return {"fulfillment": None, "userErrors": [_error("No fulfillment order given", ["fulfillment"])]}
    with sandbox.store.lock:
        owners: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        for group in groups:
            fo_id = group["fulfillmentOrderId"]
            owner = next(
                (o for o in sandbox.store.orders.values() if any(fo["id"] == fo_id for fo in o["fulfillmentOrders"])),
                None,
            )
            fo = next((f for f in owner["fulfillmentOrders"] if f["id"] == fo_id), None) if owner else None
            if owner is None or fo is None:
                return {
                    "fulfillment": None,
                    "userErrors": [_error("Fulfillment order does not exist.", ["fulfillment"])],
                }
            if fo["status"] not in ("OPEN", "IN_PROGRESS"):
                return {
                    "fulfillment": None,
                    "userErrors": [
                        _error(
                            f"Fulfillment order {fo_id} has an unfulfillable status= {fo['status'].lower()}.",
                            ["fulfillment"],
                        )
                    ],
                }
            owners[fo_id] = (owner, fo)
        orders = {o["id"]: o for o, _ in owners.values()}
        if len(orders) != 1:
            return {
                "fulfillment": None,
                "userErrors": [_error("All fulfillment orders must belong to one order.", ["fulfillment"])],
            }
        order = next(iter(orders.values()))
        picked, problem = _picked_lines(order, groups, owners)
        if problem is not None:
            return {"fulfillment": None, "userErrors": [problem]}
        track = fulfillment.get("trackingInfo") or {}
        number = track.get("number") or next(iter(track.get("numbers") or []), None)
        url = track.get("url") or next(iter(track.get("urls") or []), None)
        sandbox.store.touch(order)
        created = _new_fulfillment(sandbox, order, track.get("company"), number, url)
        shipped: dict[str, int] = {}
        for fo_id, (_, fo) in owners.items():
            lines = picked.get(fo_id)
            if lines is None:  # no line items named: everything that remains of the fulfilment order
                lines = {fo_line_id(li): remaining(fo, li) for li in order["lineItems"] if remaining(fo, li) > 0}
            done = fo.setdefault("_fulfilled", {})
            for fo_line, qty in lines.items():
                done[fo_line] = done.get(fo_line, 0) + qty
            left = sum(remaining(fo, li) for li in order["lineItems"])
            fo["status"] = "CLOSED" if left <= 0 else "IN_PROGRESS"
            for li in order["lineItems"]:
                if fo_line_id(li) in lines:
                    shipped[li["id"]] = shipped.get(li["id"], 0) + lines[fo_line_id(li)]
        if any(fo_id in picked for fo_id in owners):
            created["_lines"] = shipped
        if all(fo["status"] not in ("OPEN", "IN_PROGRESS") for fo in order["fulfillmentOrders"]):
            order["displayFulfillmentStatus"] = "FULFILLED"
        else:
            order["displayFulfillmentStatus"] = "PARTIALLY_FULFILLED"
        _record(
            info,
            "fulfillment.create",
            created["id"],
            {"order": order["id"], **fulfillment},
            {"tracking": number, "lines": shipped},
        )
    sandbox.emit("ORDERS_FULFILLED" if order["displayFulfillmentStatus"] == "FULFILLED" else "ORDERS_UPDATED", order)
    return {"fulfillment": created, "userErrors": []}


def _picked_lines(
    order: dict[str, Any], groups: list[dict[str, Any]], owners: dict[str, Any]
) -> tuple[dict[str, dict[str, int]], dict[str, Any] | None]:
    """The named fulfilment order line items per fulfilment order, checked as Shopify checks them: the item
    must belong to its fulfilment order and the quantity be positive and not more than remains."""
    picked: dict[str, dict[str, int]] = {}
    for g_index, group in enumerate(groups):
        items = group.get("fulfillmentOrderLineItems")
        if not items:
            continue
        fo = owners[group["fulfillmentOrderId"]][1]
        by_id = {fo_line_id(li): li for li in order["lineItems"]}
        chosen = picked.setdefault(group["fulfillmentOrderId"], {})
        for i_index, item in enumerate(items):
            where = [
                "fulfillment",
                "lineItemsByFulfillmentOrder",
                str(g_index),
                "fulfillmentOrderLineItems",
                str(i_index),
            ]
            li = by_id.get(item["id"])
            if li is None:
                return {}, _error(f"Fulfillment order line item {item['id']} does not exist.", where)
            asked = chosen.get(item["id"], 0) + item["quantity"]
            if item["quantity"] <= 0 or asked > remaining(fo, li):
                return {}, _error(
                    f"Invalid fulfillment order line item quantity requested: {asked} of "
                    f"{item['id']}, {remaining(fo, li)} remaining.",
                    [*where, "quantity"],
                )
            chosen[item["id"]] = asked
    return picked, None


def _new_fulfillment(
    sandbox: Any, order: dict[str, Any], company: str | None, number: str | None, url: str | None
) -> dict[str, Any]:
    record = fulfillment(sandbox.store.next_id(), int(epoch(order["updatedAt"])), company, number, url)
    order["fulfillments"].append(record)
    return record


def fulfillment_tracking_update(
    _: Any, info: Any, fulfillmentId: str, trackingInfoInput: dict[str, Any], notifyCustomer: bool | None = None
) -> dict[str, Any]:
    sandbox = info.context.sandbox
    with sandbox.store.lock:
        for order in sandbox.store.orders.values():
            found = next((f for f in order["fulfillments"] if f["id"] == fulfillmentId), None)
            if found is not None:
                break
        else:
            return {"fulfillment": None, "userErrors": [_error("Fulfillment does not exist.", ["fulfillmentId"])]}
        numbers = list(trackingInfoInput.get("numbers") or []) or [trackingInfoInput.get("number")]
        urls = list(trackingInfoInput.get("urls") or []) or [trackingInfoInput.get("url")]
        found["trackingInfo"] = [
            {
                "__typename": "FulfillmentTrackingInfo",
                "company": trackingInfoInput.get("company"),
                "number": n,
                "url": urls[i] if i < len(urls) else None,
            }
            for i, n in enumerate(numbers)
            if n
        ]
        sandbox.store.touch(order)
        _record(info, "fulfillment.tracking_update", fulfillmentId, trackingInfoInput, {"numbers": numbers})
    sandbox.emit("ORDERS_UPDATED", order)
    return {"fulfillment": found, "userErrors": []}


def inventory_set_quantities(_: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
    store = info.context.sandbox.store
    quantities = input["quantities"]
    if len(quantities) > 250:
        raise GraphQLError("The input array size of 251 is greater than the maximum allowed of 250.")
    errors = []
    if input["name"] not in ("available", "on_hand"):
        errors.append(
            _error("The quantity name must be either 'available' or 'on_hand'.", ["input", "name"], "INVALID_NAME")
        )
    seen = set()
    for index, q in enumerate(quantities):
        where = ["input", "quantities", str(index)]
        if q["inventoryItemId"] not in store.items:
            errors.append(
                _error(
                    "The specified inventory item could not be found.",
                    [*where, "inventoryItemId"],
                    "INVALID_INVENTORY_ITEM",
                )
            )
        elif q["locationId"] not in store.locations:
            errors.append(
                _error("The specified location could not be found.", [*where, "locationId"], "INVALID_LOCATION")
            )
        elif (q["inventoryItemId"], q["locationId"]) in seen:
            errors.append(
                _error(
                    "The combination of inventoryItemId and locationId must be unique.",
                    where,
                    "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
                )
            )
        seen.add((q["inventoryItemId"], q["locationId"]))
    if errors:  # Shopify applies the whole input or nothing
        return {"inventoryAdjustmentGroup": None, "userErrors": errors}
    with store.lock:
        changes = {}
        for q in quantities:
            store.levels[(q["inventoryItemId"], q["locationId"])] = q["quantity"]
            store.items[q["inventoryItemId"]]["inventoryQuantity"] = sum(
                v for (item, _), v in store.levels.items() if item == q["inventoryItemId"]
            )
            changes[q["inventoryItemId"]] = q["quantity"]
        group = {
            "__typename": "InventoryAdjustmentGroup",
            "id": gid("InventoryAdjustmentGroup", store.next_id()),
            "reason": input["reason"],
        }
        _record(info, "inventory.set", group["id"], input, changes)
    return {"inventoryAdjustmentGroup": group, "userErrors": []}


def webhook_create(_: Any, info: Any, topic: str, webhookSubscription: dict[str, Any]) -> dict[str, Any]:
    sandbox, store = info.context.sandbox, info.context.sandbox.store
    url = webhookSubscription.get("callbackUrl")
    if not url:
        return {
            "webhookSubscription": None,
            "userErrors": [_error("Address can't be blank", ["webhookSubscription", "callbackUrl"])],
        }
    with store.lock:
        if any(h["topic"] == topic and h["endpoint"]["callbackUrl"] == url for h in store.webhooks.values()):
            return {
                "webhookSubscription": None,
                "userErrors": [
                    _error("Address for this topic has already been taken", ["webhookSubscription", "callbackUrl"])
                ],
            }
        hook: dict[str, Any] = {
            "__typename": "WebhookSubscription",
            "id": gid("WebhookSubscription", store.next_id()),
            "topic": topic,
            "format": webhookSubscription.get("format") or "JSON",
            "createdAt": iso(sandbox.now()),
            "_version": info.context.version or versions.supported(datetime.fromtimestamp(sandbox.now(), UTC))[-1],
            "endpoint": {"__typename": "WebhookHttpEndpoint", "callbackUrl": url},
        }
        store.webhooks[hook["id"]] = hook
        _record(info, "webhook.create", hook["id"], {"topic": topic, "callbackUrl": url})
    return {"webhookSubscription": hook, "userErrors": []}


def webhook_delete(_: Any, info: Any, id: str) -> dict[str, Any]:
    store = info.context.sandbox.store
    with store.lock:
        if store.webhooks.pop(id, None) is None:
            return {
                "deletedWebhookSubscriptionId": None,
                "userErrors": [_error("Webhook subscription does not exist", ["id"])],
            }
        _record(info, "webhook.delete", id, {"id": id})
    return {"deletedWebhookSubscriptionId": id, "userErrors": []}


def bulk_run(_: Any, info: Any, query: str) -> dict[str, Any]:
    return info.context.sandbox.bulk.run(query, info)


MUTATIONS = {
    "orderCancel": order_cancel,
    "orderClose": order_close,
    "orderOpen": order_open,
    "orderMarkAsPaid": order_mark_as_paid,
    "fulfillmentCreate": fulfillment_create,
    "fulfillmentTrackingInfoUpdate": fulfillment_tracking_update,
    "inventorySetQuantities": inventory_set_quantities,
    "webhookSubscriptionCreate": webhook_create,
    "webhookSubscriptionDelete": webhook_delete,
    "bulkOperationRunQuery": bulk_run,
}

"""Stock to Shopify: absolute ``available`` quantities at the configured location, ≤ 250 per call.

Shopify keeps stock per *inventory item* (one per variant) and location. The article import stores a
variant's inventory item id in ``ArticleVariant.attributes["inventory_item_id"]``, but a ``StockUpdate`` names
the listing by variant id, so the item ids are looked up here with ``nodes(ids:)`` (≤ 250 ids per call; a
variant id that is already an InventoryItem gid is taken as it is). ``inventorySetQuantities`` sets absolute
values with ``ignoreCompareQuantity`` (the last value wins, which is what a coalesced stock push means), so
repeating a batch is harmless. Shopify applies a batch wholly or not at all: when it names bad entries in
``userErrors`` those fail and the rest are sent again without them.
"""

from __future__ import annotations

from typing import Any

from ...domain import StockUpdate
from ..sdk.errors import ChannelError, PermanentError
from ..sdk.records import PushResult
from . import queries
from .client import ShopifyClient, user_errors

BATCH = 250  # Shopify's limit for input arrays
REASON = "correction"
_Key = tuple[str, str]


def _key(u: StockUpdate) -> _Key:
    return (u.product_external_id, u.variant_external_id)


def _items(client: ShopifyClient, variants: list[str]) -> dict[str, str]:
    """variant gid → inventory item gid."""
    found = {v: v for v in variants if "/InventoryItem/" in v}
    wanted = [v for v in variants if v not in found]
    for start in range(0, len(wanted), BATCH):
        nodes = client.call(queries.VARIANT_ITEMS, {"ids": wanted[start : start + BATCH]})["nodes"]
        for node in nodes:
            if node and node.get("inventoryItem"):
                found[node["id"]] = node["inventoryItem"]["id"]
    return found


def push_stock(client: ShopifyClient, location_id: str, updates: list[StockUpdate]) -> list[PushResult | Any]:
    """One result per update, in order; a call that failed as a whole leaves its ChannelError in place."""
    if not location_id:
        return [
            PushResult(ok=False, detail="no stock location configured for this Shopify connection") for _ in updates
        ]
    latest: dict[_Key, StockUpdate] = {_key(u): u for u in updates}
    results: dict[_Key, PushResult | ChannelError] = {}
    variants = {
        k: (
            u.variant_external_id
            if u.variant_external_id.startswith("gid://") or not u.variant_external_id
            else f"gid://shopify/ProductVariant/{u.variant_external_id}"
        )
        for k, u in latest.items()
    }
    for k, v in variants.items():
        if not v:
            results[k] = PushResult(
                ok=False, remote_id=k[0], detail="Shopify keeps stock per variant; no variant given"
            )
    try:
        items = _items(client, sorted({v for v in variants.values() if v}))
    except ChannelError as exc:
        return [results.get(_key(u), exc) for u in updates]
    todo = []
    for k, v in variants.items():
        if k in results:
            continue
        if v not in items:
            results[k] = PushResult(ok=False, remote_id=v, detail="Shopify has no such variant")
        else:
            todo.append((k, items[v], latest[k].quantity))
    for start in range(0, len(todo), BATCH):
        results.update(_send(client, location_id, todo[start : start + BATCH]))
    return [results[_key(u)] for u in updates]


def _send(
    client: ShopifyClient, location_id: str, chunk: list[tuple[_Key, str, int]]
) -> dict[_Key, PushResult | ChannelError]:
    out: dict[_Key, PushResult | ChannelError] = {}
    for _ in range(2):  # once, and once more without the entries Shopify named as bad
        if not chunk:
            return out
        body = {
            "input": {
                "name": "available",
                "reason": REASON,
                "ignoreCompareQuantity": True,
                "referenceDocumentUri": "ordersync://stock-sync",
                "quantities": [
                    {"inventoryItemId": item, "locationId": location_id, "quantity": int(qty)} for _, item, qty in chunk
                ],
            }
        }
        try:
            payload = client.call(queries.INVENTORY_SET, body, estimate=10)["inventorySetQuantities"] or {}
        except ChannelError as exc:
            out.update({k: exc for k, _, _ in chunk})
            return out
        errors = payload.get("userErrors") or []
        if not errors:
            out.update({k: PushResult(ok=True, remote_id=item, detail=f"available {qty}") for k, item, qty in chunk})
            return out
        bad = {i for e in errors if (i := _index(e)) is not None and i < len(chunk)}
        if not bad:
            error = PermanentError(f"Shopify refused the stock batch: {'; '.join(user_errors(payload))}")
            out.update({k: error for k, _, _ in chunk})
            return out
        for index in sorted(bad):
            k, item, _ = chunk[index]
            message = "; ".join(str(e.get("message", "")) for e in errors if _index(e) == index)
            out[k] = PushResult(ok=False, remote_id=item, detail=message or "refused by Shopify")
        chunk = [c for i, c in enumerate(chunk) if i not in bad]
    refused = PermanentError("Shopify refused the stock batch twice")
    out.update({k: refused for k, _, _ in chunk if k not in out})
    return out


def _index(error: dict[str, Any]) -> int | None:
    """The entry a user error names: field ["input", "quantities", "3", ...] → 3."""
    field = [str(f) for f in error.get("field") or ()]
    return int(field[2]) if len(field) > 2 and field[1] == "quantities" and field[2].isdigit() else None

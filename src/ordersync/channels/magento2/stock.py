"""Setting stock in Magento's two inventory models, chosen per shop.

* Multi-Source Inventory (Magento 2.3+, on by default): ``POST /V1/inventory/source-items`` with
  ``{"sourceItems": [{sku, source_code, quantity, status}]}``, absolute quantities, so a repeated call is
  harmless; ``status`` 1 = in stock, 0 = out of stock. One call per batch of ``BATCH`` items [our choice;
  Magento documents no limit].
* Legacy CatalogInventory (shops that removed the MSI modules): ``GET /V1/stockItems/{sku}`` for the item
  id and its fields, then ``PUT /V1/products/{sku}/stockItems/{itemId}`` with the whole item and the new
  ``qty``/``is_in_stock`` (the admin schema marks 23 fields required, so the item read is sent back).

Detection: ``GET /V1/inventory/sources`` answers where MSI is installed and is "Request does not match any
route." (404) where it is not [Magento's REST router; the MSI routes come with Magento_InventoryApi].

Reading (what a reconciliation compares, and the import's starting figures): the figure ``push`` sets, so
in MSI the ``quantity`` of the SKU's source item at the connection's source (``GET
/V1/inventory/source-items`` filtered by the page's SKUs and the source: one call per page of products), in
the legacy model the stock item's ``qty`` (``GET /V1/stockItems/{sku}``: one call per product, as the
admin API has no list of stock items by SKU). A SKU without a source item at that source, without a stock
item, or whose stock item does not manage stock, has no figure (None).

Known limit: a SKU with "/" must be sent percent-encoded in the legacy path, and Magento's OAuth check then
signs the encoded path differently (magento/magento2#37913, open): such SKUs fail with "The signature is
invalid" under oauth1 in the legacy model; MSI sends SKUs in the body and is not affected.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from ...domain import StockUpdate
from ..sdk.errors import ChannelError, NotFoundError
from ..sdk.records import PushResult
from ..sdk.retry import Action, ErrorRule
from .client import MagentoClient

BATCH = 100


def detect(client: MagentoClient) -> str:
    try:
        client.get("/inventory/sources", {"searchCriteria[pageSize]": "1"})
    except NotFoundError:
        return "legacy"
    return "msi"


def _sku(update: StockUpdate) -> str:
    return update.sku or update.variant_external_id or update.product_external_id


def push(client: MagentoClient, mode: str, source: str, updates: list[StockUpdate]) -> list[Any]:
    """One result per update, in order; a call that failed as a whole gives its error to each of its items."""
    latest = {_sku(u): u for u in updates}  # several updates of one SKU: the last one counts
    results: dict[str, PushResult | ChannelError] = {}
    skus = list(latest)
    if mode == "msi":
        for start in range(0, len(skus), BATCH):
            chunk = skus[start : start + BATCH]
            items = [
                {
                    "sku": s,
                    "source_code": source,
                    "quantity": max(0, int(latest[s].quantity)),
                    "status": 1 if latest[s].quantity > 0 else 0,
                }
                for s in chunk
            ]
            try:
                client.send("POST", "/inventory/source-items", {"sourceItems": items}, checked=False)
                results.update(
                    {
                        s: PushResult(ok=True, remote_id=s, detail=f"source {source}: {latest[s].quantity}")
                        for s in chunk
                    }
                )
            except ChannelError as exc:
                results.update({s: exc for s in chunk})
    else:
        for s in skus:
            try:
                results[s] = _legacy(client, s, int(latest[s].quantity))
            except ChannelError as exc:
                results[s] = exc
    return [results[_sku(u)] for u in updates]


def _legacy(client: MagentoClient, sku: str, quantity: int) -> PushResult:
    path = quote(sku, safe="")
    item = client.get(f"/stockItems/{path}", error_mapping={404: ErrorRule(Action.FAIL, NotFoundError)})
    if not isinstance(item, dict) or item.get("item_id") in (None, ""):
        return PushResult(ok=False, remote_id=sku, detail="Magento returned no stock item for this SKU")
    if item.get("qty") == quantity and bool(item.get("is_in_stock")) == (quantity > 0):
        return PushResult(ok=True, already_done=True, remote_id=sku, detail=f"stock {quantity}")
    body = {**item, "qty": quantity, "is_in_stock": quantity > 0}
    client.send("PUT", f"/products/{path}/stockItems/{item['item_id']}", {"stockItem": body}, checked=False)
    return PushResult(ok=True, remote_id=sku, detail=f"stock {quantity}")


def read(client: MagentoClient, mode: str, source: str, skus: list[str]) -> dict[str, Decimal | None]:
    """The figure ``push`` sets for each SKU (see the module's docstring), None where there is none."""
    shown: dict[str, Decimal | None] = dict.fromkeys(skus)
    if mode == "msi":
        listed = [s for s in skus if "," not in s]  # Magento splits an "in" filter's value on commas
        groups = [[("sku", ",".join(listed[n : n + BATCH]), "in")] for n in range(0, len(listed), BATCH)]
        groups += [[("sku", s, "eq")] for s in skus if "," in s]
        for group in groups:
            for items, _, _ in client.search(
                "/inventory/source-items", [group, [("source_code", source, "eq")]], [], BATCH
            ):
                for item in items:
                    if isinstance(item, dict) and item.get("sku") in shown and item.get("quantity") is not None:
                        shown[item["sku"]] = Decimal(str(item["quantity"]))
        return shown
    for s in skus:
        try:
            item = client.get(
                f"/stockItems/{quote(s, safe='')}", error_mapping={404: ErrorRule(Action.FAIL, NotFoundError)}
            )
        except NotFoundError:
            continue
        if isinstance(item, dict) and item.get("manage_stock") is not False and item.get("qty") is not None:
            shown[s] = Decimal(str(item["qty"]))
    return shown

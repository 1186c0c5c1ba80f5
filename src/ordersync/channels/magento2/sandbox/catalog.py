"""Products and their stock, in both of Magento's inventory models (admin schema and Adobe's inventory docs).

* Legacy CatalogInventory: one stock item per product, ``GET /V1/stockItems/{sku}`` and ``PUT
  /V1/products/{sku}/stockItems/{itemId}`` with ``{"stockItem": {...}}`` (the schema marks 23 of its fields
  required, so a client sends back the whole item it read).
* MSI (Multi-Source Inventory, Magento 2.3+): quantities per source, ``POST /V1/inventory/source-items``
  with ``{"sourceItems": [{sku, source_code, quantity, status}]}``; ``/V1/inventory/sources`` lists the
  sources. Where the MSI modules are removed, those routes do not exist (404 "Request does not match any
  route."), which is how a client tells the two apart.
"""

from __future__ import annotations

from typing import Any

from .orders import CONFIGURABLES, SIMPLES, num, stamp

STOCK_ITEM_DEFAULTS = {
    "stock_id": 1,
    "is_qty_decimal": False,
    "show_default_notification_message": False,
    "use_config_min_qty": True,
    "min_qty": 0,
    "use_config_min_sale_qty": 1,
    "min_sale_qty": 1,
    "use_config_max_sale_qty": True,
    "max_sale_qty": 10000,
    "use_config_backorders": True,
    "backorders": 0,
    "use_config_notify_stock_qty": True,
    "notify_stock_qty": 1,
    "use_config_qty_increments": True,
    "qty_increments": 0,
    "use_config_enable_qty_inc": True,
    "enable_qty_increments": False,
    "use_config_manage_stock": True,
    "manage_stock": True,
    "low_stock_date": "",
    "is_decimal_divided": False,
    "stock_status_changed_auto": 0,
}


class Catalog:
    def __init__(self, created: float) -> None:
        when = stamp(created)
        self.products: dict[str, dict[str, Any]] = {}
        self.stock_items: dict[str, dict[str, Any]] = {}
        self.source_items: dict[tuple[str, str], dict[str, Any]] = {}
        rows = [(100 + n, sku, name, "simple", price) for n, (sku, name, price) in enumerate(SIMPLES)]
        parent_sku, parent_name, variants, price = CONFIGURABLES[0]
        rows.append((200, parent_sku, parent_name, "configurable", price))
        rows += [(201 + n, sku, name, "simple", price) for n, (sku, name) in enumerate(variants)]
        for pid, sku, name, kind, price in rows:
            self.products[sku] = {
                "id": pid,
                "sku": sku,
                "name": name,
                "attribute_set_id": 4,
                "price": num(price),
                "status": 1,
                "visibility": 4 if pid < 201 else 1,
                "type_id": kind,
                "created_at": when,
                "updated_at": when,
                "weight": 0.5,
            }
            if kind == "simple":
                qty = 20 + pid % 7
                self.stock_items[sku] = {
                    "item_id": pid,
                    "product_id": pid,
                    "qty": qty,
                    "is_in_stock": True,
                    **STOCK_ITEM_DEFAULTS,
                }
                self.source_items[(sku, "default")] = {
                    "sku": sku,
                    "source_code": "default",
                    "quantity": qty,
                    "status": 1,
                }

    def rows(self) -> list[dict[str, Any]]:
        return list(self.products.values())

    def stock_view(self, sku: str, msi: bool) -> float:
        if sku not in self.stock_items:
            raise LookupError(f"no stock for SKU {sku!r}")
        if msi:
            return sum(s["quantity"] for (s_sku, _), s in self.source_items.items() if s_sku == sku)
        return self.stock_items[sku]["qty"]

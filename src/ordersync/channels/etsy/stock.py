"""Stock on Etsy: ``updateListingInventory`` replaces a listing's whole products/offerings tree.

There is no "set the quantity of one SKU" call: the PUT's ``products`` become the listing's products, and a
product or offering left out, a price sent wrong or a property value dropped is changed on the live listing
[spec: "PUT /v3/application/listings/{listing_id}/inventory", request body products[{sku, property_values,
offerings[{price, quantity, is_enabled}]}], price_on_property, quantity_on_property, sku_on_property]. So
every push reads the tree fresh (``getListingInventory``), changes only the ``quantity`` of the offerings of
the products it was asked about, and writes everything else back as read:

* a product's ``sku`` and every ``property_values`` entry (``property_id``, ``value_ids``, ``scale_id``,
  ``property_name``, ``values``);
* each offering's ``is_enabled`` and price: read as a Money object (amount/divisor), written as the decimal
  number the PUT takes, digit for digit;
* ``readiness_state_id`` per offering and ``readiness_state_on_property`` where the read answer has them
  (newer than the spec copy; Etsy's current docs require them for physical listings) [unverified field
  presence in the 2024 spec];
* the ``*_on_property`` lists, which must match the products or Etsy refuses the PUT.

Deleted products and offerings (``is_deleted``) are not listed by the GET and not sent back. When every
asked quantity is already in place nothing is written (a retried push is recognised as done).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ordersync.channels.sdk.errors import PermanentError

ON_PROPERTY = ("price_on_property", "quantity_on_property", "sku_on_property", "readiness_state_on_property")
PROPERTY_FIELDS = ("property_id", "value_ids", "scale_id", "property_name", "values")


def price_number(raw: Any, where: str) -> float:
    """A Money object as the plain number the PUT takes (1299/100 → 12.99)."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return raw
    if not isinstance(raw, dict) or not isinstance(raw.get("amount"), int) or not raw.get("divisor"):
        raise PermanentError(f"{where}: the price {raw!r} is not a money object; the inventory is not written")
    value = Decimal(raw["amount"]) / Decimal(raw["divisor"])
    return float(value)


def _product_matches(product: Mapping[str, Any], product_id: str, sku: str) -> bool:
    if product_id and str(product.get("product_id")) == product_id:
        return True
    return bool(sku) and not product_id and str(product.get("sku") or "") == sku


Key = tuple[str, str]  # (product id, sku) of a stock update


def rewrite(tree: Mapping[str, Any], quantities: Mapping[Key, int]) -> tuple[dict[str, Any], set[Key], set[Key]]:
    """The PUT body for ``tree`` with the offerings of each (product id, sku) set to its quantity; the keys
    whose quantity differed (so the tree needs writing) and the keys no product of the tree matched."""
    changed: set[Key] = set()
    found: set[Key] = set()
    products = []
    for n, product in enumerate(tree.get("products") or []):
        if not isinstance(product, dict) or product.get("is_deleted") is True:
            continue
        match = next(((key, q) for key, q in quantities.items() if _product_matches(product, *key)), None)
        offerings = []
        for offering in product.get("offerings") or []:
            if not isinstance(offering, dict) or offering.get("is_deleted") is True:
                continue
            quantity = offering.get("quantity")
            if match is not None:
                found.add(match[0])
                if quantity != match[1]:
                    changed.add(match[0])
                quantity = match[1]
            out = {
                "price": price_number(offering.get("price"), f"product {n + 1}"),
                "quantity": quantity,
                "is_enabled": offering.get("is_enabled", True),
            }
            if offering.get("readiness_state_id") is not None:
                out["readiness_state_id"] = offering["readiness_state_id"]
            offerings.append(out)
        values = [
            {k: v[k] for k in PROPERTY_FIELDS if k in v and v[k] is not None}
            for v in product.get("property_values") or []
            if isinstance(v, dict)
        ]
        products.append({"sku": product.get("sku") or "", "property_values": values, "offerings": offerings})
    body: dict[str, Any] = {"products": products}
    for name in ON_PROPERTY:
        if isinstance(tree.get(name), list):
            body[name] = list(tree[name])
    return body, changed, set(quantities) - found

"""Sales orders in the shape ``GET /V1/orders`` returns them (``sales-data-order-interface`` of the admin
schema), and what Magento's order management does to them.

Facts this follows (Adobe's REST docs, the admin schema, Magento's ``Sales`` module behaviour):

* times are ``YYYY-MM-DD HH:MM:SS`` in UTC with no zone (Magento stores and answers sales dates in UTC);
* amounts are JSON numbers in the order currency (``order_currency_code``), ``base_*`` in the base currency;
* a configurable product is TWO items: the parent (``product_type`` configurable, carrying the price, the
  tax and the simple's SKU) and the child (``product_type`` simple, price 0, ``parent_item_id`` and a
  ``parent_item`` copy of the parent);
* the shipping address is not a top-level field: it is in ``extension_attributes.shipping_assignments[0]
  .shipping.address``; taxes per rate in ``extension_attributes.applied_taxes``;
* ``state``/``status`` pairs: new/pending, processing/processing, complete/complete, holded/holded,
  canceled/canceled; cancel answers ``false`` when the order cannot be cancelled, hold/unhold/invoice/ship
  refuse with a 400 message.
"""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

CENT = Decimal("0.01")
TAX_RATE = Decimal("19")
SIMPLES = [
    ("MUG-100", "Kaffeebecher", Decimal("12.90")),
    ("POT-200", "Teekanne", Decimal("34.50")),
    ("BASKET-300", "Brotkorb", Decimal("19.00")),
]
CONFIGURABLES = [
    ("SHIRT", "T-Shirt", [("SHIRT-S-BLUE", "T-Shirt S Blau"), ("SHIRT-M-RED", "T-Shirt M Rot")], Decimal("24.99"))
]
PEOPLE = [
    ("Anna", "Müller", "Hauptstraße 12", "10115", "Berlin", "DE"),
    ("Lukas", "Weber", "Am Markt 3a", "80331", "München", "DE"),
    ("Sofia", "Wagner", "Lindenallee 44", "1010", "Wien", "AT"),
]


class OrderRefused(Exception):
    """Magento refuses the operation: 400 with this message."""


def stamp(value: datetime | float) -> str:
    when = value if isinstance(value, datetime) else datetime.fromtimestamp(value, UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def num(value: Decimal) -> float:
    return float(value.quantize(CENT))


def _address(kind: str, person: tuple, order_id: int, email: str) -> dict[str, Any]:
    first, last, street, postcode, city, country = person
    return {
        "address_type": kind,
        "city": city,
        "country_id": country,
        "email": email,
        "entity_id": order_id * 2 + (kind == "shipping"),
        "firstname": first,
        "lastname": last,
        "parent_id": order_id,
        "postcode": postcode,
        "street": [street],
        "telephone": "+49 30 123456",
    }


def _item(
    item_id: int, order_id: int, sku: str, name: str, kind: str, qty: int, price: Decimal, product_id: int, when: str
) -> dict[str, Any]:
    gross = price * qty
    tax = (gross - gross / (1 + TAX_RATE / 100)).quantize(CENT)
    net_unit = (price / (1 + TAX_RATE / 100)).quantize(CENT)
    return {
        "item_id": item_id,
        "order_id": order_id,
        "sku": sku,
        "name": name,
        "product_type": kind,
        "product_id": product_id,
        "qty_ordered": qty,
        "qty_invoiced": 0,
        "qty_shipped": 0,
        "qty_canceled": 0,
        "qty_refunded": 0,
        "price": num(net_unit),
        "base_price": num(net_unit),
        "price_incl_tax": num(price),
        "original_price": num(price),
        "row_total": num(gross - tax),
        "row_total_incl_tax": num(gross),
        "tax_amount": num(tax),
        "base_tax_amount": num(tax),
        "tax_percent": float(TAX_RATE),
        "discount_amount": 0,
        "is_virtual": 0,
        "created_at": when,
        "updated_at": when,
    }


def build_order(
    rng: random.Random, order_id: int, created: float, updated: float, status: str = "pending", currency: str = "EUR"
) -> dict[str, Any]:
    when = stamp(created)
    items: list[dict[str, Any]] = []
    next_item = order_id * 10
    for _ in range(rng.randint(1, 2)):
        sku, name, price = rng.choice(SIMPLES)
        next_item += 1
        items.append(
            _item(
                next_item,
                order_id,
                sku,
                name,
                "simple",
                rng.randint(1, 3),
                price,
                100 + SIMPLES.index((sku, name, price)),
                when,
            )
        )
    if rng.random() < 0.6:  # a configurable parent with its simple child
        parent_sku, parent_name, variants, price = CONFIGURABLES[0]
        child_sku, child_name = rng.choice(variants)
        qty = rng.randint(1, 2)
        next_item += 1
        parent = _item(next_item, order_id, child_sku, parent_name, "configurable", qty, price, 200, when)
        next_item += 1
        child = _item(
            next_item,
            order_id,
            child_sku,
            child_name,
            "simple",
            qty,
            Decimal("0"),
            201 + variants.index((child_sku, child_name)),
            when,
        )
        child.update(
            {
                "parent_item_id": parent["item_id"],
                "parent_item": copy.deepcopy(parent),
                "tax_amount": 0,
                "base_tax_amount": 0,
                "tax_percent": 0,
            }
        )
        items += [parent, child]
    shipping = rng.choice([Decimal("0"), Decimal("4.90")])
    ship_tax = (shipping - shipping / (1 + TAX_RATE / 100)).quantize(CENT)
    gross = sum((Decimal(str(i["row_total_incl_tax"])) for i in items), Decimal(0))
    tax = sum((Decimal(str(i["tax_amount"])) for i in items), Decimal(0)) + ship_tax
    total = gross + shipping
    person = rng.choice(PEOPLE)
    email = f"{person[0].lower()}.{order_id}@example.org"
    state = {
        "pending": "new",
        "processing": "processing",
        "complete": "complete",
        "holded": "holded",
        "canceled": "canceled",
    }[status]
    order = {
        "entity_id": order_id,
        "increment_id": f"{order_id:09d}",
        "state": state,
        "status": status,
        "store_id": 1,
        "created_at": when,
        "updated_at": stamp(updated),
        "customer_email": email,
        "customer_firstname": person[0],
        "customer_lastname": person[1],
        "customer_is_guest": 1,
        "order_currency_code": currency,
        "base_currency_code": currency,
        "global_currency_code": currency,
        "store_currency_code": currency,
        "base_grand_total": num(total),
        "grand_total": num(total),
        "subtotal": num(gross - tax + ship_tax),
        "subtotal_incl_tax": num(gross),
        "tax_amount": num(tax),
        "base_tax_amount": num(tax),
        "shipping_amount": num(shipping - ship_tax),
        "shipping_tax_amount": num(ship_tax),
        "shipping_incl_tax": num(shipping),
        "discount_amount": 0,
        "total_due": num(total),
        "total_paid": 0,
        "total_invoiced": 0,
        "total_qty_ordered": sum(i["qty_ordered"] for i in items if "parent_item_id" not in i),
        "shipping_description": "Flat Rate - Fixed",
        "items": items,
        "billing_address": _address("billing", person, order_id, email),
        "payment": {
            "account_status": None,
            "additional_information": ["Check / Money order"],
            "cc_last4": None,
            "method": "checkmo",
            "amount_ordered": num(total),
            "parent_id": order_id,
            "entity_id": order_id,
        },
        "status_histories": [],
        "extension_attributes": {
            "shipping_assignments": [
                {
                    "shipping": {
                        "address": _address("shipping", person, order_id, email),
                        "method": "flatrate_flatrate",
                        "total": {
                            "shipping_amount": num(shipping - ship_tax),
                            "shipping_incl_tax": num(shipping),
                            "shipping_tax_amount": num(ship_tax),
                        },
                    },
                    "items": copy.deepcopy(items),
                }
            ],
            "applied_taxes": [
                {
                    "code": "DE-19",
                    "title": "MwSt. 19 %",
                    "percent": float(TAX_RATE),
                    "amount": num(tax),
                    "base_amount": num(tax),
                }
            ],
        },
    }
    return order


def _open_qty(item: dict[str, Any], field: str) -> Decimal:
    return Decimal(str(item["qty_ordered"])) - Decimal(str(item[field])) - Decimal(str(item.get("qty_canceled") or 0))


def _shippable(order: dict[str, Any]) -> list[dict[str, Any]]:
    """Items a shipment names: everything but the children of configurables (shipped with their parent)."""
    parents = {i["item_id"]: i for i in order["items"]}
    return [
        i
        for i in order["items"]
        if not (i.get("parent_item_id") and parents.get(i["parent_item_id"], {}).get("product_type") == "configurable")
    ]


def _set_state(order: dict[str, Any], state: str, status: str | None = None) -> None:
    order["state"], order["status"] = state, status or state


def _settle(order: dict[str, Any]) -> None:
    """processing, or complete once everything is invoiced and shipped (Magento's order state rule)."""
    items = _shippable(order)
    done = all(_open_qty(i, "qty_shipped") <= 0 and _open_qty(i, "qty_invoiced") <= 0 for i in items)
    _set_state(order, "complete" if done else "processing")


def cancel(order: dict[str, Any]) -> bool:
    if order["state"] in ("canceled", "complete", "closed", "holded"):
        return False
    if all(_open_qty(i, "qty_invoiced") <= 0 for i in _shippable(order)):
        return False  # fully invoiced: a credit memo, not a cancellation
    for item in order["items"]:
        item["qty_canceled"] = item["qty_ordered"] - item["qty_invoiced"]
    _set_state(order, "canceled")
    return True


def hold(order: dict[str, Any]) -> None:
    if order["state"] in ("canceled", "complete", "closed", "holded"):
        raise OrderRefused("A hold action is not available.")
    order["hold_before_state"], order["hold_before_status"] = order["state"], order["status"]
    _set_state(order, "holded")


def unhold(order: dict[str, Any]) -> None:
    if order["state"] != "holded":
        raise OrderRefused("You can't remove the hold.")
    _set_state(order, order.pop("hold_before_state", "new"), order.pop("hold_before_status", "pending"))


def invoice(order: dict[str, Any]) -> None:
    if order["state"] in ("canceled", "complete", "closed", "holded") or all(
        _open_qty(i, "qty_invoiced") <= 0 for i in order["items"]
    ):
        raise OrderRefused("The order does not allow an invoice to be created.")
    for item in order["items"]:
        item["qty_invoiced"] = item["qty_ordered"] - item["qty_canceled"]
    order["total_invoiced"] = order["total_paid"] = order["grand_total"]
    order["total_due"] = 0
    _settle(order)


def ship(order: dict[str, Any], lines: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Decimal]]:
    """Ship the named (or all open) quantities; what was shipped, per item."""
    if order["state"] in ("canceled", "complete", "closed", "holded"):
        raise OrderRefused("Shipment Document Validation Error(s):\nThe order does not allow a shipment to be created.")
    items = {i["item_id"]: i for i in _shippable(order)}
    if not lines:
        wanted = [(i, _open_qty(i, "qty_shipped")) for i in items.values() if _open_qty(i, "qty_shipped") > 0]
    else:
        wanted = []
        for line in lines:
            item = items.get(line.get("order_item_id"))
            qty = Decimal(str(line.get("qty", 0)))
            if item is None or qty <= 0 or qty > _open_qty(item, "qty_shipped"):
                raise OrderRefused(
                    "Shipment Document Validation Error(s):\nYou can't create a shipment without products."
                )
            wanted.append((item, qty))
    if not wanted:
        raise OrderRefused("Shipment Document Validation Error(s):\nThe order does not allow a shipment to be created.")
    for item, qty in wanted:
        item["qty_shipped"] = float(Decimal(str(item["qty_shipped"])) + qty)
        for child in order["items"]:
            if child.get("parent_item_id") == item["item_id"]:
                child["qty_shipped"] = item["qty_shipped"]
    _settle(order)
    return wanted

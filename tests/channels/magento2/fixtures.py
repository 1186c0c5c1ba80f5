"""Magento order records written from Adobe's documentation, not from the sandbox.

``TUTORIAL_ORDER`` follows the ``GET /V1/orders/3`` answer in Adobe's REST order-processing tutorial ("Step 7.
Create an order", AdobeDocs/commerce-webapi ``src/pages/rest/tutorials/orders/order-create-order.md``): a
simple tee, a downloadable product, a bundle with four priced parts and a configurable hoodie with its simple
child; USD, grand total 165 with 5 shipping; ``account_status``/``cc_last4`` null. Fields the mapper does not
read are left out; the values kept are the documented ones.
"""

from __future__ import annotations

import copy
from typing import Any


def _item(
    item_id: int,
    name: str,
    sku: str,
    kind: str,
    price: float,
    product_id: int,
    *,
    parent: int | None = None,
    virtual: int = 0,
) -> dict[str, Any]:
    item = {
        "item_id": item_id,
        "order_id": 3,
        "name": name,
        "sku": sku,
        "product_type": kind,
        "price": price,
        "price_incl_tax": price,
        "row_total": price,
        "row_total_incl_tax": price,
        "original_price": price,
        "product_id": product_id,
        "qty_ordered": 1,
        "qty_shipped": 0,
        "qty_invoiced": 0,
        "qty_canceled": 0,
        "discount_amount": 0,
        "tax_amount": 0,
        "tax_percent": 0,
        "is_virtual": virtual,
        "created_at": "2017-08-21 22:22:19",
        "updated_at": "2017-08-21 22:22:19",
    }
    if parent is not None:
        item["parent_item_id"] = parent
    return item


_BUNDLE = _item(5, "Sprite Yoga Companion Kit", "24-WG080-24-WG084-24-WG088-24-WG082-blue-24-WG086", "bundle", 68, 51)
_HOODIE = _item(10, "Chaz Kangeroo Hoodie", "MH01-S-Gray", "configurable", 52, 67)
_HOODIE_CHILD = {
    **_item(11, "Chaz Kangeroo Hoodie-S-Gray", "MH01-S-Gray", "simple", 0, 56, parent=10),
    "parent_item": copy.deepcopy(_HOODIE),
}
for _key in ("price_incl_tax", "row_total_incl_tax"):  # the documented child has neither
    _HOODIE_CHILD.pop(_key)

_ADDRESS = {
    "city": "Purchase",
    "country_id": "US",
    "email": "jdoe@example.com",
    "firstname": "Jane",
    "lastname": "Doe",
    "parent_id": 3,
    "postcode": "10577",
    "region": "New York",
    "region_code": "NY",
    "region_id": 43,
    "street": ["123 Oak Ave"],
    "telephone": "512-555-1111",
}

TUTORIAL_ORDER: dict[str, Any] = {
    "base_currency_code": "USD",
    "base_grand_total": 165,
    "base_shipping_incl_tax": 5,
    "created_at": "2017-08-21 22:22:19",
    "customer_email": "jdoe@example.com",
    "customer_firstname": "Jane",
    "customer_id": 3,
    "customer_is_guest": 0,
    "customer_lastname": "Doe",
    "entity_id": 3,
    "global_currency_code": "USD",
    "grand_total": 165,
    "increment_id": "000000003",
    "order_currency_code": "USD",
    "shipping_amount": 5,
    "shipping_description": "Best Way - Table Rate",
    "shipping_incl_tax": 5,
    "shipping_tax_amount": 0,
    "state": "new",
    "status": "pending",
    "subtotal": 160,
    "subtotal_incl_tax": 160,
    "tax_amount": 0,
    "total_due": 165,
    "total_item_count": 7,
    "total_qty_ordered": 4,
    "updated_at": "2017-08-21 22:22:20",
    "items": [
        _item(3, "Radiant Tee-M-Orange", "WS12-M-Orange", "simple", 22, 1553),
        _item(4, "Advanced Pilates & Yoga (Strength)", "240-LV08", "downloadable", 18, 49, virtual=1),
        _BUNDLE,
        {**_item(6, "Sprite Stasis Ball 65 cm", "24-WG082-blue", "simple", 27, 29, parent=5), "parent_item": _BUNDLE},
        {**_item(7, "Sprite Foam Yoga Brick", "24-WG084", "simple", 5, 21, parent=5), "parent_item": _BUNDLE},
        {**_item(8, "Sprite Yoga Strap 8 foot", "24-WG086", "simple", 17, 34, parent=5), "parent_item": _BUNDLE},
        {**_item(9, "Sprite Foam Roller", "24-WG088", "simple", 19, 22, parent=5), "parent_item": _BUNDLE},
        _HOODIE,
        _HOODIE_CHILD,
    ],
    "billing_address": {**_ADDRESS, "address_type": "billing", "entity_id": 6},
    "payment": {
        "account_status": None,
        "additional_information": ["Bank Transfer Payment", ""],
        "amount_ordered": 165,
        "base_amount_ordered": 165,
        "cc_last4": None,
        "entity_id": 3,
        "method": "banktransfer",
        "parent_id": 3,
        "shipping_amount": 5,
    },
    "status_histories": [],
    "extension_attributes": {
        "shipping_assignments": [
            {
                "shipping": {
                    "address": {**_ADDRESS, "address_type": "shipping", "entity_id": 5},
                    "method": "tablerate_bestway",
                    "total": {"shipping_amount": 5, "shipping_incl_tax": 5},
                },
                "items": [],
            }
        ]
    },
}


def tutorial_order(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(TUTORIAL_ORDER), **changes}

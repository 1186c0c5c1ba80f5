"""The sandbox shop's listings and receipts, shaped as Etsy's Open API v3 documents them (``ShopReceipt``,
``ShopReceiptTransaction``, ``Money``, ``ListingInventory``): written down here from the spec, not shared
with the connector."""

from __future__ import annotations

import random
from typing import Any

SHOP_ID = 41_000_001
USER_ID = 41_000_001  # Etsy: "This number is also a valid shop ID for the user's shop"
SHOP_NAME = "SandboxCeramics"
BUYERS = [
    ("Anna Müller", "Hauptstraße 12", "", "10115", "Berlin", "", "DE"),
    ("Jonas Weber", "Am Markt 3a", "2. OG", "80331", "München", "", "DE"),
    ("Mary Smith", "12 Elm Street", "Apt 4", "02139", "Cambridge", "MA", "US"),
]


def money(cents: int, currency: str = "EUR") -> dict[str, Any]:
    return {"amount": cents, "divisor": 100, "currency_code": currency}


def listings() -> dict[int, dict[str, Any]]:
    """Three listings: two with one product, one with a colour variation that sets price, quantity and SKU."""

    def product(pid: int, sku: str, cents: int, qty: int, values: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "product_id": pid,
            "sku": sku,
            "is_deleted": False,
            "property_values": values,
            "offerings": [
                {
                    "offering_id": pid * 10,
                    "quantity": qty,
                    "is_enabled": True,
                    "is_deleted": False,
                    "price": money(cents),
                    "readiness_state_id": 1402336022581,
                }
            ],
        }

    colour = [("Red", 52), ("Blue", 53)]
    return {
        7001: {
            "title": "Kaffeebecher",
            "price": 1290,
            "inventory": {
                "products": [product(9001, "MUG-1", 1290, 12, [])],
                "price_on_property": [],
                "quantity_on_property": [],
                "sku_on_property": [],
            },
        },
        7002: {
            "title": "Teekanne",
            "price": 3450,
            "inventory": {
                "products": [product(9002, "POT-1", 3450, 4, [])],
                "price_on_property": [],
                "quantity_on_property": [],
                "sku_on_property": [],
            },
        },
        7003: {
            "title": "Schale",
            "price": 1900,
            "inventory": {
                "products": [
                    product(
                        9003 + n,
                        f"BOWL-{name.upper()}",
                        1900 + 100 * n,
                        5 + n,
                        [
                            {
                                "property_id": 200,
                                "property_name": "Primary color",
                                "scale_id": None,
                                "scale_name": None,
                                "value_ids": [value_id],
                                "values": [name],
                            }
                        ],
                    )
                    for n, (name, value_id) in enumerate(colour)
                ],
                "price_on_property": [200],
                "quantity_on_property": [200],
                "sku_on_property": [200],
            },
        },
    }


def receipt(
    rid: int, rng: random.Random, created: int, updated: int, stock: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    name, first, second, zip_, city, state, country = rng.choice(BUYERS)
    transactions, items = [], 0
    for n in range(rng.randint(1, 2)):
        listing_id = rng.choice(sorted(stock))
        product = rng.choice(stock[listing_id]["inventory"]["products"])
        cents = product["offerings"][0]["price"]["amount"]
        quantity = rng.randint(1, 3)
        items += cents * quantity
        variations = [
            {
                "property_id": v["property_id"],
                "value_id": v["value_ids"][0],
                "formatted_name": "Colour",
                "formatted_value": v["values"][0],
            }
            for v in product["property_values"]
        ]
        transactions.append(
            {
                "transaction_id": rid * 10 + n,
                "title": stock[listing_id]["title"],
                "description": "",
                "seller_user_id": USER_ID,
                "buyer_user_id": 500 + rid % 97,
                "create_timestamp": created,
                "created_timestamp": created,
                "paid_timestamp": created + 60,
                "shipped_timestamp": None,
                "quantity": quantity,
                "listing_image_id": None,
                "receipt_id": rid,
                "is_digital": False,
                "file_data": "",
                "listing_id": listing_id,
                "transaction_type": "listing",
                "product_id": product["product_id"],
                "sku": product["sku"],
                "price": money(cents),
                "shipping_cost": money(0),
                "variations": variations,
                "product_data": product["property_values"],
                "shipping_profile_id": None,
                "min_processing_days": 1,
                "max_processing_days": 3,
                "shipping_method": None,
                "shipping_upgrade": None,
                "expected_ship_date": created + 259200,
                "buyer_coupon": 0.0,
                "shop_coupon": 0.0,
            }
        )
    shipping, vat = 490, round(items * 0.19)
    return {
        "receipt_id": rid,
        "receipt_type": 0,
        "seller_user_id": USER_ID,
        "seller_email": "shop@example.com",
        "buyer_user_id": 500 + rid % 97,
        "buyer_email": f"buyer{rid}@example.org",
        "name": name,
        "first_line": first,
        "second_line": second or None,
        "city": city,
        "state": state or None,
        "zip": zip_,
        "status": "paid",
        "formatted_address": f"{name}\n{first}\n{zip_} {city}",
        "country_iso": country,
        "payment_method": "cc",
        "payment_email": None,
        "message_from_seller": None,
        "message_from_buyer": "Bitte gut verpacken" if rid % 3 == 0 else None,
        "message_from_payment": None,
        "is_paid": True,
        "is_shipped": False,
        "create_timestamp": created,
        "created_timestamp": created,
        "update_timestamp": updated,
        "updated_timestamp": updated,
        "is_gift": rid % 4 == 0,
        "gift_message": "Alles Gute!" if rid % 4 == 0 else "",
        "gift_sender": "Oma" if rid % 4 == 0 else "",
        "grandtotal": money(items + shipping + vat),
        "subtotal": money(items),
        "total_price": money(items),
        "total_shipping_cost": money(shipping),
        "total_tax_cost": money(0),
        "total_vat_cost": money(vat),
        "discount_amt": money(0),
        "gift_wrap_price": money(0),
        "shipments": [],
        "transactions": transactions,
        "refunds": [],
    }

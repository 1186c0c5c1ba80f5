"""Etsy receipts written from the Open API v3 schema descriptions (``ShopReceipt``, ``ShopReceiptTransaction``,
``Money``, ``TransactionVariations``, ``ShopReceiptShipment``, ``ShopRefund``), not from the sandbox.

Facts used: money is ``{amount, divisor, currency_code}`` with amount an integer ("amount of represented by
this data") over ``divisor``; ``grandtotal`` = total_price − discount + tax + shipping; timestamps are epoch
seconds; ``status`` one of paid, completed, open, payment processing, canceled, fully refunded, partially
refunded; a transaction's ``price`` is per unit ("the price recorded the transaction") and ``variations``
hold ``formatted_name``/``formatted_value``; the recipient is ``name``, ``first_line``, ``second_line``,
``city``, ``state``, ``zip``, ``country_iso``.
"""

from __future__ import annotations

import copy
from typing import Any

CREATED, UPDATED, PAID = 1717000000, 1717086400, 1717000120


def usd(cents: int) -> dict[str, Any]:
    return {"amount": cents, "divisor": 100, "currency_code": "USD"}


TRANSACTIONS = [
    {
        "transaction_id": 3990000101,
        "title": "Handmade ceramic mug, speckled",
        "description": "",
        "seller_user_id": 12345678,
        "buyer_user_id": 87654321,
        "create_timestamp": CREATED,
        "created_timestamp": CREATED,
        "paid_timestamp": PAID,
        "shipped_timestamp": None,
        "quantity": 2,
        "listing_image_id": 1,
        "receipt_id": 2480000001,
        "is_digital": False,
        "file_data": "",
        "listing_id": 1234567890,
        "transaction_type": "listing",
        "product_id": 11223344,
        "sku": "MUG-SPECKLED-L",
        "price": usd(2450),
        "shipping_cost": usd(0),
        "variations": [
            {"property_id": 200, "value_id": 1213, "formatted_name": "Primary color", "formatted_value": "Sage"},
            {"property_id": 54, "value_id": None, "formatted_name": "Personalization", "formatted_value": "For Mia"},
        ],
        "product_data": [
            {
                "property_id": 200,
                "property_name": "Primary color",
                "scale_id": None,
                "scale_name": None,
                "value_ids": [1213],
                "values": ["Sage"],
            }
        ],
        "shipping_profile_id": 1,
        "min_processing_days": 1,
        "max_processing_days": 3,
        "shipping_method": None,
        "shipping_upgrade": None,
        "expected_ship_date": CREATED + 259200,
        "buyer_coupon": 0.0,
        "shop_coupon": 0.0,
    },
    {
        "transaction_id": 3990000102,
        "title": "Linen tea towel",
        "description": "",
        "seller_user_id": 12345678,
        "buyer_user_id": 87654321,
        "create_timestamp": CREATED,
        "created_timestamp": CREATED,
        "paid_timestamp": PAID,
        "shipped_timestamp": None,
        "quantity": 1,
        "listing_image_id": None,
        "receipt_id": 2480000001,
        "is_digital": False,
        "file_data": "",
        "listing_id": 1234567891,
        "transaction_type": "listing",
        "product_id": 11223355,
        "sku": None,
        "price": usd(1299),
        "shipping_cost": usd(0),
        "variations": [],
        "product_data": [],
        "shipping_profile_id": 1,
        "min_processing_days": 1,
        "max_processing_days": 3,
        "shipping_method": None,
        "shipping_upgrade": None,
        "expected_ship_date": None,
        "buyer_coupon": 0.0,
        "shop_coupon": 0.0,
    },
]

#: a paid US receipt with sales tax (which Etsy collects in marketplace-facilitator states) and a gift message
RECEIPT: dict[str, Any] = {
    "receipt_id": 2480000001,
    "receipt_type": 0,
    "seller_user_id": 12345678,
    "seller_email": "seller@example.com",
    "buyer_user_id": 87654321,
    "buyer_email": "buyer@example.com",
    "name": "Jane Q Doe",
    "first_line": "123 Main St",
    "second_line": "Apt 2",
    "city": "Springfield",
    "state": "IL",
    "zip": "62701",
    "status": "paid",
    "formatted_address": "Jane Q Doe\n123 Main St\nApt 2\nSpringfield, IL 62701\nUnited States",
    "country_iso": "US",
    "payment_method": "cc",
    "payment_email": None,
    "message_from_seller": None,
    "message_from_buyer": "Please ship before Friday",
    "message_from_payment": None,
    "is_paid": True,
    "is_shipped": False,
    "create_timestamp": CREATED,
    "created_timestamp": CREATED,
    "update_timestamp": UPDATED,
    "updated_timestamp": UPDATED,
    "is_gift": True,
    "gift_message": "Happy birthday, Mia!",
    "gift_sender": "Jane",
    "grandtotal": usd(7174),
    "subtotal": usd(6199),
    "total_price": usd(6199),
    "total_shipping_cost": usd(495),
    "total_tax_cost": usd(480),
    "total_vat_cost": usd(0),
    "discount_amt": usd(0),
    "gift_wrap_price": usd(0),
    "shipments": [],
    "transactions": TRANSACTIONS,
    "refunds": [],
}


def receipt(**changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(RECEIPT)
    out.update(changes)
    return out

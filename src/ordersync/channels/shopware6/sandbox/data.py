"""Seed data of the Shopware 6 sandbox in the Admin API's shapes (``Order``, ``OrderLineItem``,
``OrderDelivery``, ``OrderTransaction``, ``OrderAddress``, ``OrderCustomer``, ``Currency``, ``Product``,
``StateMachineState`` of the vendor's OpenAPI): ids are 32 hex digits, money is a JSON number, dates are
ISO 8601 with zone, ``updatedAt`` stays null until the order is changed once.

The three state machines and their transitions (``action_name``) follow Shopware's default data and its
order-management guide: ``order.state`` (open, in_progress, completed, cancelled), ``order_delivery.state``
(open, shipped, shipped_partially, returned, returned_partially, cancelled) and ``order_transaction.state``
(open, paid, paid_partially, authorized, in_progress, reminded, failed, cancelled, refunded,
refunded_partially).
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

#: machine -> {state: {transition: next state}}
MACHINES: dict[str, dict[str, dict[str, str]]] = {
    "order.state": {
        "open": {"process": "in_progress", "cancel": "cancelled"},
        "in_progress": {"complete": "completed", "cancel": "cancelled"},
        "completed": {"reopen": "open"},
        "cancelled": {"reopen": "open"},
    },
    "order_delivery.state": {
        "open": {"ship": "shipped", "ship_partially": "shipped_partially", "cancel": "cancelled"},
        "shipped_partially": {
            "ship": "shipped",
            "retour": "returned",
            "retour_partially": "returned_partially",
            "cancel": "cancelled",
            "reopen": "open",
        },
        "shipped": {"retour": "returned", "retour_partially": "returned_partially", "reopen": "open"},
        "returned_partially": {"retour": "returned", "reopen": "open"},
        "returned": {"reopen": "open"},
        "cancelled": {"reopen": "open"},
    },
    "order_transaction.state": {
        "open": {
            "paid": "paid",
            "paid_partially": "paid_partially",
            "authorize": "authorized",
            "process": "in_progress",
            "remind": "reminded",
            "fail": "failed",
            "cancel": "cancelled",
        },
        "in_progress": {"paid": "paid", "paid_partially": "paid_partially", "fail": "failed", "cancel": "cancelled"},
        "authorized": {"paid": "paid", "paid_partially": "paid_partially", "cancel": "cancelled"},
        "reminded": {"paid": "paid", "paid_partially": "paid_partially", "cancel": "cancelled"},
        "paid_partially": {
            "paid": "paid",
            "refund_partially": "refunded_partially",
            "refund": "refunded",
            "cancel": "cancelled",
        },
        "paid": {"refund": "refunded", "refund_partially": "refunded_partially", "cancel": "cancelled"},
        "refunded_partially": {"refund": "refunded"},
        "failed": {"reopen": "open", "paid": "paid"},
        "cancelled": {"reopen": "open"},
        "refunded": {},
    },
}
NAMES = {
    "open": "Open",
    "in_progress": "In progress",
    "completed": "Done",
    "cancelled": "Cancelled",
    "shipped": "Shipped",
    "shipped_partially": "Shipped (partially)",
    "returned": "Returned",
    "returned_partially": "Returned (partially)",
    "paid": "Paid",
    "paid_partially": "Paid (partially)",
    "authorized": "Authorized",
    "reminded": "Reminded",
    "failed": "Failed",
    "refunded": "Refunded",
    "refunded_partially": "Refunded (partially)",
}

FIRST = ["Anna", "Lukas", "Marie", "Jonas", "Sofia", "Felix"]
LAST = ["Müller", "Schmidt", "Weber", "Becker", "Wagner"]
STREETS = ["Hauptstraße 12", "Am Markt 3a", "Lindenallee 44", "Bahnhofstr. 7"]
CITIES = [("10115", "Berlin", "DE"), ("80331", "München", "DE"), ("1010", "Wien", "AT")]
#: productNumber, name, gross unit price, stock, parent productNumber (variants)
PRODUCTS = [
    ("SW10001", "Kaffeebecher", "12.90", 40, ""),
    ("SW10002", "Teekanne", "34.50", 12, ""),
    ("SW10003", "Brotkorb", "19.00", 7, ""),
    ("SW10004", "T-Shirt", "24.00", 0, ""),
    ("SW10004.1", "T-Shirt Größe M", "24.00", 50, "SW10004"),
    ("SW10004.2", "T-Shirt Größe L", "24.00", 3, "SW10004"),
]
TAX_RATE = Decimal("19")


def hex_id(*parts: Any) -> str:
    return hashlib.md5("/".join(str(p) for p in parts).encode()).hexdigest()


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01")))


def state_record(machine: str, name: str) -> dict[str, Any]:
    return {
        "id": hex_id("state", machine, name),
        "technicalName": name,
        "name": NAMES.get(name, name),
        "stateMachineId": hex_id("machine", machine),
    }


ROUNDING = {"decimals": 2, "interval": 0.01, "roundForNet": True}
CURRENCIES = {
    code: {
        "id": hex_id("currency", code),
        "isoCode": code,
        "factor": factor,
        "symbol": symbol,
        "shortName": code,
        "name": name,
        "itemRounding": ROUNDING,
        "totalRounding": ROUNDING,
    }
    for code, factor, symbol, name in (("EUR", 1.0, "€", "Euro"), ("CHF", 0.96, "CHF", "Swiss franc"))
}
COUNTRIES = {
    iso: {"id": hex_id("country", iso), "iso": iso, "name": name, "addressFormat": {}}
    for iso, name in (("DE", "Deutschland"), ("AT", "Österreich"), ("CH", "Schweiz"))
}
SHIPPING = {
    "id": hex_id("shipping", "standard"),
    "name": "Standard",
    "technicalName": "shipping_standard",
    "deliveryTimeId": hex_id("delivery-time", "1-3"),
}
PAYMENT = {"id": hex_id("payment", "prepayment"), "name": "Vorkasse", "technicalName": "payment_prepayment"}
SALES_CHANNEL, LANGUAGE = hex_id("sales-channel", "storefront"), hex_id("language", "de-DE")


def price_of(gross: Decimal, quantity: int) -> dict[str, Any]:
    """A ``CalculatedPrice``: gross prices, the tax contained in them keyed by rate (the spec types
    ``calculatedTaxes`` and ``taxRules`` as objects)."""
    total = gross * quantity
    tax = (total - total / (1 + TAX_RATE / 100)).quantize(Decimal("0.01"))
    return {
        "unitPrice": money(gross),
        "totalPrice": money(total),
        "quantity": quantity,
        "calculatedTaxes": {"19": {"tax": money(tax), "taxRate": 19.0, "price": money(total)}},
        "taxRules": {"19": {"taxRate": 19.0, "percentage": 100.0}},
    }


def products() -> dict[str, dict[str, Any]]:
    out = {}
    now = stamp(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    for number, name, price, stock, parent in PRODUCTS:
        ident = hex_id("product", number)
        out[ident] = {
            "id": ident,
            "productNumber": number,
            "name": name,
            "stock": stock,
            "availableStock": stock,
            "parentId": hex_id("product", parent) if parent else None,
            "taxId": hex_id("tax", "19"),
            "active": True,
            "childCount": sum(1 for p in PRODUCTS if p[4] == number),
            "price": [
                {
                    "currencyId": CURRENCIES["EUR"]["id"],
                    "gross": float(price),
                    "net": money(Decimal(price) / Decimal("1.19")),
                    "linked": True,
                }
            ],
            "createdAt": now,
            "updatedAt": None,
        }
    return out


def new_order(rng: random.Random, serial: int, created: datetime, currency: str = "EUR") -> dict[str, Any]:
    """One order as ``POST /api/search/order`` returns it with every association loaded."""
    oid = hex_id("order", serial, rng.random())
    items, position = [], 1
    for n in range(rng.randint(1, 3)):
        number, name, price, _, _ = rng.choice([p for p in PRODUCTS if p[3] or p[4]])
        quantity = rng.randint(1, 3)
        pid = hex_id("product", number)
        items.append(
            {
                "id": hex_id(oid, "line", n),
                "orderId": oid,
                "identifier": pid,
                "referencedId": pid,
                "productId": pid,
                "quantity": quantity,
                "label": name,
                "type": "product",
                "good": True,
                "position": position,
                "price": price_of(Decimal(price), quantity),
                "unitPrice": float(price),
                "totalPrice": money(Decimal(price) * quantity),
                "payload": {"productNumber": number},
                "children": [],
                "states": ["is-physical"],
                "createdAt": stamp(created),
                "updatedAt": None,
            }
        )
        position += 1
    shipping = Decimal(rng.choice(["0.00", "4.90"]))
    positions = sum((Decimal(str(i["totalPrice"])) for i in items), Decimal(0))
    total = positions + shipping
    tax = (total - total / Decimal("1.19")).quantize(Decimal("0.01"))
    zip_, city, iso = rng.choice(CITIES)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    address_id = hex_id(oid, "address")
    address = {
        "id": address_id,
        "orderId": oid,
        "countryId": COUNTRIES[iso]["id"],
        "firstName": first,
        "lastName": last,
        "street": rng.choice(STREETS),
        "zipcode": zip_,
        "city": city,
        "company": None,
        "phoneNumber": None,
        "additionalAddressLine1": None,
        "country": COUNTRIES[iso],
        "createdAt": stamp(created),
        "updatedAt": None,
    }
    delivery_state = state_record("order_delivery.state", "open")
    transaction_state = state_record("order_transaction.state", "open")
    order_state = state_record("order.state", "open")
    return {
        "id": oid,
        "versionId": hex_id("live-version"),
        "autoIncrement": serial,
        "orderNumber": str(10000 + serial),
        "billingAddressId": address_id,
        "currencyId": CURRENCIES[currency]["id"],
        "languageId": LANGUAGE,
        "salesChannelId": SALES_CHANNEL,
        "orderDateTime": stamp(created),
        "currencyFactor": CURRENCIES[currency]["factor"],
        "stateId": order_state["id"],
        "itemRounding": ROUNDING,
        "totalRounding": ROUNDING,
        "price": {
            "netPrice": money(total - tax),
            "totalPrice": money(total),
            "positionPrice": money(positions),
            "rawTotal": money(total),
            "taxStatus": "gross",
            "calculatedTaxes": {"19": {"tax": money(tax), "taxRate": 19.0, "price": money(total)}},
            "taxRules": {"19": {"taxRate": 19.0, "percentage": 100.0}},
        },
        "amountTotal": money(total),
        "amountNet": money(total - tax),
        "positionPrice": money(positions),
        "taxStatus": "gross",
        "shippingCosts": price_of(shipping, 1),
        "shippingTotal": money(shipping),
        "customerComment": None,
        "createdAt": stamp(created),
        "updatedAt": None,
        "stateMachineState": order_state,
        "orderCustomer": {
            "id": hex_id(oid, "customer"),
            "orderId": oid,
            "customerId": hex_id("customer", first, last),
            "email": f"{first.lower()}.{serial}@example.org",
            "firstName": first,
            "lastName": last,
            "customerNumber": str(20000 + serial),
            "company": None,
        },
        "currency": CURRENCIES[currency],
        "addresses": [address],
        "lineItems": items,
        "deliveries": [
            {
                "id": hex_id(oid, "delivery"),
                "orderId": oid,
                "shippingOrderAddressId": address_id,
                "shippingMethodId": SHIPPING["id"],
                "stateId": delivery_state["id"],
                "trackingCodes": [],
                "shippingDateEarliest": stamp(created),
                "shippingDateLatest": stamp(created),
                "shippingCosts": price_of(shipping, 1),
                "stateMachineState": delivery_state,
                "shippingOrderAddress": address,
                "shippingMethod": SHIPPING,
                "createdAt": stamp(created),
                "updatedAt": None,
            }
        ],
        "transactions": [
            {
                "id": hex_id(oid, "transaction"),
                "orderId": oid,
                "paymentMethodId": PAYMENT["id"],
                "amount": price_of(total, 1),
                "stateId": transaction_state["id"],
                "stateMachineState": transaction_state,
                "paymentMethod": PAYMENT,
                "createdAt": stamp(created),
                "updatedAt": None,
            }
        ],
    }

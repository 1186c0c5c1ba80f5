"""Seeded Textalk orders and order items: same seed, same shop.

Every field name here is taken from Textalk's (Abicart's) own class documentation, written down again in
this file and nowhere else: the sandbox imports nothing of the connector, so a name the connector gets
wrong is caught by the tests instead of being shared by construction.

- Order (developer.abicart.se, "Order"): uid, orderNumber, ordered, changed, customer, currency, items,
  costs{cart, payment, shipment, total}, language, note, tags, externalOrderNumber, discarded, hasVat,
  paymentStatus ("paid"/"unpaid"), deliveryStatus ("sent"/"unsent").
- Customer (developer.abicart.se, "Customer"): ``address`` is the invoice address with company,
  firstName, lastName, address, address2, postcode, town, country (ISO 3166-1 alpha-2), state, phoneDay,
  phoneNight, phoneMobile; ``deliveryAddress`` has copyAddress, company, name (first and last name in one),
  address, address2, postcode, town, country, state.
- The sub-fields of ``customer.info`` are not in the public documentation; INFO_EMAIL and
  INFO_CUSTOMER_NUMBER are this sandbox's assumption, named once here.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

INFO_EMAIL, INFO_CUSTOMER_NUMBER = "email", "customerNumber"  # ASSUMED: not documented publicly

CENT = Decimal("0.01")
ORDER_UID_BASE = 41_000_000
ITEM_UID_BASE = 93_000_000
ARTICLE_UID_BASE = 7_700_000

FIRST = ["Anna", "Lukas", "Marie", "Jonas", "Sofia", "Felix", "Lena", "Paul", "Erik", "Astrid"]
LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Andersson", "Johansson", "Becker"]
STREETS = [
    "Hauptstraße 12",
    "Am Markt 3a",
    "Lindenallee 44",
    "Bahnhofstr. 7",
    "Storgatan 21",
    "Karl-Marx-Allee 90 b",
    "Schillerplatz 1",
]
CITIES = [
    ("10115", "Berlin", "DE"),
    ("80331", "München", "DE"),
    ("50667", "Köln", "DE"),
    ("111 22", "Stockholm", "SE"),
    ("1010", "Wien", "AT"),
]
ARTICLES = [
    ("TX-1001", "Kaffeebecher", "12.90"),
    ("TX-1002", "Teekanne", "34.50"),
    ("TX-1003", "Geschirrtuch", "6.95"),
    ("TX-1004", "Brotkorb", "19.00"),
    ("TX-1005", "Salzmühle", "24.99"),
]


def token_for(seed: int) -> str:
    return hashlib.sha256(f"textalk-sandbox-{seed}".encode()).hexdigest()[:40]


def webshop_for(seed: int) -> int:
    return 20_000 + seed % 10_000


def iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cost(gross: Decimal, rate: Decimal, currency: str) -> dict[str, Any]:
    """A Cost as in the documented example: incVat, exVat, vat, vatRate, currency, as JSON numbers."""
    net = (gross / (1 + rate)).quantize(CENT)
    return {
        "incVat": float(gross),
        "exVat": float(net),
        "vat": float(gross - net),
        "vatRate": float(rate),
        "currency": currency,
    }


def build_order(
    rng: random.Random, uid: int, number: int, ordered: int | None, changed: int, next_item_uid: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One order and its items. ``ordered`` None makes a cart."""
    currency = "SEK" if rng.random() < 0.15 else "EUR"
    rate = Decimal("0.25") if currency == "SEK" else Decimal("0.19")
    items: list[dict[str, Any]] = []
    for n in range(rng.randint(1, 4)):
        number_, name, price = rng.choice(ARTICLES)
        quantity = rng.randint(1, 3)
        gross = (Decimal(price) * quantity).quantize(CENT)
        choices = {str(ARTICLE_UID_BASE + 1): str(ARTICLE_UID_BASE + 2 + n)} if rng.random() < 0.3 else {}
        items.append(
            {
                "uid": next_item_uid + n,
                "order": uid,
                "article": ARTICLE_UID_BASE + int(number_[-4:]),
                "articleNumber": number_,
                "articleName": name,
                "choices": {**choices, "quantity": quantity},
                "costs": {"total": cost(gross, rate, currency), "unit": cost(Decimal(price), rate, currency)},
            }
        )
    cart_total = sum((Decimal(str(i["costs"]["total"]["incVat"])) for i in items), Decimal(0))
    shipping = Decimal(rng.choice(["0", "4.90", "5.95"]))
    fee = Decimal(rng.choice(["0", "0", "1.50"]))
    first, last = rng.choice(FIRST), rng.choice(LAST)
    address = invoice_address(rng, first, last)
    delivery = delivery_address(rng, address)
    paid = rng.random() < 0.7
    sent = paid and rng.random() < 0.5
    order = {
        "uid": uid,
        "orderNumber": str(number),
        "ordered": iso(ordered) if ordered is not None else None,
        "changed": iso(changed),
        "currency": currency,
        "language": "de" if currency == "EUR" else "sv",
        "customer": {
            "address": address,
            "deliveryAddress": delivery,
            "info": {INFO_EMAIL: f"{first.lower()}.{number}@example.org", INFO_CUSTOMER_NUMBER: str(500 + number % 97)},
        },
        "items": [i["uid"] for i in items],
        "costs": {
            "cart": cost(cart_total, rate, currency),
            "shipment": cost(shipping, rate, currency),
            "payment": cost(fee, rate, currency),
            "total": cost(cart_total + shipping + fee, rate, currency),
        },
        "note": "",
        "tags": [],
        "externalOrderNumber": "",
        "discarded": rng.random() < 0.03,
        "hasVat": True,
        "paymentStatus": "paid" if paid else "unpaid",
        "deliveryStatus": "sent" if sent else "unsent",
    }
    return order, items


def invoice_address(rng: random.Random, first: str, last: str) -> dict[str, Any]:
    """Customer.address as documented: one street line, postcode, town, three phone numbers."""
    zip_, town, country = rng.choice(CITIES)
    mobile = rng.random() < 0.6
    return {
        "company": None,
        "firstName": first,
        "lastName": last,
        "address": rng.choice(STREETS),
        "address2": "",
        "postcode": zip_,
        "town": town,
        "country": country,
        "state": "",
        "phoneDay": "" if mobile else "+49 30 1234567",
        "phoneNight": "",
        "phoneMobile": "+49 170 5550123" if mobile else "",
    }


def delivery_address(rng: random.Random, invoice: dict[str, Any]) -> dict[str, Any]:
    """Customer.deliveryAddress: usually ``copyAddress`` (the invoice address again), sometimes its own,
    with the recipient's whole name in ``name``."""
    if rng.random() >= 0.2:
        return {
            "copyAddress": True,
            "company": invoice["company"],
            "name": f"{invoice['firstName']} {invoice['lastName']}",
            **{key: invoice[key] for key in ("address", "address2", "postcode", "town", "country", "state")},
        }
    zip_, town, country = rng.choice(CITIES)
    return {
        "copyAddress": False,
        "company": "Lager Nord GmbH" if rng.random() < 0.3 else None,
        "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "address": rng.choice(STREETS),
        "address2": "",
        "postcode": zip_,
        "town": town,
        "country": country,
        "state": "",
    }

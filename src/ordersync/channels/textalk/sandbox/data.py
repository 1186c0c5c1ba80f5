"""Seeded Textalk orders and order items: same seed, same shop.

Shapes follow what the Order and OrderItem documentation confirms. The customer address sub-fields
(street, street2, country) are not documented; the sandbox names them itself instead of importing the
connector's constants, so a connector that reads a different name fails its tests instead of agreeing
with the sandbox by construction.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

ADDRESS_STREET, ADDRESS_STREET2, ADDRESS_COUNTRY = "street", "street2", "country"

CENT = Decimal("0.01")
ORDER_UID_BASE = 41_000_000
ITEM_UID_BASE = 93_000_000
ARTICLE_UID_BASE = 7_700_000

FIRST = ["Anna", "Lukas", "Marie", "Jonas", "Sofia", "Felix", "Lena", "Paul", "Erik", "Astrid"]
LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Andersson", "Johansson", "Becker"]
STREETS = ["Hauptstraße 12", "Am Markt 3a", "Lindenallee 44", "Bahnhofstr. 7", "Storgatan 21",
           "Karl-Marx-Allee 90 b", "Schillerplatz 1"]
CITIES = [("10115", "Berlin", "DE"), ("80331", "München", "DE"), ("50667", "Köln", "DE"),
          ("111 22", "Stockholm", "SE"), ("1010", "Wien", "AT")]
ARTICLES = [("TX-1001", "Kaffeebecher", "12.90"), ("TX-1002", "Teekanne", "34.50"),
            ("TX-1003", "Geschirrtuch", "6.95"), ("TX-1004", "Brotkorb", "19.00"), ("TX-1005", "Salzmühle", "24.99")]


def token_for(seed: int) -> str:
    return hashlib.sha256(f"textalk-sandbox-{seed}".encode()).hexdigest()[:40]


def webshop_for(seed: int) -> int:
    return 20_000 + seed % 10_000


def iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cost(gross: Decimal, rate: Decimal, currency: str) -> dict[str, Any]:
    """A Cost as in the documented example: incVat, exVat, vat, vatRate, currency, as JSON numbers."""
    net = (gross / (1 + rate)).quantize(CENT)
    return {"incVat": float(gross), "exVat": float(net), "vat": float(gross - net), "vatRate": float(rate),
            "currency": currency}


def build_order(rng: random.Random, uid: int, number: int, ordered: int | None, changed: int,
                next_item_uid: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One order and its items. ``ordered`` None makes a cart."""
    currency = "SEK" if rng.random() < 0.15 else "EUR"
    rate = Decimal("0.25") if currency == "SEK" else Decimal("0.19")
    items: list[dict[str, Any]] = []
    for n in range(rng.randint(1, 4)):
        number_, name, price = rng.choice(ARTICLES)
        quantity = rng.randint(1, 3)
        gross = (Decimal(price) * quantity).quantize(CENT)
        choices = {str(ARTICLE_UID_BASE + 1): str(ARTICLE_UID_BASE + 2 + n)} if rng.random() < 0.3 else {}
        items.append({"uid": next_item_uid + n, "order": uid, "article": ARTICLE_UID_BASE + int(number_[-4:]),
                      "articleNumber": number_, "articleName": name, "choices": {**choices, "quantity": quantity},
                      "costs": {"total": cost(gross, rate, currency), "unit": cost(Decimal(price), rate, currency)}})
    cart_total = sum((Decimal(str(i["costs"]["total"]["incVat"])) for i in items), Decimal(0))
    shipping = Decimal(rng.choice(["0", "4.90", "5.95"]))
    fee = Decimal(rng.choice(["0", "0", "1.50"]))
    first, last = rng.choice(FIRST), rng.choice(LAST)
    zip_, city, country = rng.choice(CITIES)
    address = {"firstName": first, "lastName": last, "company": "", ADDRESS_STREET: rng.choice(STREETS),
               ADDRESS_STREET2: "", "zipCode": zip_, "city": city, ADDRESS_COUNTRY: country}
    delivery: dict[str, Any] = {}
    if rng.random() < 0.2:
        d_zip, d_city, d_country = rng.choice(CITIES)
        delivery = {**address, "firstName": rng.choice(FIRST), ADDRESS_STREET: rng.choice(STREETS),
                    "zipCode": d_zip, "city": d_city, ADDRESS_COUNTRY: d_country}
    paid = rng.random() < 0.7
    sent = paid and rng.random() < 0.5
    order = {
        "uid": uid, "orderNumber": str(number), "ordered": iso(ordered) if ordered is not None else None,
        "changed": iso(changed), "currency": currency, "language": "de" if currency == "EUR" else "sv",
        "customer": {"address": address, "deliveryAddress": delivery,
                     "info": {"email": f"{first.lower()}.{number}@example.org", "phone": "+49 30 1234567",
                              "customerNumber": str(500 + number % 97)}},
        "items": [i["uid"] for i in items],
        "costs": {"cart": cost(cart_total, rate, currency), "shipment": cost(shipping, rate, currency),
                  "payment": cost(fee, rate, currency), "total": cost(cart_total + shipping + fee, rate, currency)},
        "note": "", "tags": [], "externalOrderNumber": "", "discarded": rng.random() < 0.03, "hasVat": True,
        "paymentStatus": "paid" if paid else "unpaid", "deliveryStatus": "sent" if sent else "unsent",
    }
    return order, items

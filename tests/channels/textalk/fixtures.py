"""Textalk order records written from Textalk's (Abicart's) class documentation, not from the sandbox.

The sandbox and the connector were once written by the same hand from the same assumptions; these records
are a third reading of the documentation (developer.abicart.se, classes "Order", "OrderItem", "Customer"),
so a field name both others got wrong still fails here. Facts used:

- Order: ``uid`` integer; ``orderNumber`` string; ``ordered`` and ``changed`` date-time strings (no
  ``ordered`` = a cart); ``currency`` ISO 4217; ``costs`` with ``cart``, ``payment``, ``shipment``,
  ``total``; ``paymentStatus`` "paid"/"unpaid"; ``deliveryStatus`` "sent"/"unsent"; ``discarded`` boolean;
  ``items`` the OrderItem uids (here already replaced by the OrderItems, as the connector does).
- OrderItem: ``uid``, ``order``, ``article`` (the article's uid), ``articleNumber``, ``articleName``,
  ``choices`` (choice uid → option uid, plus ``quantity``), ``costs.total``/``costs.unit`` as
  ``{currency, exVat, incVat, vat, vatRate}`` with ``vatRate`` a fraction (0.25 for 25 %), numbers in JSON.
- Customer: ``address`` = company (null for a private buyer), firstName, lastName, address, address2,
  postcode, town, country, state, phoneDay, phoneNight, phoneMobile; ``deliveryAddress`` = copyAddress,
  company, name, address, address2, postcode, town, country, state.
- ``customer.info`` is not documented; ``email`` and ``customerNumber`` are the connector's assumption.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

ORDERED, CHANGED = "2024-05-29T16:26:40Z", "2024-05-30T16:26:40Z"

#: (articleNumber, articleName, unit price incl. VAT) of a small Swedish/German shop.
ARTICLES = [
    ("SKU-100", "Kaffeebecher", "12.90"),
    ("SKU-200", {"sv": "Tekanna", "de": "Teekanne"}, "34.50"),
    ("SKU-300", "Geschirrtuch", "6.95"),
]
BUYERS = [  # (firstName, lastName, address, postcode, town, country, company)
    ("Anna", "Berg", "Storgatan 21", "111 22", "Stockholm", "SE", None),
    ("Lukas", "Müller", "Hauptstraße 12", "10115", "Berlin", "DE", None),
    ("Marie", "Weber", "Am Markt 3a", "80331", "München", "DE", "Weber Keramik GmbH"),
]


def _cost(gross: Decimal, rate: Decimal, currency: str) -> dict[str, Any]:
    net = (gross / (1 + rate)).quantize(Decimal("0.01"))
    return {
        "currency": currency,
        "exVat": float(net),
        "incVat": float(gross),
        "vat": float(gross - net),
        "vatRate": float(rate),
    }


def _item(uid: int, order_uid: int, index: int, quantity: int, rate: Decimal, currency: str) -> dict[str, Any]:
    number, name, price = ARTICLES[index % len(ARTICLES)]
    unit = Decimal(price)
    choices: dict[str, Any] = {"1324567": "789456123"} if index % 2 else {}
    return {
        "uid": uid,
        "order": order_uid,
        "article": 5_000 + index,
        "articleNumber": number,
        "articleName": name,
        "choices": {**choices, "quantity": quantity},
        "costs": {"total": _cost(unit * quantity, rate, currency), "unit": _cost(unit, rate, currency)},
    }


def documented_order(seed: int = 1) -> dict[str, Any]:
    """One placed order; ``seed`` varies currency, buyer, lines, fees and delivery address."""
    currency, rate = ("SEK", Decimal("0.25")) if seed % 3 == 0 else ("EUR", Decimal("0.19"))
    uid = 4_100_000 + seed
    items = [
        _item(9_300_000 + seed * 10 + n, uid, seed + n, 1 + (seed + n) % 3, rate, currency) for n in range(1 + seed % 3)
    ]
    cart = sum((Decimal(str(i["costs"]["total"]["incVat"])) for i in items), Decimal(0))
    shipment, payment = Decimal("4.90") if seed % 2 else Decimal(0), Decimal("1.50") if seed % 4 == 1 else Decimal(0)
    first, last, street, postcode, town, country, company = BUYERS[seed % len(BUYERS)]
    invoice = {
        "company": company,
        "firstName": first,
        "lastName": last,
        "address": street,
        "address2": "",
        "postcode": postcode,
        "town": town,
        "country": country,
        "state": None,
        "phoneDay": "",
        "phoneNight": "",
        "phoneMobile": "+46 70 123 45 67",
    }
    delivery = (
        {"copyAddress": True}
        if seed % 5
        else {
            "copyAddress": False,
            "company": None,
            "name": "Eva Maria Lind",
            "address": "Hafenweg 2",
            "address2": "",
            "postcode": "20457",
            "town": "Hamburg",
            "country": "DE",
            "state": None,
        }
    )
    return {
        "uid": uid,
        "orderNumber": str(10_000 + seed),
        "ordered": ORDERED,
        "changed": CHANGED,
        "currency": currency,
        "language": "sv" if currency == "SEK" else "de",
        "items": items,
        "customer": {
            "address": invoice,
            "deliveryAddress": delivery,
            "info": {"email": f"{first.lower()}.{seed}@example.org", "customerNumber": str(700 + seed)},
        },
        "costs": {
            "cart": _cost(cart, rate, currency),
            "shipment": _cost(shipment, rate, currency),
            "payment": _cost(payment, rate, currency),
            "total": _cost(cart + shipment + payment, rate, currency),
        },
        "note": "",
        "tags": [],
        "externalOrderNumber": "",
        "discarded": False,
        "hasVat": True,
        "paymentStatus": "paid" if seed % 2 else "unpaid",
        "deliveryStatus": "unsent",
    }


def order_record(seed: int = 1, **overrides: Any) -> dict[str, Any]:
    """A fresh copy each time: tests may change it freely."""
    return {**copy.deepcopy(documented_order(seed)), **overrides}

"""Shopware 6 order records as the Admin API documents them (schemas ``Order``, ``OrderLineItem``,
``OrderDelivery``, ``OrderTransaction`` of ``adminapi.json``), written down by hand for the mapper tests:
independent of the sandbox, so a field name both got wrong would show here.

``calculatedTaxes`` is a list here, as Shopware's JSON answers show it (the spec types it as an object,
which the sandbox follows); the mapper must read both.
"""

from __future__ import annotations

import copy
from typing import Any


def STATE(name: str) -> dict[str, Any]:  # named like the constants it sits among
    return {"id": "0" * 31 + "1", "technicalName": name, "name": name.title(), "stateMachineId": "0" * 31 + "2"}


ORDER: dict[str, Any] = {
    "id": "a1b2c3d4e5f60718293a4b5c6d7e8f90",
    "orderNumber": "10042",
    "billingAddressId": "b0000000000000000000000000000001",
    "currencyId": "c0000000000000000000000000000001",
    "orderDateTime": "2026-03-02T09:15:30.123+00:00",
    "createdAt": "2026-03-02T09:15:31.000+00:00",
    "updatedAt": None,
    "amountTotal": 73.8,
    "amountNet": 62.02,
    "shippingTotal": 4.9,
    "customerComment": "Bitte beim Nachbarn abgeben",
    "price": {
        "netPrice": 62.02,
        "totalPrice": 73.8,
        "positionPrice": 68.9,
        "rawTotal": 73.8,
        "taxStatus": "gross",
        "calculatedTaxes": [{"tax": 11.78, "taxRate": 19, "price": 73.8}],
        "taxRules": [{"taxRate": 19, "percentage": 100}],
    },
    "currency": {
        "id": "c0000000000000000000000000000001",
        "isoCode": "CHF",
        "factor": 1.0,
        "symbol": "CHF",
        "shortName": "CHF",
        "name": "Schweizer Franken",
    },
    "stateMachineState": STATE("open"),
    "orderCustomer": {
        "email": "erika.muster@example.org",
        "firstName": "Erika",
        "lastName": "Muster",
        "customerId": "d0000000000000000000000000000001",
        "customerNumber": "20042",
    },
    "addresses": [
        {
            "id": "b0000000000000000000000000000001",
            "firstName": "Erika",
            "lastName": "Muster",
            "street": "Bahnhofstrasse 10",
            "zipcode": "8001",
            "city": "Zürich",
            "company": None,
            "country": {"iso": "CH", "name": "Schweiz"},
        }
    ],
    "lineItems": [
        {
            "id": "e0000000000000000000000000000001",
            "type": "product",
            "label": "Espressotasse",
            "quantity": 2,
            "productId": "f0000000000000000000000000000001",
            "payload": {"productNumber": "SW10010"},
            "price": {
                "unitPrice": 17.5,
                "totalPrice": 35.0,
                "quantity": 2,
                "calculatedTaxes": [{"tax": 5.59, "taxRate": 19, "price": 35.0}],
            },
        },
        {
            "id": "e0000000000000000000000000000002",
            "type": "container",
            "label": "Geschenkset",
            "quantity": 1,
            "price": {"unitPrice": 38.9, "totalPrice": 38.9, "quantity": 1, "calculatedTaxes": []},
        },
        {
            "id": "e0000000000000000000000000000003",
            "type": "product",
            "label": "Löffel",
            "quantity": 1,
            "parentId": "e0000000000000000000000000000002",
            "payload": {"productNumber": "SW10011"},
            "price": {"unitPrice": 0, "totalPrice": 0, "quantity": 1, "calculatedTaxes": []},
        },
        {
            "id": "e0000000000000000000000000000004",
            "type": "promotion",
            "label": "5 CHF Rabatt",
            "quantity": 1,
            "promotionId": "a0000000000000000000000000000009",
            "payload": {"code": "WELCOME5"},
            "price": {
                "unitPrice": -5.0,
                "totalPrice": -5.0,
                "quantity": 1,
                "calculatedTaxes": [{"tax": -0.8, "taxRate": 19, "price": -5.0}],
            },
        },
    ],
    "deliveries": [
        {
            "id": "d1000000000000000000000000000001",
            "trackingCodes": ["JJD0099887766"],
            "stateMachineState": STATE("shipped"),
            "shippingMethod": {"name": "DHL Paket"},
            "shippingOrderAddress": {
                "firstName": "Max",
                "lastName": "Muster",
                "street": "Seestrasse 3",
                "zipcode": "8002",
                "city": "Zürich",
                "country": {"iso": "CH"},
            },
        }
    ],
    "transactions": [
        {
            "id": "t1000000000000000000000000000001",
            "createdAt": "2026-03-02T09:15:31+00:00",
            "stateMachineState": STATE("cancelled"),
            "paymentMethod": {"name": "PayPal"},
            "amount": {"unitPrice": 73.8, "totalPrice": 73.8, "quantity": 1},
        },
        {
            "id": "t1000000000000000000000000000002",
            "createdAt": "2026-03-02T09:20:00+00:00",
            "stateMachineState": STATE("paid"),
            "paymentMethod": {"name": "Vorkasse"},
            "amount": {"unitPrice": 73.8, "totalPrice": 73.8, "quantity": 1},
        },
    ],
}


def order(**changes: Any) -> dict[str, Any]:
    record = copy.deepcopy(ORDER)
    record.update(changes)
    return record

"""The sandbox's seller account: orders in eBay's ``Order`` shape, fulfilments, inventory items with offers,
listings made outside the Inventory API, conversations, notification destinations and subscriptions.

Written from eBay's OAS3 contracts (field names) and docs; nothing here comes from the connector.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

BUYERS = [
    ("Anna Müller", "anna_m", "Hauptstraße 12", "10115", "Berlin"),
    ("Lukas Schmidt", "lukas-s", "Am Markt 3a", "80331", "München"),
    ("Marie Weber", "marie.w", "Lindenallee 44", "50667", "Köln"),
]
PRODUCTS = [
    ("MUG-1", "Kaffeebecher", "12.90", "110000000001", None),
    ("POT-2", "Teekanne", "34.50", "110000000002", None),
    ("SHIRT-3-M", "T-Shirt", "19.00", "110000000003", [("Größe", "M"), ("Farbe", "Blau")]),
]


def iso(value: datetime) -> str:
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(text)
    return value


def money(value: Decimal | str, currency: str = "EUR") -> dict[str, str]:
    return {"value": f"{Decimal(value):.2f}", "currency": currency}


class Store:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.orders: dict[str, dict[str, Any]] = {}
        self.hidden: set[str] = set()
        self.fulfillments: dict[str, list[dict[str, Any]]] = {}
        self.items: dict[str, dict[str, Any]] = {}  # Inventory API items by SKU
        self.offers: dict[str, dict[str, Any]] = {}  # by offerId
        self.legacy: dict[str, dict[str, Any]] = {}  # Trading listings by ItemID
        self.revisions: dict[tuple[str, str], int] = {}  # (day, listing id) -> revisions
        self.conversations: dict[str, dict[str, Any]] = {}
        self.destinations: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self._n = 0
        for n, (sku, title, price, item_id, _) in enumerate(PRODUCTS[:2], 1):
            self.items[sku] = {
                "sku": sku,
                "locale": "de_DE",
                "condition": "NEW",
                "product": {"title": title, "ean": [f"400000000000{n}"]},
                "availability": {"shipToLocationAvailability": {"quantity": 10 * n}},
            }
            offer_id = f"50000000{n}"
            self.offers[offer_id] = {
                "offerId": offer_id,
                "sku": sku,
                "marketplaceId": "EBAY_DE",
                "format": "FIXED_PRICE",
                "availableQuantity": 10 * n,
                "status": "PUBLISHED",
                "pricingSummary": {"price": money(price)},
                "listing": {"listingId": item_id, "listingStatus": "ACTIVE"},
            }
        sku, title, price, item_id, _ = PRODUCTS[2]
        self.legacy[item_id] = {"ItemID": item_id, "SKU": sku, "Title": title, "Quantity": 5}

    def next_id(self, prefix: str = "") -> str:
        self._n += 1
        return f"{prefix}{self._n:05d}"

    def new_order(
        self, when: datetime, *, lines: int = 0, payment: str = "PAID", collect_vat: bool = False
    ) -> dict[str, Any]:
        rng = self.rng
        number = self.next_id()
        order_id = f"12-{number}-{rng.randint(10000, 99999)}"
        name, username, street, zip_, city = rng.choice(BUYERS)
        username = f"{username}{number[-3:]}"  # each order its own buyer account
        contact = {
            "fullName": name,
            "contactAddress": {"addressLine1": street, "city": city, "postalCode": zip_, "countryCode": "DE"},
            "primaryPhone": {"phoneNumber": "+49 30 1234567"},
            "email": f"{username}@members.ebay.com",
        }
        items, subtotal, tax_total = [], Decimal(0), Decimal(0)
        for n in range(lines or rng.randint(1, 2)):
            sku, title, price, item_id, aspects = PRODUCTS[(int(number) + n) % len(PRODUCTS)]
            quantity = rng.randint(1, 3)
            cost = Decimal(price) * quantity
            vat = (cost * Decimal("0.19") / Decimal("1.19")).quantize(Decimal("0.01")) if collect_vat else None
            line = {
                "lineItemId": f"{10000000000 + int(number) * 10 + n}",
                "legacyItemId": item_id,
                "sku": sku,
                "title": title,
                "quantity": quantity,
                "lineItemCost": money(cost),
                "total": money(cost),
                "soldFormat": "FIXED_PRICE",
                "listingMarketplaceId": "EBAY_DE",
                "purchaseMarketplaceId": "EBAY_DE",
                "lineItemFulfillmentStatus": "NOT_STARTED",
                "taxes": [],
                "deliveryCost": {"shippingCost": money("0")},
                "appliedPromotions": [],
                "properties": {"buyerProtection": True},
            }
            if aspects:
                line["variationAspects"] = [{"name": k, "value": v} for k, v in aspects]
                line["legacyVariationId"] = f"{item_id}0{n}"
            if vat is not None:
                line["ebayCollectAndRemitTaxes"] = [{"taxType": "VAT", "amount": money(vat), "collectionMethod": "NET"}]
                tax_total += vat
            items.append(line)
            subtotal += cost
        delivery = Decimal(rng.choice(["0", "4.90"]))
        order: dict[str, Any] = {
            "orderId": order_id,
            "legacyOrderId": f"{items[0]['legacyItemId']}-{number}",
            "creationDate": iso(when),
            "lastModifiedDate": iso(when),
            "orderFulfillmentStatus": "NOT_STARTED",
            "orderPaymentStatus": payment,
            "sellerId": "sandbox_seller",
            "salesRecordReference": number,
            "buyer": {
                "username": username,
                "taxAddress": {"countryCode": "DE", "postalCode": zip_},
                "buyerRegistrationAddress": contact,
            },
            "pricingSummary": {
                "priceSubtotal": money(subtotal),
                "deliveryCost": money(delivery),
                "total": money(subtotal + delivery),
                **({"tax": money(tax_total)} if tax_total else {}),
            },
            "cancelStatus": {"cancelState": "NONE_REQUESTED", "cancelRequests": []},
            "paymentSummary": {
                "totalDueSeller": money(subtotal + delivery),
                "refunds": [],
                "payments": [
                    {
                        "paymentMethod": "EBAY",
                        "paymentReferenceId": f"P{number}",
                        "paymentDate": iso(when),
                        "amount": money(subtotal + delivery),
                        "paymentStatus": "PAID" if payment == "PAID" else "PENDING",
                    }
                ],
            },
            "fulfillmentStartInstructions": [
                {
                    "fulfillmentInstructionsType": "SHIP_TO",
                    "ebaySupportedFulfillment": False,
                    "shippingStep": {
                        "shippingCarrierCode": "DHL",
                        "shippingServiceCode": "DE_DHLPaket",
                        "shipTo": contact,
                    },
                }
            ],
            "fulfillmentHrefs": [],
            "lineItems": items,
        }
        if tax_total:
            order["ebayCollectAndRemitTax"] = True
        self.orders[order_id] = order
        return order

    def touch(self, order: dict[str, Any], when: datetime | None = None) -> None:
        order["lastModifiedDate"] = iso(when or datetime.now(UTC))

    def shipped(self, order_id: str) -> dict[str, int]:
        done: dict[str, int] = {}
        for f in self.fulfillments.get(order_id, []):
            for line in f["lineItems"]:
                done[line["lineItemId"]] = done.get(line["lineItemId"], 0) + int(line["quantity"])
        return done

    def refresh_fulfillment_status(self, order: dict[str, Any]) -> None:
        done = self.shipped(order["orderId"])
        states = []
        for line in order["lineItems"]:
            got = done.get(line["lineItemId"], 0)
            line["lineItemFulfillmentStatus"] = (
                "FULFILLED" if got >= line["quantity"] else "IN_PROGRESS" if got else "NOT_STARTED"
            )
            states.append(line["lineItemFulfillmentStatus"])
        order["orderFulfillmentStatus"] = (
            "FULFILLED"
            if all(s == "FULFILLED" for s in states)
            else "NOT_STARTED"
            if all(s == "NOT_STARTED" for s in states)
            else "IN_PROGRESS"
        )

    def revise(self, listing: str, day: str) -> int:
        self.revisions[(day, listing)] = self.revisions.get((day, listing), 0) + 1
        return self.revisions[(day, listing)]


def ago(seconds: float) -> datetime:
    return datetime.now(UTC) - timedelta(seconds=seconds)

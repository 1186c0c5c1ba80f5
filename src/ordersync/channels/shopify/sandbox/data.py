"""Deterministic shop data in the shape the GraphQL schema serves: dicts keyed by field name.

Every object carries ``__typename`` (graphql-core resolves interfaces and unions by it). Connections are kept
as plain lists under the field name and paged by the resolvers; money is a string, as Shopify's ``Decimal``
scalar is; timestamps are ISO 8601 UTC with whole seconds. Prices include 19 % or 7 % VAT, as German shops
show them (``taxesIncluded: true``).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

GID = "gid://shopify/{}/{}"
ORDER_BASE = 5_100_000_000
FIRST = ["Anna", "Jonas", "Lea", "Felix", "Marie", "Paul", "Sophie", "Lukas", "Emma", "Ben", "Mia", "Noah"]
LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Koch"]
STREETS = ["Hauptstraße", "Bahnhofstr.", "Lindenweg", "Am Markt", "Gartenstraße", "Schillerplatz", "Ringstraße"]
CITIES = [
    ("DE", "10115", "Berlin"),
    ("DE", "80331", "München"),
    ("DE", "50667", "Köln"),
    ("AT", "1010", "Wien"),
    ("CH", "8001", "Zürich"),
    ("DE", "20095", "Hamburg"),
]
COUNTRIES = {"DE": "Germany", "AT": "Austria", "CH": "Switzerland"}  # Shopify names countries in English
COORDINATES = {
    "Berlin": (52.5321, 13.3849),
    "München": (48.1372, 11.5756),
    "Köln": (50.9375, 6.9603),
    "Wien": (48.2082, 16.3738),
    "Zürich": (47.3769, 8.5417),
    "Hamburg": (53.5511, 9.9937),
}
PROVINCES = {
    "Berlin": ("Berlin", "BE"),
    "München": ("Bavaria", "BY"),
    "Köln": ("North Rhine-Westphalia", "NW"),
    "Wien": (None, None),
    "Zürich": ("Zürich", "ZH"),
    "Hamburg": ("Hamburg", "HH"),
}
TIME_ZONES = {"DE": "Europe/Berlin", "AT": "Europe/Vienna", "CH": "Europe/Zurich"}
CARRIERS = [
    ("DHL", "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={}"),
    ("DPD", "https://tracking.dpd.de/status/de_DE/parcel/{}"),
    ("Hermes", ""),
]
PRODUCTS = ["T-Shirt", "Kapuzenpullover", "Tasse", "Rucksack", "Notizbuch", "Socken", "Mütze", "Poster"]
OPTIONS = [("Größe", ["S", "M", "L", "XL"]), ("Farbe", ["Schwarz", "Weiß", "Blau"])]


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def money(amount: Any, currency: str = "EUR") -> dict[str, Any]:
    value = {"amount": f"{float(amount):.2f}", "currencyCode": currency}
    return {"__typename": "MoneyBag", "shopMoney": value, "presentmentMoney": dict(value)}


def gid(kind: str, number: int) -> str:
    return GID.format(kind, number)


def build_catalogue(seed: int, count: int, anchor: int) -> list[dict[str, Any]]:
    """Products with 1-4 variants, each with its inventory item (ids in disjoint ranges per kind)."""
    rng = random.Random(f"catalogue-{seed}")
    products, variant_no = [], 0
    for n in range(1, count + 1):
        pid = 7_000_000_000 + n
        name = f"{rng.choice(PRODUCTS)} {n}"
        option, values = rng.choice(OPTIONS)
        variants: list[dict[str, Any]] = []
        for value in values[: rng.randint(1, len(values))]:
            variant_no += 1
            vid = 42_000_000_000 + variant_no
            sku = f"SKU-{n:04d}-{value[:2].upper()}"
            variants.append(
                {
                    "__typename": "ProductVariant",
                    "id": gid("ProductVariant", vid),
                    "title": value,
                    "sku": sku,
                    "barcode": f"40{rng.randrange(10**10, 10**11)}",
                    "price": f"{rng.choice([9.9, 14.9, 19.9, 29.9, 49])}",
                    "inventoryQuantity": rng.randint(0, 40),
                    "selectedOptions": [{"__typename": "SelectedOption", "name": option, "value": value}],
                    "inventoryItem": {
                        "__typename": "InventoryItem",
                        "id": gid("InventoryItem", 45_000_000_000 + variant_no),
                        "sku": sku,
                        "tracked": True,
                    },
                    "_product": pid,
                }
            )
        updated = iso(anchor - rng.randint(3600, 90 * 86400))
        for variant in variants:  # variants and their inventory items change with their product
            variant.update(createdAt=updated, updatedAt=updated)
            variant["inventoryItem"].update(createdAt=updated, updatedAt=updated)
        products.append(
            {
                "__typename": "Product",
                "id": gid("Product", pid),
                "title": name,
                "handle": name.lower().replace(" ", "-"),
                "status": "ACTIVE",
                "updatedAt": updated,
                "variants": variants,
            }
        )
    return products


def _address(rng: random.Random, first: str, last: str, ident: int) -> dict[str, Any]:
    """A MailingAddress with every field Shopify fills for a geocoded address (id, name, country, ...)."""
    country, zip_code, city = rng.choice(CITIES)
    latitude, longitude = COORDINATES[city]
    province, province_code = PROVINCES[city]
    address1 = f"{rng.choice(STREETS)} {rng.randint(1, 120)}{rng.choice(['', '', 'a'])}"
    address2 = rng.choice([None, None, "2. OG"])
    company = rng.choice([None, None, None, "Beispiel GmbH"])
    name = f"{first} {last}"
    area = f"{city}, {COUNTRIES[country]}"
    jitter = random.Random(ident)  # own generator: the order's draws stay what they were
    formatted = [part for part in (company, address1, address2, f"{zip_code} {city}", COUNTRIES[country]) if part]
    return {
        "__typename": "MailingAddress",
        "id": gid("MailingAddress", ident),
        "firstName": first,
        "lastName": last,
        "name": name,
        "company": company,
        "address1": address1,
        "address2": address2,
        "zip": zip_code,
        "city": city,
        "countryCodeV2": country,
        "country": COUNTRIES[country],
        "province": province,
        "provinceCode": province_code,
        "phone": rng.choice([None, "+49 30 1234567"]),
        "latitude": round(latitude + jitter.uniform(-0.03, 0.03), 6),
        "longitude": round(longitude + jitter.uniform(-0.03, 0.03), 6),
        "coordinatesValidated": True,
        "formatted": formatted,
        "formattedArea": area,
        "timeZone": TIME_ZONES[country],
        "validationResultSummary": "NO_ISSUES",
    }


def build_order(
    seed: int,
    n: int,
    created: int,
    updated: int,
    variants: list[dict[str, Any]],
    *,
    lines: list[tuple[dict[str, Any], int]] | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """Order number ``n`` (1-based). ``status``: pending | paid | fulfilled | cancelled | refunded | closed."""
    rng = random.Random(f"order-{seed}-{n}")
    oid = ORDER_BASE + n
    first, last = rng.choice(FIRST), rng.choice(LAST)
    if lines is None:
        count = rng.choice([1, 1, 2, 2, 3, 4]) if n % 97 else 13  # every 97th order pages its line items
        lines = [(rng.choice(variants), rng.choice([1, 1, 1, 2, 3])) for _ in range(count)]
    status = (
        status
        or rng.choices(["pending", "paid", "fulfilled", "cancelled", "refunded", "closed"], [10, 45, 30, 5, 3, 7])[0]
    )
    rate = rng.choice([19, 19, 7])
    items, subtotal = [], 0.0
    for index, (variant, qty) in enumerate(lines, 1):
        unit = float(variant["price"])
        discount = round(unit * qty * 0.1, 2) if rng.random() < 0.15 else 0.0
        total = round(unit * qty - discount, 2)
        tax = round(total - total / (1 + rate / 100), 2)
        subtotal += total
        items.append(
            {
                "__typename": "LineItem",
                "id": gid("LineItem", oid * 100 + index),
                "name": variant["title"],
                "title": f"Artikel {variant['_product'] % 10000}",
                "sku": variant["sku"],
                "quantity": qty,
                "currentQuantity": 0 if status in ("cancelled", "refunded") else qty,
                "variantTitle": variant["title"],
                "variant": {"__typename": "ProductVariant", "id": variant["id"]},
                "product": {"__typename": "Product", "id": gid("Product", variant["_product"])},
                "originalUnitPriceSet": money(unit),
                "discountedTotalSet": money(total),
                "taxLines": [
                    {"__typename": "TaxLine", "title": "MwSt.", "ratePercentage": float(rate), "priceSet": money(tax)}
                ],
                "discountAllocations": [{"__typename": "DiscountAllocation", "allocatedAmountSet": money(discount)}]
                if discount
                else [],
            }
        )
    shipping = 0.0 if subtotal >= 50 else 4.9
    shipping_tax = round(shipping - shipping / 1.19, 2)
    total = round(subtotal + shipping, 2)
    tax_total = round(sum(float(i["taxLines"][0]["priceSet"]["shopMoney"]["amount"]) for i in items) + shipping_tax, 2)
    paid = status in ("paid", "fulfilled", "refunded", "closed")
    address = _address(rng, first, last, oid * 10 + 1)
    order: dict[str, Any] = {
        "__typename": "Order",
        "id": gid("Order", oid),
        "legacyResourceId": str(oid),
        "name": f"#{1000 + n}",
        "createdAt": iso(created),
        "updatedAt": iso(updated),
        "processedAt": iso(created),
        "closed": status == "closed",
        "closedAt": iso(updated) if status == "closed" else None,
        "cancelledAt": iso(updated) if status == "cancelled" else None,
        "cancelReason": "CUSTOMER" if status == "cancelled" else None,
        "displayFinancialStatus": {"pending": "PENDING", "refunded": "REFUNDED"}.get(status, "PAID"),
        "displayFulfillmentStatus": "FULFILLED" if status in ("fulfilled", "closed") else "UNFULFILLED",
        "currencyCode": "EUR",
        "email": f"{first}.{last}@example.com".lower().replace("ü", "ue"),
        "phone": None,
        "note": rng.choice([None, None, "Bitte klingeln"]),
        "tags": [],
        "taxesIncluded": True,
        "paymentGatewayNames": [rng.choice(["paypal", "shopify_payments", "manual"])],
        "totalPriceSet": money(total),
        "totalTaxSet": money(tax_total),
        "totalShippingPriceSet": money(shipping),
        "totalRefundedSet": money(total if status == "refunded" else 0),
        "customer": {
            "__typename": "Customer",
            "id": gid("Customer", 6_000_000 + rng.randint(1, 5000)),
            "email": None,
            "firstName": first,
            "lastName": last,
            "phone": None,
        },
        "billingAddress": address,
        "shippingAddress": {**address, "id": gid("MailingAddress", oid * 10 + 2)},
        "lineItems": items,
        "shippingLines": [
            {
                "__typename": "ShippingLine",
                "id": gid("ShippingLine", oid),
                "title": "Standardversand",
                "code": "standard",
                "originalPriceSet": money(shipping),
                "discountedPriceSet": money(shipping),
                "taxLines": [
                    {"__typename": "TaxLine", "title": "MwSt.", "ratePercentage": 19.0, "priceSet": money(shipping_tax)}
                ],
            }
        ],
        "transactions": [],
        "fulfillments": [],
        "refunds": [],
        "fulfillmentOrders": [
            {
                "__typename": "FulfillmentOrder",
                "id": gid("FulfillmentOrder", oid),
                "status": "CLOSED"
                if status in ("fulfilled", "closed")
                else "CANCELLED"
                if status == "cancelled"
                else "OPEN",
            }
        ],
    }
    order["customer"]["email"] = order["email"]
    if paid:
        order["transactions"].append(transaction(oid, "SALE", total, created + 60, order["paymentGatewayNames"][0]))
    if status == "refunded":
        order["refunds"].append(
            {
                "__typename": "Refund",
                "id": gid("Refund", oid),
                "createdAt": iso(updated),
                "note": None,
                "totalRefundedSet": money(total),
            }
        )
        order["transactions"].append(transaction(oid + 1, "REFUND", total, updated, "manual"))
    if status in ("fulfilled", "closed"):
        carrier, url = rng.choice(CARRIERS)
        number = f"00340434{rng.randrange(10**9, 10**10)}"
        order["fulfillments"].append(fulfillment(oid, created + 86400, carrier, number, url.format(number) or None))
    return order


def transaction(number: int, kind: str, amount: float, at: int, gateway: str) -> dict[str, Any]:
    return {
        "__typename": "OrderTransaction",
        "id": gid("OrderTransaction", number),
        "kind": kind,
        "status": "SUCCESS",
        "gateway": gateway,
        "amountSet": money(amount),
        "processedAt": iso(at),
    }


def fulfillment(number: int, at: int, company: str | None, tracking: str | None, url: str | None) -> dict[str, Any]:
    info = [{"__typename": "FulfillmentTrackingInfo", "company": company, "number": tracking, "url": url}]
    return {
        "__typename": "Fulfillment",
        "id": gid("Fulfillment", number),
        "createdAt": iso(at),
        "status": "SUCCESS",
        "trackingInfo": info if tracking else [],
    }


def order_times(seed: int, count: int, anchor: int, history_days: int) -> list[tuple[int, int]]:
    """(created, updated) per order, created ascending over the history, some updated later."""
    rng = random.Random(f"times-{seed}")
    span = history_days * 86400
    created = sorted(anchor - rng.randint(3600, span) for _ in range(count))
    return [(c, min(anchor - 60, c + (rng.randint(0, 10 * 86400) if rng.random() < 0.4 else 0))) for c in created]


def start_of_day(now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    return int((now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(seconds=0)).timestamp())

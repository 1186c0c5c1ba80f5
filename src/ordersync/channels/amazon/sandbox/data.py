"""The sandbox's seller: orders, order items and listings in the shapes of ordersV0.json and
listingsItems_2021-08-01.json, for several marketplaces and currencies. Field names are written down here
from the spec, not taken from the connector."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

#: marketplace id -> (country, currency, sales channel); ids as Amazon lists them for the EU and NA regions
MARKETPLACES = {
    "A1PA6795UKMFR9": ("DE", "EUR", "Amazon.de"),
    "A13V1IB3VIYZZH": ("FR", "EUR", "Amazon.fr"),
    "APJ6JRA9NG5V4": ("IT", "EUR", "Amazon.it"),
    "A1RKKUPIHCS9HS": ("ES", "EUR", "Amazon.es"),
    "A1F83G8C2ARO7P": ("GB", "GBP", "Amazon.co.uk"),
    "A2NODRKZP88ZB9": ("SE", "SEK", "Amazon.se"),
    "A1C3SOZRARQ6R3": ("PL", "PLN", "Amazon.pl"),
    "ATVPDKIKX0DER": ("US", "USD", "Amazon.com"),
}
SKUS = [
    ("MUG-100", "B07XJ8C8F5", "Kaffeebecher Steingut", "12.90"),
    ("POT-200", "B08N5WRWNW", "Teekanne 1,2 l", "34.50"),
    ("BSK-300", "B09B8V1LZ3", "Brotkorb Weide", "19.00"),
    ("TWL-400", "B07PGL2ZSL", "Geschirrtuch 3er", "9.99"),
]
NAMES = ["Anna Müller", "Lukas Schmidt", "Marie Weber", "Jonas Becker", "Claire Dubois", "Oliver Smith"]
STREETS = ["Hauptstraße 12", "Am Markt 3a", "Lindenallee 44", "12 Rue de la Paix", "221B Baker Street"]
CITIES = {
    "DE": ("10115", "Berlin"),
    "FR": ("75002", "Paris"),
    "IT": ("20121", "Milano"),
    "ES": ("28013", "Madrid"),
    "GB": ("NW1 6XE", "London"),
    "SE": ("111 22", "Stockholm"),
    "PL": ("00-001", "Warszawa"),
    "US": ("98109", "Seattle"),
}
#: a few currencies trade at other magnitudes than the euro
FACTOR = {
    "EUR": Decimal(1),
    "GBP": Decimal("0.86"),
    "SEK": Decimal("11.4"),
    "PLN": Decimal("4.3"),
    "USD": Decimal("1.08"),
}


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def money(currency: str, amount: Decimal) -> dict[str, str]:
    return {"CurrencyCode": currency, "Amount": str(amount.quantize(Decimal("0.01")))}


class Seller:
    """Everything the sandbox's selling partner has. Not thread-safe: the app holds its lock around it."""

    def __init__(self, seed: int, orders: int, marketplaces: list[str]) -> None:
        self.rng = random.Random(seed)
        self.marketplaces = marketplaces
        self.orders: dict[str, dict[str, Any]] = {}  # AmazonOrderId -> order record (Amazon's shape)
        self.items: dict[str, list[dict[str, Any]]] = {}  # AmazonOrderId -> order items
        self.addresses: dict[str, dict[str, Any]] = {}  # full address and buyer (restricted data)
        self.hidden: set[str] = set()
        self.packages: dict[str, set[str]] = {}  # AmazonOrderId -> packageReferenceIds confirmed
        self.tracking: dict[str, list[str]] = {}
        self.listings: dict[str, dict[str, Any]] = {}
        self._seq = 0
        now = datetime.now(UTC)
        for sku, asin, title, price in SKUS:
            self.listings[sku] = {
                "sku": sku,
                "asin": asin,
                "title": title,
                "price": Decimal(price),
                "quantity": 25,
                "created": now - timedelta(days=90),
                "updated": now - timedelta(days=30),
            }
        for n in range(orders):
            placed = now - timedelta(hours=1 + n * 3)
            self.add_order(
                placed=placed,
                marketplace=marketplaces[n % len(marketplaces)],
                status=self.rng.choice(["Unshipped", "Unshipped", "Pending", "Shipped"]),
            )

    def add_listing(self, sku: str, quantity: int = 10) -> dict[str, Any]:
        now = datetime.now(UTC)
        listing = {
            "sku": sku,
            "asin": f"B0{self.rng.randrange(10**7, 10**8)}",
            "title": f"Artikel {sku}",
            "price": Decimal("5.00"),
            "quantity": quantity,
            "created": now,
            "updated": now,
        }
        self.listings[sku] = listing
        return listing

    def add_order(
        self,
        *,
        placed: datetime,
        marketplace: str,
        status: str = "Unshipped",
        channel: str = "MFN",
        lines: int | None = None,
        business: bool = False,
        prime: bool = False,
        premium: bool = False,
        updated: datetime | None = None,
    ) -> dict[str, Any]:
        self._seq += 1
        rng = self.rng
        country, currency, sales_channel = MARKETPLACES[marketplace]
        oid = f"{rng.choice((302, 303, 304))}-{rng.randrange(10**6, 10**7):07d}-{self._seq:07d}"
        items, total = [], Decimal(0)
        for k in range(lines or rng.choice((1, 2, 3))):
            sku, asin, title, price = SKUS[(self._seq + k) % len(SKUS)]
            qty = rng.choice((1, 1, 2))
            item_price = (Decimal(price) * FACTOR[currency] * qty).quantize(Decimal("0.01"))
            tax = (item_price - item_price / Decimal("1.19")).quantize(Decimal("0.01"))
            ship = Decimal("4.90") * FACTOR[currency] if k == 0 else Decimal(0)
            item = {
                "ASIN": asin,
                "SellerSKU": sku,
                "OrderItemId": f"{rng.randrange(10**13, 10**14)}",
                "Title": title,
                "QuantityOrdered": qty,
                "QuantityShipped": 0,
                "ProductInfo": {"NumberOfItems": "1"},
                "IsGift": "false",
                "ConditionId": "New",
                "ConditionSubtypeId": "New",
                "IsTransparency": False,
                "SerialNumberRequired": False,
            }
            if status != "Pending":  # Amazon hands out no prices while an order is pending
                item |= {
                    "ItemPrice": money(currency, item_price),
                    "ItemTax": money(currency, tax),
                    "ShippingPrice": money(currency, ship),
                    "ShippingTax": money(currency, Decimal(0)),
                    "PromotionDiscount": money(currency, Decimal(0)),
                    "PromotionDiscountTax": money(currency, Decimal(0)),
                }
            total += item_price + ship
            items.append(item)
        if status == "Shipped":
            for item in items:
                item["QuantityShipped"] = item["QuantityOrdered"]
        name, street = rng.choice(NAMES), rng.choice(STREETS)
        postal, city = CITIES[country]
        order: dict[str, Any] = {
            "AmazonOrderId": oid,
            "PurchaseDate": iso(placed),
            "LastUpdateDate": iso(updated or placed),
            "OrderStatus": status,
            "FulfillmentChannel": channel,
            "SalesChannel": sales_channel,
            "ShipServiceLevel": "Std DE Dom",
            "ShipmentServiceLevelCategory": "Standard",
            "OrderType": "StandardOrder",
            "PaymentMethod": "Other",
            "PaymentMethodDetails": ["Standard"],
            "MarketplaceId": marketplace,
            "EarliestShipDate": iso(placed + timedelta(days=1)),
            "LatestShipDate": iso(placed + timedelta(days=2)),
            "IsBusinessOrder": business,
            "IsPrime": prime,
            "IsPremiumOrder": premium,
            "IsGlobalExpressEnabled": False,
            "IsReplacementOrder": False,
            "IsSoldByAB": False,
            "IsISPU": False,
            "IsAccessPointOrder": False,
            "SellerOrderId": oid,
            "ShippingAddress": {"City": city, "PostalCode": postal, "CountryCode": country, "StateOrRegion": ""},
        }
        if status != "Pending":
            order["OrderTotal"] = money(currency, total)
        self.orders[oid] = order
        self.items[oid] = items
        self.addresses[oid] = {
            "ShippingAddress": {
                "Name": name,
                "AddressLine1": street,
                "City": city,
                "PostalCode": postal,
                "CountryCode": country,
                "Phone": "+49 30 1234567",
                "AddressType": "Residential",
            },
            "BuyerInfo": {"BuyerEmail": f"{oid.replace('-', '')}@marketplace.amazon.de", "BuyerName": name},
        }
        self.recount(oid)
        return order

    def recount(self, oid: str) -> None:
        items, order = self.items[oid], self.orders[oid]
        shipped = sum(i["QuantityShipped"] for i in items)
        order["NumberOfItemsShipped"] = shipped
        order["NumberOfItemsUnshipped"] = sum(i["QuantityOrdered"] for i in items) - shipped

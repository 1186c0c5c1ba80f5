"""The sandbox shop's tables, generated from a seed, in PrestaShop's own shapes.

PrestaShop keeps dates as naive 'YYYY-MM-DD HH:MM:SS' in the shop's time zone (PS_TIMEZONE), so this shop
runs on Europe/Berlin: a connector that takes them for UTC is off by one or two hours. Values are texts, ids
integers, as the webservice's JSON output shows them. Order states are PrestaShop's default ones (ids 1-13 of
a fresh install), carriers and currencies a small German shop's.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from .schema import ORDER_ROW_FIELDS

SHOP_ZONE = ZoneInfo("Europe/Berlin")

# id, name, paid, shipped, delivery, logable
ORDER_STATES = [
    (1, "Awaiting check payment", 0, 0, 0, 0),
    (2, "Payment accepted", 1, 0, 0, 1),
    (3, "Processing in progress", 1, 0, 0, 1),
    (4, "Shipped", 1, 1, 1, 1),
    (5, "Delivered", 1, 1, 1, 1),
    (6, "Canceled", 0, 0, 0, 0),
    (7, "Refunded", 1, 0, 0, 0),
    (8, "Payment error", 0, 0, 0, 0),
    (9, "On backorder (paid)", 1, 0, 0, 1),
    (10, "Awaiting bank wire payment", 0, 0, 0, 0),
    (11, "Remote payment accepted", 1, 0, 0, 1),
    (12, "On backorder (not paid)", 0, 0, 0, 0),
    (13, "Awaiting Cash On Delivery validation", 0, 0, 0, 0),
]
FIRST = ["Anna", "Lukas", "Marie", "Jonas", "Sofia"]
LAST = ["Müller", "Schmidt", "Weber", "Becker"]
STREETS = ["Hauptstraße 12", "Am Markt 3a", "Lindenallee 44"]
CITIES = [("10115", "Berlin", "1"), ("80331", "München", "1"), ("1010", "Wien", "2")]
# product id, reference, name, price (tax excl), combinations [(id, reference)]
PRODUCTS = [
    (1, "BECHER-100", "Kaffeebecher", "10.84", []),
    (2, "KANNE-200", "Teekanne", "28.99", [(21, "KANNE-200-ROT"), (22, "KANNE-200-BLAU")]),
    (3, "KORB-300", "Brotkorb", "15.97", []),
]
TAX = Decimal("1.19")


def shop_time(moment: datetime) -> str:
    return moment.astimezone(SHOP_ZONE).strftime("%Y-%m-%d %H:%M:%S")


def now_text(seconds_ago: float = 0) -> str:
    return shop_time(datetime.fromtimestamp(datetime.now(UTC).timestamp() - seconds_ago, UTC))


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.000001")))


class Store:
    """Every table as {id: record}; ``order_rows`` holds each order's association rows."""

    def __init__(self, seed: int, orders: int) -> None:
        self.rng = random.Random(seed)
        self.tables: dict[str, dict[int, dict[str, Any]]] = {
            name: {}
            for name in (
                "orders",
                "order_details",
                "order_states",
                "order_histories",
                "order_carriers",
                "carriers",
                "addresses",
                "customers",
                "currencies",
                "products",
                "combinations",
                "stock_availables",
                "customer_threads",
                "customer_messages",
                "countries",
            )
        }
        self.raw_rows: dict[int, list[Any]] = {}  # rows a test stored as given (malformed ones too)
        self._index: dict[str, list[int]] = {}  # order_details ids per order (see _details_by_order)
        self._index_size = -1
        for ident, name, paid, shipped, delivery, logable in ORDER_STATES:
            self.tables["order_states"][ident] = {
                "id": ident,
                "unremovable": "1",
                "delivery": str(delivery),
                "hidden": "0",
                "send_email": "0",
                "module_name": "",
                "invoice": str(paid),
                "color": "#4169E1",
                "logable": str(logable),
                "shipped": str(shipped),
                "paid": str(paid),
                "pdf_delivery": "0",
                "pdf_invoice": "0",
                "deleted": "0",
                "name": name,
                "template": "",
            }
        self.tables["currencies"][1] = {
            "id": 1,
            "name": "Euro",
            "iso_code": "EUR",
            "conversion_rate": "1.000000",
            "deleted": "0",
            "active": "1",
        }
        self.tables["currencies"][2] = {
            "id": 2,
            "name": "Schweizer Franken",
            "iso_code": "CHF",
            "conversion_rate": "0.950000",
            "deleted": "0",
            "active": "1",
        }
        for cid, iso, name in ((1, "DE", "Deutschland"), (2, "AT", "Österreich")):
            self.tables["countries"][cid] = {"id": cid, "iso_code": iso, "active": "1", "name": name}
        self.tables["carriers"][2] = {
            "id": 2,
            "deleted": "0",
            "is_module": "0",
            "id_reference": "2",
            "name": "DHL Paket",
            "active": "1",
            "url": "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=@",
            "delay": "1-2 Werktage",
        }
        stock_id = 1
        for pid, reference, name, price, combos in PRODUCTS:
            self.tables["products"][pid] = {
                "id": pid,
                "reference": reference,
                "ean13": "",
                "price": price,
                "active": "1",
                "date_add": now_text(86400 * 90),
                "date_upd": now_text(86400 * 90),
                "name": name,
            }
            for cid, combo_ref in combos:
                self.tables["combinations"][cid] = {
                    "id": cid,
                    "id_product": str(pid),
                    "reference": combo_ref,
                    "ean13": "",
                    "price": "0.000000",
                    "quantity": "0",
                }
            for attribute in [0] + [cid for cid, _ in combos]:
                self.tables["stock_availables"][stock_id] = {
                    "id": stock_id,
                    "id_product": str(pid),
                    "id_product_attribute": str(attribute),
                    "id_shop": "1",
                    "id_shop_group": "0",
                    "quantity": str(self.rng.randint(0, 40)),
                    "depends_on_stock": "0",
                    "out_of_stock": "2",
                    "location": "",
                }
                stock_id += 1
        for _ in range(orders):
            self.add_order(seconds_ago=self.rng.randint(3600, 30 * 86400))

    def next_id(self, table: str) -> int:
        return max(self.tables[table], default=0) + 1

    def add_order(self, seconds_ago: float = 30, state: int | None = None) -> int:
        rng = self.rng
        when = now_text(seconds_ago)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        customer = self.next_id("customers")
        self.tables["customers"][customer] = {
            "id": customer,
            "lastname": last,
            "firstname": first,
            "email": f"{first.lower()}.{customer}@example.org",
            "date_add": when,
            "date_upd": when,
        }
        postcode, city, country = rng.choice(CITIES)
        address = self.next_id("addresses")
        self.tables["addresses"][address] = {
            "id": address,
            "id_customer": str(customer),
            "id_country": country,
            "alias": "Meine Adresse",
            "company": "",
            "lastname": last,
            "firstname": first,
            "address1": rng.choice(STREETS),
            "address2": "",
            "postcode": postcode,
            "city": city,
            "phone": "",
            "phone_mobile": "",
            "date_add": when,
            "date_upd": when,
        }
        ident = self.next_id("orders")
        products_total = Decimal(0)
        for _ in range(rng.randint(1, 2)):
            pid, reference, name, price, combos = rng.choice(PRODUCTS)
            combo_id, combo_ref = rng.choice(combos) if combos else (0, reference)
            quantity = rng.randint(1, 3)
            unit = Decimal(price)
            detail = self.next_id("order_details")
            self.tables["order_details"][detail] = {
                "id": detail,
                "id_order": str(ident),
                "product_id": str(pid),
                "product_attribute_id": str(combo_id),
                "product_name": name,
                "product_quantity": str(quantity),
                "product_price": money(unit),
                "product_ean13": "",
                "product_reference": combo_ref,
                "unit_price_tax_incl": money(unit * TAX),
                "unit_price_tax_excl": money(unit),
                "total_price_tax_incl": money(unit * TAX * quantity),
                "total_price_tax_excl": money(unit * quantity),
            }
            products_total += unit * quantity
        shipping = Decimal(rng.choice(["0", "4.12"]))
        paid_excl = products_total + shipping
        self.tables["orders"][ident] = {
            "id": ident,
            "id_address_delivery": str(address),
            "id_address_invoice": str(address),
            "id_cart": str(ident),
            "id_currency": "1",
            "id_lang": "1",
            "id_customer": str(customer),
            "id_carrier": "2",
            "current_state": str(state or rng.choice([2, 2, 3, 10])),
            "module": "ps_wirepayment",
            "invoice_number": "0",
            "invoice_date": "0000-00-00 00:00:00",
            "delivery_number": "0",
            "delivery_date": "0000-00-00 00:00:00",
            "valid": "1",
            "date_add": when,
            "date_upd": when,
            "shipping_number": "",
            "note": "",
            "id_shop_group": "1",
            "id_shop": "1",
            "secure_key": f"{ident:032x}",
            "payment": "Überweisung",
            "recyclable": "0",
            "gift": "0",
            "gift_message": "",
            "total_discounts": "0.000000",
            "total_discounts_tax_incl": "0.000000",
            "total_discounts_tax_excl": "0.000000",
            "total_paid": money(paid_excl * TAX),
            "total_paid_tax_incl": money(paid_excl * TAX),
            "total_paid_tax_excl": money(paid_excl),
            "total_paid_real": "0.000000",
            "total_products": money(products_total),
            "total_products_wt": money(products_total * TAX),
            "total_shipping": money(shipping * TAX),
            "total_shipping_tax_incl": money(shipping * TAX),
            "total_shipping_tax_excl": money(shipping),
            "carrier_tax_rate": "19.000",
            "total_wrapping": "0.000000",
            "total_wrapping_tax_incl": "0.000000",
            "total_wrapping_tax_excl": "0.000000",
            "round_mode": "2",
            "round_type": "2",
            "conversion_rate": "1.000000",
            "reference": "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(9)),
        }
        carrier = self.next_id("order_carriers")
        self.tables["order_carriers"][carrier] = {
            "id": carrier,
            "id_order": str(ident),
            "id_carrier": "2",
            "id_order_invoice": "0",
            "weight": "0.500000",
            "shipping_cost_tax_excl": money(shipping),
            "shipping_cost_tax_incl": money(shipping * TAX),
            "tracking_number": "",
            "date_add": when,
        }
        return ident

    def order_rows(self, ident: int) -> list[Any]:
        if ident in self.raw_rows:
            return self.raw_rows[ident]
        details = self.tables["order_details"]
        return [
            {k: details[d][k] for k in ORDER_ROW_FIELDS}
            for d in self._details_by_order().get(str(ident), ())
            if d in details and details[d]["id_order"] == str(ident)
        ]

    def _details_by_order(self) -> dict[str, list[int]]:
        """Detail ids per order, in id order; built again when details were added or removed (every order on a
        page scanned and sorted all details before, which made a page of a 10,000-order shop cost ~0.3 s)."""
        details = self.tables["order_details"]
        if self._index_size != len(details):
            index: dict[str, list[int]] = {}
            for ident in sorted(details):
                index.setdefault(details[ident]["id_order"], []).append(ident)
            self._index, self._index_size = index, len(details)
        return self._index

    def stock_for_reference(self, reference: str) -> dict[str, Any]:
        for product in self.tables["products"].values():
            if product["reference"] == reference:
                return self._stock(str(product["id"]), "0")
        for combo in self.tables["combinations"].values():
            if combo["reference"] == reference:
                return self._stock(combo["id_product"], str(combo["id"]))
        raise LookupError(f"no product or combination with reference {reference!r}")

    def _stock(self, product: str, attribute: str) -> dict[str, Any]:
        for row in self.tables["stock_availables"].values():
            if row["id_product"] == product and row["id_product_attribute"] == attribute:
                return row
        raise LookupError(f"no stock_available for product {product} attribute {attribute}")

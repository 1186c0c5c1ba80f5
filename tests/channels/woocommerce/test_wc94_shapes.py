"""What a WooCommerce 9.4 shop sends (issue 16 item 9), in the sandbox and through the connector's mapping.

Unrounded per-rate taxes ("4.7883"), a float or int line ``price``, ``rate_percent`` on tax lines, shipping
taxes with an empty subtotal, display meta, parent-managed variations, and the Link headers WordPress builds
from the sanitised query.
"""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import parse_qsl

from ordersync.channels.woocommerce.mapping import article_from_wc, order_from_wc, variant_from_wc

from .conftest import everything


def _order_94() -> dict:
    """A German order as WooCommerce 9.4 serialises it (prices incl. 19 % tax, round at subtotal off)."""
    return {
        "id": 7001,
        "number": "7001",
        "status": "processing",
        "currency": "EUR",
        "currency_symbol": "€",
        "date_created_gmt": "2026-11-30T09:00:00",
        "date_modified_gmt": "2026-11-30T09:05:00",
        "date_paid_gmt": "2026-11-30T09:01:00",
        "total": "70.83",
        "total_tax": "11.31",
        "shipping_total": "4.12",
        "shipping_tax": "0.78",
        "payment_url": "https://shop.example.de/kasse/order-pay/7001/?pay_for_order=true",
        "is_editable": False,
        "needs_payment": False,
        "needs_processing": True,
        "billing": {
            "first_name": "Anna",
            "last_name": "Weber",
            "address_1": "Hauptstraße 5",
            "city": "Köln",
            "postcode": "50667",
            "country": "DE",
            "email": "anna@example.de",
            "phone": "",
        },
        "shipping": {
            "first_name": "Anna",
            "last_name": "Weber",
            "address_1": "Hauptstraße 5",
            "city": "Köln",
            "postcode": "50667",
            "country": "DE",
            "phone": "+49 221 123456",
        },
        "line_items": [
            {
                "id": 1,
                "name": "Kapuzenpullover - M, Navy",
                "product_id": 30,
                "variation_id": 32,
                "quantity": 2,
                "subtotal": "50.40",
                "subtotal_tax": "9.58",
                "total": "50.40",
                "total_tax": "9.58",
                "taxes": [{"id": 1, "total": "9.5765", "subtotal": "9.5765"}],
                "sku": "BK-1002-M-NV",
                "price": 25.201681,
                "image": {"id": 100030, "src": "https://shop.example.de/a.jpg"},
                "parent_name": "Kapuzenpullover",
                "meta_data": [
                    {"id": 9, "key": "pa_groesse", "value": "m", "display_key": "Größe", "display_value": "M"}
                ],
            },
            {
                "id": 2,
                "name": "Gießkanne",
                "product_id": 40,
                "variation_id": 0,
                "quantity": 1,
                "subtotal": "5.00",
                "subtotal_tax": "0.95",
                "total": "5.00",
                "total_tax": "0.95",
                "taxes": [{"id": 1, "total": "0.95", "subtotal": "0.95"}],
                "sku": "GA-1003",
                "price": 5,
                "image": {"id": 0, "src": ""},
                "parent_name": None,
                "meta_data": [],
            },
        ],
        "tax_lines": [
            {
                "id": 5,
                "rate_code": "DE-MWST.-1",
                "rate_id": 1,
                "label": "MwSt.",
                "compound": False,
                "tax_total": "10.53",
                "shipping_tax_total": "0.78",
                "rate_percent": 19.0,
                "meta_data": [],
            }
        ],
        "shipping_lines": [
            {
                "id": 6,
                "method_title": "DHL Paket",
                "method_id": "flat_rate",
                "instance_id": "1",
                "total": "4.12",
                "total_tax": "0.78",
                "taxes": [{"id": 1, "total": "0.7828", "subtotal": ""}],
                "meta_data": [],
            }
        ],
        "coupon_lines": [],
        "fee_lines": [],
        "meta_data": [],
    }


def test_a_94_order_maps_with_cents_and_exact_rates():
    order = order_from_wc(_order_94())
    hoodie, can = order.items
    assert (hoodie.total_price, hoodie.unit_price) == (Decimal("59.98"), Decimal("29.99"))
    assert hoodie.tax_rate == Decimal(19) and can.tax_rate == Decimal(19)  # rate_percent, not tax / net
    assert hoodie.attributes == {"Größe": "M"}  # display_key / display_value
    assert can.total_price == Decimal("5.95") and can.variant_external_id == ""
    assert order.shipping_cost == Decimal("4.90") and order.shipping_address.phone == "+49 221 123456"
    assert sum(i.total_price for i in order.items) + order.shipping_cost == order.total == Decimal("70.83")


def test_unrounded_line_amounts_are_rounded_half_up_to_the_orders_decimals():
    raw = _order_94()
    raw["line_items"][0].update(total="50.401681", total_tax="9.576319")  # a plugin sending raw line totals
    raw["line_items"][1].update(total="4.9951", total_tax="0.949")
    hoodie, can = order_from_wc(raw).items
    assert hoodie.total_price == Decimal("59.98") and can.total_price == Decimal("5.94")
    assert hoodie.unit_price == Decimal("29.99")
    raw.update(total="7083", currency="JPY")  # no decimals at all
    raw["line_items"][1].update(total="4995.1", total_tax="949.5")
    assert order_from_wc(raw).items[1].total_price == Decimal("5945")


def test_a_parent_managed_variation_shows_its_products_stock():
    parent = {
        "id": 30,
        "name": "Kapuzenpullover",
        "sku": "BK-1002",
        "type": "variable",
        "manage_stock": True,
        "stock_quantity": 9,
        "price": "29.99",
    }
    own = {
        "id": 31,
        "sku": "BK-1002-S-NV",
        "manage_stock": True,
        "stock_quantity": 4,
        "price": "29.99",
        "name": "Kapuzenpullover - S, Navy",
        "parent_id": 30,
        "type": "variation",
    }
    shared = {
        "id": 32,
        "sku": "BK-1002-M-NV",
        "manage_stock": "parent",
        "stock_quantity": 9,
        "price": "29.99",
        "name": "Kapuzenpullover - M, Navy",
        "parent_id": 30,
        "type": "variation",
    }
    article = article_from_wc(parent, [own, shared])
    mine, theirs = article.variants
    assert (mine.stock, mine.manages_stock, mine.stock_from_product) == (Decimal(4), True, False)
    assert (theirs.stock, theirs.manages_stock, theirs.stock_from_product) == (Decimal(9), False, True)
    assert theirs.title == "Kapuzenpullover - M, Navy"
    bare = variant_from_wc({**shared, "stock_quantity": None})  # an API that leaves the quantity out
    assert bare.stock is None and bare.stock_from_product
    assert article_from_wc(parent, [{**shared, "stock_quantity": None}]).variants[0].stock == Decimal(9)


def test_sandbox_orders_have_the_94_fields_and_map_exactly(shop):
    connector = shop.connector()
    raw, _ = connector.client.get("/orders", {"per_page": 100})
    taxes = [t["total"] for o in raw for line in o["line_items"] for t in line["taxes"]]
    assert any(len(t.split(".")[-1]) > 2 for t in taxes)  # unrounded, as the shop keeps them
    prices = [line["price"] for o in raw for line in o["line_items"]]
    assert all(isinstance(p, (int, float)) and not isinstance(p, bool) for p in prices)
    assert {type(p) for p in prices} == {int, float}
    for o in raw:
        assert o["currency_symbol"] == "€" and "phone" in o["shipping"]
        assert o["needs_payment"] == (o["status"] in ("pending", "failed"))
        assert o["is_editable"] == (o["status"] in ("pending", "on-hold"))
        assert all(isinstance(t["rate_percent"], float) for t in o["tax_lines"])
        assert all(s["taxes"] == [] or s["taxes"][0]["subtotal"] == "" for s in o["shipping_lines"])
        for line in o["line_items"]:
            assert set(line["image"]) == {"id", "src"}
            assert (line["parent_name"] is None) == (line["variation_id"] == 0)
            assert all({"display_key", "display_value"} <= set(m) for m in line["meta_data"])
    orders = [order for page in connector.fetch_orders(everything()) for order in page.records]
    rows = shop.sandbox.store.rows.values()
    assert len(orders) == sum(r.status != "trash" for r in rows)
    for order in orders:
        assert sum(i.total_price for i in order.items) + order.shipping_cost == order.total, order.number
        assert {i.tax_rate for i in order.items} <= {Decimal(19), Decimal(7), None}, order.number


def test_a_status_change_updates_the_derived_order_flags(shop):
    connector = shop.connector()
    pending = next(r.id for r in shop.sandbox.store.rows.values() if r.status == "pending")
    assert shop.sandbox.store.order(pending)["needs_payment"] is True
    connector.client.update_order(str(pending), {"status": "processing"})
    order = shop.sandbox.store.order(pending)
    assert order["needs_payment"] is False and order["is_editable"] is False


def test_link_headers_carry_the_sanitised_query(shop):
    connector = shop.connector()
    data, response = connector.client.get(
        "/orders",
        {
            "status": "any",
            "dates_are_gmt": "true",
            "per_page": 10,
            "page": 2,
            "modified_after": "2020-01-01T00:00:00",
            "orderby": "id",
            "order": "asc",
        },
    )
    links = dict((rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"]))
    query = links["next"].split("?", 1)[1]
    assert query.startswith("status%5B0%5D=any&dates_are_gmt=1&per_page=10&page=3&")
    assert "modified_after=2020-01-01T00%3A00%3A00" in query and "orderby=id&order=asc" in query
    assert links["prev"].split("?", 1)[1].startswith("status%5B0%5D=any&dates_are_gmt=1&per_page=10&page=1&")
    params = parse_qsl(query)  # decoded, it is PHP's array syntax
    assert ("status[0]", "any") in params and ("dates_are_gmt", "1") in params
    assert ("modified_after", "2020-01-01T00:00:00") in params


def test_parent_managed_variations_follow_the_parent_until_a_push_detaches_them(shop):
    """What the shop does, and why the hub pushes such stock to the product only."""
    store, client = shop.sandbox.store, shop.connector().client
    parent = next(p for p in store.products.values() if p["type"] == "variable" and p["manage_stock"] is True)
    first, second = parent["variations"][:2]
    path = f"/products/{parent['id']}/variations"
    client.batch("/products/batch", [{"id": parent["id"], "manage_stock": True, "stock_quantity": 12}])
    shown = {v["id"]: v for v in client.get(path, {})[0]}
    assert {(shown[v]["manage_stock"], shown[v]["stock_quantity"]) for v in (first, second)} == {("parent", 12)}
    client.batch(f"{path}/batch", [{"id": first, "manage_stock": True, "stock_quantity": 4}])
    shown = {v["id"]: v for v in client.get(path, {})[0]}
    assert (shown[first]["manage_stock"], shown[first]["stock_quantity"]) == (True, 4)  # detached
    assert (shown[second]["manage_stock"], shown[second]["stock_quantity"]) == ("parent", 12)

"""The sandbox answers what ETL clients ask of Shopify (tap-shopify's streams), not only the connector's fields.

A tap-like bulk query over orders (customer, addresses, lines with variant and product, fulfillments,
refunds, transactions, fulfillment orders) validates and returns data that fits together; products with
variants, inventory items and levels page as well; and every non-null field of the widened types
resolves to a value (graphql-core reports a null in a non-null field as an error).
"""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    parse,
    validate,
)
from graphql.pyutils import Undefined

from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.shopify import queries
from ordersync.channels.shopify.sandbox import create_sandbox

from . import tap_queries

PATH = "/admin/api/2026-10/graphql.json"


@pytest.fixture(scope="module")
def served():
    sandbox = create_sandbox(
        seed=21, orders=60, products=12, bucket_size=10**7, restore_rate=10**7, max_query_cost=10**7
    )
    with serve_in_thread(sandbox.app) as server:
        yield sandbox, server.base_url
    sandbox.close()


def post(served, query: str, variables: dict | None = None) -> dict:
    sandbox, base = served
    response = httpx.post(
        base + PATH,
        json={"query": query, "variables": variables or {}},
        headers={"X-Shopify-Access-Token": sandbox.access_token},
        timeout=60,
    )
    response.raise_for_status()
    return response.json()


def test_the_tap_queries_validate_against_the_sandbox_schema(served) -> None:
    sandbox, _ = served
    for text in (tap_queries.ORDERS_BULK, tap_queries.PRODUCTS, tap_queries.LOCATION):
        assert validate(sandbox.schema, parse(text)) == []


def test_a_tap_like_bulk_query_over_orders_returns_data_that_fits_together(served) -> None:
    sandbox, _ = served
    run = post(served, queries.BULK_RUN, {"query": tap_queries.ORDERS_BULK})["data"]["bulkOperationRunQuery"]
    assert run["userErrors"] == [] and run["bulkOperation"]["status"] == "CREATED"
    sandbox.bulk.join()
    op = post(served, queries.BULK_POLL, {"id": run["bulkOperation"]["id"]})["data"]["node"]
    while op["status"] == "RUNNING":
        op = post(served, queries.BULK_POLL, {"id": op["id"]})["data"]["node"]
    assert op["status"] == "COMPLETED", op
    records = [json.loads(line) for line in httpx.get(op["url"], timeout=60).text.splitlines()]
    orders = [r for r in records if "__parentId" not in r]
    lines = [r for r in records if r.get("id", "").startswith("gid://shopify/LineItem/")]
    fulfillment_orders = [r for r in records if r.get("id", "").startswith("gid://shopify/FulfillmentOrder/")]
    assert len(orders) == 60 and lines and len(fulfillment_orders) == 60

    for order in orders:
        address = order["shippingAddress"]
        assert address["id"].startswith("gid://shopify/MailingAddress/")
        assert address["id"] != order["billingAddress"]["id"]
        assert address["name"] == f"{address['firstName']} {address['lastName']}"
        assert address["country"] in {"Germany", "Austria", "Switzerland"}
        assert isinstance(address["latitude"], float) and 46 < address["latitude"] < 55
        assert address["formatted"][-1] == address["country"]
        own_lines = [li for li in lines if li["__parentId"] == order["id"]]
        subtotal = sum(Decimal(li["discountedTotalSet"]["shopMoney"]["amount"]) for li in own_lines)
        assert Decimal(order["subtotalPriceSet"]["shopMoney"]["amount"]) == subtotal
        assert subtotal + Decimal(order["totalShippingPriceSet"]["shopMoney"]["amount"]) == Decimal(
            order["totalPriceSet"]["shopMoney"]["amount"]
        )
        assert order["subtotalLineItemsQuantity"] == sum(li["quantity"] for li in own_lines)
        assert order["customer"]["displayName"] and int(order["customer"]["numberOfOrders"]) >= 1
        assert order["customer"]["defaultAddress"]["country"]
        assert order["legacyResourceId"] == order["id"].rsplit("/", 1)[-1]
        for fulfillment in order["fulfillments"]:
            assert fulfillment["name"].startswith(order["name"]) and fulfillment["location"]["name"]
        for refund in order["refunds"]:
            assert refund["totalRefundedSet"]["shopMoney"]["amount"] == order["totalRefundedSet"]["shopMoney"]["amount"]
        assert order["fullyPaid"] != order["unpaid"]

    discounted = [li for li in lines if li["discountAllocations"]]
    assert discounted, "the sample should hold discounted lines"
    for line in discounted:
        assert line["discountAllocations"][0]["discountApplication"]["title"] == "Treuerabatt"
    discount_apps = [r for r in records if r.get("allocationMethod")]
    assert {r["__parentId"] for r in discount_apps} == {li["__parentId"] for li in discounted}
    assert all(r["value"] == {"percentage": 10.0} for r in discount_apps)
    for line in lines:
        assert line["variant"]["sku"] == line["sku"] and line["variant"]["displayName"]
        assert line["product"]["title"] and line["product"]["handle"]
        unit = Decimal(line["originalUnitPriceSet"]["shopMoney"]["amount"])
        assert Decimal(line["originalTotalSet"]["shopMoney"]["amount"]) == unit * line["quantity"]

    for fo in fulfillment_orders:
        parent = next(o for o in orders if o["id"] == fo["__parentId"])
        assert fo["orderId"] == parent["id"] and fo["orderName"] == parent["name"]
        assert fo["assignedLocation"]["location"]["id"] and fo["destination"]["countryCode"]


def test_products_page_with_variants_inventory_items_and_levels(served) -> None:
    sandbox, _ = served
    body = post(served, tap_queries.PRODUCTS, {"first": 20})
    assert "errors" not in body, body.get("errors")
    products = body["data"]["products"]["nodes"]
    assert len(products) == 12
    for product in products:
        variants = product["variants"]["nodes"]
        assert product["variantsCount"]["count"] == len(variants)
        assert product["totalInventory"] == sum(v["inventoryQuantity"] for v in variants)
        prices = [Decimal(v["price"]) for v in variants]
        assert Decimal(product["priceRangeV2"]["minVariantPrice"]["amount"]) == min(prices)
        assert product["options"][0]["values"] == [v["selectedOptions"][0]["value"] for v in variants]
        for variant in variants:
            item = variant["inventoryItem"]
            assert item["sku"] == variant["sku"] and item["measurement"]["weight"]["value"] > 0
            levels = item["inventoryLevels"]["nodes"]
            assert len(levels) == len(sandbox.store.locations)
            stock = {
                q["name"]: q["quantity"] for level in levels for q in level["quantities"] if q["name"] == "available"
            }
            assert set(stock) == {"available"}
            assert sum(q["quantity"] for level in levels for q in level["quantities"] if q["name"] == "on_hand") == sum(
                sandbox.store.levels[(item["id"], loc)] for loc in sandbox.store.locations
            )


def test_a_location_has_an_address(served) -> None:
    sandbox, _ = served
    location = post(served, tap_queries.LOCATION, {"id": next(iter(sandbox.store.locations))})["data"]["location"]
    assert location["address"]["city"] == "Berlin" and location["address"]["formatted"]
    assert location["legacyResourceId"] == location["id"].rsplit("/", 1)[-1]


def _selection(type_, depth: int) -> str:
    """Every field of ``type_`` that needs no argument, objects ``depth`` levels down, connections sized."""
    parts = []
    for name, field in type_.fields.items():
        required = [
            a for a in field.args.values() if isinstance(a.type, GraphQLNonNull) and a.default_value is Undefined
        ]
        if required:
            continue
        inner = field.type
        while isinstance(inner, GraphQLNonNull | GraphQLList):
            inner = inner.of_type
        if isinstance(inner, GraphQLScalarType | GraphQLEnumType):
            parts.append(name)
        elif isinstance(inner, GraphQLObjectType) and depth > 0:
            sized = "(first: 3)" if "first" in field.args else ""
            sub = _selection(inner, depth - 1)
            if sub:
                parts.append(f"{name}{sized} {{ {sub} }}")
    return " ".join(parts)


@pytest.mark.parametrize(("root", "type_name", "depth"), [("orders", "Order", 4), ("products", "Product", 5)])
def test_every_non_null_field_of_the_widened_types_has_a_value(served, root: str, type_name: str, depth: int) -> None:
    sandbox, base = served
    query = f"{{ {root}(first: 25) {{ nodes {{ {_selection(sandbox.schema.type_map[type_name], depth)} }} }} }}"
    status, body = sandbox.handle({"query": query}, PATH, base, "2026-10")
    assert status == 200 and "errors" not in body, body.get("errors", [])[:3]
    assert len(body["data"][root]["nodes"]) == min(25, len(getattr(sandbox.store, root)))


def test_every_non_null_field_of_a_location_has_a_value(served) -> None:
    sandbox, base = served
    fields = _selection(sandbox.schema.type_map["Location"], 4)
    query = f'{{ location(id: "{next(iter(sandbox.store.locations))}") {{ {fields} }} }}'
    status, body = sandbox.handle({"query": query}, PATH, base, "2026-10")
    assert status == 200 and "errors" not in body, body.get("errors", [])[:3]
    assert body["data"]["location"]["inventoryLevels"]["nodes"][0]["item"]["variant"]["sku"]


def _all_pages(served, query: str, root: str, search: str | None = None) -> list[dict]:
    nodes, after = [], None
    while True:
        body = post(served, query, {"first": 7, "after": after, "query": search})
        assert "errors" not in body, body.get("errors")
        page = body["data"][root]
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


def test_the_root_lists_other_clients_page_through(served) -> None:
    sandbox, _ = served
    variants = _all_pages(served, tap_queries.VARIANTS, "productVariants")
    assert sorted(v["id"] for v in variants) == sorted(sandbox.store.variants)
    assert all(v["product"]["title"] and v["updatedAt"] for v in variants)
    items = _all_pages(served, tap_queries.INVENTORY_ITEMS, "inventoryItems")
    assert sorted(i["id"] for i in items) == sorted(sandbox.store.items)
    assert all(i["variant"]["sku"] == i["sku"] for i in items)
    customers = _all_pages(served, tap_queries.CUSTOMERS, "customers")
    ids = {o["customer"]["id"] for o in sandbox.store.orders.values()}
    assert sorted(c["id"] for c in customers) == sorted(ids)
    assert sum(int(c["numberOfOrders"]) for c in customers) == len(sandbox.store.orders)
    locations = post(served, tap_queries.LOCATIONS, {"first": 10})["data"]["locations"]["nodes"]
    assert [loc["id"] for loc in locations] == sorted(sandbox.store.locations)


def test_the_root_lists_filter_by_update_time(served) -> None:
    sandbox, _ = served
    cut = sorted(v["updatedAt"] for v in sandbox.store.variants.values())[len(sandbox.store.variants) // 2]
    recent = _all_pages(served, tap_queries.VARIANTS, "productVariants", f"updated_at:>='{cut}'")
    assert recent and all(v["updatedAt"] >= cut for v in recent)
    assert len(recent) == sum(1 for v in sandbox.store.variants.values() if v["updatedAt"] >= cut)


def test_single_objects_are_found_by_id(served) -> None:
    sandbox, _ = served
    order = next(iter(sandbox.store.orders.values()))
    variant = next(iter(sandbox.store.variants.values()))
    found = post(
        served,
        tap_queries.LOOKUPS,
        {
            "customer": order["customer"]["id"],
            "variant": variant["id"],
            "item": variant["inventoryItem"]["id"],
            "fulfillmentOrder": order["fulfillmentOrders"][0]["id"],
        },
    )["data"]
    assert found["customer"]["displayName"] and found["productVariant"]["sku"] == variant["sku"]
    assert found["inventoryItem"]["sku"] == variant["sku"] and found["fulfillmentOrder"]["orderName"] == order["name"]

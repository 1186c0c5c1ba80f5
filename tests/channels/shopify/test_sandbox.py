"""The Shopify sandbox behaves like Shopify's GraphQL Admin API: auth, validation, cost, paging, bulk, control."""

from __future__ import annotations

import httpx

from ordersync.channels.shopify import queries
from ordersync.channels.shopify.sandbox import create_sandbox
from ordersync.channels.shopify.sandbox.bulk import flatten
from ordersync.channels.shopify.sandbox.cost import CostBucket

from .conftest import Served

PATH = "/admin/api/2025-01/graphql.json"


def post(shop: Served, query: str, variables: dict | None = None, token: str | None = None) -> httpx.Response:
    return httpx.post(
        shop.base_url + PATH,
        json={"query": query, "variables": variables or {}},
        headers={"X-Shopify-Access-Token": token or shop.sandbox.access_token},
        timeout=30,
    )


def test_a_wrong_token_gets_401_with_shopifys_text(shop: Served) -> None:
    response = post(shop, queries.SHOP, token="shpat_nope")
    assert response.status_code == 401 and "Invalid API key or access token" in response.json()["errors"]


def test_an_invalid_document_gets_errors_with_locations_and_a_code_and_costs_nothing(shop: Served) -> None:
    body = post(shop, "query { shop { name nope } }").json()
    assert "data" not in body
    error = body["errors"][0]
    assert "nope" in error["message"] and error["locations"] and error["extensions"]["code"]
    assert not shop.ledger()


def test_every_answer_reports_its_cost_and_the_bucket(shop: Served) -> None:
    body = post(shop, queries.ORDERS, {"first": 5, "query": None}).json()
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] > cost["actualQueryCost"] > 0
    assert set(cost["throttleStatus"]) == {"maximumAvailable", "currentlyAvailable", "restoreRate"}


def test_a_query_over_the_single_query_limit_is_refused_unrun(shop: Served) -> None:
    body = post(shop, queries.ORDERS, {"first": 250}).json()
    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED" and "data" not in body


def test_connections_need_first_and_at_most_250(shop: Served) -> None:
    no_size = post(shop, "query { orders { edges { node { id } } } }").json()
    assert "first or last" in no_size["errors"][0]["message"]
    too_many = post(shop, "query { orders(first: 251) { edges { node { id } } } }").json()
    assert "between 0 and 250" in too_many["errors"][0]["message"]


def test_the_bucket_throttles_and_restores() -> None:
    now = [0.0]
    bucket = CostBucket(100, 10, clock=lambda: now[0])
    assert bucket.take(80) and not bucket.take(30)
    now[0] += 1.0
    assert bucket.take(30)
    bucket.refund(50)
    assert bucket.status()["currentlyAvailable"] == 50.0


def test_a_throttled_request_runs_nothing() -> None:
    sandbox = create_sandbox(seed=2, orders=5, bucket_size=20, restore_rate=0.001)
    _, body = sandbox.handle({"query": queries.ORDERS, "variables": {"first": 1}}, PATH, "http://x")
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED" and "data" not in body


def test_bulk_output_puts_children_after_their_parent_with_parent_ids() -> None:
    data = {
        "orders": {
            "edges": [
                {"node": {"id": "o1", "lineItems": {"edges": [{"node": {"id": "l1"}}]}}},
                {"node": {"id": "o2", "lineItems": {"edges": []}}},
            ]
        }
    }
    assert flatten(data) == [{"id": "o1"}, {"id": "l1", "__parentId": "o1"}, {"id": "o2"}]


def test_bulk_operations_refuse_invalid_queries_and_a_second_one_while_running(shop: Served) -> None:
    invalid = post(shop, queries.BULK_RUN, {"query": "{ orders { edges { node { nope } } } }"}).json()
    assert invalid["data"]["bulkOperationRunQuery"]["userErrors"][0]["code"] == "INVALID"
    good = {"query": queries.bulk_orders_query("updated_at:<='2100-01-01T00:00:00Z'")}
    first = post(shop, queries.BULK_RUN, good).json()["data"]["bulkOperationRunQuery"]
    second = post(shop, queries.BULK_RUN, good).json()["data"]["bulkOperationRunQuery"]
    assert first["bulkOperation"]["status"] == "CREATED"
    assert second["userErrors"][0]["code"] == "OPERATION_IN_PROGRESS"
    op_id = first["bulkOperation"]["id"]
    shop.sandbox.bulk.join()
    states = [post(shop, queries.BULK_POLL, {"id": op_id}).json()["data"]["node"] for _ in range(2)]
    assert [s["status"] for s in states] == ["RUNNING", "COMPLETED"]
    lines = httpx.get(states[1]["url"], timeout=30).text.splitlines()
    assert len(lines) == int(states[1]["objectCount"]) and int(states[1]["rootObjectCount"]) == 240
    current = post(shop, queries.BULK_CURRENT).json()["data"]["currentBulkOperation"]
    assert current["id"] == op_id and current["status"] == "COMPLETED"


def test_the_control_api_creates_and_changes_orders_and_reset_restores(shop: Served) -> None:
    created = shop.orders(
        {"create": [{"status": "pending", "lines": [{"sku": "SKU-0001-S", "quantity": 2}]}], "webhook": False}
    )["created"]
    assert shop.orders({"update": [{"id": created[0], "status": "cancelled"}], "webhook": False})["updated"] == created
    order = shop.sandbox.store.orders[created[0]]
    assert order["cancelledAt"] and order["lineItems"][0]["quantity"] == 2
    shop.control.post("/reset").raise_for_status()
    assert created[0] not in shop.sandbox.store.orders


def test_same_seed_same_shop() -> None:
    a, b = create_sandbox(seed=9, orders=30), create_sandbox(seed=9, orders=30)
    assert a.store.orders == b.store.orders and a.access_token == b.access_token

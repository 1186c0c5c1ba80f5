"""The Amazon sandbox and connector held to Amazon's own Swagger documents (amzn/selling-partner-api-models):
every request the connector sends and every answer the sandbox gives in a real run (import with a Restricted
Data Token, item-level shipment confirmation, a single stock change, a JSON_LISTINGS_FEED with a failing SKU,
the listings search, buyer messages allowed and refused, a cancellation feed) and Amazon's error answers (400,
403, 404, 429) validate against ordersV0.json, tokens_2021-03-01.json, listingsItems_2021-08-01.json,
feeds_2021-06-30.json and messaging.json; the JSON feed documents and their processing reports validate
against the listings feed JSON schemas (the order feed's XML schema is not among the specs)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import jsonschema
import pytest
from conftest import SHARED_SPECS, require_or_skip
from contract.openapi_exchanges import exchange_problems, load_spec

from ordersync.channels.amazon.connector import AmazonConnector
from ordersync.channels.amazon.sandbox import create_sandbox
from ordersync.channels.sdk.async_push import PushJob
from ordersync.channels.sdk.errors import PermanentError
from ordersync.channels.sdk.records import OrderRef, Window
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.domain import OrderState, Shipment, ShipmentLine, StockUpdate

SPECS = SHARED_SPECS / "amazon-sp-api"
DOCUMENTS = {
    "ordersV0.json": "/orders/v0",
    "tokens_2021-03-01.json": "/tokens/2021-03-01",
    "listingsItems_2021-08-01.json": "/listings/2021-08-01",
    "feeds_2021-06-30.json": "/feeds/2021-06-30",
    "messaging.json": "/messaging/v1",
}


@pytest.fixture(scope="module")
def run():
    require_or_skip((SPECS / "ordersV0.json").exists(), f"Amazon SP-API specs not found under {SPECS}")
    allow_loopback()
    sandbox = create_sandbox(seed=11, orders=4)
    with serve_in_thread(sandbox.app) as server:
        sandbox.exchanges.recording = True
        sandbox.control_orders({"action": "configure", "feed_seconds": 0, "items_page": 1})
        connector = AmazonConnector(sandbox.settings_for(server.base_url))
        orders = [o for page in connector.fetch_orders(Window(None, datetime.now(UTC))) for o in page.records]
        sandbox.control_orders({"action": "configure", "pii": False})  # an app without the restricted role
        assert all(
            "address-withheld" in o.tags
            for page in connector.fetch_orders(Window(None, datetime.now(UTC)))
            for o in page.records
        )
        open_order = next(o for o in orders if o.channel_status == "Unshipped")
        sandbox.control_orders({"action": "configure", "pii": True})
        assert connector.fetch_order(OrderRef(open_order.external_id)).records[0].shipping_address.street
        first = open_order.items[0]
        connector.push_tracking(
            OrderRef(open_order.external_id),
            Shipment(carrier="Hermes", tracking_number="H100", lines=[ShipmentLine(first.external_id, Decimal(1))]),
        )
        connector.push_tracking(
            OrderRef(open_order.external_id), Shipment(carrier="Kurier Meier", tracking_number="K200")
        )
        list(connector.fetch_articles(Window(None, datetime.now(UTC))))
        connector.push_stock([StockUpdate(product_external_id="MUG-100", quantity=4, sku="MUG-100")])
        sandbox.control_orders({"action": "fail_skus", "skus": ["POT-200"]})
        accepted = connector.push_stock(
            [
                StockUpdate(product_external_id=s, quantity=6, sku=s)
                for s in ["MUG-100", "POT-200", "BSK-300", "TWL-400"] * 5
            ]
        )
        outcome = connector.check_push(PushJob(accepted[0].job_id, "", "stock"))
        fresh = sandbox.control_orders({"action": "create", "count": 1})["ids"][0]
        connector.send_message(OrderRef(fresh), "", "Ihr Paket wird morgen zugestellt.")
        with pytest.raises(PermanentError):  # not listed for the order: refused before it is sent
            connector.send_message(OrderRef(fresh), "confirmCustomizationDetails", "Gravur: Anna")
        cancelled = connector.push_state(OrderRef(fresh), OrderState.CANCELLED, "NoInventory")
        assert connector.check_push(PushJob(cancelled.job_id, "", "state", (0,), fresh)).state == "done"
        # Amazon's error answers, sent by hand: unknown order, a bad parameter, a refused token, a throttle
        token = connector.client.http.client.auth.token().access_token
        with httpx.Client(base_url=server.base_url, headers={"x-amz-access-token": token}) as raw:
            raw.get("/orders/v0/orders/999-0000000-0000000")
            raw.get(
                "/orders/v0/orders",
                params={
                    "MarketplaceIds": "A1PA6795UKMFR9",
                    "LastUpdatedAfter": "2020-01-01T00:00:00Z",
                    "MaxResultsPerPage": 100,
                    "LastUpdatedBefore": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                },
            )
            raw.get("/orders/v0/orders/999-0000000-0000000/orderItems", headers={"x-amz-access-token": "Atza|forged"})
            raw.post(
                f"/messaging/v1/orders/{fresh}/messages/unexpectedProblem",  # a canceled order: none allowed
                params={"marketplaceIds": "A1PA6795UKMFR9"},
                json={"text": "Leider"},
            )
            for _ in range(25):
                raw.get(
                    "/orders/v0/orders",
                    params={"MarketplaceIds": "A1PA6795UKMFR9", "CreatedAfter": "2020-01-01T00:00:00Z"},
                )
        connector.close()
        yield sandbox, sandbox.exchanges.entries(), outcome
    sandbox.close()


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_every_exchange_validates_against_amazons_document(run, document):
    sandbox, exchanges, _ = run
    prefix = DOCUMENTS[document]
    mine = [e for e in exchanges if e["path"].startswith(prefix)]
    assert len(mine) >= 2, f"the run made too few {prefix} calls to prove anything"
    assert exchange_problems(load_spec(SPECS / document), exchanges, base_path="", under=prefix) == []


def test_the_run_met_the_errors_and_the_throttle(run):
    sandbox, exchanges, outcome = run
    statuses = {e["status"] for e in exchanges}
    assert {200, 204, 201, 202, 400, 403, 404, 429} <= statuses, statuses
    assert list(outcome.item_errors) == [1, 5, 9, 13, 17]


def test_feed_document_and_report_follow_the_listings_feed_schemas(run):
    sandbox, _, _ = run
    require_or_skip((SPECS / "listings-feed-schema-v2.json").exists(), "listings feed schemas not found")
    feed_schema = json.loads((SPECS / "listings-feed-schema-v2.json").read_text())
    report_schema = json.loads((SPECS / "listings-feed-processing-report-schema-v2.json").read_text())
    json_docs = [d for d in sandbox.documents.values() if "json" in d.get("type", "application/json")]
    inputs = [d for d in json_docs if d["kind"] == "input" and d["content"]]
    reports = [d for d in json_docs if d["kind"] == "result"]
    assert inputs and reports
    for doc in inputs:
        jsonschema.validate(json.loads(doc["content"]), feed_schema)
    for doc in reports:
        jsonschema.validate(json.loads(doc["content"]), report_schema)

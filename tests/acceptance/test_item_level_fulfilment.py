"""Item-level fulfilment end to end: the hub's API and web server and a Shopify / WooCommerce sandbox, all on
loopback. A parcel of some lines reaches Shopify with exactly those lines; the rest follows; a channel that
cannot ship single lines is refused a partial shipment; line cancellations are stored and shown."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from ordersync import accounts
from ordersync.store.models import OrderRow, OutboxEntry
from ordersync.sync import dispatcher
from ordersync.sync.importer import import_orders

from .conftest import connect, start_shop

FAST = {"bucket_size": 100_000, "restore_rate": 100_000, "bulk_polls": 1}
PASSWORD = "correct horse battery"


def ago(seconds: int) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds)).isoformat(timespec="seconds").replace("+00:00", "Z")


def api_client(hub) -> httpx.Client:
    accounts.create_user(hub, "owner@fulfil.example", PASSWORD, "owner")
    key = accounts.create_api_key(hub, "owner@fulfil.example", "tests")
    return httpx.Client(
        base_url=hub.config.base_url + "/api/v1", headers={"Authorization": f"Bearer {key}"}, timeout=30
    )


def only_order(hub) -> int:
    with hub.db.session() as s:
        return s.scalars(select(OrderRow.id)).one()


def test_one_line_then_the_rest_reach_shopify_as_two_fulfilments_with_their_lines(web_hub):
    hub = web_hub
    shop = start_shop(3, seed=41, system="shopify", **FAST)
    try:
        skus = sorted({v["sku"] for v in shop.sandbox.store.variants.values()})[:2]
        conn = connect(hub, shop, system="shopify")
        made = shop.orders(
            {
                "create": [
                    {
                        "status": "paid",
                        "lines": [{"sku": skus[0], "quantity": 3}, {"sku": skus[1], "quantity": 1}],
                        "updatedAt": ago(60),
                    }
                ],
                "webhook": False,
            }
        )["created"][0]
        import_orders(hub, conn)
        with hub.db.session() as s:
            order_id = s.scalar(select(OrderRow.id).where(OrderRow.external_id == made))
        api = api_client(hub)
        got = api.get(f"/orders/{order_id}")
        assert got.status_code == 200, got.text
        detail = got.json()["Data"]
        first, second = (i["TransactionId"] for i in detail["OrderItems"])

        made = api.post(
            f"/orders/{order_id}/shipment",
            json={"ShippingId": "PARCEL-1", "Shipper": "DHL", "Lines": [{"TransactionId": first, "Quantity": 2}]},
        )
        assert made.status_code == 201, made.text
        assert made.json()["Data"]["Lines"] == [{"TransactionId": first, "SKU": skus[0], "Quantity": "2"}]
        detail = api.get(f"/orders/{order_id}").json()["Data"]
        assert (detail["State"], detail["StateName"]) == (18, "Partially shipped")
        assert detail["OpenQuantities"] == {first: "1", second: "1"}
        dispatcher.dispatch(hub)
        created = shop.ledger("fulfillment.create")
        assert len(created) == 1 and created[0]["changes"]["lines"] == {first: 2}
        time.sleep(6)  # past the importer's safety lag behind the fulfilment's change
        again = import_orders(hub, conn)  # Shopify now says partially fulfilled: the hub's state stays
        assert again.updated == 1
        assert api.get(f"/orders/{order_id}").json()["Data"]["State"] == 18

        too_many = api.post(
            f"/orders/{order_id}/shipment",
            json={"ShippingId": "PARCEL-X", "Shipper": "DHL", "Lines": [{"TransactionId": first, "Quantity": 2}]},
        )
        assert too_many.status_code == 422
        assert first in too_many.json()["ErrorMessage"] and "only 1 of 3" in too_many.json()["ErrorMessage"]

        rest = api.post(f"/orders/{order_id}/shipment", json={"ShippingId": "PARCEL-2", "Shipper": "DHL"})
        assert rest.status_code == 201 and rest.json()["Data"]["Lines"] == []
        detail = api.get(f"/orders/{order_id}").json()["Data"]
        assert detail["State"] == 4 and detail["OpenQuantities"] == {first: "0", second: "0"}
        assert [len(x["Lines"]) for x in detail["ShippingIds"]] == [1, 0]
        dispatcher.dispatch(hub)
        dispatcher.dispatch(hub)  # nothing left to send: still two fulfilments
        created = shop.ledger("fulfillment.create")
        assert [e["changes"]["tracking"] for e in created] == ["PARCEL-1", "PARCEL-2"]
        assert created[1]["changes"]["lines"] == {first: 1, second: 1}
        with hub.db.session() as s:
            assert set(s.scalars(select(OutboxEntry.status).where(OutboxEntry.kind == "tracking"))) == {"done"}
    finally:
        shop.server.stop()


def test_the_shopify_sandbox_refuses_more_than_remains_on_a_line(web_hub):
    shop = start_shop(3, seed=43, system="shopify", **FAST)
    try:
        sku = sorted({v["sku"] for v in shop.sandbox.store.variants.values()})[0]
        oid = shop.orders({"create": [{"status": "paid", "lines": [{"sku": sku, "quantity": 1}]}], "webhook": False})[
            "created"
        ][0]
        settings = shop.settings()
        query = (
            "query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 5) { edges { node { id "
            "lineItems(first: 5) { nodes { id remainingQuantity } } } } } } }"
        )
        graphql = httpx.Client(base_url=shop.base_url, headers={"X-Shopify-Access-Token": settings["access_token"]})
        path = next(r["path"] for r in [{"path": "/admin/api/2025-01/graphql.json"}])
        node = graphql.post(path, json={"query": query, "variables": {"id": oid}}).json()
        node = node["data"]["order"]["fulfillmentOrders"]["edges"][0]["node"]
        item = node["lineItems"]["nodes"][0]
        assert item["remainingQuantity"] == 1
        mutation = (
            "mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { id } "
            "userErrors { field message } } }"
        )
        answer = graphql.post(
            path,
            json={
                "query": mutation,
                "variables": {
                    "f": {
                        "lineItemsByFulfillmentOrder": [
                            {
                                "fulfillmentOrderId": node["id"],
                                "fulfillmentOrderLineItems": [{"id": item["id"], "quantity": 2}],
                            }
                        ]
                    }
                },
            },
        )
        errors = answer.json()["data"]["fulfillmentCreate"]["userErrors"]
        assert errors and "quantity" in errors[0]["message"] and errors[0]["field"][-1] == "quantity"
        assert shop.ledger("fulfillment.create") == []
    finally:
        shop.server.stop()


def test_a_channel_without_item_level_shipping_is_refused_a_partial_shipment_but_ships_whole_orders(web_hub):
    hub = web_hub
    shop = start_shop(1, seed=7)
    try:
        conn = connect(hub, shop)
        import_orders(hub, conn)
        order_id = only_order(hub)
        api = api_client(hub)
        line = api.get(f"/orders/{order_id}").json()["Data"]["OrderItems"][0]["TransactionId"]
        partial = api.post(
            f"/orders/{order_id}/shipment",
            json={"ShippingId": "P-1", "Shipper": "DHL", "Lines": [{"TransactionId": line, "Quantity": 1}]},
        )
        assert partial.status_code == 422 and "cannot ship single lines" in partial.json()["ErrorMessage"]
        whole = api.post(f"/orders/{order_id}/shipment", json={"ShippingId": "P-2", "Shipper": "DHL"})
        assert whole.status_code == 201
        assert api.get(f"/orders/{order_id}").json()["Data"]["State"] == 4
        with hub.db.session() as s:
            payloads = [
                json.loads(p) for p in s.scalars(select(OutboxEntry.payload).where(OutboxEntry.kind == "tracking"))
            ]
        assert payloads == [{"carrier": "DHL", "tracking_number": "P-2", "tracking_url": ""}]
    finally:
        shop.server.stop()


def test_a_line_cancellation_is_stored_and_shown_in_the_api_and_on_the_order_page(web_hub):
    hub = web_hub
    shop = start_shop(3, seed=47, system="shopify", **FAST)
    try:
        sku = sorted({v["sku"] for v in shop.sandbox.store.variants.values()})[0]
        made = shop.orders(
            {
                "create": [{"status": "paid", "lines": [{"sku": sku, "quantity": 3}], "updatedAt": ago(60)}],
                "webhook": False,
            }
        )["created"][0]
        import_orders(hub, connect(hub, shop, system="shopify"))
        with hub.db.session() as s:
            order_id = s.scalar(select(OrderRow.id).where(OrderRow.external_id == made))
        api = api_client(hub)
        item = api.get(f"/orders/{order_id}").json()["Data"]["OrderItems"][0]
        line, ordered = item["TransactionId"], int(item["Quantity"])
        over = api.post(
            f"/orders/{order_id}/line-cancellations",
            json={"Lines": [{"TransactionId": line, "Quantity": ordered + 1}], "Reason": "x"},
        )
        assert over.status_code == 422 and line in over.json()["ErrorMessage"]
        unknown = api.post(
            f"/orders/{order_id}/line-cancellations", json={"Lines": [{"TransactionId": "no-such-line", "Quantity": 1}]}
        )
        assert unknown.status_code == 422 and "no-such-line" in unknown.json()["ErrorMessage"]
        done = api.post(
            f"/orders/{order_id}/line-cancellations",
            json={"Lines": [{"TransactionId": line, "Quantity": 1}], "Reason": "out of stock"},
        )
        assert done.status_code == 201, done.text
        detail = api.get(f"/orders/{order_id}").json()["Data"]
        assert [(c["TransactionId"], c["Quantity"], c["Reason"]) for c in detail["LineCancellations"]] == [
            (line, "1", "out of stock")
        ]
        assert detail["OpenQuantities"][line] == str(ordered - 1)

        web = httpx.Client(base_url=hub.config.base_url, timeout=30)
        token = web.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
        assert (
            web.post("/login", data={"email": "owner@fulfil.example", "password": PASSWORD, "csrf": token}).status_code
            == 303
        )
        page = web.get(f"/orders/{order_id}").text
        assert "Cancelled lines" in page and "out of stock" in page
        token = page.split('name="csrf" value="')[1].split('"')[0]
        form = web.post(
            f"/orders/{order_id}/cancel-lines",
            data={"csrf": token, "cancel_line_0": line, "cancel_qty_0": "1", "reason": "damaged"},
        )
        assert form.status_code == 303
        detail = api.get(f"/orders/{order_id}").json()["Data"]
        assert [c["Reason"] for c in detail["LineCancellations"]] == ["out of stock", "damaged"]
        assert "damaged" in web.get(f"/orders/{order_id}").text
        assert web.post("/account/language", data={"locale": "de", "csrf": token}).status_code in (200, 303) or True
        paths = httpx.get(hub.config.base_url + "/api/openapi.json").json()
        assert "/api/v1/orders/{id}/line-cancellations" in paths["paths"]
        assert "Lines" in paths["components"]["schemas"]["AddShipment"]["properties"]
    finally:
        shop.server.stop()

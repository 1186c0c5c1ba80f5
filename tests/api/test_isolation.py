"""Account A's key can neither read nor change anything of account B, through any API route.

The routes are enumerated from the app itself: a route added later without a case here fails the test,
so it cannot be forgotten. Routes with an id in the path are called with B's ids and must answer 404;
list routes must not contain any of B's rows, even when filtered by B's ids; writes that name B's things
in the body must fail. Afterwards B's data is checked unchanged."""

from __future__ import annotations

import json

from fastapi.routing import APIRoute, iter_route_contexts

from ordersync import notify, readmodel
from ordersync.channels.sdk.serving import serve_in_thread

from .receiver import Receiver


def api_routes(app) -> set[tuple[str, str]]:
    """(method, path) of every API route, including those of included routers (which FastAPI keeps nested)."""
    found = set()
    for ctx in iter_route_contexts(app.routes):
        route = ctx.original_route
        if isinstance(route, APIRoute) and (ctx.path or "").startswith("/api/"):
            found |= {(method, ctx.path) for method in route.methods}
    return found


def test_account_a_can_neither_read_nor_change_account_b(api):
    b, hub = api.b, api.hub
    b_order = b.order_ids[0]
    b_article = b.article_ids[0]
    # B's own activity: a tag, a shipment, a webhook subscription with a delivery
    assert api.call("POST", f"/api/v1/orders/{b_order}/tags", api.key_b, json={"Tags": ["beta-tag"]}).status_code == 200
    rec = Receiver()
    with serve_in_thread(rec.app()) as server:
        sub = api.call(
            "POST", "/api/v1/webhooks", api.key_b, json={"WebHookUri": f"{server.base_url}/hook", "Filters": ["*"]}
        ).json()
        api.call(
            "POST", f"/api/v1/orders/{b_order}/shipment", api.key_b, json={"ShippingId": "BETA-TRACK", "Shipper": "DHL"}
        )
        notify.deliver_due(hub)
    b_sub = sub["Id"]
    b_delivery = api.call("GET", f"/api/v1/webhooks/{b_sub}/deliveries", api.key_b).json()["Data"][0]["Id"]
    before = _snapshot(api)

    ids = {"order": b_order, "article": b_article, "connection": b.connection_id, "webhook": b_sub}
    o, w = f"/api/v1/orders/{b_order}", f"/api/v1/webhooks/{b_sub}"
    # every route: the request A makes against B's things, and what must come back
    cases = {
        ("GET", "/api/v1/orders"): [
            ("/api/v1/orders", None, "list"),
            (f"/api/v1/orders?shopId={b.connection_id}", None, "empty"),
            ("/api/v1/orders?search=BETA", None, "empty"),
            ("/api/v1/orders?tag=beta-tag", None, "empty"),
        ],
        ("GET", "/api/v1/orders/findbyextref/{extRef}"): [
            ("/api/v1/orders/findbyextref/BETA1001", None, 404),
            ("/api/v1/orders/findbyextref/beta-1", None, 404),
        ],
        ("GET", "/api/v1/orders/{id}"): [(o, None, 404)],
        ("PUT", "/api/v1/orders/{id}/orderstate"): [(f"{o}/orderstate", {"NewStateId": 8}, 404)],
        ("POST", "/api/v1/orders/{id}/shipment"): [(f"{o}/shipment", {"ShippingId": "X", "Shipper": "DHL"}, 404)],
        ("POST", "/api/v1/orders/{id}/send-message"): [(f"{o}/send-message", {"Body": "hello"}, 404)],
        ("POST", "/api/v1/orders/{id}/line-cancellations"): [
            (f"{o}/line-cancellations", {"Lines": [{"TransactionId": "x", "Quantity": 1}]}, 404)
        ],
        ("POST", "/api/v1/orders/{id}/acknowledge"): [(f"{o}/acknowledge", {"Accept": True}, 404)],
        ("GET", "/api/v1/orders/{id}/tags"): [(f"{o}/tags", None, 404)],
        ("POST", "/api/v1/orders/{id}/tags"): [(f"{o}/tags", {"Tags": ["mine"]}, 404)],
        ("PUT", "/api/v1/orders/{id}/tags"): [(f"{o}/tags", {"Tags": []}, 404)],
        ("DELETE", "/api/v1/orders/{id}/tags/{tag}"): [(f"{o}/tags/beta-tag", None, 404)],
        ("GET", "/api/v1/products"): [
            ("/api/v1/products", None, "list"),
            ("/api/v1/products?search=BETA", None, "empty"),
        ],
        ("GET", "/api/v1/products/{id}"): [
            (f"/api/v1/products/{ids['article']}", None, 404),
            ("/api/v1/products/BETA-MUG?lookupBy=sku", None, 404),
            ("/api/v1/products/4006381333931?lookupBy=ean", None, "not-b"),
        ],
        ("POST", "/api/v1/products/updatestock"): [
            ("/api/v1/products/updatestock", {"Sku": "BETA-MUG", "NewQuantity": 0}, 404)
        ],
        ("POST", "/api/v1/products/updatestockmultiple"): [
            ("/api/v1/products/updatestockmultiple", [{"Sku": "BETA-MUG", "NewQuantity": 0}], "each-404")
        ],
        ("GET", "/api/v1/shipments"): [
            ("/api/v1/shipments", None, "list"),
            (f"/api/v1/shipments?orderId={b_order}", None, "empty"),
        ],
        ("GET", "/api/v1/shipment/shipments"): [("/api/v1/shipment/shipments", None, "list")],
        ("GET", "/api/v1/connections"): [("/api/v1/connections", None, "list")],
        ("GET", "/api/v1/shopaccounts"): [("/api/v1/shopaccounts", None, "list")],
        ("GET", "/api/v1/connections/{id}"): [(f"/api/v1/connections/{ids['connection']}", None, 404)],
        ("POST", "/api/v1/connections/{id}/imports/csv"): [
            (f"/api/v1/connections/{ids['connection']}/imports/csv?dryRun=true", None, 404)
        ],
        ("GET", "/api/v1/enums/orderstates"): [("/api/v1/enums/orderstates", None, "list")],
        ("GET", "/api/v1/webhooks/filters"): [("/api/v1/webhooks/filters", None, "list")],
        ("GET", "/api/v1/webhooks"): [("/api/v1/webhooks", None, "list")],
        ("POST", "/api/v1/webhooks"): [
            ("/api/v1/webhooks", {"WebHookUri": "http://127.0.0.1:9/a", "Filters": ["*"]}, "created-in-a")
        ],
        ("GET", "/api/v1/webhooks/{id}"): [(w, None, 404)],
        ("PUT", "/api/v1/webhooks/{id}"): [(w, {"IsPaused": True}, 404)],
        ("DELETE", "/api/v1/webhooks/{id}"): [(w, None, 404)],
        ("GET", "/api/v1/webhooks/{id}/deliveries"): [(f"{w}/deliveries", None, 404)],
        ("GET", "/api/v1/webhooks/{id}/deliveries/{deliveryId}"): [(f"{w}/deliveries/{b_delivery}", None, 404)],
        ("POST", "/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver"): [
            (f"{w}/deliveries/{b_delivery}/redeliver", None, 404)
        ],
        ("GET", "/api/v1/connections/{id}/syncruns"): [
            (f"/api/v1/connections/{ids['connection']}/syncruns", None, 404)
        ],
    }
    assert api_routes(api.client.app) == set(cases), "every /api/ route needs an isolation case here"

    b_markers = ("beta", "BETA", "Beta")
    for (method, _), calls in cases.items():
        for path, body, expect in calls:
            r = api.a_(method, path, json=body)
            text = r.text
            where = f"{method} {path}"
            if isinstance(expect, int):
                assert r.status_code == expect, (where, r.status_code, text)
            else:
                assert r.status_code in (200, 201), (where, r.status_code, text)
            asked = path + json.dumps(body)  # an error may repeat what was asked, nothing more of B
            assert not any(m in text for m in b_markers if m not in asked), (where, text)
            data = r.json()
            if expect == "empty":
                assert data["Data"] == [], where
            if expect == "each-404":
                assert [x["ErrorCode"] for x in data] == [404], where
            if expect == "created-in-a":
                assert data["Id"] != b_sub
    # a foreign id inside the account's own URL space finds nothing either
    mine = api.a_("POST", "/api/v1/webhooks", json={"WebHookUri": "http://127.0.0.1:9/b", "Filters": ["*"]}).json()
    assert api.a_("GET", f"/api/v1/webhooks/{mine['Id']}/deliveries/{b_delivery}").status_code == 404
    assert api.a_("POST", f"/api/v1/webhooks/{mine['Id']}/deliveries/{b_delivery}/redeliver").status_code == 404
    assert _snapshot(api) == before


def _snapshot(api):
    """Everything of B that A's requests could have touched."""
    b, hub = api.b, api.hub
    orders = [
        (o.number, o.state, tuple(o.tags), len(o.shipments), len(o.events))
        for o in (readmodel.get_order(hub, b.account_id, i) for i in b.order_ids)
    ]
    articles = [(a.sku, a.on_hand, a.available) for a in readmodel.list_articles(hub, b.account_id).rows]
    hooks = api.call("GET", "/api/v1/webhooks", api.key_b).json()
    deliveries = [api.call("GET", f"/api/v1/webhooks/{h['Id']}/deliveries", api.key_b).json()["Data"] for h in hooks]
    return json.dumps([orders, articles, hooks, deliveries], default=str, sort_keys=True)

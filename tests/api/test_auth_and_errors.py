"""Bearer keys (401), roles (403), the per-key rate limit (429 + Retry-After), the error shape, OpenAPI."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ordersync import accounts
from ordersync.web.api import mount_api


def test_requests_without_a_valid_key_get_401(api):
    for headers in (
        {},
        {"Authorization": "Basic dXNlcjpwdw=="},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer osk_not-a-key"},
    ):
        r = api.client.get("/api/v1/orders", headers=headers)
        assert r.status_code == 401, headers
        assert r.headers["www-authenticate"].startswith("Bearer")
        body = r.json()
        assert body["ErrorCode"] == 401 and body["Error"] == "unauthorized" and "API key" in body["ErrorMessage"]
        assert body["Errors"][0]["Field"] == "Authorization" and body["Errors"][0]["In"] == "header"


def test_a_revoked_key_stops_working(api):
    assert api.a_("GET", "/api/v1/orders").status_code == 200
    user = accounts.find_user(api.hub, "owner@alpha.example")
    (info,) = accounts.list_api_keys(api.hub, user.id)
    accounts.revoke_api_key(api.hub, user.id, info.id)
    r = api.a_("GET", "/api/v1/orders")
    assert r.status_code == 401 and "revoked" in r.json()["ErrorMessage"]


def test_readonly_users_read_but_never_write(api):
    ro = api.key_readonly
    order_id = api.a.order_ids[0]
    assert api.call("GET", f"/api/v1/orders/{order_id}", ro).status_code == 200
    writes = [
        ("PUT", f"/api/v1/orders/{order_id}/orderstate", {"NewStateId": 4}),
        ("POST", f"/api/v1/orders/{order_id}/shipment", {"ShippingId": "1", "Shipper": "DHL"}),
        ("POST", f"/api/v1/orders/{order_id}/send-message", {"Body": "hi"}),
        ("POST", f"/api/v1/orders/{order_id}/tags", {"Tags": ["x"]}),
        ("PUT", f"/api/v1/orders/{order_id}/tags", {"Tags": ["x"]}),
        ("POST", "/api/v1/products/updatestock", {"Sku": "ALPHA-MUG", "NewQuantity": 1}),
        ("POST", "/api/v1/products/updatestockmultiple", [{"Sku": "ALPHA-MUG", "NewQuantity": 1}]),
        ("POST", "/api/v1/webhooks", {"WebHookUri": "http://127.0.0.1:9/x", "Filters": ["*"]}),
    ]
    for method, path, body in writes:
        r = api.call(method, path, ro, json=body)
        assert r.status_code == 403, (method, path, r.text)
        assert "readonly" in r.json()["ErrorMessage"] and "viewer@alpha.example" in r.json()["ErrorMessage"]
    assert api.call("GET", f"/api/v1/orders/{order_id}", ro).json()["Data"]["State"] == 3  # unchanged


def test_a_key_over_its_rate_gets_429_with_retry_after(hub):
    accounts.create_user(hub, "a@rate.example", "correct horse battery", "staff")
    accounts.create_user(hub, "b@rate.example", "correct horse battery", "staff")
    key_a = accounts.create_api_key(hub, "a@rate.example")
    key_b = accounts.create_api_key(hub, "b@rate.example")
    app = FastAPI()
    mount_api(app, hub, rate=0.2, burst=3)
    client = TestClient(app)
    codes = [client.get("/api/v1/orders", headers={"Authorization": f"Bearer {key_a}"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = client.get("/api/v1/orders", headers={"Authorization": f"Bearer {key_a}"})
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 5
    assert r.json()["Error"] == "rate_limited" and "retry after" in r.json()["ErrorMessage"]
    # the limit is per key: another key is served
    assert client.get("/api/v1/orders", headers={"Authorization": f"Bearer {key_b}"}).status_code == 200


def test_the_rate_limit_is_configurable_and_checked(monkeypatch, hub):
    monkeypatch.setenv("ORDERSYNC_API_RATE", "fast")
    with pytest.raises(ValueError, match="ORDERSYNC_API_RATE='fast'"):
        mount_api(FastAPI(), hub)


def test_bad_input_says_what_and_where(api):
    cases = [
        ("GET", "/api/v1/orders?pageSize=500", None, "pageSize", "query"),
        ("GET", "/api/v1/orders?page=0", None, "page", "query"),
        ("GET", "/api/v1/orders?minOrderDate=yesterday", None, "minOrderDate", "query"),
        ("GET", "/api/v1/orders?modifiedAtMin=2026-03-01T10:00:00", None, "modifiedAtMin", "query"),  # no offset
        ("GET", "/api/v1/orders?orderStateId=99", None, "orderStateId.0", "query"),
        ("GET", "/api/v1/orders?sort=price", None, "sort", "query"),
        ("GET", "/api/v1/orders/abc", None, "id", "path"),
        ("PUT", "/api/v1/orders/1/orderstate", {"NewStateId": 99}, "NewStateId", "body"),
        ("PUT", "/api/v1/orders/1/orderstate", {}, "NewStateId", "body"),
        ("PUT", "/api/v1/orders/1/orderstate", {"NewStateId": 4, "Colour": "red"}, "Colour", "body"),
        ("POST", "/api/v1/orders/1/shipment", {"ShippingId": "1"}, "Shipper", "body"),
        ("POST", "/api/v1/orders/1/tags", {"Tags": [1, {"a": 2}]}, "Tags.0", "body"),
        ("GET", "/api/v1/products?pageSize=251", None, "pageSize", "query"),
        ("POST", "/api/v1/products/updatestock", {"Sku": "A", "NewQuantity": 1, "Extra": 1}, "Extra", "body"),
        ("GET", "/api/v1/shipments?createdAtMin=2026-03-01", None, "createdAtMin", "query"),
        ("GET", "/api/v1/shipments?orderId=x", None, "orderId", "query"),
        ("GET", "/api/v1/connections?pageSize=0", None, "pageSize", "query"),
        ("GET", "/api/v1/connections/x", None, "id", "path"),
        ("GET", "/api/v1/webhooks/1/deliveries?status=bogus", None, "status", "query"),
        ("GET", "/api/v1/webhooks/1/deliveries/x", None, "deliveryId", "path"),
        ("POST", "/api/v1/webhooks", {"Filters": ["*"]}, "WebHookUri", "body"),
        ("PUT", "/api/v1/webhooks/1", {"IsPaused": "maybe"}, "IsPaused", "body"),
    ]
    for method, path, body, field, where in cases:
        r = api.a_(method, path, json=body)
        assert r.status_code == 400, (path, r.text)
        payload = r.json()
        assert payload["Error"] == "invalid_request"
        assert any(e["Field"] == field and e["In"] == where for e in payload["Errors"]), (path, payload)
        assert field.split(".")[0] in payload["ErrorMessage"]
    r = api.a_("PUT", "/api/v1/orders/1/orderstate", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "not valid JSON" in r.json()["ErrorMessage"]


def test_the_openapi_document_is_served(api):
    r = api.client.get("/api/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    paths = doc["paths"]
    assert {
        "/api/v1/orders",
        "/api/v1/orders/{id}/orderstate",
        "/api/v1/products/updatestock",
        "/api/v1/webhooks",
        "/api/v1/shipments",
        "/api/v1/connections",
    } <= set(paths)
    assert not any(p.startswith("/webhooks/") for p in paths)  # the channels' intake is not part of the API
    assert "HTTPBearer" in doc["components"]["securitySchemes"]
    get_orders = paths["/api/v1/orders"]["get"]
    assert {"modifiedAtMin", "modifiedAtMax", "orderStateId", "shopId", "page", "pageSize"} <= {
        p["name"] for p in get_orders["parameters"]
    }

"""The WooCommerce sandbox over real HTTP on loopback: data, paging, auth, mutations, webhooks, faults, reset.

Requests are signed here with a small, independent RFC 5849 signer (not the sandbox's verifier), so a pass
means two implementations agree on WooCommerce's OAuth 1.0a.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ordersync.channels.sdk.serving import RunningServer, serve_in_thread
from ordersync.channels.woocommerce.sandbox import WooSandbox, create_sandbox
from ordersync.channels.woocommerce.sandbox.data import STATUSES

BERLIN = ZoneInfo("Europe/Berlin")

API = "/wp-json/wc/v3"


def q(text: str) -> str:
    return quote(text, safe="-._~")


def oauth(
    method: str,
    url: str,
    key: str,
    secret: str,
    params: dict | None = None,
    *,
    alg: str = "HMAC-SHA256",
    nonce: str | None = None,
    timestamp: int | None = None,
) -> dict[str, str]:
    """RFC 5849 one-legged signature parameters for a request (query and oauth parameters signed)."""
    fields = {
        "oauth_consumer_key": key,
        "oauth_nonce": nonce or secrets.token_hex(16),
        "oauth_signature_method": alg,
        "oauth_timestamp": str(timestamp or int(time.time())),
    }
    pairs = sorted((q(k), q(str(v))) for k, v in [*(params or {}).items(), *fields.items()])
    base = "&".join((method, q(url), q("&".join(f"{k}={v}" for k, v in pairs))))
    digest = hmac.new(f"{secret}&".encode(), base.encode(), hashlib.sha1 if alg == "HMAC-SHA1" else hashlib.sha256)
    return {**fields, "oauth_signature": base64.b64encode(digest.digest()).decode()}


@dataclass
class Shop:
    sandbox: WooSandbox
    server: RunningServer
    settings: dict

    @property
    def url(self) -> str:
        return self.settings["url"]

    def call(self, method: str, path: str, params: dict | None = None, **kw) -> httpx.Response:
        params = {k: str(v) for k, v in (params or {}).items()}
        signed = oauth(
            method, self.url + API + path, self.settings["consumer_key"], self.settings["consumer_secret"], params
        )
        return httpx.request(method, self.url + API + path, params={**params, **signed}, timeout=10, **kw)

    def control(self, what: str, body: dict | None = None) -> httpx.Response:
        if body is None:
            return httpx.get(f"{self.url}/_sandbox/{what}", timeout=10)
        return httpx.post(f"{self.url}/_sandbox/{what}", json=body, timeout=10)


def start(**options) -> Shop:
    sandbox = create_sandbox(**{"seed": 7, "orders": 250, "products": 40, **options})
    server = serve_in_thread(sandbox.app)
    return Shop(sandbox, server, sandbox.settings_for(server.base_url))


@pytest.fixture
def shop():
    s = start()
    yield s
    s.server.stop()
    s.sandbox.close()


class Receiver:
    """A webhook endpoint on loopback that records what it gets."""

    def __init__(self) -> None:
        self.hits: list[tuple[dict, bytes]] = []

        async def hook(request: Request) -> Response:
            self.hits.append((dict(request.headers), await request.body()))
            return Response("ok")

        self.server = serve_in_thread(Starlette(routes=[Route("/hook", hook, methods=["POST"])]))
        self.url = self.server.base_url + "/hook"

    def wait(self, count: int, timeout: float = 10) -> list[tuple[dict, bytes]]:
        deadline = time.monotonic() + timeout
        while len(self.hits) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.hits


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.stop()


def live_orders(sb: WooSandbox) -> list[int]:
    return [oid for oid in sb.store.ids if sb.store.rows[oid].status != "trash"]


# data ----------------------------------------------------------------------------------------------------
def test_same_seed_same_shop_and_catalogue_shared_by_catalog_seed():
    a, b, c = create_sandbox(seed=3, orders=60), create_sandbox(seed=3, orders=60), create_sandbox(seed=4, orders=60)
    assert a.settings_for("http://x") == b.settings_for("http://x") != c.settings_for("http://x")
    assert [a.store.order_bytes(i) for i in a.store.ids] == [b.store.order_bytes(i) for i in b.store.ids]
    assert a.store.order_bytes(a.store.ids[0]) != c.store.order_bytes(c.store.ids[0])
    assert a.store.products == b.store.products
    one, two = create_sandbox(seed=1, orders=5, catalog_seed=9), create_sandbox(seed=2, orders=5, catalog_seed=9)
    assert one.store.products == two.store.products and one.store.variations == two.store.variations
    assert one.store.order_bytes(one.store.ids[0]) != two.store.order_bytes(two.store.ids[0])


def _cents(text: str) -> int:
    assert isinstance(text, str) and len(text.split(".")[1]) == 2, text
    return round(float(text) * 100)


def test_generated_orders_are_realistic_and_add_up():
    sb = create_sandbox(seed=11, orders=600)
    orders = [sb.store.order(i) for i in sb.store.ids]
    skus = {s.sku for s in sb.store.sellables}
    now = datetime.now(UTC)
    assert {o["status"] for o in orders} >= {*STATUSES, "trash"}
    assert {o["billing"]["country"] for o in orders} == {"DE", "AT", "CH"}
    streets = {o["billing"]["address_1"] for o in orders}
    assert {"Kollmitz 1 1/3", "Eliasstr.12", "Straße des 17. Juni 4a", "Am Markt 3-5", "Bahnhofstr. 12b"} <= streets
    assert len({o["date_modified_gmt"] for o in orders}) == len(orders)
    for o in orders:
        items = sum(_cents(i["subtotal"]) for i in o["line_items"])
        total = items - _cents(o["discount_total"]) + _cents(o["shipping_total"]) + _cents(o["total_tax"])
        assert total == _cents(o["total"]), o["id"]
        assert _cents(o["total_tax"]) == _cents(o["cart_tax"]) + _cents(o["shipping_tax"])
        assert all(i["sku"] in skus and isinstance(i["quantity"], int) for i in o["line_items"])
        created = datetime.fromisoformat(o["date_created_gmt"]).replace(tzinfo=UTC)
        modified = datetime.fromisoformat(o["date_modified_gmt"]).replace(tzinfo=UTC)
        assert created < modified < now
        # The naive site-local time is the GMT time seen from Berlin; comparing that way round holds in the
        # autumn hour that occurs twice, where attaching a zone to the naive time picks the wrong offset.
        assert datetime.fromisoformat(o["date_created"]) == created.astimezone(BERLIN).replace(tzinfo=None)
        if o["status"] in ("processing", "completed"):
            assert o["date_paid_gmt"] is not None
    eans = [
        m["value"]
        for p in [*sb.store.products.values(), *sb.store.variations.values()]
        for m in p["meta_data"]
        if m["key"] == "_ts_gtin"
    ]
    assert eans and all(
        len(e) == 13 and sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(e)) % 10 == 0 for e in eans
    )
    assert any(p["type"] == "variable" for p in sb.store.products.values())


def test_hundred_thousand_orders_are_all_there():
    """The creation time is a benchmark figure (bench/run.py: sandbox_startup_s), not an assertion here."""
    sb = create_sandbox(seed=2, orders=100_000)
    assert len(sb.store.rows) == 100_000
    assert len(sb.store.ids) == len(set(sb.store.ids))


# listing -------------------------------------------------------------------------------------------------
def test_paging_headers_links_and_status_rules(shop):
    sb, live = shop.sandbox, live_orders(shop.sandbox)
    r = shop.call("GET", "/orders", {"per_page": 7, "page": 2, "orderby": "id", "order": "asc"})
    assert r.status_code == 200
    assert r.headers["X-WP-Total"] == str(len(live))
    assert r.headers["X-WP-TotalPages"] == str(-(-len(live) // 7))
    assert [o["id"] for o in r.json()] == live[7:14]
    assert 'rel="prev"' in r.headers["Link"] and 'rel="next"' in r.headers["Link"] and "page=3" in r.headers["Link"]
    assert r.json()[0]["_links"]["self"][0]["href"] == f"{shop.url}{API}/orders/{live[7]}"
    assert len(shop.call("GET", "/orders").json()) == 10  # default per_page
    assert [
        o["id"]
        for o in shop.call("GET", "/orders", {"offset": 3, "per_page": 2, "orderby": "id", "order": "asc"}).json()
    ] == live[3:5]
    beyond = shop.call("GET", "/orders", {"page": 999})
    assert beyond.json() == [] and beyond.headers["X-WP-Total"] == str(len(live))
    trash = shop.call("GET", "/orders", {"status": "trash", "per_page": 100}).json()
    assert trash and {o["status"] for o in trash} == {"trash"}
    both = shop.call("GET", "/orders", {"status": "completed,cancelled", "per_page": 100})
    assert {o["status"] for o in both.json()} == {"completed", "cancelled"}
    newest = shop.call("GET", "/orders", {"orderby": "modified", "per_page": 3}).json()
    assert [o["id"] for o in newest] == [oid for _, oid in sb.store.by_modified[::-1] if oid in live][:3]


def test_per_page_over_100_is_rejected_like_wordpress(shop):
    r = shop.call("GET", "/orders", {"per_page": 101})
    message = "per_page must be between 1 (inclusive) and 100 (inclusive)"
    assert r.status_code == 400
    assert r.json() == {
        "code": "rest_invalid_param",
        "message": "Invalid parameter(s): per_page",
        "data": {
            "status": 400,
            "params": {"per_page": message},
            "details": {"per_page": {"code": "rest_out_of_bounds", "message": message, "data": None}},
        },
    }
    for bad in ({"orderby": "price"}, {"order": "up"}, {"status": "shipped"}, {"modified_after": "yesterday"}):
        r = shop.call("GET", "/orders", bad)
        assert r.status_code == 400 and r.json()["code"] == "rest_invalid_param", bad


def test_modified_window_with_dates_are_gmt(shop):
    sb = shop.sandbox
    mods = sorted(r.modified for r in sb.store.rows.values() if r.status != "trash")
    lo, hi = mods[40], mods[90]
    expected = {r.id for r in sb.store.rows.values() if r.status != "trash" and lo < r.modified < hi}

    def ids(params):
        out, page = [], 1
        while True:
            r = shop.call(
                "GET", "/orders", {**params, "per_page": 100, "page": page, "orderby": "modified", "order": "asc"}
            )
            out += [o["id"] for o in r.json()]
            if page >= int(r.headers["X-WP-TotalPages"]):
                return out
            page += 1

    gmt = lambda e: datetime.fromtimestamp(e, UTC).strftime("%Y-%m-%dT%H:%M:%S")  # noqa: E731
    local = lambda e: datetime.fromtimestamp(e, ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%dT%H:%M:%S")  # noqa
    got = ids({"modified_after": gmt(lo), "modified_before": gmt(hi), "dates_are_gmt": "true"})
    assert set(got) == expected and len(got) == len(expected) == 49
    assert set(ids({"modified_after": local(lo), "modified_before": local(hi)})) == expected
    # WP_Date_Query turns an offset into site-local wall-clock time, which dates_are_gmt then reads as GMT:
    shifted = ids({"modified_after": gmt(lo) + "Z", "modified_before": gmt(hi) + "Z", "dates_are_gmt": "true"})
    assert set(shifted) != expected


# auth ----------------------------------------------------------------------------------------------------
def test_auth_failures_as_woocommerce_answers_them(shop):
    url, key, secret = shop.url + API + "/orders", shop.settings["consumer_key"], shop.settings["consumer_secret"]
    cannot = {
        "code": "woocommerce_rest_cannot_view",
        "message": "Sorry, you cannot list resources.",
        "data": {"status": 401},
    }
    assert httpx.get(url, auth=(key, secret)).json() == cannot  # Basic over plain HTTP is ignored
    assert httpx.get(url, params={"consumer_key": key, "consumer_secret": secret}).json() == cannot
    bad = oauth("GET", url, key, "cs_wrong")
    r = httpx.get(url, params=bad)
    assert r.status_code == 401 and r.json() == {
        "code": "woocommerce_rest_authentication_error",
        "message": "Invalid signature - provided signature does not match.",
        "data": {"status": 401},
    }
    good = oauth("GET", url, key, secret, alg="HMAC-SHA1")
    assert httpx.get(url, params=good).status_code == 200
    replay = httpx.get(url, params=good)
    assert replay.status_code == 401 and replay.json()["message"] == "Invalid nonce - nonce has already been used."
    stale = httpx.get(url, params=oauth("GET", url, key, secret, timestamp=int(time.time()) - 1000))
    assert stale.json()["message"] == "Invalid timestamp."
    assert httpx.get(url, params=oauth("GET", url, "ck_nope", secret)).json()["message"] == "Consumer key is invalid."
    partial = {k: v for k, v in oauth("GET", url, key, secret).items() if k != "oauth_nonce"}
    assert httpx.get(url, params=partial).json()["code"] == "woocommerce_rest_authentication_missing_parameter"
    header = oauth("GET", url, key, secret)
    fields = ", ".join(f'{k}="{q(v)}"' for k, v in header.items())
    assert httpx.get(url, headers={"Authorization": f"OAuth {fields}"}).status_code == 200
    assert httpx.get(shop.url + API + "/orders/1").json()["code"] == "woocommerce_rest_shop_order_invalid_id"


def test_https_offload_accepts_basic_auth_and_page_limit_is_an_option():
    s = start(https_offload=True, page_limit=50)
    try:
        url, key, secret = s.url + API + "/orders", s.settings["consumer_key"], s.settings["consumer_secret"]
        over_limit = httpx.get(url, params={"per_page": 51}, auth=(key, secret)).json()
        assert over_limit["data"]["params"]["per_page"] == "per_page must be between 1 (inclusive) and 50 (inclusive)"
        # WordPress signs over the URL it believes in (is_ssl): https, though the socket speaks http
        assert s.call("GET", "/orders").status_code == 401
        https_url = url.replace("http://", "https://")
        assert httpx.get(url, params=oauth("GET", https_url, key, secret)).status_code == 200
        assert httpx.get(url, auth=(s.settings["consumer_key"], s.settings["consumer_secret"])).status_code == 200
        wrong = httpx.get(url, auth=(s.settings["consumer_key"], "cs_wrong"))
        assert wrong.status_code == 401 and wrong.json()["message"] == "Consumer secret is invalid."
        assert "WWW-Authenticate" in wrong.headers
    finally:
        s.server.stop()


def test_unknown_ids_routes_and_deletion(shop):
    assert shop.call("GET", "/orders/5").json() == {
        "code": "woocommerce_rest_shop_order_invalid_id",
        "message": "Invalid ID.",
        "data": {"status": 404},
    }
    assert shop.call("PUT", "/orders/5", json={"status": "completed"}).status_code == 400
    assert shop.call("GET", "/products/9999999").json()["code"] == "woocommerce_rest_product_invalid_id"
    assert shop.call("GET", "/coupons").json()["code"] == "rest_no_route"
    assert shop.call("PATCH", "/orders").json()["code"] == "rest_no_route"
    oid = live_orders(shop.sandbox)[0]
    assert shop.call("DELETE", f"/orders/{oid}").json()["status"] == "trash"
    assert oid not in [
        o["id"] for o in shop.call("GET", "/orders", {"per_page": 100, "orderby": "id", "order": "asc"}).json()
    ]
    assert shop.call("DELETE", f"/orders/{oid}").status_code == 410
    assert shop.call("DELETE", f"/orders/{oid}", {"force": "true"}).json()["id"] == oid
    assert shop.call("GET", f"/orders/{oid}").status_code == 404
    assert [e["kind"] for e in shop.control("ledger").json()] == ["order.delete", "order.delete"]


# mutations -----------------------------------------------------------------------------------------------
def test_status_update_and_note_are_recorded_once(shop):
    oid = next(i for i in live_orders(shop.sandbox) if shop.sandbox.store.rows[i].status == "processing")
    before = shop.call("GET", f"/orders/{oid}").json()
    r = shop.call(
        "PUT",
        f"/orders/{oid}",
        json={"status": "completed", "meta_data": [{"key": "_tracking_number", "value": "00340434161094042557"}]},
    )
    assert r.status_code == 200 and r.json()["status"] == "completed"
    assert r.json()["date_modified_gmt"] > before["date_modified_gmt"] and r.json()["date_completed_gmt"]
    assert {"key": "_tracking_number", "value": "00340434161094042557"}.items() <= r.json()["meta_data"][-1].items()
    note = shop.call("POST", f"/orders/{oid}/notes", json={"note": "Versendet mit DHL", "customer_note": True})
    assert note.status_code == 201 and note.json()["customer_note"] is True and note.json()["author"] == "system"
    ledger = shop.control("ledger").json()
    assert [e["kind"] for e in ledger] == ["order.update", "order.note"]
    assert ledger[0]["changes"]["status"] == "completed" and ledger[0]["resource_id"] == str(oid)
    assert len(shop.control("ledger?kind=order.note").json()) == 1
    notes = shop.call("GET", f"/orders/{oid}/notes").json()
    assert notes[0]["note"] == "Versendet mit DHL"
    assert notes[1]["note"] == "Order status changed from Processing to Completed."
    assert [n["note"] for n in shop.call("GET", f"/orders/{oid}/notes", {"type": "customer"}).json()] == [
        "Versendet mit DHL"
    ]
    assert shop.call("POST", f"/orders/{oid}/notes", json={}).json()["code"] == "rest_missing_callback_param"


def test_batch_stock_update(shop):
    store = shop.sandbox.store
    simple = [p["id"] for p in store.products.values() if p["type"] == "simple" and p["manage_stock"]][:2]
    unmanaged = next(p["id"] for p in store.products.values() if p["type"] == "simple" and not p["manage_stock"])
    r = shop.call(
        "POST",
        "/products/batch",
        json={
            "update": [
                {"id": simple[0], "stock_quantity": 17},
                {"id": simple[1], "stock_quantity": "3"},
                {"id": 424242, "stock_quantity": 1},
                {"id": unmanaged, "stock_quantity": 9},
            ]
        },
    )
    assert r.status_code == 200
    update = r.json()["update"]
    assert [u.get("stock_quantity") for u in update[:2]] == [17, 3]
    assert update[2] == {
        "id": 424242,
        "error": {"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID.", "data": {"status": 400}},
    }
    assert update[3]["stock_quantity"] is None  # WooCommerce ignores stock on a product that does not manage it
    stock = shop.control("ledger?kind=product.stock").json()
    assert [(e["resource_id"], e["body"]["stock_quantity"]) for e in stock] == [
        (str(simple[0]), 17),
        (str(simple[1]), "3"),
        (str(unmanaged), 9),
    ]
    too_many = shop.call("POST", "/products/batch", json={"update": [{"id": simple[0]}] * 101})
    assert too_many.status_code == 413 and too_many.json()["code"] == "woocommerce_rest_request_entity_too_large"
    parent = next(p for p in store.products.values() if p["type"] == "variable")
    vid = parent["variations"][0]
    r = shop.call(
        "POST",
        f"/products/{parent['id']}/variations/batch",
        json={"update": [{"id": vid, "manage_stock": True, "stock_quantity": 4}]},
    )
    assert r.json()["update"][0]["stock_quantity"] == 4
    assert shop.control("ledger?kind=variation.stock").json()[0]["resource_id"] == str(vid)
    by_sku = shop.call("GET", "/products", {"sku": store.variations[vid]["sku"]}).json()
    assert [(p["id"], p["type"], p["parent_id"]) for p in by_sku] == [(vid, "variation", parent["id"])]
    mixed = shop.call("POST", "/products/batch", json={"update": [{"id": vid, "stock_quantity": 0}]}).json()
    assert mixed["update"][0]["stock_quantity"] == 0 and mixed["update"][0]["stock_status"] == "outofstock"
    assert len(shop.control("ledger?kind=variation.stock").json()) == 2


# webhooks ------------------------------------------------------------------------------------------------
def test_webhook_delivery_is_signed(shop, receiver):
    r = shop.call(
        "POST",
        "/webhooks",
        json={"name": "hub", "topic": "order.updated", "delivery_url": receiver.url, "secret": "s3cret"},
    )
    assert r.status_code == 201 and r.json()["status"] == "active" and "secret" not in r.json()
    wid = r.json()["id"]
    ping = receiver.wait(1)[0]
    assert ping[1] == f"webhook_id={wid}".encode() and "x-wc-webhook-signature" not in ping[0]
    oid = live_orders(shop.sandbox)[0]
    assert shop.control("orders", {"update": [{"id": oid, "customer_note": "Bitte klingeln"}]}).json() == {
        "created": [],
        "updated": [oid],
    }
    headers, body = receiver.wait(2)[1]
    expected = base64.b64encode(hmac.new(b"s3cret", body, hashlib.sha256).digest()).decode()
    assert headers["x-wc-webhook-signature"] == expected
    assert headers["x-wc-webhook-topic"] == "order.updated" and headers["x-wc-webhook-resource"] == "order"
    assert headers["x-wc-webhook-event"] == "updated" and headers["x-wc-webhook-id"] == str(wid)
    assert headers["x-wc-webhook-source"] == shop.url + "/" and len(headers["x-wc-webhook-delivery-id"]) == 32
    assert json.loads(body)["id"] == oid and json.loads(body)["customer_note"] == "Bitte klingeln"
    shop.control("orders", {"update": [{"id": oid, "customer_note": "still"}], "webhook": False})
    shop.sandbox.webhooks.wait_idle()
    assert len(receiver.hits) == 2
    deliveries = shop.control("webhook-deliveries").json()
    assert [d["topic"] for d in deliveries] == ["ping", "order.updated"] and deliveries[1]["status"] == 200
    assert shop.call("DELETE", f"/webhooks/{wid}").status_code == 501
    assert shop.call("DELETE", f"/webhooks/{wid}", {"force": "true"}).status_code == 200
    assert [e["kind"] for e in shop.control("ledger?kind=webhook.*").json()] == ["webhook.create", "webhook.delete"]


# faults --------------------------------------------------------------------------------------------------
def test_error_rate_limit_delay_and_truncation_faults(shop):
    shop.control("faults", {"add": {"kind": "error", "status": 503, "count": 2, "path": "/wp-json/wc/v3/orders"}})
    assert [shop.call("GET", "/orders").status_code for _ in range(3)] == [503, 503, 200]
    shop.control("faults", {"add": {"kind": "rate_limit", "count": 3, "retry_after": 2}})
    storm = [shop.call("GET", "/orders") for _ in range(4)]
    assert [r.status_code for r in storm] == [429, 429, 429, 200]
    assert storm[0].headers["Retry-After"] == "2" and storm[0].json()["data"]["status"] == 429
    oid = live_orders(shop.sandbox)[0]
    shop.control("faults", {"add": {"kind": "error", "status": 500, "phase": "after", "method": "PUT"}})
    assert shop.call("PUT", f"/orders/{oid}", json={"customer_note": "x"}).status_code == 500
    assert shop.sandbox.store.order(oid)["customer_note"] == "x"  # the effect happened anyway
    shop.control("faults", {"add": {"kind": "delay", "seconds": 1.5}})
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(shop.url + API + "/orders", timeout=0.3)
    shop.control("faults", {"add": {"kind": "truncate", "fraction": 0.5}})
    cut = shop.call("GET", "/orders")
    assert cut.status_code == 200 and int(cut.headers["content-length"]) == len(cut.content)
    with pytest.raises(ValueError):
        cut.json()
    log = shop.control("requests").json()
    assert [e["fault"] for e in log if e["fault"]] == ["error"] * 2 + ["rate_limit"] * 3 + [
        "error",
        "delay",
        "truncate",
    ]
    assert all(e["t_end"] is None or e["t_end"] >= e["t_start"] for e in log)
    assert shop.control("faults", {"add": {"kind": "nonsense"}}).status_code == 400


def test_duplicate_and_out_of_order_webhooks(shop, receiver):
    shop.call("POST", "/webhooks", json={"topic": "order.updated", "delivery_url": receiver.url, "secret": "k"})
    receiver.wait(1)
    ids = live_orders(shop.sandbox)[:3]
    shop.control("faults", {"add": [{"kind": "webhook_duplicate", "count": 1}]})
    shop.control("orders", {"update": [{"id": ids[0], "customer_note": "dup"}]})
    first, second = receiver.wait(3)[1:3]
    assert first == second  # same body, same delivery id: a byte-for-byte repeat
    shop.control("faults", {"add": [{"kind": "webhook_reorder", "count": 3}]})
    shop.control("orders", {"update": [{"id": i, "customer_note": f"n{n}"} for n, i in enumerate(ids)]})
    late = receiver.wait(6)[3:6]
    assert [json.loads(body)["id"] for _, body in late] == ids[::-1]


def test_records_change_while_being_paged(shop):
    until = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    params = {"modified_before": until, "dates_are_gmt": "true", "orderby": "modified", "order": "asc", "per_page": 50}
    shop.control("faults", {"add": {"kind": "page_drift", "count": None, "path": "/wp-json/wc/v3/orders"}})
    seen, totals, page = [], [], 1
    while True:
        r = shop.call("GET", "/orders", {**params, "page": page})
        seen += [o["id"] for o in r.json()]
        totals.append(int(r.headers["X-WP-Total"]))
        if page >= int(r.headers["X-WP-TotalPages"]):
            break
        page += 1
    live = live_orders(shop.sandbox)
    assert totals[0] == len(live) and totals == sorted(totals, reverse=True) and totals[-1] < totals[0]
    assert len(set(seen)) < len(live)  # the naive offset paginator missed records


# control & reset -----------------------------------------------------------------------------------------
def test_control_creates_orders_including_malformed_ones(shop):
    sku = next(s.sku for s in shop.sandbox.store.sellables if s.variation_id)
    r = shop.control(
        "orders",
        {
            "create": [
                {"status": "processing", "line_items": [{"sku": sku, "quantity": 2}], "billing": {"first_name": "Ida"}},
                {"line_items": [{"raw": True, "name": "Kaputt", "product_id": 10, "quantity": "zwei"}]},
            ],
            "webhook": False,
        },
    )
    good, bad = r.json()["created"]
    order = shop.call("GET", f"/orders/{good}").json()
    assert order["billing"]["first_name"] == "Ida" and order["line_items"][0]["sku"] == sku
    assert order["line_items"][0]["quantity"] == 2 and order["date_created_gmt"] >= until_now(-60)
    broken = shop.call("GET", f"/orders/{bad}").json()["line_items"]
    assert broken == [{"name": "Kaputt", "product_id": 10, "quantity": "zwei"}]
    newest = shop.call("GET", "/orders", {"orderby": "id", "per_page": 2}).json()
    assert [o["id"] for o in newest] == [bad, good]
    assert shop.control("orders", {"update": [{"id": 1}]}).status_code == 404
    assert shop.control("orders", {"create": [{"line_items": [{"sku": "NOPE"}]}]}).status_code == 400


def until_now(seconds: int) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")


def test_reset_restores_the_generated_shop(shop):
    oid = live_orders(shop.sandbox)[5]
    original = shop.call("GET", f"/orders/{oid}").content
    shop.call("PUT", f"/orders/{oid}", json={"status": "cancelled"})
    shop.control("orders", {"create": 2})
    shop.control("faults", {"add": {"kind": "error", "count": None, "path": "/nowhere"}})
    assert shop.control("reset", {}).json() == {"reset": True}
    assert shop.control("ledger").json() == [] and shop.control("faults").json() == []
    assert shop.call("GET", f"/orders/{oid}").content == original
    assert int(shop.call("GET", "/orders").headers["X-WP-Total"]) == len(live_orders(shop.sandbox))

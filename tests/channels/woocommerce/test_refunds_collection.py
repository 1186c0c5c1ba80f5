"""``GET /refunds`` (WooCommerce 9.0+), as the sandbox serves it and as the connector reads refund details with it:
one call for a page of orders with several refunded orders instead of one per order, the same refunds either way,
and the order refunds route on a shop from before the collection existed."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from conftest import SHARED_SPECS, require_or_skip

from ordersync.channels.sdk.records import Window

from .conftest import everything

API = "/wp-json/wc/v3"
SPECS = SHARED_SPECS / "woocommerce"


class Api:
    """Plain calls with Basic auth over loopback http: the sandbox treats just these requests as https (the
    connector, in between, signs with OAuth over http)."""

    def __init__(self, shop) -> None:
        st = shop.settings()
        self.shop = shop
        self.client = httpx.Client(
            base_url=st["url"] + API, auth=(st["consumer_key"], st["consumer_secret"]), timeout=30
        )

    def call(self, method: str, path: str, **kw) -> httpx.Response:
        sandbox = self.shop.sandbox
        sandbox.https_offload = sandbox.auth.https = True
        try:
            return self.client.request(method, path, **kw)
        finally:
            sandbox.https_offload = sandbox.auth.https = False

    def get(self, path: str, **kw) -> httpx.Response:
        return self.call("GET", path, **kw)

    def post(self, path: str, **kw) -> httpx.Response:
        return self.call("POST", path, **kw)


@pytest.fixture
def api(shop):
    api = Api(shop)
    yield api
    api.client.close()


def _refund(api, oid: int, line: dict, quantity: int, total: str, reason: str) -> dict:
    response = api.post(
        f"/orders/{oid}/refunds",
        json={
            "reason": reason,
            "api_refund": False,
            "line_items": [{"id": line["id"], "quantity": quantity, "refund_total": total}],
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


def _refunded_orders(shop, api, refunds_per_order: list[int]) -> list[int]:
    """New orders (dated two days back, so a window can hold just them), each with that many partial refunds."""
    sku = shop.sandbox.store.sellables[0].sku
    when = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S")
    spec = {"status": "completed", "line_items": [{"sku": sku, "quantity": 4}], "date_created_gmt": when}
    ids = shop.orders({"create": [dict(spec) for _ in refunds_per_order], "webhook": False})["created"]
    for oid, count in zip(ids, refunds_per_order, strict=True):
        line = shop.sandbox.store.order(oid)["line_items"][0]
        for n in range(count):
            _refund(api, oid, line, 1, "1.00", f"Teilerstattung {n + 1}")
    return ids


def _window_of(shop, ids: list[int]) -> Window:
    """A window that holds exactly these orders: they were the last ones changed, a second apart from the rest."""
    first = min(shop.sandbox.store.order(i)["date_modified_gmt"] for i in ids)
    return Window(datetime.fromisoformat(first).replace(tzinfo=UTC) - timedelta(seconds=1), everything().until)


def _read(connector, window: Window) -> list:
    return [o for page in connector.fetch_orders(window) for o in page.records]


# the sandbox ---------------------------------------------------------------------------------------------------------
def test_the_collection_lists_every_refund_with_its_order(shop, api):
    ids = _refunded_orders(shop, api, [2, 1])
    everyone = api.get("/refunds", params={"per_page": 100, "orderby": "id", "order": "asc"})
    assert everyone.status_code == 200
    refunds = everyone.json()
    assert int(everyone.headers["X-WP-Total"]) == len(refunds) and everyone.headers["X-WP-TotalPages"] == "1"
    assert [r["id"] for r in refunds] == sorted(r["id"] for r in refunds)
    ours = [r for r in refunds if r["parent_id"] in ids]
    assert sorted(r["parent_id"] for r in ours) == sorted([ids[0], ids[0], ids[1]])
    for r in ours:  # the order refunds route's object, plus parent_id right after id, linked to that route
        (same,) = [x for x in api.get(f"/orders/{r['parent_id']}/refunds").json() if x["id"] == r["id"]]
        assert list(r)[:2] == ["id", "parent_id"] and {k: v for k, v in r.items() if k != "parent_id"} == same
    generated = [r for r in refunds if r["parent_id"] not in ids]
    assert generated and all(r["reason"] == "Retoure" for r in generated)  # the generated "refunded" orders


def test_a_collection_refund_has_the_documented_keys(shop, api):
    """The docs' order refund examples (2017) plus ``parent_id`` (the docs' refunds page) and the refund's
    shipping, tax and fee lines (properties in the docs' current order refunds table, newer than the examples)."""
    require_or_skip(SPECS.is_dir(), f"vendor specs not found at {SPECS} (set ORDERSYNC_SPECS)")
    examples = json.loads((SPECS / "wc-v3-order-refunds.examples.json").read_text())["examples"]
    documented = {
        key
        for e in examples
        for body in (e["body"] if isinstance(e["body"], list) else [e["body"]])
        if isinstance(body, dict)
        for key in body
    }
    _refunded_orders(shop, api, [1])
    refunds = api.get("/refunds", params={"per_page": 100}).json()
    assert refunds
    for refund in refunds:
        assert set(refund) == documented | {"parent_id", "shipping_lines", "tax_lines", "fee_lines"}
        assert set(refund["_links"]) == {"self", "collection", "up"}
        assert refund["_links"]["up"][0]["href"].endswith(f"/orders/{refund['parent_id']}")


def test_the_collection_pages_include_exclude_and_parent(shop, api):
    every = [r["id"] for r in api.get("/refunds", params={"per_page": 100, "orderby": "id", "order": "asc"}).json()]
    assert len(every) > 5
    pages, page = [], 1
    while True:
        response = api.get("/refunds", params={"per_page": 2, "page": page, "orderby": "id", "order": "asc"})
        assert response.headers["X-WP-Total"] == str(len(every))
        assert response.headers["X-WP-TotalPages"] == str(-(-len(every) // 2))
        pages += [r["id"] for r in response.json()]
        if 'rel="next"' not in response.headers.get("Link", ""):
            break
        page += 1
    assert pages == every  # consistently ordered: the pages put together are the whole list, each refund once
    newest_first = [r["id"] for r in api.get("/refunds", params={"per_page": 100}).json()]  # orderby date desc
    assert sorted(newest_first) == sorted(every)
    picked = [every[3], every[0]]
    assert [r["id"] for r in api.get("/refunds", params={"include": f"{picked[0]},{picked[1]}"}).json()] == sorted(
        picked, key=newest_first.index
    )
    by_include = api.get("/refunds", params={"include[]": [str(i) for i in picked], "orderby": "include"}).json()
    assert [r["id"] for r in by_include] == picked
    assert every[0] not in [r["id"] for r in api.get("/refunds", params={"exclude": every[0], "per_page": 100}).json()]
    one = api.get("/refunds", params={"include": every[0]}).json()[0]
    others = api.get("/refunds", params={"parent_exclude": one["parent_id"], "per_page": 100}).json()
    assert one["parent_id"] not in [r["parent_id"] for r in others] and others
    # parent: declared (an array, comma-separated or parent[]=), validated, and not applied - WooCommerce's
    # refunds controller drops post_parent__in from its query
    for params in ({"parent": f"{one['parent_id']},1"}, {"parent[]": [str(one["parent_id"]), "1"]}):
        response = api.get("/refunds", params={**params, "per_page": 100})
        assert response.status_code == 200 and response.headers["X-WP-Total"] == str(len(every))
    for bad in ({"parent": "abc"}, {"include": "1,x"}, {"per_page": 101}, {"page": 0}, {"orderby": "amount"}):
        response = api.get("/refunds", params=bad)
        assert response.status_code == 400 and response.json()["code"] == "rest_invalid_param", bad


def test_a_shop_before_the_collection_answers_rest_no_route(shop, api):
    assert shop.control.post("/conformance/configure", json={"refunds_collection": False}).json() == {
        "page_size": None,
        "refunds_collection": False,
    }
    response = api.get("/refunds", params={"parent": "abc"})  # no route, so no argument check either
    assert response.status_code == 404 and response.json()["code"] == "rest_no_route"
    assert api.get("/orders", params={"per_page": 1}).status_code == 200
    shop.control.post("/reset").raise_for_status()  # a reset brings the sandbox's own setting back
    assert api.get("/refunds").status_code == 200


# the connector -------------------------------------------------------------------------------------------------------
def test_one_call_reads_the_refunds_of_a_page_the_same_as_per_order(shop, api):
    ids = _refunded_orders(shop, api, [3, 1, 2])
    window = _window_of(shop, ids)
    start = shop.control.get("/requests").json()[-1]["seq"]
    collected = _read(shop.connector(), window)
    calls = shop.control.get("/requests", params={"since": start}).json()
    assert {o.external_id for o in collected} == {str(i) for i in ids}
    assert [(r["path"], r["status"]) for r in calls] == [(f"{API}/orders", 200), (f"{API}/refunds", 200)]

    shop.sandbox.refunds_collection = False  # the same orders from a shop without the collection
    per_order = _read(shop.connector(), window)
    assert collected == per_order  # the same Order objects, refunds (dates, items, amounts) included
    refunds = {o.external_id: o.refunds for o in collected}
    assert [len(refunds[str(i)]) for i in ids] == [3, 1, 2]
    for r in (r for rs in refunds.values() for r in rs):
        assert r.refunded_at is not None and [(i.quantity, i.amount) for i in r.items] == [(1, r.amount)]


def test_the_details_mapping_is_the_order_refunds_routes(shop, api):
    ids = _refunded_orders(shop, api, [2, 2])
    raw = [shop.sandbox.store.order(i) for i in ids]
    connector = shop.connector()
    collected = connector._refund_details(raw)
    shop.sandbox.refunds_collection = False
    per_order = shop.connector()._refund_details(raw)
    assert list(collected) == list(per_order) == [str(i) for i in ids]
    for oid in collected:  # refund for refund, in the order the order lists them; parent_id and links aside
        assert [{k: v for k, v in r.items() if k not in ("parent_id", "_links")} for r in collected[oid]] == [
            {k: v for k, v in r.items() if k != "_links"} for r in per_order[oid]
        ]


def test_refunds_spanning_several_collection_pages(shop, api):
    ids = _refunded_orders(shop, api, [3, 2])
    shop.control.post("/conformance/configure", json={"page_size": 2}).raise_for_status()  # small pages
    start = shop.control.get("/requests").json()[-1]["seq"]
    collected = _read(shop.connector(), _window_of(shop, ids))
    calls = shop.control.get("/requests", params={"since": start}).json()
    pages = [r for r in calls if r["path"] == f"{API}/refunds"]
    assert len(pages) == 3 and all(r["status"] == 200 for r in pages)  # 5 refunds, 2 a page
    assert not [r for r in calls if r["path"].startswith(f"{API}/orders/")]
    assert sorted(len(o.refunds) for o in collected) == [2, 3]
    assert all(r.refunded_at is not None and r.items for o in collected for r in o.refunds)


def test_an_old_shop_is_read_per_order_and_asked_once(shop, api, caplog):
    ids = _refunded_orders(shop, api, [1, 2, 1])
    shop.sandbox.refunds_collection = False
    connector = shop.connector()
    window = _window_of(shop, ids)
    start = shop.control.get("/requests").json()[-1]["seq"]
    with caplog.at_level(logging.INFO, logger="ordersync.channels.woocommerce.connector"):
        first, again = _read(connector, window), _read(connector, window)
    calls = shop.control.get("/requests", params={"since": start}).json()
    assert [r["status"] for r in calls if r["path"] == f"{API}/refunds"] == [404]  # tried once per instance
    per_order = sorted(r["path"] for r in calls if r["path"].startswith(f"{API}/orders/"))
    assert per_order == sorted(f"{API}/orders/{i}/refunds" for i in ids * 2)
    assert first == again and sorted(len(o.refunds) for o in first) == [1, 1, 2]
    (said,) = [r.getMessage() for r in caplog.records if r.name == "ordersync.channels.woocommerce.connector"]
    assert "rest_no_route" in said and "per order" in said


def test_the_import_makes_far_fewer_calls(shop):
    connector = shop.connector()
    pages = list(connector.fetch_orders(everything()))
    calls = shop.requests(API, "GET")
    refunded = [sum(1 for o in p.records if o.refunds) for p in pages]
    assert sum(refunded) > len(pages)  # several refunded orders a page: the case the collection is for
    by_kind = {
        "pages": sum(1 for r in calls if r["path"] == f"{API}/orders"),
        "collection": sum(1 for r in calls if r["path"] == f"{API}/refunds"),
        "per_order": sum(1 for r in calls if r["path"].startswith(f"{API}/orders/")),
    }
    assert by_kind == {
        "pages": len(pages),
        "collection": sum(1 for n in refunded if n > 1),
        "per_order": sum(1 for n in refunded if n == 1),
    }
    assert by_kind["collection"] + by_kind["per_order"] < sum(refunded)  # was one call per refunded order


def test_a_shop_that_ignores_include_is_read_per_order(shop, api):
    """A shop whose /refunds does not apply ``include`` (a plugin's query filter, say) hands out refunds nobody
    asked for: the connector stops at the first page and reads per order, from then on."""
    ids = _refunded_orders(shop, api, [2, 1])
    window = _window_of(shop, ids)
    expected = _read(shop.connector(), window)
    connector = shop.connector()
    real = connector.client.pages

    def include_ignored(path, params, **kw):  # as if the shop dropped the argument
        return real(path, {k: v for k, v in params.items() if k != "include"}, **kw)

    connector.client.pages = include_ignored
    start = shop.control.get("/requests").json()[-1]["seq"]
    first, again = _read(connector, window), _read(connector, window)
    calls = shop.control.get("/requests", params={"since": start}).json()
    assert len([r for r in calls if r["path"] == f"{API}/refunds"]) == 1  # its first page only, once
    assert sorted(r["path"] for r in calls if r["path"].startswith(f"{API}/orders/")) == sorted(
        f"{API}/orders/{i}/refunds" for i in ids * 2
    )
    assert first == again == expected

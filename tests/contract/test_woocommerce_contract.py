"""The WooCommerce sandbox held to the vendor's own documentation examples (``../shared/specs/woocommerce``).

* Shapes: every order, note, product, variation and webhook the sandbox serves has the keys of the vendor's
  examples (no key they lack, none that all of them have missing) and the same JSON types, recursively.
  Samples of one resource are merged, so a field null in one example and a string in another accepts both;
  a few fields are nullable by documentation although every example fills them (``DOCUMENTED_NULLABLE``).
* Arguments: the constraints the sandbox enforces (and publishes in its route index) agree with the vendor
  index example's ``args`` for ``/wc/v3/orders`` and ``/wc/v3/products``. Where the sandbox follows the
  current WooCommerce rather than that older example, the difference is listed in ``NEWER_THAN_INDEX`` and
  checked to be exactly that - so a new vendor file or a sandbox change cannot slip through silently.

Without the specs checkout the test skips with the reason; under CI=true it fails instead.
"""

from __future__ import annotations

import json
import re

import httpx
import pytest
from conftest import SHARED_SPECS, require_or_skip

from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.woocommerce.sandbox import create_sandbox

SPECS = SHARED_SPECS / "woocommerce"
API = "/wp-json/wc/v3"
DOCUMENTED_NULLABLE = {
    "date_paid",
    "date_paid_gmt",
    "date_completed",
    "date_completed_gmt",
    "stock_quantity",
    "date_on_sale_from",
    "date_on_sale_from_gmt",
    "date_on_sale_to",
    "date_on_sale_to_gmt",
}
# Facts the 2017 index example predates (VENDOR-FACTS 2.2 and the current WooCommerce/WordPress code):
NEWER_THAN_INDEX = {
    # WP_REST_Controller::get_collection_params caps per_page at 100; the example omits minimum/maximum.
    "per_page.maximum": 100,
    # the docs' orders table has modified_after/_before and dates_are_gmt; the index example lacks them.
    "orders.only_ours": {"modified_after", "modified_before", "dates_are_gmt"},
    "products.only_ours": {"modified_after", "modified_before", "dates_are_gmt"},
    # current WooCommerce sorts both by modification time too.
    "orders.orderby_extra": {"modified"},
    "products.orderby_extra": {"modified"},
    # v3 orders take an array of statuses and accept 'trash' (WC_REST_Orders_Controller::get_collection_params).
    "orders.status_extra": {"trash"},
}
# Fields WooCommerce 9.4 sends that the docs' examples (2017-2024) predate, by resource and path ([] = any
# element). Each was seen in a real 9.4.3 shop (issue 16) and is in WooCommerce's REST controllers; the tests
# check that the sandbox sends every one of them, so this list cannot outlive the sandbox silently.
NEWER_THAN_EXAMPLES = {
    "orders": {
        # WC_REST_Orders_V2_Controller::get_formatted_item_data (payment_url ... needs_processing), and
        # currency_symbol from the v3 response
        "$": {"payment_url", "is_editable", "needs_payment", "needs_processing", "currency_symbol"},
        "$.shipping": {"phone"},  # shipping phone, WooCommerce 5.6
        "$.line_items[]": {"image", "parent_name"},  # get_order_item_data (WooCommerce 6.5 / 4.7)
        "$.line_items[].meta_data[]": {"display_key", "display_value"},
        "$.tax_lines[]": {"rate_percent"},
        "$.shipping_lines[]": {"instance_id"},
        # (coupon lines carry discount_type, nominal_amount and free_shipping too; the examples have no coupon
        # line, so there is nothing to compare them with)
    },
    "products": {"$": {"global_unique_id", "low_stock_amount"}},  # WooCommerce 9.2 / 3.5
    "variations": {"$": {"name", "parent_id", "type", "global_unique_id", "low_stock_amount"}},
}
# Keys the examples name differently from WooCommerce 9.4: a refund's note is "reason" in the real shop (issue 16,
# seen in 9.4.3; WC_REST_Orders_V2_Controller::get_formatted_item_data builds refunds as id, reason, total),
# "refund" in the docs' examples.
RENAMED_SINCE_EXAMPLES = {"orders": {"$.refunds[]": {"refund": "reason"}}}
# ... and values of a type the examples never show: a variation whose parent manages its stock says "parent".
NEWER_TYPES = {"variations": {"$.manage_stock": "string"}}


def _load(name: str):
    require_or_skip(SPECS.is_dir(), f"vendor specs not found at {SPECS} (set ORDERSYNC_SPECS to the specs directory)")
    return json.loads((SPECS / name).read_text())


def samples(name: str) -> list[dict]:
    """Every example object of one resource, from single bodies, lists and batch responses."""
    out = []
    for example in _load(name)["examples"]:
        body = example["body"]
        if isinstance(body, list):
            out += body
        elif isinstance(body, dict) and set(body) <= {"create", "update", "delete"}:
            out += [x for v in body.values() for x in v]
        elif isinstance(body, dict):
            out.append(body)
    return out


def jtype(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", dict: "object", list: "array"}[type(value)]


def mismatches(ours, theirs: list, path: str = "$", resource: str = "", seen: set | None = None) -> list[str]:
    """Where ``ours`` departs from the merged shape of the vendor ``theirs`` samples, apart from the newer
    fields listed for ``resource`` (those met are added to ``seen`` as (path, key))."""
    kinds = {jtype(t) for t in theirs}
    kind = jtype(ours)
    where = re.sub(r"\[\d+\]", "[]", path)
    if NEWER_TYPES.get(resource, {}).get(where) == kind:
        if seen is not None:
            seen.add((where, kind))
        return []
    if kind == "null":
        ok = "null" in kinds or path.rsplit(".", 1)[-1] in DOCUMENTED_NULLABLE
        return [] if ok else [f"{path}: null, vendor has {sorted(kinds)}"]
    if kind not in kinds and kinds != {"null"}:
        return [f"{path}: {kind}, vendor has {sorted(kinds)}"]
    problems = []
    if kind == "object":
        dicts = [t for t in theirs if isinstance(t, dict)]
        if dicts:
            union, common = set().union(*dicts), set.intersection(*map(set, dicts))
            newer = NEWER_THAN_EXAMPLES.get(resource, {}).get(where, set())
            if seen is not None:
                seen.update((where, k) for k in set(ours) & newer)
            renamed = RENAMED_SINCE_EXAMPLES.get(resource, {}).get(where, {})
            now_named = {renamed[k] for k in renamed if renamed[k] in ours}
            problems += [f"{path}: extra key {k!r}" for k in sorted(set(ours) - union - newer - now_named)]
            problems += [f"{path}: missing key {k!r}" for k in sorted(common - set(ours)) if renamed.get(k) not in ours]
            for key in sorted(set(ours) & union):
                problems += mismatches(ours[key], [d[key] for d in dicts if key in d], f"{path}.{key}", resource, seen)
    elif kind == "array":
        elements = [e for t in theirs if isinstance(t, list) for e in t]
        if elements:
            for i, item in enumerate(ours):
                problems += mismatches(item, elements, f"{path}[{i}]", resource, seen)
    return problems


@pytest.fixture(scope="module")
def shop():
    _load("wc-v3-orders.examples.json")
    sandbox = create_sandbox(seed=5, orders=400, products=60, https_offload=True)  # Basic auth: shapes, not auth
    server = serve_in_thread(sandbox.app)
    settings = sandbox.settings_for(server.base_url)
    client = httpx.Client(
        base_url=server.base_url + API, auth=(settings["consumer_key"], settings["consumer_secret"]), timeout=10
    )
    yield sandbox, client
    client.close()
    server.stop()


def test_orders_and_notes_match_the_vendor_examples(shop):
    sandbox, client = shop
    vendor = samples("wc-v3-orders.examples.json")
    statuses_seen, newer = set(), set()
    for order in client.get("/orders", params={"per_page": 100, "status": "any"}).json():
        statuses_seen.add(order["status"])
        assert mismatches(order, vendor, resource="orders", seen=newer) == [], order["id"]
    assert len(statuses_seen) >= 6
    assert newer == {(path, key) for path, keys in NEWER_THAN_EXAMPLES["orders"].items() for key in keys}
    oid = sandbox.store.ids[0]
    note = client.post(f"/orders/{oid}/notes", json={"note": "Paket ist unterwegs", "customer_note": True})
    notes = client.get(f"/orders/{oid}/notes").json()
    for n in [note.json(), *notes]:
        assert mismatches(n, samples("wc-v3-order-notes.examples.json")) == []


def test_products_variations_and_webhooks_match_the_vendor_examples(shop):
    sandbox, client = shop
    products = client.get("/products", params={"per_page": 100}).json()
    assert {p["type"] for p in products} == {"simple", "variable"}
    newer: set = set()
    for product in products:
        assert mismatches(product, samples("wc-v3-products.examples.json"), resource="products", seen=newer) == [], (
            product["id"]
        )
    assert newer == {("$", key) for key in NEWER_THAN_EXAMPLES["products"]["$"]}
    newer = set()
    for parent in (p for p in products if p["type"] == "variable"):
        for variation in client.get(f"/products/{parent['id']}/variations").json():
            assert (
                mismatches(
                    variation, samples("wc-v3-product-variations.examples.json"), resource="variations", seen=newer
                )
                == []
            )
    assert newer == {("$", key) for key in NEWER_THAN_EXAMPLES["variations"]["$"]} | {("$.manage_stock", "string")}
    batch = client.post("/products/batch", json={"update": [{"id": products[0]["id"], "stock_quantity": 3}]})
    assert mismatches(batch.json()["update"][0], samples("wc-v3-products.examples.json"), resource="products") == []
    hook = client.post("/webhooks", json={"topic": "order.created", "delivery_url": "http://127.0.0.1:9/x"}).json()
    assert mismatches(hook, samples("wc-v3-webhooks.examples.json")) == []
    error = client.get("/no-such-thing").json()
    assert mismatches(error, samples("wc-v3-introduction.examples.json")) == []


def _args(index: dict, route: str, method: str = "GET") -> dict:
    return next(e["args"] for e in index["routes"][route]["endpoints"] if method in e["methods"])


@pytest.mark.parametrize("resource", ["orders", "products"])
def test_argument_constraints_agree_with_the_vendor_index(shop, resource):
    sandbox, client = shop
    vendor = _args(_load("wc-v3-index.example.json"), f"/wc/v3/{resource}")
    ours = _args(client.get("").json(), f"/wc/v3/{resource}")
    assert set(ours) - set(vendor) == NEWER_THAN_INDEX[f"{resource}.only_ours"]
    # per_page: same default; the index example states no bound, the sandbox enforces WordPress's 100
    assert vendor["per_page"]["default"] == ours["per_page"]["default"] == 10 and "maximum" not in vendor["per_page"]
    assert ours["per_page"]["maximum"] == NEWER_THAN_INDEX["per_page.maximum"]
    assert client.get(f"/{resource}", params={"per_page": 100}).status_code == 200
    assert client.get(f"/{resource}", params={"per_page": 101}).status_code == 400
    assert ours["order"]["enum"] == vendor["order"]["enum"]
    extra_orderby = set(ours["orderby"]["enum"]) - set(vendor["orderby"]["enum"])
    assert extra_orderby == NEWER_THAN_INDEX[f"{resource}.orderby_extra"]
    assert set(vendor["orderby"]["enum"]) <= set(ours["orderby"]["enum"])
    if resource == "orders":
        assert vendor["status"]["type"] == "string" and ours["status"]["type"] == "array"
        ours_status, vendor_status = set(ours["status"]["items"]["enum"]), set(vendor["status"]["enum"])
        assert ours_status - vendor_status == NEWER_THAN_INDEX["orders.status_extra"]
    else:
        ours_status, vendor_status = set(ours["status"]["enum"]), set(vendor["status"]["enum"])
        assert ours["type"]["enum"] == vendor["type"]["enum"]
    assert vendor_status <= ours_status
    for name in set(ours) & set(vendor) - {"status"}:
        assert ours[name]["type"] == vendor[name]["type"], name
        if "default" in ours[name] and "default" in vendor[name]:
            assert ours[name]["default"] == vendor[name]["default"], name
    for arg, values in (
        ("status", vendor_status),
        ("orderby", vendor["orderby"]["enum"]),
        ("order", vendor["order"]["enum"]),
    ):
        for value in values:
            r = client.get(f"/{resource}", params={arg: value, "per_page": 1, "include": "1"})
            assert r.status_code == 200, (arg, value, r.text)
        assert client.get(f"/{resource}", params={arg: "bogus"}).json()["code"] == "rest_invalid_param"


def test_sandbox_routes_exist_in_the_vendor_index(shop):
    _, client = shop
    vendor = _load("wc-v3-index.example.json")["routes"]
    assert set(client.get("").json()["routes"]) <= set(vendor)

"""The PrestaShop sandbox held to the webservice's blank schemas (``../shared/specs/prestashop/*.blank.xml``,
PrestaShop 8.x docs), which name every element a resource has.

* The sandbox's own subset (``sandbox/schema.py``: what it answers and which names a write may carry) lies inside
  the blank schema of each resource that has one, the order rows inside ``associations/order_rows``.
* A real connector run against the served sandbox (import, status, tracking, message, articles, stock) is recorded;
  every JSON answer's keys and every XML body the connector wrote are held to the blank schema of their resource,
  and every query parameter to the ones the webservice documents. ``addresses``, ``customers``, ``currencies`` and
  ``countries`` have no blank file in the specs: their exchanges are not checked here (listed in ``UNCHECKED``).

Without the specs checkout the test skips with the reason; under CI=true it fails instead.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

import pytest
from conftest import SHARED_SPECS, require_or_skip
from lxml import etree

from ordersync.channels.prestashop.connector import PrestashopConnector
from ordersync.channels.prestashop.sandbox import create_sandbox
from ordersync.channels.prestashop.sandbox.schema import FIELDS, ORDER_ROW_FIELDS, REQUIRED, SINGULAR
from ordersync.channels.sdk.records import OrderRef, Window
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.domain import OrderState, Shipment, StockUpdate

SPECS = SHARED_SPECS / "prestashop"
UNCHECKED = {"addresses", "customers", "currencies", "countries"}
#: the list and write parameters PrestaShop's webservice documentation names (``filter[field]`` aside);
#: ``sendemail`` on order_histories comes from PrestaShop PR #376 / issue #25639
DOCUMENTED_PARAMS = {
    "output_format",
    "display",
    "sort",
    "limit",
    "date",
    "ws_key",
    "schema",
    "language",
    "id_shop",
    "id_group_shop",
    "sendemail",
}


def blank(resource: str) -> tuple[set[str], set[str]]:
    """The element names of a resource's object and of its order rows (empty for other resources)."""
    root = etree.parse(str(SPECS / f"{resource}.blank.xml")).getroot()
    obj = root[0]
    assert obj.tag == SINGULAR[resource], f"{resource}.blank.xml holds <{obj.tag}>"
    rows = obj.findall("associations/order_rows/order_row")
    return {child.tag for child in obj}, {c.tag for c in rows[0]} if rows else set()


@pytest.fixture(scope="module")
def specs() -> dict[str, tuple[set[str], set[str]]]:
    require_or_skip(SPECS.is_dir(), f"PrestaShop blank schemas not found at {SPECS}")
    return {r: blank(r) for r in FIELDS if r not in UNCHECKED}


def test_every_resource_without_a_blank_file_is_named_as_unchecked(specs):
    files = {p.name.removesuffix(".blank.xml") for p in SPECS.glob("*.blank.xml")}
    assert set(FIELDS) - files == UNCHECKED


def test_the_sandbox_subset_lies_inside_the_blank_schemas(specs):
    for resource, (names, _) in specs.items():
        assert set(FIELDS[resource]) - names == set(), resource
    assert set(ORDER_ROW_FIELDS) - specs["orders"][1] == set()
    for resource, required in REQUIRED.items():
        assert set(required) <= set(FIELDS[resource]), resource


def _keys_problems(resource: str, record: dict, specs: dict) -> list[str]:
    names, rows = specs[resource]
    problems = [f"{resource}: {k}" for k in record if k not in names]
    for row in (record.get("associations") or {}).get("order_rows", []):
        problems += [f"{resource} order_row: {k}" for k in row if k not in rows]
    return problems


def test_a_connector_run_speaks_only_the_blank_schemas(specs):
    allow_loopback()
    sandbox = create_sandbox(seed=5, orders=4)
    with serve_in_thread(sandbox.app) as server:
        sandbox.exchanges.recording = True
        connector = PrestashopConnector({**sandbox.settings_for(server.base_url), "page_size": 3})
        orders = [
            o for p in connector.fetch_orders(Window(None, datetime.now(UTC) + timedelta(minutes=1))) for o in p.records
        ]
        assert len(orders) == 4
        connector.push_state(OrderRef("1"), OrderState.SHIPPED)
        connector.push_tracking(OrderRef("2"), Shipment(carrier="DHL", tracking_number="JJD000390007"))
        connector.send_message(OrderRef("3"), "Versand", "Ihr Paket ist unterwegs")
        articles = [a for p in connector.fetch_articles(Window(None, datetime.now(UTC))) for a in p.records]
        variant = next(a for a in articles if a.variants)
        assert all(
            r.ok
            for r in connector.push_stock(
                [
                    StockUpdate(variant.external_id, 3, variant.variants[0].external_id),
                    StockUpdate("", 4, sku=articles[0].sku),
                ]
            )
        )
        connector.close()
        exchanges = sandbox.exchanges.entries()
    sandbox.close()

    problems, checked, written = [], set(), set()
    for ex in exchanges:
        resource = ex["path"].split("/")[2]
        if resource in UNCHECKED:
            continue
        assert ex["status"] < 400, ex
        names = {name for name, _ in parse_qsl(ex["query"], keep_blank_values=True)}
        problems += [
            f"parameter {n}" for n in names if n not in DOCUMENTED_PARAMS and not re.fullmatch(r"filter\[[a-z_]+\]", n)
        ]
        body = json.loads(ex["response_body"])
        if isinstance(body, dict):
            if resource in body:
                for record in body[resource]:
                    problems += _keys_problems(resource, record, specs)
            else:
                problems += _keys_problems(resource, body[SINGULAR[resource]], specs)
            checked.add(resource)
        if ex["method"] in ("POST", "PUT"):
            root = etree.fromstring(ex["request_body"].encode())
            assert root.tag == "prestashop" and root[0].tag == SINGULAR[resource]
            problems += [f"written {resource}: {c.tag}" for c in root[0] if c.tag not in specs[resource][0]]
            written.add(resource)
    assert problems == []
    assert {
        "orders",
        "order_states",
        "order_carriers",
        "customer_threads",
        "customer_messages",
        "products",
        "combinations",
        "stock_availables",
    } <= checked
    assert written == {"order_histories", "order_carriers", "customer_threads", "customer_messages", "stock_availables"}

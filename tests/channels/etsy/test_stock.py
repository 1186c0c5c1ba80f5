"""Etsy's trap: ``updateListingInventory`` replaces the whole products/offerings tree. A stock push changes
the quantity of the changed SKUs and nothing else: every other product, price, property value, readiness
state and ``*_on_property`` list survives the round trip, and a quantity already in place writes nothing."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from ordersync.channels.etsy.connector import EtsyConnector
from ordersync.channels.etsy.stock import rewrite
from ordersync.channels.sdk.records import Window
from ordersync.domain import StockUpdate

#: a getListingInventory answer shaped as the spec's ListingInventory: two sizes × price, one deleted product
TREE = {
    "products": [
        {
            "product_id": 501,
            "sku": "RING-S",
            "is_deleted": False,
            "offerings": [
                {
                    "offering_id": 5010,
                    "quantity": 3,
                    "is_enabled": True,
                    "is_deleted": False,
                    "price": {"amount": 4500, "divisor": 100, "currency_code": "EUR"},
                    "readiness_state_id": 777,
                }
            ],
            "property_values": [
                {
                    "property_id": 100,
                    "property_name": "Ring size",
                    "scale_id": 5,
                    "scale_name": "US",
                    "value_ids": [1101],
                    "values": ["6"],
                }
            ],
        },
        {
            "product_id": 502,
            "sku": "RING-M",
            "is_deleted": False,
            "offerings": [
                {
                    "offering_id": 5020,
                    "quantity": 8,
                    "is_enabled": False,
                    "is_deleted": False,
                    "price": {"amount": 4999, "divisor": 100, "currency_code": "EUR"},
                    "readiness_state_id": 778,
                }
            ],
            "property_values": [
                {
                    "property_id": 100,
                    "property_name": "Ring size",
                    "scale_id": 5,
                    "scale_name": "US",
                    "value_ids": [1102],
                    "values": ["7"],
                }
            ],
        },
        {"product_id": 503, "sku": "RING-OLD", "is_deleted": True, "offerings": [], "property_values": []},
    ],
    "price_on_property": [100],
    "quantity_on_property": [100],
    "sku_on_property": [100],
    "readiness_state_on_property": [100],
}


def test_only_the_asked_quantity_changes_in_the_written_tree():
    before = copy.deepcopy(TREE)
    body, changed, missing = rewrite(TREE, {("502", "RING-M"): 0})
    assert before == TREE  # the read tree is not touched
    assert changed == {("502", "RING-M")} and missing == set()
    assert body == {
        "products": [
            {
                "sku": "RING-S",
                "property_values": [
                    {
                        "property_id": 100,
                        "value_ids": [1101],
                        "scale_id": 5,
                        "property_name": "Ring size",
                        "values": ["6"],
                    }
                ],
                "offerings": [{"price": 45.0, "quantity": 3, "is_enabled": True, "readiness_state_id": 777}],
            },
            {
                "sku": "RING-M",
                "property_values": [
                    {
                        "property_id": 100,
                        "value_ids": [1102],
                        "scale_id": 5,
                        "property_name": "Ring size",
                        "values": ["7"],
                    }
                ],
                "offerings": [{"price": 49.99, "quantity": 0, "is_enabled": False, "readiness_state_id": 778}],
            },
        ],
        "price_on_property": [100],
        "quantity_on_property": [100],
        "sku_on_property": [100],
        "readiness_state_on_property": [100],
    }


def test_a_quantity_in_place_needs_no_write_and_an_unknown_product_is_named():
    _, changed, missing = rewrite(TREE, {("501", "RING-S"): 3, ("999", "NOPE"): 1})
    assert changed == set() and missing == {("999", "NOPE")}
    _, changed, _ = rewrite(TREE, {("", "RING-S"): 4})  # found by SKU when the product id is not known
    assert changed == {("", "RING-S")}


def test_the_rest_of_the_listing_survives_a_push_against_the_sandbox(served):
    sandbox, base_url = served
    before = copy.deepcopy(sandbox.listings[7003]["inventory"])
    connector = EtsyConnector(sandbox.settings_for(base_url))
    articles = {a.external_id: a for p in connector.fetch_articles(Window(None, datetime.now(UTC))) for a in p.records}
    blue = next(v for v in articles["7003"].variants if v.sku == "BOWL-BLUE")
    results = connector.push_stock([StockUpdate("7003", 0, blue.external_id, "BOWL-BLUE")])
    assert results[0].ok and not results[0].already_done
    after = sandbox.listings[7003]["inventory"]
    expected = copy.deepcopy(before)
    expected["products"][1]["offerings"][0]["quantity"] = 0
    assert after == expected  # prices, property values, readiness state, ids, the other colour: all as before
    again = connector.push_stock([StockUpdate("7003", 0, blue.external_id, "BOWL-BLUE")])
    assert again[0].already_done and len(sandbox.ledger.entries("listing.inventory")) == 1
    connector.close()

"""Multi-variation listings made outside the Inventory API: read as one article with a variant per variation
SKU, linked by the hub by that SKU, and revised with ReviseInventoryStatus by ItemID and variation SKU."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from ordersync.channels.sdk.errors import PermanentError
from ordersync.channels.sdk.records import Window
from ordersync.domain import StockUpdate
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import ArticleRow, Listing
from ordersync.sync.articles import import_articles
from ordersync.sync.connections import add_connection
from ordersync.sync.dispatcher import dispatch
from ordersync.sync.stock import correct

ITEM = "330000000777"


@pytest.fixture
def shirts(served):
    served.sandbox.store.legacy[ITEM] = {
        "ItemID": ITEM,
        "SKU": "",
        "Title": "Shirt",
        "Quantity": 0,
        "Variations": [
            {"SKU": "SHIRT-V-S", "Quantity": 4, "QuantitySold": 2, "Specifics": {"Size": "S", "Colour": "Blue"}},
            {"SKU": "SHIRT-V-M", "Quantity": 1, "QuantitySold": 0, "Specifics": {"Size": "M", "Colour": "Blue"}},
            {"SKU": "SHIRT-V-L", "Quantity": 0, "QuantitySold": 5, "Specifics": {"Size": "L", "Colour": "Blue"}},
        ],
    }
    return served


def variations(served) -> dict[str, int]:
    return {v["SKU"]: v["Quantity"] for v in served.sandbox.store.legacy[ITEM]["Variations"]}


def test_a_variation_listing_is_one_article_with_a_variant_per_sku(shirts):
    articles = [a for page in shirts.connector().fetch_articles(Window(None, utcnow())) for a in page.records]
    [shirt] = [a for a in articles if a.external_id == ITEM]
    assert shirt.stock is None and shirt.title == "Shirt"
    assert [(v.external_id, v.sku, v.stock, v.attributes["Size"]) for v in shirt.variants] == [
        ("SHIRT-V-S", "SHIRT-V-S", Decimal(4), "S"),
        ("SHIRT-V-M", "SHIRT-V-M", Decimal(1), "M"),
        ("SHIRT-V-L", "SHIRT-V-L", Decimal(0), "L"),
    ]


def test_variation_stock_goes_out_by_item_id_and_variation_sku(shirts):
    connector = shirts.connector()
    results = connector.push_stock(
        [
            StockUpdate(ITEM, 9, variant_external_id="SHIRT-V-S", sku="SHIRT-V-S"),
            StockUpdate(ITEM, 0, variant_external_id="SHIRT-V-M", sku="SHIRT-V-M"),
            StockUpdate("110000000003", 2, sku="SHIRT-3-M"),
        ]
    )
    assert all(r.ok for r in results)
    assert variations(shirts) == {"SHIRT-V-S": 9, "SHIRT-V-M": 0, "SHIRT-V-L": 0}
    assert len(shirts.requests("/ws/api.dll")) == 1  # three InventoryStatus in one call
    assert shirts.sandbox.store.revisions[(utcnow().strftime("%Y-%m-%d"), ITEM)] == 2  # one listing, two changes
    # a variation named by its SKU alone is refused: eBay wants the listing's ItemID with it
    [refused] = connector.push_stock([StockUpdate("SHIRT-V-L", 3, variant_external_id="SHIRT-V-L", sku="SHIRT-V-L")])
    assert isinstance(refused, PermanentError) and "variations" in str(refused)
    assert variations(shirts)["SHIRT-V-L"] == 0


def test_a_variation_without_a_sku_is_quarantined_with_a_hint(shirts):
    shirts.sandbox.store.legacy[ITEM]["Variations"].append({"SKU": "", "Quantity": 1, "Specifics": {"Size": "XL"}})
    pages = list(shirts.connector().fetch_articles(Window(None, utcnow())))
    assert ITEM not in [a.external_id for page in pages for a in page.records]
    [problem] = [q for page in pages for q in page.quarantined]
    assert "variation without a SKU" in problem.reason and "SKU" in problem.hint


def test_the_hub_links_variations_by_sku_and_sends_their_stock(hub, shirts):
    conn = add_connection(hub, "ebay", "ebay", shirts.sandbox.settings_for(shirts.base_url))
    assert import_articles(hub, conn).error == ""
    with hub.db.session() as s:
        linked = {
            listing.variant_external_id: s.get(ArticleRow, listing.article_id).sku
            for listing in s.scalars(select(Listing).where(Listing.product_external_id == ITEM))
        }
    assert linked == {"SHIRT-V-S": "SHIRT-V-S", "SHIRT-V-M": "SHIRT-V-M", "SHIRT-V-L": "SHIRT-V-L"}
    correct(hub, "SHIRT-V-L", "set", Decimal(6))
    dispatch(hub, conn)
    assert variations(shirts)["SHIRT-V-L"] == 6
    [sent] = [e for e in shirts.control.get("/ledger", params={"kind": "trading.stock"}).json()]
    assert sent["resource_id"] == "SHIRT-V-L" and f"<ItemID>{ITEM}</ItemID>" in sent["body"]

"""The mapper against Amazon's documented examples (ordersV0.json), and the traps the issue names: Pending
orders without prices, FBA, business/Prime/Premium flags, withheld addresses, promotions, mixed currencies."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from conftest import SHARED_SPECS, require_or_skip

from ordersync.channels.amazon.mapping import orders_from_amazon
from ordersync.domain import OrderState

from .fixtures import DE_ITEMS, DE_ORDER, PENDING_ITEMS, PENDING_ORDER, US_ITEMS, US_ORDER


def one(order, items):
    mapped, quarantined = orders_from_amazon([{"order": order, "items": items}])
    assert not quarantined, quarantined
    return mapped[0]


def test_the_documented_unshipped_order():
    order = one(US_ORDER, US_ITEMS)
    assert (order.external_id, order.state, order.currency, order.total) == (
        "902-1845936-5435065",
        OrderState.PAID,
        "USD",
        Decimal("11.01"),
    )
    assert order.channel_status == "Unshipped" and order.tax_total == Decimal("1.01")
    item = order.items[0]
    assert (item.external_id, item.sku, item.attributes["ASIN"], item.quantity, item.total_price) == (
        "05015851154158",
        "NABetaASINB00551Q3CS",
        "B00551Q3CS",
        1,
        Decimal("10.00"),
    )
    # the order list carries no name or street without a Restricted Data Token
    assert "address-withheld" in order.tags and order.shipping_address.street == ""
    assert "cancel-requested" in order.tags and order.buyer_note == "Found cheaper somewhere else."


def test_a_pending_order_has_no_prices_yet_and_is_not_paid():
    order = one(PENDING_ORDER, PENDING_ITEMS)
    assert (order.state, order.currency, order.total, order.paid_at) == (OrderState.ORDERED, "USD", 0, None)
    assert order.items[0].quantity == 2 and order.items[0].total_price == 0


def test_flags_promotions_shipping_and_the_restricted_address():
    order = one(DE_ORDER, DE_ITEMS)
    assert {"Amazon.de", "Business", "Prime", "Premium", "Expedited"} <= set(order.tags)
    assert "address-withheld" not in order.tags
    address = order.shipping_address
    assert (
        address.first_name,
        address.last_name,
        address.street,
        address.house_number,
        address.zip,
        address.country,
    ) == ("Anna", "Müller", "Hauptstraße", "12", "10115", "DE")
    assert order.buyer.email == "abc123@marketplace.amazon.de"
    mug = order.items[0]
    assert mug.total_price == Decimal("23.80") and mug.unit_price == Decimal("11.90")
    assert mug.attributes["promotions"] == "SPRING-10" and mug.attributes["promotion_discount"] == "2.00"
    assert order.shipping_cost == Decimal("4.90") and order.total == Decimal("44.80")
    assert order.tax_total == Decimal("4.12") - Decimal("0.32") + Decimal("0.78") + Decimal("2.57")


def test_fba_orders_are_tagged():
    order = one({**US_ORDER, "FulfillmentChannel": "AFN", "OrderStatus": "Shipped"}, US_ITEMS)
    assert "FBA" in order.tags and order.state is OrderState.SHIPPED


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda o, i: i[0]["ItemPrice"].update(Amount="zehn"), ["item 1", "ItemPrice"]),
        (lambda o, i: i[0].update(QuantityOrdered="1"), ["item 1", "QuantityOrdered"]),
        (lambda o, i: i[0]["ItemTax"].update(CurrencyCode="EUR"), ["ItemTax", "EUR", "USD"]),
        (lambda o, i: o.update(OrderStatus="Lost"), ["OrderStatus", "Lost"]),
        (lambda o, i: o.pop("PurchaseDate"), ["PurchaseDate"]),
    ],
)
def test_bad_records_are_quarantined_with_what_and_where(change, words):
    order, items = copy.deepcopy(US_ORDER), copy.deepcopy(US_ITEMS)
    change(order, items)
    mapped, quarantined = orders_from_amazon([{"order": order, "items": items}, {"order": DE_ORDER, "items": DE_ITEMS}])
    assert [o.external_id for o in mapped] == ["302-1111111-2222222"]
    assert quarantined[0].external_id == "902-1845936-5435065"
    assert all(w in quarantined[0].reason for w in words), quarantined[0].reason


def test_every_documented_sandbox_order_maps():
    spec_file = SHARED_SPECS / "amazon-sp-api" / "ordersV0.json"
    require_or_skip(spec_file.exists(), f"Amazon SP-API specs not found at {spec_file}")
    spec = json.loads(spec_file.read_text())
    cases = spec["paths"]["/orders/v0/orders"]["get"]["responses"]["200"]["x-amzn-api-sandbox"]["static"]
    orders = [o for case in cases for o in case["response"]["payload"]["Orders"]]
    assert len(orders) >= 3
    mapped, quarantined = orders_from_amazon([{"order": o, "items": []} for o in orders])
    assert quarantined == [] and len(mapped) == len(orders)

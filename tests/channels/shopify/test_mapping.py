"""Pure parts of the Shopify connector: status keys and maps, the search window, order and variant mapping."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ordersync.channels.sdk.errors import RecordError
from ordersync.channels.sdk.records import Window
from ordersync.channels.sdk.settings import SettingsError
from ordersync.channels.shopify.connector import window_query
from ordersync.channels.shopify.mapping import order_from_shopify, variant_from_shopify
from ordersync.channels.shopify.statuses import StatusMap, already_done, status_keys
from ordersync.domain import OrderState


def money(amount: str) -> dict:
    return {"shopMoney": {"amount": amount, "currencyCode": "EUR"}}


def order(**changes) -> dict:
    base = {
        "id": "gid://shopify/Order/1",
        "name": "#1001",
        "createdAt": "2025-03-01T10:00:00Z",
        "updatedAt": "2025-03-02T10:00:00+01:00",
        "currencyCode": "EUR",
        "taxesIncluded": False,
        "displayFinancialStatus": "PAID",
        "displayFulfillmentStatus": "UNFULFILLED",
        "closed": False,
        "cancelledAt": None,
        "totalPriceSet": money("26.18"),
        "totalTaxSet": money("4.18"),
        "billingAddress": {
            "address1": "Hauptstraße 5",
            "city": "Berlin",
            "zip": "10115",
            "countryCodeV2": "DE",
            "firstName": "Anna",
            "lastName": "Muster",
        },
        "lineItems": {
            "edges": [
                {
                    "node": {
                        "id": "gid://shopify/LineItem/1",
                        "name": "Tasse",
                        "sku": "T-1",
                        "quantity": 2,
                        "currentQuantity": 2,
                        "originalUnitPriceSet": money("10.00"),
                        "discountAllocations": [{"allocatedAmountSet": money("2.00")}],
                        "taxLines": [{"ratePercentage": 19.0, "priceSet": money("3.42")}],
                        "variant": {"id": "gid://shopify/ProductVariant/9"},
                        "product": {"id": "gid://shopify/Product/8"},
                    }
                }
            ]
        },
        "shippingLines": {
            "edges": [{"node": {"discountedPriceSet": money("4.00"), "taxLines": [{"priceSet": money("0.76")}]}}]
        },
        "transactions": [
            {
                "id": "t1",
                "kind": "SALE",
                "status": "SUCCESS",
                "gateway": "paypal",
                "amountSet": money("26.18"),
                "processedAt": "2025-03-01T10:01:00Z",
            }
        ],
    }
    return {**base, **changes}


def test_net_prices_become_gross_and_items_plus_shipping_make_the_total() -> None:
    mapped = order_from_shopify(order())
    item = mapped.items[0]
    assert (item.total_price, item.unit_price, item.tax_rate) == (Decimal("21.42"), Decimal("10.71"), Decimal("19.00"))
    assert mapped.shipping_cost == Decimal("4.76") and mapped.total == item.total_price + mapped.shipping_cost
    assert mapped.updated_at == datetime(2025, 3, 2, 9, 0, tzinfo=UTC)
    assert mapped.invoice_address.street == "Hauptstraße" and mapped.invoice_address.house_number == "5"
    assert mapped.shipping_address.city == "Berlin"  # no shipping address: the billing one
    assert mapped.payments[0].method == "paypal" and mapped.state is OrderState.PAID


@pytest.mark.parametrize(
    ("changes", "keys", "state"),
    [
        ({}, ["unfulfilled", "paid"], OrderState.PAID),
        ({"cancelledAt": "2025-03-03T00:00:00Z"}, ["cancelled", "unfulfilled", "paid"], OrderState.CANCELLED),
        (
            {"displayFinancialStatus": "REFUNDED", "displayFulfillmentStatus": "FULFILLED"},
            ["returned", "fulfilled", "refunded"],
            OrderState.RETURNED,
        ),
        ({"closed": True, "displayFulfillmentStatus": "FULFILLED"}, ["closed", "fulfilled", "paid"], OrderState.CLOSED),
        ({"displayFulfillmentStatus": "PARTIALLY_FULFILLED"}, ["partially_fulfilled", "paid"], OrderState.PAID),
        ({"displayFinancialStatus": "PENDING"}, ["unfulfilled", "pending"], OrderState.ORDERED),
    ],
)
def test_status_keys_decide_the_state_most_telling_first(changes, keys, state) -> None:
    raw = order(**changes)
    assert status_keys(raw) == keys
    assert StatusMap().state_for(raw)[0] is state


def test_status_maps_are_configurable_and_typos_are_named() -> None:
    custom = StatusMap.from_settings({"partially_fulfilled": "Shipped"}, {"Shipped": "close", "Paid": ""})
    assert custom.state_for(order(displayFulfillmentStatus="PARTIALLY_FULFILLED"))[0] is OrderState.SHIPPED
    assert custom.action_for(OrderState.SHIPPED) == "close" and custom.action_for(OrderState.PAID) is None
    with pytest.raises(SettingsError, match="archive"):
        StatusMap.from_settings({}, {"Closed": "archive"})
    with pytest.raises(SettingsError, match="Versendet2"):
        StatusMap.from_settings({"fulfilled": "Versendet2"})


def test_channel_status_for_is_what_import_reads_after_the_push() -> None:
    statuses = StatusMap()
    assert statuses.status_for(OrderState.CANCELLED) == "cancelled"
    assert statuses.status_for(OrderState.CLOSED) == "closed"
    assert statuses.status_for(OrderState.PAID) == "paid"
    assert statuses.status_for(OrderState.SHIPPED) is None
    assert already_done("open", {"closed": False}) and not already_done(
        "mark_paid", {"displayFinancialStatus": "PENDING"}
    )


def test_the_window_is_a_search_on_updated_at_in_whole_seconds() -> None:
    window = Window(datetime(2025, 1, 1, 12, 0, 0, 700_000, tzinfo=UTC), datetime(2025, 1, 2, tzinfo=UTC))
    assert window_query(window) == "updated_at:>='2025-01-01T12:00:00Z' AND updated_at:<='2025-01-02T00:00:00Z'"
    assert window_query(Window(None, window.until)) == "updated_at:<='2025-01-02T00:00:00Z'"


def test_a_broken_order_raises_a_record_error() -> None:
    with pytest.raises(RecordError, match="createdAt"):
        order_from_shopify(order(createdAt=None))
    with pytest.raises(RecordError, match="country"):
        order_from_shopify(order(billingAddress={"countryCodeV2": "XX"}))


def test_a_variant_keeps_its_inventory_item_id() -> None:
    variant = variant_from_shopify(
        {
            "id": "gid://shopify/ProductVariant/9",
            "sku": "T-1",
            "barcode": "4006381333931",
            "price": "9.90",
            "inventoryQuantity": 4,
            "selectedOptions": [{"name": "Farbe", "value": "Blau"}],
            "inventoryItem": {"id": "gid://shopify/InventoryItem/5", "tracked": True},
        }
    )
    assert variant.attributes == {"Farbe": "Blau", "inventory_item_id": "gid://shopify/InventoryItem/5"}
    assert (variant.ean, variant.stock, variant.manages_stock) == ("4006381333931", Decimal(4), True)


def test_a_partial_refund_maps_amount_date_and_note_without_counting_its_units_twice() -> None:
    """Issue 16 item 3: the refunded units already left ``currentQuantity``; the refund carries the money."""
    raw = order(
        displayFinancialStatus="PARTIALLY_REFUNDED",
        refunds=[
            {
                "id": "gid://shopify/Refund/5",
                "createdAt": "2025-03-03T09:00:00Z",
                "note": "Kratzer",
                "totalRefundedSet": money("11.90"),
            }
        ],
    )
    raw["lineItems"]["edges"][0]["node"]["currentQuantity"] = 1
    mapped = order_from_shopify(raw)
    (refund,) = mapped.refunds
    assert (refund.external_id, refund.amount, refund.currency, refund.reason) == (
        "gid://shopify/Refund/5",
        Decimal("11.90"),
        "EUR",
        "Kratzer",
    )
    assert refund.refunded_at == datetime(2025, 3, 3, 9, tzinfo=UTC)
    assert mapped.refunded_amount == Decimal("11.90")
    assert mapped.items[0].quantity == 1 and mapped.refunded_quantity(mapped.items[0]) == 0

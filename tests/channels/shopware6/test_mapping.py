"""The mapper on Shopware's documented record shapes: money in the order's currency, taxes, shipping, line
item types, the null ``updatedAt``, the three state machines, and records that are quarantined with a reason."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ordersync.channels.sdk.settings import SettingsError
from ordersync.channels.shopware6.mapping import order_from_shopware6, orders_from_shopware6
from ordersync.channels.shopware6.states import StateMap, path
from ordersync.domain import OrderState

from .fixtures import STATE, order

DEFAULT = StateMap.from_settings({}, {})


def test_a_documented_order_maps_with_decimal_money_in_its_currency():
    mapped = order_from_shopware6(order(), DEFAULT)
    assert mapped.currency == "CHF" and mapped.total == Decimal("73.8") and isinstance(mapped.total, Decimal)
    assert mapped.shipping_cost == Decimal("4.9") and mapped.tax_total == Decimal("11.78")
    assert mapped.number == "10042" and mapped.buyer.email == "erika.muster@example.org"
    assert mapped.buyer_note == "Bitte beim Nachbarn abgeben"
    assert (mapped.invoice_address.street, mapped.invoice_address.house_number) == ("Bahnhofstrasse", "10")
    assert mapped.shipping_address.first_name == "Max" and mapped.shipping_address.country == "CH"
    assert [(s.carrier, s.tracking_number) for s in mapped.shipments] == [("DHL Paket", "JJD0099887766")]


def test_line_items_by_type_children_of_a_container_left_out_and_only_products_move_stock():
    items = order_from_shopware6(order(), DEFAULT).items
    assert [i.title for i in items] == ["Espressotasse", "Geschenkset", "5 CHF Rabatt"]
    cup, _, promo = items
    assert (cup.sku, cup.unit_price, cup.total_price, cup.tax_rate) == (
        "SW10010",
        Decimal("17.5"),
        Decimal("35.0"),
        Decimal("19"),
    )
    assert not cup.dont_adjust_stock and cup.product_external_id == "f0000000000000000000000000000001"
    assert promo.total_price == Decimal("-5.0") and promo.dont_adjust_stock and promo.sku == ""
    assert promo.attributes == {"type": "promotion"}


def test_a_never_changed_order_takes_its_creation_time_as_modification_time():
    mapped = order_from_shopware6(order(), DEFAULT)
    assert mapped.updated_at == datetime(2026, 3, 2, 9, 15, 31, tzinfo=UTC)
    assert mapped.created_at == datetime(2026, 3, 2, 9, 15, 30, 123000, tzinfo=UTC)
    changed = order_from_shopware6(order(updatedAt="2026-03-03T10:00:00.000+00:00"), DEFAULT)
    assert changed.updated_at == datetime(2026, 3, 3, 10, tzinfo=UTC)


def test_taxes_keyed_by_rate_as_the_spec_types_them_are_read_too():
    record = order()
    record["price"]["calculatedTaxes"] = {
        "19": {"tax": 11.78, "taxRate": 19, "price": 73.8},
        "7": {"tax": 0.5, "taxRate": 7, "price": 7.6},
    }
    assert order_from_shopware6(record, DEFAULT).tax_total == Decimal("12.28")


def test_the_three_state_machines_decide_the_hub_state_newest_transaction_counting():
    mapped = order_from_shopware6(order(), DEFAULT)
    assert mapped.channel_status == "open/paid/shipped" and mapped.state is OrderState.SHIPPED
    assert mapped.payment_method == "Vorkasse" and [p.amount for p in mapped.payments] == [Decimal("73.8")]
    cancelled = order(stateMachineState=STATE("cancelled"))
    assert order_from_shopware6(cancelled, DEFAULT).state is OrderState.CANCELLED
    unshipped = order()
    unshipped["deliveries"][0]["stateMachineState"] = STATE("open")
    assert order_from_shopware6(unshipped, DEFAULT).state is OrderState.PAID


def test_the_state_maps_are_settings_and_a_typo_is_a_settings_error():
    custom = StateMap.from_settings({"order_delivery:shipped": "Closed"}, {"Paid": "", "Shipped": "order:completed"})
    assert order_from_shopware6(order(), custom).state is OrderState.CLOSED
    assert custom.target_for(OrderState.PAID) is None
    assert custom.target_for(OrderState.SHIPPED).entity == "order"
    with pytest.raises(SettingsError, match="status_map_export"):
        StateMap.from_settings({}, {"Paid": "order_transaction:bezahlt"})
    with pytest.raises(SettingsError, match="status_map_import"):
        StateMap.from_settings({"delivery:shipped": "Shipped"}, {})


def test_transitions_are_walked_along_shopwares_graph():
    assert path("order", "open", "completed") == [("process", "in_progress"), ("complete", "completed")]
    assert path("order_delivery", "open", "shipped") == [("ship", "shipped")]
    assert path("order_transaction", "refunded", "paid") is None


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"currency": None}, "currency.isoCode is missing"),
        ({"amountTotal": "zwölf"}, "amountTotal"),
        ({"orderDateTime": "2026-03-02 09:15:30"}, "no timezone"),
        (
            {"lineItems": [{"id": "x", "label": "Tasse", "quantity": 0, "price": {"unitPrice": 1, "totalPrice": 0}}]},
            "lineItems[0]: quantity 0",
        ),
    ],
)
def test_bad_records_are_quarantined_with_what_and_where(change, reason):
    mapped, quarantined = orders_from_shopware6([order(**change), order(id="f" * 32)], DEFAULT)
    assert [o.external_id for o in mapped] == ["f" * 32]
    assert len(quarantined) == 1 and reason in quarantined[0].reason and quarantined[0].hint
    assert "10042" in quarantined[0].hint

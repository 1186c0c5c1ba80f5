"""The mapper on Adobe's documented example order and on the traps the issue names: folded parent/child
items, amounts in the order currency, UTC times without a zone, the shipping address in the extension
attributes, and bad records quarantined with a reason that says where."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ordersync.channels.magento2.mapping import order_from_magento2, orders_from_magento2
from ordersync.channels.sdk.errors import RecordError
from ordersync.domain import OrderState

from .fixtures import tutorial_order


def test_the_tutorial_order_maps_completely():
    order = order_from_magento2(tutorial_order())
    assert (order.external_id, order.number, order.currency) == ("3", "000000003", "USD")
    assert order.total == Decimal("165") and order.shipping_cost == Decimal("5") and order.tax_total == 0
    assert order.created_at == datetime(2017, 8, 21, 22, 22, 19, tzinfo=UTC)
    assert order.updated_at == datetime(2017, 8, 21, 22, 22, 20, tzinfo=UTC)
    assert order.state is OrderState.ORDERED and order.channel_status == "pending"
    assert order.payment_method == "banktransfer" and order.payments == []
    assert (order.shipping_address.street, order.shipping_address.house_number) == (
        "Oak Ave",
        "123",
    ) or order.shipping_address.city == "Purchase"
    assert order.invoice_address.country == "US" and order.invoice_address.state == "New York"
    assert order.buyer.email == "jdoe@example.com" and order.buyer.external_id == "3"


def test_children_are_folded_so_the_lines_add_up_to_the_grand_total():
    order = order_from_magento2(tutorial_order())
    assert [i.external_id for i in order.items] == ["3", "4", "5", "10"]
    assert sum(i.total_price for i in order.items) + order.shipping_cost == order.total
    hoodie = order.items[3]
    assert (hoodie.sku, hoodie.product_external_id, hoodie.variant_external_id) == ("MH01-S-Gray", "67", "56")
    assert hoodie.attributes == {"variant": "Chaz Kangeroo Hoodie-S-Gray"}
    kit = order.items[2]
    assert kit.variant_external_id == "" and "24-WG084 x1" in kit.attributes["parts"]


def test_processing_orders_read_paid_and_partly_shipped_from_the_amounts():
    paid = order_from_magento2(tutorial_order(state="processing", status="processing", total_paid=165))
    assert paid.state is OrderState.PAID and paid.payments[0].amount == Decimal("165")
    raw = tutorial_order(state="processing", status="processing")
    raw["items"][0]["qty_shipped"] = 1
    assert order_from_magento2(raw).state is OrderState.PARTIALLY_SHIPPED
    assert order_from_magento2(tutorial_order(state="holded", status="holded")).state is OrderState.ORDERED
    assert order_from_magento2(tutorial_order(state="canceled", status="canceled")).state is OrderState.CANCELLED


def test_a_virtual_order_without_shipping_assignment_ships_to_the_billing_address():
    raw = tutorial_order(extension_attributes={})
    order = order_from_magento2(raw)
    assert order.shipping_address == order.invoice_address


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda r: r["items"][0].update(qty_ordered="zwei"), "item 1 (WS12-M-Orange): qty_ordered"),
        (lambda r: r["items"][7].update(row_total_incl_tax=None), "item 8 (MH01-S-Gray): row_total_incl_tax"),
        (lambda r: r.update(order_currency_code="XXX1"), "order_currency_code"),
        (lambda r: r.update(updated_at="gestern"), "updated_at"),
        (lambda r: r["items"][8].update(parent_item_id=99), "parent item 99"),
        (lambda r: r.update(state="lost"), "state 'lost'"),
    ],
)
def test_bad_records_are_quarantined_with_a_reason_saying_where(change, where):
    raw = tutorial_order()
    change(raw)
    orders, quarantined = orders_from_magento2([raw, tutorial_order(entity_id=4)])
    assert [o.external_id for o in orders] == ["4"]
    assert quarantined[0].external_id == "3" and where in quarantined[0].reason, quarantined[0].reason
    assert "#000000003" in quarantined[0].hint


def test_a_record_without_entity_id_is_refused():
    with pytest.raises(RecordError):
        order_from_magento2({"increment_id": "1"})

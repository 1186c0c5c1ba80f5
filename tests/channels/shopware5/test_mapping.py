"""The mapper and the status map, with records written from the vendor's documented example order."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ordersync.channels.sdk.errors import RecordError
from ordersync.channels.sdk.settings import SettingsError
from ordersync.channels.shopware5.mapping import order_from_shopware5, orders_from_shopware5
from ordersync.channels.shopware5.statuses import StatusMap
from ordersync.domain import OrderState

from .fixtures import order

DEFAULT = StatusMap.from_settings()


def test_the_documented_order_maps_completely():
    mapped = order_from_shopware5(order(), DEFAULT)
    assert (mapped.external_id, mapped.number, mapped.currency) == ("15", "20001", "EUR")
    assert mapped.created_at == datetime(2012, 8, 30, 8, 15, 54, tzinfo=UTC) == mapped.updated_at
    assert mapped.total == Decimal("998.56") and mapped.tax_total == Decimal("159.43")
    assert mapped.state is OrderState.ORDERED and mapped.channel_status == "open" and mapped.paid_at is None
    assert mapped.buyer.email == "mustermann@b2b.de" and mapped.payment_method == "Rechnung"
    address = mapped.invoice_address
    assert (address.street, address.house_number, address.zip, address.city, address.country) == (
        "Musterweg",
        "55",
        "00000",
        "Musterstadt",
        "DE",
    )
    assert address.company == "B2B Einkauf" and mapped.shipping_address.last_name == "Kundengruppe-Netto"


def test_net_prices_of_a_net_customer_group_become_gross_and_surcharges_move_no_stock():
    lines = order_from_shopware5(order(), DEFAULT).items
    assert [i.sku for i in lines] == ["SW10196", "SHIPPINGDISCOUNT", "sw-payment-absolute"]
    assert [i.unit_price for i in lines] == [Decimal("995.00"), Decimal("-2.38"), Decimal("5.95")]
    assert [i.dont_adjust_stock for i in lines] == [False, True, True]
    assert lines[0].tax_rate == Decimal(19) and lines[0].product_external_id == "197"
    gross = order_from_shopware5(order(net=0), DEFAULT).items
    assert gross[0].unit_price == Decimal("836.134")  # a gross customer group's prices stay as sent


def test_payment_and_order_statuses():
    paid = order_from_shopware5(order(paymentStatusId=12, clearedDate="2012-09-01T12:00:00+0200"), DEFAULT)
    assert paid.state is OrderState.PAID and paid.paid_at == datetime(2012, 9, 1, 10, tzinfo=UTC)
    assert paid.updated_at == paid.paid_at  # the latest of orderTime and clearedDate
    assert order_from_shopware5(order(orderStatusId=7), DEFAULT).state is OrderState.SHIPPED
    assert order_from_shopware5(order(orderStatusId=2), DEFAULT).state is OrderState.CLOSED
    custom = order_from_shopware5(order(orderStatusId=42), DEFAULT)
    assert custom.state is OrderState.ORDERED and custom.channel_status == "status_42"


def test_the_status_map_is_configurable_both_ways():
    statuses = StatusMap.from_settings(
        {"clarification_required": "Reclamation", "42": "Packed"},
        {"Shipped": "order:completed", "Paid": "", "Packed": "order:5"},
    )
    assert statuses.state_for(8, 17) is OrderState.RECLAMATION and statuses.state_for(42, 17) is OrderState.PACKED
    assert statuses.target_for(OrderState.SHIPPED).status_id == 2
    assert statuses.target_for(OrderState.PAID) is None
    assert statuses.target_for(OrderState.PACKED).name == "ready_for_delivery"
    assert DEFAULT.target_for(OrderState.PAID).field == "paymentStatusId"
    with pytest.raises(SettingsError, match="status_map_export"):
        StatusMap.from_settings({}, {"Shipped": "shipped"})
    with pytest.raises(SettingsError, match="status_map_import"):
        StatusMap.from_settings({"versendet": "Shipped"}, {})


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"orderTime": "2012-08-30 10:15:54"}, "no timezone"),
        ({"currency": "Euro"}, "currency"),
        ({"details": {"42": {}}}, "details is dict"),
        ({"invoiceAmount": "zwölf"}, "invoiceAmount"),
        ({"orderStatusId": "0"}, "orderStatusId"),
    ],
)
def test_bad_records_are_quarantined_with_what_and_where(change, reason):
    good, bad = orders_from_shopware5([order(), order(id=16, **change)], DEFAULT)
    assert [o.external_id for o in good] == ["15"] and len(bad) == 1
    assert reason in bad[0].reason and bad[0].external_id == "16" and bad[0].hint


def test_a_line_with_a_word_for_a_quantity_names_its_line():
    record = order()
    record["details"][1]["quantity"] = "zwei"
    with pytest.raises(RecordError, match="line 2"):
        order_from_shopware5(record, DEFAULT)

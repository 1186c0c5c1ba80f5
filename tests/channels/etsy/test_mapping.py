"""Receipts written from Etsy's schema (fixtures.py) map completely: Money objects to Decimal, epoch seconds to
aware UTC, transactions with SKU, listing, product and variations, taxes, shipping, gift message and the
recipient; and a damaged receipt is quarantined with a reason that says what and where."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ordersync.channels.etsy.mapping import TAX_TAG, money, order_from_etsy, orders_from_etsy
from ordersync.channels.sdk.errors import RecordError
from ordersync.domain import OrderState

from .fixtures import RECEIPT, receipt, usd


def test_a_documented_receipt_maps_completely():
    order = order_from_etsy(RECEIPT)
    assert (order.external_id, order.number, order.state, order.currency) == (
        "2480000001",
        "2480000001",
        OrderState.PAID,
        "USD",
    )
    assert order.total == Decimal("71.74") and order.shipping_cost == Decimal("4.95")
    assert order.tax_total == Decimal("4.80") and TAX_TAG in order.tags and "gift" in order.tags
    assert order.created_at == datetime.fromtimestamp(1717000000, UTC)
    assert order.updated_at == datetime.fromtimestamp(1717086400, UTC) and order.updated_at.tzinfo is not None
    assert order.paid_at == datetime.fromtimestamp(1717000120, UTC)
    mug, towel = order.items
    assert (mug.external_id, mug.sku, mug.product_external_id, mug.variant_external_id) == (
        "3990000101",
        "MUG-SPECKLED-L",
        "1234567890",
        "11223344",
    )
    assert (mug.quantity, mug.unit_price, mug.total_price) == (Decimal(2), Decimal("24.50"), Decimal("49.00"))
    assert mug.attributes == {"Primary color": "Sage", "Personalization": "For Mia"}
    assert (towel.sku, towel.unit_price, towel.attributes) == ("", Decimal("12.99"), {})
    assert sum(i.total_price for i in order.items) + order.shipping_cost + order.tax_total == order.total
    address = order.shipping_address
    assert (address.first_name, address.last_name, address.street, address.house_number, address.line2) == (
        "Jane Q",
        "Doe",
        "Main St",
        "123",
        "Apt 2",
    )
    assert (address.zip, address.city, address.state, address.country) == ("62701", "Springfield", "IL", "US")
    assert order.buyer.email == "buyer@example.com" and order.buyer.external_id == "87654321"
    assert order.buyer_note == "Please ship before Friday"
    assert [c.text for c in order.comments] == ["Gift message: Happy birthday, Mia! (from Jane)"]
    assert order.payments[0].amount == Decimal("71.74") and order.payment_method == "cc"


def test_money_is_amount_over_divisor_never_a_float():
    assert money({"amount": 1, "divisor": 10, "currency_code": "EUR"}, "x") == (Decimal("0.1"), "EUR")
    assert money({"amount": 123456, "divisor": 1000, "currency_code": "JPY"}, "x")[0] == Decimal("123.456")
    for bad in (
        {"amount": "12", "divisor": 100, "currency_code": "USD"},
        {"amount": 12, "divisor": 0, "currency_code": "USD"},
        {"amount": 12.5, "divisor": 100, "currency_code": "USD"},
        None,
    ):
        with pytest.raises(RecordError):
            money(bad, "grandtotal")


@pytest.mark.parametrize(
    "status, shipped, state",
    [
        ("open", False, OrderState.ORDERED),
        ("payment processing", False, OrderState.ORDERED),
        ("paid", True, OrderState.SHIPPED),
        ("completed", True, OrderState.SHIPPED),
        ("canceled", False, OrderState.CANCELLED),
        ("fully refunded", False, OrderState.CANCELLED),
        ("partially refunded", False, OrderState.PAID),
    ],
)
def test_every_documented_status_has_a_hub_state(status, shipped, state):
    assert order_from_etsy(receipt(status=status, is_shipped=shipped)).state is state


def test_shipments_and_refunds_are_read():
    order = order_from_etsy(
        receipt(
            status="completed",
            is_shipped=True,
            shipments=[
                {
                    "receipt_shipping_id": 55,
                    "shipment_notification_timestamp": 1717100000,
                    "carrier_name": "usps",
                    "tracking_code": "9400111899223",
                }
            ],
            refunds=[
                {
                    "amount": usd(1299),
                    "created_timestamp": 1717200000,
                    "reason": "damaged",
                    "note_from_issuer": None,
                    "status": "complete",
                }
            ],
        )
    )
    assert [(s.carrier, s.tracking_number) for s in order.shipments] == [("usps", "9400111899223")]
    assert order.shipped_at == datetime.fromtimestamp(1717100000, UTC)
    assert [(r.amount, r.currency, r.reason) for r in order.refunds] == [(Decimal("12.99"), "USD", "damaged")]


def test_a_damaged_receipt_is_quarantined_with_what_and_where_and_the_rest_kept():
    bad_quantity = receipt(receipt_id=2480000002)
    bad_quantity["transactions"][1]["quantity"] = 0
    other_currency = receipt(
        receipt_id=2480000003, total_shipping_cost={"amount": 495, "divisor": 100, "currency_code": "EUR"}
    )
    orders, quarantined = orders_from_etsy([RECEIPT, bad_quantity, other_currency, {"no": "id"}])
    assert [o.external_id for o in orders] == ["2480000001"]
    reasons = {q.external_id: q.reason for q in quarantined}
    assert "transaction 2: quantity 0" in reasons["2480000002"]
    assert "total_shipping_cost is in EUR" in reasons["2480000003"]
    assert all(q.hint for q in quarantined) and len(quarantined) == 3

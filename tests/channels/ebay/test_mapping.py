"""The mapper against records written from eBay's documented Order shape."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from ordersync.channels.ebay.mapping import COLLECTED_TAG, orders_from_ebay
from ordersync.domain import OrderState

from .fixtures import order


def test_a_documented_order_maps_completely():
    [mapped], quarantined = orders_from_ebay([order()])
    assert quarantined == []
    assert (mapped.external_id, mapped.number, mapped.currency) == ("11-04921-93125", "1042", "EUR")
    assert mapped.state is OrderState.PAID and mapped.channel_status == "PAID/NOT_STARTED"
    assert mapped.created_at == datetime(2024, 3, 8, 21, 21, 48, tzinfo=UTC)
    assert mapped.updated_at == datetime(2024, 3, 8, 21, 25, 4, tzinfo=UTC)
    assert (mapped.total, mapped.shipping_cost, mapped.tax_total) == (
        Decimal("64.79"),
        Decimal("4.99"),
        Decimal("9.55"),
    )
    shirt, mug = mapped.items
    assert (shirt.external_id, shirt.sku, shirt.product_external_id, shirt.variant_external_id) == (
        "10045823617027",
        "SHIRT-BLUE-M",
        "110436295851",
        "410021134563",
    )
    assert (shirt.quantity, shirt.unit_price, shirt.total_price) == (Decimal(2), Decimal("19.90"), Decimal("39.80"))
    assert shirt.attributes == {"Farbe": "Blau", "Größe": "M"}
    assert (mug.sku, mug.quantity, mug.attributes) == ("MUG-1", Decimal(1), {})
    assert mapped.buyer.external_id == "testuser_buyer" and mapped.buyer.email.endswith("@members.ebay.com")
    assert (mapped.invoice_address.first_name, mapped.invoice_address.last_name) == ("Erika", "Mustermann")
    ship = mapped.shipping_address
    assert (ship.company, ship.street, ship.zip, ship.city, ship.country) == (
        "Muster GmbH",
        "Am Hof 3 Hinterhaus",
        "10117",
        "Berlin",
        "DE",
    )
    assert mapped.paid_at == datetime(2024, 3, 8, 21, 21, 50, tzinfo=UTC)
    assert mapped.payments[0].transaction_id == "5D8301234F"


def test_vat_that_ebay_collects_is_named():
    [mapped], _ = orders_from_ebay([order()])
    assert COLLECTED_TAG in mapped.tags
    assert any("9.55 EUR" in c.text for c in mapped.comments)
    [plain], _ = orders_from_ebay(
        [
            order(
                ebayCollectAndRemitTax=None,
                lineItems=[{**line, "ebayCollectAndRemitTaxes": []} for line in order()["lineItems"]],
            )
        ]
    )
    assert COLLECTED_TAG not in plain.tags and plain.comments == []


def test_only_orders_with_completed_checkout_are_imported():
    mapped, quarantined = orders_from_ebay(
        [
            order(orderPaymentStatus="PENDING", orderId="A"),
            order(orderPaymentStatus="FAILED", orderId="B"),
            order(orderPaymentStatus="PAID", orderId="C"),
            order(orderPaymentStatus="FULLY_REFUNDED", orderId="D"),
        ]
    )
    assert [o.external_id for o in mapped] == ["C", "D"] and quarantined == []
    assert mapped[1].state is OrderState.CANCELLED


def test_fulfilment_and_cancel_states():
    assert orders_from_ebay([order(orderFulfillmentStatus="IN_PROGRESS")])[0][0].state is OrderState.PARTIALLY_SHIPPED
    assert orders_from_ebay([order(orderFulfillmentStatus="FULFILLED")])[0][0].state is OrderState.SHIPPED
    cancelled = orders_from_ebay([order(cancelStatus={"cancelState": "CANCELED"})])[0][0]
    assert cancelled.state is OrderState.CANCELLED and cancelled.channel_status.endswith("CANCELED")


def test_a_bad_line_is_quarantined_with_where_and_the_rest_goes_on():
    bad = order(orderId="X")
    bad["lineItems"][1]["quantity"] = "zwei"
    other = order(orderId="Y", pricingSummary={"total": {"value": "12.00", "currency": "EUR"}})
    other["lineItems"][0]["lineItemCost"] = {"value": "1.00", "currency": "USD"}
    mapped, quarantined = orders_from_ebay([bad, order(orderId="OK"), other])
    assert [o.external_id for o in mapped] == ["OK"]
    assert [q.external_id for q in quarantined] == ["X", "Y"]
    assert "line 2" in quarantined[0].reason and "zwei" in quarantined[0].reason
    assert "USD" in quarantined[1].reason


def test_an_order_without_payment_status_is_quarantined_not_guessed():
    mapped, quarantined = orders_from_ebay([order(orderPaymentStatus=None)])
    assert mapped == [] and "orderPaymentStatus" in quarantined[0].reason

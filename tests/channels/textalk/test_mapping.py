"""Textalk order JSON → domain Order, statuses, and the JSON-RPC envelope, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ordersync.channels.sdk.errors import AuthError, PermanentError, TransientError
from ordersync.channels.sdk.settings import SettingsError
from ordersync.channels.textalk import protocol
from ordersync.channels.textalk.mapping import MappingConfig, order_from_textalk, orders_from_textalk, text
from ordersync.channels.textalk.statuses import StatusMap, status_key
from ordersync.domain import OrderState

from .fixtures import order_record


def test_a_generated_order_maps_completely():
    raw = order_record(3)
    order = order_from_textalk(raw)
    assert order.external_id == str(raw["uid"]) and order.number == raw["orderNumber"]
    assert order.created_at == datetime(2024, 5, 29, 16, 26, 40, tzinfo=UTC)
    assert order.updated_at == datetime(2024, 5, 30, 16, 26, 40, tzinfo=UTC)
    assert order.currency == raw["currency"] and order.total == Decimal(str(raw["costs"]["total"]["incVat"]))
    assert order.shipping_cost == Decimal(str(raw["costs"]["shipment"]["incVat"]))
    lines = sum((i.total_price for i in order.items), Decimal(0)) + order.shipping_cost
    assert lines == order.total  # items, payment fee and shipping add up
    first = raw["items"][0]
    assert order.items[0].sku == first["articleNumber"] and order.items[0].title == first["articleName"]
    assert order.items[0].quantity == first["choices"]["quantity"]
    assert order.items[0].unit_price == Decimal(str(first["costs"]["unit"]["incVat"]))
    assert order.items[0].tax_rate in (Decimal(19), Decimal(25))
    assert order.items[0].product_external_id == str(first["article"])
    assert order.invoice_address.house_number and order.invoice_address.street  # split German style
    assert order.buyer.email == raw["customer"]["info"]["email"]


def test_language_keyed_texts_prefer_the_configured_language():
    raw = order_record(4)
    raw["items"][0]["articleName"] = {"sv": "Kaffemugg", "de": "Kaffeebecher"}
    assert order_from_textalk(raw, MappingConfig(language="sv")).items[0].title == "Kaffemugg"
    assert order_from_textalk(raw).items[0].title == "Kaffeebecher"  # de before sv without a preference
    assert text({"fi": " Muki "}) == "Muki" and text("plain") == "plain" and text(None) == ""


def test_quantity_falls_back_on_total_over_unit_and_choices_become_attributes():
    raw = order_record(4)
    line = raw["items"][0]
    line["choices"] = {"7700001": "7700002"}
    line["costs"] = {"total": {"incVat": 38.7}, "unit": {"incVat": 12.9}}
    item = order_from_textalk(raw).items[0]
    assert item.quantity == 3 and item.attributes == {"7700001": "7700002"}
    line["costs"] = {"total": {"incVat": 10}, "unit": {"incVat": 3}}
    assert "no quantity" in orders_from_textalk([raw]).quarantined[0].reason


def test_documented_customer_fields_reach_the_addresses():
    raw = order_record(1)
    order = order_from_textalk(raw)
    invoice = order.invoice_address
    assert (invoice.first_name, invoice.last_name, invoice.street, invoice.house_number) == (
        "Lukas",
        "Müller",
        "Hauptstraße",
        "12",
    )
    assert (invoice.zip, invoice.city, invoice.country, invoice.phone) == ("10115", "Berlin", "DE", "+46 70 123 45 67")
    assert order.shipping_address == invoice  # copyAddress
    company = order_from_textalk(order_record(2)).invoice_address
    assert company.company == "Weber Keramik GmbH" and company.city == "München"


def test_delivery_address_used_when_given_else_invoice():
    raw = order_record(5)  # its own delivery address, the recipient's name in one field
    shipping = order_from_textalk(raw).shipping_address
    assert (shipping.first_name, shipping.last_name) == ("Eva Maria", "Lind")
    assert (shipping.street, shipping.house_number, shipping.zip, shipping.city) == (
        "Hafenweg",
        "2",
        "20457",
        "Hamburg",
    )
    assert shipping != order_from_textalk(raw).invoice_address
    raw["customer"]["deliveryAddress"] = {}
    order = order_from_textalk(raw)
    assert order.shipping_address == order.invoice_address
    raw["customer"]["deliveryAddress"] = {**order_record(5)["customer"]["deliveryAddress"], "copyAddress": True}
    order = order_from_textalk(raw)
    assert order.shipping_address == order.invoice_address


@pytest.mark.parametrize(
    "patch, reason",
    [
        ({"ordered": "gestern"}, "ordered"),
        ({"currency": "XXY"}, "currency"),
        ({"costs": {"total": {}}}, "costs.total.incVat"),
        ({"costs": {"total": {"incVat": 10, "currency": "USD"}}}, "USD"),
        ({"customer": "Anna"}, "customer is str"),
        ({"discarded": "yes"}, "discarded"),
        ({"items": {"a": 1}}, "items is dict"),
        ({"items": [12345]}, "item 1 could not be read"),
        ({"uid": "x1"}, "uid"),
    ],
)
def test_bad_records_are_explained(patch, reason):
    raw = order_record(6, **patch)
    page = orders_from_textalk([raw, order_record(7)])
    assert len(page.orders) == 1 and len(page.quarantined) == 1
    assert reason in page.quarantined[0].reason
    assert page.quarantined[0].raw == raw


def test_bad_item_quantity_and_country():
    raw = order_record(8)
    raw["items"][0]["choices"]["quantity"] = "zwei"
    assert "zwei" in orders_from_textalk([raw]).quarantined[0].reason
    raw = order_record(8)
    raw["customer"]["address"]["country"] = "Germany"
    q = orders_from_textalk([raw]).quarantined[0]
    assert "country" in q.reason and q.hint


def test_carts_are_counted_not_quarantined():
    page = orders_from_textalk([order_record(9, ordered=None), order_record(10)])
    assert len(page.orders) == 1 and page.carts == [str(order_record(9)["uid"])] and not page.quarantined


def test_status_keys_and_defaults():
    statuses = StatusMap()
    assert status_key(True, "paid", "sent") == "discarded"
    assert status_key(False, "Paid", "Unsent") == "paid/unsent"
    assert statuses.state_for("paid/unsent") is OrderState.PAID
    assert statuses.state_for("unpaid/sent") is OrderState.SHIPPED
    assert statuses.state_for("discarded") is OrderState.CANCELLED
    assert statuses.state_for("paid/partially-sent") is OrderState.PAID  # unknown: falls back on payment
    assert statuses.state_for("pending/unknown") is OrderState.ORDERED
    order = order_from_textalk(order_record(11, discarded=True))
    assert order.state is OrderState.CANCELLED and order.channel_status == "discarded"


def test_status_overrides_and_typos():
    statuses = StatusMap.from_settings({"Paid / Unsent": "Packed", "discarded": "Deleted"})
    assert statuses.state_for("paid/unsent") is OrderState.PACKED
    assert statuses.state_for("discarded") is OrderState.DELETED
    with pytest.raises(SettingsError, match="status_map_import"):
        StatusMap.from_settings({"paid": "Packed"})
    with pytest.raises(SettingsError, match="'paid/unsent'"):
        StatusMap.from_settings({"paid/unsent": "Gepackt-ish"})


@pytest.mark.parametrize(
    "code, kind",
    [
        (-32700, PermanentError),
        (-32600, PermanentError),
        (-32601, PermanentError),
        (-32602, PermanentError),
        (-32603, TransientError),
        (-32000, TransientError),
        (-32050, TransientError),
        (1001, AuthError),
        (1002, AuthError),
        (1004, AuthError),
        (1006, AuthError),
        (1007, PermanentError),
        (4711, PermanentError),
    ],
)
def test_error_codes_map_to_the_sdk_taxonomy(code, kind):
    exc = protocol.error_for(
        "Order.list", {"code": code, "message": "m", "data": [{"message": "bad", "pointer": "/1/limit"}]}
    )
    assert type(exc) is kind and exc.rpc_code == code
    assert "Order.list" in str(exc) and f"JSON-RPC error {code}" in str(exc) and "/1/limit: bad" in str(exc)


def test_envelope_reading():
    assert protocol.result_of("m", {"jsonrpc": "2.0", "id": 3, "result": [1]}, 3) == [1]
    with pytest.raises(TransientError, match="not 3"):
        protocol.result_of("m", {"jsonrpc": "2.0", "id": 4, "result": []}, 3)
    with pytest.raises(TransientError, match="JSON-RPC 2.0"):
        protocol.result_of("m", "<html>", 3)
    with pytest.raises(TransientError, match="not JSON"):
        protocol.parse_body("m", b"<html>oops")
    results = protocol.results_of_batch(
        [("a", 1), ("b", 2)],
        [
            {"jsonrpc": "2.0", "id": 2, "error": {"code": -32602, "message": "Invalid params"}},
            {"jsonrpc": "2.0", "id": 1, "result": "A"},
        ],
    )
    assert results[0] == "A" and isinstance(results[1], PermanentError)
    with pytest.raises(AuthError):
        protocol.results_of_batch([("a", 1)], [{"jsonrpc": "2.0", "id": 1, "error": {"code": 1004, "message": "x"}}])

"""WooCommerce JSON → domain objects, with fixtures written for these tests (no vendor files)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ordersync.channels.sdk.errors import RecordError
from ordersync.channels.sdk.settings import SettingsError
from ordersync.channels.woocommerce.mapping import MappingConfig, article_from_wc, order_from_wc, orders_from_wc
from ordersync.channels.woocommerce.statuses import DEFAULT_EXPORT, StatusMap
from ordersync.channels.woocommerce.tracking import (
    TRACKING_PLUGIN_KEY,
    meta_value_with,
    note_containing,
    shipments_from_meta,
    tracking_note,
)
from ordersync.domain import OrderState, Shipment

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def paid():
    return load("order_paid_de.json")


def test_paid_order_maps_completely(paid):
    order = order_from_wc(paid)
    assert (order.external_id, order.number, order.channel_status) == ("5120", "DE-5120", "processing")
    assert order.state is OrderState.PAID and order.currency == "EUR"
    assert order.created_at == datetime(2024, 7, 1, 8, 15, tzinfo=UTC)  # the _gmt field, as UTC
    assert order.updated_at == datetime(2024, 7, 1, 8, 20, 30, tzinfo=UTC)
    assert order.paid_at == datetime(2024, 7, 1, 8, 16, 2, tzinfo=UTC)
    assert order.total == Decimal("52.49") and order.tax_total == Decimal("7.47")
    assert order.shipping_cost == Decimal("4.90")
    assert order.buyer_note == "Bitte beim Nachbarn abgeben."
    assert order.payment_method == "PayPal"
    [payment] = order.payments
    assert payment.transaction_id == "7RT12345AB678901C" and payment.amount == Decimal("52.49")


def test_items_are_gross_and_add_up(paid):
    order = order_from_wc(paid)
    hoodie, book, fee = order.items
    assert (hoodie.quantity, hoodie.unit_price, hoodie.total_price) == (Decimal(2), Decimal("18.50"), Decimal("37.00"))
    assert hoodie.sku == "BK-HOOD-M-NV" and hoodie.product_external_id == "301" and hoodie.variant_external_id == "305"
    assert hoodie.tax_rate == Decimal(19) and hoodie.attributes == {"Größe": "M"}
    assert book.tax_rate == Decimal(7) and book.variant_external_id == ""
    assert fee.external_id == "fee:804" and fee.total_price == Decimal("-1.40") and fee.dont_adjust_stock
    assert sum(i.total_price for i in order.items) + order.shipping_cost == order.total
    assert all(isinstance(i.quantity, Decimal) for i in order.items)


def test_addresses_buyer_and_street_split(paid):
    order = order_from_wc(paid)
    inv, ship = order.invoice_address, order.shipping_address
    assert (inv.street, inv.house_number, inv.zip, inv.country) == ("Straße des 17. Juni", "4a", "10623", "DE")
    assert inv.email == "juergen.gross@example.org" and inv.phone == "+49 30 1234567"
    assert (ship.street, ship.house_number, ship.company) == ("Lindenallee", "23", "Groß & Söhne GmbH")
    assert order.buyer.external_id == "88" and order.buyer.last_name == "Groß"


def test_tracking_meta_becomes_shipments(paid):
    order = order_from_wc(paid)
    [shipment] = order.shipments
    assert (shipment.carrier, shipment.tracking_number) == ("dhl", "00340434161234567890")
    assert shipment.shipped_at == datetime(2024, 7, 1, 10, 40, tzinfo=UTC)
    assert order.shipped_at == shipment.shipped_at


def test_guest_virtual_order_uses_billing_for_shipping():
    order = order_from_wc(load("order_guest_pending.json"))
    assert order.state is OrderState.ORDERED and order.paid_at is None and order.payments == []
    assert order.buyer.external_id == ""
    assert order.shipping_address.city == "Wien" and order.shipping_address.country == "AT"
    assert order.shipping_address.house_number == "101/4/12"


@pytest.mark.parametrize(
    "break_it,reason",
    [
        (lambda o: o["line_items"][0].pop("total"), "has no total"),
        (lambda o: o["line_items"][0].update(quantity="zwei"), "quantity"),
        (lambda o: o["line_items"][0].update(quantity=True), "quantity"),
        (lambda o: o["line_items"][1].update(quantity=-1), "negative"),
        (lambda o: o.update(date_created_gmt="gestern"), "date_created_gmt"),
        (lambda o: o.update(date_created_gmt=None), "date_created_gmt is missing"),
        (lambda o: o.update(total="n/a"), "total"),
        (lambda o: o.update(currency="EURO"), "currency"),
        (lambda o: o["billing"].update(country="XX"), "country"),
        (lambda o: o.update(line_items=[17]), "not an object"),
    ],
)
def test_malformed_orders_raise_record_errors(paid, break_it, reason):
    break_it(paid)
    with pytest.raises(RecordError, match=reason) as err:
        order_from_wc(paid)
    assert err.value.hint


def test_a_bad_record_is_quarantined_and_the_rest_continue(paid):
    bad = copy.deepcopy(paid)
    bad["id"], bad["line_items"][0]["quantity"] = 5999, "x"
    orders, quarantined = orders_from_wc([paid, bad, load("order_guest_pending.json"), "garbage"])
    assert [o.external_id for o in orders] == ["5120", "5121"]
    assert [q.external_id for q in quarantined][0] == "5999"
    assert quarantined[0].raw is bad and "quantity" in quarantined[0].reason and "DE-5120" in quarantined[0].hint
    assert quarantined[1].external_id.startswith("sha256:")


def test_status_maps_defaults_and_overrides():
    m = StatusMap()
    assert m.state_for("completed") is OrderState.SHIPPED and m.state_for("wc-on-hold") is OrderState.ORDERED
    assert m.state_for("my-custom") is OrderState.ORDERED and m.state_for("my-custom", paid=True) is OrderState.PAID
    assert set(DEFAULT_EXPORT) == set(OrderState)  # every one of the 17 states is decided
    assert m.status_for(OrderState.SHIPPED) == "completed" and m.status_for(OrderState.ARCHIVED) is None
    custom = StatusMap.from_settings(
        {"wc-awaiting-pickup": "Gepackt", "on-hold": "2"}, {"packed": "awaiting-pickup", "Closed": ""}
    )
    assert (
        custom.state_for("awaiting-pickup") is OrderState.PACKED and custom.state_for("on-hold") is OrderState.CONFIRMED
    )
    assert custom.status_for(OrderState.PACKED) == "awaiting-pickup" and custom.status_for(OrderState.CLOSED) is None
    with pytest.raises(SettingsError, match="status_map_import"):
        StatusMap.from_settings({"processing": "paid-ish"})
    with pytest.raises(SettingsError, match="status_map_export"):
        StatusMap.from_settings(None, {"Shipped": "not a slug!"})


def test_import_map_override_applies_to_orders(paid):
    config = MappingConfig(StatusMap.from_settings({"processing": "Bestätigt"}))
    assert order_from_wc(paid, config).state is OrderState.CONFIRMED


def test_custom_tracking_key_is_read_alongside_the_plugin_key(paid):
    paid["meta_data"].append({"id": 9100, "key": "_tracking_number", "value": "1Z999, 1Z998"})
    order = order_from_wc(paid, MappingConfig(tracking_meta_key="_tracking_number"))
    assert [s.tracking_number for s in order.shipments] == ["1Z999", "1Z998", "00340434161234567890"]


def test_meta_value_with_adds_once():
    shipment = Shipment(
        "DHL", "0034043416", "https://nolp.dhl.de/?piececode=0034043416", shipped_at=datetime(2024, 7, 2, tzinfo=UTC)
    )
    value = meta_value_with([], TRACKING_PLUGIN_KEY, shipment)
    assert value[0]["custom_tracking_provider"] == "DHL" and value[0]["date_shipped"] == "1719878400"
    meta = [{"key": TRACKING_PLUGIN_KEY, "value": value}]
    assert shipments_from_meta(meta)[0].tracking_url.startswith("https://nolp")
    assert meta_value_with(meta, TRACKING_PLUGIN_KEY, shipment) is None
    second = meta_value_with(meta, TRACKING_PLUGIN_KEY, Shipment("DPD", "0998"))
    assert [i["tracking_number"] for i in second] == ["0034043416", "0998"]
    assert meta_value_with([{"key": "_trk", "value": "A1"}], "_trk", shipment) == "A1, 0034043416"


def test_tracking_note_and_lookup():
    shipment = Shipment("DHL", "0034043416", "https://t.example/0034043416")
    de, en = tracking_note(shipment, "de"), tracking_note(shipment, "en")
    assert "Sendungsnummer: 0034043416" in de and "https://t.example" in de and "Tracking number" in en
    notes = [{"id": 1, "note": "Order status changed."}, {"id": 2, "note": de.replace("\n", "<br>\n")}]
    assert note_containing(notes, "0034043416")["id"] == 2
    assert note_containing(notes, "Bestellung &amp; Versand") is None
    assert note_containing([{"note": "Bestellung &amp; Versand"}], "Bestellung & Versand") is not None


def test_variable_product_with_variations():
    data = load("product_variable.json")
    article = article_from_wc(data["product"], data["variations"])
    assert (article.external_id, article.sku, article.ean) == ("301", "BK-HOOD", "4006381333931")
    assert article.updated_at == datetime(2024, 6, 30, 10, tzinfo=UTC) and article.stock is None
    m, l = article.variants
    assert (m.ean, m.stock, m.manages_stock, m.attributes) == (
        "4012345678901",
        Decimal(7),
        True,
        {"Größe": "M", "Farbe": "Navy"},
    )
    assert l.manages_stock is False and l.stock is None and l.title == "Größe: L, Farbe: Navy"
    with pytest.raises(RecordError):
        article_from_wc({"id": 5, "price": "abc"})

"""The PrestaShop mapper against records written from the vendor's documentation (``fixtures``)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from ordersync.channels.prestashop.connector import PrestashopConnector
from ordersync.channels.prestashop.mapping import Lookups, orders_from_prestashop
from ordersync.channels.prestashop.states import StateMap
from ordersync.channels.sdk.records import Window
from ordersync.channels.sdk.settings import SettingsError
from ordersync.domain import OrderState

from .fixtures import ADDRESSES, CUSTOMERS, ORDER, ORDER_STATES


def lookups(states: StateMap | None = None) -> Lookups:
    return Lookups(
        ZoneInfo("Europe/Berlin"), states or StateMap(), ORDER_STATES, {"1": "EUR"}, {"1": "DE"}, ADDRESSES, CUSTOMERS
    )


def one(raw: dict, look: Lookups | None = None):
    orders, quarantined = orders_from_prestashop([raw], look or lookups())
    return orders, quarantined


def test_a_documented_order_maps_completely():
    [order], [] = one(ORDER)
    assert order.external_id == "5" and order.number == "XKBKNABJK" and order.currency == "EUR"
    assert order.total == Decimal("61.80") and order.shipping_cost == Decimal("8.33")
    assert order.tax_total == Decimal("9.87") and order.state is OrderState.PAID
    assert order.channel_status == "Payment accepted" and order.payment_method == "Payment by check"
    # the night DST began in Berlin: 01:30 is CET (UTC+1), 03:30 CEST (UTC+2)
    assert order.created_at == datetime(2024, 3, 31, 0, 30, tzinfo=UTC)
    assert order.updated_at == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)
    first, second = order.items
    assert (first.sku, first.variant_external_id, first.product_external_id) == ("demo_1", "1", "1")
    assert first.unit_price == Decimal("28.441") and second.variant_external_id == ""
    assert order.shipping_address.street == "Kastanienallee" and order.shipping_address.house_number == "3"
    assert order.shipping_address.phone == "0170 1234567" and order.invoice_address.company == "Acme GmbH"
    assert order.shipping_address.country == "DE" and order.buyer.email == "pub@prestashop.com"


def test_an_unknown_state_id_is_read_from_its_flags_and_the_seller_map_wins():
    raw = dict(ORDER, current_state="20")
    assert one(raw)[0][0].state is OrderState.SHIPPED
    mapped = StateMap({"20": "Closed"}, {"Shipped": "20", "Cancelled": ""})
    assert one(raw, lookups(mapped))[0][0].state is OrderState.CLOSED
    assert mapped.state_id_for(OrderState.SHIPPED) == "20" and mapped.state_id_for(OrderState.CANCELLED) is None
    with pytest.raises(SettingsError):
        StateMap({"paid": "Paid"})
    with pytest.raises(SettingsError):
        StateMap({}, {"Shipped": "versendet"})


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda r: r.update(id_currency="3"), "id_currency"),
        (lambda r: r.update(id_address_delivery="99"), "id_address_delivery"),
        (lambda r: r.update(total_paid_tax_incl="abc"), "total_paid_tax_incl"),
        (lambda r: r.update(date_upd="2024-03-31T03:30:00+02:00"), "date_upd"),
        (lambda r: r["associations"]["order_rows"][1].update(product_quantity="0"), "order row 2"),
        (lambda r: r.update(associations=[1]), "associations"),
    ],
)
def test_a_broken_order_is_quarantined_with_what_and_where(change, where):
    raw = copy.deepcopy(ORDER)
    change(raw)
    orders, [quarantined] = one(raw)
    assert orders == [] and where in quarantined.reason and quarantined.external_id == "5"


def test_an_order_without_rows_has_no_items():
    raw = {k: v for k, v in ORDER.items() if k != "associations"}
    assert one(raw)[0][0].items == []


def test_the_window_is_written_in_shop_dates_and_widened_where_summer_time_ends():
    connector = PrestashopConnector({"base_url": "https://shop.example", "api_key": "K" * 32})
    plain = connector.window_filter(
        Window(datetime(2024, 7, 1, 10, 0, 0, 500000, tzinfo=UTC), datetime(2024, 7, 1, 11, 0, 0, 900000, tzinfo=UTC))
    )
    assert plain == {"date": "1", "filter[date_upd]": "[2024-07-01 12:00:01,2024-07-01 13:00:00]"}
    # 27 Oct 2024 03:00 CEST became 02:00 CET: local dates 02:00-02:59 exist twice
    autumn = connector.window_filter(
        Window(datetime(2024, 10, 27, 0, 30, tzinfo=UTC), datetime(2024, 10, 27, 1, 30, tzinfo=UTC))
    )
    assert autumn["filter[date_upd]"] == "[2024-10-27 01:30:01,2024-10-27 03:30:00]"
    spring = connector.window_filter(
        Window(datetime(2024, 3, 31, 0, 30, tzinfo=UTC), datetime(2024, 3, 31, 1, 30, tzinfo=UTC))
    )
    assert spring["filter[date_upd]"] == "[2024-03-31 01:30:01,2024-03-31 03:30:00]"
    connector.close()

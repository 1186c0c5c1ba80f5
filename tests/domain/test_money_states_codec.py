"""Money parsing, Billbee-numbered order states, and the lossless JSON codec the store hashes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ordersync.domain import (
    Address,
    Article,
    ArticleVariant,
    Buyer,
    Comment,
    Money,
    Order,
    OrderItem,
    OrderState,
    Payment,
    Refund,
    Shipment,
    StockUpdate,
    to_decimal,
)
from ordersync.domain.codec import content_hash, dumps, from_data, to_data
from ordersync.domain.money import check_currency

# money -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("19.99", Decimal("19.99")),
        (" 5 ", Decimal("5")),
        (7, Decimal("7")),
        (0.1, Decimal("0.1")),
        (Decimal("1.50"), Decimal("1.50")),
        ("1e2", Decimal("100")),
    ],
)
def test_to_decimal_parses_vendor_amounts(raw: object, expected: Decimal) -> None:
    assert to_decimal(raw) == expected


def test_float_goes_through_str_so_no_binary_noise() -> None:
    assert str(to_decimal(0.1)) == "0.1"
    assert str(to_decimal(19.99)) == "19.99"


@pytest.mark.parametrize("raw", [None, True, "", "abc", "1,50", "NaN", "inf", float("nan"), float("inf"), [1]])
def test_to_decimal_rejects_non_numbers_naming_the_field(raw: object) -> None:
    with pytest.raises(ValueError, match="^total:"):
        to_decimal(raw, field="total")


def test_currency_is_iso_4217_and_normalised() -> None:
    assert check_currency(" eur ") == "EUR"
    for bad in ("", "EURO", "XYZ", "€"):
        with pytest.raises(ValueError, match="ISO 4217"):
            check_currency(bad)


def test_money_adds_same_currency_only_and_rounds_half_up() -> None:
    total = Money("1.005", "eur") + Money(2, "EUR")
    assert total == Money(Decimal("3.005"), "EUR")
    assert total.quantize() == Money(Decimal("3.01"), "EUR")
    assert str(Money("2.50", "CHF")) == "2.50 CHF"
    with pytest.raises(ValueError, match="cannot add USD to EUR"):
        Money(1, "EUR") + Money(1, "USD")


def test_money_is_immutable() -> None:
    with pytest.raises(AttributeError):
        Money(1, "EUR").amount = Decimal(2)  # type: ignore[misc]


# states ------------------------------------------------------------------------------------------------


def test_ids_are_billbees_1_to_17_plus_partially_shipped_each_with_german_and_english_names() -> None:
    assert [int(s) for s in OrderState] == list(range(1, 19))
    assert OrderState(18).name_de == "Teilweise versendet"
    for state in OrderState:
        assert state.name_de and state.name_en
        assert state.label("de-DE") == state.name_de and state.label("en") == state.name_en
    assert len({s.name_de for s in OrderState}) == len({s.name_en for s in OrderState}) == 18


@pytest.mark.parametrize("state", list(OrderState))
def test_parse_by_id_enum_name_german_and_english(state: OrderState) -> None:
    for text in (
        int(state),
        str(int(state)),
        f" {int(state)} ",
        state.name,
        state.name.lower(),
        state.name_de,
        state.name_de.upper(),
        state.name_en,
        f" {state.name_en.lower()} ",
    ):
        assert OrderState.parse(text) is state


def test_parse_known_names() -> None:
    assert OrderState.parse("Versendet") is OrderState.SHIPPED
    assert OrderState.parse("zahlung erhalten") is OrderState.PAID
    assert OrderState.parse("Storniert") is OrderState.CANCELLED


@pytest.mark.parametrize("bad", [0, 19, "0", "99"])
def test_unknown_id_is_a_clear_error(bad: object) -> None:
    with pytest.raises(ValueError, match="valid ids are 1-18"):
        OrderState.parse(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["", "sent", "-1", "Versand", "²"])
def test_unknown_name_is_a_clear_error(bad: str) -> None:
    with pytest.raises(ValueError, match="unknown order state"):
        OrderState.parse(bad)


@given(st.text(max_size=20))
def test_parse_raises_only_value_error(text: str) -> None:
    try:
        OrderState.parse(text)
    except ValueError as exc:
        assert "order state" in str(exc)


# codec -------------------------------------------------------------------------------------------------


def _order(**changes: object) -> Order:
    berlin = ZoneInfo("Europe/Berlin")
    fields: dict[str, object] = dict(
        external_id="1001",
        number="WC-1001",
        state=OrderState.PAID,
        currency="EUR",
        created_at=datetime(2024, 3, 30, 23, 59, 59, 123456, tzinfo=UTC),
        updated_at=datetime(2024, 3, 31, 3, 0, tzinfo=berlin),  # the night DST starts
        total=Decimal("119.0000"),
        paid_at=datetime(2024, 4, 1, 8, 0, tzinfo=timezone(timedelta(hours=-5))),
        items=[
            OrderItem(
                "i1",
                "Tasse „Kaffee“ ☕",
                Decimal("2"),
                Decimal("9.995"),
                Decimal("19.99"),
                sku="T-1",
                tax_rate=Decimal("19"),
                attributes={"Farbe": "blau", "Größe": "L"},
            ),
            OrderItem("i2", "Versand", Decimal("1.5"), Decimal("0"), Decimal("0E-2"), dont_adjust_stock=True),
        ],
        buyer=Buyer("b1", "a@example.org", "Jürgen", "Öztürk"),
        invoice_address=Address.from_lines(
            "Kollmitz 1 1/3", first_name="Jürgen", zip="01234", city="Ort", country="de"
        ),
        shipping_address=Address(street="Q 3", house_number="2", city="Mannheim", country="DE"),
        shipping_cost=Decimal("4.90"),
        tax_total=Decimal("1E+1"),
        payment_method="paypal",
        payments=[Payment("paypal", Decimal("119.00"), "TX1", datetime(2024, 4, 1, tzinfo=UTC))],
        shipments=[Shipment("DHL", "00340434", shipped_at=datetime(2024, 4, 2, tzinfo=UTC))],
        comments=[Comment("bitte klingeln", to_customer=False)],
        tags=["b", "a"],
        buyer_note="\n",
    )
    fields.update(changes)
    return Order(**fields)  # type: ignore[arg-type]


def test_order_round_trips_losslessly_through_json() -> None:
    order = _order()
    back = from_data(Order, json.loads(dumps(order)))
    assert back == order
    assert to_data(back) == to_data(order)
    assert back.state is OrderState.PAID
    assert str(back.total) == "119.0000" and str(back.items[1].total_price) == "0.00"
    assert back.updated_at.utcoffset() == timedelta(hours=2) and back.updated_at == order.updated_at
    assert back.paid_at is not None and back.paid_at.utcoffset() == timedelta(hours=-5)
    assert back.invoice_address.house_number == "1 1/3"


def test_optional_fields_stay_none() -> None:
    order = _order(paid_at=None, items=[OrderItem("i", "x", Decimal(1), Decimal(1), Decimal(1))])
    back = from_data(Order, to_data(order))
    assert back.paid_at is None and back.items[0].tax_rate is None and back == order


def test_hash_is_stable_and_sees_every_change() -> None:
    order = _order()
    assert content_hash(order) == content_hash(from_data(Order, json.loads(dumps(order))))
    assert content_hash(order) == content_hash(_order())
    # attribute dicts hash the same whatever order the channel listed them in
    reordered = _order()
    reordered.items[0].attributes = {"Größe": "L", "Farbe": "blau"}
    assert content_hash(reordered) == content_hash(order)
    assert len(content_hash(order)) == 32
    for change in (
        {"total": Decimal("119.01")},
        {"state": OrderState.SHIPPED},
        {"tags": ["a", "b"]},
        {"buyer_note": ""},
    ):
        assert content_hash(_order(**change)) != content_hash(order), change


def test_dumps_is_canonical_json() -> None:
    text = dumps(_order())
    assert text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert '"total":"119.0000"' in text and "☕" in text


def test_dumps_writes_the_to_data_form_and_keeps_stored_hashes_valid() -> None:
    """dumps lets json's C encoder walk the order; what it writes must stay the to_data form byte for byte, or
    every stored order would look changed (and be rewritten) on the next import after an upgrade."""
    order = _order()
    assert dumps(order) == json.dumps(to_data(order), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert content_hash(order) == "66067da5f327d529ba6b3dcf46d6877d"  # the hash the earlier to_data walk gave
    with pytest.raises(TypeError, match="object is not serialisable"):
        dumps({"x": object()})


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="updated_at.*no timezone"):
        _order(updated_at=datetime(2024, 1, 1))


class _OddDecimal(Decimal):
    def __str__(self) -> str:
        return "odd " + super().__str__()


class _OddTime(datetime):
    def isoformat(self, sep: str = "T", timespec: str = "auto") -> str:
        return "odd " + super().isoformat(sep, timespec)


@pytest.mark.parametrize(
    "value",
    [Decimal("1.50"), Decimal("-0E-3"), 7, 1.25, "12", None, True, _OddDecimal("2.5"), [Decimal("1"), "x"]],
)
def test_dumps_writes_any_value_of_a_decimal_field_as_to_data_does(value: object) -> None:
    """dumps writes a Decimal or datetime field itself when the value is exactly that type; any other value
    (an int in a Decimal field, a subclass, a list) must still come out as the to_data form."""
    item = OrderItem("i", "x", Decimal(1), Decimal(1), Decimal(1))
    item.quantity = item.unit_price = item.total_price = item.tax_rate = value  # type: ignore[assignment]
    payment = Payment("p", value, paid_at=value)  # type: ignore[arg-type]
    for obj in (item, payment, {"nested": [item, payment]}):
        assert dumps(obj) == json.dumps(to_data(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2024, 3, 31, 3, 0, tzinfo=ZoneInfo("Europe/Berlin")),
        _OddTime(2024, 1, 1, tzinfo=UTC),
        datetime(2024, 1, 1),
        Decimal("3"),
        "2024-01-01",
        None,
    ],
)
def test_dumps_writes_any_value_of_a_datetime_field_as_to_data_does(value: object) -> None:
    comment = Comment("hi", created_at=value)  # type: ignore[arg-type]
    shipment = Shipment("DHL", "1", shipped_at=value)  # type: ignore[arg-type]
    for obj in (comment, shipment, [comment, shipment]):
        assert dumps(obj) == json.dumps(to_data(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_dumps_of_every_domain_record_is_the_to_data_form() -> None:
    article = Article(
        "a1",
        "Tasse",
        price=Decimal("9.90"),
        stock=Decimal("3"),
        updated_at=datetime(2024, 1, 1, tzinfo=UTC),
        variants=[ArticleVariant("v1", sku="T-1", price=Decimal("1.0"), attributes={"Farbe": "rot"})],
    )
    refund = Refund("r1", Decimal("5.00"), "EUR", refunded_at=datetime(2024, 1, 2, tzinfo=UTC), items=[])
    for obj in (_order(), article, refund, StockUpdate("T-1", 4), Money(Decimal("1.5"), "EUR")):
        assert dumps(obj) == json.dumps(to_data(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

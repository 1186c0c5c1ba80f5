"""From a CSV file to orders: grouping, agreement, mapping, presets and every rejection explained."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ordersync.channels.csv_import.profiles import (
    AVOCADOSTORE,
    FIELDS,
    Mapping,
    parse_column_map,
)
from ordersync.channels.sdk.settings import SettingsError
from ordersync.domain import OrderState

from .conftest import parse

HEAD = (
    "order_number;created_at;invoice_first_name;invoice_last_name;invoice_street;invoice_zip;invoice_city;"
    "invoice_country;item_sku;item_title;item_quantity;item_unit_price;shipping_cost"
)


def csv(*rows: str, head: str = HEAD) -> str:
    return "\r\n".join((head, *rows)) + "\r\n"


def test_one_order_over_several_rows_with_german_numbers_and_dates():
    result = parse(
        csv(
            "1001;27.11.2026 14:05;Anna;Müller;Hauptstraße 5 b;10115;Berlin;Deutschland;S-1;Tasse;2;12,50;4,90",
            "1001;;;;;;;;S-2;Teller;1;1.234,56;",
        )
    )
    assert result.ok and result.rejected == []
    (order,) = result.orders
    assert order.number == order.external_id == "1001"
    assert order.created_at == datetime(2026, 11, 27, 13, 5, tzinfo=UTC)
    assert [(i.sku, i.quantity, i.unit_price, i.total_price) for i in order.items] == [
        ("S-1", 2, Decimal("12.50"), Decimal("25.00")),
        ("S-2", 1, Decimal("1234.56"), Decimal("1234.56")),
    ]
    assert [i.external_id for i in order.items] == ["1001-1", "1001-2"]
    assert order.total == Decimal("25.00") + Decimal("1234.56") + Decimal("4.90")
    assert (order.invoice_address.street, order.invoice_address.house_number) == ("Hauptstraße", "5 b")
    assert order.shipping_address == order.invoice_address and order.invoice_address.country == "DE"
    assert order.state is OrderState.ORDERED and order.currency == "EUR"
    assert result.order_rows == {"1001": [2, 3]}


def test_rows_of_one_order_need_not_be_adjacent():
    result = parse(
        csv(
            "1;27.11.2026;A;B;Weg 1;1;X;DE;S-1;T;1;1;0",
            "2;27.11.2026;C;D;Weg 2;1;X;DE;S-1;T;1;1;0",
            "1;;;;;;;;S-2;U;1;2;",
        )
    )
    assert result.ok and [len(o.items) for o in result.orders] == [2, 1]


def test_conflicting_order_columns_reject_the_row_and_the_whole_order_with_reasons():
    result = parse(
        csv(
            "1;27.11.2026;A;B;Weg 1;1;X;DE;S-1;T;1;1;4,90",
            "1;;;;;;;;S-2;U;1;2;9,99",
            "2;28.11.2026;C;D;Weg 2;1;X;DE;S-1;T;1;1;0",
        )
    )
    assert [o.number for o in result.orders] == ["2"]
    assert [(r.row, r.column) for r in result.rejected] == [(2, ""), (3, "shipping_cost")]
    assert "9.99 here but 4.90 in row 2" in result.rejected[1].reason
    assert result.rejected[0].reason == "order 1 is not imported because row 3 of it was rejected"
    assert {r.order_number for r in result.rejected} == {"1"}


def test_bad_cells_are_reported_with_row_column_and_the_text():
    result = parse(
        csv(
            "1;27.11.2026;A;B;Weg 1;1;X;Atlantis;S-1;T;zwei;1;0",
            "2;gestern;C;D;W 2;1;X;DE;S;T;1;1;0",
            ";27.11.2026;E;F;W 3;1;X;DE;S;T;1;1;0",
            "3;27.11.2026;G;H;W 4;1;X;DE;;;1;;0",
        )
    )
    got = {(r.row, r.column): r.reason for r in result.rejected}
    assert "'Atlantis' is not a country" in got[(2, "invoice_country")]
    assert "'zwei' is not a number" in got[(2, "item_quantity")]
    assert "'gestern' is not a date" in got[(3, "created_at")]
    assert got[(4, "order_number")] == "the order number is empty"
    assert "no price" in got[(5, "item_unit_price")]
    assert result.orders == []


def test_row_numbers_follow_the_file_lines_even_with_line_breaks_in_cells():
    head = "order_number;created_at;buyer_note;item_title;item_unit_price"
    result = parse(csv('1;27.11.2026;"Bitte\nbeim Nachbarn\nabgeben";T;1', "2;kaputt;;T;1", head=head))
    assert result.orders[0].buyer_note == "Bitte\nbeim Nachbarn\nabgeben"
    assert [(r.row, r.column) for r in result.rejected] == [(5, "created_at")]


def test_cell_count_must_match_the_header_and_blank_lines_are_skipped():
    head = "order_number;created_at;item_title;item_unit_price"
    result = parse(
        csv("1;27.11.2026;T;1", "", ";;;", "2;27.11.2026;T", "3;27.11.2026;T;1;extra", "4;27.11.2026;T;1;", head=head)
    )
    assert [o.number for o in result.orders] == ["1", "4"]  # an empty trailing cell is tolerated
    reasons = {(r.row, r.reason) for r in result.rejected}
    assert (5, "the row has 3 cells but the header has 4 columns") in reasons
    assert (6, "the row has 5 cells but the header has 4 columns") in reasons
    assert {r.row for r in result.rejected} == {5, 6}
    assert result.data_rows == [2, 5, 6, 7]


def test_missing_required_column_rejects_the_file_and_names_what_was_found():
    result = parse("Bestellnummer;Datum\n1;27.11.2026\n")
    assert result.orders == [] and result.file_error
    (rejection,) = result.rejected
    assert rejection.row == 1 and rejection.column == "order_number"
    assert "'Bestellnummer'" in rejection.reason


def test_user_mapping_as_lines_or_json_and_header_names_are_matched_loosely():
    text = "Bestell-Nr;Bestelldatum;Artikel;Preis (brutto)\n7;27.11.2026 09:00;Tee;3,50\n"
    lines = "order_number=Bestell Nr\ncreated_at=Bestelldatum\n# comment\nitem_title=Artikel\nitem_unit_price=Preis (brutto)"
    as_json = (
        '{"order_number": "bestell_nr", "created_at": "Bestelldatum", "item_title": "Artikel", '
        '"item_unit_price": "Preis (brutto)"}'
    )
    for mapping in (lines, as_json):
        result = parse(text, column_map=mapping)
        assert result.ok, result.rejected
        assert result.orders[0].items[0].unit_price == Decimal("3.50")


def test_explicitly_mapped_column_must_exist():
    result = parse(csv("1;27.11.2026;A;B;W 1;1;X;DE;S;T;1;1;0"), column_map="buyer_note=Notiz")
    assert "no column 'Notiz' (for buyer_note)" in result.file_error


def test_column_map_errors_name_the_field():
    with pytest.raises(SettingsError, match="'ordernumber' is not one of our fields"):
        parse_column_map("ordernumber=Nr")
    with pytest.raises(SettingsError, match="line 1"):
        parse_column_map("order_number")
    with pytest.raises(SettingsError, match="not valid JSON"):
        parse_column_map("{nope")


def test_duplicate_header_for_a_mapped_field_is_a_file_error():
    result = parse("order_number;created_at;Order Number\n1;27.11.2026;1\n")
    assert "appears 2 times" in result.file_error


def test_status_map_translates_and_unknown_status_is_rejected():
    head = "order_number;created_at;channel_status;item_title;item_unit_price"
    result = parse(
        csv("1;27.11.2026;versendet;T;1", "2;27.11.2026;verloren;T;1", head=head),
        status_map={"versendet": "Shipped", "offen": "Ordered"},
    )
    assert [(o.number, o.state, o.channel_status) for o in result.orders] == [("1", OrderState.SHIPPED, "versendet")]
    assert "'verloren' is not in the status map" in result.rejected[0].reason
    assert result.rejected[0].column == "channel_status"


def test_state_column_and_inference_from_dates():
    head = "order_number;created_at;state;paid_at;shipped_at;item_title;item_unit_price"
    result = parse(
        csv(
            "1;27.11.2026;Zahlung erhalten;;;T;1",
            "2;27.11.2026;;28.11.2026;;T;1",
            "3;27.11.2026;;28.11.2026;29.11.2026;T;1",
            "4;27.11.2026;17;;;T;1",
            head=head,
        )
    )
    assert [o.state for o in result.orders] == [
        OrderState.PAID,
        OrderState.PAID,
        OrderState.SHIPPED,
        OrderState.RETURNED,
    ]


def test_totals_currency_tracking_and_separate_shipping_address():
    head = (
        "order_number;created_at;currency;total;carrier;tracking_number;invoice_last_name;shipping_last_name;"
        "shipping_street;shipping_house_number;item_title;item_total_price;item_quantity"
    )
    result = parse(csv("1;2026-11-27T10:00:00Z;chf;99,90;DHL;00340434;Rechnung;Liefer;Am Markt;3-5;T;10;4", head=head))
    order = result.orders[0]
    assert (order.currency, order.total) == ("CHF", Decimal("99.90"))
    assert order.items[0].unit_price == Decimal("2.5")
    assert (order.shipments[0].carrier, order.shipments[0].tracking_number) == ("DHL", "00340434")
    assert (order.shipping_address.last_name, order.shipping_address.street, order.shipping_address.house_number) == (
        "Liefer",
        "Am Markt",
        "3-5",
    )
    assert order.invoice_address.last_name == "Rechnung"


def test_order_without_items_and_order_row_followed_by_item_rows():
    head = "order_number;created_at;total;item_title;item_unit_price"
    result = parse(csv("1;27.11.2026;5;;", "2;27.11.2026;30;;", "2;;;A;10", "2;;;B;20", head=head))
    assert [(o.number, len(o.items), o.total) for o in result.orders] == [("1", 0, 5), ("2", 2, 30)]


def test_overlong_order_number_is_rejected_not_truncated():
    head = "order_number;created_at"
    result = parse(csv("X" * 101 + ";27.11.2026", head=head))
    assert "101 characters, at most 100" in result.rejected[0].reason


def test_unknown_currency_is_rejected():
    result = parse(csv("1;27.11.2026;EURO", head="order_number;created_at;currency"))
    assert "not an ISO 4217 code" in result.rejected[0].reason and result.rejected[0].column == "currency"


def test_every_field_is_documented():
    doc = (__import__("pathlib").Path(__file__).resolve().parents[3] / "docs" / "csv-import.md").read_text(
        encoding="utf-8"
    )
    missing = [f.name for f in FIELDS if f"`{f.name}`" not in doc]
    assert missing == []


# Avocadostore --------------------------------------------------------------------------------------------

AVOCADO_MAP = "order_number=Bestellnummer\ncreated_at=Bestelldatum\nitem_title=Artikel\nitem_unit_price=Preis"


def test_avocadostore_preset_reads_the_documented_status_columns():
    text = (
        "Bestellnummer,Bestelldatum,order-status,Artikel,Preis,lineitem-status\n"
        'A-1,27.11.2026 10:00,accepted,Shirt,"24,90",shipped\n'
        'A-1,,,Beutel,"9,50",pending\n'
        'A-2,27.11.2026 11:00,return_announced,Shirt,"24,90",return_announced\n'
    )
    result = parse(text, profile="avocadostore", column_map=AVOCADO_MAP)
    assert result.ok, result.rejected
    first, second = result.orders
    assert (first.channel_status, first.state) == ("accepted", OrderState.CONFIRMED)
    assert [i.attributes["status"] for i in first.items] == ["shipped", "pending"]
    assert second.state is OrderState.RECLAMATION
    assert set(AVOCADOSTORE.status_map) == {
        "cancelled",
        "pending",
        "accepted",
        "shipped",
        "return_announced",
        "returned",
    }


def test_avocadostore_preset_without_mapping_says_what_to_map():
    result = parse("order-status,lineitem-status\npending,pending\n", profile="avocadostore")
    assert "does not know which column holds order_number" in result.file_error


def test_avocadostore_file_without_its_status_column_is_refused():
    result = parse(
        "Bestellnummer,Bestelldatum,Artikel,Preis\nA,27.11.2026,T,1\n", profile="avocadostore", column_map=AVOCADO_MAP
    )
    assert "no column 'order-status'" in result.file_error


def test_unknown_profile_is_a_settings_error():
    with pytest.raises(SettingsError, match="unknown CSV profile 'jimdo'"):
        Mapping.build("jimdo")


def test_cp1252_file_with_bom_less_semicolons_and_quotes():
    text = csv('1;27.11.2026;Jürgen;Weiß;"Straße 1; Hinterhaus";1;Köln;DE;S;"Tee ""Grün""";1;3,50;0')
    result = parse(text.encode("cp1252"))
    order = result.orders[0]
    assert result.dialect.encoding == "cp1252" and order.invoice_address.city == "Köln"
    assert order.items[0].title == 'Tee "Grün"' and order.invoice_address.street == "Straße"


def test_two_order_numbers_with_one_external_id_are_both_rejected_not_merged():
    """Found by the fuzzer: order "0" (no id, so its id is its number) and order "00" with id "0" would be
    one order to the hub, the later silently replacing the earlier."""
    head = HEAD + ";external_id"
    result = parse(
        csv(
            "0;27.11.2026;Anna;Müller;Weg 1;10115;Berlin;DE;S-1;Tasse;1;5,00;0;",
            "00;27.11.2026;Bernd;Bauer;Weg 2;10115;Berlin;DE;S-1;Tasse;1;5,00;0;0",
            "7;27.11.2026;Cora;Conrad;Weg 3;10115;Berlin;DE;S-1;Tasse;1;5,00;0;",
            head=head,
        )
    )
    assert not result.ok
    assert [o.number for o in result.orders] == ["7"] and result.order_rows == {"7": [4]}
    assert [(r.row, r.column) for r in result.rejected] == [(2, "external_id"), (3, "external_id")]
    assert all("share the external id '0'" in r.reason for r in result.rejected)


def test_an_unreadable_header_row_is_a_file_error():
    # a quoted header cell longer than the reader's field limit cannot be read: the file is refused, not crashed on
    result = parse('"' + "x" * 1_000_001 + '";created_at\n1;27.11.2026\n')
    assert result.file_error == "the header row cannot be read as CSV"
    assert not result.orders

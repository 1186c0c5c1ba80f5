"""Uploads (mode 5): one transaction per file, duplicates skipped, dry runs, explained rejections."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ordersync.store.models import OrderItemRow, OrderRow, QuarantineEntry
from ordersync.sync import connections
from ordersync.sync.hub import HubError
from ordersync.sync.uploads import import_file

HEAD = "order_number;created_at;invoice_last_name;item_sku;item_title;item_quantity;item_unit_price"
GOOD = (
    HEAD
    + "\r\n1;27.11.2026 10:00;Weiß;S-1;Tee;2;3,50\r\n1;;;S-2;Tasse;1;12,00\r\n2;27.11.2026 11:00;Groß;S-1;Tee;1;3,50\r\n"
)
ONE_BAD = GOOD + "3;28.11.2026;Klein;S-1;Tee;viele;3,50\r\n"


def _orders(hub, conn_id):
    with hub.db.session() as s:
        return {r.number: r for r in s.scalars(select(OrderRow).where(OrderRow.connection_id == conn_id))}


def _items(hub):
    with hub.db.session() as s:
        return s.scalar(select(func.count()).select_from(OrderItemRow))


@pytest.fixture
def conn_id(hub):
    return connections.add_connection(hub, "csv", "jimdo-upload", {})


def test_a_good_file_is_imported_whole(hub, conn_id):
    report = import_file(hub, conn_id, GOOD.encode("cp1252"), filename="orders.csv")
    assert (report.created, report.rows, report.orders_in_file, report.imported) == (2, 3, 2, True)
    orders = _orders(hub, conn_id)
    assert sorted(orders) == ["1", "2"] and str(orders["1"].total) == "19"
    assert orders["1"].buyer_name == "Weiß" and _items(hub) == 3
    assert "2 orders imported" in report.message


def test_one_bad_row_means_nothing_is_written_and_the_row_is_explained(hub, conn_id):
    report = import_file(hub, conn_id, ONE_BAD.encode(), filename="orders.csv")
    assert not report.imported and report.created == 0 and _orders(hub, conn_id) == {}
    (rejection,) = report.rejected
    assert (rejection.row, rejection.column, rejection.order_number) == (5, "item_quantity", "3")
    assert "'viele' is not a number" in rejection.reason
    assert "nothing imported: 1 row rejected" in report.message and "--skip-invalid" in report.message
    assert [p["number"] for p in report.preview] == ["1", "2"]


def test_skip_invalid_imports_the_valid_orders_and_quarantines_the_rest(hub, conn_id):
    report = import_file(hub, conn_id, ONE_BAD.encode(), filename="orders.csv", skip_invalid=True)
    assert report.created == 2 and sorted(_orders(hub, conn_id)) == ["1", "2"]
    with hub.db.session() as s:
        entry = s.scalar(select(QuarantineEntry).where(QuarantineEntry.connection_id == conn_id))
        assert entry.external_id == "3" and "row 5" in entry.reason and "'viele'" in entry.reason


def test_dry_run_writes_nothing_and_previews(hub, conn_id):
    report = import_file(hub, conn_id, GOOD.encode(), dry_run=True)
    assert report.dry_run and not report.imported and _orders(hub, conn_id) == {}
    assert [(p["number"], p["items"], p["total"]) for p in report.preview] == [("1", 2, "19.00"), ("2", 1, "3.50")]
    assert report.message.startswith("dry run: 2 orders would be imported")


def test_duplicate_order_numbers_are_skipped_by_default(hub, conn_id):
    import_file(hub, conn_id, GOOD.encode())
    changed = GOOD.replace("3,50\r\n1;", "4,50\r\n1;")
    report = import_file(hub, conn_id, (changed + "7;29.11.2026;Neu;S-9;Kanne;1;20\r\n").encode())
    assert report.skipped_duplicates == ["1", "2"] and report.created == 1
    assert str(_orders(hub, conn_id)["1"].total) == "19"  # untouched


def test_without_skipping_duplicates_an_upload_updates_the_orders(hub):
    conn_id = connections.add_connection(hub, "csv", "update-me", {"skip_duplicates": "no"})
    import_file(hub, conn_id, GOOD.encode())
    report = import_file(hub, conn_id, GOOD.replace("2;3,50\r\n1;", "2;4,50\r\n1;").encode())
    assert (report.created, report.updated, report.unchanged, report.skipped_duplicates) == (0, 1, 1, [])
    assert str(_orders(hub, conn_id)["1"].total) == "21"
    assert len(_orders(hub, conn_id)) == 2 and _items(hub) == 3


def test_file_level_problems_and_wrong_connections(hub, conn_id):
    report = import_file(hub, conn_id, b"\r\n")
    assert report.message == "nothing imported: the file is empty" and report.rejected[0].row == 0
    woo = connections.add_connection(
        hub, "woocommerce", "woo", {"url": "https://shop.example", "consumer_key": "ck_x", "consumer_secret": "cs_x"}
    )
    with pytest.raises(HubError, match="is a woocommerce connection, not a CSV connection"):
        import_file(hub, woo, GOOD.encode())


def test_profile_can_be_chosen_per_file_and_progress_is_reported(hub):
    conn_id = connections.add_connection(
        hub,
        "csv",
        "avocado",
        {
            "column_map": "order_number=Bestellnummer\ncreated_at=Bestelldatum\nitem_title=Artikel\nitem_unit_price=Preis"
        },
    )
    text = (
        "Bestellnummer,Bestelldatum,order-status,Artikel,Preis,lineitem-status\r\n"
        'A-1,27.11.2026 10:00,shipped,Shirt,"24,90",shipped\r\n'
    )
    seen = []
    report = import_file(
        hub, conn_id, text.encode(), profile="avocadostore", progress=lambda done, total: seen.append((done, total))
    )
    assert report.created == 1 and seen[-1] == (1, 1)
    assert _orders(hub, conn_id)["A-1"].state == 4  # Shipped


def test_an_upload_over_the_size_limit_is_refused_before_parsing(hub):
    conn_id = connections.add_connection(hub, "csv", "tiny", {"max_megabytes": "1"})
    report = import_file(hub, conn_id, b"order_number;created_at\r\n" + b"1;27.11.2026\r\n" * 100_000)
    assert "more than the connection's limit of 1,048,576" in report.message and report.rows == 0
    assert _orders(hub, conn_id) == {}

"""Uploading a CSV file on a CSV connection's page: dry run, all or nothing with the wrong rows listed, import."""

from __future__ import annotations

from ordersync import readmodel
from ordersync.sync import connections

HEAD = "order_number;created_at;invoice_last_name;item_sku;item_title;item_quantity;item_unit_price"
GOOD = HEAD + "\r\n1;27.11.2026 10:00;Weiß;S-1;Tee;2;3,50\r\n2;27.11.2026 11:00;Groß;S-1;Tee;1;3,50\r\n"
BAD = GOOD + "3;28.11.2026;Klein;S-1;Tee;viele;3,50\r\n"


def _numbers(hub, owner, conn_id):
    page = readmodel.list_orders(hub, owner.account_id, readmodel.OrderFilter(connection_ids=(conn_id,)))
    return sorted(r.number for r in page.rows)


def test_a_seller_checks_then_imports_a_csv_file(hub, owner, browser):
    conn_id = connections.add_connection(hub, "csv", "jimdo-export", {}, account="A")
    url = f"/settings/shops/{conn_id}/import"
    assert "Import a CSV file" in browser.get(f"/settings/shops/{conn_id}").text  # the tab is there
    assert browser.get(url).status_code == 200

    dry = browser.post(url, {"dry_run": "1"}, files={"file": ("orders.csv", GOOD.encode("cp1252"), "text/csv")})
    assert dry.status_code == 200 and "would be imported" in dry.text and "Weiß" in dry.text
    assert _numbers(hub, owner, conn_id) == []

    bad = browser.post(url, {}, files={"file": ("orders.csv", BAD.encode(), "text/csv")})
    assert bad.status_code == 422 and "Rejected rows" in bad.text and "viele" in bad.text
    assert _numbers(hub, owner, conn_id) == []

    done = browser.post(url, {}, files={"file": ("orders.csv", GOOD.encode("cp1252"), "text/csv")})
    assert done.status_code == 200 and "2 orders imported" in done.text
    assert _numbers(hub, owner, conn_id) == ["1", "2"]


def test_the_upload_page_exists_only_for_csv_connections_and_needs_a_file(hub, owner, browser):
    shop = connections.add_connection(hub, "csv", "upload", {}, account="A")
    missing = browser.post(f"/settings/shops/{shop}/import", {})
    assert missing.status_code == 400 and "Choose a CSV file" in missing.text
    from ordersync.channels.woocommerce.sandbox import create_sandbox

    woo = connections.add_connection(
        hub, "woocommerce", "woo", create_sandbox(seed=1, orders=1).settings_for("http://127.0.0.1:9"), account="A"
    )
    assert browser.get(f"/settings/shops/{woo}/import").status_code == 404

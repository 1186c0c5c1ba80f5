"""POST /api/v1/connections/{id}/imports/csv: the file is the body; dry run, all-or-nothing, roles."""

from __future__ import annotations

from ordersync import readmodel
from ordersync.sync import connections

HEAD = "order_number;created_at;invoice_last_name;item_sku;item_title;item_quantity;item_unit_price"
GOOD = HEAD + "\r\n1;27.11.2026 10:00;Weiß;S-1;Tee;2;3,50\r\n2;27.11.2026 11:00;Groß;S-1;Tee;1;3,50\r\n"
BAD = GOOD + "3;28.11.2026;Klein;S-1;Tee;viele;3,50\r\n"


def _numbers(api, conn_id):
    page = readmodel.list_orders(api.hub, api.a.account_id, readmodel.OrderFilter(connection_ids=(conn_id,)))
    return sorted(r.number for r in page.rows)


def test_upload_dry_run_then_import_and_a_bad_file_writes_nothing(api):
    conn_id = connections.add_connection(api.hub, "csv", "upload", {}, account="alpha")
    url = f"/api/v1/connections/{conn_id}/imports/csv"

    dry = api.a_("POST", url + "?dryRun=true&filename=orders.csv", content=GOOD.encode("cp1252"))
    assert dry.status_code == 200, dry.text
    assert [o["number"] for o in dry.json()["Data"]["preview"]] == ["1", "2"] and _numbers(api, conn_id) == []

    bad = api.a_("POST", url, content=BAD.encode())
    assert bad.status_code == 422
    rejected = bad.json()["Data"]["rejected"]
    assert rejected and rejected[0]["row"] == 4 and "nothing" in bad.json()["ErrorMessage"]
    assert _numbers(api, conn_id) == []

    done = api.a_("POST", url, content=GOOD.encode("cp1252"))
    assert done.status_code == 200 and done.json()["Data"]["created"] == 2
    assert _numbers(api, conn_id) == ["1", "2"]
    again = api.a_("POST", url, content=GOOD.encode("cp1252")).json()["Data"]
    assert again["created"] == 0 and sorted(again["skipped_duplicates"]) == ["1", "2"]


def test_upload_needs_a_writer_a_body_and_a_csv_connection(api):
    conn_id = connections.add_connection(api.hub, "csv", "upload", {}, account="alpha")
    url = f"/api/v1/connections/{conn_id}/imports/csv"
    assert api.call("POST", url, api.key_readonly, content=GOOD.encode()).status_code == 403
    empty = api.a_("POST", url)
    assert empty.status_code == 400 and "body is empty" in empty.json()["ErrorMessage"]
    other = api.a_("POST", f"/api/v1/connections/{api.a.connection_id}/imports/csv", content=GOOD.encode())
    assert other.status_code == 422 and "not a CSV connection" in other.json()["ErrorMessage"]

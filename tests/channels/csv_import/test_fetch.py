"""Mode 11: the export fetched from a URL on every poll, against the sandbox over loopback."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ordersync.channels.csv_import.connector import CsvConnector
from ordersync.channels.csv_import.sandbox import create_sandbox
from ordersync.channels.csv_import.sandbox.app import HEADER
from ordersync.channels.sdk.capabilities import Capability, Mode
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.settings import SettingsError
from ordersync.channels.sdk.urlguard import ALLOW_ENV
from ordersync.store.models import Connection, OrderRow, QuarantineEntry
from ordersync.sync import connections
from ordersync.sync.importer import import_orders


@pytest.fixture
def export():
    box = create_sandbox(seed=3, orders=25)
    with serve_in_thread(box.app) as server:
        yield box, server


@pytest.fixture
def allow_loopback(monkeypatch):
    """The operator's explicit allowance for the sandbox host; without it loopback is refused."""
    monkeypatch.setenv(ALLOW_ENV, "127.0.0.1")


def _count(hub, model, **where):
    with hub.db.session() as s:
        q = select(func.count()).select_from(model)
        for key, value in where.items():
            q = q.where(getattr(model, key) == value)
        return s.scalar(q)


def _statuses(box):
    return [r["status"] for r in box.requests.entries() if r["path"] == "/files/orders.csv"]


def test_declares_both_csv_modes():
    (decl,) = CsvConnector.capabilities
    assert decl.capability is Capability.IMPORT_ORDERS and decl.modes == (Mode.CSV_UPLOAD, Mode.CSV_URL)


def test_poll_imports_then_conditional_get_answers_304_and_a_change_is_read(hub, export, allow_loopback):
    box, server = export
    conn_id = connections.add_connection(hub, "csv", "avocado", box.settings_for(server.base_url))
    first = import_orders(hub, conn_id)
    assert first.error == "" and first.created == 25
    state = hub.secrets.open(connections.load(hub, conn_id).state)
    assert state["etag"] == box.files["orders.csv"].etag and state["last_modified"]

    again = import_orders(hub, conn_id)
    assert again.error == "" and again.fetched == 0 and _statuses(box) == [200, 304]

    text = box.files["orders.csv"].content.decode("utf-8-sig")
    box.control_orders(
        {
            "name": "orders.csv",
            "content": text.replace(";versendet;", ";bezahlt;", 1)
            + "99999;27.11.2026 10:00;offen;EUR;Neu;Kunde;Weg 1;10115;Berlin;DE;n@example.org;0;"
            "S;Tee;1;3,50;7\r\n",
        }
    )
    third = import_orders(hub, conn_id)
    assert third.error == "" and third.created == 1 and _statuses(box) == [200, 304, 200]
    assert _count(hub, OrderRow, connection_id=conn_id) == 26


def test_without_the_allowance_loopback_is_refused_with_a_clear_error(hub, export, monkeypatch):
    monkeypatch.delenv(ALLOW_ENV, raising=False)
    box, server = export
    conn_id = connections.add_connection(hub, "csv", "sneaky", box.settings_for(server.base_url))
    result = import_orders(hub, conn_id)
    assert "UrlRefused" in result.error and "127.0.0.1 is a loopback address" in result.error
    assert ALLOW_ENV in result.error and _statuses(box) == [] and _count(hub, OrderRow) == 0
    with hub.db.session() as s:
        assert "loopback" in s.get(Connection, conn_id).last_error


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/orders.csv",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/orders.csv",
        "http://192.168.1.1/export.csv",
    ],
)
def test_private_and_metadata_urls_are_refused_even_with_loopback_allowed(hub, allow_loopback, url):
    conn_id = connections.add_connection(hub, "csv", "bad", {"url": url})
    result = import_orders(hub, conn_id)
    assert "UrlRefused" in result.error and "refusing to connect" in result.error


def test_bad_rows_in_a_fetched_file_are_quarantined_and_the_rest_imports(hub, export, allow_loopback):
    box, server = export
    box.control_orders(
        {
            "name": "orders.csv",
            "content": HEADER + "\r\n"
            "1;27.11.2026 10:00;offen;EUR;A;B;Weg 1;10115;Berlin;DE;a@example.org;0;S;Tee;1;3,50;7\r\n"
            "2;27.11.2026 10:00;offen;EUR;A;B;Weg 1;10115;Berlin;DE;a@example.org;0;S;Tee;eins;3,50;7\r\n",
        }
    )
    conn_id = connections.add_connection(hub, "csv", "feed", box.settings_for(server.base_url))
    result = import_orders(hub, conn_id)
    assert (result.created, result.quarantined) == (1, 1)
    with hub.db.session() as s:
        entry = s.scalar(select(QuarantineEntry).where(QuarantineEntry.connection_id == conn_id))
        assert entry.external_id == "2" and "row 3, column 'item_quantity': 'eins' is not a number" in entry.reason


def test_unreadable_file_fails_the_poll_with_the_reason(hub, export, allow_loopback):
    box, server = export
    box.control_orders({"name": "orders.csv", "content": "Nummer;Datum\n1;2\n"})
    conn_id = connections.add_connection(hub, "csv", "broken", box.settings_for(server.base_url))
    result = import_orders(hub, conn_id)
    assert "PermanentError" in result.error and "no column 'order_number'" in result.error


def test_connection_test_reports_fetch_and_parse(export, allow_loopback):
    box, server = export
    ok = CsvConnector(box.settings_for(server.base_url)).test_connection()
    assert ok.ok and "25 orders" in ok.message
    missing = CsvConnector({"url": f"{server.base_url}/files/nope.csv"}).test_connection()
    assert not missing.ok and "HTTP 404" in missing.message
    assert CsvConnector({}).test_connection().ok


@pytest.mark.parametrize(
    "settings, match",
    [
        ({"timezone": "Berlin"}, "not a time zone"),
        ({"currency": "Euro"}, "ISO 4217"),
        ({"column_map": "nummer=Nr"}, "not one of our fields"),
        ({"profile": "jimdo"}, "not one of"),
        ({"url": "ftp://example.org/x.csv"}, "not an http"),
        ({"status_map": "versendet=Verschickt"}, "status_map"),
    ],
)
def test_bad_settings_say_which(settings, match):
    with pytest.raises(SettingsError, match=match):
        CsvConnector(settings)

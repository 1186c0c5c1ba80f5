"""The e-mail connector against a real Dovecot over IMAPS, run through the engine on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ordersync.channels.email_import.watch import watch
from ordersync.channels.sdk.errors import TransientError
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OrderItemRow, OrderRow, QuarantineEntry
from ordersync.sync import connections
from ordersync.sync.cursor import plan_window
from ordersync.sync.importer import get_position, import_orders

from .samples import broken_mail, forwarded, order_mail

OLD = datetime(2026, 11, 3, 13, 6, tzinfo=UTC)
HANG_GUARD = 120  # seconds; only keeps a broken test from hanging, asserts nothing about speed


def orders(hub, connection_id: int) -> dict[str, OrderRow]:
    with hub.db.session() as s:
        rows = s.scalars(select(OrderRow).where(OrderRow.connection_id == connection_id)).all()
        s.expunge_all()
        return {r.external_id: r for r in rows}


def quarantine_rows(hub, connection_id: int) -> list[QuarantineEntry]:
    with hub.db.session() as s:
        rows = s.scalars(select(QuarantineEntry).where(QuarantineEntry.connection_id == connection_id)).all()
        s.expunge_all()
        return list(rows)


def test_imports_each_shop_moves_mails_and_never_duplicates(hub, account, connection):
    cid = connection()
    jimdo = order_mail("jimdo", "J-1001")
    account.deliver(jimdo, when=OLD)
    account.deliver(order_mail("wix", "2001", html=True, text=False, payment="PayPal"), when=OLD)
    account.deliver(order_mail("avocadostore", "AV-77", csv_items=True), when=OLD)
    account.deliver(forwarded(order_mail("jimdo", "J-1002")), when=OLD)

    result = import_orders(hub, cid)
    assert not result.error and result.created == 4 and result.quarantined == 0
    got = orders(hub, cid)
    assert set(got) == {"jimdo-J-1001", "wix-2001", "avocadostore-AV-77", "jimdo-J-1002"}
    assert got["avocadostore-AV-77"].paid_at is not None  # Avocadostore collects the payment itself
    assert got["wix-2001"].paid_at is not None and got["jimdo-J-1001"].paid_at is None  # PayPal = paid
    assert got["jimdo-J-1001"].total == Decimal("26.80") and got["jimdo-J-1001"].buyer_name == "Erika Beispiel"
    with hub.db.session() as s:
        skus = s.scalars(select(OrderItemRow.sku).where(OrderItemRow.order_id == got["wix-2001"].id)).all()
    assert sorted(skus) == ["BUERSTE-L", "SEIFE-LAV"]
    assert account.contents("INBOX") == []
    imported = account.contents("ordersync-imported")
    assert len(imported) == 4 and jimdo in imported  # filed byte for byte

    # the same mail again (copied back), and the same order re-sent under a new Message-ID
    account.deliver(jimdo, when=OLD)
    account.deliver(order_mail("jimdo", "J-1001"), when=OLD)
    again = import_orders(hub, cid)
    assert not again.error and again.created == 0
    assert len(orders(hub, cid)) == 4
    assert account.contents("INBOX") == [] and len(account.contents("ordersync-imported")) == 6


def test_broken_mail_is_quarantined_with_reason_and_kept(hub, account, connection):
    cid = connection()
    bad = broken_mail(message_id="<broken-1@shop.example>")
    account.deliver(bad, when=OLD)
    account.deliver(order_mail("jimdo", "J-5"), when=OLD)
    account.deliver(b"this is not a mail at all \xff\xfe", when=OLD)

    result = import_orders(hub, cid)
    assert not result.error and result.created == 1 and result.quarantined == 2
    entries = {q.external_id: q for q in quarantine_rows(hub, cid)}
    assert len(entries) == 2
    entry = entries["mail:<broken-1@shop.example>"]
    assert "99.80" in entry.reason and "26.80" in entry.reason and "ordersync-failed" in entry.hint
    assert "Bestellnummer: 10999" in entry.raw
    other = next(q for k, q in entries.items() if k != "mail:<broken-1@shop.example>")
    assert "no order number" in other.reason or "sender" in other.reason
    failed = account.contents("ordersync-failed")
    assert bad in failed and len(failed) == 2  # kept, byte for byte, out of the order folder
    assert account.contents("INBOX") == []


def test_minimum_age_waits_for_corrections(hub, account, connection):
    cid = connection(min_age_minutes=30)
    now = utcnow()
    account.deliver(order_mail("jimdo", "OLD-1"), when=now - timedelta(hours=2))
    account.deliver(order_mail("jimdo", "NEW-1"), when=now - timedelta(minutes=1))

    result = import_orders(hub, cid)
    assert not result.error and set(orders(hub, cid)) == {"jimdo-OLD-1"}
    waiting = account.contents("INBOX")
    assert len(waiting) == 1 and b"NEW-1" in waiting[0]

    later = account.connector(min_age_minutes=30)
    later.now = lambda: now + timedelta(minutes=31)
    window = plan_window(get_position(hub, cid, "orders"), now + timedelta(minutes=31))
    pages = list(later.fetch_orders(window))
    assert "jimdo-NEW-1" in {o.external_id for p in pages for o in p.records}
    assert account.contents("INBOX") == []


def test_run_that_died_before_commit_is_repaired_by_the_next(hub, account, connection):
    """Mails are filed before the engine commits their page; the next run re-reads what was filed in its
    window, so an order whose run died in between is still imported."""
    cid = connection()
    account.deliver(order_mail("jimdo", "A-1"), when=OLD)
    assert import_orders(hub, cid).created == 1
    account.deliver(order_mail("jimdo", "B-2"), when=OLD)

    crashed = account.connector()
    window = plan_window(get_position(hub, cid, "orders"), utcnow())
    fetched = [o.external_id for p in crashed.fetch_orders(window) for o in p.records]  # never stored
    assert "jimdo-B-2" in fetched and account.contents("INBOX") == []

    result = import_orders(hub, cid)
    assert not result.error and set(orders(hub, cid)) == {"jimdo-A-1", "jimdo-B-2"}


def test_uidvalidity_change_stops_before_filing(account):
    connector = account.connector(folder="Bestellungen")
    mail = order_mail("jimdo", "U-1")
    account.deliver(mail, folder="Bestellungen", when=OLD)
    pages = connector.fetch_orders(plan_window(None, utcnow()))
    first = next(pages)
    assert [o.external_id for o in first.records] == ["jimdo-U-1"]
    with account.mailbox() as mb:  # the folder is deleted and recreated while the page is stored
        mb.delete_folder("Bestellungen")
        mb.ensure_folder("Bestellungen")
        mb.append("Bestellungen", mail)
    with pytest.raises(TransientError, match="UIDVALIDITY"):
        next(pages)
    assert account.contents("Bestellungen") == [mail]


def test_wrong_password_and_missing_folder_are_clear(hub, account, connection):
    cid = connection(password="wrong-password")
    result = import_orders(hub, cid)
    assert result.error.startswith("AuthError") and "refused the login" in result.error
    outcome = account.connector(password="wrong-password").test_connection()
    assert not outcome.ok and account.user in outcome.message

    missing = account.connector(folder="Shop-Mails").test_connection()
    assert not missing.ok and "'Shop-Mails' does not exist" in missing.message
    ok = account.connector().test_connection()
    assert ok.ok and ok.details["new mail"] == "immediately (IDLE)" and "UIDPLUS" in ok.details["features"]


def test_idle_imports_a_mail_that_arrives_while_waiting(hub, account, connection):
    """The poll interval is an hour, so only the server's IDLE notification can trigger the second run."""
    cid = connection()
    stop, idling, imported = threading.Event(), threading.Event(), threading.Event()
    results = []

    def on_import(result):
        results.append(result)
        if result.created:
            imported.set()

    def build():
        return connections.build_connector(hub, connections.load(hub, cid))

    worker = threading.Thread(
        target=watch,
        args=(lambda: import_orders(hub, cid), build, stop),
        daemon=True,
        kwargs={"interval": 3600, "on_import": on_import, "on_idling": idling.set},
    )
    worker.start()
    try:
        assert idling.wait(HANG_GUARD), "the watcher never entered IDLE"
        assert results and results[0].created == 0
        account.deliver(order_mail("wix", "IDLE-1"))
        assert imported.wait(HANG_GUARD), "the mail delivered during IDLE was not imported"
    finally:
        stop.set()
        worker.join(HANG_GUARD)
    assert not worker.is_alive()
    assert set(orders(hub, cid)) == {"wix-IDLE-1"} and len(results) == 2


def test_counts_in_the_database_match_the_folder(hub, account, connection):
    """Nothing lost: every delivered mail is an order or a quarantine entry, and in exactly one folder."""
    cid = connection()
    for n in range(60):  # more than one page
        account.deliver(
            order_mail("avocadostore", f"N-{n}") if n % 7 else broken_mail(message_id=f"<b{n}@x>"), when=OLD
        )
    result = import_orders(hub, cid)
    assert not result.error
    with hub.db.session() as s:
        n_orders = s.scalar(select(func.count()).select_from(OrderRow).where(OrderRow.connection_id == cid))
    assert n_orders == 51 and len(quarantine_rows(hub, cid)) == 9
    assert len(account.contents("ordersync-imported")) == 51 and len(account.contents("ordersync-failed")) == 9


def test_starttls_and_an_untrusted_certificate(account):
    upgraded = account.connector(security="starttls", port=account.server.starttls_port).test_connection()
    assert upgraded.ok, upgraded.message
    untrusted = account.connector(ca_bundle="").test_connection()
    assert not untrusted.ok and "is not trusted" in untrusted.message


def test_a_private_ca_given_as_pem_text_is_trusted(account):
    from pathlib import Path

    pem = Path(account.server.cert).read_text()
    trusted = account.connector(ca_bundle=pem).test_connection()
    assert trusted.ok, trusted.message
    starttls = account.connector(
        ca_bundle=pem, security="starttls", port=account.server.starttls_port
    ).test_connection()
    assert starttls.ok, starttls.message


def test_the_imap_server_is_reached_through_the_url_guard(account, monkeypatch):
    from ordersync.channels.sdk.urlguard import ALLOW_ENV, LEGACY_ALLOW_ENV

    monkeypatch.delenv(ALLOW_ENV, raising=False)
    monkeypatch.delenv(LEGACY_ALLOW_ENV, raising=False)
    for host in ("localhost", "127.0.0.1", "2130706433"):
        refused = account.connector(host=host).test_connection()
        assert not refused.ok and "loopback address" in refused.message, refused.message


def test_a_connection_test_tells_no_port_from_another(account, monkeypatch):
    """Closed port, unknown host, a port where another service answers: one message, so the connection test
    cannot be used to scan which ports of a host are open."""
    import socket

    from ordersync.channels.sdk.serving import serve_in_thread
    from ordersync.channels.sdk.urlguard import ALLOW_ENV

    monkeypatch.setenv(ALLOW_ENV, "127.0.0.0/8,localhost,nowhere.invalid")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]

    async def web(scope, receive, send):  # an open port with something other than IMAP behind it
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"hello"})

    with serve_in_thread(web) as other:
        targets = [("127.0.0.1", closed), ("nowhere.invalid", 993), ("127.0.0.1", other.port)]
        messages = []
        for host, port in targets:
            for security in ("tls", "starttls"):
                result = account.connector(host=host, port=port, security=security, timeout=3).test_connection()
                assert not result.ok
                messages.append(result.message.replace(f"{host}:{port}", "HOST:PORT"))
    assert set(messages) == {"could not connect to HOST:PORT (check host, port and encryption)"}, messages


def test_folders_with_umlauts_are_read_and_filled(account):
    """Folder names travel in IMAP's modified UTF-7: a German seller's "Bestellungen Shop Zürich" works as
    the order folder and as the folder imported mails are filed into."""
    connector = account.connector(folder="Bestellungen Zürich", processed_folder="Erledigt Größer")
    account.deliver(order_mail("jimdo", "Z-1"), folder="Bestellungen Zürich", when=OLD)
    pages = list(connector.fetch_orders(plan_window(None, utcnow())))  # reading on files the previous page
    assert [o.external_id for p in pages for o in p.records] == ["jimdo-Z-1"]
    assert len(account.contents("Erledigt Größer")) == 1 and account.contents("Bestellungen Zürich") == []

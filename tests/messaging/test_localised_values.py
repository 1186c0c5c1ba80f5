"""Issue 20: dates and amounts in the reader's language on the forwarding documents (CSV, PDF) and in the
e-mails to buyers, with the date in the seller's time zone.

The order was placed at 23:30 UTC on 4 December: in Berlin that is already 5 December, so a date written in
UTC where the seller set Europe/Berlin (or the other way round) fails here."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ordersync.domain import OrderState
from ordersync.domain.order import OrderItem
from ordersync.mail import smtp, templates
from ordersync.sync import actions, dispatcher
from ordersync.sync import mail_notices as notices

from .conftest import smtp_settings
from .helpers import forward_by_mail, import_orders, order
from .test_forwarding import pdf_text

LATE_EVENING = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)


def big_order(n: int):
    found = order(n)
    found.created_at = LATE_EVENING
    found.total = Decimal("1234.56")
    found.items = [
        OrderItem(
            external_id=f"{n}-1",
            title="Teeservice",
            quantity=Decimal(2),
            sku="SET-1",
            unit_price=Decimal("617.28"),
            total_price=Decimal("1234.56"),
        )
    ]
    return found


EXPECTED = {
    "de": {
        "date": "05.12.2026",
        "unit": "617,28",
        "pdf_unit": "617,28\xa0€",
        "total": "1.234,56\xa0€",
        "pdf_total": "Gesamt: 1.234,56\xa0€",
        "pdf_date": "Datum: 05.12.2026",
    },
    "en": {
        "date": "05/12/2026",
        "unit": "617.28",
        "pdf_unit": "€617.28",
        "total": "€1,234.56",
        "pdf_total": "Total: €1,234.56",
        "pdf_date": "Date: 05/12/2026",
    },
}


@pytest.mark.parametrize("language", ["de", "en"])
def test_forwarded_csv_and_pdf_are_written_in_the_targets_language(
    hub, nomsg, starttls_server, certs, monkeypatch, language
):
    monkeypatch.setenv("ORDERSYNC_TIMEZONE", "Europe/Berlin")
    msg = forward_by_mail(hub, nomsg, starttls_server, certs, big_order(1), "grosshandel", language)
    want = EXPECTED[language]
    attachments = {a.get_filename(): a for a in msg.iter_attachments()}
    raw_csv = attachments["order-1001.csv"].get_payload(decode=True).decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(raw_csv), delimiter=";")
    assert (row["order_date"], row["quantity"], row["unit_price"]) == (want["date"], "2", want["unit"])
    assert row["total_price"] == ("1234,56" if language == "de" else "1234.56")  # no thousands separator
    text = pdf_text(attachments["order-1001.pdf"].get_content())
    assert want["pdf_date"] in text and want["pdf_total"] in text
    assert f"SET-1 Teeservice 2 {want['pdf_unit']} {want['total']}" in text
    assert f"{'vom' if language == 'de' else 'of'} {want['date']}" in msg.get_body(("plain",)).get_content()


def test_without_a_time_zone_setting_dates_are_utc(hub, nomsg, starttls_server, certs, monkeypatch):
    monkeypatch.delenv("ORDERSYNC_TIMEZONE", raising=False)
    msg = forward_by_mail(hub, nomsg, starttls_server, certs, big_order(2), "grosshandel")
    pdf = next(a for a in msg.iter_attachments() if a.get_filename().endswith(".pdf"))
    assert "Datum: 04.12.2026" in pdf_text(pdf.get_content())


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_buyer_mail_writes_date_total_and_quantities_in_its_language(
    hub, nomsg, tls_server, certs, monkeypatch, language
):
    monkeypatch.setenv("ORDERSYNC_TIMEZONE", "Europe/Berlin")
    smtp.save(hub, **smtp_settings(tls_server, certs, notify_buyer_by_mail=True))
    notices.set_connection_options(hub, "kleinshop", notify_buyer_by_mail=None, language=language)
    with hub.db.session() as s:
        templates.put(
            s, hub.account_id(), "state", language, "{order_number}: {state}", "{order_date} | {total} | {items}"
        )
    (order_id,) = import_orders(hub, nomsg, big_order(3))
    actions.set_state(hub, order_id, OrderState.PACKED)
    assert dispatcher.dispatch(hub).sent == 1
    (msg,) = tls_server.received
    assert msg["Content-Language"] == language
    want = EXPECTED[language]
    assert msg.get_content().strip() == f"{want['date']} | {want['total']} | 2 × Teeservice (SET-1)"

"""The mail reader and the shop parsers on their own: what they read, and the reason when they cannot."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage
from email.policy import SMTP

import pytest

from ordersync.channels.email_import.message import MAX_MAIL_BYTES, html_to_text, read_mail
from ordersync.channels.email_import.parsers import ParseOptions, parse_mail
from ordersync.channels.email_import.parsers.reader import country_code, parse_amount, read_address
from ordersync.channels.sdk.errors import RecordError
from ordersync.domain import OrderState

from .samples import TEXT_ORDER, broken_mail, forwarded, order_mail

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def parse(raw: bytes, **options):
    return parse_mail(read_mail(raw), ParseOptions(**options), received=NOW)


def reason(raw: bytes, **options) -> str:
    with pytest.raises(RecordError) as info:
        parse(raw, **options)
    assert str(info.value).strip()
    return str(info.value)


@pytest.mark.parametrize(
    "variant", [{}, {"html": True}, {"html": True, "text": False}, {"csv_items": True}, {"charset": "windows-1252"}]
)
def test_every_variant_reads_the_same_order(variant):
    order = parse(order_mail("jimdo", "10023", **variant))
    assert order.external_id == "jimdo-10023" and order.number == "10023"
    assert order.total == Decimal("26.80") and order.shipping_cost == Decimal("4.90") and order.currency == "EUR"
    assert [(i.sku, i.quantity, i.unit_price, i.total_price) for i in order.items] == [
        ("SEIFE-LAV", 2, Decimal("4.50"), Decimal("9.00")),
        ("BUERSTE-L", 1, Decimal("12.90"), Decimal("12.90")),
    ]
    assert order.items[1].title == "Holzbürste groß"
    bill = order.invoice_address
    assert (bill.first_name, bill.last_name, bill.street, bill.house_number, bill.zip, bill.city, bill.country) == (
        "Erika",
        "Beispiel",
        "Lindenweg",
        "12a",
        "12345",
        "Musterstadt",
        "DE",
    )
    assert bill.email == "erika.beispiel@example.org"
    assert order.created_at == datetime(2026, 11, 3, 13, 5, tzinfo=UTC)  # 14:05 in Berlin
    assert order.state is OrderState.ORDERED and order.paid_at is None


def test_shipping_address_company_and_note():
    order = parse(order_mail("jimdo"))
    ship = order.shipping_address
    assert (ship.company, ship.first_name, ship.last_name, ship.street, ship.house_number, ship.city) == (
        "Beispiel GmbH",
        "Jonas",
        "Probe",
        "Am Markt",
        "3-5",
        "München",
    )
    assert order.buyer_note == "Bitte klingeln" and order.items[1].attributes == {"Variante": "Buche"}
    assert order.tax_total == Decimal("4.28")


def test_shop_facts_paid_state():
    assert parse(order_mail("avocadostore")).state is OrderState.PAID  # Avocadostore collects the payment
    assert parse(order_mail("wix", payment="PayPal")).state is OrderState.PAID
    assert parse(order_mail("wix", payment="PayPal"), paypal_paid=False).state is OrderState.ORDERED
    assert parse(order_mail("jimdo", payment="Rechnung")).state is OrderState.ORDERED


def test_forwarded_original_is_read_and_sender_decides_the_shop():
    order = parse(forwarded(order_mail("wix", "77")))
    assert order.external_id == "wix-77"
    own = order_mail("jimdo", "5", sender="Me <me@example.org>")
    assert "is not Jimdo, WIX or Avocadostore" in reason(own) and "'shop' setting" in _hint(own)
    assert parse(own, shop="jimdo").external_id == "jimdo-5"


def _hint(raw: bytes) -> str:
    with pytest.raises(RecordError) as info:
        parse(raw)
    return info.value.hint


def test_subject_gives_the_number_when_the_body_has_none():
    body = TEXT_ORDER.format(number="", payment="Vorkasse").replace("Bestellnummer: \n", "")
    assert parse(order_mail("jimdo", "4711", body=body)).number == "4711"


@pytest.mark.parametrize(
    "change, expected",
    [
        (("Gesamtsumme: 26,80 €", "Gesamtsumme: 99,80 €"), "but the mail's total is 99.80"),
        (("Gesamtsumme: 26,80 €", ""), "no total"),
        (("12345 Musterstadt", "Musterstadt"), "no line with postcode and city"),
        (("Deutschland\nE-Mail", "Atlantis\nE-Mail"), "country 'Atlantis' is not known"),
        (
            (
                "2 x Bio-Seife Lavendel (Art.-Nr. SEIFE-LAV) à 4,50 € = 9,00 €\n1 x Holzbürste groß (Art.-Nr. BUERSTE-L) "
                "à 12,90 € = 12,90 €",
                "siehe Anhang",
            ),
            "no items found",
        ),
    ],
)
def test_a_wrong_mail_is_rejected_with_the_reason(change, expected):
    body = TEXT_ORDER.format(number="10023", payment="Vorkasse").replace(*change)
    assert expected in reason(order_mail("jimdo", "10023", body=body))


def test_mail_without_any_order_number():
    body = TEXT_ORDER.format(number="", payment="x").replace("Bestellnummer: \n", "")
    raw = order_mail("jimdo", "", body=body)
    assert "no order number" in reason(raw)


def test_english_wix_mail_is_named_as_such():
    body = "Order number: 1001\nTotal: €26.80\nShipping address:\nErika Beispiel\n"
    assert "not in German" in reason(order_mail("wix", "", body=body))


def test_discount_and_free_shipping():
    body = (
        TEXT_ORDER.format(number="9", payment="Vorkasse")
        .replace("Versandkosten: 4,90 €", "Versandkosten: kostenlos\nRabatt: -5,00 €")
        .replace("Gesamtsumme: 26,80 €", "Gesamtsumme: 16,90 €")
    )
    order = parse(order_mail("jimdo", "9", body=body))
    assert order.total == Decimal("16.90") and order.shipping_cost == 0 and "discount:5.00" in order.tags


def test_amounts_and_countries():
    assert parse_amount("Summe: 1.234,56 €", where="x") == (Decimal("1234.56"), "EUR")
    assert parse_amount("CHF 12.50", where="x") == (Decimal("12.50"), "CHF")
    assert parse_amount("26,80 € (inkl. 19% MwSt.)", where="x")[0] == Decimal("26.80")
    with pytest.raises(RecordError, match="no amount"):
        parse_amount("kostenlos", where="shipping")
    assert country_code("Österreich") == "AT" and country_code("ch") == "CH" and country_code("Mordor") is None
    block = read_address(["Herr Max Mustermann", "Packstation 123", "A-1010 Wien"], where="x")
    assert (block.last_name, block.zip, block.city, block.country) == ("Mustermann", "1010", "Wien", "AT")


def test_html_rendering_drops_scripts_and_joins_cells():
    text = html_to_text(
        "<html><script>alert(1)</script><table><tr><td>Menge</td><td>2</td></tr></table><p>a<br>b</p></html>"
    )
    assert "alert" not in text and "Menge | 2" in text and "a\nb" in text
    assert html_to_text("") == "" and html_to_text("   ") == ""


def test_damaged_mails_are_record_errors():
    with pytest.raises(RecordError, match="more than"):
        read_mail(b"x" * (MAX_MAIL_BYTES + 1))
    with pytest.raises(RecordError, match="not bytes"):
        read_mail("text")  # type: ignore[arg-type]
    assert "no text or HTML part" in reason(_only_attachment())
    assert "99.80" in reason(broken_mail())


def _only_attachment() -> bytes:
    msg = EmailMessage()
    msg["From"] = "shop-notification@jimdo.com"
    msg["Subject"] = "Bestellung 5"
    msg.add_attachment(b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="rechnung.pdf")
    return msg.as_bytes(policy=SMTP)

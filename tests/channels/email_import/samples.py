"""Sample order mails written for these tests from the documented facts (docs/email-import.md).

No real shop mail was copied and every person, address and article is invented. The bodies follow what
the documentation says the mails contain (order number, items with SKU, quantity and price, addresses,
payment method, shipping costs, total), laid out the way German shop mails commonly are.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

SENDERS = {
    "jimdo": "Jimdo Shop <shop-notification@jimdo.com>",
    "wix": "Wix Stores <no-reply@app-notifications.wix.com>",
    "avocadostore": "Avocadostore <bestellung@avocadostore.de>",
}

TEXT_ORDER = """\
Hallo,

es ist eine neue Bestellung in deinem Shop eingegangen.

Bestellnummer: {number}
Bestelldatum: 03.11.2026 14:05

Rechnungsadresse:
Erika Beispiel
Lindenweg 12a
12345 Musterstadt
Deutschland
E-Mail: erika.beispiel@example.org
Telefon: 030 1234567

Lieferadresse:
Beispiel GmbH
Jonas Probe
Am Markt 3-5
80331 München
Deutschland

Artikel:
2 x Bio-Seife Lavendel (Art.-Nr. SEIFE-LAV) à 4,50 € = 9,00 €
1 x Holzbürste groß (Art.-Nr. BUERSTE-L) à 12,90 € = 12,90 €
Variante: Buche

Zwischensumme: 21,90 €
Versandkosten: 4,90 €
Gesamtsumme: 26,80 €
enthaltene MwSt.: 4,28 €

Zahlungsart: {payment}
Anmerkung: Bitte klingeln
"""

HTML_ORDER = """\
<html><head><style>td {{ padding: 4px }}</style></head><body>
<h1>Neue Bestellung</h1>
<table>
<tr><td>Bestellnummer</td><td>{number}</td></tr>
<tr><td>Bestelldatum</td><td>03.11.2026, 14:05</td></tr>
</table>
<p><b>Rechnungsadresse</b><br>Erika Beispiel<br>Lindenweg 12a<br>12345 Musterstadt<br>Deutschland<br>
E-Mail: erika.beispiel@example.org</p>
<table>
<tr><th>Artikel</th><th>Art.-Nr.</th><th>Menge</th><th>Einzelpreis</th><th>Gesamt</th></tr>
<tr><td>Bio-Seife Lavendel</td><td>SEIFE-LAV</td><td>2</td><td>4,50&nbsp;€</td><td>9,00&nbsp;€</td></tr>
<tr><td>Holzbürste groß</td><td>BUERSTE-L</td><td>1</td><td>12,90 €</td><td>12,90 €</td></tr>
</table>
<table>
<tr><td>Versandkosten</td><td>4,90 €</td></tr>
<tr><td>Gesamtsumme</td><td>26,80 €</td></tr>
<tr><td>Zahlungsart</td><td>{payment}</td></tr>
</table>
</body></html>
"""

CSV_ITEMS = (
    "Artikelnummer;Artikel;Menge;Einzelpreis;Gesamtpreis\nSEIFE-LAV;Bio-Seife Lavendel;2;4,50;9,00\n"
    "BUERSTE-L;Holzbürste groß;1;12,90;12,90\n"
)


def order_mail(
    shop: str = "jimdo",
    number: str = "10023",
    *,
    payment: str = "Vorkasse",
    html: bool = False,
    text: bool = True,
    message_id: str | None = None,
    date: datetime | None = None,
    sender: str | None = None,
    charset: str = "utf-8",
    body: str | None = None,
    csv_items: bool = False,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender or SENDERS[shop]
    msg["To"] = "orders@example.org"
    msg["Subject"] = f"Neue Bestellung #{number}"
    msg["Date"] = format_datetime(date or datetime(2026, 11, 3, 13, 6, tzinfo=UTC))
    msg["Message-ID"] = message_id or make_msgid(domain="shop.example")
    plain = body if body is not None else TEXT_ORDER.format(number=number, payment=payment)
    if csv_items:
        plain = "\n".join(line for line in plain.split("\n") if " x " not in line and not line.startswith("Variante"))
    if text:
        msg.set_content(plain, charset=charset)
    if html:
        markup = HTML_ORDER.format(number=number, payment=payment)
        if text:
            msg.add_alternative(markup, subtype="html")
        else:
            msg.set_content(markup, subtype="html")
    if csv_items:
        msg.add_attachment(CSV_ITEMS.encode("cp1252"), maintype="text", subtype="csv", filename="bestellung.csv")
    for n, part in enumerate(p for p in msg.walk() if p.is_multipart()):  # fixed boundaries: no randomness
        part.set_boundary(f"==sample-{n}-boundary==")
    return msg.as_bytes(policy=SMTP)


def forwarded(original: bytes, by: str = "Seller <seller@example.org>") -> bytes:
    msg = EmailMessage()
    msg["From"] = by
    msg["To"] = "orders@example.org"
    msg["Subject"] = "WG: Neue Bestellung"
    msg["Message-ID"] = make_msgid(domain="example.org")
    msg.set_content("Weitergeleitet als Anhang.")
    from email import message_from_bytes, policy

    msg.add_attachment(message_from_bytes(original, policy=policy.default))
    return msg.as_bytes(policy=SMTP)


def broken_mail(shop: str = "jimdo", message_id: str | None = None) -> bytes:
    """A mail whose total does not match its items: must be quarantined, never imported."""
    body = TEXT_ORDER.format(number="10999", payment="Rechnung").replace("Gesamtsumme: 26,80 €", "Gesamtsumme: 99,80 €")
    return order_mail(shop, "10999", body=body, message_id=message_id)

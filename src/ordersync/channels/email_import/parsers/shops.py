"""The three shops whose order mails the seed names (Jimdo, WIX, Avocadostore): how each mail is
recognised, and what each shop's documentation tells us beyond the mail's text (see docs/email-import.md).

- Jimdo and WIX send the seller one mail per new order; neither has an order API for us, so the mail is
  the order. Billbee offers "PayPal as paid" for Jimdo: PayPal orders are paid when they are placed.
- WIX mails must be in German to be read (Billbee says the same for its import).
- Avocadostore collects the payment itself (via Stripe) and pays the seller out, so every Avocadostore
  order is paid when its mail arrives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ....domain import Address, Buyer, Order, OrderItem, OrderState, Payment
from ....domain.timeutil import to_utc
from ...sdk.errors import RecordError
from ..message import MailContent
from .reader import AddressBlock, ReadOrder, check_sums, items_from_csv, read_order


@dataclass(frozen=True, slots=True)
class Shop:
    key: str
    name: str
    sender_domains: tuple[str, ...]
    subject_number: re.Pattern
    paid_on_arrival: bool = False

    def sent(self, mail: MailContent) -> bool:
        domain = mail.sender.rpartition("@")[2]
        return any(domain == d or domain.endswith("." + d) for d in self.sender_domains)


_SUBJECT_NUMBER = re.compile(
    r"(?:Bestellung|Bestellnummer|Bestell-Nr\.?|Auftrag)\s*(?:Nr\.?\s*)?[#:]?\s*"
    r"(?P<number>[A-Za-z0-9][A-Za-z0-9\-_/.]{0,63}\d)",
    re.I,
)

SHOPS: dict[str, Shop] = {
    "jimdo": Shop("jimdo", "Jimdo", ("jimdo.com", "jimdo.de", "jimdosite.com"), _SUBJECT_NUMBER),
    "wix": Shop("wix", "WIX", ("wix.com", "wixemails.com", "wixsite.com"), _SUBJECT_NUMBER),
    "avocadostore": Shop(
        "avocadostore",
        "Avocadostore",
        ("avocadostore.de", "avocadostore.market"),
        _SUBJECT_NUMBER,
        paid_on_arrival=True,
    ),
}
_ENGLISH = re.compile(r"^(?:order (?:number|#)|total|subtotal|shipping address|billing address)\b", re.I | re.M)
_GERMAN = re.compile(r"^(?:bestell|gesamt|summe|rechnungs|liefer|versand)", re.I | re.M)


@dataclass(frozen=True, slots=True)
class ParseOptions:
    shop: str = "auto"  # "auto" or a key of SHOPS
    paypal_paid: bool = True


def shop_for(mail: MailContent, setting: str) -> Shop:
    if setting != "auto":
        return SHOPS[setting]
    for shop in SHOPS.values():
        if shop.sent(mail):
            return shop
    raise RecordError(
        f"the sender {mail.sender or '(none)'!r} is not Jimdo, WIX or Avocadostore",
        hint="Set the connection's 'shop' setting when the mails are forwarded from your own "
        "address, or check why this mail is in the import folder.",
    )


def parse_mail(mail: MailContent, options: ParseOptions, *, received: datetime) -> Order:
    """The order in one mail, or RecordError saying why not."""
    shop = shop_for(mail, options.shop)
    texts = mail.texts
    if not texts:
        raise RecordError("the mail has no text or HTML part to read", hint="Not an order mail.")
    errors: list[str] = []
    for text in texts:
        try:
            read = read_order(text, subject=mail.subject, number_hint=shop.subject_number)
            if not read.items:
                read.items = _items_from_attachments(mail, read.number)
            check_sums(read)
            return _order(shop, read, mail, options, received)
        except RecordError as exc:
            errors.append(str(exc))
    if _ENGLISH.search(texts[0]) and not _GERMAN.search(texts[0]):
        raise RecordError(
            f"the {shop.name} mail is not in German; only German order mails can be read",
            hint=f"Set the language of the {shop.name} shop's e-mails to German.",
        )
    reason = errors[0] if len(set(errors)) == 1 else " / ".join(dict.fromkeys(errors))
    raise RecordError(f"{shop.name} mail: {reason}", hint="The mail stays in the mailbox (failed folder).")


def _items_from_attachments(mail: MailContent, number: str):
    for att in mail.attachments:
        if att.filename.lower().endswith(".csv") or att.content_type in ("text/csv", "application/csv"):
            items = items_from_csv(att.data, where=f"order {number}, attachment {att.filename!r}")
            if items:
                return items
    return []


def _address(block: AddressBlock) -> Address:
    return Address.from_lines(
        block.street_line,
        block.line2,
        first_name=block.first_name,
        last_name=block.last_name,
        company=block.company,
        zip=block.zip,
        city=block.city,
        country=block.country,
        email=block.email,
        phone=block.phone,
    )


def _order(shop: Shop, read: ReadOrder, mail: MailContent, options: ParseOptions, received: datetime) -> Order:
    created = to_utc(read.ordered_at or mail.date or received)
    updated = to_utc(mail.date or received)
    paid = shop.paid_on_arrival or (options.paypal_paid and "paypal" in read.payment_method.lower())
    items = [
        OrderItem(
            external_id=f"{n}",
            title=i.title[:500],
            quantity=i.quantity,
            unit_price=i.unit_price,
            total_price=i.total_price,
            sku=i.sku[:100],
            attributes=i.attributes,
        )
        for n, i in enumerate(read.items, 1)
    ]
    billing, shipping = _address(read.billing), _address(read.shipping)
    return Order(
        external_id=f"{shop.key}-{read.number}",
        number=read.number,
        state=OrderState.PAID if paid else OrderState.ORDERED,
        currency=read.currency,
        created_at=created,
        updated_at=max(updated, created),
        total=read.total,
        items=items,
        paid_at=created if paid else None,
        buyer=Buyer(
            email=billing.email, first_name=billing.first_name, last_name=billing.last_name, phone=billing.phone
        ),
        invoice_address=billing,
        shipping_address=shipping,
        shipping_cost=read.shipping_cost,
        tax_total=read.tax,
        payment_method=read.payment_method,
        payments=[Payment(read.payment_method or shop.name, read.total, paid_at=created)] if paid else [],
        channel_status="paid" if paid else "ordered",
        buyer_note=read.note,
        tags=[f"mail:{shop.key}"] + ([f"discount:{read.discount}"] if read.discount else []),
    )

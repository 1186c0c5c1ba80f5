"""Order forwarding to a supplier: by e-mail with CSV and PDF, or by signed HTTP POST; once per target."""

from __future__ import annotations

import csv
import io
import re
import threading
import zlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ordersync import forwarding
from ordersync.domain import OrderState
from ordersync.domain.timeutil import utcnow
from ordersync.forwarding import senders, signing
from ordersync.store.models import ArticleRow
from ordersync.store.models_messaging import OrderForward
from ordersync.sync import actions
from ordersync.sync.hub import HubError

from .helpers import events, forward_by_mail, import_orders, order

SECRET = "a-long-shared-signing-secret-1234"


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF made by fpdf2: inflate its content streams and read the string operands."""
    assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue
        text += [m.decode("cp1252") for m in re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", content)]
    return " ".join(t.replace("\\(", "(").replace("\\)", ")") for t in text)


def _forwards(hub) -> list[OrderForward]:
    with hub.db.session() as s:
        return list(s.scalars(select(OrderForward).order_by(OrderForward.id)))


def test_forward_by_mail_attaches_csv_and_pdf(hub, nomsg, starttls_server, certs):
    msg = forward_by_mail(hub, nomsg, starttls_server, certs, order(1), "grosshandel")
    (order_id,) = [f.order_id for f in _forwards(hub)]
    assert msg["To"] == "lager@grosshandel.example" and msg["Subject"] == "Bestellung 1001 von kleinshop"
    assert "Lieferadresse: Eva Müller, Lindenweg 7a, 80331 München, DE" in msg.get_body(("plain",)).get_content()
    attachments = {a.get_filename(): a for a in msg.iter_attachments()}
    assert set(attachments) == {"order-1001.csv", "order-1001.pdf"}
    assert attachments["order-1001.csv"].get_content_type() == "text/csv"
    raw_csv = attachments["order-1001.csv"].get_payload(decode=True).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw_csv), delimiter=";"))
    assert len(rows) == 1
    assert rows[0]["order_number"] == "1001" and rows[0]["shop"] == "kleinshop"
    assert rows[0]["ship_street"] == "Lindenweg" and rows[0]["ship_house_number"] == "7a"
    assert rows[0]["title"] == "Grüner Tee „Sencha“" and rows[0]["quantity"] == "2"
    assert rows[0]["unit_price"] == "12,90" and rows[0]["currency"] == "EUR"
    text = pdf_text(attachments["order-1001.pdf"].get_content())
    assert "Bestellung 1001" in text and "Lindenweg 7a" in text and "München" in text
    assert "TEE-1 Grüner Tee „Sencha“ 2 12,90\xa0€ 25,80\xa0€" in text and "Gesamt: 25,80\xa0€" in text
    (fwd,) = _forwards(hub)
    assert fwd.status == "done" and fwd.sent_at is not None and fwd.attempts == 1
    assert [e.text for e in events(hub, order_id, "forward")] == [
        "forward to grosshandel queued (by hand)",
        "forwarded to grosshandel by e-mail to lager@grosshandel.example",
    ]
    (mail_event,) = events(hub, order_id, "mail")
    assert mail_event.text.startswith("forward mail to lager@grosshandel.example")


def test_http_forward_is_signed_and_sent_once(hub, nomsg, receiver):
    forwarding.add_target(hub, "fulfiller", "http", receiver.url, secret=SECRET)
    first, second = import_orders(hub, nomsg, order(2), order(3))
    forwarding.forward_order(hub, first, "fulfiller")
    with pytest.raises(HubError, match="already forwarded to 'fulfiller'"):
        forwarding.forward_order(hub, first, "fulfiller")
    assert forwarding.dispatch_due(hub) == 1
    with pytest.raises(HubError, match=r"already forwarded .*done"):
        forwarding.forward_order(hub, first, "fulfiller")
    assert forwarding.dispatch_due(hub) == 0
    (got,) = receiver.accepted
    assert receiver.rejected == []
    body = got["json"]
    assert body["event"] == "order.forward" and body["target"] == "fulfiller"
    assert body["order"]["number"] == "1002" and body["order"]["total"] == "25.80"
    assert body["order"]["items"][0] == {
        "sku": "TEE-1",
        "ean": "",
        "title": "Grüner Tee „Sencha“",
        "quantity": "2",
        "unit_price": "12.90",
        "total_price": "25.80",
        "supplier": "",
    }
    assert got["headers"]["x-ordersync-forward-id"] == str(body["forward_id"])
    assert got["headers"]["x-ordersync-signature"].startswith("sha256=")
    sent = [e for e in events(hub, first, "forward") if e.history_kind == "forwarded_by_http"]
    assert [(e.params["status"], e.params["url"]) for e in sent] == [("200", receiver.url)]
    assert second not in [f.order_id for f in _forwards(hub)]


def test_two_dispatchers_racing_send_each_forward_once(hub, nomsg, receiver):
    forwarding.add_target(hub, "fulfiller", "http", receiver.url, secret=SECRET)
    ids = import_orders(hub, nomsg, *[order(n) for n in range(10, 22)])
    for order_id in ids:
        forwarding.forward_order(hub, order_id, "fulfiller")
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def run() -> None:
        barrier.wait()
        counts.append(forwarding.dispatch_due(hub))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == len(ids)
    numbers = sorted(a["json"]["order"]["number"] for a in receiver.accepted)
    assert numbers == sorted(f"10{n:02d}" for n in range(10, 22))  # each once


def test_server_errors_and_timeouts_are_retried_with_backoff_and_shown(hub, nomsg, receiver, monkeypatch):
    forwarding.add_target(hub, "fulfiller", "http", receiver.url, secret=SECRET)
    first, _ = import_orders(hub, nomsg, order(4), order(5))
    forwarding.forward_order(hub, first, "fulfiller")
    receiver.respond = [503]
    assert forwarding.dispatch_due(hub) == 0
    (fwd,) = _forwards(hub)
    assert fwd.status == "pending" and "HTTP 503" in fwd.last_error and fwd.next_attempt_at > utcnow()
    assert forwarding.dispatch_due(hub) == 0  # waits out its backoff
    (shown,) = forwarding.list_forwards(hub, failed=True)
    assert shown.status == "pending" and "503" in shown.last_error and shown.next_attempt_at is not None
    receiver.respond = [429]  # rate limited: waits at least as long as Retry-After says
    assert forwarding.dispatch_due(hub, now=utcnow() + timedelta(hours=1)) == 0
    (fwd,) = _forwards(hub)
    assert fwd.attempts == 2 and "HTTP 429" in fwd.last_error
    assert fwd.next_attempt_at >= utcnow() + timedelta(seconds=110)
    receiver.hang = threading.Event()  # the next request times out
    with monkeypatch.context() as m:  # a short timeout for this attempt only: a busy machine is slow, not hung
        m.setattr(senders, "HTTP_TIMEOUT", 0.5)
        assert forwarding.dispatch_due(hub, now=utcnow() + timedelta(hours=2)) == 0
    (fwd,) = _forwards(hub)
    assert fwd.attempts == 3 and "timeout" in fwd.last_error.lower()
    assert forwarding.retry(hub) == 1  # by hand: now, not after the backoff
    assert forwarding.dispatch_due(hub) == 1
    assert forwarding.list_forwards(hub, failed=True) == []
    assert len(receiver.accepted) == 1


def test_a_refused_forward_fails_visibly_and_can_be_retried(hub, nomsg, receiver):
    forwarding.add_target(hub, "fulfiller", "http", receiver.url, secret="a-different-secret-than-the-receiver")
    (order_id,) = import_orders(hub, nomsg, order(6))
    forwarding.forward_order(hub, order_id, "fulfiller")
    assert forwarding.dispatch_due(hub) == 0
    (fwd,) = _forwards(hub)
    assert fwd.status == "failed" and "HTTP 401" in fwd.last_error  # not retried by itself
    assert len(receiver.rejected) == 1
    assert "failed after 1 attempt: " in events(hub, order_id, "forward")[-1].text
    with pytest.raises(HubError, match="forwarding retry"):
        forwarding.forward_order(hub, order_id, "fulfiller")
    receiver.secret = "a-different-secret-than-the-receiver"  # the supplier fixed their side
    assert forwarding.retry(hub) == 1
    assert forwarding.dispatch_due(hub) == 1 and len(receiver.accepted) == 1


def test_rules_forward_matching_orders_only_and_once(hub, nomsg, memshop, receiver):
    forwarding.add_target(hub, "fulfiller", "http", receiver.url, secret=SECRET)
    now = utcnow()
    with hub.db.session() as s:
        s.add(
            ArticleRow(account_id=hub.account_id(None, s), sku="MUG-9", title="Becher", created_at=now, updated_at=now)
        )
    forwarding.set_supplier(hub, "MUG-9", "Keramik Kühn")
    with pytest.raises(HubError, match="no article with SKU 'NOPE'"):
        forwarding.set_supplier(hub, "NOPE", "x")
    by_sku = forwarding.add_rule(hub, "fulfiller", sku="TEE-7")
    by_supplier = forwarding.add_rule(hub, "fulfiller", supplier="Keramik Kühn")
    by_state = forwarding.add_rule(hub, "fulfiller", connection="kleinshop", state="paid")
    with pytest.raises(HubError, match="no connection named 'gibtsnicht'"):
        forwarding.add_rule(hub, "fulfiller", connection="gibtsnicht")
    with pytest.raises(HubError, match="unknown|state"):
        forwarding.add_rule(hub, "fulfiller", state="fast fertig")
    sku_match, supplier_match, paid_here, no_match = import_orders(
        hub,
        memshop,
        order(31, sku="TEE-7"),
        order(32, sku="MUG-9"),
        order(33, sku="X-1"),
        order(34, sku="X-2", state=OrderState.ORDERED),
    )
    (paid_kleinshop, ordered_kleinshop) = import_orders(
        hub, nomsg, order(35, sku="X-3"), order(36, sku="X-4", state=OrderState.ORDERED)
    )
    assert forwarding.apply_rules(hub) == 3
    assert forwarding.apply_rules(hub) == 0  # once per order and target
    triggers = {f.order_id: f.trigger for f in _forwards(hub)}
    assert triggers == {
        sku_match: f"rule:{by_sku}",
        supplier_match: f"rule:{by_supplier}",
        paid_kleinshop: f"rule:{by_state}",
    }
    assert paid_here not in triggers and no_match not in triggers
    # the ordered kleinshop order matches once it is paid
    actions.set_state(hub, ordered_kleinshop, OrderState.PAID)
    assert forwarding.apply_rules(hub) == 1
    assert forwarding.dispatch_due(hub) == 4
    numbers = sorted(a["json"]["order"]["number"] for a in receiver.accepted)
    assert numbers == ["1031", "1032", "1035", "1036"]
    supplier_doc = next(a["json"]["order"] for a in receiver.accepted if a["json"]["order"]["number"] == "1032")
    assert supplier_doc["items"][0]["supplier"] == "Keramik Kühn"
    assert [r.id for r in forwarding.list_rules(hub)] == [by_sku, by_supplier, by_state]
    forwarding.remove_rule(hub, by_sku)
    assert len(forwarding.list_rules(hub)) == 2


def test_a_rule_ignores_orders_from_before_it_existed(hub, nomsg, receiver):
    forwarding.add_target(hub, "fulfiller", "http", receiver.url, secret=SECRET)
    import_orders(hub, nomsg, order(40))
    with hub.db.session() as s:  # the order was last changed an hour before the rule
        from ordersync.store.models import OrderRow

        s.query(OrderRow).update({"modified_at": utcnow() - timedelta(hours=1)})
    forwarding.add_rule(hub, "fulfiller", state="paid")
    assert forwarding.apply_rules(hub) == 0


def test_targets_are_validated_and_removable(hub):
    with pytest.raises(HubError, match="not an e-mail address"):
        forwarding.add_target(hub, "x", "email", "lager at example")
    with pytest.raises(HubError, match="full http"):
        forwarding.add_target(hub, "x", "http", "ftp://example.org/in")
    with pytest.raises(HubError, match="kind 'fax'"):
        forwarding.add_target(hub, "x", "fax", "0301234")
    created = forwarding.add_target(hub, "hook", "http", "https://fulfil.example/in")
    assert created.secret and len(created.secret) >= 32  # generated, shown once
    with pytest.raises(HubError, match="already exists"):
        forwarding.add_target(hub, "hook", "http", "https://fulfil.example/in")
    with hub.db.engine.connect() as conn:
        from sqlalchemy import text

        assert created.secret not in conn.execute(text("SELECT secrets FROM forward_targets")).scalar_one()
    assert [t.name for t in forwarding.list_targets(hub)] == ["hook"]
    forwarding.remove_target(hub, "hook")
    assert forwarding.list_targets(hub) == []
    with pytest.raises(HubError, match="no forwarding target named 'hook'"):
        forwarding.remove_target(hub, "hook")
    with hub.db.session() as s:
        assert s.scalar(select(func.count()).select_from(OrderForward)) == 0


def test_signature_verification():
    body = b'{"order": 1}'
    ts = "1790000000"
    sig = signing.signature(SECRET, ts, body)
    assert signing.verify(SECRET, ts, sig, body, now=1790000010)
    assert not signing.verify(SECRET, ts, sig, body + b" ", now=1790000010)  # body changed
    assert not signing.verify("another-secret-of-some-length", ts, sig, body, now=1790000010)
    assert not signing.verify(SECRET, ts, sig, body, now=1790000000 + 3600)  # replayed an hour later
    assert not signing.verify(SECRET, "1790000001", sig, body, now=1790000010)  # timestamp swapped
    assert not signing.verify(SECRET, ts, None, body, now=1790000010)

"""Outgoing mail against real SMTP servers on loopback: STARTTLS and implicit TLS, both with AUTH and a
self-signed certificate that the account trusts explicitly."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from ordersync.channels.sdk.errors import AuthError, PermanentError
from ordersync.domain import OrderState
from ordersync.domain.timeutil import utcnow
from ordersync.mail import smtp, templates
from ordersync.mail.templates import TemplateError
from ordersync.store.models import OutboxEntry
from ordersync.sync import actions, dispatcher
from ordersync.sync import mail_notices as notices
from ordersync.sync.hub import HubError

from .conftest import PASSWORD, USER, smtp_settings
from .helpers import events, import_orders, order


def _outbox(hub, kind: str = "mail") -> list[OutboxEntry]:
    with hub.db.session() as s:
        return list(s.scalars(select(OutboxEntry).where(OutboxEntry.kind == kind).order_by(OutboxEntry.id)))


def test_a_message_on_a_channel_without_messaging_goes_by_mail_over_starttls(hub, memshop, starttls_server, certs):
    smtp.save(hub, **smtp_settings(starttls_server, certs))
    (order_id,) = import_orders(hub, memshop, order(1))
    actions.send_message(hub, order_id, subject="Lieferzeit", text="Ihr Tee kommt am Donnerstag.")
    assert events(hub, order_id, "mail") == []  # recorded when sent, not when queued
    result = dispatcher.dispatch(hub)
    assert result.sent == 1, result.errors
    (msg,) = starttls_server.received
    assert starttls_server.logins == [USER]
    assert msg["To"] == "eva@example.org"
    assert msg["From"].addresses[0].addr_spec == "shop@example.test"
    assert msg["From"].addresses[0].display_name == "Teeladen Müller"
    assert msg["Subject"] == "Lieferzeit"
    assert msg["Content-Language"] == "de"
    assert msg["Message-ID"].endswith("@example.test>")
    body = msg.get_content()
    assert "Hallo Eva Müller," in body and "Ihr Tee kommt am Donnerstag." in body
    assert "Ihre Bestellung 1001 bei mem" in body
    (event,) = events(hub, order_id, "mail")
    assert "eva@example.org" in event.text and "Lieferzeit" in event.text
    assert dispatcher.dispatch(hub).sent == 0  # exactly once
    assert len(starttls_server.received) == 1


def test_implicit_tls_in_english_and_channel_apis_stay_preferred(hub, memshop, tls_server, certs):
    smtp.save(hub, **smtp_settings(tls_server, certs, notify_buyer_by_mail=True))
    notices.set_connection_options(hub, "mem", notify_buyer_by_mail=None, language="en")
    (order_id,) = import_orders(hub, memshop, order(2))
    actions.set_state(hub, order_id, OrderState.PACKED)  # memshop takes states by API: no mail
    actions.send_message(hub, order_id, subject="", text="Your tea leaves tomorrow.")
    assert [e.kind for e in _outbox(hub, "state")] == ["state"] and len(_outbox(hub)) == 1
    result = dispatcher.dispatch(hub)
    assert result.sent == 2, result.errors
    (msg,) = tls_server.received
    assert tls_server.logins == [USER]
    assert msg["Content-Language"] == "en" and msg["Subject"] == "Your order 1002"
    assert msg.get_content().startswith("Hello Eva Müller,\n\nYour tea leaves tomorrow.")
    assert len(events(hub, order_id, "mail")) == 1


def test_status_and_tracking_notices_by_mail_when_asked_for(hub, nomsg, tls_server, certs):
    smtp.save(hub, **smtp_settings(tls_server, certs))
    first, second = import_orders(hub, nomsg, order(3), order(4, email=""))
    actions.set_state(hub, first, OrderState.CONFIRMED)
    assert _outbox(hub) == []  # notices are off by default
    smtp.save(hub, **smtp_settings(tls_server, certs, password=None, notify_buyer_by_mail=True))
    actions.set_state(hub, first, OrderState.PACKED)
    actions.ship(
        hub,
        first,
        carrier="DHL",
        tracking_number="00340434161094042557",
        tracking_url="https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=1",
    )
    actions.set_state(hub, first, OrderState.ARCHIVED)  # internal: the buyer is not told
    actions.set_state(hub, second, OrderState.PACKED)  # no buyer address: a note, no failure
    assert [json.loads(e.payload)["template"] for e in _outbox(hub)] == ["state", "tracking"]
    assert dispatcher.dispatch(hub).sent == 2
    state_mail, tracking_mail = tls_server.received
    assert state_mail["Subject"] == "Ihre Bestellung 1003: Verpackt" or "1003" in state_mail["Subject"]
    assert "ist jetzt:" in state_mail.get_content()
    body = tracking_mail.get_content()
    assert tracking_mail["Subject"] == "Ihre Bestellung 1003 ist unterwegs"
    assert "mit DHL verschickt" in body and "Sendungsnummer: 00340434161094042557" in body
    assert "piececode=1" in body and "2 × Grüner Tee „Sencha“ (TEE-1)" in body
    assert [e.text.split(":")[0] for e in events(hub, first, "mail")] == [
        "state mail to eva@example.org",
        "tracking mail to eva@example.org",
    ]
    assert "e-mail address is unknown" in events(hub, second, "mail_skipped")[0].text
    # a connection can turn notices off although the account has them on
    notices.set_connection_options(hub, "kleinshop", notify_buyer_by_mail=False, language=None)
    actions.set_state(hub, first, OrderState.RETURNED)
    assert len(_outbox(hub)) == 2


def test_untrusted_certificate_is_refused_never_ignored(hub, nomsg, starttls_server, certs):
    smtp.save(hub, **smtp_settings(starttls_server, certs, ca_pem=""))
    with hub.db.session() as s:
        config = smtp.require(hub, s, hub.account_id())
    with pytest.raises(PermanentError, match="not trusted"):
        smtp.verify(config)
    (order_id,) = import_orders(hub, nomsg, order(5))
    actions.send_message(hub, order_id, subject="", text="Hallo")
    result = dispatcher.dispatch(hub)
    assert result.dead == 1 and "not trusted" in result.errors[0]
    assert starttls_server.received == [] and events(hub, order_id, "mail") == []
    smtp.save(hub, **smtp_settings(starttls_server, certs, password=None))  # the CA is given now
    assert dispatcher.retry_dead(hub) == 1
    assert dispatcher.dispatch(hub).sent == 1
    assert starttls_server.received[0]["Subject"] == "Ihre Bestellung 1005"


def test_wrong_password_is_a_clear_permanent_error(hub, starttls_server, certs):
    smtp.save(hub, **smtp_settings(starttls_server, certs, password="wrong"))
    with hub.db.session() as s:
        config = smtp.require(hub, s, hub.account_id())
    with pytest.raises(AuthError, match="login refused"):
        smtp.verify(config)
    smtp.save(hub, **smtp_settings(starttls_server, certs, password=PASSWORD))
    with hub.db.session() as s:
        assert "logged in" in smtp.verify(smtp.require(hub, s, hub.account_id()))


def test_a_busy_server_is_retried_with_backoff(hub, nomsg, starttls_server, certs):
    smtp.save(hub, **smtp_settings(starttls_server, certs))
    (order_id,) = import_orders(hub, nomsg, order(6))
    actions.send_message(hub, order_id, subject="Frage", text="Passt Donnerstag?")
    starttls_server.fail_next = ["451 4.3.0 greylisted, try again later"]
    first = dispatcher.dispatch(hub)
    assert first.retried == 1 and starttls_server.received == []
    (entry,) = _outbox(hub)
    assert entry.status == "pending" and "451" in entry.last_error and entry.next_attempt_at > utcnow()
    assert dispatcher.dispatch(hub, now=utcnow() + timedelta(hours=1)).sent == 1
    assert len(starttls_server.received) == 1 and len(events(hub, order_id, "mail")) == 1


def test_templates_can_be_overridden_and_unknown_placeholders_fail_clearly(hub, nomsg, tls_server, certs):
    smtp.save(hub, **smtp_settings(tls_server, certs))
    account = hub.account_id()
    with hub.db.session() as s, pytest.raises(TemplateError, match=r"unknown placeholder \{ordernumber\}"):
        templates.put(s, account, "message", "de", None, "Bestellung {ordernumber}")
    with hub.db.session() as s, pytest.raises(TemplateError, match="takes no format"):
        templates.put(s, account, "message", "de", None, "{total:>10}")
    with hub.db.session() as s, pytest.raises(TemplateError, match="literal brace"):
        templates.put(s, account, "message", "de", None, "Hallo {buyer_name")
    with hub.db.session() as s, pytest.raises(TemplateError, match="unknown template kind"):
        templates.put(s, account, "invoice", "de", None, "x")
    with hub.db.session() as s:
        templates.put(
            s,
            account,
            "message",
            "de",
            "[{shop}] {subject}",
            "Moin {buyer_name}!\n{message}\nBestellt: {items}\nSumme {total} {{netto}}",
        )
    (order_id,) = import_orders(hub, nomsg, order(7))
    actions.send_message(hub, order_id, subject="Rückfrage", text="Welche Farbe?")
    dispatcher.dispatch(hub)
    (msg,) = tls_server.received
    assert msg["Subject"] == "[kleinshop] Rückfrage"
    assert msg.get_content().startswith("Moin Eva Müller!\nWelche Farbe?\nBestellt: 2 × Grüner Tee")
    assert "Summe 25,80\xa0€ {netto}" in msg.get_content()
    with hub.db.session() as s:
        assert templates.get(s, account, "message", "de").custom
        templates.put(s, account, "message", "de", None, None)  # back to the default
        assert not templates.get(s, account, "message", "de").custom
    for kind in templates.KINDS:  # every built-in default renders with every placeholder known
        for language in templates.LANGUAGES:
            templates.default(kind, language).render({k: "x" for k in templates.PLACEHOLDERS})


def test_without_smtp_a_message_fails_with_what_to_do(hub, nomsg):
    (order_id,) = import_orders(hub, nomsg, order(8))
    with pytest.raises(HubError, match="ordersync mail smtp set"):
        actions.send_message(hub, order_id, subject="x", text="y")
    assert _outbox(hub) == []


def test_bad_smtp_settings_are_refused_with_the_field(hub, certs):
    base = dict(
        host="127.0.0.1", port=2525, security="starttls", username="", password="", from_address="shop@example.test"
    )
    with pytest.raises(HubError, match="security 'ssl'"):
        smtp.save(hub, **base | {"security": "ssl"})
    with pytest.raises(HubError, match="from address"):
        smtp.save(hub, **base | {"from_address": "not an address"})
    with pytest.raises(HubError, match="CA certificate"):
        smtp.save(hub, **base | {"ca_pem": "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n"})
    smtp.save(hub, **base | {"password": "geheim"})
    with hub.engine.connect() if hasattr(hub, "engine") else hub.db.engine.connect() as conn:
        from sqlalchemy import text

        stored = conn.execute(text("SELECT secrets FROM smtp_settings")).scalar_one()
    assert "geheim" not in stored


def test_two_dispatchers_racing_send_each_mail_once(hub, nomsg, starttls_server, certs):
    import threading

    smtp.save(hub, **smtp_settings(starttls_server, certs))
    ids = import_orders(hub, nomsg, *[order(n) for n in range(20, 28)])
    for order_id in ids:
        actions.send_message(hub, order_id, subject=f"Nr {order_id}", text="Danke!")
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def run() -> None:
        barrier.wait()
        sent.append(dispatcher.dispatch(hub).sent)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(sent) == len(ids)
    assert sorted(m["Subject"] for m in starttls_server.received) == sorted(f"Nr {i}" for i in ids)
    assert all(len(events(hub, i, "mail")) == 1 for i in ids)

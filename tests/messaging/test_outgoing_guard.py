"""Forwarding and SMTP through the URL guard: no calls into the hub's own network, no answer bodies in the
log, one message for every unreachable mail server, and no stored password sent to a changed host."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import select

from ordersync import forwarding
from ordersync.channels.sdk.errors import TransientError
from ordersync.channels.sdk.urlguard import ALLOW_ENV, LEGACY_ALLOW_ENV, UrlRefused
from ordersync.mail import smtp
from ordersync.store.models_messaging import OrderForward
from ordersync.sync.hub import HubError

from .conftest import smtp_settings
from .helpers import import_orders, order

SECRET = "a-long-shared-signing-secret-1234"


@pytest.fixture
def no_allowance(monkeypatch):
    monkeypatch.delenv(ALLOW_ENV, raising=False)
    monkeypatch.delenv(LEGACY_ALLOW_ENV, raising=False)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _forward(hub) -> OrderForward:
    with hub.db.session() as s:
        return s.scalars(select(OrderForward)).one()


def test_a_forward_failure_records_the_status_not_the_answer(hub, nomsg, receiver):
    forwarding.add_target(hub, "fulfiller", "http", receiver.url, secret=SECRET)
    (order_id,) = import_orders(hub, nomsg, order(4))
    forwarding.forward_order(hub, order_id, "fulfiller")
    receiver.respond = [503]
    assert forwarding.dispatch_due(hub) == 0
    fwd = _forward(hub)
    assert "HTTP 503" in fwd.last_error and "receiver unavailable" not in fwd.last_error


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:6379/", "http://2130706433/in", "http://[::1]/in", "http://169.254.169.254/latest/meta-data/"],
)
def test_a_forwarding_target_at_an_internal_address_is_refused(hub, no_allowance, url):
    with pytest.raises(HubError, match="own network"):
        forwarding.add_target(hub, "x", "http", url, secret=SECRET)


def test_a_forward_to_a_name_of_the_hubs_network_is_refused_when_sent(hub, nomsg, receiver, no_allowance):
    forwarding.add_target(hub, "fulfiller", "http", receiver.url.replace("127.0.0.1", "localhost"), secret=SECRET)
    (order_id,) = import_orders(hub, nomsg, order(5))
    forwarding.forward_order(hub, order_id, "fulfiller")
    assert forwarding.dispatch_due(hub) == 0
    assert "loopback address" in _forward(hub).last_error and receiver.accepted == []


def test_smtp_to_the_hubs_own_network_is_refused(starttls_server, tls_server, certs, monkeypatch):
    for server in (starttls_server, tls_server):
        config = smtp.SmtpConfig(**smtp_settings(server, certs))
        assert "logged in" in smtp.verify(config)  # the session allows loopback
        with monkeypatch.context() as m:
            m.delenv(ALLOW_ENV, raising=False)
            m.delenv(LEGACY_ALLOW_ENV, raising=False)
            with pytest.raises(UrlRefused, match="loopback"):
                smtp.verify(config)


def test_an_unreachable_smtp_server_gets_one_message(certs, monkeypatch):
    monkeypatch.setenv(ALLOW_ENV, "127.0.0.0/8,nowhere.invalid")
    port = _closed_port()
    messages = []
    for host in ("127.0.0.1", "nowhere.invalid"):
        config = smtp.SmtpConfig(host, port, "starttls", "", "", "shop@example.test")
        with pytest.raises(TransientError) as info:
            smtp.verify(config)
        messages.append(str(info.value).replace(host, "HOST"))
    assert messages == [f"SMTP: could not connect to HOST:{port} (check host, port and encryption)"] * 2


def test_changing_the_smtp_host_requires_the_password_again(hub, starttls_server, certs):
    smtp.save(hub, **smtp_settings(starttls_server, certs))
    with pytest.raises(HubError, match=r"server changed .*enter the password \(field 'password'\) again"):
        smtp.save(hub, **smtp_settings(starttls_server, certs, host="relay.attacker.example", password=None))
    with pytest.raises(HubError, match="password"):
        smtp.save(hub, **smtp_settings(starttls_server, certs, port=starttls_server.port + 1, password=None))
    smtp.save(hub, **smtp_settings(starttls_server, certs, password=None))  # same host: the password stays
    with hub.db.session() as s:
        assert smtp.require(hub, s, hub.account_id()).password == smtp_settings(starttls_server, certs)["password"]
    smtp.save(hub, **smtp_settings(starttls_server, certs, host="relay.example", password="new-secret"))
    with hub.db.session() as s:
        config = smtp.require(hub, s, hub.account_id())
    assert (config.host, config.password) == ("relay.example", "new-secret")

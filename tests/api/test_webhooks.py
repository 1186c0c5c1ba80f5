"""Outgoing webhooks against a real receiver on loopback: subscriptions, events, signatures (verified with
the recipe in docs/api.md), retries with backoff, every attempt visible through the API."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from ordersync import notify
from ordersync.channels.sdk.serving import free_port, serve_in_thread
from ordersync.domain import OrderState
from ordersync.domain.timeutil import utcnow
from ordersync.notify import fanout
from ordersync.store.models_accounts import WebhookDeliveryOut
from ordersync.sync import actions
from ordersync.sync.upsert import upsert_orders

from .receiver import Receiver
from .seed import make_order

SECRET = "whsec_0123456789abcdef"


@pytest.fixture
def receiver():
    rec = Receiver()
    with serve_in_thread(rec.app()) as server:
        rec.url = f"{server.base_url}/hook"
        yield rec


def subscribe(api, url, filters=("*",), key=None, **extra):
    r = api.call(
        "POST",
        "/api/v1/webhooks",
        key or api.key_a,
        json={"WebHookUri": url, "Filters": list(filters), "Secret": SECRET, **extra},
    )
    assert r.status_code == 201, r.text
    return r.json()


def documented_check(secret: str, body: bytes, header: str) -> bool:
    """The receiver's recipe from docs/api.md, written out with the standard library only."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def make_due(hub):
    """Time passes: every waiting delivery is due now."""
    with hub.db.session() as s:
        s.execute(
            update(WebhookDeliveryOut)
            .where(WebhookDeliveryOut.status == "pending")
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )


def test_subscription_crud_and_validation(api):
    created = subscribe(api, "https://erp.example/hook", ["order.shipped", "stock.changed"], Description="ERP")
    assert created["Secret"] == SECRET and created["Filters"] == ["order.shipped", "stock.changed"]
    sub_id = created["Id"]
    got = api.a_("GET", f"/api/v1/webhooks/{sub_id}").json()
    assert "Secret" not in got and got["Description"] == "ERP" and got["IsPaused"] is False
    assert [w["Id"] for w in api.a_("GET", "/api/v1/webhooks").json()] == [sub_id]
    generated = api.a_("POST", "/api/v1/webhooks", json={"WebHookUri": "http://127.0.0.1:9/x", "Filters": ["*"]}).json()
    assert len(generated["Secret"]) >= 32 and len(generated["Filters"]) == len(notify.EVENT_TYPES)
    r = api.a_("PUT", f"/api/v1/webhooks/{sub_id}", json={"IsPaused": True, "Filters": ["order.created"]})
    assert r.json()["IsPaused"] is True and r.json()["Filters"] == ["order.created"] and "Secret" not in r.json()
    assert api.a_("PUT", f"/api/v1/webhooks/{sub_id}", json={"Secret": "n" * 20}).json()["Secret"] == "n" * 20
    filters = api.a_("GET", "/api/v1/webhooks/filters").json()["Data"]
    assert filters["Filters"] == list(notify.EVENT_TYPES) and filters["RetryDelaysSeconds"][0] == 15
    bad = [
        ({"WebHookUri": "ftp://x.example", "Filters": ["*"]}, "not an http(s) URL"),
        ({"WebHookUri": "https://u:p@x.example", "Filters": ["*"]}, "user name or password"),
        ({"WebHookUri": "https://x.example", "Filters": ["order.exploded"]}, "unknown event 'order.exploded'"),
        ({"WebHookUri": "https://x.example", "Filters": []}, "Filters"),
        ({"WebHookUri": "https://x.example", "Filters": ["*"], "Secret": "short"}, "Secret"),
    ]
    for body, message in bad:
        r = api.a_("POST", "/api/v1/webhooks", json=body)
        assert r.status_code in (400, 422) and message in r.json()["ErrorMessage"], (body, r.text)
    assert api.a_("DELETE", f"/api/v1/webhooks/{sub_id}").json()["Data"]["Deleted"] is True
    assert api.a_("GET", f"/api/v1/webhooks/{sub_id}").status_code == 404


def test_events_are_delivered_signed_and_only_the_accounts_own(api, receiver):
    sub = subscribe(api, receiver.url)
    subscribe(api, receiver.url + "?beta", key=api.key_b, filters=["order.created"])
    hub, a, b = api.hub, api.a, api.b
    # activity in both accounts after subscribing
    api.a_("POST", f"/api/v1/orders/{a.order_ids[0]}/shipment", json={"ShippingId": "JJD0001", "Shipper": "DHL"})
    api.a_("POST", "/api/v1/products/updatestock", json={"Sku": "ALPHA-CAP", "NewQuantity": 4})
    actions.set_state(hub, b.order_ids[0], OrderState.CANCELLED, account="beta")
    with hub.db.session() as s:
        upsert_orders(s, a.account_id, a.connection_id, [make_order("alpha", 9)])
        upsert_orders(s, b.account_id, b.connection_id, [make_order("beta", 9)])
    assert notify.deliver_due(hub) == 6
    alpha = [json.loads(r.body) for r in receiver.requests if r.query != "beta"]
    beta = [json.loads(r.body) for r in receiver.requests if r.query == "beta"]
    types = sorted(e["Type"] for e in alpha)
    assert types == ["order.created", "order.shipped", "order.state_changed", "stock.changed", "stock.changed"]
    assert [(e["Type"], e["Data"]["Order"]["OrderNumber"]) for e in beta] == [
        ("order.created", "BETA1009")
    ]  # beta's subscription wants order.created only
    assert not any("BETA" in json.dumps(e) for e in alpha)
    for req in receiver.requests:
        body = json.loads(req.body)
        assert req.headers["x-ordersync-event"] == body["Type"] and req.headers["x-ordersync-event-id"] == body["Id"]
        assert req.headers["x-ordersync-timestamp"].isdigit() and req.headers["content-type"] == "application/json"
        assert documented_check(SECRET, req.body, req.headers["x-ordersync-signature"])
        assert notify.verify(SECRET, req.body, req.headers["x-ordersync-signature"])
        assert not documented_check("another secret 123", req.body, req.headers["x-ordersync-signature"])
        assert not notify.verify(SECRET, req.body + b" ", req.headers["x-ordersync-signature"])
    shipped = next(e for e in alpha if e["Type"] == "order.shipped")
    assert shipped["Data"]["Shipment"]["ShippingId"] == "JJD0001" and shipped["Data"]["Order"]["State"] == 4
    changed = next(e for e in alpha if e["Type"] == "order.state_changed")
    assert (changed["Data"]["OldStateId"], changed["Data"]["NewStateId"], changed["Data"]["NewStateName"]) == (
        3,
        4,
        "Shipped",
    )
    assert changed["Data"]["Change"]["HistoryKind"] == "state_changed"
    assert changed["Data"]["Change"]["Params"] == {"old": 3, "new": 4}
    assert shipped["Data"]["Change"]["Params"] == {
        "carrier": shipped["Data"]["Shipment"]["Shipper"],
        "tracking": "JJD0001",
    }
    stock = [e["Data"] for e in alpha if e["Type"] == "stock.changed"]
    assert {(d["SKU"], d["Change"]) for d in stock} == {("ALPHA-MUG", "-2"), ("ALPHA-CAP", "-6")}
    # nothing is sent twice
    assert notify.deliver_due(hub) == 0 and len(receiver.requests) == 6
    deliveries = api.a_("GET", f"/api/v1/webhooks/{sub['Id']}/deliveries").json()
    assert deliveries["Paging"]["TotalRows"] == 5 and {d["Status"] for d in deliveries["Data"]} == {"done"}


def test_failed_deliveries_are_retried_with_backoff_and_every_attempt_is_visible(api, receiver):
    sub = subscribe(api, receiver.url, ["order.state_changed"])
    receiver.answers = [(500, {}), (503, {"Retry-After": "120"})]
    api.a_("PUT", f"/api/v1/orders/{api.a.order_ids[0]}/orderstate", json={"NewStateId": 7})
    assert notify.deliver_due(api.hub) == 0  # 500
    assert notify.deliver_due(api.hub) == 0  # not due yet: nothing is sent
    assert len(receiver.requests) == 1
    make_due(api.hub)
    assert notify.deliver_due(api.hub) == 0  # 503 with Retry-After: 120
    make_due(api.hub)
    assert notify.deliver_due(api.hub) == 1  # 200
    (d,) = api.a_("GET", f"/api/v1/webhooks/{sub['Id']}/deliveries").json()["Data"]
    assert d["Status"] == "done" and d["Attempts"] == 3 and d["EventType"] == "order.state_changed"
    detail = api.a_("GET", f"/api/v1/webhooks/{sub['Id']}/deliveries/{d['Id']}").json()["Data"]
    log = detail["AttemptLog"]
    assert [(a["Ok"], a["StatusCode"]) for a in log] == [(False, 500), (False, 503), (True, 200)]
    assert log[0]["Error"].startswith("HTTP 500") and log[2]["Error"] is None and log[2]["NextAttemptAt"] is None
    waits = [(_t(a["NextAttemptAt"]) - _t(a["At"])).total_seconds() for a in log[:2]]
    assert waits[0] == pytest.approx(notify.RETRY_DELAYS[0], abs=1)
    assert waits[1] == pytest.approx(120, abs=1)  # the receiver's Retry-After beat our 60 s
    assert json.loads(detail["Body"])["Id"] == d["EventId"]
    # all three requests carried the same event, body and signature
    assert len({(r.body, r.headers["x-ordersync-signature"]) for r in receiver.requests}) == 1


def _t(text):
    from datetime import datetime

    return datetime.fromisoformat(text)


def test_the_retry_schedule_grows_and_ends_dead_then_can_be_redelivered(api):
    assert [notify.retry_delay(n) for n in (1, 2, 3)] == [15, 60, 300]
    assert all(a < b for a, b in itertools.pairwise(notify.RETRY_DELAYS))
    assert notify.retry_delay(len(notify.RETRY_DELAYS) + 1) is None
    dead_url = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens here
    sub = subscribe(api, dead_url, ["order.updated"])
    api.a_("POST", f"/api/v1/orders/{api.a.order_ids[0]}/tags", json={"Tags": ["vip"]})
    notify.deliver_due(api.hub)
    with api.hub.db.session() as s:
        s.execute(update(WebhookDeliveryOut).values(attempts=len(notify.RETRY_DELAYS)))
    make_due(api.hub)
    notify.deliver_due(api.hub)
    (d,) = api.a_("GET", f"/api/v1/webhooks/{sub['Id']}/deliveries?status=dead").json()["Data"]
    assert "ConnectError" in d["LastError"] and d["NextAttemptAt"] is None
    log = api.a_("GET", f"/api/v1/webhooks/{sub['Id']}/deliveries/{d['Id']}").json()["Data"]["AttemptLog"]
    assert len(log) == 2 and all(a["StatusCode"] is None and not a["Ok"] for a in log)
    again = api.a_("POST", f"/api/v1/webhooks/{sub['Id']}/deliveries/{d['Id']}/redeliver").json()["Data"]
    assert again["Status"] == "pending" and again["Attempts"] == 0


def test_a_gone_receiver_is_not_retried_and_a_paused_subscription_waits(api, receiver):
    sub = subscribe(api, receiver.url, ["order.updated"])
    receiver.answers = [(410, {})]
    api.a_("POST", f"/api/v1/orders/{api.a.order_ids[0]}/tags", json={"Tags": ["a"]})
    notify.deliver_due(api.hub)
    (d,) = api.a_("GET", f"/api/v1/webhooks/{sub['Id']}/deliveries").json()["Data"]
    assert d["Status"] == "dead" and d["Attempts"] == 1
    api.a_("PUT", f"/api/v1/webhooks/{sub['Id']}", json={"IsPaused": True})
    api.a_("POST", f"/api/v1/orders/{api.a.order_ids[0]}/tags", json={"Tags": ["b"]})
    assert notify.deliver_due(api.hub) == 0 and len(receiver.requests) == 1
    api.a_("PUT", f"/api/v1/webhooks/{sub['Id']}", json={"IsPaused": False})
    assert notify.deliver_due(api.hub) == 1  # the event from the pause arrives after it
    assert json.loads(receiver.requests[-1].body)["Data"]["Change"]["Text"] == "tags +b"


def test_the_cursor_never_passes_a_gap_that_may_still_fill():
    from datetime import UTC, datetime

    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    settle = now - fanout.SETTLE
    fresh, old = now - timedelta(seconds=1), now - timedelta(minutes=5)
    assert fanout._safe_upto([(11, fresh), (12, fresh)], 10, settle) == 12  # contiguous: at once
    assert fanout._safe_upto([(11, fresh), (13, fresh), (14, fresh)], 10, settle) == 11  # 12 may still commit
    assert fanout._safe_upto([(11, old), (13, old), (14, fresh)], 10, settle) == 14  # 12 was rolled back
    assert fanout._safe_upto([], 10, settle) == 10


def test_event_types_follow_the_hubs_own_records():
    from ordersync.notify import events

    assert events.order_event_type("imported", "imported", {"status": "processing"}) == "order.created"
    assert events.order_event_type("shipment", "shipment", {"carrier": "DHL", "tracking": "1"}) == "order.shipped"
    assert events.order_event_type("state", "state_changed", {"old": 3, "new": 4}) == "order.state_changed"
    assert events.state_change("state_from_channel", {"old": 3, "new": 8, "status": "cancelled"}) == (3, 8)
    assert events.state_change("state_changed", {"old": 3, "new": 99}) is None  # no such state
    assert events.order_event_type("updated", "updated_from_channel", {}) == "order.updated"
    assert events.order_event_type("message", "message", {"subject": "hi"}) == "order.updated"
    assert events.order_event_type("note", "text", {"text": "state 3 → 4"}) == "order.updated"  # text is no data
    with pytest.raises(ValueError, match="unknown event 'order.deleted'"):
        events.parse_types(["order.deleted"])


def test_deliveries_are_unique_per_subscription_and_event(api, receiver):
    subscribe(api, receiver.url, ["order.updated"])
    api.a_("POST", f"/api/v1/orders/{api.a.order_ids[0]}/tags", json={"Tags": ["a"]})
    assert notify.fan_out(api.hub) == 1
    assert notify.fan_out(api.hub) == 0
    with api.hub.db.session() as s:
        assert len(s.scalars(select(WebhookDeliveryOut)).all()) == 1


def test_a_backlog_drains_in_one_run_and_old_deliveries_are_pruned(api, receiver, monkeypatch):
    from ordersync.notify import delivery
    from ordersync.store.models_accounts import WebhookAttemptOut

    monkeypatch.setattr(fanout, "BATCH", 3)
    sub = subscribe(api, receiver.url, ["order.updated"])
    for i in range(10):
        api.a_("POST", f"/api/v1/orders/{api.a.order_ids[0]}/tags", json={"Tags": [f"t{i}"]})
    assert notify.deliver_due(api.hub) == 10
    assert [json.loads(r.body)["Data"]["Change"]["Text"] for r in receiver.requests] == [
        f"tags +t{i}" for i in range(10)
    ]
    with api.hub.db.session() as s:
        s.execute(update(WebhookDeliveryOut).values(delivered_at=utcnow() - delivery.KEEP_DONE - timedelta(hours=1)))
    assert delivery.prune(api.hub) == 10
    assert api.a_("GET", f"/api/v1/webhooks/{sub['Id']}/deliveries").json()["Paging"]["TotalRows"] == 0
    with api.hub.db.session() as s:
        assert s.scalars(select(WebhookAttemptOut)).all() == []


def test_two_workers_never_send_one_delivery_twice(api, receiver):
    import threading

    subscribe(api, receiver.url, ["order.updated"])
    for i in range(12):
        api.a_("POST", f"/api/v1/orders/{api.a.order_ids[i % 4]}/tags", json={"Tags": [f"w{i}"]})
    sent, errors = [], []

    def worker():
        try:
            sent.append(notify.deliver_due(api.hub))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and sum(sent) == 12
    ids = [json.loads(r.body)["Id"] for r in receiver.requests]
    assert len(ids) == 12 and len(set(ids)) == 12


# --- SSRF: a staff key must not make the hub call, and read back, a service of the hub's own network ---


class _Internal:
    """A service that must stay internal: it answers every POST with data an integrator must never see."""

    SECRET = "redis_version:7.2.4 INTERNAL-ONLY"

    def __init__(self) -> None:
        self.hits = 0

    async def __call__(self, scope, receive, send) -> None:
        self.hits += 1
        body = self.SECRET.encode()
        await send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


@pytest.fixture
def internal():
    service = _Internal()
    with serve_in_thread(service) as server:
        yield service, server.port


def _without_allowance(monkeypatch):
    from ordersync.channels.sdk.urlguard import ALLOW_ENV, LEGACY_ALLOW_ENV

    monkeypatch.delenv(ALLOW_ENV, raising=False)
    monkeypatch.delenv(LEGACY_ALLOW_ENV, raising=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/x",
        "http://2130706433:{port}/x",
        "http://0x7f000001:{port}/x",
        "http://[::1]:6379/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.7/hook",
    ],
)
def test_a_webhook_to_an_internal_address_is_refused_when_subscribed(api, internal, monkeypatch, url):
    _without_allowance(monkeypatch)
    r = api.call(
        "POST",
        "/api/v1/webhooks",
        api.key_a,
        json={"WebHookUri": url.format(port=internal[1]), "Filters": ["*"], "Secret": SECRET},
    )
    assert r.status_code in (400, 422) and "WebHookUri" in r.json()["ErrorMessage"], r.text
    assert "own network" in r.json()["ErrorMessage"]


def test_a_name_that_resolves_internally_is_refused_at_delivery_and_nothing_is_read(api, internal, monkeypatch):
    """The name passes at subscription time (it is resolved only when connecting); the guard refuses the
    connection, and the delivery log shows why, not what the internal service would have said."""
    service, port = internal
    _without_allowance(monkeypatch)
    sub = subscribe(api, f"http://localhost:{port}/x", ["order.updated"])
    api.a_("POST", f"/api/v1/orders/{api.a.order_ids[0]}/tags", json={"Tags": ["vip"]})
    assert notify.deliver_due(api.hub) == 0
    assert service.hits == 0
    (d,) = api.a_("GET", f"/api/v1/webhooks/{sub['Id']}/deliveries").json()["Data"]
    assert "loopback address" in d["LastError"] and service.SECRET not in json.dumps(d)


def test_the_delivery_log_keeps_the_status_code_not_the_answer(api, internal):
    """Even where the operator allows the address (here: the test session allows loopback), an answer's
    body never reaches the delivery log."""
    service, port = internal
    sub = subscribe(api, f"http://127.0.0.1:{port}/x", ["order.updated"])
    api.a_("POST", f"/api/v1/orders/{api.a.order_ids[0]}/tags", json={"Tags": ["vip"]})
    assert notify.deliver_due(api.hub) == 0 and service.hits == 1
    (d,) = api.a_("GET", f"/api/v1/webhooks/{sub['Id']}/deliveries").json()["Data"]
    detail = api.a_("GET", f"/api/v1/webhooks/{sub['Id']}/deliveries/{d['Id']}").json()["Data"]
    assert detail["AttemptLog"][0]["StatusCode"] == 500 and detail["AttemptLog"][0]["Error"].startswith("HTTP 500")
    assert "INTERNAL-ONLY" not in json.dumps(detail) and "INTERNAL-ONLY" not in json.dumps(d)

"""Etsy's ORDER_PAID webhooks: the sandbox's portal signs deliveries as the descriptions of Etsy's page give
(Standard Webhooks: ``v1,`` base64 HMAC-SHA256 of "id.timestamp.body" keyed with the whsec_ secret); the
connector verifies them and reads the receipt they name. Forged, stale, unsigned or wrongly keyed
deliveries are refused; another shop's or another event's are acknowledged with nothing to store; the
endpoint is set up by hand in the portal, which the connection says when it has no secret."""

from __future__ import annotations

import json
import threading
import time

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ordersync.channels.etsy.connector import EtsyConnector
from ordersync.channels.etsy.sandbox.portal import order_paid, sign
from ordersync.channels.sdk.connector import ConnectorContext
from ordersync.channels.sdk.errors import PermanentError, WebhookRejected
from ordersync.channels.sdk.serving import serve_in_thread


class Receiver:
    """Where the portal's endpoint points: records what arrives."""

    def __init__(self) -> None:
        self.got: list[tuple[dict[str, str], bytes]] = []
        self.arrived = threading.Event()

        async def hook(request: Request) -> Response:
            self.got.append((dict(request.headers), await request.body()))
            self.arrived.set()
            return Response(status_code=202)

        self.app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])


def signed(sandbox, receipt_id: int, *, age: float = 0.0) -> tuple[dict[str, str], bytes]:
    hook = order_paid("http://unused", sandbox.portal.secret, receipt_id)
    headers = hook.headers | hook.prepare()
    if age:
        stamp = str(int(time.time() - age))
        headers |= {
            "webhook-timestamp": stamp,
            "webhook-signature": sign(sandbox.portal.secret, headers["webhook-id"], stamp, hook.body),
        }
    return headers, hook.body


def test_the_portal_delivers_a_signed_order_paid_that_imports_the_receipt(served):
    sandbox, base_url = served
    receiver = Receiver()
    with serve_in_thread(receiver.app) as server:
        answer = sandbox.control_orders({"portal": {"add": f"{server.base_url}/hook"}})
        assert answer["portal"]["secret"].startswith("whsec_")
        [rid] = sandbox.control_orders({"create": 1})["created"]
        assert receiver.arrived.wait(10), "the portal sent nothing"
    headers, body = receiver.got[0]
    assert json.loads(body)["resource_url"].endswith(f"/receipts/{rid}")
    connector = EtsyConnector(sandbox.settings_for(base_url))
    meta = connector.verify_webhook(headers, body)
    assert (meta.topic, meta.resource_id) == ("order.paid", str(rid))
    page = connector.parse_webhook(meta, body)
    assert [o.external_id for o in page.records] == [str(rid)] and page.records[0].total > 0
    assert sandbox.control_orders({"create": 1, "webhook": False})["created"] and len(receiver.got) == 1
    connector.close()


def test_forged_stale_unsigned_or_wrongly_keyed_deliveries_are_refused(served):
    sandbox, base_url = served
    rid = next(iter(sandbox.receipts))
    connector = EtsyConnector(sandbox.settings_for(base_url))
    headers, body = signed(sandbox, rid)
    connector.verify_webhook(headers, body)  # the genuine one holds
    rotated = headers | {"webhook-signature": "v1,b2xkIHNlY3JldA== " + headers["webhook-signature"]}
    assert connector.verify_webhook(rotated, body).resource_id == str(rid)  # any one of a rotation's list
    cases = {
        "forged body": (headers, body.replace(b"order.paid", b"order.PAID")),
        "other id": (headers | {"webhook-id": "msg_other"}, body),
        "stale": signed(sandbox, rid, age=600),
        "unsigned": ({k: v for k, v in headers.items() if k != "webhook-signature"}, body),
        "no id": ({k: v for k, v in headers.items() if k != "webhook-id"}, body),
        "hex, not v1": (headers | {"webhook-signature": headers["webhook-signature"][3:]}, body),
    }
    for name, (h, b) in cases.items():
        with pytest.raises(WebhookRejected):
            connector.verify_webhook(h, b)
            pytest.fail(f"{name} was accepted")
    other_key = EtsyConnector({**sandbox.settings_for(base_url), "webhook_secret": "whsec_b3RoZXIgc2VjcmV0IGtleSE="})
    with pytest.raises(WebhookRejected):
        other_key.verify_webhook(headers, body)
    unset = EtsyConnector({**sandbox.settings_for(base_url), "webhook_secret": ""})
    with pytest.raises(WebhookRejected, match="webhook portal"):
        unset.verify_webhook(headers, body)
    for c in (connector, other_key, unset):
        c.close()


def test_another_shops_or_another_events_delivery_stores_nothing(served):
    sandbox, base_url = served
    connector = EtsyConnector(sandbox.settings_for(base_url))
    rid = next(iter(sandbox.receipts))
    for change in ({"shop_id": 7}, {"event_type": "ORDER_SHIPPED"}):
        body = json.dumps(
            {
                "event_type": "order.paid",
                "shop_id": 41000001,
                "resource_url": f"https://openapi.etsy.com/v3/application/shops/41000001/receipts/{rid}",
            }
            | change
        ).encode()
        hook_id, stamp = "msg_x", str(int(time.time()))
        headers = {
            "webhook-id": hook_id,
            "webhook-timestamp": stamp,
            "webhook-signature": sign(sandbox.portal.secret, hook_id, stamp, body),
        }
        meta = connector.verify_webhook(headers, body)
        assert connector.parse_webhook(meta, body).records == []
    # ORDER_PAID as Etsy's page spells it is the same event
    body = json.dumps(
        {
            "event_type": "ORDER_PAID",
            "shop_id": "41000001",
            "resource_url": f"https://openapi.etsy.com/v3/application/shops/41000001/receipts/{rid}",
        }
    ).encode()
    stamp = str(int(time.time()))
    meta = connector.verify_webhook(
        {
            "webhook-id": "msg_y",
            "webhook-timestamp": stamp,
            "webhook-signature": sign(sandbox.portal.secret, "msg_y", stamp, body),
        },
        body,
    )
    assert [o.external_id for o in connector.parse_webhook(meta, body).records] == [str(rid)]
    connector.close()


def test_the_endpoint_is_added_by_hand_and_the_connection_says_so(served):
    sandbox, base_url = served
    context = ConnectorContext(connection_id=1, webhook_url="https://hub.example/webhooks/etsy/t0k")
    without = EtsyConnector({**sandbox.settings_for(base_url), "webhook_secret": ""}, context)
    with pytest.raises(PermanentError, match="https://hub.example/webhooks/etsy/t0k.*ORDER_PAID.*webhook_secret"):
        without.register_webhooks()
    with_secret = EtsyConnector(sandbox.settings_for(base_url), context)
    with_secret.register_webhooks()
    assert context.state["webhook_url"] == "https://hub.example/webhooks/etsy/t0k"
    assert not [r for r in sandbox.requests.entries() if "webhook" in r["path"]]  # no API was called for it
    with_secret.unregister_webhooks()
    assert "webhook_url" not in context.state

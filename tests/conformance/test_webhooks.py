"""Webhooks, for connectors that declare them: a valid delivery creates the order before any poll; a replayed
one, a forged one and deliveries that arrive newest first change nothing."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import func, select

from ordersync.channels.sdk.capabilities import Capability, Mode
from ordersync.store.models import OrderRow, WebhookDelivery
from ordersync.sync.connections import build_connector, load, save_state, webhook_url
from ordersync.sync.importer import import_orders

from .platforms import Platform, connectors_where, stored_ids, wait_for


def _no_webhooks(cls) -> str | None:
    decl = next((d for d in cls.capabilities if d.capability is Capability.IMPORT_ORDERS), None)
    return None if decl is not None and Mode.WEBHOOK in decl.modes else f"{cls.system} does not declare order webhooks"


WEBHOOKS = connectors_where(_no_webhooks)


def require_webhooks(platform: Platform) -> None:
    reason = _no_webhooks(platform.cls)
    if reason:
        pytest.skip(reason)
    platform.require("create", "modify", capability=Capability.IMPORT_ORDERS)


def register(hub, conn: int, platform: Platform) -> str:
    """Register the platform's webhooks as `connections add` does (and, where the platform has no API for
    it, as the seller does by hand in its portal); returns the hub's address for them."""
    row = load(hub, conn)
    connector = build_connector(hub, row)
    connector.register_webhooks()
    save_state(hub, conn, connector.context.state)
    connector.close()
    url = webhook_url(hub, row)
    if platform.offers("webhook_endpoint"):
        platform.act("webhook_endpoint", url=url)
    return url


def deliveries(hub) -> list[WebhookDelivery]:
    with hub.db.session() as s:
        return list(s.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def settled(hub, platform: Platform) -> bool:
    """Every delivery the platform sent has its answer, and every one the hub accepted is stored and processed."""
    sent = platform.control.get("/webhook-deliveries", params={"wait": 10}).json()
    if any(d.get("status") is None and not d.get("error") for d in sent):
        return False
    accepted = [d for d in sent if d.get("status") == 202]
    rows = deliveries(hub)
    return len(rows) >= len(accepted) and all(r.status != "received" for r in rows)


def order_state(hub, external_id: str) -> tuple:
    with hub.db.session() as s:
        row = s.scalar(select(OrderRow).where(OrderRow.external_id == external_id))
        return row.channel_status, row.state, row.modified_at


@pytest.mark.parametrize("platform", WEBHOOKS, indirect=True)
def test_valid_webhooks_arrive_and_replayed_or_forged_ones_change_nothing(web_hub, platform):
    require_webhooks(platform)
    hub = web_hub
    conn = platform.connect(hub)
    url = register(hub, conn, platform)
    created = platform.create(1, webhook=True, seconds_ago=0)
    assert wait_for(lambda: stored_ids(hub) == created), "the webhook did not create the order"
    assert wait_for(lambda: settled(hub, platform))
    before, state = deliveries(hub), order_state(hub, created[0])
    assert before, "no delivery was stored"
    stored = {k: v for k, v in json.loads(before[0].headers).items() if k.lower() not in ("content-length", "host")}

    replay = httpx.post(url, content=before[0].body, headers=stored)
    assert replay.status_code == 200 and "duplicate" in replay.text
    forged = httpx.post(url, content=before[0].body + b"\n", headers=stored)
    assert 400 <= forged.status_code < 500, f"a forged body was answered {forged.status_code}"
    assert len(deliveries(hub)) == len(before)
    assert stored_ids(hub) == created and order_state(hub, created[0]) == state


@pytest.mark.parametrize("platform", WEBHOOKS, indirect=True)
def test_webhooks_that_arrive_newest_first_leave_the_newest_state(web_hub, platform):
    require_webhooks(platform)
    if platform.profile.get("webhooks", {}).get("on_change") is False:
        pytest.skip(f"{platform.system} sends webhooks for new orders only, none for a change")
    hub = web_hub
    conn = platform.connect(hub)
    register(hub, conn, platform)
    ids = platform.create(1, seconds_ago=60)
    assert import_orders(hub, conn).created == 1
    platform.add_faults({"kind": "webhook_reorder", "count": 2, "hold_seconds": 5})
    platform.act("modify", ids=ids, seconds_ago=20, webhook=True)
    platform.act("modify", ids=ids, seconds_ago=10, webhook=True)
    assert wait_for(
        lambda: sum(1 for d in platform.control.get("/webhook-deliveries").json() if d.get("reordered")) == 2
    ), "the platform did not deliver newest first"
    assert wait_for(lambda: settled(hub, platform) and len(deliveries(hub)) >= 2)
    newest = platform.act("view", id=ids[0])["status"]
    channel_status, _, _ = order_state(hub, ids[0])
    # a poll now reads the platform's current order: the webhooks must already have left exactly that
    again = import_orders(hub, conn)
    assert (again.error, again.created, again.updated) == ("", 0, 0), (
        f"the older webhook overwrote the newer one (hub had {channel_status!r}, the platform shows {newest})"
    )
    with hub.db.session() as s:
        assert s.scalar(select(func.count()).select_from(OrderRow)) == 1

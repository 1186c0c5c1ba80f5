"""Every declared push (status, tracking, stock, message) reaches the platform exactly once through an
injected 429, a 5xx and a timeout whose write happened anyway; and a push retried after the platform
already shows it (the hub lost its "done" in a crash) is recognised as done, not written again."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import update

from ordersync.channels.sdk.capabilities import Capability
from ordersync.domain import OrderState
from ordersync.store.models import OutboxEntry
from ordersync.sync import actions
from ordersync.sync.articles import import_articles
from ordersync.sync.connections import build_connector, load
from ordersync.sync.importer import import_orders
from ordersync.sync.stock import correct

from .platforms import PUSHES, TIMEOUT_SECONDS, Platform, dispatch_until_settled, order_id, outbox_statuses

TRACKING = "00340434161094042557"
MESSAGE = "Ihre Bestellung ist unterwegs - conformance"
#: hub states a status push may write, in the order the suite tries them
STATES = (OrderState.CLOSED, OrderState.CANCELLED, OrderState.PAID, OrderState.SHIPPED)


def faults_around(platform: Platform, capability: Capability) -> int:
    """A 429, then a 5xx before the write, then a timeout after it (the platform applied it, the answer
    came too late) on every request that carries this push. Returns how many rules were added."""
    rules = []
    for matcher in platform.writes(capability):
        rules += [{"kind": "rate_limit", "retry_after": 0.2, "count": 1, **matcher},
                  {"kind": "error", "status": 503, "phase": "before", "count": 1, **matcher},
                  {"kind": "delay", "seconds": TIMEOUT_SECONDS + 1, "phase": "after", "count": 1, **matcher}]
    platform.add_faults(*rules)
    return len(rules)


def push(hub, platform: Platform, conn: int, capability: Capability, external_id: str) -> dict:
    """Make the hub push one effect of ``capability``; returns how to find it on the platform."""
    oid = order_id(hub, external_id)
    if capability is Capability.TRANSMIT_TRACKING:
        actions.ship(hub, oid, carrier="DHL", tracking_number=TRACKING)
        return {"id": external_id, "value": TRACKING, "seen": ("tracking", TRACKING)}
    if capability is Capability.SEND_MESSAGES:
        actions.send_message(hub, oid, subject="Versand", text=MESSAGE)
        return {"id": external_id, "value": MESSAGE, "seen": ("messages", MESSAGE)}
    if capability is Capability.CHANGE_STATUS:
        connector = build_connector(hub, load(hub, conn))
        state, status = next(((s, connector.channel_status_for(s)) for s in STATES
                              if connector.channel_status_for(s)), (None, None))
        connector.close()
        assert state is not None, f"{platform.system} declares change_status but pushes none of {STATES}"
        assert actions.set_state(hub, oid, state)
        return {"id": external_id, "value": status, "seen": ("status", status)}
    sku = platform.act("stockable")["sku"]
    assert import_articles(hub, conn).error == ""
    _, queued = correct(hub, sku, "set", Decimal(7))
    assert queued >= 1, f"the article {sku} has no listing on {platform.system}"
    return {"sku": sku, "value": 7, "seen": ("stock", 7)}


def shows(platform: Platform, target: dict) -> bool:
    field, expected = target["seen"]
    view = platform.act("view", **({"sku": target["sku"]} if "sku" in target else {"id": target["id"]}))
    if field == "stock":
        return view["stock"] == expected
    return any(str(expected) in str(item) for item in view[field])


def effects(platform: Platform, capability: Capability, target: dict) -> int:
    key = {"sku": target["sku"]} if "sku" in target else {"id": target["id"]}
    return platform.act("effects", capability=capability.value, value=target["value"], **key)["count"]


@pytest.mark.parametrize("capability", PUSHES, ids=lambda c: c.value)
def test_a_push_reaches_the_platform_once_through_429_5xx_and_timeouts(hub, platform, capability):
    platform.require("create", "view", "effects", capability=capability)
    ids = platform.create(2)
    conn = platform.connect(hub)
    assert import_orders(hub, conn).created == 2
    target = push(hub, platform, conn, capability, ids[0])
    added = faults_around(platform, capability)
    dispatch_until_settled(hub)
    assert set(outbox_statuses(hub)) == {"done"}
    hits = platform.fault_hits()
    assert hits >= 3 or hits == added, f"only {hits} injected faults were met: the case proved little"
    assert shows(platform, target), f"{platform.system} does not show the {capability.value} push"
    assert effects(platform, capability, target) == 1

    # the hub crashed after the write, before it stored "done": the entry runs again
    platform.clear_faults()
    with hub.db.session() as s:
        s.execute(update(OutboxEntry).values(status="pending", lease_until=None))
    dispatch_until_settled(hub)
    assert set(outbox_statuses(hub)) == {"done"}
    assert effects(platform, capability, target) == 1, "a push the platform already showed was written again"

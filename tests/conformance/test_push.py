"""Every declared push (status, tracking, stock, message) reaches the platform exactly once through an
injected 429, a 5xx and a timeout whose write happened anyway; and a push retried after the platform
already shows it (the hub lost its "done" in a crash) is recognised as done, not written again."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select, update

from ordersync.channels.sdk.capabilities import Capability
from ordersync.domain import OrderState
from ordersync.store.models import OutboxEntry
from ordersync.sync import actions
from ordersync.sync.connections import build_connector, load
from ordersync.sync.stock import correct

from .platforms import (
    PUSHES,
    TIMEOUT_SECONDS,
    Platform,
    dispatch_until_settled,
    imports_orders,
    order_id,
    orders_to_push_to,
    outbox_statuses,
    stock_listing,
    with_sandbox,
)

TRACKING = "00340434161094042557"
MESSAGE = "Ihre Bestellung ist unterwegs - conformance"
#: hub states a status push may write, in the order the suite tries them
STATES = (OrderState.CLOSED, OrderState.CANCELLED, OrderState.PAID, OrderState.SHIPPED)


def faults_around(platform: Platform, capability: Capability, applied: str) -> None:
    """On every request that carries this push: a 429 and a 5xx before the write, then the write applied
    while the hub sees a failure: a timeout (``applied="timeout"``) or two 5xx answers (``"5xx"``)."""
    rules = []
    for matcher in platform.writes(capability):
        rules += [
            {"kind": "rate_limit", "retry_after": 0.2, "count": 1, **matcher},
            {"kind": "error", "status": 503, "phase": "before", "count": 1, **matcher},
        ]
        rules += (
            [{"kind": "delay", "seconds": TIMEOUT_SECONDS + 0.5, "phase": "after", "count": 1, **matcher}]
            if applied == "timeout"
            else [{"kind": "error", "status": 503, "phase": "after", "count": 2, **matcher}]
        )
    platform.clear_faults()
    platform.add_faults(*rules)


def push(hub, platform: Platform, conn: int, capability: Capability, external_id: str, quantity: int = 7) -> dict:
    """Make the hub push one effect of ``capability``; returns how to find it on the platform."""
    oid = order_id(hub, external_id) if capability is not Capability.SET_STOCK else None
    if capability is Capability.TRANSMIT_TRACKING:
        actions.ship(hub, oid, carrier="DHL", tracking_number=TRACKING)
        return {"id": external_id, "value": TRACKING, "seen": ("tracking", TRACKING)}
    if capability is Capability.SEND_MESSAGES:
        actions.send_message(hub, oid, subject="Versand", text=MESSAGE)
        return {"id": external_id, "value": MESSAGE, "seen": ("messages", MESSAGE)}
    if capability is Capability.CHANGE_STATUS:
        connector = build_connector(hub, load(hub, conn))
        state, status = next(
            ((s, connector.channel_status_for(s)) for s in STATES if connector.channel_status_for(s)), (None, None)
        )
        connector.close()
        assert state is not None, f"{platform.system} declares change_status but pushes none of {STATES}"
        assert actions.set_state(hub, oid, state)
        return {"id": external_id, "value": status, "seen": ("status", status)}
    sku = platform.act("stockable")["sku"]
    stock_listing(hub, platform, conn, sku)
    _, queued = correct(hub, sku, "set", Decimal(quantity))
    assert queued >= 1, f"the article {sku} has no listing on {platform.system}"
    return {"sku": sku, "value": quantity, "seen": ("stock", quantity)}


def shows(platform: Platform, target: dict) -> bool:
    field, expected = target["seen"]
    view = platform.act("view", **({"sku": target["sku"]} if "sku" in target else {"id": target["id"]}))
    if field == "stock":
        return view["stock"] == expected
    return any(str(expected) in str(item) for item in view[field])


def effects(platform: Platform, capability: Capability, target: dict) -> int:
    key = {"sku": target["sku"]} if "sku" in target else {"id": target["id"]}
    return platform.act("effects", capability=capability.value, value=target["value"], **key)["count"]


#: the outbox kind each push capability writes (for ``Connector.at_most_once``)
KINDS = {
    Capability.CHANGE_STATUS: "state",
    Capability.TRANSMIT_TRACKING: "tracking",
    Capability.SET_STOCK: "stock",
    Capability.SEND_MESSAGES: "message",
}


def push_cases(at_most_once: bool = False) -> list:
    def marks(cls, capability) -> list:
        if not cls.supports(capability):
            return [pytest.mark.skip(reason=f"{cls.system} does not declare {capability.value}")]
        if (KINDS[capability] in cls.at_most_once) != at_most_once:
            return [
                pytest.mark.skip(
                    reason=f"{cls.system} sends {capability.value} at most once"
                    if not at_most_once
                    else f"{cls.system} sends {capability.value} exactly once"
                )
            ]
        return []

    return [
        pytest.param(cls, capability, id=f"{cls.system}-{capability.value}", marks=marks(cls, capability))
        for cls in with_sandbox()
        for capability in PUSHES
    ]


@pytest.mark.parametrize("platform, capability", push_cases(), indirect=["platform"])
def test_a_push_reaches_the_platform_once_through_429_5xx_and_timeouts(hub, platform, capability):
    platform.require(*(("create",) if imports_orders(platform.cls) else ()), "view", "effects", capability=capability)
    conn = platform.connect(hub)
    ids = orders_to_push_to(hub, platform, conn, 2)
    targets = []
    for external_id, applied, quantity in ((ids[0], "timeout", 7), (ids[1], "5xx", 9)):
        target = push(hub, platform, conn, capability, external_id, quantity)
        faults_around(platform, capability, applied)
        dispatch_until_settled(hub)
        assert set(outbox_statuses(hub)) == {"done"}
        assert platform.fault_hits() >= 3, f"the injected faults ({applied}) were not met: the case proved little"
        assert shows(platform, target), f"{platform.system} does not show the {capability.value} push"
        assert effects(platform, capability, target) == 1
        targets.append(target)
    if capability is Capability.TRANSMIT_TRACKING and platform.cls.supports(Capability.CHANGE_STATUS):
        connector = build_connector(hub, load(hub, conn))
        shipped = connector.channel_status_for(OrderState.SHIPPED)
        connector.close()
        if shipped:  # shipping also set the order's status on the platform, once
            assert [effects(platform, Capability.CHANGE_STATUS, {"id": i, "value": shipped}) for i in ids] == [1, 1]

    # the hub crashed after the writes, before it stored "done": the entries run again
    platform.clear_faults()
    with hub.db.session() as s:  # stock coalesces: only the newest entry of a listing may be pending
        newest = {}
        for entry in s.scalars(select(OutboxEntry).order_by(OutboxEntry.id)):
            newest[entry.coalesce_key or entry.id] = entry.id
        s.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id.in_(list(newest.values())))
            .values(status="pending", lease_until=None)
        )
    dispatch_until_settled(hub)
    assert set(outbox_statuses(hub)) == {"done"}
    assert [effects(platform, capability, t) for t in targets] == [1, 1], (
        "a push the platform already showed was written again"
    )


@pytest.mark.parametrize("platform, capability", push_cases(at_most_once=True), indirect=["platform"])
def test_an_at_most_once_push_is_never_sent_twice(hub, platform, capability):
    """A kind the platform cannot be asked about (``Connector.at_most_once``): a 429 is retried (nothing
    happened), a write whose answer is lost is left as a dead letter saying so, never written again, and a
    push without faults arrives once."""
    platform.require(*(("create",) if imports_orders(platform.cls) else ()), "view", "effects", capability=capability)
    conn = platform.connect(hub)
    ids = orders_to_push_to(hub, platform, conn, 2)
    target = push(hub, platform, conn, capability, ids[0])
    platform.clear_faults()
    platform.add_faults(
        *[{"kind": "rate_limit", "retry_after": 0.2, "count": 1, **m} for m in platform.writes(capability)]
    )
    dispatch_until_settled(hub)
    assert outbox_statuses(hub) == ["done"] and effects(platform, capability, target) == 1
    assert platform.fault_hits() >= 1
    lost = push(hub, platform, conn, capability, ids[1])
    platform.clear_faults()
    platform.add_faults(
        *[
            {"kind": "delay", "seconds": TIMEOUT_SECONDS + 0.5, "phase": "after", "count": 1, **m}
            for m in platform.writes(capability)
        ]
    )
    dispatch_until_settled(hub)
    assert sorted(outbox_statuses(hub)) == ["dead", "done"]
    with hub.db.session() as s:
        dead = s.scalar(select(OutboxEntry).where(OutboxEntry.status == "dead"))
    assert "it may have arrived" in dead.last_error
    assert effects(platform, capability, lost) == 1, "the lost write was sent again or never arrived"

"""A line cancellation (a quantity of one order line that will not ship) reaches the platform exactly once
through an injected 429, 5xx answers and a timeout whose write happened anyway, and a cancellation retried
after the platform already shows it (the hub lost its "done") is recognised as done. Runs for connectors that
declare ``cancels_lines`` on CHANGE_STATUS (``Connector.cancel_lines``); the sandbox names the requests that
carry it under ``writes["cancel_lines"]``, shows each line's ``cancelled`` quantity in ``view`` and counts
``effects`` with capability "cancel_lines" and the cancelled quantity a push set as value."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import update

from ordersync.store.models import OutboxEntry
from ordersync.sync import fulfilment
from ordersync.sync.importer import import_orders

from .platforms import TIMEOUT_SECONDS, Platform, connectors_where, dispatch_until_settled, order_id, outbox_statuses

CANCELLING = connectors_where(
    lambda cls: (
        None
        if cls.cancels_lines()
        else f"{cls.system} does not declare line cancellations (cancels_lines on change_status)"
    )
)


def faults(platform: Platform, applied: str) -> None:
    matchers = platform.profile.get("writes", {}).get("cancel_lines")
    assert matchers, f"the {platform.system} sandbox names no request that carries a line cancellation"
    rules = []
    for m in matchers:
        rules += [
            {"kind": "rate_limit", "retry_after": 0.2, "count": 1, **m},
            {"kind": "error", "status": 503, "phase": "before", "count": 1, **m},
        ]
        rules += (
            [{"kind": "delay", "seconds": TIMEOUT_SECONDS + 0.5, "phase": "after", "count": 1, **m}]
            if applied == "timeout"
            else [{"kind": "error", "status": 503, "phase": "after", "count": 2, **m}]
        )
    platform.clear_faults()
    platform.add_faults(*rules)


def cancelled(platform: Platform, external_id: str, line_id: str) -> int:
    lines = platform.act("view", id=external_id)["lines"]
    return int(next(x["cancelled"] for x in lines if str(x["id"]) == line_id))


def effects(platform: Platform, external_id: str, value: int) -> int:
    return platform.act("effects", capability="cancel_lines", id=external_id, value=value)["count"]


@pytest.mark.parametrize("platform", CANCELLING, indirect=True)
def test_a_line_cancellation_reaches_the_platform_once(hub, platform):
    platform.require("create", "view", "effects")
    [external_id] = platform.create(1)
    conn = platform.connect(hub)
    assert import_orders(hub, conn).created == 1
    line = next((x for x in platform.act("view", id=external_id)["lines"] if int(x["quantity"]) >= 2), None)
    assert line is not None, f"the {platform.system} sandbox's orders need a line of quantity 2 or more"
    line_id = str(line["id"])
    for n, applied in ((1, "timeout"), (2, "5xx")):  # one unit at a time: two cancellations of one line
        fulfilment.cancel_lines(hub, order_id(hub, external_id), [(line_id, Decimal(1))], reason="out of stock")
        faults(platform, applied)
        dispatch_until_settled(hub)
        assert set(outbox_statuses(hub)) == {"done"}
        assert platform.fault_hits() >= 3, f"the injected faults ({applied}) were not met: the case proved little"
        assert cancelled(platform, external_id, line_id) == n
        assert effects(platform, external_id, n) == 1

    platform.clear_faults()  # the hub crashed after the writes, before it stored "done"
    with hub.db.session() as s:
        s.execute(
            update(OutboxEntry).where(OutboxEntry.kind == fulfilment.KIND).values(status="pending", lease_until=None)
        )
    dispatch_until_settled(hub)
    assert set(outbox_statuses(hub)) == {"done"}
    assert cancelled(platform, external_id, line_id) == 2
    assert [effects(platform, external_id, n) for n in (1, 2)] == [1, 1], "a cancellation was written again"

"""Order acknowledgements (ACKNOWLEDGE_ORDERS): each new order is accepted on the platform exactly once,
through an injected 429, 5xx answers and a timeout whose write happened anyway, and an acknowledgement
retried after the platform already shows it (the hub lost its "done") is recognised as done. The hub accepts
new orders by itself unless the connection's ``auto_accept`` setting is off (sync.acknowledgements)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from ordersync.channels.sdk.capabilities import Capability
from ordersync.store.models import OutboxEntry
from ordersync.sync.importer import import_orders

from .platforms import connectors_where, dispatch_until_settled, outbox_statuses, undeclared
from .test_push import faults_around

ACK = Capability.ACKNOWLEDGE_ORDERS


@pytest.mark.parametrize("platform", connectors_where(undeclared(ACK)), indirect=True)
def test_each_new_order_is_acknowledged_once_through_429_5xx_and_timeouts(hub, platform):
    platform.require("create", "view", "effects", capability=ACK)
    conn = platform.connect(hub)
    ids = []
    for applied in ("timeout", "5xx"):
        [external_id] = platform.create(1)
        ids.append(external_id)
        assert import_orders(hub, conn).created == 1
        faults_around(platform, ACK, applied)
        dispatch_until_settled(hub)
        assert set(outbox_statuses(hub)) == {"done"}
        assert platform.fault_hits() >= 3, f"the injected faults ({applied}) were not met: the case proved little"
        assert "accepted" in platform.act("view", id=external_id)["status"]
        assert platform.act("effects", capability=ACK.value, id=external_id, value=True)["count"] == 1
    assert import_orders(hub, conn).error == ""  # a re-import queues no second acknowledgement
    dispatch_until_settled(hub)

    platform.clear_faults()  # the hub crashed after the writes, before it stored "done"
    with hub.db.session() as s:
        s.execute(update(OutboxEntry).where(OutboxEntry.kind == "ack").values(status="pending", lease_until=None))
    dispatch_until_settled(hub)
    assert set(outbox_statuses(hub)) == {"done"}
    assert [platform.act("effects", capability=ACK.value, id=i, value=True)["count"] for i in ids] == [1, 1]

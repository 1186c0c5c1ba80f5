"""Whether a connection's webhooks still work, and how late they arrive.

A shop may switch our webhooks off (WooCommerce disables one after failed deliveries, Shopify deletes one);
polling hides that, since orders still arrive, only minutes late. So every poll asks the connector to check
them and repair what it can (``Connector.check_webhooks``); what is still wrong afterwards is stored on the
connection and shown as "webhooks inactive" until a later check finds them active.

The delay is measured per delivery as the time from the order's modification in the shop to the arrival of
its webhook, and kept as the median of the latest deliveries: WooCommerce queues deliveries for its
background runner by default, so a shop without a working cron shows minutes here instead of seconds.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from sqlalchemy import update

from ..channels.sdk.capabilities import Capability, Mode
from ..channels.sdk.connector import Connector
from ..channels.sdk.webhook_reconcile import WebhookHealth
from ..domain.timeutil import utcnow
from ..store.models import Connection
from . import connections
from .hub import Hub

log = logging.getLogger(__name__)
KEEP_DELAYS = 51  # the median of this many latest deliveries


def uses_webhooks(connector: Connector | type[Connector]) -> bool:
    return any(d.capability is Capability.IMPORT_ORDERS and Mode.WEBHOOK in d.modes for d in connector.capabilities)


def check(hub: Hub, connection_id: int, connector: Connector, *, repair: bool = True) -> WebhookHealth | None:
    """Check (and repair) the connection's registered webhooks and store the outcome. None when it has none
    registered or the check itself failed (the shop unreachable: the poll reports that already)."""
    if not uses_webhooks(connector) or not connector.context.state.get("webhooks"):
        return None
    before = json.dumps(connector.context.state, sort_keys=True, default=str)
    try:
        health = connector.check_webhooks(repair)
    except NotImplementedError:
        return None
    except Exception as exc:  # noqa: BLE001 - a failed check must not fail the poll that ran before it
        log.warning("webhooks of connection %s could not be checked: %s", connection_id, exc)
        return None
    if json.dumps(connector.context.state, sort_keys=True, default=str) != before:
        connections.save_state(hub, connection_id, connector.context.state)
    if health.repaired:
        log.warning(
            "webhooks of connection %s: found %s; %s",
            connection_id,
            "; ".join(health.found),
            "; ".join(health.repaired),
        )
    with hub.db.session() as s:
        s.execute(
            update(Connection)
            .where(Connection.id == connection_id)
            .values(webhooks_problem="; ".join(health.problems)[:2000] or None, webhooks_checked_at=utcnow())
        )
    return health


def record_delays(hub: Hub, connection_id: int, delays: Iterable[float]) -> None:
    """Add measured delays (seconds; negative ones, from clocks apart, count as 0) to the rolling median."""
    fresh = [max(0.0, round(float(d), 3)) for d in delays]
    if not fresh:
        return
    with hub.db.session() as s:
        row = s.get(Connection, connection_id, with_for_update=True)
        if row is None:
            return
        kept = (json.loads(row.webhook_delays or "[]") + fresh)[-KEEP_DELAYS:]
        row.webhook_delays = json.dumps(kept)

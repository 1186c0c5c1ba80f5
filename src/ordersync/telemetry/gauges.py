"""Per-connection figures read from the database when Prometheus scrapes: the database is the truth for them,
whichever process did the work, and they survive restarts that a process's own counters would not.

Five grouped queries per scrape, each answered from an index on connection_id; a connection with nothing to
count still gets its series (0), so an alert sees it from the start.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from ..domain.timeutil import utcnow
from ..hub import Hub
from ..store.models import Connection, OrderRow, OutboxEntry, QuarantineEntry

LABELS = ["account_id", "connection_id", "connection", "system"]
#: outbox entries still to be sent or settled; done, dead, discarded and superseded ones are not
OUTBOX_OPEN = ("pending", "sending", "awaiting")


class ConnectionGauges(Collector):
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def collect(self) -> Iterator[Metric]:
        now = utcnow()
        with self.hub.db.session() as s:
            conns = s.execute(
                select(
                    Connection.id,
                    Connection.account_id,
                    Connection.name,
                    Connection.system,
                    Connection.last_success_at,
                    Connection.paused,
                ).order_by(Connection.id)
            ).all()
            orders = dict(
                s.execute(
                    select(OrderRow.connection_id, func.count())
                    .where(OrderRow.connection_id.is_not(None))
                    .group_by(OrderRow.connection_id)
                ).all()
            )
            quarantined = dict(
                s.execute(
                    select(QuarantineEntry.connection_id, func.count())
                    .where(QuarantineEntry.resolved_at.is_(None))
                    .group_by(QuarantineEntry.connection_id)
                ).all()
            )
            outbox = dict(
                s.execute(
                    select(OutboxEntry.connection_id, func.count())
                    .where(OutboxEntry.status.in_(OUTBOX_OPEN))
                    .group_by(OutboxEntry.connection_id)
                ).all()
            )
            dead = dict(
                s.execute(
                    select(OutboxEntry.connection_id, func.count())
                    .where(OutboxEntry.status == "dead")
                    .group_by(OutboxEntry.connection_id)
                ).all()
            )
        age = GaugeMetricFamily(
            "ordersync_connection_last_sync_age_seconds",
            "Seconds since the connection's last successful poll (+Inf: never; none while paused)",
            labels=LABELS,
        )
        imported = CounterMetricFamily(
            "ordersync_connection_orders_imported",
            "Orders of the connection in the hub (polled, pushed by webhook or uploaded)",
            labels=LABELS,
        )
        quarantine = GaugeMetricFamily(
            "ordersync_connection_quarantined",
            "Records of the connection in quarantine, not yet resolved by a good read",
            labels=LABELS,
        )
        depth = GaugeMetricFamily(
            "ordersync_connection_outbox_depth",
            "Outbox entries of the connection waiting to be sent or settled",
            labels=LABELS,
        )
        letters = GaugeMetricFamily(
            "ordersync_connection_dead_letters",
            "Outbox entries of the connection given up on (retry or discard them)",
            labels=LABELS,
        )
        for cid, account_id, name, system, last_success, paused in conns:
            labels = [str(account_id), str(cid), name, system]
            if not paused:  # a paused connection is not polled: its age says nothing is wrong
                age.add_metric(
                    labels, math.inf if last_success is None else max(0.0, (now - last_success).total_seconds())
                )
            imported.add_metric(labels, orders.get(cid, 0))
            quarantine.add_metric(labels, quarantined.get(cid, 0))
            depth.add_metric(labels, outbox.get(cid, 0))
            letters.add_metric(labels, dead.get(cid, 0))
        yield from (age, imported, quarantine, depth, letters)

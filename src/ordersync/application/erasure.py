"""Erasing a buyer's personal data when a channel says the buyer asked for it (GDPR art. 17; eBay's
marketplace account deletion is one such request).

The orders stay: they are the seller's records of sales (amounts, items, taxes, shipments) that the law
makes the seller keep. What names or reaches the person goes: the buyer's id, names, e-mail and phone,
both addresses except the country (kept for tax reports: it names no one), and the buyer's free-text note.
Each order changed gets one history line that says why. So does every other place the hub keeps the person
(``erasure_places``: raw webhook bodies, quarantined records, mails and outbox payloads, forwards, history
texts, tags, integrators' webhook bodies, reports and error texts), all in one transaction.

The buyer is recorded as erased on the connection (``store.models_erasure``): a newer version of an order
that the channel sends before it has anonymised it is stripped on import (``sync.erased_buyers``), and the
first such import says so in the order's history once; a record of the buyer that fails mapping afterwards
is quarantined as the erasure marker, not raw (``sync.quarantine``). The stored content hash stays the one
of the record the channel sent, so a re-read of that same record is "unchanged".
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass

from sqlalchemy import select

from ..domain.codec import dumps, from_data
from ..domain.order import Order
from ..domain.timeutil import utcnow
from ..hub import Hub, HubError
from ..store.history import add_history
from ..store.models import Connection, OrderRow
from ..store.models_erasure import ErasedBuyer
from ..sync.erased_buyers import strip_personal
from . import erasure_places as places
from .erasure_traces import Traces

log = logging.getLogger(__name__)


@dataclass
class ErasureResult:
    """How many records of each place one erasure changed."""

    orders: int = 0
    webhook_bodies: int = 0
    quarantined: int = 0
    outbox_entries: int = 0
    mails_cancelled: int = 0  # of the outbox entries: buyer mails and messages not yet sent
    forwards: int = 0
    history_lines: int = 0  # lines whose text named the buyer (the new erasure lines are not counted)
    tags: int = 0
    outgoing_webhooks: int = 0
    reports_and_errors: int = 0

    @property
    def total(self) -> int:
        """Records changed in all places (cancelled mails are counted among the outbox entries)."""
        return sum(v for k, v in asdict(self).items() if k != "mails_cancelled")


def erase_buyer(hub: Hub, connection_id: int, buyer_id: str, reason: str) -> ErasureResult:
    """Erase the personal data of the buyer ``buyer_id`` (the channel's buyer id, ``Buyer.external_id``) from
    every order of the connection and every other place the hub keeps it; ``reason`` names the request in
    the history line (e.g. "eBay account deletion"). An order already erased is not changed again, so a
    repeated request changes only what arrived since."""
    buyer_id = buyer_id.strip()
    if not buyer_id:
        raise HubError(f"connection {connection_id}: an erasure request must name the buyer")
    pattern = (
        "%"
        + json.dumps(buyer_id, ensure_ascii=False)[1:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        + "%"
    )
    result = ErasureResult()
    traces = Traces(buyer_id)
    now = utcnow()
    with hub.db.session() as s:
        conn = s.get(Connection, connection_id)
        if conn is None:
            raise HubError(f"connection {connection_id} no longer exists")
        if s.get(ErasedBuyer, (connection_id, buyer_id)) is None:
            s.add(ErasedBuyer(connection_id=connection_id, buyer_id=buyer_id, reason=reason, erased_at=now))
        # the buyer id lives only in the stored record: the LIKE narrows the rows, the decoded record decides
        rows = s.scalars(
            select(OrderRow)
            .where(OrderRow.connection_id == connection_id, OrderRow.data.like(pattern, escape="\\"))
            .order_by(OrderRow.id)
            .with_for_update()
        )
        erased: dict[int, str] = {}
        for row in rows:
            order = from_data(Order, json.loads(row.data))
            if order.buyer.external_id != buyer_id:
                continue
            traces.add_order(order)
            strip_personal(order)
            row.data = dumps(order)
            row.buyer_name = row.buyer_email = ""
            erased[row.id] = row.external_id
        traces.compile()
        order_ids, external_ids = set(erased), set(erased.values())
        # history texts before the new lines are written, so those are not counted among them
        result.history_lines = places.history(s, order_ids, traces)
        for order_id in sorted(order_ids):
            add_history(s, order_id, "personal_data_erased", reason=reason)
        result.orders = len(order_ids)
        result.webhook_bodies = places.webhook_bodies(s, connection_id, traces, external_ids, reason, now)
        result.quarantined = places.quarantined(s, connection_id, traces, external_ids, reason, now)
        result.outbox_entries, result.mails_cancelled = places.outbox(s, connection_id, traces, order_ids, reason, now)
        result.forwards = places.forwards(s, order_ids, traces, reason, now)
        result.tags = places.tags(s, order_ids, traces)
        result.outgoing_webhooks = places.outgoing_webhooks(s, conn.account_id, traces, order_ids, reason, now)
        result.reports_and_errors = places.reports_and_errors(s, connection_id, traces)
    log.info("personal data of a buyer erased on connection %s (%s): %s", connection_id, reason, asdict(result))
    return result

"""Reading orders from an API without a change timestamp: new ones by ``orderTime``, changes by re-reading.

Shopware 5's ``/api/orders`` list has no modification time (VENDOR-FACTS §2.7/§5), so the window (since,
until] the engine plans cannot be asked for directly. Each poll instead reads three things:

1. **New orders**: ``orderTime >= since - 14 h``, sorted by id. ``orderTime`` is stored in the shop's
   local time and compared without a zone; a local time is never more than 12 h behind UTC, so with the
   bound moved back by 14 h no order placed after ``since`` can fall below it, whatever the shop's zone
   (and no setting for the zone can be wrong). The first import (no ``since``) lists every order. There is
   no upper bound: an order placed after ``until`` is read now and recognised as unchanged next time.
2. **Open orders**: every order whose status is not final (not completed, cancelled, completely
   delivered or an abandoned checkout), whatever its age: ``status <> 2 AND status <> 4 ...``, so a
   status a shop added itself counts as open too; paged with ``start``/``limit`` and bounded by the
   ``open_orders_limit`` setting (``<>`` is one of the operators Shopware's ``QueryOperatorValidator``
   allows), newest first: in a shop with more open orders than that, the oldest ones are no longer
   watched. This is how a status, payment or tracking change made in the shop's backend arrives.
3. **Orders that left the open set**: those remembered as open at the last poll but listed by neither 1 nor
   2 (completed, cancelled, or deleted since) are read one by one; a 404 means deleted and is forgotten.

Change detection. Each list record carries the fields a change in the backend touches (statuses,
tracking code, amounts, cleared date, comments). The connection state keeps a fingerprint of them per
order it still watches (open ones and those of the last ~2 days); only a record whose fingerprint is new or
different is read in detail (``GET /api/orders/{id}``: lines, addresses, customer) and handed to the
engine. Re-reads stay idempotent even without this cache: the mapped order's ``updated_at`` is derived from
``orderTime``/``clearedDate`` only, so the engine's content hash sees an unchanged order as unchanged
(``sync/upsert.py``) and counts nothing.

The window-shift rule. List 1 is sorted by id and ``orderTime`` never changes, so records only leave it
when an order is deleted while it is paged; its ``total`` is each page's ``window_total``, and a changed
count makes the engine read the window again (also when an order is placed while it is paged: it is
appended at the end, so nothing is lost, and the re-read finds everything unchanged). List 2 can shift
when an order is closed while it is paged (it leaves the open set and later pages slide by one): an order
skipped that way was remembered as open, so step 3 reads it in the same poll.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from ..sdk.errors import NotFoundError, RecordError
from ..sdk.records import OrderPage, Page, Window
from .client import Condition, Shopware5Client, filter_params
from .mapping import order_from_shopware5, quarantine, when
from .statuses import ABANDONED, FINAL_ORDER_STATUSES, StatusMap

ZONE_MARGIN = timedelta(hours=14)
KEEP_RECENT = timedelta(days=2)
STATE_KEY = "order_fingerprints"
#: list fields a change made in the backend touches (the documented list record)
WATCHED = (
    "orderStatusId",
    "paymentStatusId",
    "trackingCode",
    "invoiceAmount",
    "invoiceShipping",
    "clearedDate",
    "comment",
    "customerComment",
    "internalComment",
    "currency",
    "number",
    "transactionId",
)


def fingerprint(record: dict[str, Any]) -> str:
    watched = {key: record.get(key) for key in WATCHED}
    return hashlib.sha256(json.dumps(watched, sort_keys=True, default=str).encode()).hexdigest()[:20]


def local_stamp(value: datetime) -> str:
    """A bound Shopware compares with its zone-less ``orderTime`` column."""
    return (value.astimezone(UTC) - ZONE_MARGIN).strftime("%Y-%m-%d %H:%M:%S")


class OrderPoll:
    """One poll over ``client``; ``state`` is the connection's persisted state, updated when the poll ends."""

    def __init__(
        self,
        client: Shopware5Client,
        statuses: StatusMap,
        state: dict[str, Any],
        *,
        page_size: int,
        open_limit: int,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client, self.statuses, self.state = client, statuses, state
        self.page_size, self.open_limit, self.now = page_size, open_limit, now
        remembered = state.get(STATE_KEY)
        self.before: dict[str, list[Any]] = dict(remembered) if isinstance(remembered, dict) else {}
        self.after: dict[str, list[Any]] = {}
        self.number = 0
        self.total: int | None = None

    def pages(self, window: Window) -> Iterator[OrderPage]:
        new: list[Condition] = [("orderTime", ">=", local_stamp(window.since), False)] if window.since else []
        sort = [("id", "ASC")]
        for records, total in self.client.pages("/orders", filter_params(new, sort), self.page_size):
            self.total = total
            yield self._page(records)
        open_: list[Condition] = [("status", "<>", s, False) for s in sorted(FINAL_ORDER_STATUSES)]
        oldest_watched, open_total = 0, 0
        # open_total: the last page's total is read after the loop
        for records, open_total in self.client.pages(  # noqa: B007
            "/orders",
            filter_params(open_, [("id", "DESC")]),
            self.page_size,
            most=self.open_limit,
        ):
            ids = [int(r["id"]) for r in records if isinstance(r, dict) and str(r.get("id", "")).isdigit()]
            oldest_watched = min([oldest_watched or ids[0], *ids]) if ids else oldest_watched
            yield self._page([r for r in records if not isinstance(r, dict) or str(r.get("id")) not in self.after])
        if open_total <= self.open_limit:
            oldest_watched = 0  # every open order was listed
        gone = [
            {"id": oid}
            for oid, (_, status, _) in self.before.items()
            if oid not in self.after and status not in FINAL_ORDER_STATUSES and int(oid) >= oldest_watched
        ]
        for start in range(0, len(gone), self.page_size):
            yield self._details(gone[start : start + self.page_size])
        self.state[STATE_KEY] = self._kept()

    def _page(self, records: list[Any]) -> OrderPage:
        """Details of the records that are new or changed since the last poll."""
        wanted = []
        for record in records:
            if not isinstance(record, dict) or not str(record.get("id", "")).isdigit():
                wanted.append(record)  # quarantined below with its reason
                continue
            oid, status = str(record["id"]), record.get("orderStatusId")
            mark = [fingerprint(record), status, str(record.get("orderTime") or "")]
            self.after[oid] = mark
            if status == ABANDONED:
                continue
            previous = self.before.get(oid)
            if previous is None or previous[0] != mark[0]:
                wanted.append(record)
        return self._details(wanted)

    def _details(self, records: list[Any]) -> OrderPage:
        self.number += 1
        page: OrderPage = Page(number=self.number, window_total=self.total)
        for record in records:
            oid = str(record.get("id", "")) if isinstance(record, dict) else ""
            if not oid.isdigit():
                exc = RecordError(
                    "the list record is not an order object with a numeric id",
                    hint="Open the order list in Shopware 5.",
                )
                page.quarantined.append(quarantine(record, exc))
                continue
            try:
                raw = self.client.order(oid)
            except NotFoundError:  # deleted in the shop since it was listed or last seen
                self.after.pop(oid, None)
                continue
            if oid not in self.after:  # read because it left the open set: remember its new status
                self.after[oid] = [fingerprint(raw), raw.get("orderStatusId"), str(raw.get("orderTime") or "")]
            if raw.get("orderStatusId") == ABANDONED:
                continue
            try:
                page.records.append(order_from_shopware5(raw, self.statuses))
            except RecordError as exc:
                page.quarantined.append(quarantine(raw, exc))
        return page

    def _kept(self) -> dict[str, list[Any]]:
        """Fingerprints still worth keeping: open orders and orders placed in the last ~2 days."""
        recent = self.now() - KEEP_RECENT - ZONE_MARGIN
        kept = {}
        for oid, mark in self.after.items():
            try:
                placed = when({"orderTime": mark[2]}, "orderTime")
            except RecordError:
                placed = None
            if mark[1] not in FINAL_ORDER_STATUSES or placed is None or placed >= recent:
                kept[oid] = mark
        return kept

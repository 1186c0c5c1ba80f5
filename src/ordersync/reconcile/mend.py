"""Mending a report, each by the seller's explicit action and each safe to repeat.

- ``import_missing``: the orders the channel has and the hub lacks are read by id and written through the
  import's own path (``sync.importer.store_page``: stock, pushes to other channels, acknowledgements), so an
  order the poll stored meanwhile, or a second click, changes nothing; orders already in the hub are not
  even asked for.
- ``push_stock``: the hub's figure, as the listing's rules allow now, is queued for each listing that
  differed, through the outbox and its coalesce key (one pending push per listing, newest value wins). The
  push is queued even when the hub believes the listing shows it already: the report says it does not.
- ``accept_stock``: the channel's figure becomes the hub's: on-hand is set so that what is available (on-hand
  less what open orders reserve) equals what the channel shows, as a recorded stock movement with the
  reason, and the other channels get the new figure. The listing's own channel is not pushed to: it shows it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..channels.sdk.errors import ChannelError
from ..channels.sdk.records import OrderRef
from ..domain.timeutil import utcnow
from ..hub import Hub, HubError
from ..store.models import ArticleRow, Connection, Listing, OrderRow
from ..store.models_reconcile import ReconcileRun
from ..sync import connections
from ..sync.outbox import enqueue
from ..sync.propagation import coalesce_key, propagate, shown_quantity
from ..sync.stock import availability, lock_articles, move

ACTIONS = ("import", "push", "accept")


@dataclass
class MendResult:
    action: str
    done: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"action": self.action, "done": self.done, "skipped": self.skipped, "failed": self.failed}


def mend(hub: Hub, run_id: int, action: str, *, account: str | None = None, who: str = "") -> MendResult:
    if action not in ACTIONS:
        raise HubError(f"unknown mend action {action!r}; choose one of {', '.join(ACTIONS)}")
    run, conn = _run(hub, run_id, account)
    report = json.loads(run.report)
    if action == "import":
        result = _import_missing(hub, conn, report["orders_missing"]["rows"])
    elif action == "push":
        result = _push_stock(hub, conn, report["stock_differs"]["rows"])
    else:
        result = _accept_stock(hub, conn, report["stock_differs"]["rows"], who)
    _record(hub, run_id, result, who)
    return result


def _run(hub: Hub, run_id: int, account: str | None) -> tuple[ReconcileRun, Connection]:
    account_id = hub.account_id(account)
    with hub.db.session() as s:
        run = s.get(ReconcileRun, run_id)
        if run is None or run.account_id != account_id:
            raise HubError(f"no reconciliation run {run_id}")
        if run.status == "running":
            raise HubError(f"reconciliation run {run_id} is still running; mend it once it has finished")
        return run, s.get_one(Connection, run.connection_id)  # a run goes with its connection


def _import_missing(hub: Hub, conn: Connection, rows: list[dict]) -> MendResult:
    from ..sync.importer import store_page

    result = MendResult("import")
    ids = [r["external_id"] for r in rows]
    with hub.db.session() as s:
        present = set(
            s.scalars(
                select(OrderRow.external_id).where(OrderRow.connection_id == conn.id, OrderRow.external_id.in_(ids))
            )
        )
    connector = connections.build_connector(hub, conn)
    try:
        for row in rows:
            if row["external_id"] in present:
                result.skipped += 1
                continue
            try:
                page = connector.fetch_order(OrderRef(row["external_id"], row.get("number", "")))
            except ChannelError as exc:
                result.failed.append(f"order {row.get('number') or row['external_id']}: {exc}")
                continue
            counts = store_page(hub, conn.account_id, conn.id, page, source="reconcile", connector=connector)
            result.done += counts.created
            result.skipped += counts.updated + counts.unchanged
            result.failed.extend(f"order {q.external_id}: {q.reason}" for q in page.quarantined)
    finally:
        connector.close()
    return result


def _push_stock(hub: Hub, conn: Connection, rows: list[dict]) -> MendResult:
    result = MendResult("push")
    with hub.db.session() as s:
        listings = _listings(s, conn, rows, result)
        avail = availability(s, {article_id for _, article_id in listings})
        for listing, article_id in listings:
            qty = shown_quantity(avail[article_id].available, conn, listing)
            if qty is None:
                result.skipped += 1
                continue
            enqueue(
                s,
                account_id=listing.account_id,
                connection_id=conn.id,
                kind="stock",
                listing_id=listing.id,
                coalesce_key=coalesce_key(listing.id),
                payload={
                    "product_external_id": listing.product_external_id,
                    "variant_external_id": listing.variant_external_id,
                    "quantity": qty,
                    "sku": listing.sku,
                },
            )
            result.done += 1
    return result


def _accept_stock(hub: Hub, conn: Connection, rows: list[dict], who: str) -> MendResult:
    result = MendResult("accept")
    figure = {r["listing_id"]: Decimal(str(r["channel"])) for r in rows}
    with hub.db.session() as s:
        listings = _listings(s, conn, rows, result)
        lock_articles(s, {article_id for _, article_id in listings})
        avail = availability(s, {article_id for _, article_id in listings})
        corrected: set[int] = set()
        for listing, article_id in listings:
            if article_id in corrected:  # two listings of one article: the first figure counts
                result.skipped += 1
                continue
            channel = figure[listing.id]
            have = avail[article_id]
            change = channel + have.reserved - have.on_hand
            what = listing.sku or listing.product_external_id
            by = f" by {who}" if who else ""
            move(s, article_id, change, f"reconciliation: accepted {conn.name}'s figure {channel} for {what}{by}")
            s.get_one(ArticleRow, article_id).stock_set_at = utcnow()
            listing.channel_stock, listing.updated_at = channel, utcnow()
            corrected.add(article_id)
            result.done += 1
        s.flush()
        propagate(s, corrected)
    return result


def _listings(s: Session, conn: Connection, rows: list[dict], result: MendResult) -> list[tuple[Listing, int]]:
    """The rows' listings as they are now, each with its article's id; one unlinked or removed since the run
    is skipped."""
    ids = [r["listing_id"] for r in rows]
    found = {
        r.id: r
        for r in s.scalars(
            select(Listing).where(Listing.connection_id == conn.id, Listing.id.in_(ids)).order_by(Listing.id)
        )
    }
    out = [
        (listing, article_id)
        for i in ids
        if (listing := found.get(i)) is not None and (article_id := listing.article_id) is not None
    ]
    result.skipped += len(ids) - len(out)
    return out


def _record(hub: Hub, run_id: int, result: MendResult, who: str) -> None:
    with hub.db.session() as s:
        run = s.get_one(ReconcileRun, run_id)  # looked up by ``_run`` before the mending
        mended = json.loads(run.mended)
        mended.setdefault(result.action, []).append({**result.as_json(), "at": utcnow().isoformat(), "by": who})
        run.mended = json.dumps(mended)

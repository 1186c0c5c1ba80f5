"""Stock and listings: one read of every product the channel has (``fetch_articles`` over all time).

Each product becomes the listings the article import would make of it (``sync.articles.listing_entries``),
so both sides are keyed alike: (product id, variant id). For every linked listing the channel's figure is
laid beside what the hub last pushed there and what it would push now (available after the listing's rules,
``sync.propagation.shown_quantity``). A listing with a stock push still queued, one the hub never pushes
to (rule "never", a channel without stock pushes) and a variant that sells from its product's stock (the
product's listing carries the figure) are not compared: each would be a difference the hub already knows.
A listing is judged gone only if the hub had it when the read began.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import func, select

from ..channels.registry import get_connector
from ..channels.sdk.capabilities import Capability
from ..channels.sdk.connector import Connector
from ..channels.sdk.records import Window
from ..hub import Hub
from ..store.models import Connection, Listing, OutboxEntry
from ..sync.articles import listing_entries
from ..sync.propagation import coalesce_key, shown_quantity
from ..sync.stock import availability
from .report import Differences

IN_TRANSIT = ("pending", "sending", "awaiting")


def compare(
    hub: Hub,
    conn: Connection,
    connector: Connector,
    until,
    diffs: Differences,
    *,
    progress: Callable[[int, int | None], None],
    stock: bool,
    listings: bool,
) -> int:
    channel: dict[tuple[str, str], dict] = {}
    read = 0
    with hub.db.session() as s:
        # a listing made after the read began (an article import meanwhile) may have been listed after the
        # read passed its page: its absence from what was read says nothing
        listed_before = s.scalar(select(func.max(Listing.id)).where(Listing.connection_id == conn.id)) or 0
    for page in connector.fetch_articles(Window(None, until)):
        for article in page.records:
            for entry in listing_entries(article):
                channel[(entry.product_id, entry.variant_id)] = {
                    "sku": entry.sku,
                    "title": entry.title,
                    "via_product": entry.via_product,
                    "stock": entry.stock,
                }
        read += len(page.records) + len(page.quarantined)
        progress(read, page.window_total)
    with hub.db.session() as s:
        rows = list(s.scalars(select(Listing).where(Listing.connection_id == conn.id).order_by(Listing.id)))
        linked = [r for r in rows if r.article_id is not None]
        known = {(r.product_external_id, r.variant_external_id): r for r in rows}
        if listings:
            for key, seen in channel.items():
                listing = known.get(key)
                if listing is None or listing.article_id is None:
                    diffs.add(
                        "listings_unlinked",
                        {
                            "product": key[0],
                            "variant": key[1],
                            "sku": seen["sku"],
                            "title": seen["title"],
                            "listed_in_hub": listing is not None,
                        },
                    )
            for r in linked:
                if r.id <= listed_before and (r.product_external_id, r.variant_external_id) not in channel:
                    diffs.add("listings_gone", _listing_row(r))
        if stock:
            _stock(
                s,
                conn,
                [r for r in linked if (r.product_external_id, r.variant_external_id) in channel],
                channel,
                diffs,
            )
    return read


def _stock(s, conn: Connection, linked: list[Listing], channel: dict, diffs: Differences) -> None:
    if not get_connector(conn.system).supports(Capability.SET_STOCK) or not linked:
        return
    avail = availability(s, {r.article_id for r in linked})
    keys = [coalesce_key(r.id) for r in linked]
    in_transit = set(
        s.scalars(
            select(OutboxEntry.listing_id).where(
                OutboxEntry.kind == "stock", OutboxEntry.status.in_(IN_TRANSIT), OutboxEntry.coalesce_key.in_(keys)
            )
        )
    )
    pushed = _last_pushed(s, [r.id for r in linked])
    via_product = {(r.product_external_id, r.article_id) for r in linked if not r.variant_external_id}
    for r in linked:
        seen = channel[(r.product_external_id, r.variant_external_id)]
        if seen["stock"] is None or r.id in in_transit:
            continue
        if r.variant_external_id and (seen["via_product"] or (r.product_external_id, r.article_id) in via_product):
            continue
        if r.article_id is None:  # never: only linked listings are passed in
            continue
        have = avail[r.article_id]
        now = shown_quantity(have.available, conn, r)
        if now is None or Decimal(seen["stock"]) == now:
            continue
        diffs.add(
            "stock_differs",
            {
                **_listing_row(r),
                "channel": _number(seen["stock"]),
                "last_pushed": pushed.get(r.id),
                "now": now,
                "on_hand": _number(have.on_hand),
                "reserved": _number(have.reserved),
            },
        )


def _last_pushed(s, listing_ids: list[int]) -> dict[int, int]:
    """The quantity of each listing's newest stock push that the channel took."""
    out: dict[int, int] = {}
    for chunk in range(0, len(listing_ids), 500):
        part = listing_ids[chunk : chunk + 500]
        for listing_id, payload in s.execute(
            select(OutboxEntry.listing_id, OutboxEntry.payload)
            .where(OutboxEntry.kind == "stock", OutboxEntry.status == "done", OutboxEntry.listing_id.in_(part))
            .order_by(OutboxEntry.id)
        ):
            out[listing_id] = json.loads(payload)["quantity"]
    return out


def _listing_row(r: Listing) -> dict:
    return {
        "listing_id": r.id,
        "product": r.product_external_id,
        "variant": r.variant_external_id,
        "sku": r.sku,
        "title": r.title,
    }


def _number(value) -> int | str:
    d = Decimal(value)
    return int(d) if d == d.to_integral_value() else str(d)

"""Pushing available stock to every channel that lists the article (invariant 3, coalesced).

The value shown on a channel follows rules set per connection and overridable per listing: a buffer kept
back, a maximum shown, "push 0 below N", or "never push". It is never negative. One outbox entry per
listing carries the newest value (coalesced); a listing already showing the value, with nothing pending,
gets no call at all.

A variant listing linked to the same article as its product's listing on that connection sells from the
product's stock (WooCommerce ``manage_stock: "parent"``, see articles): only the product is pushed, once;
a push to the variant would give it a stock of its own and detach it from the product in the shop.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..channels.registry import get_connector
from ..channels.sdk.capabilities import Capability
from ..store.models import Connection, Listing, OutboxEntry
from .outbox import enqueue
from .stock import availability


def shown_quantity(available: Decimal, conn: Connection, listing: Listing) -> int | None:
    """What the channel should show, or None when this listing is never pushed."""
    if listing.push_mode == "never" or not conn.stock_push:
        return None
    buffer = listing.stock_buffer if listing.stock_buffer is not None else conn.stock_buffer
    maximum = listing.stock_max if listing.stock_max is not None else conn.stock_max
    zero_below = listing.stock_zero_below if listing.stock_zero_below is not None else conn.stock_zero_below
    qty = int(available) - (buffer or 0)
    if maximum is not None:
        qty = min(qty, maximum)
    if zero_below and qty < zero_below:
        qty = 0
    return max(qty, 0)


def coalesce_key(listing_id: int) -> str:
    return f"stock:{listing_id}"


def propagate(s: Session, article_ids, *, skip_connection: int | None = None) -> int:
    """Queue the current value for every listing of these articles; returns how many were queued."""
    ids = set(article_ids)
    if not ids:
        return 0
    rows = s.execute(
        select(Listing, Connection)
        .join(Connection, Connection.id == Listing.connection_id)
        .where(Listing.article_id.in_(ids), Connection.paused.is_(False))
        .order_by(Listing.id)
    ).all()  # one lock order for every writer: no deadlock cycles
    if not rows:
        return 0
    avail = availability(s, ids)
    keys = [coalesce_key(listing.id) for listing, _ in rows]
    pending = set(
        s.scalars(
            select(OutboxEntry.coalesce_key).where(OutboxEntry.coalesce_key.in_(keys), OutboxEntry.status == "pending")
        )
    )
    via_product = {
        (listing.connection_id, listing.product_external_id, listing.article_id)
        for listing, _ in rows
        if not listing.variant_external_id
    }
    queued = 0
    for listing, conn in rows:
        if conn.id == skip_connection or not get_connector(conn.system).supports(Capability.SET_STOCK):
            continue
        if listing.variant_external_id and (conn.id, listing.product_external_id, listing.article_id) in via_product:
            continue
        if listing.article_id is None:  # never: the query selects listings by their article
            continue
        qty = shown_quantity(avail[listing.article_id].available, conn, listing)
        key = coalesce_key(listing.id)
        if qty is None or (
            key not in pending and listing.channel_stock is not None and int(listing.channel_stock) == qty
        ):
            continue
        enqueue(
            s,
            account_id=listing.account_id,
            connection_id=conn.id,
            kind="stock",
            listing_id=listing.id,
            coalesce_key=key,
            payload={
                "product_external_id": listing.product_external_id,
                "variant_external_id": listing.variant_external_id,
                "quantity": qty,
                "sku": listing.sku,
            },
        )
        queued += 1
    return queued

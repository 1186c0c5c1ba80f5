"""The kinds of difference a reconciliation reports, in the order a report shows them, and which read each
needs. The English titles are gettext msgids for the web app (German in the catalog)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    read: str  # the declared read it needs: orders | stock | listings
    title: str
    mend: str = ""  # the action that mends it, if any


KINDS = (
    Kind("orders_missing", "orders", "Orders the channel has and the hub lacks", "import"),
    Kind("orders_differ", "orders", "Orders with a different state or total"),
    Kind("orders_unknown", "orders", "Hub orders the channel does not know"),
    Kind("orders_unreadable", "orders", "Channel orders that could not be read"),
    Kind("stock_differs", "stock", "Listings whose stock differs", "push"),
    Kind("listings_unlinked", "listings", "Channel products without a linked article"),
    Kind("listings_gone", "listings", "Linked listings the channel no longer has"),
)
READS = ("orders", "stock", "listings")

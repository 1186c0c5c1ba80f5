"""How a connector reads what a reconciliation compares (see ``ordersync.reconcile``).

A reconciliation reads the channel's own truth and lays it beside the hub's: the orders of a period, every
product with its stock figure, every product the channel still has. Most connectors can already do this
with the methods the import uses (``fetch_orders`` over a window, ``fetch_articles`` over all time); the
declaration says which of those reads are complete enough to compare against. A read that is not declared
is not compared, and the report says why, rather than calling every order or listing a difference.
A connector whose order read must behave otherwise for a comparison declares ``for_comparison``: its read
may leave out details the comparison ignores (WooCommerce's refund reads), and it must not end early where
the import would stop quietly and resume later (Etsy's day budget): an incomplete listing would make the
hub's orders look unknown, so it raises ``BudgetSpent`` (or another ChannelError) instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .records import OrderPage, Window


@dataclass(frozen=True, slots=True)
class ReconcileReads:
    #: ``fetch_orders(Window(since, now))`` lists every order of the channel modified in the period,
    #: with its status and total as the channel shows them now
    orders: bool = False
    #: ``fetch_articles(Window(None, now))`` gives each product (and variant) with the stock the channel
    #: shows now (``stock`` None: the channel does not manage stock for it)
    stock: bool = False
    #: the same read lists every product the channel has, so a listing it does not return is gone
    listings: bool = False
    #: ``fetch_orders(window, for_comparison=True)`` is accepted: it may leave out what a reconciliation does
    #: not compare (refund details, say) to save calls (ids, number, state, channel status, total, currency
    #: and times stay), keeps none of the import's bookkeeping, and lists every order or raises. Orders the
    #: run imports are read again by id, in full.
    for_comparison: bool = False
    #: why a read is missing, shown to the seller (English; German in the connector's texts_de)
    note: str = ""

    def reason(self, kind: str) -> str:
        """Why ``kind`` ("orders", "stock" or "listings") cannot be compared, or "" when it can."""
        if getattr(self, kind):
            return ""
        return self.note or NOT_THIS_READ


class ReadsForComparison(Protocol):
    """The order read of a connector that declares ``for_comparison`` (the base ``Connector`` has no such
    argument; a connector adds it to its own ``fetch_orders``)."""

    def fetch_orders(self, window: Window, *, for_comparison: bool = False) -> Iterator[OrderPage]: ...


NOT_THIS_READ = "the connector does not declare this read for a reconciliation"


NOT_DECLARED = ReconcileReads(note="the connector declares no reads for a reconciliation")


def reads_of(connector_cls: type) -> ReconcileReads:
    """The connector's declaration, or one that says it declares nothing."""
    return getattr(connector_cls, "reconcile_reads", None) or NOT_DECLARED

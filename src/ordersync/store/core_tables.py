"""The columns a short read takes from accounts, connections and orders, as SQLAlchemy Core table clauses.

They need no ORM: the hub's account lookup and `ordersync orders list` read through them, so such a start
imports neither sqlalchemy.orm nor the mapped classes of models_core.py, about a fifth of the command's
start (issue 15). They name columns of models_core.py's tables, with the same types where the type converts
a value (amounts, UTC datetimes, booleans): models_core.py stays the schema, these only read and, for the
default account, insert. tests/cli/test_startup_imports.py checks every column against the mapped table.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, column, table

from .types import Amount, UTCDateTime

ACCOUNTS = table("accounts", column("id", Integer), column("name", String), column("created_at", UTCDateTime))

CONNECTIONS = table("connections", column("id", Integer), column("account_id", Integer), column("name", String))

# what the order list shows of an order (not its document, `data`, which `orders show` reads)
ORDERS = table(
    "orders",
    column("id", Integer),
    column("account_id", Integer),
    column("connection_id", Integer),
    column("external_id", String),
    column("number", String),
    column("state", Integer),
    column("channel_status", String),
    column("currency", String),
    column("total", Amount),
    column("buyer_name", String),
    column("buyer_email", String),
    column("oversold", Boolean),
    column("created_at", UTCDateTime),
    column("channel_updated_at", UTCDateTime),
)

__all__ = ["ACCOUNTS", "CONNECTIONS", "ORDERS"]

"""The three tables every command reads: accounts, connections and orders.

Their own module so that a short command maps these three and not every table of the schema: declaring a
mapped class is most of the cost of importing models.py (issue 15). They are closed under their foreign keys,
so the ORM never looks for a table that is not loaded; every other table module imports this one for the
tables its foreign keys name. models.py re-exports them and imports every other table module, so
`ordersync.store.models` is the whole schema (Alembic's env.py, tests). `ordersync orders list` and the hub's
account lookup read these tables through store/core_tables.py, without the ORM.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, text, true
from sqlalchemy import func as sa_func
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column

from .base import Base
from .types import Amount, UTCDateTime


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Connection(Base):
    __tablename__ = "connections"
    __table_args__ = (UniqueConstraint("account_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    system: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(100))
    settings_json: Mapped[str] = mapped_column(Text, default="{}")  # non-secret settings
    secrets: Mapped[str | None] = mapped_column(Text)  # Fernet token of secret settings
    state: Mapped[str | None] = mapped_column(Text)  # Fernet token of connector state (webhook secrets)
    webhook_token: Mapped[str] = mapped_column(String(64), unique=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    poll_interval: Mapped[int] = mapped_column(Integer, default=60)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sync_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sync_lease_owner: Mapped[str | None] = mapped_column(String(100))
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # stock rules for every listing of this connection (a listing may override them)
    stock_push: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    stock_buffer: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    stock_max: Mapped[int | None] = mapped_column(Integer)
    stock_zero_below: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # webhook health (sync.webhook_health): what the last check found still wrong (None: all active or never
    # checked), when it ran, and the measured delay from an order's change to its webhook's arrival
    webhooks_problem: Mapped[str | None] = mapped_column(Text)
    webhooks_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    webhook_delays: Mapped[str | None] = mapped_column(Text)  # JSON list of the latest delays in seconds
    # OAuth 2 (sync.oauth_tokens): why the seller must authorise the connection (again), e.g. a refresh token
    # the platform revoked; None while its tokens work. Polls and pushes wait while it is set.
    auth_problem: Mapped[str | None] = mapped_column(Text)
    auth_problem_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def webhook_delay_median(self) -> float | None:
        """The median of the kept delays (at most 51), worked out when read rather than stored beside them."""
        from statistics import median  # a web page's property: not every start needs the module

        kept = json.loads(self.webhook_delays or "[]")
        return median(kept) if kept else None


class OrderRow(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("connection_id", "external_id", name="uq_orders_connection_external"),
        Index("ix_orders_account_modified", "account_id", "modified_at"),
        Index("ix_orders_account_state", "account_id", "state"),
        # the order inbox at 100,000 orders: sorted by creation per account, optionally per connection
        Index("ix_orders_account_created", "account_id", "created_at", "id"),
        Index("ix_orders_account_connection_created", "account_id", "connection_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    connection_id: Mapped[int | None] = mapped_column(ForeignKey("connections.id", ondelete="SET NULL"))
    external_id: Mapped[str] = mapped_column(String(100))
    number: Mapped[str] = mapped_column(String(100), index=True)
    state: Mapped[int] = mapped_column(Integer)
    channel_status: Mapped[str] = mapped_column(String(50), default="")
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(Amount)
    shipping_cost: Mapped[Decimal] = mapped_column(Amount)
    buyer_email: Mapped[str] = mapped_column(String(255), default="")
    buyer_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)  # on the channel
    channel_updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime)  # in the hub
    data: Mapped[str] = mapped_column(Text)  # the domain Order, codec JSON
    content_hash: Mapped[str] = mapped_column(String(32))
    # what the order does to stock now: none | reserved | consumed (see sync.reservations)
    stock_effect: Mapped[str] = mapped_column(String(10), default="none", server_default="none")
    oversold: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    refunded_amount: Mapped[Decimal] = mapped_column(Amount, default=Decimal(0), server_default=text("0"))


def trigram_index(name: str, column: InstrumentedAttribute[str]) -> None:
    """The order inbox's substring search (PostgreSQL with pg_trgm): a trigram GIN index over lower(column), which
    readmodel.orders queries with exactly this expression. SQLite has no such index type and does not get it."""
    Index(
        name,
        sa_func.lower(column).label(name + "_expr"),
        postgresql_using="gin",
        postgresql_ops={name + "_expr": "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql")


def declare_order_trigram_indexes() -> None:
    """The orders table's trigram indexes, declared beside it and put on it by models.py, the whole schema that
    Alembic and the tests read: their PostgreSQL options load SQLAlchemy's PostgreSQL dialect (about 50 ms),
    which `orders list` on SQLite does not need."""
    for name, column in (
        ("ix_orders_number_trgm", OrderRow.number),
        ("ix_orders_external_id_trgm", OrderRow.external_id),
        ("ix_orders_buyer_name_trgm", OrderRow.buyer_name),
        ("ix_orders_buyer_email_trgm", OrderRow.buyer_email),
    ):
        trigram_index(name, column)

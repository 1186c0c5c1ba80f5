"""The database schema. Unique constraints carry the invariants; repositories never rely on look-then-insert.

- orders: (connection_id, external_id) unique: an order exists once (invariant 2).
- webhook_deliveries: (connection_id, delivery_id) unique: a replayed delivery is stored once.
- outbox: one *pending* row per coalesce key (partial unique index): stock pushes coalesce (invariant 3).
- listings: (connection_id, product_external_id, variant_external_id) unique.

Importing this module maps every table. Accounts, connections and orders live in models_core.py (re-exported
here), which a short command imports alone; the other table modules are imported at the end.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .models_core import Account as Account
from .models_core import Connection as Connection
from .models_core import OrderRow as OrderRow
from .models_core import declare_order_trigram_indexes, trigram_index
from .types import Amount, UTCDateTime


class ConnectionTokens(Base):
    """A connection's OAuth 2 tokens (Fernet token of access + refresh token, written together) and the lease
    that lets one worker at a time refresh them (SQLite; PostgreSQL locks the row)."""

    __tablename__ = "connection_tokens"
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True)
    tokens: Mapped[str | None] = mapped_column(Text)
    lock_owner: Mapped[str | None] = mapped_column(String(100))
    lock_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OAuthState(Base):
    """One consent round trip: the state parameter (stored hashed), bound to who started it, single use."""

    __tablename__ = "oauth_states"
    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"), index=True)
    binding: Mapped[str] = mapped_column(String(64))  # hash of the web session's binding value, or "cli"
    verifier: Mapped[str | None] = mapped_column(Text)  # Fernet token of the PKCE code verifier
    redirect_uri: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Cursor(Base):
    """Where the import of one stream of one connection stands (the channel's modification time)."""

    __tablename__ = "cursors"
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True)
    stream: Mapped[str] = mapped_column(String(30), primary_key=True)
    position: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OrderItemRow(Base):
    __tablename__ = "order_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(100), default="")
    sku: Mapped[str] = mapped_column(String(100), default="", index=True)
    ean: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[Decimal] = mapped_column(Amount)
    unit_price: Mapped[Decimal] = mapped_column(Amount)
    total_price: Mapped[Decimal] = mapped_column(Amount)
    product_external_id: Mapped[str] = mapped_column(String(100), default="")
    variant_external_id: Mapped[str] = mapped_column(String(100), default="")
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    dont_adjust_stock: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    refunded_quantity: Mapped[Decimal] = mapped_column(Amount, default=Decimal(0), server_default=text("0"))


# The order inbox's substring search over the SKU (PostgreSQL with pg_trgm; see models_core.trigram_index), and
# the orders table's own trigram indexes, declared beside it in models_core.py and put on it here
trigram_index("ix_order_items_sku_trgm", OrderItemRow.sku)
declare_order_trigram_indexes()


class OrderEvent(Base):
    """The order's history: imports, state changes, shipments, messages; who did it and where. Each line is a
    kind of ``domain.history`` with its parameters (the web app says it in the reader's language) and its
    English sentence in ``text`` (logs, CLI, API); ``kind`` is the event type webhooks and the API file it
    under. Written only through ``store.history.add_history``."""

    __tablename__ = "order_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(30))  # channel | user | system
    text: Mapped[str] = mapped_column(Text, default="")
    history_kind: Mapped[str] = mapped_column(String(40), default="text", server_default="text")
    params: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")


class ShipmentRow(Base):
    __tablename__ = "shipments"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    carrier: Mapped[str] = mapped_column(String(100))
    tracking_number: Mapped[str] = mapped_column(String(100))
    tracking_url: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ShipmentLineRow(Base):
    """What a shipment ships of one order line; a shipment without rows ships the whole order."""

    __tablename__ = "shipment_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    item_external_id: Mapped[str] = mapped_column(String(100))
    sku: Mapped[str] = mapped_column(String(100), default="")
    quantity: Mapped[Decimal] = mapped_column(Amount)


class LineCancellationRow(Base):
    """A quantity of one order line cancelled by the seller (it will not be shipped), with the reason."""

    __tablename__ = "line_cancellations"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    item_external_id: Mapped[str] = mapped_column(String(100))
    sku: Mapped[str] = mapped_column(String(100), default="")
    quantity: Mapped[Decimal] = mapped_column(Amount)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OrderAcknowledgement(Base):
    """The hub's accept/reject of an order towards a channel that requires one (ACKNOWLEDGE_ORDERS). One row
    per order (unique): the acknowledgement is queued exactly once however often the order is imported."""

    __tablename__ = "order_acknowledgements"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    accept: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ArticleRow(Base):
    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("account_id", "sku", name="uq_articles_account_sku"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    sku: Mapped[str] = mapped_column(String(100))
    ean: Mapped[str] = mapped_column(String(20), default="", index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    weight_kg: Mapped[Decimal | None] = mapped_column(Amount)
    supplier: Mapped[str] = mapped_column(String(100), default="", server_default="")  # forwarding rules
    # when the hub's on-hand was last set (created from the channel's figure, or `stock set`): orders placed
    # after it count against it whatever state they arrive in (see sync.reservations)
    stock_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StockLevel(Base):
    """On-hand quantity of one article at one stock location ("default" unless the seller has more)."""

    __tablename__ = "stock_levels"
    __table_args__ = (UniqueConstraint("article_id", "location", name="uq_stock_level"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    location: Mapped[str] = mapped_column(String(50), default="default")
    on_hand: Mapped[Decimal] = mapped_column(Amount)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StockMovement(Base):
    """The stock history: every change of on-hand with its reason (a correction, an order shipped...)."""

    __tablename__ = "stock_movements"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    location: Mapped[str] = mapped_column(String(50), default="default", server_default="default")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    change: Mapped[Decimal] = mapped_column(Amount)
    on_hand_after: Mapped[Decimal] = mapped_column(Amount)
    reason: Mapped[str] = mapped_column(Text, default="")


class Listing(Base):
    """An article as listed on one channel: the product (and variant) id to push stock to."""

    __tablename__ = "listings"
    __table_args__ = (
        UniqueConstraint("connection_id", "product_external_id", "variant_external_id", name="uq_listing"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    product_external_id: Mapped[str] = mapped_column(String(100))
    variant_external_id: Mapped[str] = mapped_column(String(100), default="")
    sku: Mapped[str] = mapped_column(String(100), default="", index=True)
    ean: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    channel_stock: Mapped[Decimal | None] = mapped_column(Amount)
    # per-listing stock rules; None = the connection's rule
    push_mode: Mapped[str] = mapped_column(String(10), default="auto", server_default="auto")  # auto | never
    stock_buffer: Mapped[int | None] = mapped_column(Integer)
    stock_max: Mapped[int | None] = mapped_column(Integer)
    stock_zero_below: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxEntry(Base):
    """One outbound effect, written in the same transaction as the change that caused it (invariant 3)."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index(
            "ix_outbox_pending_coalesce",
            "coalesce_key",
            unique=True,
            sqlite_where=text("status = 'pending' AND coalesce_key IS NOT NULL"),
            postgresql_where=text("status = 'pending' AND coalesce_key IS NOT NULL"),
        ),
        Index("ix_outbox_awaiting", "status", "check_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # state | tracking | stock | message
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"))
    coalesce_key: Mapped[str | None] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|sending|done|dead|discarded
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # an asynchronous push (status "awaiting", see sync.async_checks): the reference written before the
    # submit, the platform's job id once known, this entry's position in the job, next check, give-up time
    job_token: Mapped[str | None] = mapped_column(String(64))
    job_ref: Mapped[str | None] = mapped_column(String(200))
    job_item: Mapped[int | None] = mapped_column(Integer)
    check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    job_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: how often the job's result was asked for (each check is an OutboxAttempt of kind "check"); the
    #: pause before the next check grows with it (sync.async_checks.next_check_s)
    checks: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class OutboxAttempt(Base):
    __tablename__ = "outbox_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    ok: Mapped[bool] = mapped_column(Boolean)
    duration_ms: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10), default="send", server_default="send")  # send | check
    detail: Mapped[str | None] = mapped_column(Text)  # what the platform answered, e.g. "job F1: running"


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("connection_id", "delivery_id", name="uq_webhook_delivery"),
        Index("ix_webhook_status", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    delivery_id: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(100), default="")
    resource_id: Mapped[str] = mapped_column(String(200), default="", server_default="")
    headers: Mapped[str] = mapped_column(Text)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(12), default="received")  # received|processing|processed|failed
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # while "processing"


class QuarantineEntry(Base):
    """A record we could not import, kept raw with the reason (invariant 5). Resolved by a later good read."""

    __tablename__ = "quarantine"
    __table_args__ = (UniqueConstraint("connection_id", "stream", "external_id", name="uq_quarantine"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    stream: Mapped[str] = mapped_column(String(30))
    external_id: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    hint: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    seen_count: Mapped[int] = mapped_column(Integer, default=1)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SyncRun(Base):
    """The sync log: one row per import, webhook batch or dispatch run, with counts, errors and lag."""

    __tablename__ = "sync_runs"
    __table_args__ = (Index("ix_sync_runs_connection", "connection_id", "started_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # orders | articles | webhook | dispatch
    status: Mapped[str] = mapped_column(String(12), default="running")  # running | ok | failed
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    lag_seconds: Mapped[float | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)
    # the worker that runs it (host:pid:thread) and whether it held the connection's sync lease: a run whose
    # holder is gone (process dead, lease expired or taken over) is shown as interrupted, not running for ever
    holder: Mapped[str | None] = mapped_column(String(100))
    leased: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


# Tables of later features live in their own modules; importing them here puts them on Base.metadata.
from . import models_accounts, models_erasure, models_messaging, models_reconcile  # noqa: E402,F401

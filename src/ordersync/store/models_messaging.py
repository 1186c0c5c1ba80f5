"""Outgoing e-mail (SMTP per account, templates, mail notices per connection) and order forwarding.

- smtp_settings: one row per account; the password lives Fernet-sealed in ``secrets``.
- mail_templates: (account, kind, language) unique: a seller's override of a built-in default.
- forward_targets: (account, name) unique; an HTTP target's signing secret is sealed in ``secrets``.
- order_forwards: (order, target) unique: an order is forwarded at most once per target (also when two
  dispatchers or a rule and a person race), whatever happens later.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, text, true
from sqlalchemy.orm import Mapped, mapped_column

from . import models_core  # noqa: F401 - declares the accounts, connections and orders its foreign keys name
from .base import Base
from .types import UTCDateTime


class SmtpSettings(Base):
    __tablename__ = "smtp_settings"
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer)
    security: Mapped[str] = mapped_column(String(10))  # starttls | tls
    username: Mapped[str] = mapped_column(String(255), default="")
    from_address: Mapped[str] = mapped_column(String(255))
    from_name: Mapped[str] = mapped_column(String(255), default="")
    reply_to: Mapped[str] = mapped_column(String(255), default="")
    ca_pem: Mapped[str] = mapped_column(Text, default="")  # extra CA to trust (a self-signed relay)
    language: Mapped[str] = mapped_column(String(2), default="de", server_default="de")
    notify_buyer_by_mail: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    secrets: Mapped[str] = mapped_column(Text)  # Fernet token of {"password": ...}
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConnectionMailSettings(Base):
    """Per-connection override of the account's notice and language settings (None = the account's)."""

    __tablename__ = "connection_mail_settings"
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True)
    notify_buyer_by_mail: Mapped[bool | None] = mapped_column(Boolean)
    language: Mapped[str | None] = mapped_column(String(2))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MailTemplate(Base):
    __tablename__ = "mail_templates"
    __table_args__ = (UniqueConstraint("account_id", "kind", "language", name="uq_mail_template"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # message | state | tracking | forward
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ForwardTarget(Base):
    __tablename__ = "forward_targets"
    __table_args__ = (UniqueConstraint("account_id", "name", name="uq_forward_target"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # email | http
    address: Mapped[str] = mapped_column(Text)  # the e-mail address or the URL
    language: Mapped[str] = mapped_column(String(2), default="de", server_default="de")
    secrets: Mapped[str] = mapped_column(Text)  # Fernet token of {"secret": ...} (HTTP signing)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ForwardRule(Base):
    """Forward matching orders to a target. Empty criteria match everything; all given ones must match."""

    __tablename__ = "forward_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("forward_targets.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int | None] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    state: Mapped[int | None] = mapped_column(Integer)
    sku: Mapped[str | None] = mapped_column(String(100))
    supplier: Mapped[str | None] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OrderForward(Base):
    __tablename__ = "order_forwards"
    __table_args__ = (
        UniqueConstraint("order_id", "target_id", name="uq_order_forward"),
        Index("ix_order_forwards_due", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("forward_targets.id", ondelete="CASCADE"))
    trigger: Mapped[str] = mapped_column(String(30))  # manual | rule:<id>
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending|sending|done|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

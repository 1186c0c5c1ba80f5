"""Reconciliation (ordersync.reconcile): the reports of runs that compare a channel with the hub, and each
connection's reconciliation settings. Kept apart from models.py like the other later features."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from . import models_core  # noqa: F401 - declares the accounts, connections and orders its foreign keys name
from .base import Base
from .types import UTCDateTime


class ReconcileRun(Base):
    """One comparison of a connection with the hub. ``report`` holds the differences grouped by kind (JSON:
    kind → count, rows), ``reasons`` the kinds the connector cannot read and why; ``phases`` the parts
    already finished, so a run whose worker died resumes after them (the holder's lease ran out)."""

    __tablename__ = "reconcile_runs"
    __table_args__ = (Index("ix_reconcile_runs_connection", "connection_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    trigger: Mapped[str] = mapped_column(String(12), default="manual")  # manual | scheduled
    status: Mapped[str] = mapped_column(String(12), default="running")  # running | done | failed
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    phase: Mapped[str] = mapped_column(String(12), default="orders")
    phases: Mapped[str] = mapped_column(Text, default="{}")  # JSON: phase → its differences (finished parts)
    read: Mapped[int] = mapped_column(Integer, default=0)  # records read from the channel so far
    expected: Mapped[int | None] = mapped_column(Integer)  # the channel's count for the current phase
    differences: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[str] = mapped_column(Text, default="{}")
    reasons: Mapped[str] = mapped_column(Text, default="{}")
    holder: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: what the seller mended from this report (JSON: kind → how many and when)
    mended: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")


class ReconcileSettings(Base):
    """Per connection: how often a reconciliation runs by itself, when next, and whether orders the channel
    has and the hub lacks are imported without asking."""

    __tablename__ = "reconcile_settings"
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True)
    interval_hours: Mapped[int] = mapped_column(Integer, default=24, server_default=text("24"))  # 0: never
    auto_import: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

"""Buyers whose personal data was erased at their request, per connection (application.erasure).

A channel may send the erased buyer's order again before it has anonymised it; the import strips the
personal fields of any order of a buyer named here (sync.erased_buyers), so the erasure holds.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from . import models_core  # noqa: F401 - declares the accounts, connections and orders its foreign keys name
from .base import Base
from .types import UTCDateTime


class ErasedBuyer(Base):
    __tablename__ = "erased_buyers"
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True)
    buyer_id: Mapped[str] = mapped_column(String(200), primary_key=True)  # the channel's buyer id
    reason: Mapped[str] = mapped_column(Text, default="")
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime)

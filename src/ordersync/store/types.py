"""Column types that keep invariant 7 on every database: aware UTC datetimes and exact Decimals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import DateTime, Numeric, String
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """SQLite forgets time zones; we store UTC and hand back aware datetimes everywhere."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} cannot be stored")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


AMOUNT_MAX = Decimal("99999999999999.9999")  # NUMERIC(18, 4); SQLite's text column is held to the same


class Amount(TypeDecorator[Decimal]):
    """NUMERIC on PostgreSQL; text on SQLite, whose NUMERIC would round-trip through float."""

    impl = Numeric(18, 4)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(18, 4))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value)
        if not value.is_finite() or abs(value) > AMOUNT_MAX:
            raise ValueError(f"{value} is beyond what an amount column holds (at most {AMOUNT_MAX})")
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        return None if value is None else plain(Decimal(value))


def plain(value: Decimal) -> Decimal:
    """The same number on both databases: NUMERIC(18,4) pads 13 to 13.0000, SQLite's text does not."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()

"""Every timestamp inside ordersync is timezone-aware UTC; these helpers make that hard to get wrong."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def require_aware(value: datetime | None, where: str) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{where}: timestamp {value.isoformat()} has no timezone")


def parse_utc(text: str, *, where: str = "timestamp", assume_utc: bool = False) -> datetime:
    """Parse an ISO 8601 timestamp. Naive input is an error unless the source documents it as UTC."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise ValueError(f"{where}: {text!r} is not an ISO 8601 timestamp") from None
    if value.tzinfo is None:
        if not assume_utc:
            raise ValueError(f"{where}: {text!r} has no timezone")
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00 is before year 1 in UTC
        raise ValueError(f"{where}: {text!r} is out of range") from None


def to_utc(value: datetime) -> datetime:
    require_aware(value, "timestamp")
    return value.astimezone(UTC)

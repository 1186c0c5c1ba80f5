"""Mapping vendor records: the small readers every connector needs (amounts, texts, per-unit prices), and a
page whose records fail one by one is quarantined record by record while the rest go on (invariant 5)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from ...domain import to_decimal
from .errors import RecordError
from .records import Quarantined

T = TypeVar("T")

CENT = Decimal("0.01")

# what a malformed record makes a reader raise when it trips over data it did not check explicitly
UNEXPECTED: tuple[type[Exception], ...] = (ValueError, TypeError, KeyError, InvalidOperation)


def read_amount(value: Any, where: str, *, default: Decimal | None = None) -> Decimal:
    """A vendor amount as Decimal; missing gives ``default`` if there is one, else (or if not a number) a
    RecordError naming ``where``."""
    if (value is None or value == "") and default is not None:
        return default
    try:
        return to_decimal(value, field=where)
    except ValueError as exc:
        raise RecordError(str(exc), hint="An amount is missing or not a number.") from None


def plain_text(value: Any) -> str:
    """A vendor text field, stripped; None is empty."""
    if type(value) is str:  # most fields: no str() call (it would return the value itself)
        return value.strip()
    return "" if value is None else str(value).strip()


def sub_object(raw: Mapping[str, Any], key: str) -> dict[str, Any]:
    """The optional JSON object under ``key``; {} when it is absent or not an object."""
    value = raw.get(key)
    return value if isinstance(value, dict) else {}


def unit_price(total: Decimal, quantity: Decimal) -> Decimal:
    """A line's price per unit from its total: whole cents when they multiply back to the total exactly,
    else four places (3 for 10.00 is 3.3333), so a line never gains or loses a cent by being split."""
    if not quantity:
        return total
    unit = total / quantity
    cents = unit.quantize(CENT)
    return cents if cents * quantity == total else unit.quantize(Decimal("0.0001"))


def read_record(read: Callable[[], T], *, hint: str, also: tuple[type[Exception], ...] = ()) -> T:
    """Run one record's reader. What the reader checks it reports as RecordError itself; any other error of
    the kinds in UNEXPECTED (plus ``also``) becomes a RecordError with ``hint``, so the record is quarantined
    with a reason instead of failing its whole page."""
    try:
        return read()
    except RecordError:
        raise
    except UNEXPECTED + also as exc:
        raise RecordError(f"{type(exc).__name__}: {exc}", hint=hint) from None


def quarantine_record(raw: Any, exc: RecordError, *, label: str = "") -> Quarantined:
    """Keep a record that failed, under its id (or a digest when it has none). ``label`` names it for the
    seller, e.g. "WooCommerce order #1042", and is added to the hint."""
    ident = raw.get("id") if isinstance(raw, dict) else None
    if ident in (None, ""):
        ident = "sha256:" + hashlib.sha256(repr(raw).encode()).hexdigest()[:16]
    hint = exc.hint + (f" ({label})" if label else "")
    return Quarantined(external_id=str(ident), raw=raw, reason=str(exc), hint=hint.strip())


def map_records(
    records: Iterable[Any], mapper: Callable[[Any], T], quarantine: Callable[[Any, RecordError], Quarantined]
) -> tuple[list[T], list[Quarantined]]:
    """Map each record, quarantining the ones the mapper refuses. Text no database takes (NUL, lone surrogates)
    is left to the engine, which cleans every record just before storing it (``cleantext``): a second walk of
    every record here cost as much as the mapping's own work."""
    mapped: list[T] = []
    failed: list[Quarantined] = []
    for raw in records:
        try:
            mapped.append(mapper(raw))
        except RecordError as exc:
            failed.append(quarantine(raw, exc))
    return mapped, failed

"""Money is a Decimal amount with its ISO 4217 currency; floats never enter."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

import pycountry


def to_decimal(value: object, *, field: str = "amount") -> Decimal:
    """Parse an amount from a vendor payload. Floats go through ``str`` so 0.1 stays 0.1."""
    if type(value) is str:  # what most vendors send: one test instead of four (the same steps as below)
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{field}: {value!r} is not a number") from None
        if not result.is_finite():
            raise ValueError(f"{field}: {value!r} is not a finite number")
        return result
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool) or value is None:
        raise ValueError(f"{field}: expected a number, got {value!r}")
    elif isinstance(value, (int, float)):
        result = Decimal(str(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{field}: {value!r} is not a number") from None
    else:
        raise ValueError(f"{field}: expected a number, got {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"{field}: {value!r} is not a finite number")
    return result


def check_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if len(code) != 3 or not _is_currency(code):
        raise ValueError(f"currency: {code!r} is not an ISO 4217 code")
    return code


@lru_cache(maxsize=512)
def _is_currency(code: str) -> bool:
    """pycountry's answer, asked once per code: its look-up cost more than the rest of an order's checks. The
    table is the installed package's, fixed for the life of the process; the cache is bounded for odd input."""
    return pycountry.currencies.get(alpha_3=code) is not None


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        object.__setattr__(self, "currency", check_currency(self.currency))

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Money(self.amount + other.amount, self.currency)

    def quantize(self, places: str = "0.01") -> Money:
        return Money(self.amount.quantize(Decimal(places), rounding=ROUND_HALF_UP), self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

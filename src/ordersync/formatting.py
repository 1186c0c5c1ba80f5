"""Dates, numbers and money in the reader's language: one place for the web pages, the forwarding documents
(CSV, PDF) and the e-mails to buyers, so a seller sees 05.12.2026 and 1.234,56 € everywhere in German and
05/12/2026 and €1,234.56 in English.

Times are shown in the seller's time zone, ORDERSYNC_TIMEZONE (an IANA name such as Europe/Berlin); without
one they are shown in UTC. A time of day always carries its zone ("14:30 MEZ", "13:30 UTC"), so a reader
never has to guess which clock it is. Money is a Decimal with its currency, rounded to the currency's
digits only where the channel gave no more (a unit price of 0.1234 € stays exact). Documents that carry
times as ISO 8601 text and amounts as decimal strings (the forwarded order, an import preview) are read
as such; a float amount is refused.
"""

from __future__ import annotations

import os
from datetime import date as Date
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

LANGUAGES = ("de", "en")
#: the Babel locale of each language: German as in Germany, English with day-first dates (en_GB)
BABEL_LOCALE = {"de": "de_DE", "en": "en_GB"}
_DATE = {"de": "dd.MM.yyyy", "en": "dd/MM/yyyy"}
_AMOUNT = "#,##0.00####"


class FormattingError(ValueError):
    """A setting or a value the formatter cannot use; the message names which and where."""


def zone() -> ZoneInfo:
    """The seller's time zone from ORDERSYNC_TIMEZONE, UTC when it is not set."""
    name = (os.environ.get("ORDERSYNC_TIMEZONE") or "").strip() or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise FormattingError(
            f"ORDERSYNC_TIMEZONE={name!r} is not a time zone; use an IANA name such as Europe/Berlin or UTC"
        ) from None


def _locale(language: str) -> str:
    try:
        return BABEL_LOCALE[language]
    except KeyError:
        raise FormattingError(f"language {language!r}: use one of {', '.join(LANGUAGES)}") from None


def _local(value: datetime | str, where: str) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise FormattingError(f"{where}: {value!r} is not an ISO 8601 time") from None
    if value.tzinfo is None:
        raise FormattingError(f"{where}: {value.isoformat()} has no time zone; only aware times are shown")
    return value.astimezone(zone())


def date(value: datetime | Date | str, language: str) -> str:
    """The calendar day in the seller's zone: 05.12.2026 / 05/12/2026. A plain date is taken as it is."""
    locale = _locale(language)
    if isinstance(value, datetime | str):
        return format_datetime(_local(value, "date"), _DATE[language], locale=locale)
    return format_date(value, _DATE[language], locale=locale)


def datetime_(value: datetime | str, language: str) -> str:
    """Day and time of day with the zone: 05.12.2026, 14:30 MEZ / 05/12/2026, 13:30 UTC."""
    locale = _locale(language)
    return format_datetime(_local(value, "date and time"), f"{_DATE[language]}, HH:mm z", locale=locale)


def _decimal(value: Decimal | str, where: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        try:
            found = Decimal(value.strip())
        except ArithmeticError:
            found = None
        if found is not None and found.is_finite():
            return found
    raise FormattingError(f"{where}: {value!r} is not a decimal amount (amounts never travel as floats)")


def money(value: Decimal | str, currency: str, language: str) -> str:
    """1.234,56 € / €1,234.56; more places than the currency has are kept, never rounded away."""
    found = _decimal(value, "money")
    if not currency:
        raise FormattingError(f"money: {value} has no currency")
    return format_currency(found, currency, locale=_locale(language), decimal_quantization=False)


def amount(value: Decimal | str, language: str, *, grouping: bool = True) -> str:
    """An amount without its currency, always with cents: 1.234,50 / 1,234.50 (1234,50 without grouping,
    for a spreadsheet cell)."""
    return format_decimal(
        _decimal(value, "amount"),
        _AMOUNT,
        locale=_locale(language),
        decimal_quantization=False,
        group_separator=grouping,
    )


def number(value: int | Decimal | float | str, language: str, *, grouping: bool = True) -> str:
    """A count or quantity as written in the language: 1.234 / 1,234; 2,5 / 2.5 (no trailing zeros)."""
    if isinstance(value, str):
        value = _decimal(value, "number")
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return format_decimal(value, locale=_locale(language), decimal_quantization=False, group_separator=grouping)

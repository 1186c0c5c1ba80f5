"""Cell values as German and international spreadsheets write them: amounts, dates, countries.

Each parser takes the cell text and returns a typed value or raises ValueError with a message that quotes
the text and says what was expected; the caller adds row and column.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pycountry

MAX_INTEGER_DIGITS = 12  # amounts are stored as NUMERIC(18, 4): a file must not overflow or be rounded
MAX_DECIMAL_PLACES = 4
_SIMPLE = re.compile(r"([0-9]{1,12})(?:[.,]([0-9]{1,4}))?")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_CURRENCY_AFFIX = re.compile(r"^(?:€|EUR|\$|USD|£|GBP|CHF|Fr\.)\s*|\s*(?:€|EUR|\$|USD|£|GBP|CHF|Fr\.)$", re.IGNORECASE)
_GROUPED = {  # grouping separator -> pattern of the integer part
    ".": re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+"),
    ",": re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+"),
    "'": re.compile(r"[0-9]{1,3}(?:'[0-9]{3})+"),
    " ": re.compile(r"[0-9]{1,3}(?: [0-9]{3})+"),
}


def parse_decimal(text: str, *, decimal_separator: str = "auto") -> Decimal:
    """``1.234,56``, ``1,234.56``, ``1234,5``, ``12.50``, ``-3,00 €``, ``1'234.50``.

    With ``decimal_separator="auto"`` the last of ``.`` and ``,`` is the decimal mark when both occur; a
    single kind of mark is the decimal mark when it occurs once and a thousands mark when it occurs more
    than once (``1.234.567``). ``1.234`` therefore reads as one point two three four: set the connection's
    decimal separator to ``,`` for files that write thousands marks without decimals.
    """
    if decimal_separator == "auto" and (m := _SIMPLE.fullmatch(text)):  # the common case, quickly
        return Decimal(f"{m[1]}.{m[2]}" if m[2] else m[1])
    raw = text
    value = _SPACES.sub(" ", text).strip()
    value = _CURRENCY_AFFIX.sub("", value).strip()
    sign = ""
    if value and value[0] in "+-":
        sign, value = value[0].replace("+", ""), value[1:].strip()
    elif value.endswith("-"):
        sign, value = "-", value[:-1].strip()
    if not value:
        raise ValueError(f"{raw!r} is not a number")
    mark = _decimal_mark(value, decimal_separator)
    integer, fraction = value, ""
    if mark is not None:
        integer, _, fraction = value.rpartition(mark)
        if not (fraction.isascii() and fraction.isdigit()):
            raise ValueError(f"{raw!r} is not a number")
    if (
        not (integer == "" and fraction)
        and not (integer.isascii() and integer.isdigit())
        and not any(sep != mark and pattern.fullmatch(integer) for sep, pattern in _GROUPED.items())
    ):
        if decimal_separator in (",", ".") and any(c in integer for c in ",."):
            raise ValueError(
                f"{raw!r} is not a number with {decimal_separator!r} as decimal separator (the connection's setting)"
            )
        raise ValueError(f"{raw!r} is not a number")
    digits = re.sub(r"[^0-9]", "", integer).lstrip("0") or "0"
    if len(digits) > MAX_INTEGER_DIGITS:
        raise ValueError(f"{raw!r} is too large (at most {MAX_INTEGER_DIGITS} digits before the decimal mark)")
    if len(fraction) > MAX_DECIMAL_PLACES:
        raise ValueError(f"{raw!r} has more than {MAX_DECIMAL_PLACES} decimal places")
    return Decimal(f"{sign}{digits}.{fraction}" if fraction else f"{sign}{digits}")


def _decimal_mark(value: str, setting: str) -> str | None:
    if setting in (",", "."):
        return setting if setting in value else None
    dot, comma = value.rfind("."), value.rfind(",")
    if dot >= 0 and comma >= 0:
        return "." if dot > comma else ","
    for mark in (",", "."):
        if value.count(mark) == 1:
            return mark
    return None


_GERMAN_DATE = re.compile(
    r"(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?P<y>[0-9]{4}|[0-9]{2})"
    r"(?:,?\s+(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2}))?(?:\s*Uhr)?)?"
)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone name such as 'Europe/Berlin'") from None


def parse_datetime(text: str, tz: ZoneInfo, *, date_format: str = "") -> datetime:
    """ISO 8601 (``2026-11-27T14:05:00+01:00``, ``2026-11-27 14:05``), German (``27.11.2026 14:05``,
    ``27.11.26``, ``27.11.2026, 14:05 Uhr``) or the connection's own ``strptime`` format. Times without
    an offset are local times of ``tz``; the result is aware and in UTC."""
    value = " ".join(text.split())
    if not value:
        raise ValueError("the date is empty")
    parsed: datetime | None = None
    if date_format:
        try:
            parsed = datetime.strptime(value, date_format)
        except ValueError:
            raise ValueError(f"{text!r} does not match the date format {date_format!r}") from None
    elif m := _GERMAN_DATE.fullmatch(value):
        year = int(m["y"]) + (2000 if len(m["y"]) == 2 else 0)
        try:
            parsed = datetime(year, int(m["m"]), int(m["d"]), int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0))
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a valid date: {exc}") from None
    else:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise ValueError(f"{text!r} is not a date; expected e.g. 27.11.2026 14:05 or 2026-11-27T14:05:00") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=tz)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError(f"{text!r} is out of range") from None


_COUNTRY_NAMES_DE = {
    "deutschland": "DE",
    "österreich": "AT",
    "oesterreich": "AT",
    "schweiz": "CH",
    "frankreich": "FR",
    "italien": "IT",
    "spanien": "ES",
    "niederlande": "NL",
    "belgien": "BE",
    "luxemburg": "LU",
    "dänemark": "DK",
    "polen": "PL",
    "tschechien": "CZ",
    "schweden": "SE",
    "großbritannien": "GB",
    "vereinigtes königreich": "GB",
    "vereinigte staaten": "US",
    "usa": "US",
    "uk": "GB",
}


def parse_country(text: str) -> str | None:
    """ISO 3166-1 alpha-2 or alpha-3 code, or the country's English or (common) German name."""
    value = " ".join(text.split())
    if not value:
        return None
    if value.casefold() in _COUNTRY_NAMES_DE:
        return _COUNTRY_NAMES_DE[value.casefold()]
    try:
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        raise ValueError(f"{text!r} is not a country code or name (use e.g. DE or Deutschland)") from None

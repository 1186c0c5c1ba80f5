"""Amounts, dates and countries as German and international spreadsheets write them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ordersync.channels.csv_import.values import (
    parse_country,
    parse_datetime,
    parse_decimal,
    zone,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1234,5", "1234.5"),
        ("12.50", "12.50"),
        ("-3,00 €", "-3.00"),
        ("€ 1 234,00", "1234.00"),
        ("1'234.50", "1234.50"),
        ("1.234.567", "1234567"),
        ("12 EUR", "12"),
        ("0,99", "0.99"),
        ("5-", "-5"),
        ("+7", "7"),
        (",5", "0.5"),
        ("19", "19"),
    ],
)
def test_decimal_accepts_german_and_english_notation(text, expected):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "12,", "1.2.3,4", "--1", "1e5", "NaN", "Infinity", "٣", "", "1,23,4"])
def test_decimal_rejects_what_is_not_an_amount_and_quotes_it(text):
    with pytest.raises(ValueError, match="not a number"):
        parse_decimal(text)


def test_decimal_separator_setting_resolves_the_ambiguous_thousands_mark():
    assert parse_decimal("1.234") == Decimal("1.234")  # auto: a single mark is the decimal mark
    assert parse_decimal("1.234", decimal_separator=",") == Decimal(1234)
    assert parse_decimal("1,234", decimal_separator=".") == Decimal(1234)
    with pytest.raises(ValueError, match="decimal separator"):
        parse_decimal("12.50", decimal_separator=",")


BERLIN = zone("Europe/Berlin")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("27.11.2026 14:05", datetime(2026, 11, 27, 13, 5, tzinfo=UTC)),  # CET = UTC+1
        ("27.11.26", datetime(2026, 11, 26, 23, 0, tzinfo=UTC)),
        ("01.07.2026 14:05:30", datetime(2026, 7, 1, 12, 5, 30, tzinfo=UTC)),  # CEST = UTC+2
        ("27.11.2026, 14:05 Uhr", datetime(2026, 11, 27, 13, 5, tzinfo=UTC)),
        ("2026-11-27T14:05:00+01:00", datetime(2026, 11, 27, 13, 5, tzinfo=UTC)),
        ("2026-11-27T14:05:00Z", datetime(2026, 11, 27, 14, 5, tzinfo=UTC)),
        ("2026-11-27 14:05", datetime(2026, 11, 27, 13, 5, tzinfo=UTC)),
    ],
)
def test_dates_become_aware_utc_with_naive_times_read_in_the_connection_zone(text, expected):
    value = parse_datetime(text, BERLIN)
    assert value == expected and value.tzinfo is UTC


def test_naive_times_follow_the_configured_zone():
    assert parse_datetime("27.11.2026 14:05", zone("America/New_York")) == datetime(2026, 11, 27, 19, 5, tzinfo=UTC)
    assert parse_datetime("11/27/2026 02:05 PM", BERLIN, date_format="%m/%d/%Y %I:%M %p") == datetime(
        2026, 11, 27, 13, 5, tzinfo=UTC
    )


@pytest.mark.parametrize("text, match", [("31.02.2026", "not a valid date"), ("gestern", "not a date"), ("", "empty")])
def test_bad_dates_say_what_is_wrong(text, match):
    with pytest.raises(ValueError, match=match):
        parse_datetime(text, BERLIN)


def test_unknown_zone_is_named():
    with pytest.raises(ValueError, match="Mars/Olympus"):
        zone("Mars/Olympus")


@pytest.mark.parametrize(
    "text, code",
    [
        ("DE", "DE"),
        ("deu", "DE"),
        ("Deutschland", "DE"),
        ("Österreich", "AT"),
        ("Germany", "DE"),
        ("ch", "CH"),
        ("", None),
    ],
)
def test_countries_by_code_or_name(text, code):
    assert parse_country(text) == code


def test_unknown_country_is_an_error():
    with pytest.raises(ValueError, match="Atlantis"):
        parse_country("Atlantis")

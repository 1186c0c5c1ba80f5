"""A timestamp whose UTC value falls outside year 1..9999 is a clear error, not an OverflowError (a 5xx)."""

from __future__ import annotations

import pytest

from ordersync.domain.timeutil import parse_utc


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_a_timestamp_beyond_the_calendar_in_utc_is_a_value_error_naming_the_field(text):
    with pytest.raises(ValueError, match=r"createdAtMax: .* is out of range"):
        parse_utc(text, where="createdAtMax")


def test_the_edges_that_stay_inside_the_calendar_still_parse():
    assert parse_utc("0001-01-01T00:00:00-01:00").year == 1
    assert parse_utc("9999-12-31T00:00:00+01:00").year == 9999

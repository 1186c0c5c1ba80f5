"""The readers every connector shares (sdk.mapping): per-unit prices that never lose a cent, amounts, texts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ordersync.channels.sdk.errors import RecordError
from ordersync.channels.sdk.mapping import plain_text, read_amount, unit_price


@pytest.mark.parametrize(
    ("total", "quantity", "unit"),
    [
        ("10.00", "2", "5.00"),
        ("10.00", "3", "3.3333"),
        ("7.50", "0", "7.50"),
        ("0.03", "3", "0.01"),
    ],
)
def test_unit_price_is_whole_cents_only_when_they_add_up(total, quantity, unit):
    assert unit_price(Decimal(total), Decimal(quantity)) == Decimal(unit)


def test_read_amount_defaults_only_when_missing_and_names_the_field():
    assert read_amount("12.30", "total") == Decimal("12.30")
    assert read_amount("", "shipping", default=Decimal(0)) == 0
    with pytest.raises(RecordError, match="line 2: total") as err:
        read_amount("twelve", "line 2: total", default=Decimal(0))
    assert "not a number" in err.value.hint
    with pytest.raises(RecordError):
        read_amount(None, "total")


def test_plain_text_strips_and_empties_none():
    assert plain_text("  Berlin ") == "Berlin" and plain_text(None) == "" and plain_text(12) == "12"

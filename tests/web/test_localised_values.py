"""Issue 20: dates and numbers on the pages follow the reader's language, in the seller's time zone (UTC
when none is set, and the zone is always shown beside a time of day)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import update

from ordersync import accounts, formatting
from ordersync.store.models import OrderRow, StockLevel
from ordersync.web.app import create_app

from .conftest import Browser
from .seed import seed_account

LATE_EVENING = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)  # 5 December in Berlin


def _seeded_browser(hub, language: str):
    a = seed_account(hub, "L", orders=1)
    with hub.db.session() as s:
        s.execute(
            update(OrderRow)
            .where(OrderRow.id == a.order_ids[0])
            .values(total=Decimal("1234.56"), created_at=LATE_EVENING)
        )
        s.execute(update(StockLevel).where(StockLevel.article_id == a.article_id).values(on_hand=Decimal("1234.5")))
    accounts.set_locale(hub, a.user.id, language)
    b = Browser(create_app(hub))
    b.login(a.user.email)
    return a, b


@pytest.mark.parametrize(
    ("language", "when", "total", "stock"),
    [
        ("de", "05.12.2026, 00:30 MEZ", "1.234,56\xa0€", "1.234,5"),
        ("en", "05/12/2026, 00:30 CET", "€1,234.56", "1,234.5"),
    ],
)
def test_pages_write_dates_money_and_stock_in_the_readers_language(hub, monkeypatch, language, when, total, stock):
    monkeypatch.setenv("ORDERSYNC_TIMEZONE", "Europe/Berlin")
    a, b = _seeded_browser(hub, language)
    inbox = b.get("/orders").text
    assert when in inbox and total in inbox
    detail = b.get(f"/orders/{a.order_ids[0]}").text
    assert when in detail and detail.count(total) == 2  # the header and the totals table
    assert stock in b.get("/articles").text and stock in b.get(f"/articles/{a.article_id}").text


def test_without_a_time_zone_setting_pages_show_utc_and_say_so(hub, monkeypatch):
    monkeypatch.delenv("ORDERSYNC_TIMEZONE", raising=False)
    a, b = _seeded_browser(hub, "de")
    assert "04.12.2026, 23:30 UTC" in b.get(f"/orders/{a.order_ids[0]}").text


def test_the_formatter_refuses_what_it_cannot_write_truthfully(monkeypatch):
    with pytest.raises(formatting.FormattingError, match="no time zone"):
        formatting.datetime_(datetime(2026, 12, 5, 12, 0), "de")  # naive: which clock?
    with pytest.raises(formatting.FormattingError, match="not a decimal amount"):
        formatting.money(12.5, "EUR", "de")  # a float
    with pytest.raises(formatting.FormattingError, match="no currency"):
        formatting.money(Decimal("1"), "", "en")
    with pytest.raises(formatting.FormattingError, match="language 'fr'"):
        formatting.number(1, "fr")
    monkeypatch.setenv("ORDERSYNC_TIMEZONE", "Mars/Olympus")
    with pytest.raises(formatting.FormattingError, match="ORDERSYNC_TIMEZONE='Mars/Olympus'"):
        formatting.zone()
    assert formatting.money(Decimal("0.1234"), "EUR", "de") == "0,1234\xa0€"  # never rounded away

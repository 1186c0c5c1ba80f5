"""An erasure holds for what the channel sends after it: a record of the erased buyer that fails mapping is
quarantined as the erasure marker, not raw (and stays so when it fails again), and once it maps it is
imported stripped; an order written stripped gets one history line saying so, not one per re-import."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from ordersync.application.erasure import erase_buyer
from ordersync.channels.sdk.records import Quarantined
from ordersync.domain import Buyer, Order
from ordersync.domain.codec import from_data
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OrderEvent, OrderRow, QuarantineEntry
from ordersync.sync.importer import import_orders
from ordersync.sync.quarantine import quarantine

from .memshop import MemShop, make_order

GONE, KEPT = "anna_m001", "bernd_k002"
MAIL = {GONE: "anna.m@example.com", KEPT: "bernd.k@example.com"}
REASON = "test request"
STRIPPED = "personal_data_stripped_on_import"


def buyer(who: str) -> Buyer:
    return Buyer(external_id=who, email=MAIL[who], first_name=who[:4].title(), last_name="Doe")


@pytest.fixture
def shop(hub, memshop):
    """Order 1 is the erased buyer's, order 2 the other's, both imported; then the first buyer is erased."""
    for n, who in ((1, GONE), (2, KEPT)):
        order = make_order(n)
        order.buyer = buyer(who)
        MemShop.orders[order.external_id] = order
    import_orders(hub, memshop)
    erase_buyer(hub, memshop, GONE, REASON)
    return memshop


def entries(hub) -> dict[str, QuarantineEntry]:
    with hub.db.session() as s:
        rows = {q.external_id: q for q in s.scalars(select(QuarantineEntry))}
        s.expunge_all()
    return rows


def lines(hub, kind: str) -> dict[str, int]:
    """External id → how many history lines of ``kind`` the order has."""
    with hub.db.session() as s:
        found: dict[str, int] = {}
        for ext in s.scalars(
            select(OrderRow.external_id)
            .join(OrderEvent, OrderEvent.order_id == OrderRow.id)
            .where(OrderEvent.history_kind == kind)
        ):
            found[ext] = found.get(ext, 0) + 1
    return found


def stored(hub, ext: str) -> Order:
    with hub.db.session() as s:
        return from_data(Order, json.loads(s.scalar(select(OrderRow.data).where(OrderRow.external_id == ext))))


def test_a_record_of_the_erased_buyer_quarantined_later_is_kept_as_the_marker(hub, shop):
    MemShop.broken = {
        "1": {"orderId": "1", "buyer": {"username": GONE, "email": MAIL[GONE]}},  # the erased order, broken now
        "7": {"orderId": "7", "buyer": {"username": GONE.upper(), "email": "anna.neu@example.com"}},  # a new one
        "8": {"orderId": "8", "buyer": {"username": KEPT, "email": MAIL[KEPT]}},
    }
    for _ in range(2):  # quarantined again on the next read: still the marker
        import_orders(hub, shop)
        rows = entries(hub)
        for ext in ("1", "7"):
            marker = json.loads(rows[ext].raw)
            assert marker["erased"] == f"personal data erased at the buyer's request ({REASON})", rows[ext].raw
            assert GONE not in rows[ext].raw and "anna" not in rows[ext].raw
            assert rows[ext].reason == "line item has no price"
        assert json.loads(rows["8"].raw) == MemShop.broken["8"]
    assert rows["7"].seen_count == 2


def test_reason_and_hint_lose_the_erased_id_and_the_records_addresses(hub, shop):
    record = {"orderId": "9", "buyer": {"username": GONE, "email": "anna.neu@example.com"}}
    other = {"orderId": "10", "buyer": {"username": KEPT, "email": MAIL[KEPT]}}
    with hub.db.session() as s:
        quarantine(
            s,
            shop,
            "orders",
            [
                Quarantined("9", json.dumps(record), f"no price for {GONE}", "ask anna.neu@example.com"),
                Quarantined("10", json.dumps(other), f"no price for {KEPT}", f"ask {MAIL[KEPT]}"),
            ],
        )
    rows = entries(hub)
    assert (rows["9"].reason, rows["9"].hint) == ("no price for [erased]", "ask [erased]")
    assert "erased" in json.loads(rows["9"].raw)
    assert (rows["10"].reason, rows["10"].hint) == (f"no price for {KEPT}", f"ask {MAIL[KEPT]}")
    assert json.loads(rows["10"].raw) == other


def test_an_entry_erased_before_stays_erased_when_its_record_comes_again(hub, memshop):
    with hub.db.session() as s:  # quarantined before the erasure, naming the buyer
        quarantine(s, memshop, "orders", [Quarantined("5", json.dumps({"buyer": GONE}), "bad")])
    assert erase_buyer(hub, memshop, GONE, REASON).quarantined == 1
    erased_raw = entries(hub)["5"].raw
    with hub.db.session() as s:  # the same order again, this time naming the buyer only by a new address
        quarantine(
            s,
            memshop,
            "orders",
            [Quarantined("5", json.dumps({"mail": "anna.x@example.com"}), "bad for anna.x@example.com")],
        )
    row = entries(hub)["5"]
    assert row.raw == erased_raw and row.reason == "bad for [erased]" and row.seen_count == 2


def test_a_quarantined_record_that_maps_later_is_imported_stripped(hub, shop):
    MemShop.broken = {"7": {"orderId": "7", "buyer": {"username": GONE}}}
    import_orders(hub, shop)
    MemShop.broken = {}  # the channel mends the record: it maps now, still naming the erased buyer
    order = make_order(7, modified=utcnow() - timedelta(seconds=30))
    order.buyer = buyer(GONE)
    MemShop.orders["7"] = order
    assert import_orders(hub, shop).created == 1
    assert stored(hub, "7").buyer == Buyer() and stored(hub, "7").invoice_address.city == ""
    assert entries(hub)["7"].resolved_at is not None
    assert lines(hub, STRIPPED) == {"7": 1}


def test_an_order_written_stripped_gets_one_history_line_not_one_per_reimport(hub, shop):
    for n in range(3):  # the channel changes both orders three times, never anonymising the erased buyer's
        for ext in ("1", "2"):
            MemShop.orders[ext].updated_at = utcnow() - timedelta(seconds=30 - n)
            MemShop.orders[ext].buyer_note = f"note {n}"
        assert import_orders(hub, shop).updated == 2
    assert lines(hub, STRIPPED) == {"1": 1} and lines(hub, "personal_data_erased") == {"1": 1}
    assert stored(hub, "1").buyer_note == "" and stored(hub, "2").buyer_note == "note 2"
    with hub.db.session() as s:
        line = s.scalar(select(OrderEvent).where(OrderEvent.history_kind == STRIPPED))
        assert line.params == {"reason": REASON} and line.kind == "erasure"
        assert line.text == f"the channel sent the erased buyer's personal data again: not stored ({REASON})"


def test_a_buyer_known_only_from_quarantined_records_is_erased_there(hub, memshop):
    """No order of the buyer was ever imported: the erasure finds their records by id, and their reason and
    hint lose the addresses those records held."""
    record = {"orderId": "11", "buyer": {"username": "carla_x77", "email": "carla@example.org"}}
    with hub.db.session() as s:
        quarantine(
            s, memshop, "orders", [Quarantined("11", json.dumps(record), "no price", "write to carla@example.org")]
        )
    assert erase_buyer(hub, memshop, "carla_x77", REASON).quarantined == 1
    row = entries(hub)["11"]
    assert "erased" in json.loads(row.raw) and row.hint == "write to [erased]"


def test_an_article_that_shares_an_erased_orders_number_is_left_alone(hub, shop):
    listing = {"id": "1", "title": "Tasse", "price": "zwölf"}
    with hub.db.session() as s:
        quarantine(s, shop, "articles", [Quarantined("1", json.dumps(listing), "price is a word")])
        quarantine(s, shop, "orders", [Quarantined("1", json.dumps({"orderId": "1"}), "price is a word")])
    assert erase_buyer(hub, shop, GONE, REASON).quarantined == 0  # nothing new of the buyer since
    with hub.db.session() as s:
        rows = {q.stream: q.raw for q in s.scalars(select(QuarantineEntry).where(QuarantineEntry.external_id == "1"))}
    assert json.loads(rows["articles"]) == listing and "erased" in json.loads(rows["orders"])

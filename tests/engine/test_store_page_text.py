"""store_page serialises each order once and finds text no database takes in that form (a NUL is written
as an escape, a lone surrogate as itself), so an unmapped record with either is still stored cleaned."""

from __future__ import annotations

import json

from sqlalchemy import select

from ordersync.channels.sdk.cleantext import json_may_have_bad_text
from ordersync.channels.sdk.records import Page
from ordersync.domain.codec import digest, dumps
from ordersync.store.models import OrderItemRow, OrderRow
from ordersync.sync.importer import store_page

from .memshop import make_order


def test_the_stored_form_is_scanned_for_bad_text():
    assert not json_may_have_bad_text(dumps(make_order(1)))
    for bad in ("Ev\x00a", "Eva \ud800"):
        order = make_order(2)
        order.invoice_address.first_name = bad
        assert json_may_have_bad_text(dumps(order)), bad
    order = make_order(3)
    order.items[0].attributes = {"Gr\x00öße": "XL"}  # a key
    assert json_may_have_bad_text(dumps(order))


def test_an_unmapped_order_with_bad_text_is_stored_cleaned_and_hashed_as_stored(hub, memshop):
    order = make_order(1)
    order.invoice_address.first_name = "Ev\x00a"
    order.items[0].title = "Tasse \ud800"
    order.items[0].attributes = {"Gr\x00öße": "X\x00L"}
    counts = store_page(hub, hub.account_id(), memshop, Page([order]), source="webhook")
    assert counts.created == 1
    with hub.db.session() as s:
        row = s.scalars(select(OrderRow)).one()
        title = s.scalar(select(OrderItemRow.title))
    data = json.loads(row.data)
    assert data["invoice_address"]["first_name"] == "Eva" and title == "Tasse \ufffd"
    assert data["items"][0]["attributes"] == {"Größe": "XL"}
    assert row.content_hash == digest(row.data) == digest(dumps(order))


def test_a_literal_backslash_u0000_is_kept(hub, memshop):
    """The scan's false alarm (a value that spells the escape) only costs a walk; the text is unchanged."""
    order = make_order(1)
    order.buyer_note = "C:\\u0000 is a path"
    store_page(hub, hub.account_id(), memshop, Page([order]), source="webhook")
    with hub.db.session() as s:
        assert json.loads(s.scalar(select(OrderRow.data)))["buyer_note"] == "C:\\u0000 is a path"

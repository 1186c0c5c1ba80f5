"""An order's history on a German page is German: every line the engine writes is a kind of the catalogue
(domain.history) with its parameters, said again in the reader's language; English stays in `text`."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from sqlalchemy import select

from ordersync import accounts, forwarding
from ordersync.channels.sdk.records import Page
from ordersync.domain import OrderState
from ordersync.domain.history import KINDS, english
from ordersync.readmodel import tags
from ordersync.store.history import add_history
from ordersync.store.models import OrderEvent
from ordersync.sync import actions
from ordersync.sync.hub import HubError
from ordersync.sync.importer import store_page
from ordersync.web.app import create_app
from ordersync.web.ui.history import message_ids, readable
from ordersync.web.ui.i18n import Translator

from .conftest import Browser
from .seed import seed_account

DE, EN = Translator("de"), Translator("en")


def _channel_moves(hub, a) -> None:
    """The shop changes the first order: once without, once with a new status."""
    from datetime import timedelta
    from decimal import Decimal

    from ordersync.domain import Buyer, Order, OrderItem
    from ordersync.domain.timeutil import utcnow

    now = utcnow() + timedelta(minutes=1)
    base = Order(
        external_id=f"{a.tag}0",
        number=a.order_numbers[0],
        state=OrderState.PAID,
        currency="EUR",
        created_at=now - timedelta(hours=1),
        updated_at=now,
        total=Decimal("19.90"),
        items=[
            OrderItem(
                f"{a.tag}0-1",
                f"Item of {a.tag}",
                Decimal(1),
                Decimal("19.90"),
                Decimal("19.90"),
                sku=a.sku,
                product_external_id=f"P{a.tag}",
            )
        ],
        buyer=Buyer(email=f"buyer0@{a.tag.lower()}.example", first_name="Buyer", last_name="Neu"),
        channel_status="processing",
    )
    store_page(hub, a.account_id, a.connection_id, Page([base]), source="poll")
    moved = replace(base, state=OrderState.SHIPPED, channel_status="completed", updated_at=now + timedelta(minutes=1))
    store_page(hub, a.account_id, a.connection_id, Page([moved]), source="poll")


def _engine_rows(hub) -> list[OrderEvent]:
    """Make the engine write what a busy order's history holds, through its own functions."""
    a = seed_account(hub, "H", orders=2)
    first = a.order_ids[0]
    _channel_moves(hub, a)
    actions.set_state(hub, first, OrderState.CANCELLED, account=a.user.account_name)
    actions.ship(hub, first, carrier="DHL", tracking_number="00340434161094042557", account=a.user.account_name)
    try:
        actions.send_message(hub, first, subject="Ihre Bestellung", text="Danke!", account=a.user.account_name)
    except HubError:
        pass  # the seeded shop has neither messaging nor mail set up; the history then says nothing
    tags.set_tags(hub, a.account_id, first, ["eilig", "geschenk"])
    tags.remove_tag(hub, a.account_id, first, "eilig")
    forwarding.add_target(hub, "grosshandel", "email", "lager@grosshandel.example", account=a.user.account_name)
    forwarding.forward_order(hub, first, "grosshandel", account=a.user.account_name)
    with hub.db.session() as s:
        rows = list(s.scalars(select(OrderEvent).order_by(OrderEvent.id)))
        s.expunge_all()
        return rows


def test_every_line_the_engine_writes_is_a_kind_with_its_english(hub):
    rows = _engine_rows(hub)
    written = {e.history_kind for e in rows}
    assert {
        "imported_in_state",
        "updated_from_channel",
        "state_from_channel",
        "state_changed",
        "shipment",
        "tags",
        "forward_queued_by_hand",
    } <= written, written
    for e in rows:
        assert e.history_kind in KINDS and e.history_kind != "text", e.text
        assert e.kind == KINDS[e.history_kind].event
        assert e.text == english(e.history_kind, e.params)
        assert readable(DE, e) != e.text, f"not said in German: {e.text}"
        assert readable(EN, e) == e.text


def _sample(kind) -> dict:
    values = {
        "old": int(OrderState.PAID),
        "new": int(OrderState.SHIPPED),
        "state": int(OrderState.CANCELLED),
        "mail": "tracking",
        "n": 3,
        "lines": [{"quantity": "1.5", "item": "<item>"}],
    }
    return {name: values.get(name, f"<{name}>") for name in kind.params}


@dataclass
class _Entry:
    history_kind: str
    params: dict
    text: str


@pytest.mark.parametrize("name", sorted(k for k in KINDS if k != "text"))
def test_each_kind_renders_in_german_and_english(name):
    params = _sample(KINDS[name])
    entry = _Entry(name, params, english(name, params))
    german, plain = readable(DE, entry), readable(EN, entry)
    assert plain == entry.text and "{" not in german and german != plain
    for value in params.values():
        if isinstance(value, str) and value.startswith("<"):
            assert value in german  # every parameter is said
    for param in ("old", "new", "state"):
        if param in params:
            assert OrderState(params[param]).label("de") in german
            assert OrderState(params[param]).name_en in plain
    if "mail" in params:
        assert "Versand" in german and "tracking" in plain
    if "lines" in params:  # quantities in the reader's numbers
        assert "1,5 × <item>" in german and "1.5 × <item>" in plain


def test_a_channel_update_names_the_states_in_the_readers_language():
    entry = _Entry(
        "state_from_channel", {"old": 3, "new": 4, "status": "completed"}, "state 3 → 4 (completed) from channel"
    )
    assert readable(DE, entry) == (
        f"Status {OrderState(3).label('de')} → {OrderState(4).label('de')} (completed) vom Kanal"
    )
    assert readable(EN, entry) == f"state {OrderState(3).name_en} → {OrderState(4).name_en} (completed) from channel"


def test_a_count_takes_the_readers_plural_form():
    once = _Entry("forward_failed", {"target": "lager", "n": 1, "error": "timeout"}, "")
    thrice = _Entry("forward_failed", {"target": "lager", "n": 3, "error": "timeout"}, "")
    assert readable(DE, once) == "Weiterleitung an lager nach 1 Versuch gescheitert: timeout"
    assert readable(DE, thrice) == "Weiterleitung an lager nach 3 Versuchen gescheitert: timeout"
    assert english("forward_failed", once.params).endswith("after 1 attempt: timeout")
    assert english("forward_failed", thrice.params).endswith("after 3 attempts: timeout")


@pytest.mark.parametrize(
    "entry",
    [
        _Entry("text", {"text": "a note as written"}, "a note as written"),
        _Entry("parcel_lost", {"carrier": "DHL"}, "a newer connector's line"),  # a kind this code does not know
        _Entry("shipment", {"carrier": "DHL"}, "shipment DHL ?"),  # parameters missing: the text, not a KeyError
    ],
)
def test_what_the_catalogue_cannot_say_is_shown_as_written(entry):
    assert readable(DE, entry) == entry.text


def test_writing_refuses_what_the_catalogue_does_not_hold(hub):
    with hub.db.session() as s, pytest.raises(ValueError, match="unknown order history kind 'shiped'"):
        add_history(s, 1, "shiped", carrier="DHL", tracking="1")
    with hub.db.session() as s, pytest.raises(ValueError, match="'shipment' needs tracking"):
        add_history(s, 1, "shipment", carrier="DHL")
    with hub.db.session() as s, pytest.raises(ValueError, match="99"):
        add_history(s, 1, "state_changed", old=99, new=4)


def test_every_template_is_a_message_id_with_german():
    from ordersync.web.ui.i18n import german, translations

    for msgid in message_ids():
        if isinstance(msgid, tuple):  # both plural forms
            forms = translations("de").ngettext(*msgid, 1), translations("de").ngettext(*msgid, 2)
            assert forms[0] != msgid[0] and forms[1] != msgid[1], f"no German for {msgid}"
        else:
            assert german(msgid), f"no German for the history template {msgid!r}"


def test_the_order_page_shows_the_history_in_german(hub):
    a = seed_account(hub, "G", orders=1)
    accounts.set_locale(hub, a.user.id, "de")
    (order_id,) = a.order_ids
    actions.ship(hub, order_id, carrier="DHL", tracking_number="JJD000390007", account=a.user.account_name)
    browser = Browser(create_app(hub))
    browser.login(a.user.email)
    page = browser.get(f"/orders/{order_id}").text
    assert "Sendung DHL JJD000390007" in page and "importiert (" in page
    assert f"Status {OrderState.PAID.label('de')} → {OrderState.SHIPPED.label('de')}" in page
    assert "shipment DHL" not in page and "state Paid" not in page

"""An order's history on a German page is German: every line the engine writes is read back and said again."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from ordersync import accounts, forwarding
from ordersync.channels.sdk.records import Page
from ordersync.domain import OrderState
from ordersync.readmodel import tags
from ordersync.store.models import OrderEvent
from ordersync.sync import actions
from ordersync.sync.hub import HubError
from ordersync.sync.importer import store_page
from ordersync.web.app import create_app
from ordersync.web.ui.history import readable
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
    base = Order(external_id=f"{a.tag}0", number=a.order_numbers[0], state=OrderState.PAID, currency="EUR",
                 created_at=now - timedelta(hours=1), updated_at=now, total=Decimal("19.90"),
                 items=[OrderItem(f"{a.tag}0-1", f"Item of {a.tag}", Decimal(1), Decimal("19.90"), Decimal("19.90"),
                                  sku=a.sku, product_external_id=f"P{a.tag}")],
                 buyer=Buyer(email=f"buyer0@{a.tag.lower()}.example", first_name="Buyer", last_name="Neu"),
                 channel_status="processing")
    store_page(hub, a.account_id, a.connection_id, Page([base]), source="poll")
    moved = replace(base, state=OrderState.SHIPPED, channel_status="completed", updated_at=now + timedelta(minutes=1))
    store_page(hub, a.account_id, a.connection_id, Page([moved]), source="poll")


def _engine_lines(hub) -> list[str]:
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
        return list(s.scalars(select(OrderEvent.text).order_by(OrderEvent.id)))


def test_every_line_the_engine_writes_is_known_to_the_web_app(hub):
    lines = _engine_lines(hub)
    kinds = {line.split(" ")[0] for line in lines}
    assert {"imported", "updated", "state", "shipment", "tags", "forward"} <= kinds, lines
    unknown = [line for line in lines if readable(DE, line) == line]
    assert unknown == [], f"history lines the web app cannot translate: {unknown}"


def test_a_channel_update_names_the_states_in_the_readers_language():
    line = "state 3 → 4 (completed) from channel"
    assert readable(DE, line) == (f"Status {OrderState(3).label('de')} → {OrderState(4).label('de')} "
                                  "(completed) vom Kanal")
    assert readable(EN, line) == f"state {OrderState(3).name_en} → {OrderState(4).name_en} (completed) from channel"


@pytest.mark.parametrize("line, german", [
    ("state Paid → Shipped", f"Status {OrderState.PAID.label('de')} → {OrderState.SHIPPED.label('de')}"),
    ("message by e-mail:", "Nachricht per E-Mail:"),
    ("tracking mail to eva@example.com: Ihre Bestellung 1001 ist unterwegs",
     "E-Mail (Versandbestätigung) an eva@example.com: Ihre Bestellung 1001 ist unterwegs"),
    ("forward to fulfiller queued (rule:3)", "Weiterleitung an fulfiller vorgemerkt (durch Regel 3)"),
    ("oversold: not enough stock for TEE-1, TEE-2", "überverkauft: nicht genug Bestand für TEE-1, TEE-2"),
    ("something a new connector writes", "something a new connector writes"),  # shown as written
])
def test_lines_read_back(line, german):
    assert readable(DE, line) == german


def test_the_order_page_shows_the_history_in_german(hub):
    a = seed_account(hub, "G", orders=1)
    accounts.set_locale(hub, a.user.id, "de")
    (order_id,) = a.order_ids
    actions.ship(hub, order_id, carrier="DHL", tracking_number="JJD000390007", account=a.user.account_name)
    browser = Browser(create_app(hub))
    browser.login(a.user.email)
    page = browser.get(f"/orders/{order_id}").text
    assert "Sendung DHL JJD000390007" in page and "importiert (" in page
    assert "shipment DHL" not in page

"""Buyer messages through the Messaging API against the sandbox: only the types Amazon lists for the order,
texts checked before they are sent, and a send whose answer is lost left for the seller, never repeated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from ordersync.channels.amazon import messages
from ordersync.channels.amazon.connector import AmazonConnector
from ordersync.channels.amazon.sandbox import create_sandbox
from ordersync.channels.sdk.errors import PermanentError
from ordersync.channels.sdk.records import OrderRef
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OrderRow, OutboxEntry
from ordersync.sync import actions, dispatcher
from ordersync.sync.connections import add_connection
from ordersync.sync.importer import import_orders

#: getMessagingActionsForOrder's documented sandbox answer (messaging.json, x-amzn-api-sandbox), shortened
DOCUMENTED_ACTIONS = {
    "_links": {
        "actions": [
            {
                "href": "/messaging/v1/orders/123-1234567-1234567/messages/confirmDeliveryDetails?marketplaceIds=ATVPDKIKX0DER",
                "name": "confirmDeliveryDetails",
            },
            {"href": "/messaging/v1/orders/123-1234567-1234567/messages/legalDisclosure?marketplaceIds=ATVPDKIKX0DER"},
        ],
        "self": {"href": "/messaging/v1/orders/123-1234567-1234567?marketplaceIds=ATVPDKIKX0DER"},
    }
}


def test_the_documented_actions_are_read_by_name_or_by_address():
    assert messages.allowed_types(DOCUMENTED_ACTIONS) == ["confirmDeliveryDetails", "legalDisclosure"]


@pytest.mark.parametrize(
    "subject, text, reason",
    [
        ("", "Ihr Paket kommt morgen.", None),
        ("warranty", "x", "only uploaded attachments"),
        ("unexpectedProblem", "Leider verspätet", "does not allow a unexpectedProblem message"),
        ("", "Fragen an info@example.com", "HTML and e-mail addresses"),
        ("", "<b>Hallo</b>", "HTML and e-mail addresses"),
        ("Lieferdetails", "x" * 2001, "at most 2000"),
        ("", "   ", "has no text"),
    ],
)
def test_a_message_is_checked_against_what_amazon_allows(subject, text, reason):
    kind = messages.message_type(subject, "confirmDeliveryDetails")
    if reason is None:
        assert messages.check(kind, text, ["confirmDeliveryDetails"]) == {"text": text}
    else:
        with pytest.raises(messages.MessageRefused, match=reason):
            messages.check(kind, text, ["confirmDeliveryDetails", "legalDisclosure"])


@pytest.fixture
def served():
    sandbox = create_sandbox(seed=4, orders=0)
    with serve_in_thread(sandbox.app) as server:
        yield sandbox, sandbox.settings_for(server.base_url)
    sandbox.close()


def test_only_a_type_amazon_lists_for_the_order_is_sent(served):
    sandbox, settings = served
    oid = sandbox.control_orders({"action": "create", "count": 1})["ids"][0]
    connector = AmazonConnector(settings)
    result = connector.send_message(OrderRef(oid), "", "Ihr Paket ist unterwegs.")
    assert result.ok and result.remote_id == f"{oid}:confirmDeliveryDetails"
    sandbox.control_orders({"action": "messaging", "id": oid, "allowed": ["legalDisclosure"]})
    with pytest.raises(PermanentError, match="allowed: none with text"):
        connector.send_message(OrderRef(oid), "unexpectedProblem", "Leider verspätet")
    connector.close()
    sent = sandbox.ledger.entries("message.send")
    assert [(e["resource_id"], e["changes"]["type"]) for e in sent] == [(oid, "confirmDeliveryDetails")]


def test_a_message_whose_answer_is_lost_is_not_sent_again(hub, served):
    sandbox, settings = served
    oid = sandbox.control_orders({"action": "create", "count": 1})["ids"][0]
    conn = add_connection(hub, "amazon", "amazon", {**settings, "timeout": 2})
    assert import_orders(hub, conn).created == 1
    with hub.db.session() as s:
        order_id = s.scalar(select(OrderRow.id))
    actions.send_message(hub, order_id, subject="", text="Ihr Paket ist unterwegs.")
    lost = sandbox.faults.add(
        kind="delay", seconds=3, phase="after", count=1, method="POST", path="/messaging/v1/orders/*/messages/*"
    )
    dispatcher.dispatch(hub)
    assert lost.hits == 1
    for hours in (1, 2):
        dispatcher.dispatch(hub, now=utcnow() + timedelta(hours=hours))
    with hub.db.session() as s:
        entry = s.scalar(select(OutboxEntry).where(OutboxEntry.kind == "message"))
    assert entry.status == "dead" and "it may have arrived" in entry.last_error
    sent = sandbox.ledger.entries("message.send")
    assert [e["resource_id"] for e in sent] == [oid]  # Amazon got it once; the hub did not repeat it

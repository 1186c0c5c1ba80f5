"""Migration 0016 turns the English history lines written before it into kinds with parameters: every
sentence the engine used to write, on SQLite and PostgreSQL; a line it does not know stays as kind text."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select, text
from web.seed import seed_account

from ordersync.domain import OrderState
from ordersync.domain.history import KINDS, english
from ordersync.store.db import alembic_config, upgrade
from ordersync.store.models import OrderEvent

PAID, SHIPPED, CANCELLED = int(OrderState.PAID), int(OrderState.SHIPPED), int(OrderState.CANCELLED)

# (kind column, line as the engine wrote it before 0016) → (history kind, parameters)
OLD_LINES = [
    ("imported", "imported (processing)", "imported", {"status": "processing"}),
    ("imported", "imported (Paid)", "imported_in_state", {"state": PAID}),
    ("updated", "updated from channel", "updated_from_channel", {}),
    (
        "updated",
        "state 3 → 4 (completed) from channel",
        "state_from_channel",
        {"old": 3, "new": 4, "status": "completed"},
    ),
    ("state", "state Paid → Cancelled", "state_changed", {"old": PAID, "new": CANCELLED}),
    (
        "shipment",
        "shipment DHL 00340434161094042557",
        "shipment",
        {"carrier": "DHL", "tracking": "00340434161094042557"},
    ),
    (
        "shipment",
        "shipment DHL JJD1 (2 × TEE-1, 1 × CAP)",
        "shipment_lines",
        {
            "carrier": "DHL",
            "tracking": "JJD1",
            "lines": [{"quantity": "2", "item": "TEE-1"}, {"quantity": "1", "item": "CAP"}],
        },
    ),
    (
        "line_cancelled",
        "lines cancelled: 1 × TEE-1 (out of stock)",
        "lines_cancelled_reason",
        {"lines": [{"quantity": "1", "item": "TEE-1"}], "reason": "out of stock"},
    ),
    (
        "line_cancelled",
        "lines cancelled: 1.5 × TEE-1",
        "lines_cancelled",
        {"lines": [{"quantity": "1.5", "item": "TEE-1"}]},
    ),
    ("line_cancelled", "lines cancelled: everything", "text", {"text": "lines cancelled: everything"}),  # no quantities
    (
        "line_cancelled",
        "the channel shopware5 takes no line cancellations: cancel the lines there too",
        "channel_cancels_no_lines",
        {"system": "shopware5"},
    ),
    ("acknowledgement", "accepted (queued for the channel)", "ack_accepted", {}),
    ("acknowledgement", "rejected: sold out (queued for the channel)", "ack_rejected", {"reason": "sold out"}),
    ("message", "message by e-mail: Ihre Bestellung", "message_by_mail", {"subject": "Ihre Bestellung"}),
    ("message", "message by e-mail:", "message_by_mail", {"subject": ""}),
    ("message", "message: Rückfrage", "message", {"subject": "Rückfrage"}),
    (
        "mail_queued",
        "tracking mail queued: Ihre Bestellung ist unterwegs",
        "mail_queued",
        {"mail": "tracking", "subject": "Ihre Bestellung ist unterwegs"},
    ),
    ("mail_skipped", "no state mail: the buyer's e-mail address is unknown", "mail_no_address", {"mail": "state"}),
    (
        "mail_skipped",
        "no tracking mail: the order's connection was removed",
        "mail_no_connection",
        {"mail": "tracking"},
    ),
    (
        "mail",
        "tracking mail to eva@example.com: Unterwegs",
        "mail_sent",
        {"mail": "tracking", "to": "eva@example.com", "subject": "Unterwegs"},
    ),
    (
        "mail",
        "forward mail to lager@example.com (grosshandel), CSV and PDF attached",
        "forward_mail_sent",
        {"to": "lager@example.com", "target": "grosshandel"},
    ),
    ("tags", "tags +eilig -geschenk", "tags", {"tags": "+eilig -geschenk"}),
    ("forward", "forward to grosshandel queued (manual)", "forward_queued_by_hand", {"target": "grosshandel"}),
    (
        "forward",
        "forward to grosshandel queued (rule:3)",
        "forward_queued_by_rule",
        {"target": "grosshandel", "rule": 3},
    ),
    (
        "forward",
        "forwarded to grosshandel: mailed to lager@example.com",
        "forwarded",
        {"target": "grosshandel", "detail": "mailed to lager@example.com"},
    ),
    (
        "forward",
        "forward to grosshandel failed after 5 attempt(s): ConnectError: refused",
        "forward_failed",
        {"target": "grosshandel", "n": 5, "error": "ConnectError: refused"},
    ),
    ("oversold", "oversold: not enough stock for TEE-1, CAP", "oversold", {"skus": "TEE-1, CAP"}),
    ("note", "something a connector wrote", "text", {"text": "something a connector wrote"}),
    ("state", "state Gone → Away", "text", {"text": "state Gone → Away"}),  # no states: kept as written
]


# kinds that came after migration 0016: no line of theirs was ever written as plain text
NEWER_KINDS = {"personal_data_erased", "personal_data_stripped_on_import", "forwarded_by_mail", "forwarded_by_http"}


def test_every_old_line_becomes_its_kind(hub, database_url):
    assert {kind for _, _, kind, _ in OLD_LINES} == set(KINDS) - NEWER_KINDS, "a kind without an old line to convert"
    order_id = seed_account(hub, "M", orders=1).order_ids[0]
    hub.db.dispose()
    command.downgrade(alembic_config(database_url), "0015")
    engine = hub.db.engine
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM order_events"))
        for kind, line, _, _ in OLD_LINES:
            conn.execute(
                text(
                    "INSERT INTO order_events (order_id, at, kind, source, text) "
                    "VALUES (:o, CURRENT_TIMESTAMP, :k, 'system', :t)"
                ),
                {"o": order_id, "k": kind, "t": line},
            )
    engine.dispose()
    upgrade(database_url)
    with hub.db.session() as s:
        rows = list(s.scalars(select(OrderEvent).order_by(OrderEvent.id)))
        got = [(e.kind, e.text, e.history_kind, e.params) for e in rows]
    assert got == [(kind, line, hkind, params) for kind, line, hkind, params in OLD_LINES]
    for _, line, hkind, params in OLD_LINES:  # the parameters say what the line said
        if hkind not in (
            "text",
            "state_from_channel",
            "forward_queued_by_hand",
            "forward_queued_by_rule",
            "forward_failed",
        ):  # these few now read better in English than they used to
            assert english(hkind, params) == line


def _migration():
    import importlib.util

    from ordersync.store.db import MIGRATIONS

    path = next((MIGRATIONS / "versions").glob("0016_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0016", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "line, now",
    [
        ("state 3 → 4 (completed) from channel", "state Paid → Shipped (completed) from channel"),
        ("forward to grosshandel failed after 1 attempt(s): x", "forward to grosshandel failed after 1 attempt: x"),
        ("forward to grosshandel failed after 2 attempt(s): x", "forward to grosshandel failed after 2 attempts: x"),
        ("forward to grosshandel queued (manual)", "forward to grosshandel queued (by hand)"),
        ("forward to grosshandel queued (rule:3)", "forward to grosshandel queued (by rule 3)"),
    ],
)
def test_the_lines_that_now_read_differently(line, now):
    """The converted parameters render the newer wording; the stored line itself is left as it was."""
    assert english(*_migration().convert(line)) == now

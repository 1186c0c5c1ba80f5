"""an order's history as data: each line gets its kind of domain.history and its parameters

The lines written before were English sentences only. This is the one place that reads them back: every
sentence the engine used to write becomes its kind with the parameters taken out of it; a line matching none
of them (a connector's own note, a format older than these) becomes kind ``text`` with the line kept. The
``text`` column stays as written.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 05:40:00
"""
from __future__ import annotations

import re

from alembic import op
import sqlalchemy as sa

from ordersync.domain import OrderState


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

BATCH = 2000


def _state(value: str) -> int:
    return int(OrderState.parse(value))  # a number or an English name; ValueError when neither


def _imported(found: re.Match) -> tuple[str, dict]:
    try:  # the engine wrote the channel's status, or the hub state's English name when the channel had none
        state = OrderState.parse(found["status"])
        if state.name_en == found["status"]:
            return "imported_in_state", {"state": int(state)}
    except ValueError:
        pass
    return "imported", {"status": found["status"]}


def _states(kind: str):
    def convert(found: re.Match) -> tuple[str, dict]:
        params = found.groupdict()
        params["old"], params["new"] = _state(params["old"]), _state(params["new"])
        return kind, params
    return convert


_LINE = re.compile(r"(?P<quantity>\d+(?:\.\d+)?(?:E\+?\d+)?) × (?P<item>.+)")


def _lines(kind: str):
    """"2 × TEE-1, 1.5 × CAP" as [{"quantity": "2", "item": "TEE-1"}, ...]; ValueError when a part is not one."""
    def convert(found: re.Match) -> tuple[str, dict]:
        params = {k: (v or "") for k, v in found.groupdict().items()}
        lines = []
        for part in params["lines"].split(", "):
            line = _LINE.fullmatch(part)
            if line is None:
                raise ValueError(part)
            lines.append({"quantity": line["quantity"], "item": line["item"]})
        return kind, params | {"lines": lines}
    return convert


def _as(kind: str, *numbers: str):
    def convert(found: re.Match) -> tuple[str, dict]:
        params = {k: (v or "") for k, v in found.groupdict().items()}
        return kind, params | {k: int(params[k]) for k in numbers}
    return convert


_OLD_LINES = [
    (r"imported \((?P<status>.*)\)", _imported),
    (r"updated from channel", _as("updated_from_channel")),
    (r"state (?P<old>\d+) → (?P<new>\d+) \((?P<status>.*)\) from channel", _states("state_from_channel")),
    (r"state (?P<old>.+) → (?P<new>.+)", _states("state_changed")),
    (r"shipment (?P<carrier>\S+) (?P<tracking>\S+) \((?P<lines>[^()]+ × [^()]+)\)", _lines("shipment_lines")),
    (r"shipment (?P<carrier>\S+) (?P<tracking>.+)", _as("shipment")),
    (r"lines cancelled: (?P<lines>.+?) \((?P<reason>.*)\)", _lines("lines_cancelled_reason")),
    (r"lines cancelled: (?P<lines>.+)", _lines("lines_cancelled")),
    (r"the channel (?P<system>\S+) takes no line cancellations: cancel the lines there too",
     _as("channel_cancels_no_lines")),
    (r"accepted \(queued for the channel\)", _as("ack_accepted")),
    (r"rejected: (?P<reason>.*) \(queued for the channel\)", _as("ack_rejected")),
    (r"message by e-mail:(?: (?P<subject>.*))?", _as("message_by_mail")),
    (r"message:(?: (?P<subject>.*))?", _as("message")),
    (r"(?P<mail>\w+) mail queued: (?P<subject>.*)", _as("mail_queued")),
    (r"no (?P<mail>\w+) mail: the buyer's e-mail address is unknown", _as("mail_no_address")),
    (r"no (?P<mail>\w+) mail: the order's connection was removed", _as("mail_no_connection")),
    (r"forward mail to (?P<to>\S+) \((?P<target>.+)\), CSV and PDF attached", _as("forward_mail_sent")),
    (r"(?P<mail>\w+) mail to (?P<to>\S+): (?P<subject>.*)", _as("mail_sent")),
    (r"tags (?P<tags>.+)", _as("tags")),
    (r"forward to (?P<target>.+) queued \(manual\)", _as("forward_queued_by_hand")),
    (r"forward to (?P<target>.+) queued \(rule:(?P<rule>\d+)\)", _as("forward_queued_by_rule", "rule")),
    (r"forward to (?P<target>.+) failed after (?P<n>\d+) attempt\(s\): (?P<error>.*)",
     _as("forward_failed", "n")),
    (r"forwarded to (?P<target>.+?): (?P<detail>.*)", _as("forwarded")),
    (r"oversold: not enough stock for (?P<skus>.+)", _as("oversold")),
]
OLD_LINES = [(re.compile(pattern, re.DOTALL), convert) for pattern, convert in _OLD_LINES]


def convert(line: str) -> tuple[str, dict]:
    """(kind, params) of one line the engine wrote before this revision; ("text", {"text": line}) if none."""
    for pattern, to_kind in OLD_LINES:
        found = pattern.fullmatch(line)
        if found:
            try:
                return to_kind(found)
            except ValueError:  # "state X → Y" without states, lines without quantities: keep the line as it is
                continue
    return "text", {"text": line}


def upgrade() -> None:
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('history_kind', sa.String(length=40), nullable=False,
                                      server_default='text'))
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=False, server_default='{}'))
    events = sa.table('order_events', sa.column('id', sa.Integer), sa.column('text', sa.Text),
                      sa.column('history_kind', sa.String), sa.column('params', sa.JSON))
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(sa.select(events.c.id, events.c.text).where(events.c.id > last)
                            .order_by(events.c.id).limit(BATCH)).all()
        if not rows:
            break
        changes = []
        for row in rows:
            kind, params = convert(row.text or "")
            changes.append({"row_id": row.id, "new_kind": kind, "new_params": params})
        conn.execute(events.update().where(events.c.id == sa.bindparam("row_id"))
                     .values(history_kind=sa.bindparam("new_kind"), params=sa.bindparam("new_params")), changes)
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.drop_column('params')
        batch_op.drop_column('history_kind')

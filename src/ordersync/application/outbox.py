"""The outbox of an account as an operator sees it: dead letters listed, retried or discarded.

Every id a caller names is checked against the account's connections first: an id of another account is an
error and is never acted on."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from ..hub import Hub
from ..store.models import Connection, OutboxAttempt, OutboxEntry
from ..sync.importer import connection_id_by_name


def account_connections(hub: Hub, account: str | None, connection: str | None) -> list[int]:
    """The connections an outbox command may touch: the named one, or every one of the account."""
    if connection:
        return [connection_id_by_name(hub, connection, account)]
    with hub.db.session() as s:
        account_id = hub.account_id(account, s)
        return list(s.scalars(select(Connection.id).where(Connection.account_id == account_id)))


def scoped_entries(hub: Hub, ids: list[int] | None, conn_ids: list[int]) -> list[int]:
    """Entry ids limited to the given connections; an id outside them is a ValueError naming it."""
    if not ids:
        return []
    with hub.db.session() as s:
        found = set(
            s.scalars(select(OutboxEntry.id).where(OutboxEntry.id.in_(ids), OutboxEntry.connection_id.in_(conn_ids)))
        )
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise ValueError(f"no outbox entry with id {', '.join(map(str, unknown))} in this account")
    return list(ids)


def entries(
    hub: Hub, account: str | None, *, status: str, connection: str | None = None, limit: int = 200
) -> list[OutboxEntry]:
    conn_ids = account_connections(hub, account, connection)
    with hub.db.session() as s:
        return list(
            s.scalars(
                select(OutboxEntry)
                .where(OutboxEntry.status == status, OutboxEntry.connection_id.in_(conn_ids))
                .order_by(OutboxEntry.id)
                .limit(limit)
            )
        )


def act_on_dead(
    hub: Hub,
    action: Callable[[Hub, list[int] | None, int | None], int],
    ids: list[int] | None,
    connection: str | None,
    account: str | None,
) -> int:
    """Apply ``dispatcher.retry_dead`` or ``discard_dead`` to the given ids, or to every dead letter in scope."""
    conn_ids = account_connections(hub, account, connection)
    if ids:
        return action(hub, scoped_entries(hub, ids, conn_ids), None)
    return sum(action(hub, None, conn_id) for conn_id in conn_ids)


def history(hub: Hub, account: str | None, entry_id: int) -> list[OutboxAttempt]:
    """Every send and every check of an asynchronous job's result for one entry of the account, oldest first."""
    scoped_entries(hub, [entry_id], account_connections(hub, account, None))
    with hub.db.session() as s:
        return list(
            s.scalars(select(OutboxAttempt).where(OutboxAttempt.outbox_id == entry_id).order_by(OutboxAttempt.id))
        )

"""Connections: a configured channel account. Settings are validated by the connector's schema; secret
settings and connector state are encrypted at rest; the connector is built from them on demand."""

from __future__ import annotations

import json
import secrets as pysecrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..channels.registry import get_connector
from ..channels.sdk.connector import Connector, ConnectorContext
from ..channels.sdk.settings import SettingsError
from ..domain.timeutil import utcnow
from ..store.models import Connection, Cursor
from .hub import Hub, HubError


@dataclass
class ConnectionInfo:
    id: int
    account_id: int
    system: str
    name: str
    paused: bool
    poll_interval: int
    settings: dict[str, Any]  # secrets redacted
    webhook_url: str
    last_success_at: datetime | None
    last_error: str | None
    next_poll_at: datetime | None
    #: the address the shop delivers our webhooks to, as read from the shop at registration or the last
    #: check; "" when none are registered. It differs from ``webhook_url`` when the hub's public URL changed.
    registered_webhook_url: str = ""
    webhooks_problem: str | None = None  # what the last check found inactive (None: all active)
    webhooks_checked_at: datetime | None = None
    webhook_delay_median: float | None = None  # seconds from an order's change to its webhook's arrival
    webhook_delay_samples: int = 0
    has_webhooks: bool = False  # registered (an older registration may not have stored its address yet)
    auth_problem: str | None = None  # why the seller must authorise the connection (again); None: fine

    @property
    def webhook_url_mismatch(self) -> bool:
        return bool(self.registered_webhook_url) and self.registered_webhook_url != self.webhook_url


def webhook_url(hub: Hub, row: Connection) -> str:
    return f"{hub.config.base_url}/webhooks/{row.system}/{row.webhook_token}"


def add_connection(
    hub: Hub,
    system: str,
    name: str,
    raw: dict[str, Any],
    *,
    account: str | None = None,
    poll_interval: int | None = None,
) -> int:
    cls = _connector_class(system)
    try:
        cls.settings_schema.check_input(raw)
        values = cls.settings_schema.parse(raw)
    except SettingsError as exc:
        raise HubError(str(exc)) from None
    secret_names = cls.settings_schema.secret_names
    public = {k: v for k, v in values.items() if k not in secret_names}
    hidden = {k: v for k, v in values.items() if k in secret_names}
    account_id = hub.account_id(account)
    now = utcnow()
    with hub.db.session() as s:
        if s.scalar(select(Connection.id).where(Connection.account_id == account_id, Connection.name == name)):
            raise HubError(f"a connection named {name!r} already exists")
        row = Connection(
            account_id=account_id,
            system=system,
            name=name,
            settings_json=json.dumps(public),
            secrets=hub.secrets.seal(hidden),
            state=hub.secrets.seal({}),
            webhook_token=pysecrets.token_urlsafe(24),
            paused=False,
            poll_interval=poll_interval or cls.poll_interval,
            next_poll_at=now,
            created_at=now,
            updated_at=now,
        )
        s.add(row)
        s.flush()
        return row.id


def _connector_class(system: str) -> type[Connector]:
    try:
        return get_connector(system)
    except LookupError as exc:
        raise HubError(str(exc.args[0]) if exc.args else f"unknown system {system!r}") from None


connector_class = _connector_class  # the registered class of a system, or a HubError that says so


def find(s: Session, hub: Hub, name_or_id: str | int, account: str | None = None) -> Connection:
    account_id = hub.account_id(account, s)
    q = select(Connection).where(Connection.account_id == account_id)
    if isinstance(name_or_id, int) or str(name_or_id).isdigit():
        row = s.scalar(q.where(Connection.id == int(name_or_id)))
        if row is None:
            row = s.scalar(q.where(Connection.name == str(name_or_id)))
    else:
        row = s.scalar(q.where(Connection.name == name_or_id))
    if row is None:
        raise HubError(f"no connection named {name_or_id!r}; see `ordersync connections list`")
    return row


def settings_of(hub: Hub, row: Connection) -> dict[str, Any]:
    values = json.loads(row.settings_json)
    values.update(hub.secrets.open(row.secrets))
    return values


def info(hub: Hub, row: Connection) -> ConnectionInfo:
    cls = _connector_class(row.system)
    state = hub.secrets.open(row.state)
    return ConnectionInfo(
        row.id,
        row.account_id,
        row.system,
        row.name,
        row.paused,
        row.poll_interval,
        cls.settings_schema.redacted(settings_of(hub, row)),
        webhook_url(hub, row),
        row.last_success_at,
        row.last_error,
        row.next_poll_at,
        registered_webhook_url=registered_webhook_url(state),
        webhooks_problem=row.webhooks_problem,
        webhooks_checked_at=row.webhooks_checked_at,
        webhook_delay_median=row.webhook_delay_median,
        webhook_delay_samples=len(json.loads(row.webhook_delays or "[]")),
        has_webhooks=bool(state.get("webhooks")),
        auth_problem=row.auth_problem,
    )


def registered_webhook_url(state: dict[str, Any]) -> str:
    """Where the shop delivers our webhooks (kept in the connector state by register and check)."""
    return str(state.get("webhook_url") or "") if state.get("webhooks") else ""


def list_connections(hub: Hub, account: str | None = None) -> list[ConnectionInfo]:
    account_id = hub.account_id(account)
    with hub.db.session() as s:
        rows = s.scalars(select(Connection).where(Connection.account_id == account_id).order_by(Connection.name)).all()
        return [info(hub, r) for r in rows]


def build_connector(hub: Hub, row: Connection) -> Connector:
    cls = _connector_class(row.system)
    ctx = ConnectorContext(connection_id=row.id, webhook_url=webhook_url(hub, row), state=hub.secrets.open(row.state))
    if cls.oauth is not None:
        from .oauth_tokens import DbTokenStore

        ctx.tokens = DbTokenStore(hub, row.id)
    return cls(settings_of(hub, row), ctx)


def save_state(hub: Hub, connection_id: int, state: dict[str, Any]) -> None:
    with hub.db.session() as s:
        s.execute(
            update(Connection)
            .where(Connection.id == connection_id)
            .values(state=hub.secrets.seal(state), updated_at=utcnow())
        )


def load(hub: Hub, connection_id: int) -> Connection:
    with hub.db.session() as s:
        row = s.get(Connection, connection_id)
        if row is None:
            raise HubError(f"connection {connection_id} no longer exists")
        return row


def remove_connection(hub: Hub, name: str, account: str | None = None) -> None:
    """Delete a connection; its orders stay (their connection becomes empty)."""
    with hub.db.session() as s:
        row = find(s, hub, name, account)
        s.execute(delete(Cursor).where(Cursor.connection_id == row.id))
        s.delete(row)


def set_paused(hub: Hub, name: str, paused: bool, account: str | None = None) -> None:
    with hub.db.session() as s:
        row = find(s, hub, name, account)
        row.paused = paused
        row.updated_at = utcnow()

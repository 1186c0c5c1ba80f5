"""Connections as a seller adds, checks and removes them: the connector is built from its declaration, the
connection tested, its webhooks registered or removed on the channel. The web wizard does the same steps
through sync.connections; the command line calls these."""

from __future__ import annotations

from dataclasses import dataclass, field
from ..channels.sdk.capabilities import Capability, Mode
from ..store.models import SyncRun
from ..sync import connections as conns
from ..sync import webhook_health
from ..hub import Hub, HubError
from ..sync.synclog import recent_runs


@dataclass
class Added:
    connection_id: int
    test_message: str = ""  # empty when not tested
    webhook_url: str = ""  # empty when no webhooks were registered


def add(hub: Hub, system: str, name: str, settings: dict[str, str], *, account: str | None = None,
        poll_interval: int | None = None, test: bool = True, webhooks: bool = True) -> Added:
    """Save the connection, test it (a failed test saves nothing) and register its webhooks if it takes any."""
    conn_id = conns.add_connection(hub, system, name, settings, account=account, poll_interval=poll_interval)
    connector = conns.build_connector(hub, conns.load(hub, conn_id))
    added = Added(conn_id)
    try:
        if test:
            result = connector.test_connection()
            if not result.ok:
                conns.remove_connection(hub, name, account)
                raise HubError(f"connection test failed, nothing saved: {result.message}")
            added.test_message = result.message
        decl = [d for d in connector.capabilities if d.capability is Capability.IMPORT_ORDERS]
        if webhooks and decl and Mode.WEBHOOK in decl[0].modes:
            connector.register_webhooks()
            conns.save_state(hub, conn_id, connector.context.state)
            added.webhook_url = connector.context.webhook_url
    finally:
        connector.close()
    return added


@dataclass
class Overview:
    info: conns.ConnectionInfo
    runs: list[SyncRun] = field(default_factory=list)


def overview(hub: Hub, name: str, account: str | None, runs: int = 10) -> Overview:
    """The connection's settings, webhook state and its latest runs."""
    with hub.db.session() as s:
        row = conns.find(s, hub, name, account)
    info = conns.info(hub, row)
    return Overview(info, recent_runs(hub, info.id, runs))


def check(hub: Hub, name: str, account: str | None) -> str:
    """Test the connection and look at (not repair) its webhooks; a HubError says what fails."""
    with hub.db.session() as s:
        row = conns.find(s, hub, name, account)
    connector = conns.build_connector(hub, row)
    health = None
    try:
        result = connector.test_connection()
        if result.ok and webhook_health.uses_webhooks(connector) and connector.context.state.get("webhooks"):
            health = connector.check_webhooks(repair=False)  # a test looks; the next poll repairs
    finally:
        connector.close()
    if not result.ok:
        raise HubError(f"connection test failed: {result.message}")
    if health is not None and not health.active:
        raise HubError(f"the connection works, but webhooks are inactive in the shop: {'; '.join(health.problems)}. "
                       "The next poll re-activates them; until then orders arrive by polling only")
    return f"ok: {result.message}" + ("; webhooks active" if health is not None else "")


def remove(hub: Hub, name: str, account: str | None) -> list[str]:
    """Remove the connection after removing its webhooks on the channel; its orders stay. Returns warnings
    (an unreachable shop does not block the removal)."""
    with hub.db.session() as s:
        row = conns.find(s, hub, name, account)
    connector = conns.build_connector(hub, row)
    warnings: list[str] = []
    try:
        if connector.context.state:
            try:
                connector.unregister_webhooks()
            except Exception as exc:  # noqa: BLE001 - removal must not be blocked by an unreachable shop
                warnings.append(f"warning: webhooks could not be removed on the channel: {exc}")
    finally:
        connector.close()
    conns.remove_connection(hub, name, account)
    return warnings


"""Connections as a seller adds, checks and removes them: the connector is built from its declaration, the
connection tested, its webhooks registered or removed on the channel. The web wizard does the same steps
through ``add`` as well (one code path for the command line, the API and the web)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from ..channels.sdk.capabilities import Capability, Mode
from ..channels.sdk.connector import Connector, ConnectorContext
from ..channels.sdk.oauth2 import MemoryTokenStore
from ..channels.sdk.records import ConnectionTestResult
from ..channels.sdk.settings import SettingsError
from ..hub import Hub, HubError
from ..store.models import SyncRun
from ..sync import connections as conns
from ..sync import oauth_consent, webhook_health
from ..sync.oauth_tokens import store_authorisation
from ..sync.synclog import recent_runs

log = logging.getLogger(__name__)


@dataclass
class Added:
    connection_id: int
    test_message: str = ""  # empty when not tested
    test_details: dict[str, str] = field(default_factory=dict)
    webhook_url: str = ""  # empty when no webhooks were registered
    #: webhooks could not be registered (the connection is saved and works by polling): why
    webhook_problem: str = ""
    webhook_error: BaseException | None = field(default=None, repr=False)  # the exception, for the web to explain
    #: saved, waiting for the seller's consent on the platform's page (OAuth authorization code)
    needs_consent: bool = False


class TestFailed(HubError):
    """The connection test failed and nothing was saved. ``result`` is the connector's answer when it
    answered "not ok", ``cause`` the exception when the test raised (for the caller to explain)."""

    def __init__(
        self, message: str, *, result: ConnectionTestResult | None = None, cause: BaseException | None = None
    ) -> None:
        super().__init__(f"connection test failed, nothing saved: {message}")
        self.result, self.cause = result, cause


def wants_consent(system: str, settings: dict[str, Any]) -> bool:
    """A platform with a consent page (OAuth authorization code), and no refresh token pasted for it."""
    decl = conns.connector_class(system).oauth  # an unknown system is a HubError that names the known ones
    return bool(
        decl is not None
        and decl.consent
        and not (decl.refresh_token_setting and settings.get(decl.refresh_token_setting))
    )


def add(
    hub: Hub,
    system: str,
    name: str,
    settings: dict[str, Any],
    *,
    account: str | None = None,
    poll_interval: int | None = None,
    test: bool = True,
    webhooks: bool = True,
) -> Added:
    """Add a connection the one way the command line, the API and the web wizard share.

    A platform that wants the seller's consent (and has no pasted refresh token) is saved as waiting for it
    (``needs_consent``; the caller sends the seller to ``oauth_consent.begin``). Otherwise the connection is
    tested before anything is saved (a failed test is ``TestFailed``; tokens an OAuth test obtained are kept,
    since a platform that rotates refresh tokens voided the pasted one), saved, and its webhooks registered
    if it takes any; webhooks that cannot be registered leave it working by polling (``webhook_problem``)."""
    cls = conns.connector_class(system)
    if wants_consent(system, settings):
        conn_id = conns.add_connection(hub, system, name, settings, account=account, poll_interval=poll_interval)
        oauth_consent.needs_consent(hub, conn_id)
        return Added(conn_id, needs_consent=True)
    tested = ConnectorContext(tokens=MemoryTokenStore() if cls.oauth is not None else None)
    result = _test(cls, settings, tested) if test else None
    conn_id = conns.add_connection(hub, system, name, settings, account=account, poll_interval=poll_interval)
    added = Added(
        conn_id, test_message=result.message if result else "", test_details=dict(result.details) if result else {}
    )
    if tested.tokens is not None and tested.tokens.tokens is not None:
        store_authorisation(hub, conn_id, tested.tokens.tokens)
    if webhooks and any(d.capability is Capability.IMPORT_ORDERS and Mode.WEBHOOK in d.modes for d in cls.capabilities):
        _register_webhooks(hub, conn_id, added)
    return added


def _test(cls: type[Connector], settings: dict[str, Any], context: ConnectorContext) -> ConnectionTestResult:
    try:
        values = cls.settings_schema.parse(settings)
    except SettingsError as exc:
        raise HubError(str(exc)) from None
    connector = cls(values, context)
    try:
        result = connector.test_connection()
    except Exception as exc:  # noqa: BLE001 - any failure of a test is the caller's to explain
        raise TestFailed(f"{type(exc).__name__}: {exc}", cause=exc) from exc
    finally:
        connector.close()
    if not result.ok:
        raise TestFailed(result.message, result=result)
    return result


def _register_webhooks(hub: Hub, conn_id: int, added: Added) -> None:
    connector = conns.build_connector(hub, conns.load(hub, conn_id))
    try:
        connector.register_webhooks()
        conns.save_state(hub, conn_id, connector.context.state)
        added.webhook_url = connector.context.webhook_url
    except Exception as exc:  # noqa: BLE001 - without webhooks the connection still works by polling
        log.warning("webhooks of connection %s not registered: %s", conn_id, exc)
        added.webhook_problem, added.webhook_error = str(exc) or type(exc).__name__, exc
    finally:
        connector.close()


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
        raise HubError(
            f"the connection works, but webhooks are inactive in the shop: {'; '.join(health.problems)}. "
            "The next poll re-activates them; until then orders arrive by polling only"
        )
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

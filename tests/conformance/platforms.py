"""A connector's sandbox as the conformance suite sees it: only the declaration and the control API.

Nothing here names a vendor. What the suite needs of a platform (new orders, a change, a deletion, a broken
record, what the platform shows, where a push travels) comes from the sandbox's conformance profile
(``/_sandbox/conformance``, see ``ordersync.channels.sdk.sandbox.CONFORMANCE_ACTIONS``).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from datetime import timedelta
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from channels.harness import SandboxControl
from sqlalchemy import func, select

from ordersync.channels.registry import all_connectors
from ordersync.channels.sdk.capabilities import Capability
from ordersync.channels.sdk.connector import Connector
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import ArticleRow, Connection, Listing, OrderRow, OutboxEntry
from ordersync.sync import dispatcher, oauth_consent
from ordersync.sync.articles import import_articles
from ordersync.sync.connections import add_connection
from ordersync.sync.hub import Hub
from ordersync.sync.importer import import_orders

from .extra_connectors import extra_connector_classes

#: the capabilities whose effect is a push the hub sends to the platform (the push cases run per capability)
PUSHES = (Capability.CHANGE_STATUS, Capability.TRANSMIT_TRACKING, Capability.SET_STOCK, Capability.SEND_MESSAGES)
#: request timeout the suite gives connectors that declare one, so an injected timeout costs little (their
#: default is 30 s). 2 s held on an idle machine, but not for Shopify's GraphQL sandbox beside a second test
#: process on two cores: a whole import's attempts timed out there (CI, stop 27), so 4 s
TIMEOUT_SECONDS = 4
CONCURRENCY = 3  # for connectors that declare a concurrency setting (issue 15, goal 2)


def with_sandbox() -> list[type[Connector]]:
    """The registered connectors with a sandbox, then the suite's test connectors (extra_connectors) that no
    registered connector shadows."""
    shipped = all_connectors()
    extra = [cls for cls in extra_connector_classes() if cls.system not in shipped]
    return [cls for cls in [*shipped.values(), *extra] if cls.sandbox_factory]


def sandbox_params() -> list[Any]:
    return [pytest.param(cls, id=cls.system) for cls in with_sandbox()]


def connectors_where(skip_reason: Callable[[type[Connector]], str | None]) -> list[Any]:
    """The ``platform`` parameters of a case (indirect): a connector the case does not apply to is skipped at
    collection, with the reason, so it costs no database and no sandbox."""
    params = []
    for cls in with_sandbox():
        reason = skip_reason(cls)
        params.append(pytest.param(cls, id=cls.system, marks=[pytest.mark.skip(reason=reason)] if reason else []))
    return params


def undeclared(capability: Capability) -> Callable[[type[Connector]], str | None]:
    return lambda cls: None if cls.supports(capability) else f"{cls.system} does not declare {capability.value}"


@cache
def static_profile(cls: type[Connector]) -> dict[str, Any]:
    """The sandbox's profile read through the kit at collection time (what a case may skip on)."""
    sandbox = load_factory(cls.sandbox_factory)(seed=1, orders=0)
    try:
        return {"actions": sandbox.offered_actions(), **sandbox.conformance_profile()}
    finally:
        sandbox.close()


def load_factory(spec: str) -> Callable[..., Any]:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


class Platform(SandboxControl):
    """A sandbox served on loopback for one connector class, driven through its control API."""

    def __init__(self, cls: type[Connector], sandbox: Any, server: Any) -> None:
        super().__init__(sandbox, server.base_url)
        self.cls, self.server = cls, server
        self.profile = self.control.get("/conformance").raise_for_status().json()
        if self.offers("configure"):
            self.act("configure", quick=True)

    @property
    def system(self) -> str:
        return self.cls.system

    def offers(self, action: str) -> bool:
        return action in self.profile["actions"]

    def require(self, *actions: str, capability: Capability | None = None) -> None:
        """Skip a case whose capability the connector does not declare; fail one whose capability it declares
        but whose sandbox cannot exercise it (an untested declaration is a broken promise)."""
        if capability is not None and not self.cls.supports(capability):
            pytest.skip(f"{self.system} does not declare {capability.value}")
        missing = [a for a in actions if not self.offers(a)]
        if missing:
            pytest.fail(
                f"the {self.system} sandbox offers no conformance action {', '.join(missing)}: "
                f"the case for {capability.value if capability else 'the import'} cannot run"
            )

    def act(self, action: str, **body: Any) -> dict:
        response = self.control.post(f"/conformance/{action}", json=body)
        assert response.status_code == 200, f"{action}: {response.status_code} {response.text}"
        return response.json()

    def create(self, count: int, **body: Any) -> list[str]:
        return [str(i) for i in self.act("create", count=count, **body)["ids"]]

    def fresh_profile(self) -> dict:
        return self.control.get("/conformance").raise_for_status().json()

    def add_faults(self, *rules: dict) -> None:
        self.control.post("/faults", json={"add": list(rules)}).raise_for_status()

    def fault_hits(self) -> int:
        return sum(r["hits"] for r in self.control.get("/faults").json())

    def clear_faults(self) -> None:
        self.control.post("/faults", json={"clear": True}).raise_for_status()

    def writes(self, capability: Capability) -> list[dict]:
        matchers = self.profile.get("writes", {}).get(capability.value)
        assert matchers, f"the {self.system} sandbox names no request that carries {capability.value}"
        return matchers

    def settings(self, **overrides: Any) -> dict:
        """The sandbox's settings plus what the declaration lets the suite tune: a short request timeout."""
        names = {f.name: f for f in self.cls.settings_schema.fields}
        tuned = {}
        if "timeout" in names and names["timeout"].type == "int":
            tuned["timeout"] = TIMEOUT_SECONDS
        if "concurrency" in names and names["concurrency"].type == "int":  # pages in flight at once: the window
            tuned["concurrency"] = CONCURRENCY  # shift and exactly-once must hold with concurrent pages too
        return super().settings() | tuned | overrides

    def small_pages(self, size: int = 2) -> dict:
        """Pages of ``size`` records: through the connector's own setting where it declares one, else through
        the sandbox. Returns the settings to connect with."""
        if self.profile.get("pages") is False:
            return {}
        field = next((f for f in self.cls.settings_schema.fields if f.name == "page_size" and f.type == "int"), None)
        if field is not None:
            return {"page_size": size}
        self.require("configure")
        self.act("configure", page_size=size)
        return {}

    def require_pages(self) -> None:
        if self.profile.get("pages") is False:
            pytest.skip(f"the {self.system} platform hands out all its orders at once: there are no pages to shift")

    def connect(self, hub: Hub, name: str = "shop", **overrides: Any) -> int:
        """Add the connection; a connector whose platform wants the seller's consent (OAuth authorization
        code) and whose settings carry no pasted refresh token goes through the consent round trip, with the
        sandbox's authorize endpoint approving at once."""
        settings = self.settings(**overrides)
        conn = add_connection(hub, self.system, name, settings)
        decl = getattr(self.cls, "oauth", None)
        if decl is not None and decl.consent and not settings.get(decl.refresh_token_setting or "", ""):
            self.consent(hub, conn)
        return conn

    def consent(self, hub: Hub, conn: int, binding: str = "conformance") -> None:
        """Begin the consent, let the platform's authorize URL answer (a redirect back to the hub's callback
        with code and state), finish it: the connection then holds its tokens."""
        url = oauth_consent.begin(hub, conn, binding=binding)
        answer = httpx.get(url, follow_redirects=False, timeout=30)
        assert answer.status_code in (302, 303), (
            f"the {self.system} sandbox's authorize URL answered {answer.status_code}, not a redirect: {answer.text}"
        )
        back = urlsplit(answer.headers["location"])
        assert f"{back.scheme}://{back.netloc}{back.path}" == oauth_consent.redirect_uri(hub, self.system), back
        query = parse_qs(back.query)
        oauth_consent.finish(hub, self.system, query.get("state", [""])[0], query.get("code", [""])[0], binding=binding)


def start_platform(cls: type[Connector], seed: int = 7) -> Platform:
    sandbox = load_factory(cls.sandbox_factory)(seed=seed, orders=0)
    return Platform(cls, sandbox, serve_in_thread(sandbox.app))


# what the hub holds ------------------------------------------------------------------------------------
def stored_ids(hub: Hub) -> list[str]:
    with hub.db.session() as s:
        return list(s.scalars(select(OrderRow.external_id)))


def order_id(hub: Hub, external_id: str) -> int:
    with hub.db.session() as s:
        return s.scalar(select(OrderRow.id).where(OrderRow.external_id == external_id))


def outbox_statuses(hub: Hub) -> list[str]:
    with hub.db.session() as s:
        return list(s.scalars(select(OutboxEntry.status)))


def pending(hub: Hub) -> int:
    with hub.db.session() as s:
        return s.scalar(
            select(func.count())
            .select_from(OutboxEntry)
            .where(OutboxEntry.status.in_(("pending", "sending", "awaiting")))
        )


def dispatch_until_settled(hub: Hub, rounds: int = 8, *, later: timedelta = timedelta(0)) -> None:
    """Run the dispatcher as its schedule would, an hour apart, until nothing is waiting (nothing to send,
    no asynchronous job awaiting its check); ``later`` starts in the future (e.g. after a killed dispatcher's
    claims ran out)."""
    when = utcnow() + later
    for _ in range(rounds):
        dispatcher.dispatch(hub, now=when)
        if not pending(hub):
            return
        when += timedelta(hours=1)


def imports_orders(cls: type[Connector]) -> bool:
    return cls.supports(Capability.IMPORT_ORDERS)


def orders_to_push_to(hub: Hub, platform: Platform, conn: int, count: int) -> list[str]:
    """``count`` orders on the platform, imported: what order pushes act on. A connector that imports no
    orders pushes only stock, which needs none: placeholders."""
    if not imports_orders(platform.cls):
        return [f"-{i}" for i in range(count)]
    ids = platform.create(count)
    assert import_orders(hub, conn).created == count
    return ids


def stock_listing(hub: Hub, platform: Platform, conn: int, sku: str) -> None:
    """The hub knows ``sku`` as an article listed on the connection: through the connector's article import
    where it declares one, else as a seller links a listing of a channel without one (article and listing
    written here, as the CSV article upload or a hand link would)."""
    if platform.cls.supports(Capability.IMPORT_ARTICLES):
        assert import_articles(hub, conn).error == ""
        return
    now = utcnow()
    with hub.db.session() as s:
        row = s.get(Connection, conn)
        article = s.scalar(select(ArticleRow).where(ArticleRow.account_id == row.account_id, ArticleRow.sku == sku))
        if article is None:
            article = ArticleRow(account_id=row.account_id, sku=sku, created_at=now, updated_at=now)
            s.add(article)
            s.flush()
        if s.scalar(select(Listing.id).where(Listing.connection_id == conn, Listing.product_external_id == sku)):
            return
        s.add(
            Listing(
                account_id=row.account_id,
                connection_id=conn,
                article_id=article.id,
                product_external_id=sku,
                sku=sku,
                updated_at=now,
            )
        )


def wait_for(predicate: Callable[[], bool], seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()

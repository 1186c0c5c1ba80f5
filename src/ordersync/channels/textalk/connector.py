"""Textalk Webshop (Abicart): orders in by polling its JSON-RPC API. Nothing is written back.

Listing. ``Order.list(fields, selection)`` with the documented list selection (developer.abicart.se, "List
selection"): ``filters`` keyed by a JSON pointer to a property with ``min``/``max`` for dates, ``sort``,
``limit`` and ``offset``. ordersync filters ``/changed`` to the window and sorts by ``uid``, which never
changes, so page boundaries stay put while orders change. ``Order.count(filters)`` ("count" takes the
filter object and returns an integer) gives the window's size before the first page and again with the
last one; when an order changed while the window was paged it left the window, the count shrank, and the
engine reads the window again (see sync.importer).

Bounds. The example filters use whole-second UTC timestamps with ``Z``. Both bounds are sent cut to the
second and taken as inclusive (ASSUMED: the documentation does not say); that can re-read an order at a
window's edge, which the idempotent upsert absorbs, and never skips one.

Items. An Order's ``items`` are the uids of its OrderItems (documented), so the items of a page are read
with ``OrderItem.get(uid, fields)``, one call each or one batch. The OrderItem fields are documented; the
method is ASSUMED from the documented convention that instance methods are ``Class.method(uid, ...)``
(``Order.get`` is the documented example). An item Textalk refuses leaves its order quarantined with the
reason; the rest of the page goes on.

Not declared: status, tracking and stock pushes. ``Order.set`` and the delivery-status methods could not
be confirmed from public documentation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from ..sdk.capabilities import Capability, Mode, declare
from ..sdk.connector import Connector, ConnectorContext
from ..sdk.errors import AuthError, ChannelError, NotFoundError, PermanentError, TransientError
from ..sdk.paging import OffsetPaginator
from ..sdk.records import ConnectionTestResult, OrderPage, OrderRef, Page, Window
from ..sdk.settings import SettingsError
from .client import TextalkClient
from .mapping import ITEM_FIELDS, ORDER_FIELDS, MappingConfig, orders_from_textalk
from .protocol import INVALID_PARAMS
from .setup import GUIDE, SETTINGS
from .statuses import StatusMap


def stamp(value: datetime) -> str:
    """A filter bound: UTC, cut to the second, with Z (the documented example's form)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def window_filters(window: Window) -> dict[str, Any]:
    changed = {"max": stamp(window.until)}
    if window.since is not None:
        changed["min"] = stamp(window.since)
    return {"/changed": changed}


def _count(value: Any, method: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TransientError(f"{method}: expected a count, got {str(value)[:100]!r}")
    return value


class TextalkConnector(Connector):
    system = "textalk"
    display_name = "Textalk Webshop (Abicart)"
    group = "shop"
    capabilities = (declare(Capability.IMPORT_ORDERS, Mode.POLL, note="JSON-RPC Order.list by modification time"),)
    settings_schema = SETTINGS
    guide = GUIDE
    sandbox_factory = "ordersync.channels.textalk.sandbox:create_sandbox"
    poll_interval = 300

    def __init__(self, settings: Mapping[str, Any], context: ConnectorContext | None = None) -> None:
        super().__init__(settings, context)
        self.config = cfg = SETTINGS.parse(self.settings)
        if not 1 <= cfg["page_size"] <= 1000:
            raise SettingsError(f"setting 'page_size': {cfg['page_size']} is not between 1 and 1000")
        self.mapping = MappingConfig(StatusMap.from_settings(cfg["status_map_import"]), cfg["language"])
        self._client: TextalkClient | None = None

    @property
    def client(self) -> TextalkClient:
        if self._client is None:
            cfg = self.config
            self._client = TextalkClient(
                cfg["endpoint"],
                str(cfg["webshop"]),
                cfg["auth_token"],
                language=cfg["language"],
                timeout=cfg["timeout"],
                batch=cfg["batch"],
                connection_key=str(self.context.connection_id or ""),
                verify_tls=cfg["verify_tls"],
                ca_pem=cfg["ca_bundle"],
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    # lifecycle -----------------------------------------------------------------------------------
    def test_connection(self) -> ConnectionTestResult:
        client = self.client
        saved = client.http.retry
        client.http.retry = dataclasses.replace(saved, max_attempts=2)  # a person is waiting
        try:
            count = _count(client.call("Order.count", {}), "Order.count")
        except AuthError as exc:
            return ConnectionTestResult(
                False,
                f"Textalk did not accept the connection: {exc}. Check the webshop "
                "ID and the API token, and that the token may read orders.",
            )
        except TransientError as exc:
            return ConnectionTestResult(
                False,
                f"The Textalk API at {self.config['endpoint']} could not be "
                f"reached or did not answer with JSON-RPC ({exc}). Check the endpoint.",
            )
        except PermanentError as exc:
            return ConnectionTestResult(False, f"Textalk refused the request: {exc}")
        finally:
            client.http.retry = saved
        return ConnectionTestResult(
            True,
            f"Connected to Textalk webshop {self.config['webshop']}.",
            {"orders": str(count), "endpoint": self.config["endpoint"]},
        )

    # import --------------------------------------------------------------------------------------
    def fetch_orders(self, window: Window) -> Iterator[OrderPage]:
        filters = window_filters(window)
        size = self.config["page_size"]
        total = _count(self.client.call("Order.count", filters), "Order.count")
        paginator = OffsetPaginator(size)
        while True:
            selection = {"filters": filters, "sort": "uid", "limit": size, "offset": paginator.current}
            records = self.client.call("Order.list", ORDER_FIELDS, selection)
            if not isinstance(records, list):
                raise TransientError(f"Order.list: expected a list of orders, got {type(records).__name__}")
            paginator.advance_by(len(records))
            if paginator.finished:  # the count again: a shrunken window tells the engine to re-read it
                total = _count(self.client.call("Order.count", filters), "Order.count")
            mapped = orders_from_textalk(self._with_items(records), self.mapping)
            yield Page(mapped.orders, mapped.quarantined, paginator.pages, None, total)
            if paginator.finished:
                return

    def fetch_order(self, ref: OrderRef) -> OrderPage:
        uid = ref.external_id.strip()
        if not uid.isdigit():
            raise NotFoundError(f"{ref.external_id!r} is not a Textalk order uid")
        try:
            raw = self.client.call("Order.get", int(uid), ORDER_FIELDS)
        except PermanentError as exc:
            if getattr(exc, "rpc_code", None) == INVALID_PARAMS:
                raise NotFoundError(f"Textalk order {uid}: {exc}") from None
            raise
        mapped = orders_from_textalk(self._with_items([raw]), self.mapping)
        return Page(mapped.orders, mapped.quarantined, 1, 1, 1)

    def _with_items(self, records: list[Any]) -> list[Any]:
        """The records with each item uid replaced by its OrderItem (or a note why it could not be read)."""
        wanted: list[int] = []
        for raw in records:
            for uid in raw.get("items") or () if isinstance(raw, dict) and isinstance(raw.get("items"), list) else ():
                if isinstance(uid, int) and not isinstance(uid, bool) and uid not in wanted:
                    wanted.append(uid)
        answers = self.client.call_many([("OrderItem.get", [uid, ITEM_FIELDS]) for uid in wanted])
        found: dict[int, Any] = {}
        for uid, answer in zip(wanted, answers, strict=True):
            found[uid] = f"unreadable: {answer}" if isinstance(answer, ChannelError) else answer
        out = []
        for raw in records:
            if isinstance(raw, dict) and isinstance(raw.get("items"), list):
                raw = {
                    **raw,
                    "items": [
                        found.get(u, u) if isinstance(u, int) and not isinstance(u, bool) else u for u in raw["items"]
                    ],
                }
            out.append(raw)
        return out

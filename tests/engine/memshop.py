"""An in-memory channel for engine tests: the engine's contract with connectors, without HTTP.

Channel behaviour over real HTTP is tested per connector against its sandbox; here we need precise control
over pages, totals and failures to test the engine's invariants.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from ordersync.channels.sdk.capabilities import Capability, Mode, declare
from ordersync.channels.sdk.connector import Connector
from ordersync.channels.sdk.errors import PermanentError, TransientError
from ordersync.channels.sdk.guide import GuideStep
from ordersync.channels.sdk.records import Page, PushResult, Quarantined
from ordersync.channels.sdk.settings import SettingField, SettingsSchema
from ordersync.domain import Address, Order, OrderItem, OrderState

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def make_order(
    n: int, *, modified: datetime | None = None, state: OrderState = OrderState.PAID, total: str = "10.00"
) -> Order:
    modified = modified or T0 + timedelta(minutes=n)
    return Order(
        external_id=str(n),
        number=f"#{n}",
        state=state,
        currency="EUR",
        created_at=T0,
        updated_at=modified,
        total=Decimal(total),
        items=[
            OrderItem(
                external_id=f"{n}-1",
                title="Tasse",
                quantity=Decimal(1),
                unit_price=Decimal(total),
                total_price=Decimal(total),
                sku="SKU-1",
            )
        ],
        invoice_address=Address.from_lines(
            "Hauptstr. 5", first_name="Eva", last_name="Muster", zip="10115", city="Berlin", country="DE"
        ),
    )


class MemShop(Connector):
    """Shared state lives on the class so the engine's freshly built instances all see one shop."""

    system = "memshop"
    display_name = "Memory shop (tests)"
    group = "shop"
    capabilities = (
        declare(Capability.IMPORT_ORDERS, Mode.POLL),
        declare(Capability.CHANGE_STATUS, Mode.API),
        declare(Capability.TRANSMIT_TRACKING, Mode.API),
        declare(Capability.SET_STOCK, Mode.API),
    )
    settings_schema = SettingsSchema((SettingField("token", "Token", secret=True),))
    guide = (GuideStep("Nothing to do", "This shop lives in memory."),)

    orders: dict[str, Order] = {}
    broken: dict[str, dict] = {}
    page_size = 3
    calls: list[tuple] = []
    fail_pushes: list[Exception] = []
    on_page = None  # hook(page_number) run after each page is served
    on_push = None  # hook(call) run as each push is sent

    @classmethod
    def reset(cls) -> None:
        cls.orders, cls.broken, cls.calls, cls.fail_pushes, cls.on_page = {}, {}, [], [], None
        cls.on_push = None

    def fetch_orders(self, window):
        for page_no, offset in enumerate(itertools.count(0, self.page_size), start=1):
            rows = sorted(
                (
                    o
                    for o in self.orders.values()
                    if (window.since is None or o.updated_at > window.since) and o.updated_at <= window.until
                ),
                key=lambda o: int(o.external_id),
            )
            total = len(rows)
            chunk = rows[offset : offset + self.page_size]
            bad = (
                [Quarantined(k, v, "line item has no price", "check the product") for k, v in self.broken.items()]
                if page_no == 1
                else []
            )
            if not chunk and page_no > 1:
                return
            yield Page(records=chunk, quarantined=bad, number=page_no, window_total=total)
            if MemShop.on_page:
                MemShop.on_page(page_no)
            if offset + self.page_size >= total:
                return

    def channel_status_for(self, state):
        return {OrderState.CLOSED: "completed", OrderState.SHIPPED: "completed"}.get(state)

    def _push(self, *call) -> PushResult:
        self.calls.append(call)
        if MemShop.on_push:
            MemShop.on_push(call)
        if self.fail_pushes:
            raise self.fail_pushes.pop(0)
        return PushResult()

    def push_state(self, ref, state, comment=""):
        return self._push("state", ref.external_id, int(state))

    def push_tracking(self, ref, shipment):
        return self._push("tracking", ref.external_id, shipment.tracking_number)

    def push_stock(self, updates):
        return [self._push("stock", u.product_external_id, u.quantity) for u in updates]


__all__ = ["MemShop", "make_order", "T0", "PermanentError", "TransientError"]

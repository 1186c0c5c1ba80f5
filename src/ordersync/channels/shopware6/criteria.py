"""The Criteria bodies ordersync sends to ``POST /api/search/...``.

The import window ``(since, until]`` is on the modification time, which Shopware leaves null until an
order is changed for the first time [issue 14; VENDOR-FACTS §2.6 marks it unverified]: so the filter is
``updatedAt`` in the window OR (``updatedAt`` is null AND ``createdAt`` in the window). Shopware stores
dates in UTC with milliseconds (``Y-m-d H:i:s.v``, its storage format); both bounds are cut to the
millisecond the same way, so an order on a bound falls into exactly one window. Sorted by ``id``, which
never changes, so page boundaries stay put while orders change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..sdk.records import Window

STATE: dict[str, Any] = {"stateMachineState": {}}
#: what an imported order needs loaded (the order itself carries only ids of these)
ORDER_ASSOCIATIONS: dict[str, Any] = {
    "lineItems": {},
    "deliveries": {
        "associations": {"shippingOrderAddress": {"associations": {"country": {}}}, "shippingMethod": {}, **STATE}
    },
    "transactions": {"associations": {"paymentMethod": {}, **STATE}},
    "addresses": {"associations": {"country": {}}},
    "orderCustomer": {},
    "currency": {},
    **STATE,
}
#: what a push needs to know: the three states and the delivery's tracking codes
STATE_ASSOCIATIONS: dict[str, Any] = {
    "deliveries": {"associations": dict(STATE)},
    "transactions": {"associations": dict(STATE)},
    **STATE,
}


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def window_filter(window: Window) -> list[dict[str, Any]]:
    bounds = {"lte": stamp(window.until)}
    if window.since is not None:
        bounds["gt"] = stamp(window.since)
    return [
        {
            "type": "multi",
            "operator": "or",
            "queries": [
                {"type": "range", "field": "updatedAt", "parameters": dict(bounds)},
                {
                    "type": "multi",
                    "operator": "and",
                    "queries": [
                        {"type": "equals", "field": "updatedAt", "value": None},
                        {"type": "range", "field": "createdAt", "parameters": dict(bounds)},
                    ],
                },
            ],
        }
    ]


def orders_in(window: Window) -> dict[str, Any]:
    return {
        "filter": window_filter(window),
        "sort": [{"field": "id", "order": "ASC"}],
        "associations": ORDER_ASSOCIATIONS,
    }


def order_by_id(order_id: str, associations: dict[str, Any]) -> dict[str, Any]:
    return {"ids": [order_id], "associations": associations, "limit": 1}


def products_in(window: Window) -> dict[str, Any]:
    return {"filter": window_filter(window), "sort": [{"field": "id", "order": "ASC"}]}


def products_by_number(numbers: list[str], ids: list[str]) -> dict[str, Any]:
    queries = []
    if numbers:
        queries.append({"type": "equalsAny", "field": "productNumber", "value": numbers})
    if ids:
        queries.append({"type": "equalsAny", "field": "id", "value": ids})
    return {
        "filter": [{"type": "multi", "operator": "or", "queries": queries}],
        "limit": max(1, len(numbers) + len(ids)),
        "sort": [{"field": "id", "order": "ASC"}],
    }

"""eBay's call limits as per-operation budgets (sdk.operations).

eBay limits calls per API per day and per application, not per second [docs: developer.ebay.com "API call
limits"; the figures below are that page's defaults and are unverified here]: Sell Fulfillment 100 000,
Sell Inventory 2 000 000, Commerce Message 5 000 (assumed), Notification getPublicKey 10 000 (assumed), Post-Order 5 000 (assumed), Trading
5 000 for a self-certified application. A budget refills at the day's rate and allows a burst of an hour's
share, so a backlog drains at the limit without spending the day's quota in the first minutes.
"""

from __future__ import annotations

from ordersync.channels.sdk.operations import Operation, OperationLimits

DAY = 86_400.0

#: API name -> calls per day
DAILY = {
    "fulfillment": 100_000,
    "inventory": 2_000_000,
    "message": 5_000,
    "notification": 10_000,
    "trading": 5_000,
    "postorder": 5_000,
}


def _op(name: str, method: str, path: str, api: str) -> Operation:
    per_day = DAILY[api]
    return Operation(name, method, path, rate=per_day / DAY, burst=max(5.0, per_day / 24))


LIMITS = OperationLimits(
    (
        _op("fulfillment", "*", "/sell/fulfillment/v1/*", "fulfillment"),
        _op("inventory", "*", "/sell/inventory/v1/*", "inventory"),
        _op("message", "*", "/commerce/message/v1/*", "message"),
        _op("notification", "*", "/commerce/notification/v1/*", "notification"),
        _op("trading", "POST", "/ws/api.dll", "trading"),
        _op("postorder", "*", "/post-order/v2/*", "postorder"),
    )
)

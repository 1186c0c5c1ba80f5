"""Pure domain types. Nothing here does I/O.

The names below are imported from their modules on first use (PEP 562), not when the package is: importing
``ordersync.domain.timeutil`` or ``.states`` alone, as every command's start does, then costs neither the
address parser's patterns nor the country table (issue 15). ``from ordersync.domain import Order`` works as
before; the type checker reads the imports under TYPE_CHECKING.
"""

from __future__ import annotations

from importlib import import_module as _import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .address import Address, Buyer
    from .article import Article, ArticleVariant, StockUpdate
    from .money import Money, to_decimal
    from .order import Comment, LineCancellation, Order, OrderItem, Payment, Shipment, ShipmentLine
    from .refund import Refund, RefundItem
    from .states import OrderState

__all__ = [
    "Address",
    "Article",
    "ArticleVariant",
    "Buyer",
    "Comment",
    "Money",
    "Order",
    "OrderItem",
    "OrderState",
    "Payment",
    "Shipment",
    "StockUpdate",
    "to_decimal",
    "Refund",
    "RefundItem",
    "LineCancellation",
    "ShipmentLine",
]

_MODULE_OF = {
    "Address": "address",
    "Buyer": "address",
    "Article": "article",
    "ArticleVariant": "article",
    "StockUpdate": "article",
    "Money": "money",
    "to_decimal": "money",
    "Comment": "order",
    "LineCancellation": "order",
    "Order": "order",
    "OrderItem": "order",
    "Payment": "order",
    "Shipment": "order",
    "ShipmentLine": "order",
    "Refund": "refund",
    "RefundItem": "refund",
    "OrderState": "states",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the module's own object, bound once: later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

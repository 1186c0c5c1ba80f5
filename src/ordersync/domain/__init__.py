"""Pure domain types. Nothing here does I/O."""

from .address import Address, Buyer
from .article import Article, ArticleVariant, StockUpdate
from .money import Money, to_decimal
from .order import Comment, LineCancellation, Order, OrderItem, Payment, Shipment, ShipmentLine
from .refund import Refund, RefundItem
from .states import OrderState

__all__ = [
    "Address", "Article", "ArticleVariant", "Buyer", "Comment", "Money", "Order", "OrderItem",
    "OrderState", "Payment", "Shipment", "StockUpdate", "to_decimal", "Refund", "RefundItem",
    "LineCancellation", "ShipmentLine",
]

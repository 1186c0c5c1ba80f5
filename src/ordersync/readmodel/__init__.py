"""Account-scoped read queries shared by the REST API and the web UI. Every function takes the account id
and never returns another account's rows."""

from .articles import (
    ArticleDetail,
    ArticlePage,
    ArticleSummary,
    ListingView,
    MovementView,
    StockLevelView,
    find_article,
    get_article,
    list_articles,
)
from .health import ConnectionHealth, connection_health
from .orders import (
    EventView,
    ItemView,
    OrderDetail,
    OrderFilter,
    OrderPage,
    OrderSummary,
    ShipmentView,
    get_order,
    list_orders,
    order_ids,
)
from .shipments import ShipmentPage, ShipmentRowView, list_shipments
from .tags import remove_tag, set_tags

__all__ = [
    "ArticleDetail",
    "ArticlePage",
    "ArticleSummary",
    "ConnectionHealth",
    "EventView",
    "ItemView",
    "ListingView",
    "MovementView",
    "OrderDetail",
    "OrderFilter",
    "OrderPage",
    "OrderSummary",
    "ShipmentPage",
    "ShipmentRowView",
    "ShipmentView",
    "StockLevelView",
    "connection_health",
    "find_article",
    "get_article",
    "get_order",
    "list_articles",
    "list_orders",
    "list_shipments",
    "order_ids",
    "remove_tag",
    "set_tags",
]

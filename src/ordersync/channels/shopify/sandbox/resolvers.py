"""Query resolvers: the root fields and, generically, every connection and sized list of the subset schema.

Resolvers are bound once to a private copy of the subset schema and find the sandbox in ``info.context``, so
several sandboxes in one process never share state. A connection without ``first``/``last`` is an error, as
in Shopify, except inside a bulk operation (``context.bulk``), which streams every node.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
)

from . import defaults
from .store import SearchError, decode_cursor, encode_cursor

MAX_PAGE = 250


def _unwrap(type_: Any) -> Any:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


def _is_list(type_: Any) -> bool:
    return isinstance(type_.of_type if isinstance(type_, GraphQLNonNull) else type_, GraphQLList)


def _size(info: Any, first: int | None, last: int | None) -> int | None:
    if first is None and last is None:
        if getattr(info.context, "bulk", False):
            return None
        raise GraphQLError("you must provide one of first or last")
    size = first if first is not None else last
    assert size is not None  # one of them is given (checked above)
    if size < 0 or size > MAX_PAGE:
        raise GraphQLError(f"The first or last argument must be between 0 and {MAX_PAGE}")
    return size


def connection(pairs: list[tuple[str, Any]], more: bool) -> dict[str, Any]:
    edges = [{"cursor": c, "node": n} for c, n in pairs]
    return {
        "edges": edges,
        "nodes": [n for _, n in pairs],
        "pageInfo": {
            "hasNextPage": more,
            "hasPreviousPage": False,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def _items(type_name: str, field: str, obj: dict[str, Any], info: Any, args: dict[str, Any]) -> list[Any]:
    """The stored list, or the one ``defaults`` derives for a field the store does not keep."""
    if field in obj:
        return list(obj[field] or [])
    derive = defaults.DERIVED.get((type_name, field))
    return list(derive(obj, info, **args) or []) if derive else []


def list_connection(field: str, type_name: str = "") -> Any:
    """Page a list kept under ``field`` by position (nested connections: line items, variants, ...)."""

    def resolve(
        obj: dict[str, Any],
        info: Any,
        first: int | None = None,
        last: int | None = None,
        after: str | None = None,
        reverse: bool = False,
        **args: Any,
    ) -> dict[str, Any]:
        items = _items(type_name, field, obj, info, args)
        if reverse:
            items.reverse()
        size = _size(info, first, last)
        start = int(decode_cursor(after)[0]) + 1 if after else 0
        chosen = items[start:] if size is None else items[start : start + size]
        pairs = [(encode_cursor((start + i,)), item) for i, item in enumerate(chosen)]
        return connection(pairs, size is not None and start + size < len(items))

    return resolve


def sized_list(field: str, type_name: str = "") -> Any:
    def resolve(obj: dict[str, Any], info: Any, first: int | None = None, **args: Any) -> list[Any]:
        items = _items(type_name, field, obj, info, args)
        return items if first is None else items[:first]

    return resolve


# stored as references ({"id": ...}); answered with the catalogue's full object
_REFERENCES = {("LineItem", "variant"), ("LineItem", "product")}


def field_value(type_name: str, field: str, field_type: Any) -> Any:
    """Stored value, else derived (defaults.DERIVED), else by field name, else by type: see defaults.py."""
    derive = defaults.DERIVED.get((type_name, field))
    prefer_derived = (type_name, field) in _REFERENCES

    def resolve(obj: Any, info: Any, **args: Any) -> Any:
        if not isinstance(obj, dict):
            return getattr(obj, field, None)
        if field in obj and not prefer_derived:
            return obj[field]
        if derive is not None:
            return derive(obj, info, **args)
        found, value = defaults.by_name(type_name, field, obj)
        return value if found else defaults.by_type(field_type, obj, field, info.schema)

    return resolve


def _root_page(kind: str) -> Any:
    def resolve(
        _: Any,
        info: Any,
        first: int | None = None,
        last: int | None = None,
        after: str | None = None,
        query: str | None = None,
        sortKey: str | None = None,
        reverse: bool = False,
        **__: Any,
    ) -> dict[str, Any]:
        sandbox = info.context.sandbox
        size = _size(info, first, last)
        try:
            if kind == "orders":
                sandbox.maybe_drift(query, info.context.path)
            rows, more = sandbox.store.page(
                kind,
                first=size,
                after=after,
                query=query,
                reverse=reverse,
                sort_key=sortKey or ("PROCESSED_AT" if kind == "orders" else "ID"),
            )
        except SearchError as exc:
            raise GraphQLError(str(exc)) from None
        return connection([(encode_cursor(key), obj) for key, obj in rows], more)

    return resolve


def _node(sandbox: Any, ident: str) -> dict[str, Any] | None:
    store = sandbox.store
    kind = str(ident).split("/")[-2] if str(ident).count("/") >= 4 else ""
    if kind == "Order":
        return store.orders.get(ident)
    if kind == "ProductVariant":
        return store.variants.get(ident)
    if kind == "Product":
        return next((p for p in store.products if p["id"] == ident), None)
    if kind == "InventoryItem":
        variant = store.items.get(ident)
        return variant["inventoryItem"] if variant else None
    if kind == "BulkOperation":
        return sandbox.bulk.observe(store.bulk.get(ident))
    if kind == "Location":
        return store.locations.get(ident)
    if kind == "WebhookSubscription":
        return store.webhooks.get(ident)
    if kind == "Customer":
        return next((c for c in store.customers() if c["id"] == ident), None)
    children = {
        "Fulfillment": "fulfillments",
        "FulfillmentOrder": "fulfillmentOrders",
        "Refund": "refunds",
        "OrderTransaction": "transactions",
        "LineItem": "lineItems",
    }
    if kind in children:
        return next(
            (
                child
                for order in list(store.orders.values())
                for child in order.get(children[kind]) or ()
                if child.get("id") == ident
            ),
            None,
        )
    return None


def _webhooks(
    _: Any,
    info: Any,
    first: int | None = None,
    last: int | None = None,
    after: str | None = None,
    callbackUrl: str | None = None,
    topics: list[str] | None = None,
    **__: Any,
) -> dict[str, Any]:
    size = _size(info, first, last)
    hooks = [
        h
        for h in info.context.sandbox.store.webhooks.values()
        if (callbackUrl is None or h["endpoint"]["callbackUrl"] == callbackUrl) and (not topics or h["topic"] in topics)
    ]
    start = int(decode_cursor(after)[0]) + 1 if after else 0
    chosen = hooks[start : start + size] if size is not None else hooks[start:]
    return connection(
        [(encode_cursor((start + i,)), h) for i, h in enumerate(chosen)], size is not None and start + size < len(hooks)
    )


ROOT = {
    "shop": lambda _, info: info.context.sandbox.shop(),
    "order": lambda _, info, id: info.context.sandbox.store.orders.get(id),
    "orders": _root_page("orders"),
    "products": _root_page("products"),
    "node": lambda _, info, id: _node(info.context.sandbox, id),
    "nodes": lambda _, info, ids: [_node(info.context.sandbox, i) for i in ids],
    "location": lambda _, info, id=None: info.context.sandbox.store.locations.get(id),
    "currentBulkOperation": lambda _, info, type="QUERY": info.context.sandbox.current_bulk(),
    "webhookSubscriptions": _webhooks,
    # the wide schema's root entries (schema_wide.graphql)
    "customers": _root_page("customers"),
    "productVariants": _root_page("productVariants"),
    "inventoryItems": _root_page("inventoryItems"),
    "locations": _root_page("locations"),
    "customer": lambda _, info, id: _node(info.context.sandbox, id) if "/Customer/" in str(id) else None,
    "product": lambda _, info, id: _node(info.context.sandbox, id) if "/Product/" in str(id) else None,
    "productVariant": lambda _, info, id: _node(info.context.sandbox, id) if "/ProductVariant/" in str(id) else None,
    "inventoryItem": lambda _, info, id: _node(info.context.sandbox, id) if "/InventoryItem/" in str(id) else None,
    "fulfillmentOrder": lambda _, info, id: (
        _node(info.context.sandbox, id) if "/FulfillmentOrder/" in str(id) else None
    ),
    "fulfillment": lambda _, info, id: _node(info.context.sandbox, id) if "/Fulfillment/" in str(id) else None,
    "refund": lambda _, info, id: _node(info.context.sandbox, id) if "/Refund/" in str(id) else None,
}


def bind(schema: GraphQLSchema, mutations: dict[str, Any]) -> GraphQLSchema:
    """Attach resolvers: the root tables, then every connection field and every list field with ``first``."""
    query, mutation, order = schema.query_type, schema.mutation_type, schema.type_map["Order"]
    if query is None or mutation is None or not isinstance(order, GraphQLObjectType):
        raise TypeError("not the Admin API schema: it needs query and mutation roots and an Order object type")
    for name, resolver in ROOT.items():
        if name in query.fields:
            query.fields[name].resolve = resolver
    for name, resolver in mutations.items():
        mutation.fields[name].resolve = resolver
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_ in (query, mutation) or type_.name.startswith("__"):
            continue
        for fname, field in type_.fields.items():
            if _unwrap(field.type).name.endswith("Connection"):
                field.resolve = list_connection(fname, type_.name)
            elif _is_list(field.type) and ("first" in field.args or (type_.name, fname) in defaults.DERIVED):
                field.resolve = sized_list(fname, type_.name)
            else:
                field.resolve = field_value(type_.name, fname, field.type)
    order.fields["canMarkAsPaid"].resolve = _can_mark_as_paid
    return schema


def _can_mark_as_paid(order: dict[str, Any], _: Any) -> bool:
    return not order["cancelledAt"] and order["displayFinancialStatus"] not in (
        "PAID",
        "PARTIALLY_REFUNDED",
        "REFUNDED",
    )

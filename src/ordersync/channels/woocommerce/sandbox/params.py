"""Argument schemas of the routes the sandbox serves, their validation, and the route index built from them.

WordPress REST routes describe their own arguments, and WordPress validates requests against exactly those
descriptions before a handler runs. The sandbox does the same with one table: ``validate`` enforces it and
``route_index`` publishes it at ``GET /wp-json/wc/v3``, so the constraints a client reads are the ones the
sandbox applies, and the contract test can hold both against the vendor's own index example.
Error bodies follow WP_REST_Request::has_valid_params: ``rest_invalid_param`` with ``params`` (messages) and
``details`` (code/message/data per parameter), ``rest_missing_callback_param`` for required ones.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from .data import STATUSES


class WCError(Exception):
    """A WordPress/WooCommerce error response: ``{"code", "message", "data": {"status", ...}}``."""

    def __init__(self, status: int, code: str, message: str, **data: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.data = status, code, message, data

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": {"status": self.status, **self.data}}


def arg(type_: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"required": extra.pop("required", False), **extra, "description": description, "type": type_}


def _collection(orderby: list[str], *, dates: bool = True, **extra: dict) -> dict[str, dict]:
    args = {
        "context": arg("string", "Which fields the response carries.", default="view", enum=["view", "edit"]),
        "page": arg("integer", "Page of the result set, from 1.", default=1, minimum=1),
        "per_page": arg(
            "integer", "Items per page (WordPress caps collections at 100).", default=10, minimum=1, maximum=100
        ),
        "search": arg("string", "Only items matching this text."),
        "offset": arg("integer", "Skip this many items (overrides page)."),
        "order": arg("string", "Sort direction.", default="desc", enum=["asc", "desc"]),
        "orderby": arg("string", "Sort attribute.", default="date", enum=orderby),
        "include": arg("array", "Only these ids.", default=[], items={"type": "integer"}),
        "exclude": arg("array", "Not these ids.", default=[], items={"type": "integer"}),
    }
    if dates:
        args.update(
            {
                "after": arg("string", "Created after this ISO 8601 time (exclusive).", format="date-time"),
                "before": arg("string", "Created before this ISO 8601 time (exclusive).", format="date-time"),
                "modified_after": arg("string", "Modified after this ISO 8601 time (exclusive).", format="date-time"),
                "modified_before": arg("string", "Modified before this ISO 8601 time (exclusive).", format="date-time"),
                "dates_are_gmt": arg("boolean", "Compare the date arguments with the GMT columns.", default=False),
            }
        )
    return {**args, **extra}


ORDER_STATUS_ENUM = ["any", "trash", *STATUSES]
ORDERS_LIST = _collection(
    ["date", "id", "include", "title", "slug", "modified"],
    status=arg(
        "array",
        "Only orders in these statuses; 'any' excludes trash.",
        default="any",
        items={"type": "string", "enum": ORDER_STATUS_ENUM},
    ),
    customer=arg("integer", "Only orders of this customer id."),
    product=arg("integer", "Only orders containing this product id."),
    dp=arg("integer", "Decimal places of amounts.", default=2),
)
ORDER_UPDATE = {
    "status": arg("string", "Order status.", enum=list(STATUSES)),
    "customer_note": arg("string", "Note the buyer left at checkout."),
    "transaction_id": arg("string", "Payment transaction id."),
    "payment_method": arg("string", "Payment method id."),
    "payment_method_title": arg("string", "Payment method title."),
    "billing": arg("object", "Billing address (merged)."),
    "shipping": arg("object", "Shipping address (merged)."),
    "meta_data": arg("array", "Meta data, merged by id or key.", items={"type": "object"}),
    "set_paid": arg("boolean", "Mark as paid (sets date_paid, status processing)."),
}
ORDER_DELETE = {"force": arg("boolean", "Delete for good instead of moving to the trash.", default=False)}
NOTES_LIST = {
    "context": arg("string", "Which fields the response carries.", default="view", enum=["view", "edit"]),
    "type": arg("string", "Which notes.", default="any", enum=["any", "customer", "internal"]),
}
NOTE_CREATE = {
    "note": arg("string", "Note text.", required=True),
    "customer_note": arg("boolean", "Also show (and mail) the note to the buyer.", default=False),
    "added_by_user": arg("boolean", "Attribute the note to the API user.", default=False),
}
_STOCK = {
    "sku": arg("string", "Stock keeping unit."),
    "regular_price": arg("string", "Regular price."),
    "sale_price": arg("string", "Sale price."),
    "manage_stock": arg("boolean", "Track stock."),
    "stock_quantity": arg("integer", "Stock on hand."),
    "stock_status": arg("string", "Stock status.", enum=["instock", "outofstock", "onbackorder"]),
    "backorders": arg("string", "Backorders allowed?", enum=["no", "notify", "yes"]),
    "meta_data": arg("array", "Meta data, merged by id or key.", items={"type": "object"}),
}
PRODUCT_UPDATE = {
    "name": arg("string", "Product name."),
    **_STOCK,
    "status": arg("string", "Post status.", enum=["draft", "pending", "private", "publish"]),
}
VARIATION_UPDATE = dict(_STOCK)
PRODUCTS_LIST = _collection(
    ["date", "id", "include", "title", "slug", "modified", "price", "popularity", "rating"],
    status=arg(
        "string",
        "Only products in this post status.",
        default="any",
        enum=["any", "draft", "pending", "private", "publish"],
    ),
    type=arg("string", "Only products of this type.", enum=["simple", "grouped", "external", "variable"]),
    sku=arg("string", "Only products with this SKU (comma-separated for several)."),
)
VARIATIONS_LIST = _collection(
    ["date", "id", "include", "title", "slug", "modified"], sku=arg("string", "Only variations with this SKU.")
)
BATCH = {
    "create": arg("array", "Items to create."),
    "update": arg("array", "Items to update."),
    "delete": arg("array", "Ids to delete.", items={"type": "integer"}),
}
WEBHOOK_STATUS = ["active", "paused", "disabled"]
WEBHOOKS_LIST = _collection(
    ["date", "id", "include", "title", "slug"],
    dates=False,
    status=arg("string", "Only webhooks in this status.", default="all", enum=["all", *WEBHOOK_STATUS]),
)
WEBHOOK_CREATE = {
    "name": arg("string", "Friendly name."),
    "status": arg("string", "Delivery status.", default="active", enum=WEBHOOK_STATUS),
    "topic": arg("string", "Event, e.g. order.updated.", required=True),
    "secret": arg("string", "HMAC key for X-WC-Webhook-Signature."),
    "delivery_url": arg("string", "Where payloads are POSTed.", required=True, format="uri"),
}
WEBHOOK_UPDATE = {k: {**v, "required": False} for k, v in WEBHOOK_CREATE.items() if k != "delivery_url"}
FORCE = {"force": arg("boolean", "Delete for good.", default=False)}

ROUTES: list[tuple[str, list[tuple[list[str], dict]]]] = [
    ("/wc/v3/orders", [(["GET"], ORDERS_LIST)]),
    (
        "/wc/v3/orders/(?P<id>[\\d]+)",
        [(["GET"], {}), (["POST", "PUT", "PATCH"], ORDER_UPDATE), (["DELETE"], ORDER_DELETE)],
    ),
    ("/wc/v3/orders/(?P<order_id>[\\d]+)/notes", [(["GET"], NOTES_LIST), (["POST"], NOTE_CREATE)]),
    ("/wc/v3/products", [(["GET"], PRODUCTS_LIST)]),
    ("/wc/v3/products/(?P<id>[\\d]+)", [(["GET"], {}), (["POST", "PUT", "PATCH"], PRODUCT_UPDATE)]),
    ("/wc/v3/products/batch", [(["POST", "PUT", "PATCH"], BATCH)]),
    ("/wc/v3/products/(?P<product_id>[\\d]+)/variations", [(["GET"], VARIATIONS_LIST)]),
    (
        "/wc/v3/products/(?P<product_id>[\\d]+)/variations/(?P<id>[\\d]+)",
        [(["GET"], {}), (["POST", "PUT", "PATCH"], VARIATION_UPDATE)],
    ),
    ("/wc/v3/products/(?P<product_id>[\\d]+)/variations/batch", [(["POST", "PUT", "PATCH"], BATCH)]),
    ("/wc/v3/webhooks", [(["GET"], WEBHOOKS_LIST), (["POST"], WEBHOOK_CREATE)]),
    (
        "/wc/v3/webhooks/(?P<id>[\\d]+)",
        [(["GET"], {}), (["POST", "PUT", "PATCH"], WEBHOOK_UPDATE), (["DELETE"], FORCE)],
    ),
]


def route_index(site_url: str) -> dict[str, Any]:
    """The namespace index (``GET /wp-json/wc/v3``) for the routes above, in WordPress's format."""
    routes: dict[str, Any] = {
        "/wc/v3": {
            "namespace": "wc/v3",
            "methods": ["GET"],
            "endpoints": [
                {
                    "methods": ["GET"],
                    "args": {
                        "namespace": {"required": False, "default": "wc/v3"},
                        "context": {"required": False, "default": "view"},
                    },
                }
            ],
            "_links": {"self": f"{site_url}/wp-json/wc/v3"},
        }
    }
    for route, endpoints in ROUTES:
        entry: dict[str, Any] = {
            "namespace": "wc/v3",
            "methods": [m for methods, _ in endpoints for m in methods],
            "endpoints": [{"methods": methods, "args": args} for methods, args in endpoints],
        }
        if "(?P" not in route:
            entry["_links"] = {"self": f"{site_url}/wp-json{route}"}
        routes[route] = entry
    return {"namespace": "wc/v3", "routes": routes, "_links": {"up": [{"href": f"{site_url}/wp-json/"}]}}


def php_query(query: str) -> dict[str, Any]:
    """Parse a query string as PHP fills ``$_GET``: ``a[]=1&a[]=2`` is a list, a repeated plain name keeps
    its last value. (WooCommerce's OAuth check signs the parameters in this shape.)"""
    out: dict[str, Any] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        m = re.fullmatch(r"([^\[\]]+)\[([^\[\]]*)\]", key)
        if m:
            bucket = out.get(m[1])
            bucket = bucket if isinstance(bucket, dict) else {}
            bucket[m[2] if m[2] else str(len(bucket))] = value
            out[m[1]] = bucket
        else:
            out[key] = value
    return out


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}(:?\d{2})?)?$")


def _check(name: str, spec: dict, value: Any) -> tuple[Any, tuple[str, str] | None]:
    """Coerce one value as WordPress's rest_sanitize/validate_value_from_schema would."""
    t = spec.get("type")
    if t == "integer":
        if isinstance(value, bool) or not (
            isinstance(value, int)
            or (isinstance(value, float) and value.is_integer())
            or (isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()))
        ):
            return value, ("rest_invalid_type", f"{name} is not of type integer.")
        value = int(value)
    elif t == "boolean":
        truth = {"true": True, "1": True, "false": False, "0": False}
        if not isinstance(value, bool):
            if not isinstance(value, (int, str)) or str(value).lower() not in truth:
                return value, ("rest_invalid_type", f"{name} is not of type boolean.")
            value = truth[str(value).lower()]
    elif t == "string" and not isinstance(value, str):
        return value, ("rest_invalid_type", f"{name} is not of type string.")
    elif t == "object" and not isinstance(value, dict):
        return value, ("rest_invalid_type", f"{name} is not of type object.")
    elif t == "array":
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, str):
            value = [v for v in re.split(r"[\s,]+", value) if v]
        if not isinstance(value, list):
            return value, ("rest_invalid_type", f"{name} is not of type array.")
        items, out = spec.get("items") or {}, []
        for i, item in enumerate(value):
            item, problem = _check(f"{name}[{i}]", items, item)
            if problem:
                return value, problem
            out.append(item)
        return out, None
    if "enum" in spec and value not in spec["enum"]:
        return value, ("rest_not_in_enum", f"{name} is not one of {', '.join(map(str, spec['enum']))}.")
    lo, hi = spec.get("minimum"), spec.get("maximum")
    if lo is not None and hi is not None and not lo <= value <= hi:
        return value, ("rest_out_of_bounds", f"{name} must be between {lo} (inclusive) and {hi} (inclusive)")
    if lo is not None and hi is None and value < lo:
        return value, ("rest_out_of_bounds", f"{name} must be greater than or equal to {lo}")
    if spec.get("format") == "date-time" and not _DATE.match(value):
        return value, ("rest_invalid_date", "Invalid date.")
    if spec.get("format") == "uri" and not re.match(r"^https?://[^\s/]+", value):
        return value, ("rest_invalid_url", "Invalid URL.")
    return value, None


def validate(spec: dict[str, dict], values: dict[str, Any]) -> dict[str, Any]:
    """Return the declared arguments, coerced and with defaults; raise the WordPress 400 otherwise."""
    missing = [k for k, s in spec.items() if s.get("required") and values.get(k) is None]
    if missing:
        raise WCError(400, "rest_missing_callback_param", f"Missing parameter(s): {', '.join(missing)}", params=missing)
    out: dict[str, Any] = {}
    params: dict[str, str] = {}
    details: dict[str, Any] = {}
    for key, s in spec.items():
        if key not in values:
            if "default" in s:
                out[key] = _check(key, s, s["default"])[0]
            continue
        value, problem = _check(key, s, values[key])
        if problem:
            params[key] = problem[1]
            details[key] = {"code": problem[0], "message": problem[1], "data": None}
        out[key] = value
    if params:
        raise WCError(
            400, "rest_invalid_param", f"Invalid parameter(s): {', '.join(params)}", params=params, details=details
        )
    return out

"""Values for the fields of the wide schema that the stored shop data does not hold.

The store keeps what the connector reads and what the control API changes; ``schema_wide.graphql`` has
hundreds of fields more. A field missing from a stored object is answered, in this order, by

1. ``DERIVED[(type, field)]``: worked out from the object and the shop as Shopify would (an order's
   subtotal from its lines, a line's variant from the catalogue, an address's coordinates from its city,
   the order a fulfillment belongs to, ...);
2. a rule by field name (``legacyResourceId`` from the gid, ``createdAt``/``updatedAt`` from the object or
   its parent);
3. a value for the field's type: nullable fields null, lists empty, ``Boolean!`` false, numbers 0, money
   0.00 EUR, an enum's first value, an object built the same way (with an id derived from its parent's).

So a non-null field is never null, and the fields clients look at carry data that fits the order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
)

from .data import gid, money

Derive = Callable[..., Any]
DERIVED: dict[tuple[str, str], Derive] = {}

WEIGHT_GRAMS = 450  # every sandbox article weighs this much
SHIPPED_FROM = {
    "address1": "Lagerstraße 5",
    "city": "Berlin",
    "zip": "10115",
    "countryCode": "DE",
    "country": "Germany",
    "latitude": 52.5321,
    "longitude": 13.3849,
}


def derive(type_name: str, *fields: str) -> Callable[[Derive], Derive]:
    def register(fn: Derive) -> Derive:
        for field in fields:
            DERIVED[(type_name, field)] = fn
        return fn

    return register


# Fields whose value is the same on every object of the sandbox's one German shop.
CONSTANT_FIELDS: dict[tuple[str, str], Any] = {
    ("Order", "sourceName"): "web",
    ("Order", "customerLocale"): "de-DE",
    ("Order", "confirmed"): True,
    ("Order", "requiresShipping"): True,
    ("Order", "billingAddressMatchesShippingAddress"): True,
    ("Order", "canNotifyCustomer"): True,
    ("Order", "merchantEditable"): True,
    ("Order", "returnStatus"): "NO_RETURN",
    ("LineItem", "requiresShipping"): True,
    ("LineItem", "taxable"): True,
    ("LineItem", "restockable"): True,
    ("LineItem", "merchantEditable"): True,
    ("Customer", "state"): "ENABLED",
    ("Customer", "locale"): "de",
    ("Customer", "lifetimeDuration"): "about 1 month",
    ("FulfillmentOrder", "requestStatus"): "UNSUBMITTED",
    ("ProductVariant", "inventoryPolicy"): "DENY",
    ("ProductVariant", "taxable"): True,
    ("Product", "tracksInventory"): True,
    ("InventoryItem", "requiresShipping"): True,
    ("InventoryItem", "countryCodeOfOrigin"): "DE",
    ("InventoryItem", "harmonizedSystemCode"): "610910",
    ("InventoryItem", "duplicateSkuCount"): 0,
    ("Location", "fulfillsOnlineOrders"): True,
    ("Location", "shipsInventory"): True,
    ("Location", "hasActiveInventory"): True,
    ("Location", "addressVerified"): True,
    ("Location", "createdAt"): "2023-03-01T09:00:00Z",
    ("Location", "updatedAt"): "2023-03-01T09:00:00Z",
}
for (_type, _field), _value in CONSTANT_FIELDS.items():
    DERIVED[(_type, _field)] = lambda _obj, _info, _value=_value, **_: _value


def number(ident: Any) -> int:
    try:
        return int(str(ident).rsplit("/", 1)[-1])
    except ValueError:
        return 0


def amount(bag: dict[str, Any] | None) -> Decimal:
    return Decimal(bag["shopMoney"]["amount"]) if bag else Decimal("0")


def _money(value: Decimal) -> dict[str, Any]:
    return money(value)


def _money_v2(value: Decimal) -> dict[str, Any]:
    return {"__typename": "MoneyV2", "amount": f"{value:.2f}", "currencyCode": "EUR"}


def _count(value: int) -> dict[str, Any]:
    return {"__typename": "Count", "count": value, "precision": "EXACT"}


def _store(info: Any) -> Any:
    return info.context.sandbox.store


def _per_request(info: Any, name: str, build: Callable[[], Any]) -> Any:
    """An index built once per request (stored objects do not point back to their order), so a bulk query
    over every order stays linear."""
    cache = info.context.__dict__.setdefault("_indexes", {})
    if name not in cache:
        cache[name] = build()
    return cache[name]


_CHILDREN = ("fulfillments", "fulfillmentOrders", "refunds", "transactions", "lineItems")


def _owner(info: Any, child: dict[str, Any], *_keys: str) -> dict[str, Any] | None:
    """The order holding ``child`` (a fulfillment, fulfillment order, refund, transaction or line)."""

    def build() -> dict[str, Any]:
        return {
            item.get("id"): order
            for order in list(_store(info).orders.values())
            for key in _CHILDREN
            for item in order.get(key) or ()
        }

    return _per_request(info, "owners", build).get(child.get("id"))


# --- orders -----------------------------------------------------------------------------------------


def _lines(order: dict[str, Any]) -> list[dict[str, Any]]:
    return order.get("lineItems") or []


def _paid(order: dict[str, Any]) -> bool:
    return order.get("displayFinancialStatus") in ("PAID", "PARTIALLY_REFUNDED", "REFUNDED")


@derive("Order", "subtotalPriceSet", "currentSubtotalPriceSet")
def _subtotal(order: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return _money(sum((amount(li["discountedTotalSet"]) for li in _lines(order)), Decimal("0")))


@derive("Order", "originalTotalPriceSet")
def _original_total(order: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return order["totalPriceSet"]


@derive("Order", "currentTotalPriceSet", "netPaymentSet")
def _current_total(order: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return _money(amount(order["totalPriceSet"]) - amount(order.get("totalRefundedSet")))


@derive("Order", "currentTotalTaxSet")
def _current_tax(order: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return order.get("totalTaxSet") or _money(Decimal("0"))


@derive("Order", "currentShippingPriceSet")
def _current_shipping(order: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return order["totalShippingPriceSet"]


@derive("Order", "totalDiscountsSet", "currentTotalDiscountsSet")
def _discounts(order: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return _money(
        sum(
            (amount(d["allocatedAmountSet"]) for li in _lines(order) for d in li.get("discountAllocations") or ()),
            Decimal("0"),
        )
    )


@derive("Order", "totalReceivedSet")
def _received(order: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return order["totalPriceSet"] if _paid(order) else _money(Decimal("0"))


@derive("Order", "totalOutstandingSet")
def _outstanding(order: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    due = not _paid(order) and not order.get("cancelledAt")
    return order["totalPriceSet"] if due else _money(Decimal("0"))


@derive("Order", "fullyPaid")
def _fully_paid(order: dict[str, Any], info: Any, **_: Any) -> bool:
    return _paid(order)


@derive("Order", "unpaid")
def _unpaid(order: dict[str, Any], info: Any, **_: Any) -> bool:
    return not _paid(order)


@derive("Order", "refundable")
def _refundable(order: dict[str, Any], info: Any, **_: Any) -> bool:
    return _paid(order) and order.get("displayFinancialStatus") != "REFUNDED"


@derive("Order", "subtotalLineItemsQuantity", "currentSubtotalLineItemsQuantity")
def _quantity(order: dict[str, Any], info: Any, **_: Any) -> int:
    return sum(li["quantity"] for li in _lines(order))


@derive("Order", "totalWeight", "currentTotalWeight")
def _weight(order: dict[str, Any], info: Any, **_: Any) -> str:
    return str(WEIGHT_GRAMS * sum(li["quantity"] for li in _lines(order)))


@derive("Order", "taxLines", "currentTaxLines")
def _order_tax_lines(order: dict[str, Any], info: Any, **_: Any) -> list[dict[str, Any]]:
    by_rate: dict[float, Decimal] = {}
    for line in [*_lines(order), *(order.get("shippingLines") or [])]:
        for tax in line.get("taxLines") or ():
            by_rate[tax["ratePercentage"]] = by_rate.get(tax["ratePercentage"], Decimal("0")) + amount(tax["priceSet"])
    return [
        {
            "__typename": "TaxLine",
            "title": "MwSt.",
            "ratePercentage": rate,
            "rate": rate / 100,
            "priceSet": _money(total),
            "channelLiable": False,
        }
        for rate, total in sorted(by_rate.items())
    ]


@derive("Order", "displayAddress")
def _display_address(order: dict[str, Any], info: Any, **_: Any) -> Any:
    return order.get("shippingAddress") or order.get("billingAddress")


@derive("Order", "shippingLine")
def _shipping_line(order: dict[str, Any], info: Any, **_: Any) -> Any:
    return next(iter(order.get("shippingLines") or ()), None)


@derive("Order", "statusPageUrl")
def _status_page(order: dict[str, Any], info: Any, **_: Any) -> str:
    return f"https://{info.context.sandbox.domain}/{number(order['id'])}/orders/{order['id'][-8:]}/authenticate"


@derive("Order", "confirmationNumber")
def _confirmation(order: dict[str, Any], info: Any, **_: Any) -> str:
    return f"K{number(order['id']) % 10**8:08X}"[:9]


@derive("Order", "presentmentCurrencyCode")
def _presentment(order: dict[str, Any], info: Any, **_: Any) -> str:
    return order["currencyCode"]


@derive("Order", "fulfillable", "restockable")
def _open_lines(order: dict[str, Any], info: Any, **_: Any) -> bool:
    return not order.get("cancelledAt") and order.get("displayFulfillmentStatus") != "FULFILLED"


@derive("Order", "fulfillmentsCount")
def _fulfillments_count(order: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return _count(len(order.get("fulfillments") or ()))


@derive("Order", "transactionsCount")
def _transactions_count(order: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return _count(len(order.get("transactions") or ()))


LOYALTY = {
    "__typename": "ManualDiscountApplication",
    "title": "Treuerabatt",
    "description": "10 % für Stammkunden",
    "allocationMethod": "ACROSS",
    "targetSelection": "EXPLICIT",
    "targetType": "LINE_ITEM",
    "index": 0,
    "value": {"__typename": "PricingPercentageValue", "percentage": 10.0},
}  # the 10 % data.py gives


@derive("Order", "discountApplications")
def _discount_applications(order: dict[str, Any], info: Any, **_: Any) -> list[dict[str, Any]]:
    return [dict(LOYALTY)] if any(li.get("discountAllocations") for li in _lines(order)) else []


@derive("DiscountAllocation", "discountApplication")
def _discount_application(allocation: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return dict(LOYALTY)


# --- line items -------------------------------------------------------------------------------------


@derive("LineItem", "variant")
def _line_variant(line: dict[str, Any], info: Any, **_: Any) -> Any:
    ref = line.get("variant")
    return _store(info).variants.get(ref["id"], ref) if ref else None


@derive("LineItem", "product")
def _line_product(line: dict[str, Any], info: Any, **_: Any) -> Any:
    ref = line.get("product")
    if not ref:
        return None
    return next((p for p in _store(info).products if p["id"] == ref["id"]), ref)


def _unit(line: dict[str, Any]) -> Decimal:
    return amount(line["originalUnitPriceSet"])


@derive("LineItem", "originalTotalSet", "unfulfilledOriginalTotalSet")
def _line_original_total(line: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return _money(_unit(line) * line["quantity"])


@derive("LineItem", "discountedUnitPriceSet", "discountedUnitPriceAfterAllDiscountsSet")
def _line_discounted_unit(line: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return _money((amount(line["discountedTotalSet"]) / max(line["quantity"], 1)).quantize(Decimal("0.01")))


@derive("LineItem", "totalDiscountSet")
def _line_discount(line: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return _money(_unit(line) * line["quantity"] - amount(line["discountedTotalSet"]))


@derive("LineItem", "unfulfilledDiscountedTotalSet")
def _line_unfulfilled_total(line: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return line["discountedTotalSet"]


@derive("LineItem", "refundableQuantity", "unfulfilledQuantity")
def _line_open_quantity(line: dict[str, Any], info: Any, **_: Any) -> int:
    return line["currentQuantity"]


@derive("LineItem", "vendor")
def _vendor(obj: dict[str, Any], info: Any, **_: Any) -> str:
    return info.context.sandbox.shop()["name"]


DERIVED[("Product", "vendor")] = _vendor


# --- customers --------------------------------------------------------------------------------------


def _customer_orders(info: Any, customer: dict[str, Any]) -> list[dict[str, Any]]:
    def build() -> dict[str | None, list[dict[str, Any]]]:
        index: dict[str | None, list[dict[str, Any]]] = {}
        for order in list(_store(info).orders.values()):
            index.setdefault((order.get("customer") or {}).get("id"), []).append(order)
        return index

    return _per_request(info, "customers", build).get(customer.get("id"), [])


@derive("Customer", "orders")
def _customer_order_list(customer: dict[str, Any], info: Any, **_: Any) -> list[dict[str, Any]]:
    return sorted(_customer_orders(info, customer), key=lambda o: o["processedAt"])


@derive("Customer", "displayName")
def _display_name(customer: dict[str, Any], info: Any, **_: Any) -> str:
    name = " ".join(p for p in (customer.get("firstName"), customer.get("lastName")) if p)
    return name or customer.get("email") or ""


@derive("Customer", "numberOfOrders")
def _orders_count(customer: dict[str, Any], info: Any, **_: Any) -> str:
    return str(len(_customer_orders(info, customer)))


@derive("Customer", "amountSpent")
def _spent(customer: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return _money_v2(
        sum((amount(o["totalPriceSet"]) for o in _customer_orders(info, customer) if _paid(o)), Decimal("0"))
    )


@derive("Customer", "createdAt")
def _customer_created(customer: dict[str, Any], info: Any, **_: Any) -> str:
    return min((o["createdAt"] for o in _customer_orders(info, customer)), default="2024-01-01T00:00:00Z")


@derive("Customer", "updatedAt")
def _customer_updated(customer: dict[str, Any], info: Any, **_: Any) -> str:
    return max((o["updatedAt"] for o in _customer_orders(info, customer)), default="2024-01-01T00:00:00Z")


@derive("Customer", "lastOrder")
def _last_order(customer: dict[str, Any], info: Any, **_: Any) -> Any:
    return max(_customer_orders(info, customer), key=lambda o: o["createdAt"], default=None)


@derive("Customer", "defaultAddress")
def _default_address(customer: dict[str, Any], info: Any, **_: Any) -> Any:
    last = _last_order(customer, info)
    return last.get("billingAddress") if last else None


@derive("Customer", "addresses", "addressesV2")
def _addresses(customer: dict[str, Any], info: Any, **_: Any) -> list[Any]:
    address = _default_address(customer, info)
    return [address] if address else []


@derive("Customer", "verifiedEmail", "validEmailAddress", "canDelete")
def _customer_yes(customer: dict[str, Any], info: Any, **_: Any) -> bool:
    return bool(customer.get("email"))


@derive("Customer", "unsubscribeUrl")
def _unsubscribe(customer: dict[str, Any], info: Any, **_: Any) -> str:
    return f"https://{info.context.sandbox.domain}/unsubscribe?c={number(customer['id'])}"


# --- fulfillment, refunds, transactions ----------------------------------------------------------------


@derive("Fulfillment", "order")
def _fulfillment_order(obj: dict[str, Any], info: Any, **_: Any) -> Any:
    return _owner(info, obj, "fulfillments")


@derive("Fulfillment", "name")
def _fulfillment_name(obj: dict[str, Any], info: Any, **_: Any) -> str:
    order = _fulfillment_order(obj, info)
    return f"{order['name']}-F{order['fulfillments'].index(obj) + 1}" if order else "#F1"


@derive("Fulfillment", "updatedAt")
def _fulfillment_updated(obj: dict[str, Any], info: Any, **_: Any) -> str:
    return obj["createdAt"]


@derive("Fulfillment", "displayStatus")
def _fulfillment_display(obj: dict[str, Any], info: Any, **_: Any) -> str:
    return "FULFILLED" if obj.get("status") == "SUCCESS" else "CANCELED"


@derive("Fulfillment", "totalQuantity")
def _fulfillment_quantity(obj: dict[str, Any], info: Any, **_: Any) -> int:
    order = _fulfillment_order(obj, info)
    return sum(li["quantity"] for li in _lines(order)) if order else 0


@derive("Fulfillment", "fulfillmentLineItems")
def _fulfillment_lines(obj: dict[str, Any], info: Any, **_: Any) -> list[dict[str, Any]]:
    order = _fulfillment_order(obj, info)
    shipped = obj.get("_lines")  # {order line id: quantity} of a fulfilment of single lines
    return [
        {
            "__typename": "FulfillmentLineItem",
            "id": gid("FulfillmentLineItem", number(li["id"])),
            "lineItem": li,
            "quantity": shipped[li["id"]] if shipped else li["quantity"],
            "originalTotalSet": _line_original_total(li, info),
            "discountedTotalSet": li["discountedTotalSet"],
        }
        for li in (_lines(order) if order else [])
        if not shipped or li["id"] in shipped
    ]


@derive("Fulfillment", "location")
def _fulfillment_location(obj: dict[str, Any], info: Any, **_: Any) -> Any:
    return next(iter(_store(info).locations.values()), None)


@derive("Fulfillment", "originAddress")
def _origin(obj: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return {
        "__typename": "FulfillmentOriginAddress",
        **{k: SHIPPED_FROM[k] for k in ("address1", "city", "zip", "countryCode")},
    }


@derive("FulfillmentOrder", "order")
def _fo_order(obj: dict[str, Any], info: Any, **_: Any) -> Any:
    return _owner(info, obj, "fulfillmentOrders")


@derive("FulfillmentOrder", "orderId")
def _fo_order_id(obj: dict[str, Any], info: Any, **_: Any) -> str:
    order = _fo_order(obj, info)
    return order["id"] if order else gid("Order", 0)


@derive("FulfillmentOrder", "orderName")
def _fo_order_name(obj: dict[str, Any], info: Any, **_: Any) -> str:
    order = _fo_order(obj, info)
    return order["name"] if order else ""


@derive("FulfillmentOrder", "orderProcessedAt", "createdAt")
def _fo_created(obj: dict[str, Any], info: Any, **_: Any) -> str:
    order = _fo_order(obj, info)
    return order["processedAt"] if order else "2024-01-01T00:00:00Z"


@derive("FulfillmentOrder", "updatedAt")
def _fo_updated(obj: dict[str, Any], info: Any, **_: Any) -> str:
    order = _fo_order(obj, info)
    return order["updatedAt"] if order else "2024-01-01T00:00:00Z"


@derive("FulfillmentOrder", "supportedActions")
def _fo_actions(obj: dict[str, Any], info: Any, **_: Any) -> list[dict[str, Any]]:
    actions = ["CREATE_FULFILLMENT", "HOLD", "MOVE"] if obj.get("status") == "OPEN" else []
    return [{"__typename": "FulfillmentOrderSupportedAction", "action": a, "externalUrl": None} for a in actions]


@derive("FulfillmentOrder", "assignedLocation")
def _fo_location(obj: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    location = next(iter(_store(info).locations.values()))
    return {
        "__typename": "FulfillmentOrderAssignedLocation",
        "name": location["name"],
        "location": location,
        "address1": SHIPPED_FROM["address1"],
        "city": SHIPPED_FROM["city"],
        "zip": SHIPPED_FROM["zip"],
        "countryCode": SHIPPED_FROM["countryCode"],
    }


@derive("FulfillmentOrder", "destination")
def _fo_destination(obj: dict[str, Any], info: Any, **_: Any) -> Any:
    order = _fo_order(obj, info)
    address = (order or {}).get("shippingAddress")
    if not address:
        return None
    return {
        "__typename": "FulfillmentOrderDestination",
        "id": gid("FulfillmentOrderDestination", number(obj["id"])),
        **{
            k: address.get(k)
            for k in ("address1", "address2", "city", "company", "firstName", "lastName", "phone", "province", "zip")
        },
        "countryCode": address.get("countryCodeV2"),
        "email": order.get("email"),
    }


@derive("FulfillmentOrder", "lineItems")
def _fo_lines(obj: dict[str, Any], info: Any, **_: Any) -> list[dict[str, Any]]:
    order = _fo_order(obj, info)
    closed = obj.get("status") != "OPEN"
    out = []
    for li in _lines(order) if order else []:
        variant = _line_variant(li, info) or {}
        out.append(
            {
                "__typename": "FulfillmentOrderLineItem",
                "id": gid("FulfillmentOrderLineItem", number(li["id"])),
                "lineItem": li,
                "productTitle": li["title"],
                "sku": li.get("sku"),
                "variant": variant or None,
                "variantTitle": li.get("variantTitle"),
                "totalQuantity": li["quantity"],
                "remainingQuantity": 0 if closed else remaining(obj, li),
                "requiresShipping": True,
                "inventoryItemId": (variant.get("inventoryItem") or {}).get("id"),
                "vendor": info.context.sandbox.shop()["name"],
                "warnings": [],
                "financialSummaries": [],
            }
        )
    return out


def fo_line_id(li: dict[str, Any]) -> str:
    return gid("FulfillmentOrderLineItem", number(li["id"]))


def remaining(fo: dict[str, Any], li: dict[str, Any]) -> int:
    """What of an order line this fulfilment order has still to ship (partial fulfilments subtract)."""
    return li["quantity"] - (fo.get("_fulfilled") or {}).get(fo_line_id(li), 0)


@derive("FulfillmentOrder", "fulfillments")
def _fo_fulfillments(obj: dict[str, Any], info: Any, **_: Any) -> list[Any]:
    order = _fo_order(obj, info)
    return list(order.get("fulfillments") or ()) if order and obj.get("status") == "CLOSED" else []


@derive("Refund", "order")
def _refund_order(obj: dict[str, Any], info: Any, **_: Any) -> Any:
    return _owner(info, obj, "refunds")


@derive("Refund", "updatedAt")
def _refund_updated(obj: dict[str, Any], info: Any, **_: Any) -> Any:
    return obj.get("createdAt")


@derive("Refund", "refundLineItems")
def _refund_lines(obj: dict[str, Any], info: Any, **_: Any) -> list[dict[str, Any]]:
    order = _refund_order(obj, info)
    return [
        {
            "__typename": "RefundLineItem",
            "id": gid("RefundLineItem", number(li["id"])),
            "lineItem": li,
            "quantity": li["quantity"],
            "restockType": "RETURN",
            "restocked": False,
            "priceSet": li["originalUnitPriceSet"],
            "subtotalSet": li["discountedTotalSet"],
            "totalTaxSet": li["taxLines"][0]["priceSet"] if li.get("taxLines") else _money(Decimal("0")),
        }
        for li in (_lines(order) if order else [])
    ]


@derive("Refund", "transactions")
def _refund_transactions(obj: dict[str, Any], info: Any, **_: Any) -> list[Any]:
    order = _refund_order(obj, info)
    return [t for t in (order or {}).get("transactions") or () if t["kind"] == "REFUND"]


@derive("OrderTransaction", "order")
def _transaction_order(obj: dict[str, Any], info: Any, **_: Any) -> Any:
    return _owner(info, obj, "transactions")


@derive("OrderTransaction", "createdAt")
def _transaction_created(obj: dict[str, Any], info: Any, **_: Any) -> Any:
    return obj.get("processedAt")


@derive("OrderTransaction", "formattedGateway")
def _gateway(obj: dict[str, Any], info: Any, **_: Any) -> str:
    return {"paypal": "PayPal", "shopify_payments": "Shopify Payments", "manual": "Manual"}.get(
        obj.get("gateway") or "", obj.get("gateway") or ""
    )


@derive("OrderTransaction", "manualPaymentGateway")
def _manual(obj: dict[str, Any], info: Any, **_: Any) -> bool:
    return obj.get("gateway") == "manual"


@derive("OrderTransaction", "paymentId")
def _payment_id(obj: dict[str, Any], info: Any, **_: Any) -> str:
    return f"c{number(obj['id'])}.1"


# --- catalogue and inventory ------------------------------------------------------------------------


def _product_of(info: Any, variant: dict[str, Any]) -> dict[str, Any] | None:
    pid = gid("Product", variant["_product"]) if "_product" in variant else None
    return next((p for p in _store(info).products if p["id"] == pid), None)


@derive("ProductVariant", "product")
def _variant_product(variant: dict[str, Any], info: Any, **_: Any) -> Any:
    return _product_of(info, variant)


@derive("ProductVariant", "displayName")
def _variant_display(variant: dict[str, Any], info: Any, **_: Any) -> str:
    product = _product_of(info, variant)
    return f"{product['title']} - {variant['title']}" if product else variant.get("title", "")


@derive("ProductVariant", "createdAt", "updatedAt")
def _variant_times(variant: dict[str, Any], info: Any, **_: Any) -> str:
    product = _product_of(info, variant)
    return product["updatedAt"] if product else "2024-01-01T00:00:00Z"


@derive("ProductVariant", "position")
def _variant_position(variant: dict[str, Any], info: Any, **_: Any) -> int:
    product = _product_of(info, variant)
    return product["variants"].index(variant) + 1 if product and variant in product["variants"] else 1


@derive("ProductVariant", "availableForSale")
def _for_sale(variant: dict[str, Any], info: Any, **_: Any) -> bool:
    return (variant.get("inventoryQuantity") or 0) > 0


@derive("ProductVariant", "sellableOnlineQuantity")
def _sellable(variant: dict[str, Any], info: Any, **_: Any) -> int:
    return max(variant.get("inventoryQuantity") or 0, 0)


@derive("Product", "createdAt")
def _product_created(product: dict[str, Any], info: Any, **_: Any) -> str:
    return product["updatedAt"]


@derive("Product", "description")
def _description(product: dict[str, Any], info: Any, **_: Any) -> str:
    return f"{product['title']} aus dem Sandbox-Sortiment."


@derive("Product", "descriptionHtml")
def _description_html(product: dict[str, Any], info: Any, **_: Any) -> str:
    return f"<p>{_description(product, info)}</p>"


@derive("Product", "productType")
def _product_type(product: dict[str, Any], info: Any, **_: Any) -> str:
    return product["title"].rsplit(" ", 1)[0]


@derive("Product", "totalInventory")
def _total_inventory(product: dict[str, Any], info: Any, **_: Any) -> int:
    return sum(v.get("inventoryQuantity") or 0 for v in product["variants"])


@derive("Product", "hasOnlyDefaultVariant")
def _only_default(product: dict[str, Any], info: Any, **_: Any) -> bool:
    return len(product["variants"]) == 1 and product["variants"][0]["title"] == "Default Title"


@derive("Product", "hasOutOfStockVariants")
def _out_of_stock(product: dict[str, Any], info: Any, **_: Any) -> bool:
    return any((v.get("inventoryQuantity") or 0) <= 0 for v in product["variants"])


@derive("Product", "variantsCount")
def _variants_count(product: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return _count(len(product["variants"]))


@derive("Product", "options")
def _options(product: dict[str, Any], info: Any, first: int | None = None, **_: Any) -> list[dict[str, Any]]:
    chosen = [o for v in product["variants"] for o in v.get("selectedOptions") or ()]
    if not chosen:
        return []
    name = chosen[0]["name"]
    values = list(dict.fromkeys(o["value"] for o in chosen))
    return [
        {
            "__typename": "ProductOption",
            "id": gid("ProductOption", number(product["id"])),
            "name": name,
            "position": 1,
            "values": values,
        }
    ][:first]


@derive("Product", "priceRangeV2")
def _price_range(product: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    prices = [Decimal(v["price"]) for v in product["variants"]] or [Decimal("0")]
    return {
        "__typename": "ProductPriceRangeV2",
        "minVariantPrice": _money_v2(min(prices)),
        "maxVariantPrice": _money_v2(max(prices)),
    }


@derive("Product", "onlineStoreUrl")
def _store_url(product: dict[str, Any], info: Any, **_: Any) -> str:
    return f"https://{info.context.sandbox.domain}/products/{product['handle']}"


@derive("Product", "publishedAt")
def _published(product: dict[str, Any], info: Any, **_: Any) -> str:
    return product["updatedAt"]


@derive("Product", "seo")
def _seo(product: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return {"__typename": "SEO", "title": product["title"], "description": _description(product, info)}


def _variant_of_item(info: Any, item: dict[str, Any]) -> dict[str, Any] | None:
    return _store(info).items.get(item.get("id"))


@derive("InventoryItem", "variant")
def _item_variant(item: dict[str, Any], info: Any, **_: Any) -> Any:
    return _variant_of_item(info, item)


@derive("InventoryItem", "createdAt", "updatedAt")
def _item_times(item: dict[str, Any], info: Any, **_: Any) -> str:
    variant = _variant_of_item(info, item)
    return _variant_times(variant, info) if variant else "2024-01-01T00:00:00Z"


@derive("InventoryItem", "unitCost")
def _unit_cost(item: dict[str, Any], info: Any, **_: Any) -> Any:
    variant = _variant_of_item(info, item)
    return _money_v2((Decimal(variant["price"]) * Decimal("0.4")).quantize(Decimal("0.01"))) if variant else None


@derive("InventoryItem", "measurement")
def _measurement(item: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    return {
        "__typename": "InventoryItemMeasurement",
        "id": gid("InventoryItemMeasurement", number(item["id"])),
        "weight": {"__typename": "Weight", "unit": "GRAMS", "value": float(WEIGHT_GRAMS)},
    }


def _level(info: Any, item_id: str, location: dict[str, Any]) -> dict[str, Any]:
    quantity = _store(info).levels.get((item_id, location["id"]), 0)
    return {
        "__typename": "InventoryLevel",
        "id": f"gid://shopify/InventoryLevel/{number(item_id)}?inventory_item_id="
        f"{number(item_id)}&location_id={number(location['id'])}",
        "_item": item_id,
        "location": location,
        "_quantity": quantity,
        "canDeactivate": False,
        "deactivationAlert": None,
    }


@derive("InventoryItem", "inventoryLevels")
def _item_levels(item: dict[str, Any], info: Any, **_: Any) -> list[dict[str, Any]]:
    return [_level(info, item["id"], loc) for loc in _store(info).locations.values()]


@derive("InventoryItem", "inventoryLevel")
def _item_level(item: dict[str, Any], info: Any, locationId: str = "", **_: Any) -> Any:
    location = _store(info).locations.get(locationId)
    return _level(info, item["id"], location) if location else None


@derive("InventoryLevel", "item")
def _level_item(level: dict[str, Any], info: Any, **_: Any) -> Any:
    variant = _store(info).items.get(level["_item"])
    return variant["inventoryItem"] if variant else None


@derive("InventoryLevel", "quantities")
def _level_quantities(level: dict[str, Any], info: Any, names: Sequence[str] = (), **_: Any) -> list[dict[str, Any]]:
    on_hand = level["_quantity"]
    known = {
        "available": on_hand,
        "on_hand": on_hand,
        "committed": 0,
        "incoming": 0,
        "reserved": 0,
        "damaged": 0,
        "quality_control": 0,
        "safety_stock": 0,
    }
    return [
        {
            "__typename": "InventoryQuantity",
            "id": f"{level['id']}&name={n}",
            "name": n,
            "quantity": known.get(n, 0),
            "updatedAt": None,
        }
        for n in names
    ]


@derive("InventoryLevel", "createdAt", "updatedAt")
def _level_times(level: dict[str, Any], info: Any, **_: Any) -> str:
    return _item_times({"id": level["_item"]}, info)


@derive("Location", "inventoryLevels")
def _location_levels(location: dict[str, Any], info: Any, **_: Any) -> list[dict[str, Any]]:
    return [_level(info, item, location) for item in _store(info).items]


@derive("Location", "inventoryLevel")
def _location_level(location: dict[str, Any], info: Any, inventoryItemId: str = "", **_: Any) -> Any:
    return _level(info, inventoryItemId, location) if inventoryItemId in _store(info).items else None


@derive("Location", "address")
def _location_address(location: dict[str, Any], info: Any, **_: Any) -> dict[str, Any]:
    where = (
        SHIPPED_FROM
        if number(location["id"]) % 2
        else {
            **SHIPPED_FROM,
            "address1": "Friedrichstraße 68",
            "zip": "10117",
            "latitude": 52.5096,
            "longitude": 13.3889,
        }
    )
    return {
        "__typename": "LocationAddress",
        **where,
        "address2": None,
        "phone": "+49 30 1234567",
        "province": "Berlin",
        "provinceCode": "BE",
        "formatted": [where["address1"], f"{where['zip']} {where['city']}", where["country"]],
    }


# --- generic rules ----------------------------------------------------------------------------------


def by_name(type_name: str, field: str, obj: dict[str, Any]) -> tuple[bool, Any]:
    if field == "legacyResourceId" and obj.get("id"):
        return True, str(number(obj["id"]))
    if field in ("createdAt", "updatedAt", "processedAt"):
        for key in (field, "updatedAt", "createdAt", "processedAt"):
            if obj.get(key):
                return True, obj[key]
    return False, None


def by_type(type_: Any, parent: dict[str, Any], field: str, schema: Any = None) -> Any:
    """The value a field of this type takes when nothing better is known (see the module docstring)."""
    if not isinstance(type_, GraphQLNonNull):
        return None
    inner = type_.of_type
    if isinstance(inner, GraphQLList):
        return []
    if isinstance(inner, GraphQLEnumType):
        return next(iter(inner.values))
    if isinstance(inner, GraphQLScalarType):
        return {
            "Boolean": False,
            "Int": 0,
            "Float": 0.0,
            "Money": "0.00",
            "Decimal": "0.00",
            "UnsignedInt64": "0",
            "JSON": {},
            "DateTime": parent.get("updatedAt") or parent.get("createdAt") or "2024-01-01T00:00:00Z",
            "URL": "https://ordersync-sandbox.myshopify.com/",
            "ID": gid(field[:1].upper() + field[1:], number(parent.get("id")) or 1),
        }.get(inner.name, "")
    if isinstance(inner, GraphQLInterfaceType | GraphQLUnionType) and schema is not None:
        inner = schema.get_possible_types(inner)[0]  # an abstract type is answered with its first kind
    if isinstance(inner, GraphQLObjectType):
        if inner.name == "MoneyBag":
            return _money(Decimal("0"))
        if inner.name == "MoneyV2":
            return _money_v2(Decimal("0"))
        if inner.name == "Count":
            return _count(0)
        made: dict[str, Any] = {"__typename": inner.name}
        if "id" in inner.fields:
            made["id"] = gid(inner.name, number(parent.get("id")) or 1)
        if parent.get("updatedAt"):
            made["updatedAt"] = parent["updatedAt"]
        return made
    return None

"""Every GraphQL document the Shopify connector sends, in one place so the contract test can check them all.

Connections are read as ``edges { node }`` everywhere because bulk operations need that shape, and one
selection then serves the paged import and the bulk backfill alike. Nested connections carry explicit
``first`` sizes: Shopify prices a query by them (requested cost), so they are kept small and an order
with more line items than ``LINE_ITEMS_PER_ORDER`` gets the rest from ``ORDER_LINE_ITEMS``.
"""

from __future__ import annotations

LINE_ITEMS_PER_ORDER = 10
LINE_ITEMS_PAGE = 50

_MONEY = "shopMoney { amount currencyCode }"
_ADDRESS = "address1 address2 city company countryCodeV2 firstName lastName phone province provinceCode zip"
_TAX = f"taxLines {{ ratePercentage title priceSet {{ {_MONEY} }} }}"
LINE_ITEM = (
    f"__typename id name title sku quantity currentQuantity variantTitle variant {{ id }} product {{ id }} "
    f"originalUnitPriceSet {{ {_MONEY} }} {_TAX} "
    f"discountAllocations {{ allocatedAmountSet {{ {_MONEY} }} }}"
)


def order_fields(line_items: str) -> str:
    """The order selection; ``line_items`` is the lineItems connection text (sized, or bare for bulk)."""
    return (
        "id legacyResourceId name createdAt updatedAt processedAt closed closedAt cancelledAt cancelReason "
        "displayFinancialStatus displayFulfillmentStatus currencyCode email phone note tags taxesIncluded "
        f"paymentGatewayNames totalPriceSet {{ {_MONEY} }} totalTaxSet {{ {_MONEY} }} "
        f"totalShippingPriceSet {{ {_MONEY} }} totalRefundedSet {{ {_MONEY} }} "
        "customer { id email firstName lastName phone } "
        f"billingAddress {{ {_ADDRESS} }} shippingAddress {{ {_ADDRESS} }} "
        f"shippingLines(first: 3) {{ edges {{ node {{ __typename title code discountedPriceSet {{ {_MONEY} }} {_TAX} }} }} }} "
        f"transactions(first: 5) {{ id kind status gateway processedAt amountSet {{ {_MONEY} }} }} "
        "fulfillments(first: 5) { id createdAt status trackingInfo(first: 3) { company number url } } "
        f"refunds(first: 5) {{ id createdAt note totalRefundedSet {{ {_MONEY} }} }} "
        f"{line_items}"
    )


_PAGED_LINES = (
    f"lineItems(first: {LINE_ITEMS_PER_ORDER}) {{ pageInfo {{ hasNextPage endCursor }} "
    f"edges {{ node {{ {LINE_ITEM} }} }} }}"
)

ORDERS = f"""query Orders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ {order_fields(_PAGED_LINES)} }} }}
  }}
}}"""

ORDER = f"""query Order($id: ID!) {{
  order(id: $id) {{ {order_fields(_PAGED_LINES)} }}
}}"""

ORDER_LINE_ITEMS = f"""query OrderLineItems($id: ID!, $after: String) {{
  order(id: $id) {{
    lineItems(first: {LINE_ITEMS_PAGE}, after: $after) {{
      pageInfo {{ hasNextPage endCursor }}
      edges {{ node {{ {LINE_ITEM} }} }}
    }}
  }}
}}"""

#: the inner query of the backfill's bulk operation: no sizes, Shopify streams every node
BULK_ORDERS_INNER = (
    "{ orders(query: $QUERY, sortKey: UPDATED_AT) { edges { node { "
    + order_fields(f"lineItems {{ edges {{ node {{ {LINE_ITEM} }} }} }}")
    + " } } } }"
)


def bulk_orders_query(search: str) -> str:
    """The bulk query text for a search string (a GraphQL string literal, escaped)."""
    literal = '"' + search.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return BULK_ORDERS_INNER.replace("$QUERY", literal)


BULK_RUN = """mutation BulkOrders($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { code field message }
  }
}"""

_BULK_FIELDS = "id status errorCode objectCount rootObjectCount url partialDataUrl createdAt completedAt"
BULK_POLL = f"""query BulkOperation($id: ID!) {{
  node(id: $id) {{ ... on BulkOperation {{ {_BULK_FIELDS} }} }}
}}"""

BULK_CURRENT = f"""query CurrentBulkOperation {{
  currentBulkOperation(type: QUERY) {{ {_BULK_FIELDS} }}
}}"""

SHOP = """query Shop { shop { id name myshopifyDomain currencyCode ianaTimezone } }"""

LOCATION = """query Location($id: ID!) { location(id: $id) { id name isActive } }"""

_PRODUCTS = """query Products($first: Int!, $after: String, $query: String%s) {
  products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id title handle status updatedAt
      variants(first: 100) {
        pageInfo { hasNextPage endCursor }
        edges { node { id title sku barcode price inventoryQuantity
                       inventoryItem { id tracked%s } selectedOptions { name value } } }
      }
    } }
  }
}"""
PRODUCTS = _PRODUCTS % ("", "")
# the same with each variant's 'available' quantity at the location the stock push sets (``$location``)
PRODUCTS_AT_LOCATION = _PRODUCTS % (
    ", $location: ID!",
    ' inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } }',
)

VARIANT_ITEMS = """query VariantInventoryItems($ids: [ID!]!) {
  nodes(ids: $ids) { ... on ProductVariant { id inventoryItem { id } } }
}"""

ORDER_STATE = """query OrderState($id: ID!) {
  order(id: $id) { id closed cancelledAt displayFinancialStatus displayFulfillmentStatus canMarkAsPaid }
}"""

ORDER_CANCEL = """mutation OrderCancel($orderId: ID!, $reason: OrderCancelReason!, $refund: Boolean!,
                      $restock: Boolean!, $notifyCustomer: Boolean, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: $reason, refund: $refund, restock: $restock,
              notifyCustomer: $notifyCustomer, staffNote: $staffNote) {
    job { id done }
    orderCancelUserErrors { code field message }
  }
}"""

_ORDER_PAYLOAD = "order { id closed cancelledAt displayFinancialStatus } userErrors { field message }"
ORDER_CLOSE = (
    f"""mutation OrderClose($input: OrderCloseInput!) {{ orderClose(input: $input) {{ {_ORDER_PAYLOAD} }} }}"""
)
ORDER_OPEN = f"""mutation OrderOpen($input: OrderOpenInput!) {{ orderOpen(input: $input) {{ {_ORDER_PAYLOAD} }} }}"""
ORDER_MARK_PAID = f"""mutation OrderMarkAsPaid($input: OrderMarkAsPaidInput!) {{
  orderMarkAsPaid(input: $input) {{ {_ORDER_PAYLOAD} }}
}}"""

ORDER_FULFILLMENT = """query OrderFulfillment($id: ID!) {
  order(id: $id) {
    id displayFulfillmentStatus
    fulfillments(first: 50) { id createdAt status trackingInfo(first: 10) { company number url } }
    fulfillmentOrders(first: 50) { edges { node { id status } } }
  }
}"""

# a shipment of single lines: which fulfilment order line items still hold how much of each order line
# (kept apart from ORDER_FULFILLMENT, whose cost the line items would multiply past Shopify's query limit)
FULFILLMENT_ORDER_LINES = """query FulfillmentOrderLines($id: ID!) {
  order(id: $id) {
    id
    fulfillmentOrders(first: 5) { edges { node { id status
      lineItems(first: 50) { nodes { id remainingQuantity lineItem { id } } } } } }
  }
}"""

_FULFILLMENT = "fulfillment { id status trackingInfo(first: 10) { company number url } } userErrors { field message }"
FULFILLMENT_CREATE = f"""mutation FulfillmentCreate($fulfillment: FulfillmentInput!) {{
  fulfillmentCreate(fulfillment: $fulfillment) {{ {_FULFILLMENT} }}
}}"""

FULFILLMENT_TRACKING_UPDATE = f"""mutation FulfillmentTrackingInfoUpdate($fulfillmentId: ID!,
    $trackingInfoInput: FulfillmentTrackingInput!, $notifyCustomer: Boolean) {{
  fulfillmentTrackingInfoUpdate(fulfillmentId: $fulfillmentId, trackingInfoInput: $trackingInfoInput,
                                notifyCustomer: $notifyCustomer) {{ {_FULFILLMENT} }}
}}"""

INVENTORY_SET = """mutation InventorySetQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { id reason }
    userErrors { code field message }
  }
}"""

WEBHOOKS = """query WebhookSubscriptions($first: Int!, $after: String, $callbackUrl: URL) {
  webhookSubscriptions(first: $first, after: $after, callbackUrl: $callbackUrl) {
    pageInfo { hasNextPage endCursor }
    edges { node { id topic endpoint { ... on WebhookHttpEndpoint { callbackUrl } } } }
  }
}"""

WEBHOOK_CREATE = """mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!,
                                                  $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic }
    userErrors { field message }
  }
}"""

WEBHOOK_DELETE = """mutation WebhookSubscriptionDelete($id: ID!) {
  webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } }
}"""


def all_documents() -> dict[str, str]:
    """Name → text of every document, the bulk inner query included (for the contract test)."""
    docs = {
        name: value
        for name, value in globals().items()
        if name.isupper()
        and not name.startswith("_")
        and isinstance(value, str)
        and value.lstrip().startswith(("query", "mutation"))
    }
    docs["BULK_ORDERS_INNER"] = bulk_orders_query("updated_at:<='2025-01-01T00:00:00Z'")
    return docs

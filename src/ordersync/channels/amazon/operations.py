"""Amazon's usage plans as the SDK's per-operation budgets: each operation's rate and burst as the spec's
descriptions state them, learned anew from ``x-amzn-RateLimit-Limit`` on every answer (Amazon may grant a
seller other rates). Paths are matched as the client passes them."""

from __future__ import annotations

from ordersync.channels.sdk.operations import AMAZON_RATE_HEADER, Operation, OperationLimits

O = "/orders/v0/orders"
L = "/listings/2021-08-01/items/{seller}"
F = "/feeds/2021-06-30"
M = "/messaging/v1/orders"

LIMITS = OperationLimits(
    (
        Operation("getOrders", "GET", O, 0.0167, 20),
        Operation("getOrderItems", "GET", O + "/{id}/orderItems", 0.5, 30),
        Operation("confirmShipment", "POST", O + "/{id}/shipmentConfirmation", 2, 10),
        Operation("getOrder", "GET", O + "/{id}", 0.5, 30),
        Operation("createRestrictedDataToken", "POST", "/tokens/2021-03-01/restrictedDataToken", 1, 10),
        Operation("searchListingsItems", "GET", L, 5, 5),
        Operation("getListingsItem", "GET", L + "/{sku}", 5, 10),
        Operation("patchListingsItem", "PATCH", L + "/{sku}", 5, 5),
        Operation("createFeedDocument", "POST", F + "/documents", 0.5, 15),
        Operation("getFeedDocument", "GET", F + "/documents/{id}", 0.0222, 10),
        Operation("createFeed", "POST", F + "/feeds", 0.0083, 15),
        Operation("getFeed", "GET", F + "/feeds/{id}", 2, 15),
        Operation("getMessagingActionsForOrder", "GET", M + "/{id}", 1, 5),
        Operation("sendMessage", "POST", M + "/{id}/messages/{type}", 1, 5),  # every create… operation: 1/5
    ),
    rate_header=AMAZON_RATE_HEADER,
)

"""The Selling Partner API calls ordersync makes, over the SDK's ChannelHTTP.

Facts used (specs in ``amazon-sp-api/``: ordersV0.json, listingsItems_2021-08-01.json, feeds_2021-06-30.json,
tokens_2021-03-01.json): answers wrap their data in ``payload`` (orders v0) or return it plain (listings,
feeds); errors are ``{"errors": [{code, message, details}]}``; ``getOrders`` pages with ``NextToken`` (sent
with ``MarketplaceIds`` again, which the spec marks required), ``getOrderItems`` with its own ``NextToken``;
``searchListingsItems`` pages with ``pageToken`` (``pageSize`` ≤ 20). Every operation has its own budget
(:mod:`.operations`), shared across workers and learnt from ``x-amzn-RateLimit-Limit``; the key includes the
endpoint and the selling partner, so two sellers never share a bucket.

The pre-signed feed-document URL is an S3 address without our token: it goes through its own ChannelHTTP
(URL guard included) without the LWA authenticator.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx

from ordersync.channels.sdk.errors import TransientError
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.operations import AMAZON_RATE_HEADER, Operation, OperationBudgets
from ordersync.channels.sdk.paging import CursorPaginator
from ordersync.channels.sdk.ratelimit import Budget
from ordersync.channels.sdk.retry import RetryPolicy

from .auth import RDT_HEADER
from .operations import LIMITS

ORDERS = "/orders/v0/orders"
LISTINGS = "/listings/2021-08-01/items"
FEEDS = "/feeds/2021-06-30"
MESSAGING = "/messaging/v1/orders"
JSON_CONTENT = "application/json; charset=UTF-8"


#: the share of a learnt rate the hub uses: a client at exactly Amazon's rate meets 429s whenever the network
#: or a busy server bunches two requests together (the bench showed it at 200 requests/s)
RATE_MARGIN = 0.95


class MarginBudgets(OperationBudgets):
    """Per-operation budgets that learn ``x-amzn-RateLimit-Limit`` with a small safety margin."""

    def learn(self, op: Operation, budget: Budget, headers: Any) -> None:
        value = headers.get(AMAZON_RATE_HEADER) if hasattr(headers, "get") else None
        try:
            rate = float(value) if value else None
        except ValueError:
            rate = None
        if rate is not None and rate > 0:
            headers = httpx.Headers(headers)
            headers[AMAZON_RATE_HEADER] = f"{rate * RATE_MARGIN:.6g}"
        super().learn(op, budget, headers)


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _object(response: httpx.Response, what: str, key: str | None = None) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if key is not None:
        body = body.get(key) if isinstance(body, dict) else None
    if not isinstance(body, dict):
        raise TransientError(f"{what}: Amazon answered no {key or 'object'}")
    return body


class AmazonClient:
    def __init__(
        self,
        endpoint: str,
        auth: httpx.Auth,
        *,
        seller_id: str,
        timeout: float = 30,
        connection_key: str = "",
        verify_tls: bool = True,
        ca_pem: str = "",
    ) -> None:
        key = f"amazon:{endpoint}:{seller_id or connection_key}"
        self.seller_id = seller_id
        self.http = ChannelHTTP(
            endpoint.rstrip("/"),
            auth=auth,
            timeout=timeout,
            verify=verify_tls,
            ca_pem=ca_pem,
            operations=MarginBudgets(LIMITS, key),
        )
        self._uploads: ChannelHTTP | None = None
        self._timeout, self._verify, self._ca = timeout, verify_tls, ca_pem

    def close(self) -> None:
        self.http.close()
        if self._uploads is not None:
            self._uploads.close()

    # orders -------------------------------------------------------------------------------------------
    def orders(self, params: dict[str, Any], rdt: str = "") -> Iterator[dict[str, Any]]:
        """Each ``payload`` of getOrders (``Orders``, ``LastUpdatedBefore``, ``NextToken``) of one query."""
        paginator = CursorPaginator(lambda r: _object(r, "getOrders", "payload").get("NextToken"), param="NextToken")
        while True:
            _, args = paginator.request_args(ORDERS, params)
            if "NextToken" in args:  # a continued query takes only the token (and the required marketplaces)
                args = {"NextToken": args["NextToken"], "MarketplaceIds": params["MarketplaceIds"]}
            response = self.http.request(
                "GET", ORDERS, params=args, expect_json=True, headers={RDT_HEADER: rdt} if rdt else None
            )
            yield _object(response, "getOrders", "payload")
            paginator.advance(response)
            if paginator.finished:
                return

    def order(self, order_id: str, rdt: str = "") -> dict[str, Any]:
        return _object(
            self.http.request(
                "GET", f"{ORDERS}/{order_id}", expect_json=True, headers={RDT_HEADER: rdt} if rdt else None
            ),
            "getOrder",
            "payload",
        )

    def order_items(self, order_id: str) -> list[dict[str, Any]]:
        """Every item of the order, over getOrderItems' pages."""
        items: list[dict[str, Any]] = []
        paginator = CursorPaginator(
            lambda r: _object(r, "getOrderItems", "payload").get("NextToken"), param="NextToken"
        )
        path = f"{ORDERS}/{order_id}/orderItems"
        while True:
            _, args = paginator.request_args(path, {})
            response = self.http.request("GET", path, params=args, expect_json=True)
            page = _object(response, "getOrderItems", "payload").get("OrderItems")
            if not isinstance(page, list):
                raise TransientError(f"getOrderItems {order_id}: no OrderItems list")
            items += page
            paginator.advance(response)
            if paginator.finished:
                return items

    def restricted_data_token(self, data_elements: list[str], path: str = ORDERS) -> str:
        """An RDT for getOrders (``path`` the order list) or getOrder (``path`` one order's)."""
        body = {"restrictedResources": [{"method": "GET", "path": path, "dataElements": data_elements}]}
        response = self.http.request(
            "POST",
            "/tokens/2021-03-01/restrictedDataToken",
            json=body,
            idempotent=True,
            expect_json=True,
            retry=RetryPolicy(max_attempts=2),
        )
        token = _object(response, "createRestrictedDataToken").get("restrictedDataToken")
        if not token:
            raise TransientError("createRestrictedDataToken answered no token")
        return str(token)

    def confirm_shipment(self, order_id: str, body: dict[str, Any]) -> None:
        self.http.request("POST", f"{ORDERS}/{order_id}/shipmentConfirmation", json=body)

    # messaging ----------------------------------------------------------------------------------------
    def messaging_actions(self, order_id: str, marketplace_id: str) -> dict[str, Any]:
        return _object(
            self.http.request(
                "GET", f"{MESSAGING}/{order_id}", params={"marketplaceIds": marketplace_id}, expect_json=True
            ),
            "getMessagingActionsForOrder",
        )

    def send_message(self, order_id: str, marketplace_id: str, kind: str, body: dict[str, Any]) -> None:
        """One POST, never repeated here after a failure whose outcome is unknown (``idempotent=False``)."""
        self.http.request(
            "POST",
            f"{MESSAGING}/{order_id}/messages/{kind}",
            params={"marketplaceIds": marketplace_id},
            json=body,
            idempotent=False,
        )

    # listings -----------------------------------------------------------------------------------------
    def listings(self, marketplace_id: str, updated_after: datetime | None) -> Iterator[dict[str, Any]]:
        """Each searchListingsItems answer (``items``, ``pagination``) for the seller."""
        params: dict[str, Any] = {
            "marketplaceIds": marketplace_id,
            "pageSize": 20,
            "includedData": "summaries,fulfillmentAvailability",
        }
        if updated_after is not None:
            params["lastUpdatedAfter"] = stamp(updated_after)
        path = f"{LISTINGS}/{self.seller_id}"
        paginator = CursorPaginator(
            lambda r: (_object(r, "searchListingsItems").get("pagination") or {}).get("nextToken"), param="pageToken"
        )
        while True:
            _, args = paginator.request_args(path, params)
            response = self.http.request("GET", path, params=args, expect_json=True)
            yield _object(response, "searchListingsItems")
            paginator.advance(response)
            if paginator.finished:
                return

    def listing(self, sku: str, marketplace_id: str) -> dict[str, Any]:
        return _object(
            self.http.request(
                "GET",
                f"{LISTINGS}/{self.seller_id}/{_seg(sku)}",
                expect_json=True,
                params={"marketplaceIds": marketplace_id, "includedData": "summaries,fulfillmentAvailability"},
            ),
            "getListingsItem",
        )

    def patch_quantity(self, sku: str, marketplace_id: str, quantity: int) -> dict[str, Any]:
        """Sets an absolute quantity, so a repeat has the same effect: retried like a PUT."""
        body = {
            "productType": "PRODUCT",
            "patches": [
                {
                    "op": "replace",
                    "path": "/attributes/fulfillment_availability",
                    "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": quantity}],
                }
            ],
        }
        return _object(
            self.http.request(
                "PATCH",
                f"{LISTINGS}/{self.seller_id}/{_seg(sku)}",
                json=body,
                params={"marketplaceIds": marketplace_id},
                idempotent=True,
                expect_json=True,
            ),
            "patchListingsItem",
        )

    # feeds --------------------------------------------------------------------------------------------
    def create_feed_document(self, content_type: str = JSON_CONTENT) -> dict[str, Any]:
        response = self.http.request(
            "POST", f"{FEEDS}/documents", json={"contentType": content_type}, idempotent=True, expect_json=True
        )  # an unused document costs nothing
        return _object(response, "createFeedDocument")

    @property
    def uploads(self) -> ChannelHTTP:
        if self._uploads is None:
            self._uploads = ChannelHTTP("", timeout=self._timeout, verify=self._verify, ca_pem=self._ca)
        return self._uploads

    def upload(self, url: str, document: dict[str, Any] | bytes, content_type: str = JSON_CONTENT) -> None:
        """PUT the feed document to its pre-signed URL (the same bytes again are the same document), with the
        content type its createFeedDocument named."""
        content = document if isinstance(document, bytes) else json.dumps(document).encode()
        self.uploads.request("PUT", url, content=content, idempotent=True, headers={"Content-Type": content_type})

    def download(self, url: str) -> bytes:
        return self.uploads.request("GET", url).content

    def create_feed(self, marketplace_ids: list[str], document_id: str, feed_type: str = "JSON_LISTINGS_FEED") -> str:
        body = {"feedType": feed_type, "marketplaceIds": marketplace_ids, "inputFeedDocumentId": document_id}
        feed_id = _object(self.http.request("POST", f"{FEEDS}/feeds", json=body, expect_json=True), "createFeed").get(
            "feedId"
        )
        if not feed_id:
            raise TransientError("createFeed answered no feedId")
        return str(feed_id)

    def feed(self, feed_id: str) -> dict[str, Any]:
        return _object(self.http.request("GET", f"{FEEDS}/feeds/{feed_id}", expect_json=True), "getFeed")

    def feed_document(self, document_id: str) -> dict[str, Any]:
        return _object(
            self.http.request("GET", f"{FEEDS}/documents/{document_id}", expect_json=True), "getFeedDocument"
        )


def _seg(sku: str) -> str:
    from urllib.parse import quote

    return quote(sku, safe="")

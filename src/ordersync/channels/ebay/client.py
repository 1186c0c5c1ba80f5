"""The eBay API calls ordersync makes, over the SDK's ChannelHTTP with the OAuth user token.

Facts [spec: eBay's OAS3 contracts in shared/specs/ebay]:

* ``GET /sell/fulfillment/v1/order?filter=lastmodifieddate:[from..to]&limit&offset&fieldGroups=TAX_BREAKDOWN``:
  both bounds inclusive, ISO 8601 UTC with milliseconds; ``limit`` at most 200 (more "fails"); ``offset`` is
  zero-based; the answer has ``total``. **Only** ``lastmodifieddate`` is ever sent: when ``creationdate`` is
  also given eBay uses only ``creationdate`` [spec], which would silently turn this into a creation-time
  import. ``filter_for`` is the one place the filter is written.
* ``GET/POST /sell/fulfillment/v1/order/{orderId}/shipping_fulfillment`` (201 with ``Location``).

Creating a fulfilment and sending a message are sent once per call (``NO_RETRY``): a 5xx may come after eBay
acted, and only the connector's check-before-write loop may decide to send again.
* ``GET /sell/inventory/v1/inventory_item?limit&offset`` - here ``offset`` is a *page number* [spec];
  ``GET /sell/inventory/v1/offer?sku=``; ``POST /sell/inventory/v1/bulk_update_price_quantity`` (absolute
  values, so it is safe to repeat: sent as idempotent).
* ``POST /commerce/message/v1/send_message``; ``GET /commerce/message/v1/conversation``.
* Post-Order ``POST /post-order/v2/cancellation`` ``{legacyOrderId, cancelReason, buyerPaid, buyerPaidDate}`` ->
  ``{cancelId}``, with ``Authorization: IAF <token>`` [docs: Post-Order API 2.7; no OAS in shared/specs; the
  header form is unverified]. eBay asks EU/UK sellers' calls to it to carry a digital signature (``signing``):
  sent when the seller entered a signing key.
* Trading ``POST /ws/api.dll`` with ``X-EBAY-API-CALL-NAME``, ``-SITEID``, ``-COMPATIBILITY-LEVEL`` and the OAuth
  token in ``X-EBAY-API-IAF-TOKEN`` [docs; unverified in this repository]; answers HTTP 200 with
  ``<Ack>Failure</Ack>`` and ``<Errors>`` on failure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from ordersync.channels.sdk import xml
from ordersync.channels.sdk.errors import AuthError, PermanentError, TransientError
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.operations import OperationBudgets
from ordersync.channels.sdk.records import Window
from ordersync.channels.sdk.retry import NO_RETRY, RetryPolicy

from . import signing
from .limits import LIMITS

FULFILLMENT, INVENTORY = "/sell/fulfillment/v1", "/sell/inventory/v1"
MESSAGE, NOTIFICATION = "/commerce/message/v1", "/commerce/notification/v1"
TRADING_PATH, TRADING_NS, TRADING_LEVEL = "/ws/api.dll", "urn:ebay:apis:eBLBaseComponents", "1349"
MAX_LIMIT = 200
#: getOrders returns orders up to two years old [spec]; a first import asks for that much
HISTORY = timedelta(days=729)
#: Trading error codes that mean the token is not accepted [docs: Trading API errors 931, 21916984]
TRADING_AUTH_ERRORS = frozenset({"931", "932", "21916984", "21917053"})


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def filter_for(window: Window) -> str:
    """The getOrders filter for the window: lastmodifieddate only, never creationdate. eBay holds orders for two
    years and refuses a longer range, so the start is never earlier than that."""
    oldest = window.until - HISTORY
    since = oldest if window.since is None or window.since < oldest else window.since
    return f"lastmodifieddate:[{stamp(since)}..{stamp(window.until)}]"


class TradingError(PermanentError):
    def __init__(self, message: str, codes: list[str], body: str = "") -> None:
        super().__init__(message, status=200, body=body)
        self.codes = codes


class EbayClient:
    def __init__(
        self,
        api_url: str,
        *,
        auth: Any,
        trading_auth: Any,
        post_order_auth: Any,
        marketplace: str,
        site_id: str,
        timeout: float = 30,
        connection_key: str = "",
        verify_tls: bool = True,
        ca_pem: str = "",
        signing_key: signing.SigningKey | None = None,
    ) -> None:
        ops = OperationBudgets(LIMITS, f"ebay:{connection_key or api_url}")
        common: dict[str, Any] = dict(timeout=timeout, verify=verify_tls, ca_pem=ca_pem, operations=ops)
        self.http = ChannelHTTP(
            api_url.rstrip("/"),
            auth=auth,
            headers={"X-EBAY-C-MARKETPLACE-ID": marketplace, "Accept": "application/json"},
            **common,
        )
        self.trading_http = ChannelHTTP(api_url.rstrip("/"), auth=trading_auth, **common)
        self.trading_auth = trading_auth
        self.post_order_http = ChannelHTTP(
            api_url.rstrip("/"),
            auth=post_order_auth,
            headers={"X-EBAY-C-MARKETPLACE-ID": marketplace, "Accept": "application/json"},
            **common,
        )
        self.marketplace, self.site_id = marketplace, site_id
        self.signing_key = signing_key

    def close(self) -> None:
        self.http.close()
        self.trading_http.close()
        self.post_order_http.close()

    def _json(self, method: str, path: str, **kw: Any) -> Any:
        response = self.http.request(method, path, expect_json=True, **kw)
        return response.json()

    # orders ----------------------------------------------------------------------------------------
    def orders(self, window: Window, page_size: int) -> Iterator[tuple[list[Any], int | None]]:
        """Each page's orders with the window's ``total`` as counted with that page (offset paging)."""
        limit, offset = min(page_size, MAX_LIMIT), 0
        while True:
            data = self._json(
                "GET",
                f"{FULFILLMENT}/order",
                params={"filter": filter_for(window), "limit": limit, "offset": offset, "fieldGroups": "TAX_BREAKDOWN"},
            )
            if not isinstance(data, dict) or not isinstance(data.get("orders", []), list):
                raise TransientError("getOrders: the answer is not an OrderSearchPagedCollection")
            records = data.get("orders") or []
            total = data.get("total") if isinstance(data.get("total"), int) else None
            yield records, total
            offset += len(records)
            if not records or len(records) < limit or (total is not None and offset >= total):
                return

    def order(self, order_id: str) -> Any:
        return self._json(
            "GET", f"{FULFILLMENT}/order/{quote(order_id, safe='')}", params={"fieldGroups": "TAX_BREAKDOWN"}
        )

    def fulfillments(self, order_id: str) -> list[dict[str, Any]]:
        data = self._json("GET", f"{FULFILLMENT}/order/{quote(order_id, safe='')}/shipping_fulfillment")
        found = data.get("fulfillments") if isinstance(data, dict) else None
        return [f for f in found or [] if isinstance(f, dict)]

    def create_fulfillment(self, order_id: str, body: Mapping[str, Any]) -> str:
        response = self.http.request(
            "POST",
            f"{FULFILLMENT}/order/{quote(order_id, safe='')}/shipping_fulfillment",
            json=dict(body),
            retry=NO_RETRY,
        )
        return response.headers.get("Location", "").rstrip("/").rpartition("/")[2]

    # inventory -------------------------------------------------------------------------------------
    def inventory_items(self, page_size: int = 100) -> Iterator[tuple[list[Any], int | None]]:
        page = 0
        while True:
            data = self._json("GET", f"{INVENTORY}/inventory_item", params={"limit": page_size, "offset": page})
            items = data.get("inventoryItems") or [] if isinstance(data, dict) else []
            total = data.get("total") if isinstance(data, dict) and isinstance(data.get("total"), int) else None
            yield items, total
            page += 1
            if len(items) < page_size or (total is not None and page * page_size >= total):
                return

    def offers(self, sku: str) -> list[dict[str, Any]]:
        data = self._json("GET", f"{INVENTORY}/offer", params={"sku": sku, "marketplace_id": self.marketplace})
        return [o for o in (data.get("offers") or []) if isinstance(o, dict)] if isinstance(data, dict) else []

    def bulk_update(self, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
        data = self._json(
            "POST", f"{INVENTORY}/bulk_update_price_quantity", json={"requests": requests}, idempotent=True
        )
        return [r for r in (data.get("responses") or []) if isinstance(r, dict)] if isinstance(data, dict) else []

    # messages --------------------------------------------------------------------------------------
    def conversations(self, username: str, item_id: str) -> list[dict[str, Any]]:
        params = {"conversation_type": "FROM_MEMBERS", "other_party_username": username, "limit": 50}
        if item_id:
            params |= {"reference_id": item_id, "reference_type": "LISTING"}
        data = self._json("GET", f"{MESSAGE}/conversation", params=params)
        return [c for c in (data.get("conversations") or []) if isinstance(c, dict)] if isinstance(data, dict) else []

    def messages(self, conversation_id: str) -> list[dict[str, Any]]:
        data = self._json(
            "GET",
            f"{MESSAGE}/conversation/{quote(conversation_id, safe='')}",
            params={"conversation_type": "FROM_MEMBERS", "limit": 50},
        )
        return [m for m in (data.get("messages") or []) if isinstance(m, dict)] if isinstance(data, dict) else []

    def send_message(self, body: Mapping[str, Any]) -> dict[str, Any]:
        data = self._json("POST", f"{MESSAGE}/send_message", json=dict(body), retry=NO_RETRY)
        return data if isinstance(data, dict) else {}

    # cancellation (Post-Order API) -----------------------------------------------------------------
    def cancel(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Create Cancellation Request, one of the calls eBay wants signed for EU/UK sellers (``signing``)."""
        path, content = "/post-order/v2/cancellation", json.dumps(dict(body)).encode()
        headers = {"Content-Type": "application/json"}
        if self.signing_key is not None:
            url = str(self.post_order_http.client.base_url).rstrip("/") + path
            headers |= signing.headers_for(self.signing_key, "POST", url, content)
        try:
            data = self.post_order_http.request(
                "POST", path, content=content, headers=headers, retry=NO_RETRY, expect_json=True
            ).json()
        except PermanentError as exc:
            if not _signature_refused(exc.body):
                raise
            if self.signing_key is None:
                raise PermanentError(
                    "eBay wants a digital signature on cancellations for this seller (EU/UK "
                    "sellers): create a signing key with eBay's Key Management API and enter it "
                    "in the settings 'signing_jwe' and 'signing_private_key'",
                    status=exc.status,
                    body=exc.body,
                ) from None
            raise PermanentError(
                f"eBay refused the digital signature of the cancellation ({exc}); check the "
                "settings 'signing_jwe' and 'signing_private_key' (one key pair from "
                "createSigningKey)",
                status=exc.status,
                body=exc.body,
            ) from None
        return data if isinstance(data, dict) else {}

    # Trading (XML) ---------------------------------------------------------------------------------
    def trading(self, call: str, body: Mapping[str, Any], *, idempotent: bool = False) -> Any:
        """One Trading call. Trading refuses an expired token with HTTP 200 and an error code, which the SDK's
        401 handling cannot see: the token is refreshed here once and the call sent once more."""
        try:
            return self._trading(call, body, idempotent=idempotent)
        except AuthError:
            if self.trading_auth is None:
                raise
            self.trading_auth.token(rejected=self.trading_auth.token().access_token)
            return self._trading(call, body, idempotent=idempotent)

    def _trading(self, call: str, body: Mapping[str, Any], *, idempotent: bool = False) -> Any:
        request = xml.serialize(xml.build(f"{call}Request", body, namespace=TRADING_NS))
        headers = {
            "X-EBAY-API-CALL-NAME": call,
            "X-EBAY-API-SITEID": self.site_id,
            "X-EBAY-API-COMPATIBILITY-LEVEL": TRADING_LEVEL,
            "Content-Type": "text/xml",
        }
        response = self.trading_http.request(
            "POST", TRADING_PATH, content=request, headers=headers, idempotent=idempotent
        )
        try:
            root = xml.parse(response.content)
        except ValueError as exc:
            raise TransientError(f"Trading {call}: the answer is not XML ({exc})") from None
        ack = xml.find_text(root, "Ack", default="")
        if ack in ("Failure", "PartialFailure"):
            errors = [e for e in xml.find_all(root, "Errors") if xml.find_text(e, "SeverityCode") == "Error"]
            codes = [xml.find_text(e, "ErrorCode", default="") or "" for e in errors]
            text = "; ".join(
                f"{c}: {xml.find_text(e, 'LongMessage') or xml.find_text(e, 'ShortMessage')}"
                for c, e in zip(codes, errors, strict=True)
            )
            if TRADING_AUTH_ERRORS & set(codes):
                raise AuthError(f"Trading {call}: {text}", status=200, body=response.text)
            if ack == "Failure":
                raise TradingError(f"Trading {call}: {text}", codes, response.text)
        return root

    def active_listings(self, page_size: int = 200) -> Iterator[tuple[list[Any], int | None]]:
        """Trading ``GetMyeBaySelling`` ActiveList, page by page: every active listing, however it was made
        (``Pagination{EntriesPerPage ≤ 200, PageNumber}``, ``PaginationResult{TotalNumberOfPages,
        TotalNumberOfEntries}``) [docs]."""
        page = 1
        while True:
            root = self.trading(
                "GetMyeBaySelling",
                {
                    "ActiveList": {"Include": True, "Pagination": {"EntriesPerPage": page_size, "PageNumber": page}},
                    "DetailLevel": "ReturnAll",
                },
            )
            active = xml.find_all(root, "ActiveList")
            items = xml.find_all(active[0], "ItemArray", "Item") if active else []
            pages = xml.find_text(active[0], "PaginationResult", "TotalNumberOfPages") if active else None
            entries = xml.find_text(active[0], "PaginationResult", "TotalNumberOfEntries") if active else None
            yield items, int(entries) if entries and entries.isdigit() else None
            if not items or not pages or not pages.isdigit() or page >= int(pages):
                return
            page += 1

    # connection test -------------------------------------------------------------------------------
    def probe(self, retry: RetryPolicy) -> Any:
        return self.http.request(
            "GET", f"{FULFILLMENT}/order", params={"limit": 1}, expect_json=True, retry=retry
        ).json()


def _signature_refused(body: str) -> bool:
    """Whether an error answer is eBay's "a (valid) digital signature is needed" (``signing.SIGNATURE_ERRORS``)."""
    try:
        errors = json.loads(body or "{}").get("errors") or []
    except (ValueError, AttributeError):
        return False
    return any(isinstance(e, dict) and e.get("errorId") in signing.SIGNATURE_ERRORS for e in errors)

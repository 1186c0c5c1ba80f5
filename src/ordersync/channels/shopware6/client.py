"""The Shopware 6 Admin API calls ordersync makes, over the SDK's ChannelHTTP with OAuth 2.

Authentication (vendor OpenAPI, ``/api/oauth/token``): an integration's access key id and secret access
key are the client id and secret of the client-credentials grant; the access token is a bearer token that
expires (``expires_in``, 600 s by default) and is fetched again, which the SDK's ``OAuth2Auth`` does before
expiry and once after a 401.

Every list is ``POST /api/search/{entity}`` with a Criteria body (``page``, ``limit``, ``filter``,
``sort``, ``associations``, ``total-count-mode``); ``Accept: application/json`` selects the plain
``{"total", "data"}`` answer instead of JSON:API. A search changes nothing, so it is retried like a GET.

Shopware documents no rate limit for the Admin API (only the login is limited), but it is a PHP shop on
the seller's own hosting: each connection shares a budget of 20 calls per second after a burst of 40
(an assumption, not a vendor figure), and has at most ``concurrency`` requests open at once (its setting).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import httpx

from ..sdk.concurrency import in_order
from ..sdk.errors import TransientError
from ..sdk.http import ChannelHTTP
from ..sdk.ratelimit import RateBudget, budget_for
from ..sdk.retry import CHECKED_WRITE, Action, ErrorRule, RetryPolicy

#: a transition or a write whose answer was a 5xx may have happened: never repeated blindly (the connector
#: reads the state again first), unlike the SDK's default for 503
SYNC_CHUNK = 250  # product upserts per /_action/sync call


class Shopware6Client:
    def __init__(
        self,
        base_url: str,
        auth: httpx.Auth,
        *,
        timeout: float = 30,
        verify_tls: bool = True,
        ca_pem: str = "",
        connection_key: str = "",
        retry: RetryPolicy | None = None,
        concurrency: int = 1,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        budget = budget_for(f"shopware6:{connection_key or self.base_url}", lambda: RateBudget(40, 20))
        self.http = ChannelHTTP(
            self.base_url,
            auth=auth,
            timeout=timeout,
            verify=verify_tls,
            ca_pem=ca_pem,
            retry=retry,
            budget=budget,
            in_flight=concurrency,
        )

    def close(self) -> None:
        self.http.close()

    def search(self, entity: str, criteria: Mapping[str, Any], *, retry: RetryPolicy | None = None) -> dict[str, Any]:
        response = self.http.request(
            "POST", f"/api/search/{entity}", json=dict(criteria), idempotent=True, expect_json=True, retry=retry
        )
        data = response.json()
        if not isinstance(data, dict) or not isinstance(data.get("data"), list):
            raise TransientError(f"POST /api/search/{entity}: expected {{total, data: [...]}}, got {str(data)[:100]}")
        return data

    def pages(
        self, entity: str, criteria: Mapping[str, Any], limit: int, *, concurrency: int = 1
    ) -> Iterator[tuple[list[Any], int, int]]:
        """Each page of a search as (records, window total, page number); ``total-count-mode: exact`` makes
        every answer count the whole window, so a window that shrinks between pages is noticed. Once the first
        page has told the total, up to ``concurrency`` pages are in flight, handed back in order; a page past
        the end (the window shrank while it was read) comes back empty, as Shopware answers it, with the smaller
        total that tells the engine to read the window again."""

        def fetch(page: int) -> tuple[list[Any], int, int]:
            data = self.search(entity, {**criteria, "page": page, "limit": limit, "total-count-mode": "exact"})
            records, total = data["data"], data.get("total")
            return records, total if isinstance(total, int) else len(records), page

        records, total, page = first = fetch(1)
        yield first
        if not records or limit >= total:
            return
        if concurrency > 1:
            yield from in_order(fetch, range(2, -(-total // limit) + 1), concurrency)
            return
        while records and page * limit < total:
            records, total, page = following = fetch(page + 1)
            yield following

    def transition(self, entity: str, ident: str, transition: str) -> Any:
        response = self.http.request(
            "POST",
            f"/api/_action/{entity}/{ident}/state/{transition}",
            json={"sendMail": True},
            idempotent=False,
            error_mapping=CHECKED_WRITE,
        )
        return response.json() if response.content else None

    def patch_delivery(self, ident: str, body: Mapping[str, Any]) -> None:
        """An absolute value (the whole trackingCodes list): safe to repeat."""
        self.http.request(
            "PATCH", f"/api/order-delivery/{ident}", json=dict(body), idempotent=True, params={"_response": "basic"}
        )

    def sync(self, operations: list[dict[str, Any]]) -> dict[str, Any]:
        """Upserts of absolute values: safe to repeat. ``fail-on-error`` keeps Shopware's default (all or
        nothing per call)."""
        response = self.http.request(
            "POST",
            "/api/_action/sync",
            json=operations,
            idempotent=True,
            expect_json=True,
            headers={"indexing-behavior": "use-queue-indexing"},
        )
        return response.json()

    def update_webhook(self, ident: str, body: Mapping[str, Any]) -> None:
        self.http.request(
            "PATCH", f"/api/webhook/{ident}", json=dict(body), idempotent=True, params={"_response": "basic"}
        )

    def delete_webhook(self, ident: str) -> None:
        self.http.request("DELETE", f"/api/webhook/{ident}", error_mapping={404: ErrorRule(Action.IGNORE)})

    def register_webhook(self, body: Mapping[str, Any]) -> None:
        self.http.request("POST", "/api/webhook", json=dict(body), idempotent=True, params={"_response": "basic"})

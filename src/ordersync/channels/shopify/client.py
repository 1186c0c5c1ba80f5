"""The Shopify GraphQL Admin API over the SDK's ChannelHTTP, paced by Shopify's calculated query cost.

Every call is ``POST /admin/api/{version}/graphql.json`` with ``X-Shopify-Access-Token``. HTTP failures are
classified by the SDK (401/403 → AuthError, 5xx/429 retried); GraphQL failures arrive with HTTP 200 in
``errors`` and are classified by the SDK's GraphQL check inside ChannelHTTP's one retry loop: THROTTLED is
waited out and repeated (Shopify ran nothing), anything else is a PermanentError carrying Shopify's messages.

Pacing. Shopify limits by points, not calls: a query may start only if the app's bucket holds its
*requested* cost, and the bucket refills at ``restoreRate`` points per second. Every answer reports
``extensions.cost.throttleStatus``, so :class:`CostBudget` - the SDK's ``RateBudget`` with its level set from
the body instead of headers - mirrors the bucket exactly, and ``call`` takes the expected cost of the next
query from it before sending. So steady state never meets THROTTLED; it still happens when another app
client drains the shop's bucket, and then the wait (the Retry-After of the throttled answer) is computed
from the reported level and restore rate.
(The SDK's ``Budget.update`` reads headers only; a body-fed budget such as this belongs in the SDK.)

Mutations may have happened even when their answer was lost, so they are never repeated blindly on 5xx
(``CHECKED_WRITE``): the connector checks the shop and tries again (invariant 3). A throttled mutation is
repeated, since a THROTTLED answer proves nothing ran.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from ..sdk.body_checks import graphql_errors
from ..sdk.errors import ChannelError, PermanentError, RateLimited, TransientError
from ..sdk.http import ChannelHTTP
from ..sdk.ratelimit import RateBudget, budget_for
from ..sdk.retry import CHECKED_WRITE, RetryPolicy

log = logging.getLogger(__name__)

MAX_QUERY_COST = 1000  # Shopify refuses any single query requesting more
DEFAULT_ESTIMATE = 50  # the first call of an operation, before Shopify told us its price


class QueryTooCostly(PermanentError):
    """MAX_COST_EXCEEDED: the query asks for too much at once; ask for fewer nodes."""


class CostBudget(RateBudget):
    """A token bucket of query-cost points whose level, size and rate are Shopify's own last report."""

    def observe(self, status: Mapping[str, Any]) -> None:
        try:
            maximum = float(status["maximumAvailable"])
            current = float(status["currentlyAvailable"])
            restore = float(status["restoreRate"])
        except (KeyError, TypeError, ValueError):
            return
        with self._lock:
            self._refill(self._clock())
            if maximum > 0 and restore > 0:
                self.capacity, self.refill_per_second = maximum, restore
            self._tokens = max(0.0, min(self.capacity, current))

    def acquire(self, cost: float = 1.0, *, timeout: float | None = None) -> None:
        super().acquire(min(cost, self.capacity), timeout=timeout)


class ShopifyClient:
    def __init__(
        self,
        shop_url: str,
        token: str,
        *,
        api_version: str,
        timeout: float = 30,
        connection_key: str = "",
        retry: RetryPolicy | None = None,
        verify_tls: bool = True,
        ca_pem: str = "",
    ) -> None:
        self.shop_url = shop_url.rstrip("/")
        self.path = f"/admin/api/{api_version}/graphql.json"
        budget = budget_for(f"shopify:{connection_key or self.shop_url}", lambda: CostBudget(1000, 50))
        assert isinstance(budget, CostBudget)
        self.budget: CostBudget = budget
        # the connection budget counts points, not calls: each attempt takes the query's expected cost
        self.http = ChannelHTTP(
            self.shop_url,
            timeout=timeout,
            retry=retry,
            verify=verify_tls,
            ca_pem=ca_pem,
            budget=self.budget,
            headers={"X-Shopify-Access-Token": token, "Content-Type": "application/json"},
        )
        self.estimates: dict[tuple[str, Any], float] = {}
        self.last_cost: dict[str, Any] = {}
        self.throttled = 0
        self.sleep: Callable[[float], None] = time.sleep

    def close(self) -> None:
        self.http.close()

    def call(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        mutation: bool = False,
        estimate: float | None = None,
        retry: RetryPolicy | None = None,
    ) -> dict[str, Any]:
        """Run one document and return its ``data``; see the module docstring for errors and pacing."""
        name = _operation_name(document)
        key = (name, (variables or {}).get("first"))
        # ChannelHTTP's loop is the only one: a THROTTLED answer comes back from the check as RateLimited
        # with the wait the reported bucket needs, and is repeated there like a 429
        response = self.http.request(
            "POST",
            self.path,
            json={"query": document, "variables": dict(variables or {}), "operationName": name},
            idempotent=not mutation,
            expect_json=True,
            error_mapping=CHECKED_WRITE if mutation else None,
            retry=retry,
            check=lambda answer: self._check(name, key, answer),
            cost=estimate or self.estimates.get(key) or (10 if mutation else DEFAULT_ESTIMATE),
        )
        data = response.json().get("data")
        if not isinstance(data, dict):
            raise TransientError(f"{name}: the answer has no data")
        return data

    def _check(self, name: str, key: tuple[str, Any], response: httpx.Response) -> ChannelError | None:
        """Learn the bucket from the answer's cost report, then classify its GraphQL errors (if any)."""
        body = response.json()
        if not isinstance(body, dict):
            return TransientError(f"{name}: the answer is not a JSON object")
        cost_info = (body.get("extensions") or {}).get("cost") or {}
        if cost_info:
            self.last_cost = cost_info
            self.budget.observe(cost_info.get("throttleStatus") or {})
            if cost_info.get("requestedQueryCost") is not None:
                self.estimates[key] = float(cost_info["requestedQueryCost"])
        error = GRAPHQL_ERRORS(response)
        if isinstance(error, RateLimited):
            status = cost_info.get("throttleStatus") or {}
            if float(cost_info.get("requestedQueryCost") or 0) > float(status.get("maximumAvailable") or 1e9):
                return QueryTooCostly(
                    f"{name}: requests {cost_info['requestedQueryCost']} points, more than the "
                    f"bucket holds ({status['maximumAvailable']})"
                )
            self.throttled += 1
            log.info("%s throttled by Shopify (%s); waiting for the bucket", name, status)
        if error is not None:
            error.args = (f"{name}: Shopify: {error}",)
        return error


def _throttle_wait(body: dict[str, Any]) -> float | None:
    """Seconds until the bucket, as Shopify just reported it, holds the requested cost again."""
    cost = (body.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    try:
        missing = float(cost["requestedQueryCost"]) - float(status["currentlyAvailable"])
        return max(0.0, missing / float(status["restoreRate"]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None


GRAPHQL_ERRORS = graphql_errors(
    {"THROTTLED": RateLimited, "MAX_COST_EXCEEDED": QueryTooCostly}, retry_after=_throttle_wait
)


def _operation_name(document: str) -> str:
    head = document.lstrip().split("(", 1)[0].split("{", 1)[0].split()
    return head[1] if len(head) > 1 else ""


def user_errors(payload: Mapping[str, Any] | None, key: str = "userErrors") -> list[str]:
    """The messages of a mutation payload's user errors (field path included)."""
    out = []
    for error in (payload or {}).get(key) or ():
        field = ".".join(error.get("field") or ())
        out.append(f"{field}: {error.get('message')}" if field else str(error.get("message")))
    return out

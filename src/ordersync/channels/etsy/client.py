"""The Etsy Open API v3 calls ordersync makes, over the SDK's ChannelHTTP.

Facts, with where they come from:

* Base ``https://openapi.etsy.com``, every path under ``/v3/application`` [spec etsy_3.0.0.json].
* Every request carries ``x-api-key: <keystring>:<shared secret>`` [docs developers.etsy.com/documentation/
  essentials/requests, "Request Standards"; Etsy announced that requests without the shared secret are
  refused from 9 February 2026, github.com/etsy/open-api/discussions/1529] and ``Authorization: Bearer
  <token>`` for OAuth scopes; Etsy's access tokens start with the user's numeric id ("12345678.abc…").
* ``getShopReceipts`` takes ``min_last_modified``/``max_last_modified`` in unix seconds (≥ 946684800),
  ``limit`` 1..100, ``offset``, ``sort_on`` created|updated|receipt_id, ``sort_order``; answers
  ``{count, results}`` [spec]. ``count`` is the window's size, reported with every page (window shift).
* Limits: per app, 10 requests/s and 10 000 per sliding 24 h by default, reported as ``x-limit-per-second``,
  ``x-remaining-this-second``, ``x-limit-per-day``, ``x-remaining-today``; a 429 carries ``retry-after``
  [3p summary of developers.etsy.com/documentation/essentials/rate-limits; header names unverified against
  Etsy's own page]. The per-second limit is an :mod:`sdk.operations` budget that learns the rate from
  ``x-limit-per-second``; the day's budget is :class:`DayQuota`, read from ``x-remaining-today``, because a
  bucket would make a worker sleep for hours where the connection should show "budget spent" and wait.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import httpx

from ordersync.channels.sdk.errors import BudgetSpent, RateLimited, TransientError
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.operations import Operation, OperationBudgets, OperationLimits
from ordersync.channels.sdk.ratelimit import HeaderSpec, Unlimited
from ordersync.channels.sdk.retry import NO_RETRY, RetryPolicy

APP = "/v3/application"
RECEIPTS_MAX_LIMIT = 100  # getShopReceipts: limit 1..100 [spec]
LISTINGS_MAX_LIMIT = 100  # getListingsByShop: limit 1..100 [spec]
READ_AHEAD = 2  # pages requested while the caller maps the current one
PER_SECOND = 10.0  # documented default; learned from x-limit-per-second on every answer
#: one call at a time at 95 % of the learned rate: a burst would overrun a limit Etsy counts in any sliding
#: second, and calls paced exactly at the limit can still arrive eleven in one second when the network
#: delays one of them (seen in CI under load)
LIMITS = OperationLimits(
    (Operation("app", "*", "*", rate=PER_SECOND, burst=1, rate_header="x-limit-per-second", headroom=0.95),),
    headers=HeaderSpec(remaining="x-remaining-this-second", limit="x-limit-per-second"),
)
#: calls of the day's budget kept back (none: the import stops once Etsy reports 0 left)
DAY_RESERVE = 0


class DayBudgetSpent(BudgetSpent):
    """The app's budget for the day is used up; nothing is sent until ``resume_in`` seconds have passed. A
    push that meets it is rescheduled for then (it is a RateLimited with that wait); the import stops quietly;
    a reconciliation's read raises it."""

    def __init__(self, resume_in: float) -> None:
        super().__init__(
            f"Etsy's daily request budget of this app is spent; calls resume in {resume_in:.0f} s",
            retry_after=resume_in,
        )
        self.resume_in = resume_in


class DayQuota:
    """What Etsy last said about the app's 24-hour budget, shared by every connection of one API key."""

    _all: dict[str, DayQuota] = {}
    _all_lock = threading.Lock()

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.remaining: int | None = None
        self.limit: int | None = None
        self.blocked_until = 0.0  # wall-clock seconds

    @classmethod
    def of(cls, api_key: str) -> DayQuota:
        with cls._all_lock:
            return cls._all.setdefault(api_key, cls())

    def learn(self, headers: Mapping[str, str]) -> None:
        remaining, limit = _int(headers.get("x-remaining-today")), _int(headers.get("x-limit-per-day"))
        with self._lock:
            if limit is not None:
                self.limit = limit
            if remaining is not None:
                self.remaining = remaining
                if remaining > DAY_RESERVE:
                    self.blocked_until = 0.0
                elif not self.blocked_until:  # a sliding window: look again in a minute
                    self.blocked_until = time.time() + 60

    def spent_for(self, seconds: float) -> None:
        with self._lock:
            self.remaining = 0
            self.blocked_until = max(self.blocked_until, time.time() + seconds)

    def check(self) -> None:
        with self._lock:
            wait = self.blocked_until - time.time()
        if wait > 0:
            raise DayBudgetSpent(wait)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "remaining_today": self.remaining,
                "limit_per_day": self.limit,
                "blocked_until": self.blocked_until or None,
            }


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except ValueError:
        return None


class EtsyClient:
    def __init__(
        self,
        api_url: str,
        api_key: str,
        *,
        auth: httpx.Auth,
        timeout: float = 30,
        connection_key: str = "",
        verify_tls: bool = True,
        ca_pem: str = "",
    ) -> None:
        key = f"etsy:{api_key.partition(':')[0]}"  # Etsy limits per app, not per shop
        self.quota = DayQuota.of(key)
        self.http = ChannelHTTP(
            api_url.rstrip("/"),
            auth=auth,
            timeout=timeout,
            verify=verify_tls,
            ca_pem=ca_pem,
            budget=Unlimited(),
            operations=OperationBudgets(LIMITS, key),
            headers={"x-api-key": api_key},
        )

    def close(self) -> None:
        self.http.close()

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One API call within the day's budget; a 429 whose wait is longer than a worker should sleep is the
        day's budget running out (the per-second one waits a second)."""
        self.quota.check()
        try:
            response = self.http.request(method, APP + path, **kwargs)
        except RateLimited as exc:
            if exc.retry_after is not None and exc.retry_after > self.http.retry.max_retry_after:
                self.quota.spent_for(exc.retry_after)
                raise DayBudgetSpent(exc.retry_after) from exc
            raise
        self.quota.learn(response.headers)
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.call(method, path, expect_json=True, **kwargs).json()

    def me(self, *, retry: RetryPolicy | None = None) -> dict[str, Any]:
        body = self.json("GET", "/users/me", retry=retry)
        if not isinstance(body, dict) or not body.get("user_id"):
            raise TransientError("GET /users/me: expected an object with user_id")
        return body

    def shop(self, shop_id: int, *, retry: RetryPolicy | None = None) -> dict[str, Any]:
        body = self.json("GET", f"/shops/{shop_id}", retry=retry)
        return body if isinstance(body, dict) else {}

    def receipts(
        self, shop_id: int, params: dict[str, Any], page_size: int, offset: int = 0
    ) -> Iterator[tuple[list[Any], int | None]]:
        """Pages of receipts from ``offset`` on, each with the window's ``count`` as answered with it.

        Up to ``READ_AHEAD`` further pages are requested while the caller maps this one (full pages before
        them fix their offsets; the window's ``count`` says where it ends), so a backlog is read at the rate
        Etsy allows rather than at the rate of request + mapping. A short page ends the reading, as before."""

        def page(at: int) -> tuple[list[Any], int | None]:
            body = self.json("GET", f"/shops/{shop_id}/receipts", params={**params, "limit": page_size, "offset": at})
            return _results(body, "receipts")

        with ThreadPoolExecutor(max_workers=READ_AHEAD, thread_name_prefix="etsy-read-ahead") as pool:

            def read(at: int) -> Future[tuple[list[Any], int | None]]:
                # in a copy of the caller's context: the hub's log lines and metrics name the connection
                return pool.submit(contextvars.copy_context().run, page, at)

            ahead: deque[Future[tuple[list[Any], int | None]]] = deque([read(offset)])
            planned, count = offset, None
            try:
                for _ in range(10_000):
                    records, count = ahead.popleft().result()
                    offset += len(records)
                    if len(records) < page_size or (count is not None and offset >= count):
                        yield records, count
                        return
                    planned = max(planned, offset - page_size)
                    while len(ahead) < READ_AHEAD and (count is None or planned + page_size < count):
                        planned += page_size
                        ahead.append(read(planned))
                    if not ahead:
                        ahead.append(read(offset))
                        planned = offset
                    yield records, count
            finally:  # the caller stopped, or a page ended it: the requests ahead are not needed
                for future in ahead:
                    future.cancel()

    def receipt(self, shop_id: int, receipt_id: str) -> Any:
        return self.json("GET", f"/shops/{shop_id}/receipts/{receipt_id}")

    def create_shipment(self, shop_id: int, receipt_id: str, form: dict[str, str]) -> Any:
        # one attempt only: a 503 may come after Etsy stored the shipment, and a second POST would add a second
        # one; the push is retried as a whole, and the connector reads the receipt's shipments before it writes
        return self.json(
            "POST", f"/shops/{shop_id}/receipts/{receipt_id}/tracking", data=form, idempotent=False, retry=NO_RETRY
        )

    def listings(self, shop_id: int) -> Iterator[tuple[list[Any], int | None]]:
        offset = 0
        while True:
            body = self.json(
                "GET",
                f"/shops/{shop_id}/listings",
                params={"includes": "Inventory", "limit": LISTINGS_MAX_LIMIT, "offset": offset},
            )
            records, count = _results(body, "listings")
            yield records, count
            offset += len(records)
            if len(records) < LISTINGS_MAX_LIMIT or (count is not None and offset >= count):
                return

    def inventory(self, listing_id: str) -> dict[str, Any]:
        body = self.json("GET", f"/listings/{listing_id}/inventory")
        if not isinstance(body, dict) or not isinstance(body.get("products"), list):
            raise TransientError(f"GET /listings/{listing_id}/inventory: expected an object with products")
        return body

    def put_inventory(self, listing_id: str, tree: dict[str, Any]) -> dict[str, Any]:
        # one attempt: the push is retried as a whole, reading the tree again, so a PUT that Etsy applied before
        # failing is recognised (the quantities are in place) instead of written a second time
        body = self.json("PUT", f"/listings/{listing_id}/inventory", json=tree, retry=NO_RETRY)
        return body if isinstance(body, dict) else {}


def _results(body: Any, what: str) -> tuple[list[Any], int | None]:
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        raise TransientError(f"the {what} answer is not an object with a results list")
    count = body.get("count")
    return body["results"], count if isinstance(count, int) and not isinstance(count, bool) else None

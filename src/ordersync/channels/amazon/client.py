"""The Amazon API calls ordersync makes, over the SDK's ChannelHTTP.

ChannelHTTP brings the URL guard (every address a seller enters is checked, redirects included), timeouts,
the retry table and ``Retry-After``; the SDK's paginator brings the loop guard. Only reads are made here, so
every call is safe to repeat. The rate budget (10 calls, 5 per second) is an assumption until the vendor's
documented limit replaces it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from ordersync.channels.sdk.errors import TransientError
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.paging import PageNumberPaginator, paginate
from ordersync.channels.sdk.ratelimit import RateBudget, budget_for
from ordersync.channels.sdk.records import Window
from ordersync.channels.sdk.retry import RetryPolicy


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class AmazonClient:
    def __init__(self, base_url: str, api_token: str, *, timeout: float = 30, connection_key: str = "",
                 verify_tls: bool = True, ca_pem: str = "") -> None:
        budget = budget_for(f"amazon:{connection_key or base_url}", lambda: RateBudget(10, 5))
        self.http = ChannelHTTP(base_url.rstrip("/"), timeout=timeout, budget=budget, verify=verify_tls,
                                ca_pem=ca_pem, headers={"Authorization": f"Bearer {api_token}"})

    def close(self) -> None:
        self.http.close()

    def shop(self, *, retry: RetryPolicy | None = None) -> dict[str, Any]:
        body = self.http.request("GET", "/api/v1/shop", expect_json=True, retry=retry).json()
        if not isinstance(body, dict):
            raise TransientError(f"GET /api/v1/shop: expected an object, got {type(body).__name__}")
        return body

    def orders(self, window: Window, page_size: int) -> Iterator[tuple[list[Any], int | None]]:
        """Each page's records with the window's total as counted with that page."""
        params: dict[str, Any] = {"updated_max": stamp(window.until), "per_page": page_size}
        if window.since is not None:
            params["updated_min"] = stamp(window.since)
        paginator = PageNumberPaginator(total_pages_header="X-Total-Pages", page_size=page_size)
        for response in paginate(self.http, "/api/v1/orders", paginator, params=params):
            try:
                records = response.json()
            except ValueError:
                records = None
            if not isinstance(records, list):
                raise TransientError(f"GET /api/v1/orders: expected a list, got {type(records).__name__}")
            total = response.headers.get("X-Total-Count", "")
            yield records, int(total) if total.isdigit() else None

    def order(self, external_id: str) -> Any:
        return self.http.request("GET", f"/api/v1/orders/{external_id}", expect_json=True).json()

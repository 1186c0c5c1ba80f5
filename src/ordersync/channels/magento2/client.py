"""The Magento 2 admin REST calls ordersync makes, over the SDK's ChannelHTTP.

Facts (Adobe's REST docs and the admin schema 2.4.9 in ``specs/magento2``):

* base path ``/rest/<store code>/V1`` (the schema's basePath is ``/rest/default``);
* auth with an integration's credentials: OAuth 1.0a signatures (HMAC-SHA256, parameters in the
  ``Authorization: OAuth`` header, token and token secret of the integration: two-legged, no handshake as the
  integration page shows the access token) or the access token as Bearer where the shop allows it
  ("disabled by default" per Adobe's token-authentication page; since 2.4.4 per its release notes);
* lists take ``searchCriteria[filterGroups][G][filters][F][field|value|conditionType]``,
  ``[sortOrders][N][field|direction]``, ``[pageSize]``, ``[currentPage]`` and answer ``{items,
  search_criteria, total_count}``; filters in a group are OR-ed, groups AND-ed. A ``currentPage`` past the
  end answers the last page AGAIN (Magento's collections clamp the page; magento/magento2#3787 and #26986,
  the latter marked fixed in 2.4.x), while ``search_criteria`` echoes the page asked for: paging stops by
  ``total_count``, never by waiting for an empty page, and a page the answer's own ``total_count`` puts past
  the end (the window shrank while it was read) is taken as empty. Once the first page has told the count,
  up to ``concurrency`` pages are in flight (a setting), handed back in order;
* errors are ``{"message": "... %name ...", "parameters": {...} | [...]}``.

Magento core has no general REST rate limit (Adobe's rate-limiting page covers only guest carts and payment
information), so the budget (a burst of 20, then 10 calls a second) and the requests open at once (the
``concurrency`` setting) are our assumption to spare small shops' PHP workers.

Not verified against a live shop: whether Magento's signature check reads repeated bracketed query names
(``searchCriteria[...]``) exactly as RFC 5849 normalises them; we sign them that way.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

from ..sdk.concurrency import in_order
from ..sdk.errors import PermanentError, TransientError
from ..sdk.http import ChannelHTTP
from ..sdk.oauth1 import OAuth1Auth
from ..sdk.ratelimit import RateBudget, budget_for
from ..sdk.retry import CHECKED_WRITE, RetryPolicy

#: a 5xx after a write may mean it happened: the HTTP layer does not repeat it, the connector checks first
#: at most this many pages per listing, against a shop that never stops answering
MAX_PAGES = 10_000

Filter = tuple[str, str, str]  # field, value, conditionType


def criteria(
    groups: Sequence[Sequence[Filter]] = (),
    sort: Sequence[tuple[str, str]] = (),
    page_size: int | None = None,
    page: int | None = None,
) -> dict[str, str]:
    """searchCriteria as query parameters, spelt as the admin schema spells them."""
    params: dict[str, str] = {}
    for g, group in enumerate(groups):
        for f, (field, value, condition) in enumerate(group):
            prefix = f"searchCriteria[filterGroups][{g}][filters][{f}]"
            params.update({f"{prefix}[field]": field, f"{prefix}[value]": value, f"{prefix}[conditionType]": condition})
    for n, (field, direction) in enumerate(sort):
        params.update(
            {f"searchCriteria[sortOrders][{n}][field]": field, f"searchCriteria[sortOrders][{n}][direction]": direction}
        )
    if page_size is not None:
        params["searchCriteria[pageSize]"] = str(page_size)
    if page is not None:
        params["searchCriteria[currentPage]"] = str(page)
    return params


class MagentoClient:
    def __init__(
        self,
        base_url: str,
        *,
        auth: str,
        consumer_key: str,
        consumer_secret: str,
        access_token: str,
        access_token_secret: str,
        store_code: str = "default",
        timeout: float = 30,
        connection_key: str = "",
        verify_tls: bool = True,
        ca_pem: str = "",
        concurrency: int = 1,
    ) -> None:
        self.api = f"/rest/{store_code}/V1"
        headers = {}
        signer = None
        if auth == "bearer":
            headers["Authorization"] = f"Bearer {access_token}"
        else:
            signer = OAuth1Auth(
                consumer_key,
                consumer_secret,
                token=access_token,
                token_secret=access_token_secret,
                signature_method="HMAC-SHA256",
                placement="header",
                include_version=True,
            )
        budget = budget_for(f"magento2:{connection_key or base_url}", lambda: RateBudget(20, 10))
        self.http = ChannelHTTP(
            base_url.rstrip("/"),
            auth=signer,
            headers=headers,
            timeout=timeout,
            budget=budget,
            verify=verify_tls,
            ca_pem=ca_pem,
            in_flight=concurrency,
        )

    def close(self) -> None:
        self.http.close()

    # generic ---------------------------------------------------------------------------------
    def get(
        self,
        path: str,
        params: dict[str, str] | None = None,
        *,
        retry: RetryPolicy | None = None,
        error_mapping: dict | None = None,
    ) -> Any:
        return self.http.request(
            "GET", self.api + path, params=params, expect_json=True, retry=retry, error_mapping=error_mapping
        ).json()

    def send(self, method: str, path: str, body: Any = None, *, checked: bool = True) -> Any:
        """A write. ``checked``: the caller re-checks the shop before trying again (see sdk.idempotency)."""
        response = self.http.request(
            method,
            self.api + path,
            json=body,
            expect_json=True,
            idempotent=not checked,
            error_mapping=CHECKED_WRITE if checked else None,
        )
        return response.json()

    def search(
        self,
        path: str,
        groups: Sequence[Sequence[Filter]],
        sort: Sequence[tuple[str, str]],
        page_size: int,
        *,
        concurrency: int = 1,
    ) -> Iterator[tuple[list[Any], int, int]]:
        """Each page's items with the total count and page number, stopping by ``total_count``; up to
        ``concurrency`` pages in flight once the first has told the count. A page past the end by its own
        ``total_count`` (Magento's repeat of the last page) comes back empty with that smaller count."""

        def fetch(page: int) -> tuple[list[Any], int, int]:
            data = self.get(path, criteria(groups, sort, page_size, page))
            if (
                not isinstance(data, dict)
                or not isinstance(data.get("items"), list)
                or not isinstance(data.get("total_count"), int)
            ):
                raise TransientError(f"GET {path}: expected a search result with items and total_count")
            total = data["total_count"]
            return (data["items"] if page <= max(1, math.ceil(total / page_size)) else []), total, page

        items, total, page = first = fetch(1)
        yield first
        last = math.ceil(total / page_size)
        if not items or last <= 1:
            return
        if last > MAX_PAGES:
            raise PermanentError(f"GET {path}: {last} pages (more than {MAX_PAGES}); narrow the window")
        if concurrency > 1:
            yield from in_order(fetch, range(2, last + 1), concurrency)
            return
        while items and page < math.ceil(total / page_size):
            items, total, page = following = fetch(page + 1)
            yield following

    # resources -------------------------------------------------------------------------------
    def order(self, order_id: str) -> dict[str, Any]:
        return self.get(f"/orders/{order_id}")

    def comments(self, order_id: str) -> list[dict[str, Any]]:
        data = self.get(f"/orders/{order_id}/comments")
        return data.get("items") or [] if isinstance(data, dict) else []

    def shipments(self, order_id: str) -> list[dict[str, Any]]:
        return [
            s for items, _, _ in self.search("/shipments", [[("order_id", order_id, "eq")]], [], 100) for s in items
        ]

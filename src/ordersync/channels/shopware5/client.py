"""The Shopware 5 REST API calls ordersync makes, over the SDK's ChannelHTTP.

Facts (shopware5/devdocs ``rest-api/index.md`` and ``examples/order``, ``examples/article``; VENDOR-FACTS §5):

* Authentication: HTTP Digest with the backend user's name and its API key (realm "Shopware REST-API",
  MD5, qop=auth, checked against Shopware's ``Zend_Auth_Adapter_Http`` set-up in shopware5/shopware);
  ``httpx.DigestAuth`` answers the 401 challenge and reuses the nonce with a rising nonce count, so one
  connection costs one extra round trip, not one per request. ChannelHTTP takes it as its ``auth``.
* Answers are ``{"data": ..., "total": n, "success": true}`` (lists), ``{"data": {...}, "success": true}``
  (one record) and ``{"success": false, "message": "..."}`` for errors (404 for an unknown id).
* Lists take ``start``/``limit`` (soft default 1000) and ``filter[n][property|expression|value|operator]``
  (``operator`` 1 joins the condition with OR), ``sort[n][property|direction]``.
* ``PUT /api/orders/{id}`` changes ``orderStatusId``, ``paymentStatusId``, ``trackingCode`` (and comment,
  transactionId, clearedDate) only; ``GET|PUT /api/articles/{number}?useNumberAsId=true`` finds an article
  by the number of any of its variants; ``PUT /api/articles/{id}`` with ``mainDetail.inStock`` or
  ``variants[{number, inStock}]`` sets stock.

Filters name the entity's fields, not the JSON's: the order status is ``status`` and the payment status
``cleared`` (shopware5/shopware ``Components/Api/Resource/Order.php`` renames them to ``orderStatusId`` and
``paymentStatusId`` after reading; ``Components/Model/QueryBuilder::addFilter`` prefixes the root alias, takes
any non-empty ``operator`` as ``orWhere`` and, without ``expression``, compares a string with LIKE - so the
connector always sends the expression). Self-hosted Shopware documents no rate limit; the budget (burst 20, then
10 per second) only keeps the hub's workers from crowding a small PHP host.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import httpx

from ..sdk.errors import NotFoundError, TransientError
from ..sdk.http import ChannelHTTP
from ..sdk.ratelimit import RateBudget, budget_for
from ..sdk.retry import CHECKED_WRITE, RetryPolicy

#: for writes: a 5xx may come after the shop saved the change; the connector re-checks before a new try
#: a condition of a list filter: (property, expression, value, OR-joined)
Condition = tuple[str, str, Any, bool]


def filter_params(conditions: Sequence[Condition], sort: Sequence[tuple[str, str]] = ()) -> dict[str, str]:
    """Shopware's bracket syntax: ``filter[0][property]=orderTime&filter[0][expression]=>=&...``."""
    params: dict[str, str] = {}
    for n, (prop, expression, value, either) in enumerate(conditions):
        params[f"filter[{n}][property]"] = prop
        params[f"filter[{n}][expression]"] = expression
        params[f"filter[{n}][value]"] = str(value)
        if either:
            params[f"filter[{n}][operator]"] = "1"
    for n, (prop, direction) in enumerate(sort):
        params[f"sort[{n}][property]"] = prop
        params[f"sort[{n}][direction]"] = direction
    return params


def rid(external_id: str | int) -> int:
    text = str(external_id).strip()
    if not text.isdigit():
        raise NotFoundError(f"{external_id!r} is not a Shopware 5 id")
    return int(text)


class Shopware5Client:
    def __init__(
        self,
        base_url: str,
        username: str,
        api_key: str,
        *,
        timeout: float = 30,
        connection_key: str = "",
        verify_tls: bool = True,
        ca_pem: str = "",
        retry: RetryPolicy | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        budget = budget_for(f"shopware5:{connection_key or self.base_url}", lambda: RateBudget(20, 10))
        self.http = ChannelHTTP(
            self.base_url,
            auth=httpx.DigestAuth(username, api_key),
            timeout=timeout,
            budget=budget,
            verify=verify_tls,
            ca_pem=ca_pem,
            retry=retry,
        )

    def close(self) -> None:
        self.http.close()

    # generic -----------------------------------------------------------------------------------
    def get(
        self, path: str, params: Mapping[str, Any] | None = None, *, retry: RetryPolicy | None = None
    ) -> dict[str, Any]:
        body = self.http.request("GET", "/api" + path, params=params, expect_json=True, retry=retry).json()
        return _answer("GET", path, body)

    def put(self, path: str, body: Any, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A checked write: a 5xx or a timeout may come after Shopware saved the change, so the HTTP layer does
        not repeat it; the connector reads the record again and writes only if the change is not there
        (``sdk.idempotency.checked_write``). A 429 or a refused connection proves nothing was written and is
        retried here."""
        answer = self.http.request(
            "PUT",
            "/api" + path,
            json=body,
            params=params,
            expect_json=True,
            idempotent=False,
            error_mapping=CHECKED_WRITE,
        ).json()
        return _answer("PUT", path, answer)

    def pages(
        self, path: str, params: Mapping[str, str], limit: int, most: int | None = None
    ) -> Iterator[tuple[list[Any], int]]:
        """Each page of a list with the list's ``total`` as counted with it; at most ``most`` records."""
        start = 0
        while True:
            size = limit if most is None else min(limit, most - start)
            if size <= 0:
                return
            body = self.get(path, {**params, "start": str(start), "limit": str(size)})
            records, total = body.get("data"), body.get("total")
            if not isinstance(records, list) or not isinstance(total, int) or isinstance(total, bool):
                raise TransientError(f"GET {path}: expected data[] and a numeric total")
            yield records, total
            start += len(records)
            if not records or start >= total:
                return

    # resources ---------------------------------------------------------------------------------
    def order(self, order_id: str | int) -> dict[str, Any]:
        data = self.get(f"/orders/{rid(order_id)}").get("data")
        if not isinstance(data, dict):
            raise TransientError(f"GET /orders/{order_id}: data is not an object")
        return data

    def update_order(self, order_id: str | int, changes: dict[str, Any]) -> None:
        self.put(f"/orders/{rid(order_id)}", changes)

    def article_by_number(self, number: str) -> dict[str, Any]:
        data = self.get(f"/articles/{_number(number)}", {"useNumberAsId": "true"}).get("data")
        if not isinstance(data, dict):
            raise TransientError(f"GET /articles/{number}: data is not an object")
        return data

    def article(self, article_id: int) -> dict[str, Any]:
        data = self.get(f"/articles/{rid(article_id)}").get("data")
        if not isinstance(data, dict):
            raise TransientError(f"GET /articles/{article_id}: data is not an object")
        return data

    def update_article(self, article_id: int, changes: dict[str, Any]) -> None:
        self.put(f"/articles/{rid(article_id)}", changes)


def _number(number: str) -> str:
    text = str(number).strip()
    if not text or "/" in text or "?" in text or "#" in text:
        raise NotFoundError(f"{number!r} is not a Shopware 5 article number")
    return text


def _answer(method: str, path: str, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise TransientError(f"{method} {path}: expected a JSON object, got {type(body).__name__}")
    if body.get("success") is False:  # Shopware says so with a 2xx only if something between us broke
        raise TransientError(f"{method} {path}: {body.get('message') or 'success: false'}")
    return body

"""The WooCommerce REST API v3 calls ordersync makes, over the SDK's ChannelHTTP.

Authentication follows WooCommerce's rules: over https the consumer key and secret go as HTTP Basic
credentials; over plain http WooCommerce refuses them and wants every request signed with OAuth 1.0a
(one-legged, see ``sdk.oauth1``). Two escape hatches, as settings: ``query`` puts key and secret in the
query string (WooCommerce's documented fallback for https servers that drop the Authorization header),
and ``basic`` forces Basic over http for shops behind a TLS-terminating proxy that tells WordPress the
request was https.

Self-hosted WooCommerce has no API rate limit, but it runs on PHP workers of often small hosting plans,
so every connection shares one budget across the hub's workers (by default a burst of 50 calls, then 25
per second: more than one sequential client ever needs, less than a crowd of workers could fire).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Mapping
from typing import Any, TypeVar

import httpx

from ..sdk.errors import NotFoundError, TransientError
from ..sdk.http import ChannelHTTP
from ..sdk.oauth1 import OAuth1Auth
from ..sdk.paging import PageNumberPaginator, paginate_numbered_then
from ..sdk.ratelimit import RateBudget, budget_for
from ..sdk.retry import CHECKED_WRITE, Action, ErrorRule, RetryPolicy

API = "/wp-json/wc/v3"
PER_PAGE = 100  # WordPress caps per_page at 100
BATCH_LIMIT = 100  # WooCommerce's default woocommerce_rest_batch_items_limit
R = TypeVar("R")


def _nothing(records: list[Any]) -> None:
    return None


#: For creating notes and changing statuses: a 5xx (503 included) may come after WordPress saved the
#: change, so the HTTP layer must not repeat the call blindly; the connector re-checks and retries.


class QueryAuth(httpx.Auth):
    """consumer_key/consumer_secret as query parameters (https only)."""

    def __init__(self, key: str, secret: str) -> None:
        self.params = {"consumer_key": key, "consumer_secret": secret}

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.url = request.url.copy_merge_params(self.params)
        yield request


def rid(external_id: str | int) -> int:
    """A WooCommerce id for a path; anything else cannot exist in the shop."""
    text = str(external_id).strip()
    if not text.isdigit():
        raise NotFoundError(f"{external_id!r} is not a WooCommerce id")
    return int(text)


def make_auth(url: str, key: str, secret: str, method: str = "auto") -> tuple[httpx.Auth, str]:
    if method == "auto":
        method = "basic" if url.startswith("https://") else "oauth1"
    if method == "oauth1":
        return OAuth1Auth(key, secret, signature_method="HMAC-SHA256", placement="query"), method
    if method == "query":
        return QueryAuth(key, secret), method
    return httpx.BasicAuth(key, secret), "basic"


class WooClient:
    def __init__(
        self,
        url: str,
        key: str,
        secret: str,
        *,
        auth: str = "auto",
        verify_tls: bool = True,
        ca_pem: str = "",
        timeout: float = 30,
        connection_key: str = "",
        retry: RetryPolicy | None = None,
        calls_per_second: float = 25,
        burst: int = 50,
        concurrency: int = 1,
    ) -> None:
        self.url = url.rstrip("/")
        self.auth, self.auth_method = make_auth(self.url, key, secret, auth)
        budget = budget_for(f"woocommerce:{connection_key or self.url}", lambda: RateBudget(burst, calls_per_second))
        self.http = ChannelHTTP(
            self.url,
            auth=self.auth,
            timeout=timeout,
            verify=verify_tls,
            ca_pem=ca_pem,
            retry=retry,
            budget=budget,
            in_flight=concurrency,
        )

    def close(self) -> None:
        self.http.close()

    # generic ---------------------------------------------------------------------------------
    def get(
        self, path: str, params: Mapping[str, Any] | None = None, *, retry: RetryPolicy | None = None
    ) -> tuple[Any, httpx.Response]:
        response = self.http.request("GET", API + path, params=params, expect_json=True, retry=retry)
        return response.json(), response

    def pages(
        self, path: str, params: Mapping[str, Any], *, concurrency: int = 1
    ) -> Iterator[tuple[list[Any], httpx.Response, int]]:
        """Each page of a listing with its page number, following ``X-WP-TotalPages``; up to ``concurrency``
        pages in flight after the first."""
        for data, response, number, _ in self.pages_then(path, params, _nothing, concurrency=concurrency):
            yield data, response, number

    def pages_then(
        self, path: str, params: Mapping[str, Any], then: Callable[[list[Any]], R], *, concurrency: int = 1
    ) -> Iterator[tuple[list[Any], httpx.Response, int, R]]:
        """:meth:`pages`, each page with ``then(its records)``, worked out where the page was fetched (see
        ``sdk.paging.paginate_numbered_then``): a page's further reads run beside the other pages'."""
        paginator = PageNumberPaginator(total_pages_header="X-WP-TotalPages", page_size=PER_PAGE)

        def read(response: httpx.Response) -> tuple[list[Any], httpx.Response, R]:
            data = response.json()
            if not isinstance(data, list):
                raise TransientError(f"GET {path}: expected a JSON list, got {type(data).__name__}")
            return data, response, then(data)

        for data, response, extra in paginate_numbered_then(
            self.http, API + path, paginator, read, params={"per_page": PER_PAGE, **params}, concurrency=concurrency
        ):
            yield data, response, paginator.current, extra

    def send(
        self,
        method: str,
        path: str,
        body: Any,
        *,
        checked: bool = False,
        idempotent: bool | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        response = self.http.request(
            method,
            API + path,
            json=body,
            params=params,
            expect_json=True,
            idempotent=False if checked else idempotent,
            error_mapping=CHECKED_WRITE if checked else None,
        )
        return response.json()

    # resources -------------------------------------------------------------------------------
    def order(self, order_id: str) -> dict[str, Any]:
        return self.get(f"/orders/{rid(order_id)}")[0]

    def notes(self, order_id: str) -> list[dict[str, Any]]:
        return self.get(f"/orders/{rid(order_id)}/notes", {"type": "any"})[0]

    def add_note(self, order_id: str, note: str, *, to_customer: bool) -> dict[str, Any]:
        return self.send(
            "POST", f"/orders/{rid(order_id)}/notes", {"note": note, "customer_note": to_customer}, checked=True
        )

    def update_order(self, order_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.send("PUT", f"/orders/{rid(order_id)}", body, checked=True)

    def webhooks(self) -> list[dict[str, Any]]:
        return [hook for page, _, _ in self.pages("/webhooks", {"status": "all"}) for hook in page]

    def delete_webhook(self, webhook_id: int) -> None:
        self.http.request(
            "DELETE",
            f"{API}/webhooks/{rid(webhook_id)}",
            params={"force": "true"},
            error_mapping={404: ErrorRule(Action.IGNORE), 410: ErrorRule(Action.IGNORE)},
        )

    def batch(self, path: str, updates: list[dict[str, Any]]) -> dict[str, Any]:
        """A batch of absolute values: repeating it is harmless, so it is retried like a PUT."""
        return self.send("POST", path, {"update": updates}, idempotent=True)

"""The Textalk/Abicart JSON-RPC calls ordersync makes, over the SDK's ChannelHTTP.

Every call is a POST of one JSON-RPC request to the endpoint, with the context parameters ``webshop``,
``auth`` (the admin token) and optionally ``language`` in the query string, as the API documents
(developer.abicart.se, "Context parameters"). ordersync only reads, so every call is safe to repeat and is
retried like a GET, by ``ChannelHTTP`` alone: on transport and HTTP failures, and, through the body check,
when the JSON-RPC answer itself is a transient error (-32603, -32000..-32099).

Batches (an array of requests in one POST, JSON-RPC 2.0 section 6) are part of the protocol, but whether
Textalk's backend accepts them is not documented publicly, so they are off unless the ``batch`` setting
turns them on (ASSUMED support); without it the calls of a batch are sent one after another.

Rate limits: none are documented; every connection draws from a budget of 20 calls, refilled at 10 per
second (ASSUMED, conservative), shared by the hub's workers.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import httpx

from ..sdk.errors import AuthError, ChannelError, PermanentError
from ..sdk.http import ChannelHTTP
from ..sdk.ratelimit import RateBudget, budget_for
from ..sdk.retry import RetryPolicy
from . import protocol

DEFAULT_ENDPOINT = "https://shop.textalk.se/backend/jsonrpc/v1"  # developer.abicart.se, "JSON-RPC 2.0"


class TextalkClient:
    def __init__(
        self,
        endpoint: str,
        webshop: str,
        auth_token: str,
        *,
        language: str = "",
        timeout: float = 30,
        connection_key: str = "",
        retry: RetryPolicy | None = None,
        batch: bool = False,
        verify_tls: bool = True,
        ca_pem: str = "",
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.context = {"webshop": webshop, "auth": auth_token, **({"language": language} if language else {})}
        self.batch = batch
        budget = budget_for(f"textalk:{connection_key or self.endpoint + '#' + webshop}", lambda: RateBudget(20, 10))
        self.http = ChannelHTTP(
            self.endpoint,
            timeout=timeout,
            retry=retry,
            budget=budget,
            verify=verify_tls,
            ca_pem=ca_pem,
            headers={"Content-Type": "application/json"},
        )
        self._ids = itertools.count(1)

    def close(self) -> None:
        self.http.close()

    def _post(self, label: str, body: Any, read: Callable[[Any], Any]) -> Any:
        """POST one JSON-RPC body and ``read`` its answer. ``read`` also serves as ChannelHTTP's body check,
        so a JSON-RPC error in a 200 answer is retried (transient) or raised (permanent, auth) by that one
        loop, like an HTTP failure."""

        def check(response: httpx.Response) -> ChannelError | None:
            try:
                read(protocol.parse_body(label, response.content))
            except ChannelError as exc:
                return exc
            return None

        response = self.http.request(
            "POST", "/", params=self.context, json=body, idempotent=True, expect_json=True, check=check
        )
        return read(protocol.parse_body(label, response.content))

    def call(self, method: str, *params: Any) -> Any:
        ident = next(self._ids)
        return self._post(
            method,
            protocol.request(method, list(params), ident),
            lambda answer: protocol.result_of(method, answer, ident),
        )

    def call_many(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        """Results of several reads, in order: one batch POST if ``batch`` is on, else one call each. A call
        Textalk refuses for itself is returned as its PermanentError; auth and transient errors raise."""
        if not calls:
            return []
        if not self.batch:
            return [self._one_of_many(method, params) for method, params in calls]
        idents = [next(self._ids) for _ in calls]
        return self._post(
            "batch",
            [protocol.request(m, list(p), i) for (m, p), i in zip(calls, idents, strict=True)],
            lambda answer: protocol.results_of_batch([(m, i) for (m, _), i in zip(calls, idents, strict=True)], answer),
        )

    def _one_of_many(self, method: str, params: list[Any]) -> Any:
        try:
            return self.call(method, *params)
        except AuthError:
            raise
        except PermanentError as exc:
            return exc

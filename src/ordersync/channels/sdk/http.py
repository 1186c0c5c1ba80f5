"""One HTTP client per channel connection, with the SDK's error policy, retries and rate budget.

Every connector talks to its channel through :class:`ChannelHTTP` so that the rules hold everywhere:
timeouts are always set, failures become ``sdk.errors`` classified by :mod:`.retry`'s table, 429 and
``Retry-After`` are honoured, the connection's shared :mod:`.ratelimit` budget is drawn from before
every attempt, and a JSON body that does not parse counts as a transient failure (a proxy or PHP process
that died mid-response) instead of crashing the mapper.

Per-operation limits (:mod:`.operations`): a request that matches a declared operation also waits for that
operation's budget, teaches it the limit the answer's headers report, and a 429 on it pauses only that
operation. A declared :mod:`.body_checks` check turns a 200 whose body reports an error into the same error
classes, so it is retried, paced or raised by this one loop: connectors keep no retry loop of their own.

Idempotency decides what is retried (see :mod:`.retry`): GET, HEAD, OPTIONS, PUT and DELETE are
repeated on any retryable failure; POST and PATCH only when the failure proves the channel did not act.
Pass ``idempotent=True`` for a POST that is safe to repeat (a search, a batch that sets absolute values).
Redirects are not followed, so a POST never silently turns into a GET.

Every connection passes the SDK's URL guard (:mod:`.urlguard`, checked at connect time, to the checked
address); there is no parameter to swap the transport, so no connector can bypass it. TLS trust is
"verify TLS" plus an optional per-connection CA bundle (:mod:`.tls`).
"""

from __future__ import annotations

import json as jsonlib
import logging
import os
import threading
import weakref
from collections.abc import Mapping
from contextlib import nullcontext
from typing import Any

import httpx

from . import observe
from .body_checks import BodyCheck
from .errors import ChannelError, PermanentError, RateLimited, TransientError
from .operations import OperationBudgets
from .ratelimit import Budget, Unlimited
from .retry import Action, ErrorKey, ErrorRule, InvalidBody, RetryPolicy, classify, merged

log = logging.getLogger(__name__)

USER_AGENT = "ordersync/0.1 (+https://github.com/ordersync/ordersync)"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


def make_timeout(seconds: float, *, connect: float | None = None) -> httpx.Timeout:
    """All four timeouts set; connecting gets less patience than reading a large page."""
    return httpx.Timeout(
        connect=connect if connect is not None else min(10.0, seconds), read=seconds, write=seconds, pool=seconds
    )


def vendor_message(response: httpx.Response) -> str:
    """The channel's own error text if its body carries one (``message``/``error``), else the reason."""
    try:
        data = jsonlib.loads(response.content)
    except ValueError:
        return response.reason_phrase
    if isinstance(data, dict):
        for key in ("message", "error_description", "error", "errors"):
            if data.get(key):
                value = data[key]
                return value if isinstance(value, str) else jsonlib.dumps(value)[:300]
    return response.reason_phrase


class ChannelHTTP:
    """A configured ``httpx.Client`` plus the SDK's failure handling. Use one per connection."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout = 30.0,
        user_agent: str = USER_AGENT,
        headers: Mapping[str, str] | None = None,
        verify: bool = True,
        ca_pem: str = "",
        retry: RetryPolicy | None = None,
        error_mapping: Mapping[ErrorKey, ErrorRule] | None = None,
        budget: Budget | None = None,
        operations: OperationBudgets | None = None,
        check: BodyCheck | None = None,
        in_flight: int = 0,
    ) -> None:
        """``in_flight``: the most requests this connection has open at once, whichever threads send them
        (its concurrency setting; 0 for no bound beyond httpx's pool)."""
        from .tls import ssl_verify
        from .urlguard import default_policy, guarded_transport

        self.retry = retry or RetryPolicy()
        self.error_mapping = merged(error_mapping or {})
        self.budget: Budget = budget or Unlimited()
        self.operations = operations
        self.check = check
        self._slots = threading.BoundedSemaphore(in_flight) if in_flight > 0 else nullcontext()
        transport = guarded_transport(default_policy(), verify=ssl_verify(verify, ca_pem))
        self.client = httpx.Client(
            base_url=base_url,
            auth=auth,
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            timeout=timeout if isinstance(timeout, httpx.Timeout) else make_timeout(timeout),
            headers={"User-Agent": _with_worker(user_agent), "Accept": "application/json", **(headers or {})},
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> ChannelHTTP:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        idempotent: bool | None = None,
        expect_json: bool = False,
        error_mapping: Mapping[ErrorKey, ErrorRule] | None = None,
        retry: RetryPolicy | None = None,
        check: BodyCheck | None = None,
        cost: float = 1.0,
    ) -> httpx.Response:
        """Send with retries; return the response or raise the classified ``ChannelError``.

        ``expect_json`` makes any 2xx body that is not JSON a (transient) failure, whatever its
        content type claims: a PHP error page served with status 200 is not a result. ``retry``,
        ``error_mapping`` and ``check`` override the client's for this call (e.g. a quick connection test).
        ``content`` is a raw request body (an XML document, e.g. PrestaShop's writes).
        ``cost`` is what each attempt takes from the connection budget (query points where the channel
        counts those, as Shopify does).
        """
        method = method.upper()
        safe_to_repeat = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        mapping = {**self.error_mapping, **error_mapping} if error_mapping else self.error_mapping
        policy = retry or self.retry
        body_check = check or self.check
        governed = self.operations.for_request(method, self._relative(path)) if self.operations else None
        attempt = 0
        while True:
            attempt += 1
            self.budget.acquire(cost)
            if governed is not None:
                governed[1].acquire(governed[0].weight)
            try:
                with self._slots:
                    response = self.client.request(
                        method, path, params=params, json=json, data=data, headers=headers, content=content
                    )
                self.budget.update(response.headers)
                observe.budget_used(self.budget)
                if governed is not None:
                    self.operations.learn(*governed, response.headers)  # type: ignore[union-attr]
                failure: int | BaseException | None = None
                if response.status_code >= 300:
                    failure = response.status_code
                else:
                    _check_json(response, required=expect_json)
                    failure = body_check(response) if body_check is not None else None
            except (httpx.TransportError, InvalidBody) as exc:
                response, failure = None, exc
            if failure is None:
                assert response is not None  # only a request that raised has none
                return response
            if isinstance(failure, ChannelError):
                rule, error = _body_rule(failure), failure
                retry_after = failure.retry_after if isinstance(failure, RateLimited) else None
            else:
                rule = classify(failure, mapping)
                if rule.action is Action.IGNORE and response is not None:
                    return response
                error = self._error(rule, method, path, failure, response)
                retry_after = policy.retry_after(response.headers) if response is not None else None
            if rule.action is Action.RATE_LIMITED:
                # a limit on one operation holds back that operation only, not the whole connection
                paused = governed[1] if governed is not None else self.budget
                paused.pause(retry_after if retry_after is not None else policy.backoff(attempt))
            if not _should_retry(policy, rule, safe_to_repeat, attempt, retry_after):
                raise error
            wait = policy.delay(attempt, retry_after)
            log.info(
                "%s %s failed (%s); attempt %d of %d, retrying in %.2fs",
                method,
                path,
                error,
                attempt,
                policy.max_attempts,
                wait,
            )
            policy.sleep(wait)

    def _relative(self, path: str) -> str:
        """The path operations are matched against: as given, or an absolute URL's part below the base."""
        if "://" not in path:
            return path.split("?", 1)[0]
        full, base = httpx.URL(path).path, self.client.base_url.path.rstrip("/")
        return full[len(base) :] if base and full.startswith(base) else full

    def _error(
        self, rule: ErrorRule, method: str, path: str, failure: int | BaseException, response: httpx.Response | None
    ) -> ChannelError:
        where = f"{method} {path}"
        if response is None:
            return rule.error(f"{where}: {rule.message or 'request failed'}: {failure}")
        detail = vendor_message(response) if isinstance(failure, int) else str(failure)
        text = f"{where}: HTTP {response.status_code} {rule.message}: {detail}".rstrip(": ")
        if isinstance(failure, int) and 300 <= failure < 400 and response.headers.get("location"):
            text += f" (Location: {response.headers['location']})"
        body = response.text if response.content else ""
        if issubclass(rule.error, RateLimited):
            return rule.error(
                text, retry_after=self.retry.retry_after(response.headers), status=response.status_code, body=body
            )
        return rule.error(text, status=response.status_code, body=body)


def _with_worker(user_agent: str) -> str:
    """Name the worker process (ORDERSYNC_WORKER_ID) in the User-Agent, so a shop's log tells workers apart."""
    ident = os.environ.get("ORDERSYNC_WORKER_ID", "").strip()
    return f"{user_agent} worker/{ident}" if ident else user_agent


def _body_rule(error: ChannelError) -> ErrorRule:
    """How a check's error is handled, by its class: throttled (nothing ran), transient, or fatal."""
    if isinstance(error, RateLimited):
        return ErrorRule(Action.RATE_LIMITED, type(error), unprocessed=True)
    if isinstance(error, TransientError):
        return ErrorRule(Action.RETRY, type(error))
    return ErrorRule(Action.FAIL, type(error) if isinstance(error, ChannelError) else PermanentError)


def _should_retry(
    policy: RetryPolicy, rule: ErrorRule, safe_to_repeat: bool, attempt: int, retry_after: float | None
) -> bool:
    if rule.action not in (Action.RETRY, Action.RATE_LIMITED):
        return False
    if not safe_to_repeat and not rule.unprocessed:
        return False
    if retry_after is not None and retry_after > policy.max_retry_after:
        return False  # let the job scheduler wait, not this worker
    return attempt < policy.max_attempts


def _check_json(response: httpx.Response, *, required: bool = False) -> None:
    """Raise InvalidBody if a body declared (or required) to be JSON does not parse."""
    declared = "json" in response.headers.get("content-type", "")
    if not (declared or required) or (not response.content and not required):
        return
    try:
        parsed = jsonlib.loads(response.content)
    except ValueError as exc:
        raise InvalidBody(f"{len(response.content)} bytes of invalid JSON: {exc}") from None
    _keep_parsed(response, parsed)


def _keep_parsed(response: httpx.Response, parsed: object) -> None:
    """``response.json()`` returns the parse made for the check instead of parsing again: a page of orders is
    parsed once, not once here, once by the paginator and once by the connector. Its callers only read it.
    httpx links a response and its (by now read and closed) stream both ways; the read body replaces that
    stream, so no cycle keeps a page's parse alive until the cyclic collector runs (memory stays flat), and
    the replacement method holds the response only weakly, for the same reason."""
    response.stream = httpx.ByteStream(response.content)
    this = weakref.ref(response)

    def json(**kwargs: object) -> object:
        return httpx.Response.json(this(), **kwargs) if kwargs else parsed  # type: ignore[arg-type]

    response.json = json  # type: ignore[method-assign]

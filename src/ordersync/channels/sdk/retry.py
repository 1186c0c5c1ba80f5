"""What to do when a channel call fails, written down as data rather than as ``if`` chains.

Every failure, an HTTP status or a transport exception, is looked up in an error mapping (the idea of
Airbyte's ``default_error_mapping``) and gets one action:

* ``RETRY``: try again after an exponential backoff with jitter (5xx, 408, 409, timeouts, dropped
  connections, a truncated JSON body);
* ``RATE_LIMITED``: try again after the channel's ``Retry-After`` (429);
* ``FAIL``: raise at once, the request itself is wrong (4xx other than 408/409/429, invariant 6);
* ``IGNORE``: treat the response as success (a connector may map, say, 404 on DELETE to it).

**Non-idempotent requests.** A POST that reached the server may have had its effect even if we never saw
the answer, so repeating it could create a second note or order. A rule therefore also says whether the
failure proves the request was *not processed* (``unprocessed=True``): the connection was never made
(connect errors and timeouts, pool timeouts), the server refused it up front (429), or said it is
unavailable (503). Only those are retried for non-idempotent requests; anything else is raised as the
mapped error, still marked retryable, and the outbox retries the whole effect later, where the connector
checks the channel before creating again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from enum import Enum

import httpx

from .errors import AuthError, ChannelError, NotFoundError, PermanentError, RateLimited, TransientError


class Action(str, Enum):
    RETRY = "retry"
    RATE_LIMITED = "rate_limited"
    FAIL = "fail"
    IGNORE = "ignore"


@dataclass(frozen=True, slots=True)
class ErrorRule:
    action: Action
    error: type[ChannelError] = TransientError
    message: str = ""
    #: the failure proves the server did not act on the request, so even a POST may be repeated
    unprocessed: bool = False


class InvalidBody(Exception):
    """The response claimed JSON but the body does not parse (truncated or corrupt)."""


_RETRY = ErrorRule(Action.RETRY, TransientError)
ErrorKey = int | type[BaseException]

#: The default policy. Keys are HTTP statuses or exception classes (looked up along the MRO).
DEFAULT_ERROR_MAPPING: dict[ErrorKey, ErrorRule] = {
    400: ErrorRule(Action.FAIL, PermanentError, "the channel rejected the request as invalid"),
    401: ErrorRule(Action.FAIL, AuthError, "the credentials were not accepted"),
    403: ErrorRule(Action.FAIL, AuthError, "the credentials lack a permission for this call"),
    404: ErrorRule(Action.FAIL, NotFoundError, "not found"),
    408: ErrorRule(Action.RETRY, TransientError, "the channel timed out reading the request"),
    409: ErrorRule(Action.RETRY, TransientError, "conflict with a concurrent change"),
    410: ErrorRule(Action.FAIL, NotFoundError, "gone"),
    413: ErrorRule(Action.FAIL, PermanentError, "request too large for the channel"),
    422: ErrorRule(Action.FAIL, PermanentError, "the channel could not process the data"),
    429: ErrorRule(Action.RATE_LIMITED, RateLimited, "rate limit reached", unprocessed=True),
    500: ErrorRule(Action.RETRY, TransientError, "server error"),
    502: ErrorRule(Action.RETRY, TransientError, "bad gateway"),
    503: ErrorRule(Action.RETRY, TransientError, "service unavailable", unprocessed=True),
    504: ErrorRule(Action.RETRY, TransientError, "gateway timeout"),
    httpx.ConnectError: ErrorRule(Action.RETRY, TransientError, "cannot connect", unprocessed=True),
    httpx.ConnectTimeout: ErrorRule(Action.RETRY, TransientError, "connect timeout", unprocessed=True),
    httpx.PoolTimeout: ErrorRule(Action.RETRY, TransientError, "no free connection", unprocessed=True),
    httpx.TimeoutException: ErrorRule(Action.RETRY, TransientError, "timeout"),
    httpx.TransportError: ErrorRule(Action.RETRY, TransientError, "connection failed"),
    InvalidBody: ErrorRule(Action.RETRY, TransientError, "truncated or invalid JSON body"),
}

#: For a write that is not idempotent but whose connector checks, before repeating it, whether the first
#: attempt took effect: a server error may or may not have been applied, so it is retried through that check.
CHECKED_WRITE: dict[ErrorKey, ErrorRule] = {
    code: ErrorRule(Action.RETRY, TransientError, "server error, effect unknown") for code in (500, 502, 503, 504)
}


def classify(failure: int | BaseException, mapping: Mapping[ErrorKey, ErrorRule] | None = None) -> ErrorRule:
    """The rule for an HTTP status or an exception; unlisted ones fall back by class (4xx fail, 5xx retry)."""
    table = DEFAULT_ERROR_MAPPING if mapping is None else mapping
    if isinstance(failure, int):
        if failure in table:
            return table[failure]
        if 300 <= failure < 400:
            # Redirects are not followed: httpx would turn a redirected POST into a GET and lose it.
            return ErrorRule(Action.FAIL, PermanentError, "the channel redirects; configure the final URL")
        if 400 <= failure < 500:
            return ErrorRule(Action.FAIL, PermanentError, "request refused")
        if failure >= 500:
            return ErrorRule(Action.RETRY, TransientError, "server error")
        return ErrorRule(Action.IGNORE)
    for cls in type(failure).__mro__:
        if cls in table:
            return table[cls]
    raise failure  # not an error we know how to handle: a bug, let it surface


def merged(overrides: Mapping[ErrorKey, ErrorRule]) -> dict[ErrorKey, ErrorRule]:
    """The default mapping with a connector's (or one call's) exceptions on top."""
    return {**DEFAULT_ERROR_MAPPING, **overrides}


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP-date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


@dataclass(slots=True)
class RetryPolicy:
    """How often and how patiently to repeat a failed call.

    ``sleep`` and ``clock`` are injectable so tests run instantly and can assert the waits. A
    ``Retry-After`` longer than ``max_retry_after`` is not slept through: the call raises RateLimited
    with the wait, so the job is rescheduled instead of holding a worker for minutes.
    """

    max_attempts: int = 5
    base_delay: float = 0.5
    multiplier: float = 2.0
    max_delay: float = 30.0
    #: fraction of each backoff that is randomised (0 = exact, 1 = "full jitter")
    jitter: float = 0.5
    max_retry_after: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, attempt: int) -> float:
        """The wait after failed attempt number ``attempt`` (1-based), jittered and capped."""
        raw = min(self.max_delay, self.base_delay * self.multiplier ** max(0, attempt - 1))
        spread = raw * self.jitter
        return max(0.0, raw - spread + self.rng.random() * spread)

    def retry_after(self, headers: Mapping[str, str]) -> float | None:
        return parse_retry_after(headers.get("retry-after"), now=self.clock())

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Retry-After wins over our own backoff when the channel gave one."""
        if retry_after is not None:
            return retry_after
        return self.backoff(attempt)


NO_RETRY = RetryPolicy(max_attempts=1)

"""Bearer API keys and a per-key rate limit (a token bucket: ``burst`` requests at once, ``rate`` per
second after that). Over the limit a request gets 429 with ``Retry-After``; the limit is per process.

ORDERSYNC_API_RATE   requests per second per key (default 5)
ORDERSYNC_API_BURST  requests a key may make at once (default 20)
"""

from __future__ import annotations

import hashlib
import math
import os
import threading

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ...accounts import UserInfo, can_write, user_for_api_key
from ...channels.sdk.ratelimit import RateBudget
from ...sync.hub import Hub
from ...telemetry.context import note
from .errors import ApiError

_bearer = HTTPBearer(auto_error=False, description="an API key: `ordersync apikeys create EMAIL`")
DEFAULT_RATE = 5.0
DEFAULT_BURST = 20.0


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected a number above 0") from None
    if value <= 0:
        raise ValueError(f"{name}={raw!r}: expected a number above 0")
    return value


class RateLimiter:
    def __init__(self, rate: float | None = None, burst: float | None = None) -> None:
        self.rate = rate or _env_number("ORDERSYNC_API_RATE", DEFAULT_RATE)
        self.burst = burst or _env_number("ORDERSYNC_API_BURST", DEFAULT_BURST)
        self._buckets: dict[str, RateBudget] = {}
        self._lock = threading.Lock()

    def wait(self, key: str) -> float:
        """0 when the request may go ahead, else the seconds until it may."""
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = RateBudget(self.burst, self.rate)
        return bucket.try_acquire()


class Auth:
    """The dependencies every API route uses: ``user`` (any role) and ``writer`` (owner or staff)."""

    def __init__(self, hub: Hub, limiter: RateLimiter) -> None:
        self.hub, self.limiter = hub, limiter

        def user(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> UserInfo:
            checked = getattr(request.state, "api_user", None)  # ApiRoute checked it before reading a body
            if checked is not None:
                return checked
            return self.authenticate(credentials.credentials if credentials is not None else "")

        def writer(current: UserInfo = Depends(user)) -> UserInfo:
            if not can_write(current):
                raise ApiError(
                    403,
                    "forbidden",
                    f"the key belongs to {current.email}, whose role "
                    f"'{current.role}' may only read; an owner can make it staff",
                )
            return current

        self.user = user
        self.writer = writer

    def authenticate(self, key: str) -> UserInfo:
        """The user of an API key (and one request off its rate budget), or the ApiError that says why not."""
        key = key.strip()
        if not key:
            raise ApiError(
                401,
                "unauthorized",
                "send an API key as 'Authorization: Bearer <key>' "
                "(create one with `ordersync apikeys create EMAIL` or under Account)",
                field="Authorization",
                where="header",
                headers={"WWW-Authenticate": "Bearer"},
            )
        info = user_for_api_key(self.hub, key) if "\x00" not in key and len(key) <= 500 else None
        if info is None:
            raise ApiError(
                401,
                "unauthorized",
                "the API key is not valid or has been revoked",
                field="Authorization",
                where="header",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        wait = self.limiter.wait(hashlib.sha256(key.encode()).hexdigest())
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise ApiError(
                429,
                "rate_limited",
                f"more than {self.limiter.burst:g} requests at once or "
                f"{self.limiter.rate:g} per second with this key; retry after {seconds} s",
                headers={"Retry-After": str(seconds)},
            )
        note(account_id=info.account_id)  # the request's log lines name the account from here on
        return info

    def authenticate_header(self, header: str) -> UserInfo:
        scheme, _, key = header.partition(" ")
        return self.authenticate(key if scheme.lower() == "bearer" else "")

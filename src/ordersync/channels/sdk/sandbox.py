"""The sandbox kit every vendor simulator reuses: ledger, request log, fault plan, webhook sender, control API.

A sandbox is an ASGI app that imitates one vendor's API on loopback. What is the same for every vendor lives
here; what differs (routes, auth, data, error bodies, webhook headers) is supplied by the vendor's subclass of
``Sandbox`` through a few hooks. Tests then assert on effects, not on mocks: the ledger shows every mutation
the vendor API accepted (so "exactly once" is checkable), the request log shows every request with monotonic
timestamps (so rate limits and concurrency are provable), and the fault plan makes the API misbehave on cue.

Control API, mounted at ``/_sandbox`` in every sandbox (never subject to faults, never in the request log):

* ``GET  /_sandbox/ledger[?kind=order.*]`` - accepted mutations; ``kind`` is an exact kind or a glob.
* ``GET  /_sandbox/requests[?since=SEQ]`` - every API request: seq, at, t_start, t_end, method, path, status.
* ``POST /_sandbox/orders`` - simulate buyer activity; the body is vendor-defined (see the vendor's docstring).
* ``GET|POST /_sandbox/faults`` - read or change the fault plan; body formats in ``FaultPlan.configure``.
* ``GET  /_sandbox/webhook-deliveries`` - every outbound webhook attempt with headers and outcome.
* ``POST /_sandbox/reset`` - back to the generated data; ledger, logs, faults and deliveries cleared.
"""

from __future__ import annotations

import asyncio
import fnmatch
import itertools
import json
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route


def utc_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Ledger:
    """Every mutation the vendor API accepted, in arrival order. Rejected requests are only in the request
    log: the ledger answers "did this effect happen, and how often"."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []
        self._seq = itertools.count(1)

    def record(self, kind: str, *, method: str, path: str, resource_id: object = "", body: Any = None,
               changes: dict[str, Any] | None = None) -> dict[str, Any]:
        with self._lock:
            entry = {"seq": next(self._seq), "at": utc_iso(), "method": method, "path": path, "kind": kind,
                     "resource_id": str(resource_id), "body": body, "changes": changes or {}}
            self._entries.append(entry)
            return entry

    def entries(self, kind: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self._entries if kind is None or fnmatch.fnmatchcase(e["kind"], kind)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class RequestLog:
    """Every API request with monotonic start/end (for rates and overlaps) and its wall-clock start in UTC."""

    def __init__(self, maxlen: int = 200_000) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=maxlen)
        self._seq = itertools.count(1)

    def add(self, **entry: Any) -> None:
        with self._lock:
            self._entries.append({"seq": next(self._seq), **entry})

    def entries(self, since: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self._entries if e["seq"] > since]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


REQUEST_FAULTS = ("error", "rate_limit", "delay", "truncate")
OTHER_FAULTS = ("webhook_duplicate", "webhook_reorder", "page_drift")


@dataclass
class FaultRule:
    """One switchable misbehaviour. ``count`` is how many matching events it affects (None: until cleared);
    ``method``/``path`` (a glob such as ``/wp-json/wc/v3/orders*``) narrow which requests match.
    ``phase`` for error/delay: "before" the API handles the request (no effect happens) or "after" (the
    effect happened but the client sees the error or waits) - the case that makes retries dangerous."""

    kind: str
    count: int | None = 1
    method: str | None = None
    path: str | None = None
    status: int = 500
    retry_after: float | None = None
    seconds: float = 0.0
    fraction: float = 0.5
    phase: str = ""
    copies: int = 2
    hold_seconds: float = 2.0
    hits: int = 0

    def __post_init__(self) -> None:
        if self.kind not in REQUEST_FAULTS + OTHER_FAULTS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(REQUEST_FAULTS + OTHER_FAULTS)}")
        self.phase = self.phase or ("after" if self.kind == "delay" else "before")
        if self.phase not in ("before", "after"):
            raise ValueError(f"phase must be 'before' or 'after', not {self.phase!r}")
        if self.kind == "error" and self.status < 500:
            raise ValueError("error faults are 5xx; use rate_limit for 429")

    def matches(self, method: str | None, path: str | None) -> bool:
        if self.method and method and self.method.upper() != method.upper():
            return False
        return not (self.path and path is not None and not fnmatch.fnmatchcase(path, self.path))


class FaultPlan:
    """The active fault rules, consumed first-match-first by ``take``. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def configure(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Apply a control-API body and return the resulting plan. Accepted forms:

        ``{"rules": [rule, ...]}`` replaces the plan, ``{"add": rule | [rule, ...]}`` appends,
        ``{"clear": true}`` empties it. A rule is ``{"kind": ..., "count": 1, "method": "GET",
        "path": "/glob*", ...}`` with per kind: ``error`` {status: 500|503, retry_after, phase},
        ``rate_limit`` {retry_after (seconds, sent as Retry-After)}, ``delay`` {seconds, phase},
        ``truncate`` {fraction of the body kept}, ``webhook_duplicate`` {copies},
        ``webhook_reorder`` {count deliveries held, then sent newest first; hold_seconds at most},
        ``page_drift`` (each matching list call moves a record of the queried window out of it).
        """
        if not isinstance(body, dict):
            raise ValueError("fault body must be a JSON object")
        if body.get("clear"):
            self.clear()
        if "rules" in body:
            rules = [self._rule(r) for r in body["rules"] or []]
            with self._lock:
                self._rules = rules
        if "add" in body:
            added = body["add"] if isinstance(body["add"], list) else [body["add"]]
            rules = [self._rule(r) for r in added]
            with self._lock:
                self._rules.extend(rules)
        return self.snapshot()

    @staticmethod
    def _rule(raw: Any) -> FaultRule:
        if not isinstance(raw, dict):
            raise ValueError(f"a fault rule must be an object, not {raw!r}")
        known = {f for f in FaultRule.__dataclass_fields__ if f != "hits"}
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"unknown fault rule field(s): {', '.join(sorted(unknown))}")
        return FaultRule(**raw)

    def add(self, kind: str, **params: Any) -> FaultRule:
        rule = FaultRule(kind, **params)
        with self._lock:
            self._rules.append(rule)
        return rule

    def take(self, kinds: tuple[str, ...] | str, method: str | None = None,
             path: str | None = None) -> FaultRule | None:
        """The first live rule of one of ``kinds`` matching the event, with its count consumed."""
        kinds = (kinds,) if isinstance(kinds, str) else kinds
        with self._lock:
            for rule in self._rules:
                if rule.kind in kinds and rule.count != 0 and rule.matches(method, path):
                    rule.hits += 1
                    if rule.count is not None:
                        rule.count -= 1
                    return rule
        return None

    def active(self, kind: str) -> bool:
        with self._lock:
            return any(r.kind == kind and r.count != 0 for r in self._rules)

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(r) for r in self._rules]

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()


@dataclass
class OutboundWebhook:
    """One webhook to send. ``prepare`` runs once at send time and returns headers that depend on it (e.g. a
    time-derived delivery id); duplicated sends reuse the prepared headers byte for byte."""

    url: str
    body: bytes
    headers: dict[str, str]
    meta: dict[str, Any] = field(default_factory=dict)
    prepare: Callable[[], dict[str, str]] | None = None
    on_result: Callable[[int | None], None] | None = None


class WebhookDispatcher:
    """Sends webhooks from a background thread so a request never waits for a receiver. Consults the fault
    plan for duplicates and reordering, and records every attempt for ``/_sandbox/webhook-deliveries``."""

    def __init__(self, faults: FaultPlan, timeout: float = 10.0) -> None:
        self.faults = faults
        self.timeout = timeout
        self._queue: queue.Queue[OutboundWebhook | None] = queue.Queue()
        self._lock = threading.Lock()
        self._log: list[dict[str, Any]] = []
        self._seq = itertools.count(1)
        self._pending = 0
        self._held: list[OutboundWebhook] = []
        self._held_since = 0.0
        self._thread: threading.Thread | None = None
        self._client: httpx.Client | None = None

    def submit(self, hook: OutboundWebhook) -> None:
        with self._lock:
            self._pending += 1
            if self._thread is None:
                self._client = httpx.Client(timeout=self.timeout)
                self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
                self._thread.start()
        self._queue.put(hook)

    def send_now(self, hook: OutboundWebhook) -> int | None:
        """Send synchronously (e.g. a creation ping the vendor sends inline); recorded like the others."""
        with httpx.Client(timeout=self.timeout) as client:
            return self._send(client, hook, self._headers(hook), copy=1, reordered=False)

    def _run(self) -> None:
        while True:
            wait = None
            if self._held:
                wait = max(0.0, self._held[0].meta.get("_hold", 2.0) - (time.monotonic() - self._held_since))
            try:
                hook = self._queue.get(timeout=wait)
            except queue.Empty:
                self._release_held()
                continue
            if hook is None:
                return
            rule = self.faults.take("webhook_reorder", "POST", hook.url)
            if rule is not None:
                if not self._held:
                    self._held_since = time.monotonic()
                hook.meta["_hold"] = rule.hold_seconds
                self._held.append(hook)
                if rule.count == 0:
                    self._release_held()
                continue
            self._deliver(hook, reordered=False)

    def _release_held(self) -> None:
        held, self._held = self._held, []
        for hook in reversed(held):
            self._deliver(hook, reordered=True)

    def _deliver(self, hook: OutboundWebhook, *, reordered: bool) -> None:
        try:
            headers = self._headers(hook)
            dup = self.faults.take("webhook_duplicate", "POST", hook.url)
            for copy in range(1, (max(2, dup.copies) if dup else 1) + 1):
                status = self._send(self._client, hook, headers, copy=copy, reordered=reordered)
                if hook.on_result is not None:
                    hook.on_result(status)
        finally:
            with self._lock:
                self._pending -= 1

    @staticmethod
    def _headers(hook: OutboundWebhook) -> dict[str, str]:
        return {**hook.headers, **(hook.prepare() if hook.prepare else {})}

    def _send(self, client: httpx.Client | None, hook: OutboundWebhook, headers: dict[str, str], *, copy: int,
              reordered: bool) -> int | None:
        started, status, error = time.monotonic(), None, ""
        try:
            status = client.post(hook.url, content=hook.body, headers=headers).status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        meta = {k: v for k, v in hook.meta.items() if not k.startswith("_")}
        with self._lock:
            self._log.append({"seq": next(self._seq), "at": utc_iso(), "url": hook.url, "headers": headers,
                              "body": hook.body.decode("utf-8", "replace"), "status": status, "error": error,
                              "copy": copy, "reordered": reordered,
                              "duration_ms": round((time.monotonic() - started) * 1000, 2), **meta})
        return status

    def deliveries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._log)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until everything submitted has been sent (held deliveries included); for tests."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._pending == 0:
                    return True
            time.sleep(0.01)
        return False

    def clear(self) -> None:
        with self._lock:
            self._log.clear()

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=5)
            self._thread = None
        if self._client is not None:
            self._client.close()


class Sandbox:
    """Base of every vendor sandbox. Subclasses implement ``routes``, ``settings_for`` and
    ``control_orders``, and may refine ``reset_data`` and ``fault_response``."""

    system = ""

    def __init__(self, *, webhook_timeout: float = 10.0) -> None:
        self.ledger = Ledger()
        self.requests = RequestLog()
        self.faults = FaultPlan()
        self.webhooks = WebhookDispatcher(self.faults, timeout=webhook_timeout)
        self._app: Any = None

    # hooks -----------------------------------------------------------------------------------
    def routes(self) -> list[Any]:
        raise NotImplementedError

    def settings_for(self, base_url: str) -> dict[str, Any]:
        raise NotImplementedError

    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def reset_data(self) -> None:
        """Restore the generated data."""

    def fault_response(self, rule: FaultRule) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body an injected error or 429 answers with, in the vendor's format."""
        return rule.status, {"content-type": "application/json"}, b'{"error":"injected fault"}'

    # machinery -------------------------------------------------------------------------------
    @property
    def app(self) -> Any:
        if self._app is None:
            inner = Starlette(routes=[Mount("/_sandbox", routes=control_routes(self)), *self.routes()])
            self._app = FaultMiddleware(inner, self)
        return self._app

    def reset(self) -> None:
        self.faults.clear()
        self.webhooks.wait_idle(timeout=5)
        self.ledger.clear()
        self.requests.clear()
        self.webhooks.clear()
        self.reset_data()

    def close(self) -> None:
        self.webhooks.close()


class FaultMiddleware:
    """Logs every API request and applies request faults around the vendor app."""

    def __init__(self, app: Any, sandbox: Sandbox) -> None:
        self.inner = app
        self.sandbox = sandbox

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.inner(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        t_start, at, seen = time.monotonic(), utc_iso(), {"status": None}
        rule = self.sandbox.faults.take(REQUEST_FAULTS, method, path)
        try:
            if rule is not None and rule.kind == "delay" and rule.phase == "before":
                await asyncio.sleep(rule.seconds)
            if rule is not None and rule.kind in ("error", "rate_limit") and rule.phase == "before":
                await self._fault(rule, send, seen)
                return
            buffer = rule is not None and (rule.kind == "truncate" or rule.phase == "after")
            await self.inner(scope, receive, _Capture(send, seen, rule if buffer else None, self))
        finally:
            self.sandbox.requests.add(at=at, t_start=t_start, t_end=time.monotonic(), method=method, path=path,
                                      query=scope.get("query_string", b"").decode("latin-1"),
                                      status=seen["status"], fault=rule.kind if rule else None)

    async def _fault(self, rule: FaultRule, send: Callable, seen: dict) -> None:
        status, headers, body = self.sandbox.fault_response(rule)
        if rule.retry_after is not None or rule.kind == "rate_limit":
            headers = {**headers, "retry-after": _seconds(rule.retry_after if rule.retry_after is not None else 1)}
        seen["status"] = status
        await send({"type": "http.response.start", "status": status,
                    "headers": [(k.encode(), v.encode()) for k, v in headers.items()]
                    + [(b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class _Capture:
    """An ASGI ``send`` that notes the status and, for buffered faults, holds the response until complete."""

    def __init__(self, send: Callable, seen: dict, rule: FaultRule | None, mw: FaultMiddleware) -> None:
        self.send, self.seen, self.rule, self.mw = send, seen, rule, mw
        self.start: dict | None = None
        self.chunks: list[bytes] = []

    async def __call__(self, message: dict) -> None:
        if message["type"] == "http.response.start":
            self.seen["status"] = message["status"]
            if self.rule is None:
                await self.send(message)
            else:
                self.start = message
            return
        if self.rule is None or message["type"] != "http.response.body":
            await self.send(message)
            return
        self.chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        rule, body = self.rule, b"".join(self.chunks)
        if rule.kind == "delay":
            await asyncio.sleep(rule.seconds)
        if rule.kind in ("error", "rate_limit"):  # phase "after": the effect happened, the client sees an error
            await self.mw._fault(rule, self.send, self.seen)
            return
        if rule.kind == "truncate":
            body = body[: max(1, int(len(body) * rule.fraction))] if len(body) > 1 else body
        headers = [(k, v) for k, v in self.start["headers"] if k.lower() != b"content-length"]
        await self.send({**self.start, "headers": headers + [(b"content-length", str(len(body)).encode())]})
        await self.send({"type": "http.response.body", "body": body})


def control_routes(sandbox: Sandbox) -> list[Route]:
    """The uniform ``/_sandbox`` API; see the module docstring."""

    async def body_of(request: Request) -> dict[str, Any]:
        raw = await request.body()
        if not raw:
            return {}
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("body must be a JSON object")
        return data

    def guarded(fn: Callable) -> Callable:
        async def endpoint(request: Request) -> Response:
            try:
                return JSONResponse(await fn(request))
            except ValueError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            except LookupError as exc:
                return JSONResponse({"error": str(exc)}, status_code=404)
        return endpoint

    async def ledger(request: Request) -> Any:
        return sandbox.ledger.entries(request.query_params.get("kind"))

    async def requests(request: Request) -> Any:
        return sandbox.requests.entries(int(request.query_params.get("since", 0)))

    async def orders(request: Request) -> Any:
        return await asyncio.to_thread(sandbox.control_orders, await body_of(request))

    async def faults(request: Request) -> Any:
        if request.method == "GET":
            return sandbox.faults.snapshot()
        return sandbox.faults.configure(await body_of(request))

    async def deliveries(request: Request) -> Any:
        return sandbox.webhooks.deliveries()

    async def reset(request: Request) -> Any:
        await asyncio.to_thread(sandbox.reset)
        return {"reset": True}

    return [Route("/ledger", guarded(ledger)), Route("/requests", guarded(requests)),
            Route("/orders", guarded(orders), methods=["POST"]),
            Route("/faults", guarded(faults), methods=["GET", "POST"]),
            Route("/webhook-deliveries", guarded(deliveries)), Route("/reset", guarded(reset), methods=["POST"])]

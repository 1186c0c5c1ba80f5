"""The sandbox kit every vendor simulator reuses: ledger, request log, fault plan, webhook sender, control API.

A sandbox is an ASGI app that imitates one vendor's API on loopback. What is the same for every vendor lives
here; what differs (routes, auth, data, error bodies, webhook headers) comes from the vendor's subclass of
``Sandbox`` through a few hooks. Tests then assert on effects, not on mocks: the ledger shows every mutation
the vendor API accepted (so "exactly once" is checkable), the request log shows every request with monotonic
timestamps (so rate limits and concurrency are provable), and the fault plan makes the API misbehave on cue.

Control API, mounted at ``/_sandbox`` in every sandbox (never subject to faults, never in the request log):

* ``GET  /_sandbox/ledger[?kind=order.*]`` - accepted mutations; ``kind`` is an exact kind or a glob.
* ``GET  /_sandbox/requests[?since=SEQ]`` - every API request: seq, at, t_start, t_end, method, path,
  query, status, fault (``t_end``/``status`` are null while the request is in flight).
* ``POST /_sandbox/orders`` - simulate buyer activity; the body is vendor-defined (see the vendor's docstring).
* ``GET|POST /_sandbox/faults`` - read or change the fault plan; body formats in ``FaultPlan.configure``.
* ``GET  /_sandbox/webhook-deliveries[?wait=SECONDS]`` - every outbound webhook attempt with headers, body and
  outcome; with ``wait``, once everything queued has been sent (or the seconds are over).
* ``POST /_sandbox/reset`` - back to the generated data; ledger, logs, faults and deliveries cleared.
* ``GET|POST /_sandbox/exchanges`` - full requests and answers (headers and bodies) while recording is on,
  for contract tests that hold every exchange to the vendor's spec; POST ``{"record": bool, "clear": bool}``.
* ``GET  /_sandbox/conformance`` - the sandbox's conformance profile: which ``CONFORMANCE_ACTIONS`` it offers,
  and the fault matchers of its order listing and of each push (see ``Sandbox.conformance_profile``).
* ``POST /_sandbox/conformance/{action}`` - one profile action (see ``Sandbox.conform``); 501 if not offered.
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
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route


def utc_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class _Log:
    def __init__(self, maxlen: int | None = None) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=maxlen)
        self._seq = itertools.count(1)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class Ledger(_Log):
    """Every mutation the vendor API accepted, in arrival order. Rejected requests are only in the request
    log: the ledger answers "did this effect happen, and how often"."""

    def record(
        self,
        kind: str,
        *,
        method: str,
        path: str,
        resource_id: object = "",
        body: Any = None,
        changes: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        with self._lock:
            entry = {
                "seq": next(self._seq),
                "at": utc_iso(),
                "method": method,
                "path": path,
                "kind": kind,
                "resource_id": str(resource_id),
                "body": body,
                "changes": changes or {},
            }
            self._entries.append(entry)
            return entry

    def entries(self, kind: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self._entries if kind is None or fnmatch.fnmatchcase(e["kind"], kind)]


class RequestLog(_Log):
    """Every API request with monotonic start/end (for rates and overlaps) and its wall-clock start in UTC."""

    def __init__(self, maxlen: int = 200_000) -> None:
        super().__init__(maxlen)

    def start(self, **entry: Any) -> dict[str, Any]:
        with self._lock:
            row = {"seq": next(self._seq), **entry, "t_end": None, "status": None}
            self._entries.append(row)
            return row

    def finish(self, row: dict[str, Any], **result: Any) -> None:
        with self._lock:
            row.update(result)

    def entries(self, since: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._entries if e["seq"] > since]


class ExchangeLog(_Log):
    """Whole requests and answers, recorded only while ``recording`` is on (a contract test turns it on; a
    bench of 100,000 orders must not keep every body)."""

    def __init__(self, maxlen: int = 20_000) -> None:
        super().__init__(maxlen)
        self.recording = False

    def add(self, **exchange: Any) -> None:
        with self._lock:
            self._entries.append({"seq": next(self._seq), **exchange})

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._entries]


def _text(chunks: list[bytes]) -> str:
    return b"".join(chunks).decode("utf-8", "replace")


def _header_dict(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw}


# ASGI's message dicts and the callables that carry them
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

REQUEST_FAULTS = ("error", "rate_limit", "delay", "truncate")
OTHER_FAULTS = ("webhook_duplicate", "webhook_reorder", "page_drift", "webhook_fail")


@dataclass
class FaultRule:
    """One switchable misbehaviour. ``count``: how many matching events it affects (None: until cleared).
    ``method``/``path`` narrow what matches; ``path`` is a glob over the request path (for webhook faults,
    over the delivery URL). ``phase`` of error/delay: "before" the API handles the request (no effect) or
    "after" (the effect happened, yet the client sees the error or waits) - the case that makes retries
    dangerous."""

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
        if self.phase not in ("before", "after") or (self.kind == "error" and self.status < 500):
            raise ValueError("phase is 'before' or 'after'; error faults are 5xx (use rate_limit for 429)")

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
        """Apply a control-API body and return the resulting plan. ``{"rules": [rule, ...]}`` replaces the
        plan, ``{"add": rule | [rule, ...]}`` appends, ``{"clear": true}`` empties it. A rule is
        ``{"kind": ..., "count": 1, "method": "GET", "path": "/glob*", ...}`` with, per kind:
        ``error`` {status: 500|503, retry_after, phase}; ``rate_limit`` (429) {retry_after seconds, default 1};
        ``delay`` {seconds, phase}; ``truncate`` {fraction of the body kept}; ``webhook_duplicate`` {copies};
        ``webhook_reorder`` (``count`` deliveries held, then sent newest first; held at most hold_seconds);
        ``page_drift`` (each matching list call moves a record of the queried window out of it);
        ``webhook_fail`` (each matching delivery fails as if the receiver were down: not sent, outcome no
        answer, so the vendor's failure rules apply - WooCommerce disables, Shopify deletes).
        """
        if not isinstance(body, dict):
            raise ValueError("fault body must be a JSON object")
        replace = [self._rule(r) for r in body.get("rules") or []] if "rules" in body else None
        added = body.get("add", [])
        added = [self._rule(r) for r in (added if isinstance(added, list) else [added])]
        with self._lock:
            if body.get("clear"):
                self._rules = []
            if replace is not None:
                self._rules = replace
            self._rules.extend(added)
        return self.snapshot()

    @staticmethod
    def _rule(raw: Any) -> FaultRule:
        if not isinstance(raw, dict):
            raise ValueError(f"a fault rule must be an object, not {raw!r}")
        unknown = set(raw) - (set(FaultRule.__dataclass_fields__) - {"hits"})
        if unknown:
            raise ValueError(f"unknown fault rule field(s): {', '.join(sorted(unknown))}")
        return FaultRule(**raw)

    def add(self, kind: str, **params: Any) -> FaultRule:
        rule = FaultRule(kind, **params)
        with self._lock:
            self._rules.append(rule)
        return rule

    def take(
        self, kinds: tuple[str, ...] | str, method: str | None = None, path: str | None = None
    ) -> FaultRule | None:
        """The first live rule of one of ``kinds`` matching the event, with its count consumed."""
        kinds = (kinds,) if isinstance(kinds, str) else kinds
        with self._lock:
            for rule in self._rules:
                if rule.kind in kinds and rule.count != 0 and rule.matches(method, path):
                    rule.hits += 1
                    rule.count = None if rule.count is None else rule.count - 1
                    return rule
        return None

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(r) for r in self._rules]

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()


@dataclass
class OutboundWebhook:
    """One webhook to send. ``prepare`` runs once at send time for headers that depend on it (e.g. a
    time-derived delivery id); a duplicated send reuses the prepared headers byte for byte."""

    url: str
    body: bytes
    headers: dict[str, str]
    meta: dict[str, Any] = field(default_factory=dict)
    prepare: Callable[[], dict[str, str]] | None = None
    on_result: Callable[[int | None], None] | None = None


class WebhookDispatcher:
    """Sends webhooks from a background thread so a request never waits for a receiver. Consults the fault
    plan for duplicates and reordering; records every attempt for ``/_sandbox/webhook-deliveries``."""

    def __init__(self, faults: FaultPlan, timeout: float = 10.0) -> None:
        self.faults, self.timeout = faults, timeout
        self._queue: queue.Queue[OutboundWebhook | None] = queue.Queue()
        self._lock = threading.Lock()
        self._log: list[dict[str, Any]] = []
        self._seq = itertools.count(1)
        self._pending = 0
        self._held: list[tuple[OutboundWebhook, float]] = []  # (hook, release deadline)
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
            wait = max(0.0, self._held[0][1] - time.monotonic()) if self._held else None
            try:
                hook = self._queue.get(timeout=wait)
            except queue.Empty:
                self._release_held()
                continue
            if hook is None:
                return
            rule = self.faults.take("webhook_reorder", "POST", hook.url)
            if rule is None:
                self._deliver(hook, reordered=False)
                continue
            self._held.append((hook, time.monotonic() + rule.hold_seconds))
            if rule.count == 0:
                self._release_held()

    def _release_held(self) -> None:
        held, self._held = self._held, []
        for hook, _ in reversed(held):
            self._deliver(hook, reordered=True)

    def _deliver(self, hook: OutboundWebhook, *, reordered: bool) -> None:
        try:
            headers = self._headers(hook)
            if self.faults.take("webhook_fail", "POST", hook.url) is not None:
                self._record(hook, headers, None, "fault plan: receiver unreachable", 1, reordered, time.monotonic())
                if hook.on_result is not None:
                    hook.on_result(None)
                return
            dup = self.faults.take("webhook_duplicate", "POST", hook.url)
            for copy in range(1, (max(2, dup.copies) if dup else 1) + 1):
                assert self._client is not None  # opened before the delivery thread started
                status = self._send(self._client, hook, headers, copy=copy, reordered=reordered)
                if hook.on_result is not None:
                    hook.on_result(status)
        except Exception as exc:  # noqa: BLE001 - the sender thread must survive a bad hook
            self._record(hook, {}, None, f"{type(exc).__name__}: {exc}", 1, reordered, time.monotonic())
        finally:
            with self._lock:
                self._pending -= 1

    @staticmethod
    def _headers(hook: OutboundWebhook) -> dict[str, str]:
        return {**hook.headers, **(hook.prepare() if hook.prepare else {})}

    def _send(
        self, client: httpx.Client, hook: OutboundWebhook, headers: dict[str, str], *, copy: int, reordered: bool
    ) -> int | None:
        started, status, error = time.monotonic(), None, ""
        try:
            status = client.post(hook.url, content=hook.body, headers=headers).status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        self._record(hook, headers, status, error, copy, reordered, started)
        return status

    def _record(
        self,
        hook: OutboundWebhook,
        headers: dict[str, str],
        status: int | None,
        error: str,
        copy: int,
        reordered: bool,
        started: float,
    ) -> None:
        with self._lock:
            self._log.append(
                {
                    "seq": next(self._seq),
                    "at": utc_iso(),
                    "url": hook.url,
                    "headers": headers,
                    "body": hook.body.decode("utf-8", "replace"),
                    "status": status,
                    "error": error,
                    "copy": copy,
                    "reordered": reordered,
                    "duration_ms": round((time.monotonic() - started) * 1000, 2),
                    **hook.meta,
                }
            )

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


#: what the conformance suite asks of a sandbox, vendor-neutral; ids are the external ids the connector reports
CONFORMANCE_ACTIONS = {
    "configure": "{page_size, quick}: list at most page_size records per page; quick: long-running operations "
    "(exports, bulk jobs) finish at once instead of reporting 'running' first",
    "create": "{count, seconds_ago=30, webhook=false}: N ordinary open orders placed that long ago -> {ids}",
    "modify": "{ids, seconds_ago=0, webhook=false}: change each order visibly, modified that long ago -> {ids}",
    "hide": "{ids}: the platform deletes or hides the orders from its order listing -> {ids}",
    "malformed": "{}: one order (changed 30 s ago) the connector must quarantine -> {id, marker, where}: the "
    "quarantine entry's ``where`` (raw or reason) holds the marker",
    "view": "{id} | {sku}: what the platform shows -> {status: [words], tracking: [texts], messages: [texts], "
    "total, currency, lines: [{id, quantity, cancelled}] (for line cancellations)} | {stock}",
    "stockable": "{}: a SKU whose stock the API can set -> {sku}",
    "edit_stock": "{sku, stock}: the seller changes the stock in the platform's own back office, behind the "
    "hub's back (no webhook, not a push) -> {stock}",
    "effects": "{capability, id | sku, value}: how many times the platform applied that push -> {count}; "
    "capability is a Capability value or 'cancel_lines' (value: the cancelled quantity it set)",
    "expire_token": "{}: the current OAuth access token stops working -> {}",
    "revoke_token": "{}: the refresh token is revoked too -> {}",
    "webhook_endpoint": "{url}: the seller adds the hub's webhook address by hand in the platform's own portal "
    "(a platform with no API for it), with the signing secret the connection's settings "
    "already hold -> {}",
}


class Sandbox:
    """Base of every vendor sandbox. Subclasses implement ``routes``, ``settings_for`` and
    ``control_orders``, and may refine ``reset_data`` and ``fault_response``."""

    system = ""

    def __init__(self, *, webhook_timeout: float = 10.0) -> None:
        self.ledger, self.requests, self.faults = Ledger(), RequestLog(), FaultPlan()
        self.exchanges = ExchangeLog()
        self.webhooks = WebhookDispatcher(self.faults, timeout=webhook_timeout)
        self._app: Any = None

    def routes(self) -> list[Any]:
        raise NotImplementedError

    def settings_for(self, base_url: str) -> dict[str, Any]:
        """Exactly the connection settings a connector needs to reach this sandbox at ``base_url``."""
        raise NotImplementedError

    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def reset_data(self) -> None:
        """Restore the generated data."""

    def fault_response(self, rule: FaultRule) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body an injected error or 429 answers with, in the vendor's format."""
        return rule.status, {"content-type": "application/json"}, b'{"error":"injected fault"}'

    # conformance profile ---------------------------------------------------------------------------
    def conformance_profile(self) -> dict[str, Any]:
        """What the suite needs to aim faults without knowing the vendor: ``orders_read`` (a fault matcher
        ``{method, path}`` of the order listing), ``writes`` (capability value, or "cancel_lines", -> list of
        matchers of the requests that carry that push), ``pages`` (False: the listing hands out everything at
        once), ``token_refreshes`` (OAuth: refreshes answered so far), ``rate_limit`` (the documented limit the sandbox enforces, or None)
        and ``throttled`` (how many requests it refused for exceeding it)."""
        return {}

    def offered_actions(self) -> list[str]:
        return [
            a
            for a in CONFORMANCE_ACTIONS
            if getattr(type(self), f"conform_{a}", None) is not getattr(Sandbox, f"conform_{a}", None)
        ]

    def conform(self, action: str, body: dict[str, Any]) -> dict[str, Any]:
        """Run one profile action; NotImplementedError if this sandbox does not offer it."""
        if action not in CONFORMANCE_ACTIONS:
            raise LookupError(f"unknown conformance action {action!r}; known: {', '.join(CONFORMANCE_ACTIONS)}")
        result: dict[str, Any] = getattr(self, f"conform_{action}")(body)
        return result

    def _not_offered(self, body: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError(f"the {self.system} sandbox does not offer this conformance action")

    conform_configure = conform_create = conform_modify = conform_hide = conform_malformed = _not_offered
    conform_view = conform_stockable = conform_effects = conform_expire_token = conform_revoke_token = _not_offered
    conform_edit_stock = conform_webhook_endpoint = _not_offered

    @property
    def app(self) -> Any:
        if self._app is None:
            inner = Starlette(routes=[Mount("/_sandbox", routes=control_routes(self)), *self.routes()])
            self._app = FaultMiddleware(inner, self)
        return self._app

    def reset(self) -> None:
        self.faults.clear()
        self.webhooks.wait_idle(timeout=5)
        for log in (self.ledger, self.requests, self.webhooks, self.exchanges):
            log.clear()
        self.reset_data()

    def close(self) -> None:
        self.webhooks.close()


if TYPE_CHECKING:  # a vendor sandbox's conformance mixin is, to the type checker, the Sandbox it is mixed into
    SandboxMixin = Sandbox
else:
    SandboxMixin = object


class FaultMiddleware:
    """Logs every API request and applies request faults around the vendor app."""

    def __init__(self, app: Any, sandbox: Sandbox) -> None:
        self.inner, self.sandbox = app, sandbox

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.inner(scope, receive, send)
            return
        method, path, seen = scope["method"], scope["path"], {"status": None}
        rule = self.sandbox.faults.take(REQUEST_FAULTS, method, path)
        row = self.sandbox.requests.start(
            at=utc_iso(),
            t_start=time.monotonic(),
            method=method,
            path=path,
            query=scope.get("query_string", b"").decode("latin-1"),
            fault=rule.kind if rule else None,
        )
        try:
            if rule is not None and rule.phase == "before" and rule.kind == "delay":
                await asyncio.sleep(rule.seconds)
            if rule is not None and rule.phase == "before" and rule.kind in ("error", "rate_limit"):
                await self.fault(rule, send, seen)
                return
            held = rule if rule is not None and (rule.kind == "truncate" or rule.phase == "after") else None
            if self.sandbox.exchanges.recording and rule is None:
                await self._recorded(scope, receive, _Capture(send, seen, held, self))
            else:
                await self.inner(scope, receive, _Capture(send, seen, held, self))
        finally:
            self.sandbox.requests.finish(row, t_end=time.monotonic(), status=seen["status"])

    async def _recorded(self, scope: Message, receive: Receive, send: Send) -> None:
        """Run the request while keeping copies of both bodies for ``Sandbox.exchanges``."""
        sent: list[bytes] = []
        answered: dict[str, Any] = {"status": None, "headers": [], "chunks": []}

        async def receiving() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                sent.append(message.get("body", b""))
            return message

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                answered["status"], answered["headers"] = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                answered["chunks"].append(message.get("body", b""))
            await send(message)

        try:
            await self.inner(scope, receiving, sending)
        finally:
            self.sandbox.exchanges.add(
                method=scope["method"],
                path=scope["path"],
                query=scope.get("query_string", b"").decode("latin-1"),
                request_headers=_header_dict(scope.get("headers", [])),
                request_body=_text(sent),
                status=answered["status"],
                response_headers=_header_dict(answered["headers"]),
                response_body=_text(answered["chunks"]),
            )

    async def fault(self, rule: FaultRule, send: Send, seen: dict[str, Any]) -> None:
        status, headers, body = self.sandbox.fault_response(rule)
        if rule.retry_after is not None or rule.kind == "rate_limit":
            seconds = 1.0 if rule.retry_after is None else float(rule.retry_after)
            headers = {**headers, "retry-after": str(int(seconds)) if seconds.is_integer() else str(seconds)}
        seen["status"] = status
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode(), v.encode()) for k, v in headers.items()]
                + [(b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _Capture:
    """An ASGI ``send`` that notes the status and, for an "after"/truncate fault, holds the whole response
    back to delay it, replace it by the fault, or cut its body (with a matching Content-Length)."""

    def __init__(self, send: Send, seen: dict[str, Any], rule: FaultRule | None, mw: FaultMiddleware) -> None:
        self.send, self.seen, self.rule, self.mw = send, seen, rule, mw
        self.start: Message | None = None
        self.chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.seen["status"] = message["status"]
        if self.rule is None or message["type"] not in ("http.response.start", "http.response.body"):
            await self.send(message)
            return
        if message["type"] == "http.response.start":
            self.start = message
            return
        self.chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        rule, body = self.rule, b"".join(self.chunks)
        if rule.kind == "delay":
            await asyncio.sleep(rule.seconds)
        if rule.kind in ("error", "rate_limit"):
            await self.mw.fault(rule, self.send, self.seen)
            return
        if rule.kind == "truncate" and len(body) > 1:
            body = body[: max(1, int(len(body) * rule.fraction))]
        assert self.start is not None  # the response start always comes before its body
        headers = [(k, v) for k, v in self.start["headers"] if k.lower() != b"content-length"]
        await self.send({**self.start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
        await self.send({"type": "http.response.body", "body": body})


def control_routes(sandbox: Sandbox) -> list[Route]:
    """The uniform ``/_sandbox`` API; see the module docstring. Bad bodies answer 400, unknown ids 404."""

    async def body_of(request: Request) -> dict[str, Any]:
        data = json.loads(await request.body() or b"{}")
        if not isinstance(data, dict):
            raise ValueError("body must be a JSON object")
        return data

    def guarded(fn: Callable[[Request], Awaitable[Any]]) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                return JSONResponse(await fn(request))
            except ValueError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            except LookupError as exc:
                return JSONResponse({"error": str(exc)}, status_code=404)
            except NotImplementedError as exc:
                return JSONResponse({"error": str(exc)}, status_code=501)

        return endpoint

    async def ledger(request: Request) -> Any:
        return sandbox.ledger.entries(request.query_params.get("kind"))

    async def requests(request: Request) -> Any:
        return sandbox.requests.entries(int(request.query_params.get("since", 0)))

    async def orders(request: Request) -> Any:
        return await asyncio.to_thread(sandbox.control_orders, await body_of(request))

    async def faults(request: Request) -> Any:
        return (
            sandbox.faults.snapshot() if request.method == "GET" else sandbox.faults.configure(await body_of(request))
        )

    async def deliveries(request: Request) -> Any:
        if request.query_params.get("wait"):  # first let everything queued (held ones too) go out
            await asyncio.to_thread(sandbox.webhooks.wait_idle, float(request.query_params["wait"]))
        return sandbox.webhooks.deliveries()

    async def reset(request: Request) -> Any:
        await asyncio.to_thread(sandbox.reset)
        return {"reset": True}

    async def exchanges(request: Request) -> Any:
        if request.method == "POST":
            body = await body_of(request)
            if body.get("clear"):
                sandbox.exchanges.clear()
            if "record" in body:
                sandbox.exchanges.recording = bool(body["record"])
            return {"recording": sandbox.exchanges.recording}
        return sandbox.exchanges.entries()

    async def profile(request: Request) -> Any:
        return {"system": sandbox.system, "actions": sandbox.offered_actions(), **sandbox.conformance_profile()}

    async def conform(request: Request) -> Any:
        return await asyncio.to_thread(sandbox.conform, request.path_params["action"], await body_of(request))

    return [
        Route("/conformance", guarded(profile)),
        Route("/conformance/{action}", guarded(conform), methods=["POST"]),
        Route("/ledger", guarded(ledger)),
        Route("/requests", guarded(requests)),
        Route("/orders", guarded(orders), methods=["POST"]),
        Route("/faults", guarded(faults), methods=["GET", "POST"]),
        Route("/webhook-deliveries", guarded(deliveries)),
        Route("/reset", guarded(reset), methods=["POST"]),
        Route("/exchanges", guarded(exchanges), methods=["GET", "POST"]),
    ]

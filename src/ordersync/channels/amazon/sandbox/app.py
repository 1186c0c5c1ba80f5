"""The Amazon API as the vendor documents it, on the SDK's sandbox kit (ledger, request log, faults and
the control API at ``/_sandbox``).

Routes: ``GET /api/v1/shop``; ``GET /api/v1/orders`` with ``updated_min``/``updated_max`` (inclusive, ISO
8601), ``page``, ``per_page`` (1..250), sorted by id, with ``X-Total-Count``/``X-Total-Pages``; ``GET
/api/v1/orders/{id}``. Every route wants ``Authorization: Bearer <token>`` and answers 401 without it, 400
with ``{"error": ...}`` for a bad parameter, 404 for an unknown order.

Control (``POST /_sandbox/orders``): ``{"create": 3}`` or ``{"create": [{...fields...}]}`` adds orders now,
``{"update": [{"id": 7, ...fields...}]}`` changes them (``updated_at`` becomes now unless given),
``{"delete": [7]}`` removes them, ``{"raw": [{...}]}`` stores records exactly as given (malformed ones too).
"""

from __future__ import annotations

import hashlib
import math
import random
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ordersync.channels.sdk.sandbox import Sandbox

FIRST = ["Anna", "Lukas", "Marie", "Jonas", "Sofia", "Felix"]
LAST = ["Müller", "Schmidt", "Weber", "Becker", "Wagner"]
STREETS = ["Hauptstraße 12", "Am Markt 3a", "Lindenallee 44", "Bahnhofstr. 7"]
CITIES = [("10115", "Berlin", "DE"), ("80331", "München", "DE"), ("1010", "Wien", "AT")]
PRODUCTS = [("P-100", "Kaffeebecher", "12.90"), ("P-200", "Teekanne", "34.50"), ("P-300", "Brotkorb", "19.00")]
STATUSES = ["open", "paid", "paid", "shipped", "cancelled"]


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} is not an ISO 8601 date-time: {value!r}") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{name} needs a time zone: {value!r}")
    return parsed


class AmazonSandbox(Sandbox):
    system = "amazon"

    def __init__(self, *, seed: int = 1, orders: int = 50, history_days: int = 30, **kit: Any) -> None:
        super().__init__(**kit)
        self.seed, self.count, self.history_days = seed, orders, history_days
        self.token = hashlib.sha256(f"amazon-sandbox-{seed}".encode()).hexdigest()[:32]
        self._lock = threading.Lock()
        self.reset_data()

    # data ----------------------------------------------------------------------------------------
    def reset_data(self) -> None:
        rng = random.Random(self.seed)
        now = datetime.now(UTC).replace(microsecond=0)
        with self._lock:
            self.orders: dict[int, dict[str, Any]] = {}
            self.next_id = 1001
            for _ in range(self.count):
                created = now - timedelta(seconds=rng.randint(3600, self.history_days * 86400))
                self._add(rng, created, created + timedelta(seconds=rng.randint(0, 3000)))

    def _add(self, rng: random.Random, created: datetime, updated: datetime) -> int:
        ident, self.next_id = self.next_id, self.next_id + 1
        lines = []
        for n in range(rng.randint(1, 3)):
            sku, title, price = rng.choice(PRODUCTS)
            quantity = rng.randint(1, 3)
            lines.append({"id": ident * 10 + n, "sku": sku, "title": title, "quantity": quantity,
                          "unit_price": price, "total": str(Decimal(price) * quantity)})
        shipping = rng.choice(["0.00", "4.90"])
        zip_, city, country = rng.choice(CITIES)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        self.orders[ident] = {
            "id": ident, "number": str(ident), "status": rng.choice(STATUSES), "currency": "EUR",
            "created_at": iso(created), "updated_at": iso(updated), "shipping_total": shipping,
            "total": str(sum((Decimal(line["total"]) for line in lines), Decimal(shipping))),
            "customer": {"email": f"{first.lower()}.{ident}@example.org"},
            "billing_address": {"first_name": first, "last_name": last, "company": None,
                                "street": rng.choice(STREETS), "zip": zip_, "city": city, "country": country},
            "shipping_address": None, "lines": lines,
        }
        return ident

    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        rng, now = random.Random(), datetime.now(UTC).replace(microsecond=0)
        created, updated, deleted = [], [], []
        with self._lock:
            create = body.get("create", [])
            for spec in ([{}] * create if isinstance(create, int) else create):
                if not isinstance(spec, dict):
                    raise ValueError(f"create entries must be objects, not {spec!r}")
                ident = self._add(rng, now, now)
                self.orders[ident].update(spec)
                created.append(ident)
            for raw in body.get("raw", []):
                ident, self.next_id = self.next_id, self.next_id + 1
                self.orders[ident] = {"id": ident, "updated_at": iso(now), **raw} if isinstance(raw, dict) else raw
                created.append(ident)
            for change in body.get("update", []):
                ident = change.get("id") if isinstance(change, dict) else None
                if ident not in self.orders:
                    raise LookupError(f"no order with id {ident!r}")
                self.orders[ident].update({"updated_at": iso(now), **change})
                updated.append(ident)
            for ident in body.get("delete", []):
                if self.orders.pop(ident, None) is None:
                    raise LookupError(f"no order with id {ident!r}")
                deleted.append(ident)
        return {"created": created, "updated": updated, "deleted": deleted}

    # kit hooks -----------------------------------------------------------------------------------
    def settings_for(self, base_url: str) -> dict[str, Any]:
        return {"base_url": base_url, "api_token": self.token}

    def routes(self) -> list[Any]:
        return [Route("/api/v1/shop", self._guarded(self._shop)), Route("/api/v1/orders", self._guarded(self._list)),
                Route("/api/v1/orders/{ident}", self._guarded(self._one))]

    # HTTP ----------------------------------------------------------------------------------------
    def _guarded(self, handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            if request.headers.get("authorization") != f"Bearer {self.token}":
                return JSONResponse({"error": "invalid or missing API token"}, status_code=401)
            try:
                return handler(request)
            except ValueError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            except LookupError as exc:
                return JSONResponse({"error": str(exc)}, status_code=404)
        return endpoint

    def _shop(self, request: Request) -> Response:
        return JSONResponse({"name": f"Amazon sandbox {self.seed}"})

    def _one(self, request: Request) -> Response:
        ident = request.path_params["ident"]
        with self._lock:
            record = self.orders.get(int(ident)) if ident.isdigit() else None
        if record is None:
            raise LookupError(f"no order {ident}")
        return JSONResponse(record)

    def _list(self, request: Request) -> Response:
        query = request.query_params
        low = parse(query["updated_min"], "updated_min") if "updated_min" in query else None
        high = parse(query["updated_max"], "updated_max") if "updated_max" in query else None
        page, per_page = (self._int(query, name, default, 1, top)
                          for name, default, top in (("page", 1, 1_000_000), ("per_page", 20, 250)))
        with self._lock:
            hits = [self.orders[i] for i in sorted(self.orders) if self._within(self.orders[i], low, high)]
        rows = hits[(page - 1) * per_page: page * per_page]
        pages = max(1, math.ceil(len(hits) / per_page))
        return JSONResponse(rows, headers={"X-Total-Count": str(len(hits)), "X-Total-Pages": str(pages)})

    @staticmethod
    def _within(record: Any, low: datetime | None, high: datetime | None) -> bool:
        try:
            stamp = parse(str(record["updated_at"]), "updated_at")
        except (TypeError, KeyError, ValueError):
            return True  # a malformed record is listed, as a real shop would list it
        return (low is None or stamp >= low) and (high is None or stamp <= high)

    @staticmethod
    def _int(query: Any, name: str, default: int, low: int, high: int) -> int:
        raw = query.get(name, str(default))
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise ValueError(f"{name} must be a whole number from {low} to {high}, not {raw!r}")
        return int(raw)

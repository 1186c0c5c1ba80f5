"""The CSV export server: files with validators, slow and oversized responses, redirects."""

from __future__ import annotations

import asyncio
import hashlib
import random
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ...sdk.sandbox import Sandbox
from .conformance import CsvConformance

HEADER = (
    "order_number;created_at;channel_status;currency;invoice_first_name;invoice_last_name;invoice_street;"
    "invoice_zip;invoice_city;invoice_country;buyer_email;shipping_cost;item_sku;item_title;"
    "item_quantity;item_unit_price;item_tax_rate"
)
_FIRST = ("Anna", "Jürgen", "Özlem", "Björn", "Chloé", "Łukasz", "Marie", "Sören")
_LAST = ("Müller", "Schäfer", "Weiß", "Groß", "Nguyen", "Kowalski", "Öztürk", "Hoffmann")
_STREETS = ("Hauptstraße 5", "Am Markt 3-5", "Lindenallee 12 b", "Q 3, 2", "Kastanienweg 7a", "Bahnhofstr. 101")
_CITIES = (("10115", "Berlin", "DE"), ("80331", "München", "DE"), ("1010", "Wien", "AT"), ("8001", "Zürich", "CH"))
_ARTICLES = (
    ("TS-01", "Bio-Baumwoll-Shirt", "24,90"),
    ("BG-07", "Jutebeutel „Natur“", "9,50"),
    ("BT-22", "Bambus-Zahnbürste; 4er", "1.234,56"),
    ("KR-03", "Kräutertee 100 g", "6,95"),
)


def generate_export(seed: int, orders: int) -> str:
    """A reproducible export: one row per item, quotes where a cell needs them."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, 8, 0)
    lines = [HEADER]
    for n in range(1, orders + 1):
        placed = start + timedelta(minutes=37 * n)
        zip_code, city, country = rng.choice(_CITIES)
        order = [
            str(10000 + n),
            placed.strftime("%d.%m.%Y %H:%M"),
            rng.choice(("offen", "bezahlt", "versendet")),
            "EUR",
            rng.choice(_FIRST),
            rng.choice(_LAST),
            rng.choice(_STREETS),
            zip_code,
            city,
            country,
            f"kunde{n}@example.org",
            "4,90",
        ]
        for i in range(rng.randint(1, 3)):
            sku, title, price = rng.choice(_ARTICLES)
            cells = (order if i == 0 else [order[0]] + [""] * (len(order) - 1)) + [
                sku,
                title,
                str(rng.randint(1, 3)),
                price,
                "19",
            ]
            lines.append(";".join(_quote(c) for c in cells))
    return "\r\n".join(lines) + "\r\n"


def _quote(cell: str) -> str:
    return f'"{cell.replace(chr(34), chr(34) * 2)}"' if any(c in cell for c in ';"\r\n,') else cell


class _File:
    def __init__(self, content: bytes) -> None:
        self.content = content
        self.etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
        self.modified = datetime.now(UTC).replace(microsecond=0)

    @property
    def last_modified(self) -> str:
        return format_datetime(self.modified, usegmt=True)


class CsvSandbox(CsvConformance, Sandbox):
    system = "csv"
    header = HEADER

    def __init__(self, *, seed: int = 1, orders: int = 100, **options: Any) -> None:
        super().__init__(**options)
        self.seed, self.orders = seed, orders
        self._lock = threading.Lock()
        self.files: dict[str, _File] = {}
        self.reset_data()

    def reset_data(self) -> None:
        with self._lock:
            self.files = {"orders.csv": _File(b"\xef\xbb\xbf" + generate_export(self.seed, self.orders).encode())}

    def put(self, name: str, content: bytes) -> _File:
        with self._lock:
            old = self.files.get(name)
            file = _File(content)
            if old is not None and file.modified <= old.modified:
                file.modified = old.modified + timedelta(seconds=1)  # a change always moves Last-Modified
            self.files[name] = file
            return file

    def settings_for(self, base_url: str) -> dict[str, Any]:
        return {
            "url": f"{base_url}/files/orders.csv",
            "profile": "ordersync",
            "status_map": "offen=Ordered,bezahlt=Paid,versendet=Shipped",
        }

    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        if "generate" in body:
            self.seed, self.orders = int(body.get("seed", self.seed)), int(body["generate"])
            self.reset_data()
            file = self.files["orders.csv"]
            self.ledger.record("file.generated", method="POST", path="/_sandbox/orders", resource_id="orders.csv")
            return {"name": "orders.csv", "etag": file.etag, "bytes": len(file.content)}
        name, content = body.get("name"), body.get("content")
        if not isinstance(name, str) or not name or "/" in name or not isinstance(content, str):
            raise ValueError(
                'body must be {"name": "file.csv", "content": "...", "encoding": "utf-8"} or {"generate": N}'
            )
        file = self.put(name, content.encode(body.get("encoding") or "utf-8"))
        self.ledger.record("file.replaced", method="POST", path="/_sandbox/orders", resource_id=name)
        return {"name": name, "etag": file.etag, "last_modified": file.last_modified, "bytes": len(file.content)}

    def routes(self) -> list[Any]:
        return [
            Route("/files/{name}", self.serve_file),
            Route("/slow/{name}", self.serve_slow),
            Route("/big", self.serve_big),
            Route("/redirect", self.redirect),
            Route("/headers", self.headers),
        ]

    def _file(self, request: Request) -> _File | None:
        with self._lock:
            return self.files.get(request.path_params["name"])

    async def serve_file(self, request: Request) -> Response:
        file = self._file(request)
        if file is None:
            return Response("not found", 404, media_type="text/plain")
        validators = {"etag": file.etag, "last-modified": file.last_modified}
        if _not_modified(request, file):
            return Response(status_code=304, headers=validators)
        return Response(file.content, 200, headers=validators, media_type="text/csv; charset=utf-8")

    async def serve_slow(self, request: Request) -> Response:
        file = self._file(request)
        if file is None:
            return Response("not found", 404, media_type="text/plain")
        chunk = max(1, int(request.query_params.get("chunk", "64")))
        pause = float(request.query_params.get("pause", "0.5"))

        async def trickle():
            for start in range(0, len(file.content), chunk):
                yield file.content[start : start + chunk]
                await asyncio.sleep(pause)

        return StreamingResponse(trickle(), media_type="text/csv")

    async def serve_big(self, request: Request) -> Response:
        size = int(request.query_params.get("bytes", "1000000"))
        row = ("1;01.11.2026 10:00;" + "x" * 80 + "\r\n").encode()

        async def body():
            sent = 0
            while sent < size:
                piece = (row * 64)[: size - sent]
                sent += len(piece)
                yield piece

        headers = {"content-length": str(size)} if request.query_params.get("declare") == "1" else {}
        return StreamingResponse(body(), media_type="text/csv", headers=headers)

    async def headers(self, request: Request) -> Response:
        """The request headers as received, to check what a client sends (e.g. after a redirect)."""
        return JSONResponse(dict(request.headers))

    async def redirect(self, request: Request) -> Response:
        target = request.query_params.get("to", "")
        return Response(status_code=302, headers={"location": target})


def _not_modified(request: Request, file: _File) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since."""
    match = request.headers.get("if-none-match")
    if match is not None:
        return match.strip() == "*" or file.etag in [t.strip().removeprefix("W/") for t in match.split(",")]
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return file.modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False

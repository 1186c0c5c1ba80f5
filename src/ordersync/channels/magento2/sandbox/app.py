"""A Magento 2 / Adobe Commerce shop's admin REST API on loopback, on the SDK's sandbox kit.

Routes under ``/rest/default`` (the admin schema's basePath; ``/rest/all`` too): ``GET /V1/orders`` and
``/V1/orders/{id}``; ``POST /V1/orders/{id}/cancel|hold|unhold``; ``POST /V1/order/{id}/invoice`` and
``/V1/order/{id}/ship``; ``GET /V1/shipments``; ``GET|POST /V1/orders/{id}/comments``; ``GET /V1/products``;
legacy stock ``GET /V1/stockItems/{sku}``, ``PUT /V1/products/{sku}/stockItems/{itemId}``; MSI ``GET
/V1/inventory/sources``, ``GET|POST /V1/inventory/source-items`` (absent with ``msi=False``). Auth: see
``auth.py``. Errors are Magento's ``{"message": ..., "parameters": ...}``; Magento core has no REST rate
limit, so there is none here (faults can still inject 429s).

Control (``POST /_sandbox/orders``): ``{"create": N | [{"status", "seconds_ago", ...fields}], "update":
[{"entity_id", "seconds_ago", ...fields}], "delete": [ids], "raw": [{...}]}`` (raw records are stored as
given, malformed ones too). These are buyer activity, not API calls: they are not in the ledger.
"""

from __future__ import annotations

import copy
import json
import random
import threading
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...sdk.sandbox import FaultRule, Sandbox
from . import orders as ops
from . import search
from .auth import Integration, Refused
from .catalog import Catalog
from .conformance import MagentoConformance

NO_ROUTE = "Request does not match any route."
NOT_FOUND = "The entity that was requested doesn't exist. Verify the entity and try again."


def body(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status_code=status, media_type="application/json")


def error(message: str, status: int = 400, parameters: Any = None) -> Response:
    return body({"message": message, **({"parameters": parameters} if parameters is not None else {})}, status)


class Magento2Sandbox(MagentoConformance, Sandbox):
    """Options: ``bearer_enabled`` (the admin allowed integration tokens as bearer tokens; default off, as
    in Magento 2.4.4+), ``msi`` (MSI modules installed; default on), ``history_days``."""

    system = "magento2"

    def __init__(
        self,
        *,
        seed: int = 1,
        orders: int = 30,
        bearer_enabled: bool = False,
        msi: bool = True,
        history_days: int = 30,
        **kit: Any,
    ) -> None:
        super().__init__(**kit)
        self.seed, self.count, self.history_days, self.msi = seed, orders, history_days, msi
        self.integration = Integration(seed, bearer_enabled=bearer_enabled)
        self.lock = threading.RLock()
        self.page_cap: int | None = None
        self.reset_data()

    # data ----------------------------------------------------------------------------------------
    def reset_data(self) -> None:
        rng, now = random.Random(self.seed), time.time()
        with self.lock:
            self.page_cap = None
            self.orders: dict[int, Any] = {}
            self.shipments: list[dict[str, Any]] = []
            self.next_id, self.next_shipment = 1, 1
            self.catalog = Catalog(now - self.history_days * 86400)
            self.integration.reset()
            for _ in range(self.count):
                created = now - rng.randint(3600, self.history_days * 86400)
                self._add(rng, created, created + rng.randint(0, 3000), rng.choice(["pending", "processing"]))

    def _add(self, rng: random.Random, created: float, updated: float, status: str, **fields: Any) -> int:
        oid, self.next_id = self.next_id, self.next_id + 1
        self.orders[oid] = ops.build_order(rng, oid, created, updated, status)
        self.orders[oid].update(fields)
        return oid

    def touch(self, order: dict[str, Any], when: float | None = None) -> None:
        order["updated_at"] = ops.stamp(time.time() if when is None else when)

    def control_orders(self, spec: dict[str, Any]) -> dict[str, Any]:
        rng, now, created, updated, deleted = random.Random(), time.time(), [], [], []
        with self.lock:
            create = spec.get("create", [])
            for item in [{}] * create if isinstance(create, int) else create:
                item = dict(item)
                when = now - float(item.pop("seconds_ago", 0))
                created.append(self._add(rng, when, when, item.pop("status", "pending"), **item))
            for raw in spec.get("raw", []):
                oid, self.next_id = self.next_id, self.next_id + 1
                self.orders[oid] = {"entity_id": oid, "updated_at": ops.stamp(now), **raw}
                created.append(oid)
            for change in spec.get("update", []):
                change = dict(change)
                order = self.orders.get(change.pop("entity_id", None))
                if order is None:
                    raise LookupError("no such order")
                when = now - float(change.pop("seconds_ago", 0))
                order.update(change)
                self.touch(order, when)
                updated.append(order["entity_id"])
            for oid in spec.get("delete", []):
                if self.orders.pop(int(oid), None) is None:
                    raise LookupError(f"no order {oid}")
                deleted.append(int(oid))
        return {"created": created, "updated": updated, "deleted": deleted}

    # kit hooks -----------------------------------------------------------------------------------
    def settings_for(self, base_url: str) -> dict[str, Any]:
        i = self.integration
        return {
            "base_url": base_url,
            "auth": "oauth1",
            "consumer_key": i.consumer_key,
            "consumer_secret": i.consumer_secret,
            "access_token": i.access_token,
            "access_token_secret": i.token_secret,
        }

    def fault_response(self, rule: FaultRule) -> tuple[int, dict[str, str], bytes]:
        """Magento's REST error body for 5xx; a 429 as a proxy or Adobe Commerce's backpressure would send."""
        if rule.kind == "rate_limit":
            return 429, {"content-type": "application/json"}, b'{"message":"Too Many Requests"}'
        if rule.status == 503:
            return (
                503,
                {"content-type": "text/html"},
                b"<html><body><h1>Service Temporarily Unavailable</h1></body></html>",
            )
        return (
            rule.status,
            {"content-type": "application/json"},
            json.dumps(
                {"message": "Internal Error. Details are available in Magento log file. Report ID: webapi-6543"}
            ).encode(),
        )

    def routes(self) -> list[Any]:
        table = [
            ("GET", "/V1/orders", self.list_orders),
            ("GET", "/V1/orders/{id:int}", self.get_order),
            ("POST", "/V1/orders/{id:int}/cancel", self.cancel),
            ("POST", "/V1/orders/{id:int}/hold", self.hold),
            ("POST", "/V1/orders/{id:int}/unhold", self.unhold),
            ("POST", "/V1/order/{id:int}/invoice", self.invoice),
            ("POST", "/V1/order/{id:int}/ship", self.ship),
            ("GET", "/V1/shipments", self.list_shipments),
            ("POST", "/V1/shipment/track", self.add_track),
            ("GET", "/V1/orders/{id:int}/comments", self.comments),
            ("POST", "/V1/orders/{id:int}/comments", self.add_comment),
            ("GET", "/V1/products", self.list_products),
            ("GET", "/V1/stockItems/{sku}", self.stock_item),
            ("PUT", "/V1/products/{sku}/stockItems/{item_id}", self.put_stock_item),
            ("GET", "/V1/inventory/sources", self.sources),
            ("GET", "/V1/inventory/source-items", self.source_items),
            ("POST", "/V1/inventory/source-items", self.save_source_items),
        ]
        routes = []
        for store in ("default", "all"):
            routes += [
                Route(f"/rest/{store}{path}", self._guard(handler), methods=[method]) for method, path, handler in table
            ]
        return routes

    def _guard(self, handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            url = f"{request.url.scheme}://{request.url.netloc}{request.url.path}"
            try:
                self.integration.check(request.method, url, request.url.query, request.headers.get("authorization", ""))
            except Refused:
                return error(
                    "The consumer isn't authorized to access %resources.", 401, {"resources": "Magento_Sales::sales"}
                )
            raw = await request.body()
            try:
                data = json.loads(raw) if raw else {}
            except ValueError:
                return error("Decoding error: \nSyntax error", 400)
            try:
                with self.lock:
                    return handler(request, data)
            except search.SearchError as exc:
                return error(str(exc), 400)
            except ops.OrderRefused as exc:
                return error(str(exc), 400)
            except LookupError:
                return error(NOT_FOUND, 404)

        return endpoint

    # orders --------------------------------------------------------------------------------------
    def _order(self, request: Request) -> dict[str, Any]:
        order = self.orders.get(request.path_params["id"])
        if order is None:
            raise LookupError
        return order

    def list_orders(self, request: Request, _: Any) -> Response:
        criteria = search.parse(request.query_params)
        rows = [o for o in self.orders.values() if isinstance(o, dict)]
        fields = {
            "entity_id",
            "increment_id",
            "updated_at",
            "created_at",
            "status",
            "state",
            "customer_email",
            "store_id",
            "grand_total",
        }
        page, total, _ = search.run(rows, criteria, fields=fields, page_cap=self.page_cap)
        answer = {"items": copy.deepcopy(page), "search_criteria": criteria, "total_count": total}
        if page and self.faults.take("page_drift", "GET", request.url.path):
            self.touch(page[0])  # it changed just now: it leaves the window and later pages move up
        return body(answer)

    def get_order(self, request: Request, _: Any) -> Response:
        return body(self._order(request))

    def _mutate(self, request: Request, kind: str, data: Any, changes: dict[str, Any]) -> None:
        order = self._order(request)
        self.touch(order)
        self.ledger.record(
            kind,
            method=request.method,
            path=request.url.path,
            resource_id=order["entity_id"],
            body=data or None,
            changes={"status": order["status"], **changes},
        )

    def cancel(self, request: Request, data: Any) -> Response:
        done = ops.cancel(self._order(request))
        if done:
            self._mutate(request, "order.cancel", data, {})
        return body(done)

    def hold(self, request: Request, data: Any) -> Response:
        ops.hold(self._order(request))
        self._mutate(request, "order.hold", data, {})
        return body(True)

    def unhold(self, request: Request, data: Any) -> Response:
        ops.unhold(self._order(request))
        self._mutate(request, "order.unhold", data, {})
        return body(True)

    def invoice(self, request: Request, data: Any) -> Response:
        ops.invoice(self._order(request))
        self._mutate(request, "order.invoice", data, {})
        return body(request.path_params["id"] * 100 + 1)

    def ship(self, request: Request, data: Any) -> Response:
        order = self._order(request)
        tracks = data.get("tracks") or []
        if not isinstance(tracks, list) or any(
            not isinstance(t, dict) or not t.get("track_number") or not t.get("carrier_code") or not t.get("title")
            for t in tracks
        ):
            return error('"%fieldName" is required. Enter and try again.', 400, {"fieldName": "track_number"})
        shipped = ops.ship(order, data.get("items") or [])
        sid, self.next_shipment = self.next_shipment, self.next_shipment + 1
        self.shipments.append(
            {
                "entity_id": sid,
                "order_id": order["entity_id"],
                "increment_id": f"{sid:09d}",
                "created_at": ops.stamp(time.time()),
                "total_qty": float(sum(q for _, q in shipped)),
                "items": [
                    {
                        "order_item_id": i["item_id"],
                        "qty": float(q),
                        "sku": i["sku"],
                        "name": i["name"],
                        "parent_id": sid,
                        "product_id": i["product_id"],
                    }
                    for i, q in shipped
                ],
                "tracks": [
                    {
                        "order_id": order["entity_id"],
                        "parent_id": sid,
                        "weight": 0,
                        "qty": 0,
                        "description": "",
                        "track_number": t["track_number"],
                        "title": t["title"],
                        "carrier_code": t["carrier_code"],
                    }
                    for t in tracks
                ],
                "comments": [],
            }
        )
        self._mutate(request, "order.ship", data, {"shipment_id": sid, "tracks": [t["track_number"] for t in tracks]})
        return body(sid)

    def add_track(self, request: Request, data: Any) -> Response:
        entity = data.get("entity") if isinstance(data, dict) else None
        required = ("order_id", "parent_id", "track_number", "title", "carrier_code")
        if not isinstance(entity, dict) or any(entity.get(k) in (None, "") for k in required):
            return error('"%fieldName" is required. Enter and try again.', 400, {"fieldName": "entity"})
        shipment = next(
            (
                s
                for s in self.shipments
                if s["entity_id"] == entity["parent_id"] and s["order_id"] == entity["order_id"]
            ),
            None,
        )
        if shipment is None:
            raise LookupError
        track = {
            "order_id": entity["order_id"],
            "parent_id": entity["parent_id"],
            "weight": entity.get("weight", 0),
            "qty": entity.get("qty", 0),
            "description": entity.get("description", ""),
            "track_number": entity["track_number"],
            "title": entity["title"],
            "carrier_code": entity["carrier_code"],
            "entity_id": len(shipment["tracks"]) + 1000,
        }
        shipment["tracks"].append(track)
        order = self.orders[entity["order_id"]]
        self.touch(order)
        self.ledger.record(
            "order.ship",
            method="POST",
            path=request.url.path,
            resource_id=entity["order_id"],
            body=data,
            changes={"status": order["status"], "tracks": [entity["track_number"]]},
        )
        return body(track)

    def list_shipments(self, request: Request, _: Any) -> Response:
        criteria = search.parse(request.query_params)
        page, total, _ = search.run(
            self.shipments, criteria, fields={"entity_id", "order_id", "increment_id", "created_at"}
        )
        return body({"items": copy.deepcopy(page), "search_criteria": criteria, "total_count": total})

    def comments(self, request: Request, _: Any) -> Response:
        history = self._order(request).get("status_histories") or []
        return body(
            {"items": copy.deepcopy(history), "search_criteria": {"filter_groups": []}, "total_count": len(history)}
        )

    def add_comment(self, request: Request, data: Any) -> Response:
        order = self._order(request)
        entry = data.get("statusHistory") if isinstance(data, dict) else None
        if not isinstance(entry, dict) or not str(entry.get("comment") or "").strip():
            return error('"%fieldName" is required. Enter and try again.', 400, {"fieldName": "comment"})
        history = order.setdefault("status_histories", [])
        history.insert(
            0,
            {
                "comment": entry["comment"],
                "created_at": ops.stamp(time.time()),
                "entity_id": order["entity_id"] * 1000 + len(history) + 1,
                "entity_name": "order",
                "is_customer_notified": int(bool(entry.get("is_customer_notified"))),
                "is_visible_on_front": int(bool(entry.get("is_visible_on_front"))),
                "parent_id": order["entity_id"],
                "status": entry.get("status") or order["status"],
            },
        )
        self._mutate(
            request,
            "order.comment",
            data,
            {"comment": entry["comment"], "notified": bool(entry.get("is_customer_notified"))},
        )
        return body(True)

    # catalog and stock ---------------------------------------------------------------------------
    def list_products(self, request: Request, _: Any) -> Response:
        criteria = search.parse(request.query_params)
        page, total, _ = search.run(
            self.catalog.rows(),
            criteria,
            fields={"entity_id", "sku", "updated_at", "created_at", "type_id"},
            page_cap=self.page_cap,
        )
        return body({"items": copy.deepcopy(page), "search_criteria": criteria, "total_count": total})

    def stock_item(self, request: Request, _: Any) -> Response:
        item = self.catalog.stock_items.get(request.path_params["sku"])
        if item is None:
            return error('The Product with the "%1" SKU doesn\'t exist.', 404, [request.path_params["sku"]])
        return body(item)

    def put_stock_item(self, request: Request, data: Any) -> Response:
        sku = request.path_params["sku"]
        item = self.catalog.stock_items.get(sku)
        new = data.get("stockItem") if isinstance(data, dict) else None
        if item is None:
            return error('The Product with the "%1" SKU doesn\'t exist.', 404, [sku])
        if not isinstance(new, dict) or not isinstance(new.get("qty"), (int, float)):
            return error('"%fieldName" is required. Enter and try again.', 400, {"fieldName": "stockItem"})
        if str(item["item_id"]) != request.path_params["item_id"]:
            return error("The stock item was unable to be saved. Please try again.", 400)
        before = item["qty"]
        item.update({k: v for k, v in new.items() if k in item and k not in ("item_id", "product_id")})
        if item["qty"] != before:  # saving the same quantity again changes nothing in the shop
            self.ledger.record(
                "product.stock",
                method="PUT",
                path=request.url.path,
                resource_id=sku,
                body=data,
                changes={"qty": item["qty"]},
            )
        return body(item["item_id"])

    def sources(self, request: Request, _: Any) -> Response:
        if not self.msi:
            return error(NO_ROUTE, 404)
        source = {
            "source_code": "default",
            "name": "Default Source",
            "enabled": True,
            "country_id": "DE",
            "postcode": "10115",
        }
        return body({"items": [source], "search_criteria": search.parse(request.query_params), "total_count": 1})

    def source_items(self, request: Request, _: Any) -> Response:
        if not self.msi:
            return error(NO_ROUTE, 404)
        criteria = search.parse(request.query_params)
        page, total, _ = search.run(
            list(self.catalog.source_items.values()), criteria, fields={"sku", "source_code", "quantity", "status"}
        )
        return body({"items": copy.deepcopy(page), "search_criteria": criteria, "total_count": total})

    def save_source_items(self, request: Request, data: Any) -> Response:
        if not self.msi:
            return error(NO_ROUTE, 404)
        items = data.get("sourceItems") if isinstance(data, dict) else None
        if not isinstance(items, list) or not items:
            return error('"%fieldName" is required. Enter and try again.', 400, {"fieldName": "sourceItems"})
        for item in items:
            if (
                not isinstance(item, dict)
                or item.get("sku") not in self.catalog.stock_items
                or item.get("source_code") != "default"
                or not isinstance(item.get("quantity"), (int, float))
            ):
                return error("Validation Failed", 400, [{"message": "Source item is not valid."}])
        for item in items:
            key = (item["sku"], item["source_code"])
            before = self.catalog.source_items.get(key, {}).get("quantity")
            self.catalog.source_items[key] = {
                "sku": item["sku"],
                "source_code": item["source_code"],
                "quantity": item["quantity"],
                "status": int(item.get("status", 1)),
            }
            if item["quantity"] != before:  # saving the same quantity again changes nothing in the shop
                self.ledger.record(
                    "product.stock",
                    method="POST",
                    path=request.url.path,
                    resource_id=item["sku"],
                    body=item,
                    changes={"qty": item["quantity"]},
                )
        return body([])

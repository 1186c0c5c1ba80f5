"""``WooSandbox``: a WooCommerce shop on loopback, and its answer to the control API's ``POST /_sandbox/orders``.

Control body (all keys optional)::

    {"create": 3 | [order, ...], "update": [{"id": 1234, ...}, ...], "webhook": true}

* ``create: N`` adds N random orders placed now. An ``order`` object adds one order: ``status`` (default
  processing), ``line_items`` as ``{"sku"|"product_id"|"variation_id": ..., "quantity": n}`` resolved from the
  catalogue with prices, taxes and totals computed - or, with ``"raw": true``, stored exactly as given (minus
  ``raw``) and left out of the totals, which is how a malformed line (no price, ``"quantity": "zwei"``) gets
  in; ``date_created_gmt``/``date_modified_gmt`` (naive UTC) back- or post-date it; every other key replaces
  the generated value (objects such as ``billing`` are merged).
* ``update`` entries change an existing order as ``PUT /orders/{id}`` would (status with its system note,
  meta_data merge, addresses, ``set_paid`` ...); other keys are set verbatim; ``date_modified_gmt`` sets the
  modification time (e.g. into an already imported window) instead of now.
* ``webhook: false`` changes the data silently: no ``order.created``/``order.updated`` delivery, so only
  polling can notice.

Answer: ``{"created": [ids], "updated": [ids]}``. These changes are buyer activity, not API calls, so they are
not in the ledger.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from ...sdk.sandbox import FaultRule, Sandbox
from .auth import Authenticator
from .conformance import WooConformance
from .data import STATUSES, Sellable, build_order, keys_for
from .params import ORDER_UPDATE, WCError, validate
from .refunds import RefundBook
from .rest import API
from .routes import build_routes
from .store import WooStore, dump
from .webhooks import WebhookRegistry

_CRITICAL = (
    '<p>There has been a critical error on this website.</p><p><a href="https://wordpress.org/documentation/'
    'article/faq-troubleshooting/">Learn more about troubleshooting WordPress.</a></p>'
)
_MAINTENANCE = (
    b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Maintenance</title></head><body>'
    b"Briefly unavailable for scheduled maintenance. Check back in a minute.</body></html>"
)


def _gmt_epoch(text: str) -> int:
    value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return int((value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp())


def _merge(target: dict, patch: dict) -> None:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


class WooSandbox(WooConformance, Sandbox):
    """A WooCommerce REST API v3 at ``/wp-json/wc/v3``. Options: ``https_offload`` (treat every request as
    HTTPS, as WordPress behind a TLS proxy does: Basic auth accepted, OAuth signed over https://),
    ``page_limit`` (per_page maximum, 100 in WordPress), ``catalog_seed`` (share one catalogue between
    sandboxes with different order seeds), ``anchor`` (the generated history ends there; default today 00:00
    UTC), ``history_days``, ``webhook_timeout``, ``parent_stock_share`` (the share of variable products whose
    parent manages one stock for all variations, 0.35), ``refunds_collection`` (serve ``GET /refunds``, as
    WooCommerce 9.0+ does; off: a shop from before, answering 404 ``rest_no_route``; also switchable through
    ``POST /_sandbox/conformance/configure``; a reset restores this value)."""

    system = "woocommerce"
    api_user = "shopadmin"

    def __init__(
        self,
        *,
        seed: int = 1,
        orders: int = 100,
        products: int = 100,
        catalog_seed: int | None = None,
        https_offload: bool = False,
        page_limit: int = 100,
        anchor: datetime | None = None,
        history_days: int = 180,
        webhook_timeout: float = 10.0,
        parent_stock_share: float = 0.35,
        refunds_collection: bool = True,
    ) -> None:
        super().__init__(webhook_timeout=webhook_timeout)
        anchor = anchor or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        self.seed, self.page_limit, self.https_offload = seed, page_limit, https_offload
        self.store = WooStore(
            seed=seed,
            orders=orders,
            products=products,
            catalog_seed=seed if catalog_seed is None else catalog_seed,
            anchor=int(anchor.timestamp()),
            history_days=history_days,
            parent_stock_share=parent_stock_share,
        )
        self.consumer_key, self.consumer_secret = keys_for(seed)
        self.auth = Authenticator(self.consumer_key, self.consumer_secret, https=https_offload)
        self.hooks = WebhookRegistry(self.webhooks, salt=f"ordersync-sandbox-salt-{seed}")
        self.site_url: str | None = None
        self.refunds = RefundBook()
        self.refunds_collection = self._refunds_collection_default = refunds_collection

    # Sandbox hooks -------------------------------------------------------------------------------
    def settings_for(self, base_url: str) -> dict[str, Any]:
        self.site_url = base_url.rstrip("/")
        return {"url": self.site_url, "consumer_key": self.consumer_key, "consumer_secret": self.consumer_secret}

    def routes(self) -> list[Any]:
        return build_routes(self)

    def reset_data(self) -> None:
        self.page_cap = None
        self.store.load()
        self.hooks.reset()
        self.auth.reset()
        self.refunds.reset()
        self.refunds_collection = self._refunds_collection_default

    def fault_response(self, rule: FaultRule) -> tuple[int, dict[str, str], bytes]:
        """500: WordPress's fatal-error JSON; 503: its maintenance page; 429: the Store API's rate-limit body
        (core REST has no limiter; hosts and proxies add one)."""
        if rule.kind == "rate_limit":
            seconds = int(rule.retry_after if rule.retry_after is not None else 1)
            return (
                429,
                {"content-type": "application/json; charset=UTF-8"},
                dump(
                    {
                        "code": "rate_limit_exceeded",
                        "message": f"Too many requests. Please wait {seconds} seconds before trying again.",
                        "data": {"status": 429},
                    }
                ),
            )
        if rule.status == 503:
            return 503, {"content-type": "text/html; charset=utf-8"}, _MAINTENANCE
        return (
            rule.status,
            {"content-type": "application/json; charset=UTF-8"},
            dump(
                {
                    "code": "internal_server_error",
                    "message": _CRITICAL,
                    "data": {"status": rule.status},
                    "additional_errors": [],
                }
            ),
        )

    # rendering -----------------------------------------------------------------------------------
    def site(self, request: Any = None) -> str:
        if self.site_url:
            return self.site_url
        if request is not None:
            return f"{request.url.scheme}://{request.headers.get('host', '127.0.0.1')}"
        return "http://127.0.0.1"

    def order_json(self, oid: int, site: str) -> bytes | None:
        """The cached order bytes with ``_links`` spliced in (links depend on the site URL, bytes do not)."""
        body = self.store.order_bytes(oid)
        if body is None:
            return None
        s = site.replace("/", "\\/").encode()
        return (
            body[:-1] + b',"_links":{"self":[{"href":"%s\\/wp-json\\/wc\\/v3\\/orders\\/%d"}],'
            b'"collection":[{"href":"%s\\/wp-json\\/wc\\/v3\\/orders"}]}}' % (s, oid, s)
        )

    def existing_order_json(self, oid: int, site: str) -> bytes:
        """``order_json`` of an order the caller has already found (its id came from the index)."""
        body = self.order_json(oid, site)
        if body is None:
            raise LookupError(f"no order with id {oid}")
        return body

    def product_json(self, pid: int, site: str) -> bytes | None:
        body = self.store.product_bytes(pid)
        if body is None:
            return None
        parent = self.store.parent_of.get(pid)
        links = {"self": [{"href": f"{site}{API}/products/{pid}"}], "collection": [{"href": f"{site}{API}/products"}]}
        if parent:
            links["up"] = [{"href": f"{site}{API}/products/{parent}"}]
        return body[:-1] + b',"_links":' + dump(links) + b"}"

    def existing_product_json(self, pid: int, site: str) -> bytes:
        """``product_json`` of a product or variation the caller has already found."""
        body = self.product_json(pid, site)
        if body is None:
            raise LookupError(f"no product with id {pid}")
        return body

    def variation_json(self, pid: int, vid: int, site: str) -> bytes:
        links = {
            "self": [{"href": f"{site}{API}/products/{pid}/variations/{vid}"}],
            "collection": [{"href": f"{site}{API}/products/{pid}/variations"}],
            "up": [{"href": f"{site}{API}/products/{pid}"}],
        }
        return dump({**self.store.variation_view(vid), "_links": links})

    def emit_order(self, oid: int, event: str) -> None:
        self.hooks.emit("order", event, oid, self.existing_order_json(oid, self.site()), self.site())

    def drift(self, oid: int) -> None:
        """Page-drift fault: the record changes now, so it leaves a window bounded by modified_before and
        everything after it moves up one place."""
        order = self.store.order(oid)
        if order is not None:
            self.store.save_order(order, int(time.time()))
            self.emit_order(oid, "updated")

    # control API ---------------------------------------------------------------------------------
    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        create, updates = body.get("create", []), body.get("update", [])
        if isinstance(create, int) and not isinstance(create, bool):
            create = [{} for _ in range(create)]
        if not isinstance(create, list) or not isinstance(updates, list):
            raise ValueError("'create' is a count or a list of orders, 'update' a list of orders with ids")
        webhook, created, updated = body.get("webhook", True) is not False, [], []
        for spec in create:
            oid = self.create_order(spec if isinstance(spec, dict) else {})
            created.append(oid)
            if webhook:
                self.emit_order(oid, "created")
        for spec in updates:
            if not isinstance(spec, dict) or "id" not in spec:
                raise ValueError(f"an update needs an id: {spec!r}")
            oid = int(spec["id"])
            if self.change_order(oid, spec):
                updated.append(oid)
                if webhook:
                    self.emit_order(oid, "updated")
        return {"created": created, "updated": updated}

    def _sellable(self, line: dict) -> Sellable:
        for s in self.store.sellables:
            if (
                (line.get("variation_id") and s.variation_id == int(line["variation_id"]))
                or (line.get("sku") and s.sku == line["sku"])
                or (
                    line.get("product_id")
                    and not line.get("variation_id")
                    and s.variation_id == 0
                    and s.product_id == int(line["product_id"])
                )
            ):
                return s
        raise ValueError(f"no catalogue item matches line {line!r} (variable products need a variation_id or sku)")

    def create_order(self, spec: dict[str, Any]) -> int:
        now = int(time.time())
        status = spec.get("status", "processing")
        if status not in (*STATUSES, "trash"):
            raise ValueError(f"unknown status {status!r}")
        created = _gmt_epoch(spec["date_created_gmt"]) if spec.get("date_created_gmt") else now
        modified = _gmt_epoch(spec["date_modified_gmt"]) if spec.get("date_modified_gmt") else max(now, created)
        lines = spec.get("line_items")
        with self.store.lock:
            row = self.store.add_row(created, modified, status)
            good = (
                None
                if lines is None
                else [(self._sellable(x), int(x.get("quantity", 1))) for x in lines if not x.get("raw")]
            )
            order = build_order(self.seed, row, self.store.sellables, lines=good, status=status)
            if lines is not None:
                order["line_items"] += [{k: v for k, v in x.items() if k != "raw"} for x in lines if x.get("raw")]
            order["created_via"] = "checkout"
            extra = {
                k: v
                for k, v in spec.items()
                if k not in ("status", "line_items", "date_created_gmt", "date_modified_gmt")
            }
            _merge(order, extra)
            self.store.save_order(order, modified)
        return row.id

    def change_order(self, oid: int, spec: dict[str, Any]) -> bool:
        if oid not in self.store.rows:
            raise LookupError(f"no order {oid}")
        if "date_created_gmt" in spec:
            raise ValueError("date_created_gmt can only be given when an order is created")
        try:
            put = validate(ORDER_UPDATE, {k: v for k, v in spec.items() if k in ORDER_UPDATE})
        except WCError as exc:
            raise ValueError(f"{exc.message}: {exc.data.get('params')}") from None
        with self.store.lock:
            _, changes = self.store.update_order(oid, put, int(time.time()))
            raw = {k: v for k, v in spec.items() if k not in ORDER_UPDATE and k not in ("id", "date_modified_gmt")}
            if raw or spec.get("date_modified_gmt"):
                order = self.store.existing_order(oid)
                _merge(order, raw)
                when = _gmt_epoch(spec["date_modified_gmt"]) if spec.get("date_modified_gmt") else int(time.time())
                self.store.save_order(order, when)
                changes.update(raw or {"date_modified_gmt": order["date_modified_gmt"]})
        return bool(changes)

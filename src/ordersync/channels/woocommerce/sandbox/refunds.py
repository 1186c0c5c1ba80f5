"""``/orders/{order_id}/refunds``: the order refunds API as WooCommerce documents it (REST v3).

An order lists its refunds only as ``refunds: [{id, reason, total}]`` (``total`` negative, e.g. "-5.00");
the refund itself (date, amount, the refunded line items with negative quantities and totals, each pointing
at the order's line through the ``_refunded_item_id`` meta) is read here. A generated "refunded" order has
one refund of everything; ``POST`` adds a partial or full refund (``line_items`` as ``[{id, quantity,
refund_total, refund_tax: [{id, refund_total}]}]``, ``amount`` taking precedence), and an order refunded in
full becomes ``refunded``, as ``wc_create_refund`` does.

``/refunds`` (WooCommerce 9.0+, ``WC_REST_Refunds_Controller``): the refunds of every order, read-only, each as
above plus ``parent_id`` (the order) right after ``id``, its links pointing at the order refunds route. Its
arguments are the order refunds collection's (the controller extends it), and so is the query, with one
difference that matters to a client: the controller removes ``post_parent__in`` from the query its parent
builds, and that is where both the order id of ``/orders/{id}/refunds`` and the ``parent`` argument end up
(``WC_REST_CRUD_Controller::prepare_objects_query``). So ``parent`` is accepted and validated but filters
nothing; ``include`` (refund ids, ``post__in``; HPOS maps it to ``id``), ``exclude`` and ``parent_exclude``
(``post_parent__not_in``) do filter. The sandbox serves that, sorted by ``date`` (the refund's creation,
then id; ``modified`` the same, as refunds are not edited), ``id`` or ``include``; ``title``/``slug`` sort
by id here, and ``search`` is accepted but not applied. A shop from before 9.0 has no such route: with
``refunds_collection`` off (constructor option, or ``POST /_sandbox/conformance/configure
{"refunds_collection": false}``) it answers WordPress's 404 ``rest_no_route``, as for any unknown route.
"""

from __future__ import annotations

import json
import threading
import time
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from .data import dates, generated_refund_id
from .params import WCError, _collection, arg
from .rest import Ctx, invalid_id, links, paginate, respond, windows

if TYPE_CHECKING:
    from .app import WooSandbox

REFUNDS_LIST = {
    "context": arg("string", "Scope under which the request is made.", default="view", enum=["view", "edit"]),
    "page": arg("integer", "Current page of the collection.", default=1, minimum=1),
    "per_page": arg(
        "integer", "Maximum number of items to be returned in result set.", default=10, minimum=1, maximum=100
    ),
    "offset": arg("integer", "Offset the result set by a specific number of items."),
    "dp": arg("integer", "Number of decimal points to use in each resource.", default=2),
}
#: ``GET /refunds``: the order refunds collection's arguments (WC_REST_Order_Refunds_V2_Controller drops status,
#: customer and product from the orders'), as the current WooCommerce declares them
REFUNDS_COLLECTION = _collection(
    ["date", "id", "include", "title", "slug", "modified"],
    parent=arg(
        "array",
        "Limit result set to those of particular parent IDs (accepted, but WooCommerce does not apply it here).",
        default=[],
        items={"type": "integer"},
    ),
    parent_exclude=arg(
        "array",
        "Limit result set to all items except those of a particular parent ID.",
        default=[],
        items={"type": "integer"},
    ),
    dp=arg("integer", "Number of decimal points to use in each resource.", default=2),
)
REFUND_CREATE = {
    "amount": arg("string", "Refund amount."),
    "reason": arg("string", "Reason for refund."),
    "refunded_by": arg("integer", "User ID of user who created the refund."),
    "line_items": arg("array", "Line items data.", items={"type": "object"}),
    "api_refund": arg("boolean", "When true, the payment gateway API is used to generate the refund.", default=True),
    "api_restock": arg("boolean", "When true, refunded items are restocked.", default=True),
}
CENT = Decimal("0.01")


def _dec(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value or 0)).quantize(CENT)
    except InvalidOperation:
        raise WCError(
            400, "rest_invalid_param", f"Invalid parameter(s): {where}", params={where: f"{where} is not a number."}
        ) from None


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT)}"


class RefundBook:
    """The refunds the sandbox holds in full, per order id, newest first."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_order: dict[int, list[dict]] = {}
        self._index: tuple[int, list[tuple[int, int, int]]] | None = None

    def reset(self) -> None:
        with self.lock:
            self.by_order.clear()
            self._index = None  # the store's version starts again at 0 with the reloaded data

    def index(self, sb: WooSandbox) -> list[tuple[int, int, int]]:
        """Every refund of the shop as (refund id, order id, created epoch), by refund id; rebuilt when the store
        changes. A generated order's refund is known from its row; a changed order's from its stored JSON."""
        store = sb.store
        with store.lock:
            cached = self._index
            if cached is not None and cached[0] == store.version:
                return cached[1]
            with self.lock:
                created = {
                    r["id"]: (oid, _epoch(r.get("date_created_gmt"))) for oid, rs in self.by_order.items() for r in rs
                }
            out = []
            for oid in store.ids:
                row = store.rows[oid]
                body = store.changed.get(oid)
                if body is None:
                    if row.status == "refunded":
                        out.append((generated_refund_id(row), oid, row.modified))
                    continue
                for summary in json.loads(body).get("refunds") or ():
                    rid = summary.get("id") if isinstance(summary, dict) else None
                    if isinstance(rid, int) and not isinstance(rid, bool):
                        known = created.get(rid)
                        out.append((rid, oid, known[1] if known and known[0] == oid else row.modified))
            out.sort()
            self._index = (store.version, out)
            return out

    def of(self, sb: WooSandbox, oid: int) -> list[dict]:
        with self.lock:
            if oid in self.by_order:
                return self.by_order[oid]
        order = sb.store.order(oid) or {}
        return [_everything(order, r) for r in order.get("refunds") or []]

    def add(self, sb: WooSandbox, oid: int, refund: dict) -> None:
        existing = self.of(sb, oid)
        with self.lock:
            self.by_order[oid] = [refund, *existing]


def _everything(order: dict, summary: dict) -> dict:
    """The refund behind a generated order's summary: all of its lines, dated when it was last modified."""
    lines = [
        _refund_line(
            line,
            -int(line["quantity"]),
            -_dec(line["total"], "total"),
            -_dec(line["total_tax"], "total_tax"),
            90_000_000 + summary["id"] * 10 + k,
        )
        for k, line in enumerate(order.get("line_items") or [])
        if isinstance(line.get("quantity"), int)
    ]
    return {
        "id": summary["id"],
        **dates("date_created", _epoch(order.get("date_modified_gmt"))),
        "amount": _money(-_dec(summary["total"], "total")),
        "reason": summary.get("reason", ""),
        "refunded_by": 1,
        "refunded_payment": False,
        "meta_data": [],
        "line_items": lines,
        "shipping_lines": [],
        "tax_lines": [],
        "fee_lines": [],
    }


def _epoch(gmt: str | None) -> int:
    from datetime import UTC, datetime

    return int(datetime.fromisoformat(gmt).replace(tzinfo=UTC).timestamp()) if gmt else int(time.time())


def _refund_line(line: dict, quantity: int, total: Decimal, tax: Decimal, item_id: int) -> dict:
    return {
        "id": item_id,
        "name": line.get("name", ""),
        "product_id": line.get("product_id", 0),
        "variation_id": line.get("variation_id", 0),
        "quantity": quantity,
        "tax_class": line.get("tax_class", ""),
        "subtotal": _money(total),
        "subtotal_tax": _money(tax),
        "total": _money(total),
        "total_tax": _money(tax),
        "taxes": [],
        "sku": line.get("sku", ""),
        "meta_data": [{"id": item_id + 1, "key": "_refunded_item_id", "value": str(line["id"])}],
        "price": float(total / quantity) if quantity else 0.0,
    }


def _view(ctx: Ctx, oid: int, refund: dict) -> dict:
    return {
        **refund,
        "_links": links(ctx.site, f"/orders/{oid}/refunds/{refund['id']}", f"/orders/{oid}/refunds", f"/orders/{oid}"),
    }


def refund_order_exists(sb: WooSandbox, request: Any) -> bool:
    return int(request.path_params["order_id"]) in sb.store.rows


def _order_id(sb: WooSandbox, ctx: Ctx) -> int:
    oid = ctx.id("order_id")
    if oid not in sb.store.rows:
        raise invalid_id("woocommerce_rest_order_invalid_id", 404, "Invalid order ID.")
    return oid


async def list_refunds(sb: WooSandbox, ctx: Ctx) -> Response:
    oid = _order_id(sb, ctx)
    refunds = {r["id"]: r for r in sb.refunds.of(sb, oid)}
    page_ids, headers = paginate(ctx, list(refunds))
    return respond([_view(ctx, oid, refunds[i]) for i in page_ids], headers=headers)


async def list_all_refunds(sb: WooSandbox, ctx: Ctx) -> Response:
    """``GET /refunds``: see the module docstring for what filters and what does not."""
    a = ctx.args
    include, exclude, not_of = set(a["include"]), set(a["exclude"]), set(a["parent_exclude"])
    span = windows(a)
    lo = max((span[k] for k in ("after", "modified_after") if k in span), default=None)
    hi = min((span[k] for k in ("before", "modified_before") if k in span), default=None)
    rows = [
        r
        for r in sb.refunds.index(sb)
        if (not include or r[0] in include)
        and r[0] not in exclude
        and r[1] not in not_of
        and (lo is None or r[2] > lo)
        and (hi is None or r[2] < hi)
    ]
    if a["orderby"] == "include":
        rank = {rid: n for n, rid in enumerate(dict.fromkeys(a["include"]))}
        rows.sort(key=lambda r: rank[r[0]])
    elif a["orderby"] in ("date", "modified"):  # "date ID", as WC_REST_CRUD_Controller adds the id
        rows.sort(key=lambda r: (r[2], r[0]))
    if a["order"] == "desc" and a["orderby"] != "include":
        rows.reverse()
    if sb.page_cap:  # conformance profile: small pages without many refunds
        a["per_page"] = min(a["per_page"], sb.page_cap)
    parent_of = {r[0]: r[1] for r in rows}
    page_ids, headers = paginate(ctx, [r[0] for r in rows])
    body = []
    for rid in page_ids:
        oid = parent_of[rid]
        refund = next((r for r in sb.refunds.of(sb, oid) if r["id"] == rid), None)
        if refund is not None:  # gone since the index was read: as a post deleted mid-request
            view = _view(ctx, oid, refund)
            body.append({"id": view.pop("id"), "parent_id": oid, **view})
    return respond(body, headers=headers)


async def get_refund(sb: WooSandbox, ctx: Ctx) -> Response:
    oid = _order_id(sb, ctx)
    for refund in sb.refunds.of(sb, oid):
        if refund["id"] == ctx.id():
            return respond(_view(ctx, oid, refund))
    raise invalid_id("woocommerce_rest_shop_order_refund_invalid_id", 404)


async def create_refund(sb: WooSandbox, ctx: Ctx) -> Response:
    oid = _order_id(sb, ctx)
    a, now = ctx.args, int(time.time())
    with sb.store.lock:
        order = sb.store.existing_order(oid)
        by_id = {line["id"]: line for line in order.get("line_items") or []}
        lines, from_lines = [], Decimal(0)
        for n, spec in enumerate(a.get("line_items") or []):
            if not isinstance(spec, dict) or spec.get("id") not in by_id:
                raise WCError(
                    400,
                    "woocommerce_rest_invalid_order_refund_line",
                    f"line_items[{n}]: no line item {spec.get('id') if isinstance(spec, dict) else spec!r} "
                    "in this order.",
                )
            total = _dec(spec.get("refund_total"), f"line_items[{n}][refund_total]")
            tax = sum(
                (
                    _dec(t.get("refund_total"), f"line_items[{n}][refund_tax]")
                    for t in spec.get("refund_tax") or []
                    if isinstance(t, dict)
                ),
                Decimal(0),
            )
            qty = int(spec.get("quantity") or spec.get("qty") or 0)
            from_lines += total + tax
            lines.append(_refund_line(by_id[spec["id"]], -qty, -total, -tax, sb.store.new_id()))
        amount = _dec(a["amount"], "amount") if a.get("amount") not in (None, "") else from_lines
        already = sum((-_dec(r["total"], "total") for r in order.get("refunds") or []), Decimal(0))
        if amount <= 0:
            raise WCError(400, "woocommerce_rest_invalid_order_refund", "Refund amount must be greater than zero.")
        if amount > _dec(order["total"], "total") - already:
            raise WCError(500, "woocommerce_rest_cannot_create_order_refund", "Invalid refund amount.")
        refund = {
            "id": sb.store.new_id(),
            **dates("date_created", now),
            "amount": _money(amount),
            "reason": a.get("reason") or "",
            "refunded_by": a.get("refunded_by") or 1,
            "refunded_payment": False,
            "meta_data": [],
            "line_items": lines,
            "shipping_lines": [],
            "tax_lines": [],
            "fee_lines": [],
        }
        sb.refunds.add(sb, oid, refund)
        order["refunds"] = [
            {"id": refund["id"], "reason": refund["reason"], "total": _money(-amount)},
            *(order.get("refunds") or []),
        ]
        if already + amount == _dec(order["total"], "total"):
            order["status"] = "refunded"
        sb.store.save_order(order, now)
    sb.ledger.record(
        "order.refund",
        method="POST",
        path=ctx.path,
        resource_id=oid,
        body=ctx.body,
        changes={"refund_id": refund["id"], "amount": refund["amount"]},
    )
    sb.emit_order(oid, "updated")  # woocommerce_order_refunded is an order.updated hook
    return respond(_view(ctx, oid, refund), 201)

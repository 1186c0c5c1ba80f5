"""Products and variations: listing (a SKU search also finds variations, as WooCommerce's does), single
updates and the batch endpoints stock pushes use. Stock is kept only where stock is managed.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from .params import WCError
from .rest import Ctx, invalid_id, join, paginate, respond, windows
from .store import dump

if TYPE_CHECKING:
    from .app import WooSandbox

BATCH_LIMIT = 100  # woocommerce_rest_batch_items_limit


async def list_products(sb: WooSandbox, ctx: Ctx) -> Response:
    a = ctx.args
    skus = [s for s in (a.get("sku") or "").split(",") if s]
    ids = sb.store.query_products(
        windows=windows(a),
        include=a["include"],
        exclude=a["exclude"],
        orderby=a["orderby"],
        order=a["order"],
        type_=a.get("type"),
        skus=skus,
        search=a.get("search") or "",
        status=a["status"],
    )
    page_ids, headers = paginate(ctx, ids)
    return respond(join([sb.existing_product_json(pid, ctx.site) for pid in page_ids]), headers=headers)


def product_exists(sb: WooSandbox, request: Request) -> bool:
    pid = int(request.path_params.get("id", 0))
    return pid in sb.store.products or pid in sb.store.variations


async def get_product(sb: WooSandbox, ctx: Ctx) -> Response:
    body = sb.product_json(ctx.id(), ctx.site)
    if body is None:
        raise invalid_id("woocommerce_rest_product_invalid_id", 404)
    return respond(body)


def _stock_update(sb: WooSandbox, ctx: Ctx, pid: int, vid: int | None, args: dict, raw: Any) -> dict:
    """Apply one product/variation update and record it; returns the changes."""
    store = sb.store
    item = store.variations[vid] if vid else store.products[pid]
    changes = store.update_stock_item(item, args, int(time.time()))
    kind = ("variation" if vid else "product") + (".stock" if "stock_quantity" in args else ".update")
    sb.ledger.record(kind, method=ctx.request.method, path=ctx.path, resource_id=vid or pid, body=raw, changes=changes)
    if changes:
        sb.hooks.emit("product", "updated", vid or pid, sb.existing_product_json(vid or pid, sb.site()), sb.site())
    return changes


async def update_product(sb: WooSandbox, ctx: Ctx) -> Response:
    pid = ctx.id()
    if pid in sb.store.variations:
        _stock_update(sb, ctx, sb.store.parent_of[pid], pid, ctx.args, ctx.body)
    elif pid in sb.store.products:
        _stock_update(sb, ctx, pid, None, ctx.args, ctx.body)
    else:
        raise invalid_id("woocommerce_rest_product_invalid_id", 400)
    return respond(sb.product_json(pid, ctx.site))


def _parent(sb: WooSandbox, ctx: Ctx) -> int:
    pid = ctx.id("product_id")
    if pid not in sb.store.products:
        raise invalid_id("woocommerce_rest_product_invalid_id", 404)
    return pid


async def list_variations(sb: WooSandbox, ctx: Ctx) -> Response:
    pid, a = _parent(sb, ctx), ctx.args
    vids = [
        v
        for v in sb.store.products[pid]["variations"]
        if (not a.get("sku") or sb.store.variations[v]["sku"] == a["sku"])
        and (not a["include"] or v in a["include"])
        and v not in a["exclude"]
    ]
    vids = sorted(vids, reverse=a["order"] == "desc")
    page_ids, headers = paginate(ctx, vids)
    return respond(join([sb.variation_json(pid, v, ctx.site) for v in page_ids]), headers=headers)


def _variation_id(sb: WooSandbox, ctx: Ctx, status: int) -> tuple[int, int]:
    pid, vid = _parent(sb, ctx), ctx.id()
    if sb.store.parent_of.get(vid) != pid:
        raise invalid_id("woocommerce_rest_product_variation_invalid_id", status)
    return pid, vid


async def get_variation(sb: WooSandbox, ctx: Ctx) -> Response:
    pid, vid = _variation_id(sb, ctx, 404)
    return respond(sb.variation_json(pid, vid, ctx.site))


async def update_variation(sb: WooSandbox, ctx: Ctx) -> Response:
    pid, vid = _variation_id(sb, ctx, 400)
    _stock_update(sb, ctx, pid, vid, ctx.args, ctx.body)
    return respond(sb.variation_json(pid, vid, ctx.site))


async def batch(sb: WooSandbox, ctx: Ctx) -> Response:
    """``{"update": [...]}`` with WooCommerce's semantics: at most 100 objects in all, items applied one by one
    without schema validation, an unknown id answered by an error object in place of that item. Like
    WooCommerce (which loads any product by id), ``/products/batch`` also updates variations by their id."""
    a = ctx.args
    if sum(len(a.get(k) or []) for k in ("create", "update", "delete")) > BATCH_LIMIT:
        raise WCError(
            413,
            "woocommerce_rest_request_entity_too_large",
            f"Unable to accept more than {BATCH_LIMIT} items for this request.",
        )
    parent = _parent(sb, ctx) if "product_id" in ctx.request.path_params else None
    out: dict[str, list[bytes]] = {}
    for item in a.get("update") or []:
        iid = int(item.get("id") or 0) if isinstance(item, dict) else 0
        owner = sb.store.parent_of.get(iid)
        known = (owner == parent) if parent is not None else (iid in sb.store.products or owner is not None)
        if not known:
            code = "woocommerce_rest_product_variation_invalid_id" if parent else "woocommerce_rest_product_invalid_id"
            out.setdefault("update", []).append(
                dump({"id": iid, "error": {"code": code, "message": "Invalid ID.", "data": {"status": 400}}})
            )
            continue
        body = {k: v for k, v in item.items() if k != "id"}
        _stock_update(sb, ctx, owner or iid, iid if owner else None, body, item)
        out.setdefault("update", []).append(
            sb.variation_json(parent, iid, ctx.site) if parent else sb.existing_product_json(iid, ctx.site)
        )
    for verb in ("create", "delete"):
        for _item in a.get(verb) or []:
            out.setdefault(verb, []).append(
                dump(
                    {
                        "id": 0,
                        "error": {
                            "code": "woocommerce_rest_sandbox_unsupported",
                            "message": f"The sandbox does not {verb} products.",
                            "data": {"status": 501},
                        },
                    }
                )
            )
    return respond(b"{" + b",".join(b'"%s":%s' % (k.encode(), join(v)) for k, v in out.items()) + b"}")

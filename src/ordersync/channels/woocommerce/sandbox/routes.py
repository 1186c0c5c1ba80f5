"""The ``/wp-json/wc/v3`` route table, with the order, note and webhook handlers (products: ``products.py``;
the request pipeline every route runs through: ``rest.py``).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .params import (
    BATCH,
    FORCE,
    NOTE_CREATE,
    NOTES_LIST,
    ORDER_DELETE,
    ORDER_UPDATE,
    ORDERS_LIST,
    PRODUCT_UPDATE,
    PRODUCTS_LIST,
    VARIATION_UPDATE,
    VARIATIONS_LIST,
    WEBHOOK_CREATE,
    WEBHOOK_UPDATE,
    WEBHOOKS_LIST,
    WCError,
    route_index,
)
from .products import (
    batch,
    get_product,
    get_variation,
    list_products,
    list_variations,
    product_exists,
    update_product,
    update_variation,
)
from .refunds import (
    REFUND_CREATE,
    REFUNDS_COLLECTION,
    REFUNDS_LIST,
    create_refund,
    get_refund,
    list_all_refunds,
    list_refunds,
    refund_order_exists,
)
from .rest import API, Ctx, Entry, endpoint, invalid_id, join, links, paginate, respond, windows
from .store import dump
from .webhooks import valid_topic

if TYPE_CHECKING:
    from .app import WooSandbox


# orders --------------------------------------------------------------------------------------------------
async def index(sb: WooSandbox, ctx: Ctx) -> Response:
    return respond(route_index(ctx.site))


async def list_orders(sb: WooSandbox, ctx: Ctx) -> Response:
    a = ctx.args
    ids = sb.store.query_orders(
        statuses=a["status"],
        windows=windows(a),
        include=a["include"],
        exclude=a["exclude"],
        orderby=a["orderby"],
        order=a["order"],
        search=a.get("search") or "",
        customer=a.get("customer"),
        product=a.get("product"),
    )
    if sb.page_cap:  # conformance profile: small pages without many orders
        ctx.args["per_page"] = min(ctx.args["per_page"], sb.page_cap)
    page_ids, headers = paginate(ctx, ids)
    body = join([sb.existing_order_json(oid, ctx.site) for oid in page_ids])
    if page_ids and sb.faults.take("page_drift", "GET", ctx.path):
        sb.drift(page_ids[0])
    return respond(body, headers=headers)


def order_exists(sb: WooSandbox, request: Request) -> bool:
    params = request.path_params
    return int(params["id"] if "id" in params else params["order_id"]) in sb.store.rows


async def get_order(sb: WooSandbox, ctx: Ctx) -> Response:
    body = sb.order_json(ctx.id(), ctx.site)
    if body is None:
        raise invalid_id("woocommerce_rest_shop_order_invalid_id", 404)
    return respond(body)


async def update_order(sb: WooSandbox, ctx: Ctx) -> Response:
    oid = ctx.id()
    if oid not in sb.store.rows:
        raise invalid_id("woocommerce_rest_shop_order_invalid_id", 400)
    _, changes = sb.store.update_order(oid, ctx.args, int(time.time()))
    sb.ledger.record(
        "order.update", method=ctx.request.method, path=ctx.path, resource_id=oid, body=ctx.body, changes=changes
    )
    if changes:
        sb.emit_order(oid, "updated")
    return respond(sb.order_json(oid, ctx.site))


async def delete_order(sb: WooSandbox, ctx: Ctx) -> Response:
    oid = ctx.id()
    order = sb.store.order(oid)
    if order is None:
        raise invalid_id("woocommerce_rest_shop_order_invalid_id", 404)
    previous = sb.order_json(oid, ctx.site)
    if ctx.args["force"]:
        sb.store.remove_order(oid)
    elif order["status"] == "trash":
        raise WCError(410, "woocommerce_rest_already_trashed", "The shop_order has already been deleted.")
    else:
        order["meta_data"].append({"id": sb.store.new_id(), "key": "_wp_trash_meta_status", "value": order["status"]})
        order["status"] = "trash"
        sb.store.save_order(order, int(time.time()))
    sb.ledger.record("order.delete", method="DELETE", path=ctx.path, resource_id=oid, body=ctx.args)
    sb.hooks.emit("order", "deleted", oid, dump({"id": oid}), sb.site())
    return respond(previous if ctx.args["force"] else sb.order_json(oid, ctx.site))


def _note(ctx: Ctx, oid: int, note: dict) -> dict:
    return {
        **note,
        "_links": links(ctx.site, f"/orders/{oid}/notes/{note['id']}", f"/orders/{oid}/notes", f"/orders/{oid}"),
    }


async def list_notes(sb: WooSandbox, ctx: Ctx) -> Response:
    oid = ctx.id("order_id")
    if oid not in sb.store.rows:
        raise invalid_id("woocommerce_rest_order_invalid_id", 404, "Invalid order ID.")
    kind = ctx.args["type"]
    notes = [n for n in sb.store.order_notes(oid) if kind == "any" or n["customer_note"] == (kind == "customer")]
    return respond([_note(ctx, oid, n) for n in notes])


async def create_note(sb: WooSandbox, ctx: Ctx) -> Response:
    oid = ctx.id("order_id")
    if oid not in sb.store.rows:
        raise invalid_id("woocommerce_rest_order_invalid_id", 404, "Invalid order ID.")
    note = sb.store.add_note(
        oid,
        ctx.args["note"],
        customer_note=ctx.args["customer_note"],
        author=sb.api_user if ctx.args["added_by_user"] else "system",
        epoch=int(time.time()),
    )
    sb.ledger.record(
        "order.note", method="POST", path=ctx.path, resource_id=oid, body=ctx.body, changes={"note_id": note["id"]}
    )
    return respond(_note(ctx, oid, note), 201)


# webhooks ------------------------------------------------------------------------------------------------
def _webhook(ctx: Ctx, sb: WooSandbox, hook: dict) -> dict:
    return {**sb.hooks.view(hook), "_links": links(ctx.site, f"/webhooks/{hook['id']}", "/webhooks")}


def _hook(sb: WooSandbox, ctx: Ctx) -> dict:
    hook = sb.hooks.items.get(ctx.id())
    if hook is None:
        raise invalid_id("woocommerce_rest_webhook_invalid_id", 404)
    return hook


async def list_webhooks(sb: WooSandbox, ctx: Ctx) -> Response:
    status = ctx.args["status"]
    hooks = sorted(
        (h for h in sb.hooks.items.values() if status == "all" or h["status"] == status),
        key=lambda h: h["id"],
        reverse=ctx.args["order"] == "desc",
    )
    page_ids, headers = paginate(ctx, [h["id"] for h in hooks])
    return respond([_webhook(ctx, sb, sb.hooks.items[i]) for i in page_ids], headers=headers)


async def create_webhook(sb: WooSandbox, ctx: Ctx) -> Response:
    if not valid_topic(ctx.args["topic"].lower()):
        raise WCError(400, "woocommerce_rest_webhook_invalid_topic", "Webhook topic is required and must be valid.")
    hook = sb.hooks.create(ctx.args)
    sb.ledger.record("webhook.create", method="POST", path=ctx.path, resource_id=hook["id"], body=ctx.body)
    response = respond(_webhook(ctx, sb, hook), 201, {"Location": f"{ctx.site}{API}/webhooks/{hook['id']}"})
    await asyncio.to_thread(sb.hooks.ping, hook)
    return response


async def get_webhook(sb: WooSandbox, ctx: Ctx) -> Response:
    return respond(_webhook(ctx, sb, _hook(sb, ctx)))


async def update_webhook(sb: WooSandbox, ctx: Ctx) -> Response:
    hook = _hook(sb, ctx)
    if "topic" in ctx.args and not valid_topic(ctx.args["topic"].lower()):
        raise WCError(400, "woocommerce_rest_webhook_invalid_topic", "Webhook topic must be valid.")
    changes = sb.hooks.update(hook["id"], ctx.args)
    sb.ledger.record(
        "webhook.update",
        method=ctx.request.method,
        path=ctx.path,
        resource_id=hook["id"],
        body=ctx.body,
        changes=changes,
    )
    return respond(_webhook(ctx, sb, hook))


async def delete_webhook(sb: WooSandbox, ctx: Ctx) -> Response:
    hook = _hook(sb, ctx)
    if not ctx.args["force"]:
        raise WCError(501, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.")
    previous = _webhook(ctx, sb, hook)
    with sb.hooks.lock:
        sb.hooks.items.pop(hook["id"], None)
    sb.ledger.record("webhook.delete", method="DELETE", path=ctx.path, resource_id=hook["id"], body=ctx.args)
    return respond(previous)


def build_routes(sb: WooSandbox) -> list[Route]:
    def lim(spec: dict) -> dict:
        return {**spec, "per_page": {**spec["per_page"], "maximum": sb.page_limit}}

    edit = ("POST", "PUT", "PATCH")

    def table(**entries: Entry) -> dict[str, Entry]:
        out = {}
        for method, entry in entries.items():
            for m in edit if method == "EDIT" else (method,):
                out[m] = entry
        return out

    def exists_variation(s: WooSandbox, r: Request) -> bool:
        return s.store.parent_of.get(int(r.path_params["id"])) == int(r.path_params["product_id"])

    spec = [
        ("", table(GET=("public", None, index, None))),
        ("/orders", table(GET=("list", lim(ORDERS_LIST), list_orders, None))),
        (
            "/orders/{id:int}",
            table(
                GET=("view", {}, get_order, order_exists),
                EDIT=("edit", ORDER_UPDATE, update_order, order_exists),
                DELETE=("delete", ORDER_DELETE, delete_order, order_exists),
            ),
        ),
        (
            "/orders/{order_id:int}/notes",
            table(
                GET=("list", NOTES_LIST, list_notes, order_exists),
                POST=("create", NOTE_CREATE, create_note, order_exists),
            ),
        ),
        ("/products", table(GET=("list", lim(PRODUCTS_LIST), list_products, None))),
        ("/products/batch", table(EDIT=("batch", BATCH, batch, None))),
        (
            "/products/{id:int}",
            table(
                GET=("view", {}, get_product, product_exists),
                EDIT=("edit", PRODUCT_UPDATE, update_product, product_exists),
            ),
        ),
        ("/products/{product_id:int}/variations", table(GET=("list", lim(VARIATIONS_LIST), list_variations, None))),
        ("/products/{product_id:int}/variations/batch", table(EDIT=("batch", BATCH, batch, None))),
        (
            "/products/{product_id:int}/variations/{id:int}",
            table(
                GET=("view", {}, get_variation, exists_variation),
                EDIT=("edit", VARIATION_UPDATE, update_variation, exists_variation),
            ),
        ),
        (
            "/webhooks",
            table(
                GET=("list", lim(WEBHOOKS_LIST), list_webhooks, None),
                POST=("create", WEBHOOK_CREATE, create_webhook, None),
            ),
        ),
        (
            "/webhooks/{id:int}",
            table(
                GET=("view", {}, get_webhook, None),
                EDIT=("edit", WEBHOOK_UPDATE, update_webhook, None),
                DELETE=("delete", FORCE, delete_webhook, None),
            ),
        ),
        (
            "/orders/{order_id:int}/refunds",
            table(
                GET=("list", REFUNDS_LIST, list_refunds, order_exists),
                POST=("create", REFUND_CREATE, create_refund, order_exists),
            ),
        ),
        ("/orders/{order_id:int}/refunds/{id:int}", table(GET=("view", {}, get_refund, refund_order_exists))),
    ]
    every = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]  # unknown methods get WP's 404
    routes = [
        Route(API + path + slash, endpoint(sb, t), methods=every)  # WordPress untrailingslashes routes
        for path, t in spec
        for slash in ("", "/")
    ]
    unknown = endpoint(sb, {})
    refunds = endpoint(sb, table(GET=("list", lim(REFUNDS_COLLECTION), list_all_refunds, None)))

    async def all_refunds(request: Request) -> Response:
        """WooCommerce 9.0+; an older shop (``refunds_collection`` off) has no such route."""
        return await (refunds if sb.refunds_collection else unknown)(request)

    routes += [Route(API + "/refunds" + slash, all_refunds, methods=every) for slash in ("", "/")]
    return [*routes, Route("/wp-json/{rest:path}", unknown, methods=every)]

"""eBay's marketplace account deletion through the hub's real web app: the destination is created only after
eBay's GET challenge is answered on the webhook address; a signed deletion notice erases the named buyer's
personal data from every order of theirs (orders stay, with a history line); other buyers are untouched; a
replayed notice changes nothing more, an unsigned or stale one is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from ordersync.channels.ebay.sandbox import create_sandbox, notify
from ordersync.channels.sdk.public_keys import shared_cache
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.domain import Order
from ordersync.domain.codec import from_data
from ordersync.store.models import OrderEvent, OrderRow
from ordersync.sync.importer import import_orders

from .conftest import Shop, connect, register_webhooks

ERASED = "personal data erased at the buyer's request (eBay account deletion)"


def stored(hub) -> dict[str, tuple[OrderRow, Order, list[str]]]:
    with hub.db.session() as s:
        return {
            row.external_id: (
                row,
                from_data(Order, json.loads(row.data)),
                list(s.scalars(select(OrderEvent.text).where(OrderEvent.order_id == row.id))),
            )
            for row in s.scalars(select(OrderRow))
        }


def test_a_signed_deletion_notice_erases_the_buyers_personal_data_and_keeps_the_orders(web_hub):
    sandbox = create_sandbox(seed=5, orders=0)
    shop = Shop(sandbox, serve_in_thread(sandbox.app))
    try:
        first, second, other = shop.orders({"create": [{"lines": 1}, {"lines": 2}, {"lines": 1}]})["created"]
        gone = sandbox.store.orders[first]["buyer"]["username"]
        shop.orders({"update": [{"orderId": second, "seconds_ago": 30, "buyer": sandbox.store.orders[first]["buyer"]}]})
        conn = connect(web_hub, shop, "ebay", system="ebay")
        import_orders(web_hub, conn)
        before = stored(web_hub)
        assert before[first][1].buyer.external_id == before[second][1].buyer.external_id == gone
        assert before[first][1].shipping_address.city and before[first][0].buyer_email

        url = register_webhooks(web_hub, conn)  # the sandbox creates the destination only if its challenge passes
        assert [d["deliveryConfig"]["endpoint"] for d in sandbox.store.destinations.values()] == [url]

        shop.orders({"account_deletion": gone})
        assert sandbox.webhooks.wait_idle()
        [sent] = [d for d in sandbox.webhooks.deliveries() if "MARKETPLACE_ACCOUNT_DELETION" in d["body"]]
        assert sent["status"] == 200
        after = stored(web_hub)
        assert set(after) == {first, second, other}
        for order_id in (first, second):
            row, order, history = after[order_id]
            assert (row.buyer_name, row.buyer_email, order.buyer.external_id, order.buyer.email) == ("", "", "", "")
            for address in (order.invoice_address, order.shipping_address):
                assert (
                    address.first_name,
                    address.last_name,
                    address.street,
                    address.zip,
                    address.city,
                    address.email,
                    address.phone,
                ) == ("",) * 7
            assert order.total == before[order_id][1].total and order.items == before[order_id][1].items
            assert history.count(ERASED) == 1
        assert after[other][1] == before[other][1] and ERASED not in after[other][2]

        headers = {k: v for k, v in sent["headers"].items() if k.lower() in ("x-ebay-signature", "content-type")}
        replay = httpx.post(url, content=sent["body"].encode(), headers=headers)
        assert replay.status_code == 200  # the same delivery again: acknowledged, stored once, nothing erased twice
        assert [h.count(ERASED) for _, _, h in stored(web_hub).values()].count(1) == 2

        unsigned = httpx.post(url, content=sent["body"].encode(), headers={"content-type": "application/json"})
        assert unsigned.status_code == 401
        stale = json.loads(notify.notification("MARKETPLACE_ACCOUNT_DELETION", {"username": "someone"}))
        stale["notification"]["publishDate"] = (datetime.now(UTC) - timedelta(days=3)).strftime(
            "%Y-%m-%dT%H:%M:%S.000Z"
        )
        body = json.dumps(stale).encode()
        refused = httpx.post(url, content=body, headers={"X-EBAY-SIGNATURE": sandbox.signer.header(body)})
        assert refused.status_code == 401 and "expired" in refused.json()["status"]  # signed, but too old
    finally:
        shared_cache(f"ebay:{shop.base_url}").clear()
        shop.server.stop()
        sandbox.close()

"""The Textalk sandbox answers like a JSON-RPC 2.0 server with Textalk's documented error codes."""

from __future__ import annotations

import httpx
import pytest

from .conftest import RPC

FIELDS = {"uid": True, "changed": True}


def call(method, params, ident=1):
    return {"jsonrpc": "2.0", "method": method, "params": params, "id": ident}


def code(answer):
    return answer["error"]["code"]


def test_list_pages_sorted_by_uid_and_projects_fields(served):
    status, answer = served.rpc(call("Order.list", [FIELDS, {"sort": "uid", "limit": 50, "offset": 0}]))
    assert status == 200 and answer["jsonrpc"] == "2.0" and answer["id"] == 1
    rows = answer["result"]
    assert len(rows) == 50 and all(set(r) == {"uid", "changed"} for r in rows)
    assert [r["uid"] for r in rows] == sorted(r["uid"] for r in rows)
    _, second = served.rpc(call("Order.list", [FIELDS, {"sort": "uid", "limit": 50, "offset": 50}]))
    assert rows[-1]["uid"] < second["result"][0]["uid"]
    _, count = served.rpc(call("Order.count", [{}]))
    assert count["result"] == 234  # 230 orders and 4 carts


def test_changed_filter_is_inclusive_on_both_ends(served):
    _, answer = served.rpc(call("Order.list", [FIELDS, {"limit": 1}]))
    stamp = answer["result"][0]["changed"]
    _, hits = served.rpc(call("Order.list", [FIELDS, {"filters": {"/changed": {"min": stamp, "max": stamp}}}]))
    assert answer["result"][0]["uid"] in {r["uid"] for r in hits["result"]}
    assert all(r["changed"] == stamp for r in hits["result"])


@pytest.mark.parametrize(
    "body, expected",
    [
        (b"{not json", -32700),
        ({"jsonrpc": "1.0", "method": "Order.count", "params": [], "id": 1}, -32600),
        ({"jsonrpc": "2.0", "method": 7, "params": [], "id": 1}, -32600),
        ({"jsonrpc": "2.0", "method": "Order.count", "params": "x", "id": 1}, -32600),
        ({"jsonrpc": "2.0", "method": "Order.count", "params": [], "id": {"a": 1}}, -32600),
        ([], -32600),
        (call("Order.delete", [1]), -32601),
        (call("Order.list", {"fields": True}), -32602),
        (call("Order.list", [{"nonsense": True}]), -32602),
        (call("Order.list", [FIELDS, {"limit": 0}]), -32602),
        (call("Order.list", [FIELDS, {"sort": "total"}]), -32602),
        (call("Order.list", [FIELDS, {"filters": {"/changed": {"min": "yesterday"}}}]), -32602),
        (call("Order.list", [FIELDS, {"filters": {"/changed": {"after": "2024-01-01T00:00:00Z"}}}]), -32602),
        (call("Order.get", ["abc"]), -32602),
        (call("Order.get", [1]), -32602),
    ],
)
def test_invalid_requests_get_the_documented_codes(served, body, expected):
    status, answer = served.rpc(body)
    assert status == 200 and code(answer) == expected
    assert answer["jsonrpc"] == "2.0" and "id" in answer and "result" not in answer


def test_invalid_params_name_the_offending_pointer(served):
    _, answer = served.rpc(call("Order.list", [FIELDS, {"limit": "lots"}]))
    assert answer["error"]["data"] == [{"message": "limit must be an integer >= 1", "pointer": "/1/limit"}]


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"webshop": None}, 1001),
        ({"webshop": "1"}, 1002),
        ({"language": "Deutsch"}, 1003),
        ({"auth": None}, 1004),
        ({"auth": "wrong"}, 1004),
    ],
)
def test_context_errors(served, query, expected):
    _, answer = served.rpc(call("Order.count", [{}]), **query)
    assert code(answer) == expected


def test_batch_answers_each_call_and_skips_notifications(served):
    _, first = served.rpc(call("Order.list", [FIELDS, {"limit": 1}]))
    uid = first["result"][0]["uid"]
    status, answers = served.rpc(
        [
            call("Order.get", [uid, FIELDS], 10),
            call("Order.nope", [], 11),
            {"jsonrpc": "2.0", "method": "Order.count", "params": []},
            5,
        ]
    )
    assert status == 200 and isinstance(answers, list) and len(answers) == 3
    by_id = {a["id"]: a for a in answers}
    assert by_id[10]["result"]["uid"] == uid and by_id[11]["error"]["code"] == -32601
    assert by_id[None]["error"]["code"] == -32600  # the stray 5
    status, nothing = served.rpc({"jsonrpc": "2.0", "method": "Order.count", "params": []})
    assert status == 204 and nothing is None


def test_injected_faults_answer_json_rpc_bodies(shop):
    shop.faults({"kind": "error", "status": 503, "count": 1}, {"kind": "rate_limit", "count": 1, "retry_after": 3})
    status, answer = shop.rpc(call("Order.count", [{}]))
    assert status == 503 and code(answer) == -32000
    status, answer = shop.rpc(call("Order.count", [{}]))
    assert status == 429 and code(answer) == -32000
    assert shop.rpc(call("Order.count", [{}]))[0] == 200
    assert [r["status"] for r in shop.requests(RPC)] == [503, 429, 200]


def test_control_api_creates_updates_and_stores_raw(shop):
    made = shop.orders(
        {
            "create": [
                {"paymentStatus": "unpaid"},
                {"raw": True, "uid": 99, "ordered": "x", "items": [{"quantity": "zwei"}, 12345]},
            ],
            "carts": 1,
        }
    )
    generated, raw, cart = made["created"]
    assert raw == 99
    _, got = shop.rpc(call("Order.get", [99, True]))
    item_uid, dangling = got["result"]["items"]
    assert dangling == 12345 and got["result"]["ordered"] == "x"
    _, item = shop.rpc(call("OrderItem.get", [item_uid, True]))
    assert item["result"]["quantity"] == "zwei"
    _, cart_row = shop.rpc(call("Order.get", [cart, {"ordered": True}]))
    assert cart_row["result"] == {"ordered": None}
    changed = shop.orders({"update": [{"uid": generated, "deliveryStatus": "sent"}]})
    assert changed["updated"] == [generated]
    with pytest.raises(httpx.HTTPStatusError):
        shop.orders({"update": [{"uid": 1}]})

"""Bad input: the Textalk parser and mapper under 10,000 generated cases each (issue 6, "Bad input").

No case may crash; every record is either mapped, quarantined with a reason (raw kept), or recognised as a
cart; nothing else is lost. The JSON-RPC envelope reader may only ever raise the SDK's ChannelError.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from conftest import IN_CI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordersync.channels.sdk.errors import ChannelError
from ordersync.channels.textalk import protocol
from ordersync.channels.textalk.mapping import MappingConfig, orders_from_textalk

from .fixtures import order_record

pytestmark = pytest.mark.slow

# CI replays one fixed sample of 10,000 cases (a red run is reproducible); other runs draw new ones.
FUZZ = settings(max_examples=10_000, deadline=None, derandomize=IN_CI, suppress_health_check=list(HealthCheck))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "EUR",
            "SEK",
            "XXX",
            "2024-05-01T10:00:00Z",
            "2024-13-40",
            "0.1",
            "-5",
            "1e400",
            "NaN",
            "zwei",
            "DE",
            "Germany",
            "paid",
            "sent",
            "12",
            " ",
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


@st.composite
def mutated_records(draw):
    """A realistic order with a few values replaced or removed somewhere in its tree, or pure noise."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    record = copy.deepcopy(order_record(draw(st.integers(0, 50))))
    for _ in range(draw(st.integers(1, 4))):
        node = record
        for _depth in range(draw(st.integers(0, 4))):
            keys = list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
            if not keys:
                break
            key = draw(st.sampled_from(keys))
            if not isinstance(node[key], (dict, list)):
                break
            node = node[key]
        keys = list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
        if not keys:
            continue
        key = draw(st.sampled_from(keys))
        if isinstance(node, dict) and draw(st.booleans()) and draw(st.booleans()):
            del node[key]
        else:
            node[key] = draw(json_values)
    return record


@FUZZ
@given(records=st.lists(mutated_records(), min_size=1, max_size=3), language=st.sampled_from(["", "sv", "de"]))
def test_mapper_never_crashes_and_accounts_for_every_record(records, language):
    before = json.dumps(records, default=str, sort_keys=True)
    page = orders_from_textalk(records, MappingConfig(language=language))
    assert len(page.orders) + len(page.quarantined) + len(page.carts) == len(records)
    for entry in page.quarantined:
        assert entry.reason.strip() and entry.external_id and any(entry.raw is r for r in records)
    for order in page.orders:
        assert isinstance(order.total, Decimal) and order.total.is_finite() and len(order.currency) == 3
        assert order.created_at.tzinfo is not None and order.updated_at.tzinfo is not None
        assert all(i.quantity >= 0 and i.total_price.is_finite() for i in order.items)
    assert json.dumps(records, default=str, sort_keys=True) == before  # the input is not modified


envelopes = st.one_of(
    st.binary(max_size=60),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.builds(
        lambda ident, body, key: json.dumps({"jsonrpc": "2.0", "id": ident, key: body}).encode(),
        st.one_of(st.just(1), scalars),
        json_values,
        st.sampled_from(["result", "error"]),
    ),
    st.builds(
        lambda code, msg, data: json.dumps(
            {"jsonrpc": "2.0", "id": 1, "error": {"code": code, "message": msg, "data": data}}
        ).encode(),
        scalars,
        scalars,
        json_values,
    ),
)


@FUZZ
@given(body=envelopes, batch=st.booleans())
def test_envelope_reader_raises_only_channel_errors(body, batch):
    try:
        answer = protocol.parse_body("Order.list", body)
        if batch:
            results = protocol.results_of_batch([("Order.list", 1), ("Order.count", 2)], answer)
            assert len(results) in (1, 2)
        else:
            protocol.result_of("Order.list", answer, 1)
    except ChannelError as exc:
        assert str(exc).strip()

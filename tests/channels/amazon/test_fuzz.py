"""Bad input: the Amazon mapper under generated mutations of the documented records. No case may crash;
every record is either mapped or quarantined under its AmazonOrderId (or "unknown") with a reason."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordersync.channels.amazon.mapping import orders_from_amazon

from .fixtures import DE_ITEMS, DE_ORDER, PENDING_ITEMS, PENDING_ORDER, US_ITEMS, US_ORDER

FUZZ = settings(max_examples=1000, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
BASES = [(US_ORDER, US_ITEMS), (DE_ORDER, DE_ITEMS), (PENDING_ORDER, PENDING_ITEMS)]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=10),
    st.sampled_from(
        [
            "",
            "EUR",
            "XXX",
            "2024-05-01T10:00:00Z",
            "2024-13-40",
            "1e400",
            "NaN",
            "zwei",
            "DE",
            "Shipped",
            "AFN",
            "-1",
            "0.1",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8,
)


def paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from paths(value, (*prefix, n))


@st.composite
def records(draw):
    order, items = draw(st.sampled_from(BASES))
    record = {"order": copy.deepcopy(order), "items": copy.deepcopy(items)}
    for _ in range(draw(st.integers(1, 3))):
        targets = [p for p in paths(record) if p]
        if not targets:  # an earlier mutation removed everything
            break
        path = draw(st.sampled_from(targets))
        parent = record
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = draw(values)
    return record


@FUZZ
@given(st.lists(records(), min_size=1, max_size=3))
def test_no_record_crashes_the_mapper(batch):
    mapped, quarantined = orders_from_amazon(batch)
    assert len(mapped) + len(quarantined) == len(batch)
    for q in quarantined:
        assert q.reason.strip() and q.raw is not None
    for order in mapped:
        assert order.external_id and order.currency and order.created_at.tzinfo is not None

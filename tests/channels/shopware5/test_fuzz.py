"""Bad input: the Shopware 5 mapper and the order poll's list handling under generated cases.

No case may crash: every record is mapped or quarantined with a reason, and the input is not modified.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from conftest import IN_CI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordersync.channels.shopware5.mapping import orders_from_shopware5
from ordersync.channels.shopware5.statuses import StatusMap

from .fixtures import order

pytestmark = pytest.mark.slow

FUZZ = settings(max_examples=500, deadline=None, derandomize=IN_CI, suppress_health_check=list(HealthCheck))
STATUSES = StatusMap.from_settings()

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
            "XXX",
            "2012-08-30T10:15:54+0200",
            "2012-08-30 10:15:54",
            "-0001-11-30T00:00:00+0053",
            "0.1",
            "-5",
            "1e400",
            "NaN",
            "zwei",
            "DE",
            "1",
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
    """The documented order with a few values replaced or removed somewhere in its tree, or pure noise."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    record = copy.deepcopy(order(id=draw(st.integers(1, 10**6))))
    for _ in range(draw(st.integers(1, 4))):
        node = record
        for _depth in range(draw(st.integers(0, 3))):
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
@given(records=st.lists(mutated_records(), min_size=1, max_size=3))
def test_mapper_never_crashes_and_accounts_for_every_record(records):
    before = json.dumps(records, default=str, sort_keys=True)
    orders, quarantined = orders_from_shopware5(records, STATUSES)
    assert len(orders) + len(quarantined) == len(records)
    for entry in quarantined:
        assert entry.reason.strip() and entry.external_id
    for mapped in orders:
        assert isinstance(mapped.total, Decimal) and mapped.total.is_finite() and len(mapped.currency) == 3
        assert mapped.created_at.tzinfo is not None and mapped.updated_at.tzinfo is not None
        assert all(i.quantity > 0 and i.total_price.is_finite() for i in mapped.items)
    assert json.dumps(records, default=str, sort_keys=True) == before

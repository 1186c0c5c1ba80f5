"""Bad input: the PrestaShop mapper under generated cases. No case may crash; every record is either mapped or
quarantined with a reason, with its raw record kept."""

from __future__ import annotations

import copy

import pytest
from conftest import IN_CI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordersync.channels.prestashop.mapping import orders_from_prestashop

from .fixtures import ORDER
from .test_mapping import lookups

pytestmark = pytest.mark.slow

FUZZ = settings(max_examples=500, deadline=None, derandomize=IN_CI, suppress_health_check=list(HealthCheck))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "1",
            "0",
            "99",
            "8",
            "2024-03-31 02:30:00",
            "0000-00-00 00:00:00",
            "1e400",
            "NaN",
            "zwei",
            "-1",
            "12.900000",
            " ",
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)


@st.composite
def mutated(draw):
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    record = copy.deepcopy(ORDER)
    rows = record["associations"]["order_rows"]
    for node in [draw(st.sampled_from([record, rows[0], rows[1]])) for _ in range(draw(st.integers(1, 3)))]:
        key = draw(st.sampled_from(sorted(node)))
        if draw(st.integers(0, 3)) == 0:
            del node[key]
        else:
            node[key] = draw(json_values)
    return record


@FUZZ
@given(st.lists(mutated(), min_size=1, max_size=3))
def test_every_record_is_mapped_or_quarantined_with_a_reason(records):
    orders, quarantined = orders_from_prestashop(records, lookups())
    assert len(orders) + len(quarantined) == len(records)
    assert all(q.reason and q.hint for q in quarantined)
    assert all(any(q.raw is r for r in records) for q in quarantined)  # the raw record itself is kept

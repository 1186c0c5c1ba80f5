"""Bad input: the Magento order mapper under generated mutations of Adobe's documented example order.

No case may crash: every record is mapped (with Decimal money and an aware time) or quarantined with a reason
and its raw record kept. Kept small (200 cases) so the connector's tests stay quick; the mapper is pure.
"""

from __future__ import annotations

import copy
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordersync.channels.magento2.mapping import orders_from_magento2

from .fixtures import TUTORIAL_ORDER

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=10),
    st.sampled_from(
        [
            "",
            "EUR",
            "XXX",
            "2024-05-01 10:00:00",
            "2024-13-40 25:00:00",
            "0.1",
            "-5",
            "1e400",
            "NaN",
            "zwei",
            "DE",
            "configurable",
            "bundle",
            "processing",
            " ",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8,
)


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from _paths(value, (*prefix, index))


PATHS = list(_paths(TUTORIAL_ORDER))


@st.composite
def mutated(draw):
    record = copy.deepcopy(TUTORIAL_ORDER)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(PATHS))
        node = record
        try:
            for key in path[:-1]:
                node = node[key]
            if draw(st.booleans()) and isinstance(node, dict):
                node.pop(path[-1], None)
            else:
                node[path[-1]] = draw(values)
        except (KeyError, IndexError, TypeError):
            continue
    return record


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated())
def test_no_mutation_crashes_the_mapper(record):
    orders, quarantined = orders_from_magento2([record])
    assert len(orders) + len(quarantined) == 1
    for order in orders:
        assert isinstance(order.total, Decimal) and order.updated_at.tzinfo is not None
    for entry in quarantined:
        assert entry.reason.strip() and entry.raw is record

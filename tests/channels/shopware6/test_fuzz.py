"""Bad input: the Shopware 6 mapper never crashes; every record is mapped or quarantined with a reason."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordersync.channels.shopware6.mapping import orders_from_shopware6
from ordersync.channels.shopware6.states import StateMap

from .fixtures import ORDER

STATES = StateMap.from_settings({}, {})
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.sampled_from(["", "EUR", "XX", "2026-03-02T09:15:30Z", "2026-13-40", "zwölf", "-5", "1e400", "NaN", "shipped"]),
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
        for index, value in enumerate(node):
            yield from paths(value, (*prefix, index))


ALL_PATHS = [p for p in paths(ORDER) if p]


@st.composite
def mutated(draw):
    record = copy.deepcopy(ORDER)
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(ALL_PATHS))
        parent = record
        try:
            for key in where[:-1]:
                parent = parent[key]
            if draw(st.booleans()):
                parent[where[-1]] = draw(values)
            elif isinstance(parent, dict):
                parent.pop(where[-1], None)
        except (KeyError, IndexError, TypeError):
            continue
    return record


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.one_of(mutated(), values), min_size=1, max_size=3))
def test_every_record_is_mapped_or_quarantined_with_a_reason(records):
    mapped, quarantined = orders_from_shopware6(records, STATES)
    assert len(mapped) + len(quarantined) == len(records)
    assert all(q.reason.strip() for q in quarantined)

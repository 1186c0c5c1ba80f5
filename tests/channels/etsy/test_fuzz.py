"""The receipt mapper never fails with anything but RecordError (which quarantines the one receipt): every
field of the documented receipt replaced, one at a time, by values of the wrong kind."""

from __future__ import annotations

import copy
import random

import pytest

from ordersync.channels.etsy.mapping import order_from_etsy
from ordersync.channels.sdk.errors import RecordError

from .fixtures import RECEIPT

ODD = [None, "", "x", -1, 0, 2**63, 1.5, True, [], {}, {"amount": "1"}, [{}], "2024-01-01"]


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield prefix + (key,)
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield prefix + (n,)
            yield from _paths(value, prefix + (n,))


def _set(record, path, value):
    target = record
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


@pytest.mark.parametrize("seed", range(3))
def test_any_field_of_the_wrong_kind_is_a_record_error_or_maps(seed):
    rng = random.Random(seed)
    paths = list(_paths(RECEIPT))
    for path in paths:
        record = copy.deepcopy(RECEIPT)
        _set(record, path, rng.choice(ODD))
        try:
            order = order_from_etsy(record)
        except RecordError as exc:
            assert str(exc) and exc.hint
        else:
            assert order.total.is_finite() and order.created_at.tzinfo is not None

"""Open quantities per order line, and the errors for shipping or cancelling more than is open."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ordersync.domain import LineCancellation, Order, OrderState, Shipment, ShipmentLine
from ordersync.domain.codec import dumps, from_data, to_data
from ordersync.domain.fulfilment import FulfilmentError, Line, check_request, open_quantities

D = Decimal
LINES = [Line("L1", "MUG", D(3)), Line("L2", "CUP", D(1))]


def test_partial_shipments_and_cancellations_leave_the_rest_open_and_a_whole_order_shipment_closes_all():
    assert open_quantities(LINES, [[("L1", D(2))]], []) == {"L1": D(1), "L2": D(1)}
    assert open_quantities(LINES, [[("L1", D(2))]], [("L2", D(1))]) == {"L1": D(1), "L2": D(0)}
    assert open_quantities(LINES, [[("L1", D(1))], []], []) == {"L1": D(0), "L2": D(0)}


def test_more_than_open_names_the_line_and_both_quantities():
    left = open_quantities(LINES, [[("L1", D(2))]], [])
    with pytest.raises(FulfilmentError, match=r"line L1 \(MUG\): cannot ship 2, only 1 of 3 still open"):
        check_request(LINES, left, [("MUG", D(1)), ("L1", D(1))], "ship")  # the same line twice adds up
    with pytest.raises(FulfilmentError, match="line 'L9': the order has no such line"):
        check_request(LINES, left, [("L9", D(1))], "cancel")
    with pytest.raises(FulfilmentError, match="lines.0: quantity 0.5 must be a positive whole number"):
        check_request(LINES, left, [("L1", D("0.5"))], "ship")
    assert [(x.external_id, q) for x, q in check_request(LINES, left, [("CUP", D(1))], "ship")] == [("L2", D(1))]


def test_shipment_lines_and_line_cancellations_round_trip_through_the_codec_and_old_data_has_none():
    now = datetime(2026, 12, 5, 12, tzinfo=UTC)
    order = Order(
        "1",
        "#1",
        OrderState.PARTIALLY_SHIPPED,
        "EUR",
        now,
        now,
        D("9.90"),
        acknowledge_by=now,
        shipments=[Shipment("DHL", "P1", lines=[ShipmentLine("L1", D(2), "MUG")])],
        line_cancellations=[LineCancellation("L2", D(1), "out of stock", "CUP", now)],
    )
    again = from_data(Order, to_data(order))
    assert again == order and dumps(again) == dumps(order)
    old = to_data(order)
    del old["line_cancellations"], old["acknowledge_by"], old["shipments"][0]["lines"]
    restored = from_data(Order, old)
    assert restored.shipments[0].lines == [] and restored.line_cancellations == [] and restored.acknowledge_by is None


def test_a_line_quantity_must_be_positive():
    with pytest.raises(ValueError, match="shipment line L1: quantity 0 must be positive"):
        ShipmentLine("L1", D(0))

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ordersync.sync.cursor import advance, lag_seconds, plan_window

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def test_first_run_reads_everything_up_to_the_safety_lag():
    w = plan_window(None, NOW, safety_lag=timedelta(seconds=5))
    assert w.since is None and w.until == NOW - timedelta(seconds=5)


def test_later_runs_reread_the_overlap():
    pos = NOW - timedelta(minutes=10)
    w = plan_window(pos, NOW, overlap=timedelta(minutes=2), safety_lag=timedelta(seconds=5))
    assert w.since == pos - timedelta(minutes=2)
    assert w.until == NOW - timedelta(seconds=5)


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)),
    st.integers(min_value=0, max_value=10_000),
)
def test_cursor_never_moves_backwards_and_window_never_inverts(pos, seconds):
    now = pos + timedelta(seconds=seconds - 5000)
    w = plan_window(pos, now)
    assert w.since is not None and w.since <= w.until
    assert advance(pos, w) >= pos


def test_lag():
    assert lag_seconds(None, NOW) is None
    assert lag_seconds(NOW - timedelta(seconds=30), NOW) == 30

"""Checks of an asynchronous job back off, are written down, and stop at the job's deadline with a failure
that says how long the hub waited, how often it asked and what it heard last. A job that finishes after a
few checks settles normally, its history showing every check."""

from __future__ import annotations

from datetime import timedelta

from channels.feedshop.connector import CHECK_AFTER_S, FeedShop
from channels.feedshop.hub_setup import burst, connect, feed  # noqa: F401 - fixture
from sqlalchemy import select
from typer.testing import CliRunner

from ordersync.application import outbox
from ordersync.cli import app
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OutboxAttempt, OutboxEntry
from ordersync.sync import async_checks, dispatcher
from ordersync.sync.async_checks import MAX_CHECK_INTERVAL_S, next_check_s


def test_the_pause_doubles_up_to_its_cap_and_never_undercuts_the_platform():
    assert [next_check_s(n) for n in (1, 2, 3, 4)] == [30.0, 60.0, 120.0, 240.0]
    assert next_check_s(30) == MAX_CHECK_INTERVAL_S
    assert next_check_s(1, asked_s=90.0) == 90.0 and next_check_s(40, asked_s=4000.0) == 4000.0


def _awaiting(hub) -> list[OutboxEntry]:
    with hub.db.session() as s:
        return list(
            s.scalars(select(OutboxEntry).where(OutboxEntry.status == async_checks.AWAITING).order_by(OutboxEntry.id))
        )


def test_a_job_that_never_finishes_is_checked_ever_less_often_and_fails_at_its_deadline(hub, feed):
    connect(hub, feed)
    burst(hub, last=3)
    assert dispatcher.dispatch(hub).awaiting == 3
    deadline = _awaiting(hub)[0].job_deadline
    pauses, now = [], _awaiting(hub)[0].check_at
    while _awaiting(hub):
        dispatcher.dispatch(hub, now=now)
        left = _awaiting(hub)
        if left:
            assert left[0].check_at <= deadline
            pauses.append((left[0].check_at - now).total_seconds())
            now = left[0].check_at
    assert pauses[:4] == [CHECK_AFTER_S, CHECK_AFTER_S, 120.0, 240.0]  # the platform's 60 s, then doubling
    assert max(pauses) == MAX_CHECK_INTERVAL_S and now == deadline  # capped; the last check on the deadline
    with hub.db.session() as s:
        dead = list(s.scalars(select(OutboxEntry).where(OutboxEntry.status == "dead").order_by(OutboxEntry.id)))
    assert len(dead) == 3
    # (the three entries' first checks may fall a few microseconds apart: each is counted on its own)
    assert dead[0].checks == len(pauses) + 1 < FeedShop.async_push.timeout_s / CHECK_AFTER_S / 3
    for entry in dead:  # the job's count: its first entry's
        assert "did not finish before" in entry.last_error and f"checked {dead[0].checks} times" in entry.last_error
        assert "last answer: still running" in entry.last_error
        history = outbox.history(hub, None, entry.id)
        assert [a.kind for a in history] == ["send"] + ["check"] * entry.checks
        assert all(a.detail.endswith(": still running") and a.ok for a in history[1:])
    assert len(feed.ledger("feed.submitted")) == 1  # waiting never sent it again


def test_a_job_finishing_later_settles_and_its_history_shows_each_check(hub, feed, monkeypatch):
    connect(hub, feed)
    burst(hub, last=3)
    dispatcher.dispatch(hub)
    now = utcnow()
    for _ in range(2):
        now = max(e.check_at for e in _awaiting(hub))
        assert dispatcher.dispatch(hub, now=now).waiting == 3
    feed.orders({"action": "process"})
    assert dispatcher.dispatch(hub, now=max(e.check_at for e in _awaiting(hub))).sent == 3
    with hub.db.session() as s:
        entry = s.scalars(select(OutboxEntry).order_by(OutboxEntry.id)).first()
        kinds = list(
            s.scalars(
                select(OutboxAttempt.detail).where(OutboxAttempt.outbox_id == entry.id, OutboxAttempt.kind == "check")
            )
        )
    assert entry.status == "done" and entry.checks == 3
    assert [k.split(": ", 1)[1] for k in kinds] == ["still running", "still running", "done"]
    assert now - utcnow() < timedelta(hours=1)
    for name, value in (
        ("HOME", str(hub.config.home)),
        ("DATABASE_URL", hub.config.database_url),
        ("MASTER_KEY", hub.config.master_key),
    ):
        monkeypatch.setenv(f"ORDERSYNC_{name}", value)
    shown = (
        CliRunner().invoke(app, ["outbox", "history", str(entry.id)], catch_exceptions=False, terminal_width=200).output
    )
    assert shown.count("check") == 3 and shown.count("running") == 2 and "done" in shown
    refused = CliRunner().invoke(app, ["outbox", "history", "999999"])
    assert refused.exit_code != 0 and "no outbox entry with id 999999" in str(refused.exception)

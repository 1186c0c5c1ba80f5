"""The pieces scale-out rests on, one by one: the reminder gate, lease loss, key rotation, worker options."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from huey import RedisHuey
from sqlalchemy import select, update
from typer.testing import CliRunner

from ordersync.domain.timeutil import utcnow
from ordersync.jobs.gate import arm, disarm, once_per
from ordersync.store.models import Connection
from ordersync.sync import leases
from ordersync.sync.connections import add_connection, settings_of
from ordersync.sync.hub import Hub

from .conftest import REDIS_URL

BIN = Path(sys.executable).parent / "ordersync"


def test_a_reminder_goes_out_once_per_period_across_processes(redis_prefix):
    first, second = RedisHuey(redis_prefix, url=REDIS_URL), RedisHuey(redis_prefix, url=REDIS_URL)
    assert once_per(first, "outbox", 0.5) is True
    assert once_per(second, "outbox", 0.5) is False  # another scheduler already reminded this period
    assert once_per(second, "webhooks", 0.5) is True  # gates are per reminder
    time.sleep(0.6)
    assert once_per(second, "outbox", 0.5) is True


@pytest.mark.parametrize("queue", ["redis", "memory"])
def test_an_announcement_flag_is_raised_once_until_a_worker_lowers_it_or_it_expires(queue, redis_prefix):
    from huey import MemoryHuey

    first, second = (
        (RedisHuey(redis_prefix, url=REDIS_URL), RedisHuey(redis_prefix, url=REDIS_URL))
        if queue == "redis"
        else (MemoryHuey("t"),) * 2
    )
    assert arm(first, "webhooks:7", 30) is True  # this web process queues the task
    assert arm(second, "webhooks:7", 30) is False  # announced and not started: nothing more to queue
    assert arm(second, "webhooks:8", 30) is True  # flags are per connection
    disarm(second, "webhooks:7")  # a worker lowers it before it looks for deliveries
    assert arm(first, "webhooks:7", 0.3) is True  # so a delivery stored after its look announces again
    time.sleep(0.4)
    assert arm(second, "webhooks:7", 30) is True  # a flag whose worker died expires
    disarm(first, "webhooks:7")
    disarm(first, "webhooks:8")


def test_a_worker_whose_lease_was_taken_stops(hub):
    conn = add_connection(
        hub, "woocommerce", "shop", {"url": "https://shop.example", "consumer_key": "ck_x", "consumer_secret": "cs_x"}
    )
    assert leases.acquire(hub, conn, "host:1:1")
    with hub.db.session() as s:  # the holder stalled past its TTL; another worker took over
        s.execute(
            update(Connection)
            .where(Connection.id == conn)
            .values(sync_lease_owner="host:2:1", sync_lease_until=utcnow() + timedelta(minutes=2))
        )
    with pytest.raises(leases.LeaseLost, match="taken over"):
        leases.renew(hub, conn, "host:1:1")
    assert leases.renew(hub, conn, "host:2:1")


def test_rotate_key_reencrypts_every_secret_with_the_newest_key(hub, hub_config, monkeypatch):
    from ordersync.cli import app

    conn = add_connection(
        hub,
        "woocommerce",
        "shop",
        {"url": "https://shop.example", "consumer_key": "ck_x", "consumer_secret": "cs_secret"},
    )
    old, new = hub_config.master_key, Fernet.generate_key().decode()
    monkeypatch.setenv("ORDERSYNC_HOME", str(hub_config.home))
    monkeypatch.setenv("ORDERSYNC_DATABASE_URL", hub_config.database_url)
    monkeypatch.setenv("ORDERSYNC_MASTER_KEY", f"{new},{old}")
    result = CliRunner().invoke(app, ["db", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert "connections: 2 secret(s)" in result.output  # credentials and state
    only_new = Hub.open(replace(hub_config, master_key=new), migrate=False)
    try:
        with only_new.db.session() as s:
            row = s.scalar(select(Connection).where(Connection.id == conn))
        assert settings_of(only_new, row)["consumer_secret"] == "cs_secret"  # readable without the old key
    finally:
        only_new.close()


def test_worker_refuses_zero_concurrency():
    done = subprocess.run(
        [str(BIN), "worker", "--concurrency", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | {"ORDERSYNC_HOME": "/tmp/ordersync-none"},
    )
    assert done.returncode != 0 and "concurrency" in (done.stderr + done.stdout).lower()


def test_worker_stops_cleanly_on_sigterm(tmp_path, pg_url, redis_prefix):
    env = os.environ | {
        "ORDERSYNC_HOME": str(tmp_path),
        "ORDERSYNC_DATABASE_URL": pg_url,
        "ORDERSYNC_MASTER_KEY": Fernet.generate_key().decode(),
        "ORDERSYNC_REDIS_URL": REDIS_URL,
        "ORDERSYNC_REDIS_PREFIX": redis_prefix,
    }
    log = tmp_path / "worker.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(BIN), "worker", "--concurrency", "2"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 120
    while b"consumer started" not in log.read_bytes() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert b"on Redis, with scheduler" in log.read_bytes(), log.read_text()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(60) == 0, log.read_text()
    assert b"stopped" in log.read_bytes()


def test_a_worker_knows_the_tasks_before_it_takes_the_first(tmp_path, pg_url, redis_prefix):
    """The CLI no longer imports the application up front; a task taken before the tasks were registered
    was dropped ("not found in TaskRegistry"), and with it the announcement of a connection's webhooks."""
    from ordersync.jobs import tasks

    message = tasks.huey.serialize_task(tasks.process_webhooks.s(424242))  # as intake queues it, before it starts
    RedisHuey(redis_prefix, url=REDIS_URL).storage.enqueue(message)
    env = os.environ | {
        "ORDERSYNC_HOME": str(tmp_path),
        "ORDERSYNC_DATABASE_URL": pg_url,
        "ORDERSYNC_MASTER_KEY": Fernet.generate_key().decode(),
        "ORDERSYNC_REDIS_URL": REDIS_URL,
        "ORDERSYNC_REDIS_PREFIX": redis_prefix,
    }
    log = tmp_path / "worker.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(BIN), "worker", "--concurrency", "1", "--no-scheduler"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 120
        while b"process_webhooks" not in log.read_bytes() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        time.sleep(1)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    text = log.read_text()
    assert "not found in TaskRegistry" not in text and "process_webhooks" in text and "executed" in text, text

"""`ordersync worker`: a Huey consumer with its own scheduler, as many of them as the load needs.

Every worker runs the scheduler too: claiming a due poll is one UPDATE in the database and reminders are
gated (see ``gate``), so ten schedulers cost about what one does, and there is no single process whose death
stops polling. SIGTERM is a graceful stop: no new task is taken, running ones get ``shutdown_timeout``
seconds to finish; a task cut short is found again through the database (leases, outbox claims).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
from datetime import timedelta

from ..channels.sdk import ratelimit
from ..sync import dispatcher
from ..sync.hub import Hub

log = logging.getLogger("ordersync.worker")


def worker_id() -> str:
    """How this process names itself to channels (User-Agent) and in logs."""
    return os.environ.get("ORDERSYNC_WORKER_ID") or f"{socket.gethostname()}:{os.getpid()}"


def prepare_process(hub: Hub) -> str:
    """Settings every process that runs tasks needs before its first channel client is built."""
    from ..telemetry import metrics

    config = hub.config
    os.environ["ORDERSYNC_WORKER_ID"] = ident = worker_id()
    metrics.start()  # call budgets and token refreshes, into PROMETHEUS_MULTIPROC_DIR where it is set
    ratelimit.use_shared(config.redis_url, config.redis_prefix)
    if config.outbox_claim_seconds:
        dispatcher.CLAIM_LEASE = timedelta(seconds=config.outbox_claim_seconds)
    return ident


def run_worker(
    hub: Hub, *, concurrency: int, scheduler: bool = True, tick: float = 5.0, shutdown_timeout: float = 60.0
) -> None:
    from . import tasks  # noqa: F401 - registers the tasks with Huey; a task it does not know is dropped
    from .mailwatch import MailWatchers
    from .queue import huey, set_hub
    from .scheduler import SchedulerThread

    if concurrency < 1:
        raise ValueError(f"--concurrency {concurrency}: at least one task must run at a time")
    ident = prepare_process(hub)
    set_hub(hub)
    sched = SchedulerThread(hub, interval=tick) if scheduler else None
    backend = "Redis" if hub.config.redis_url else f"SQLite queue {hub.config.queue_path}"
    log.info(
        "worker %s: %d task(s) at a time on %s%s", ident, concurrency, backend, ", with scheduler" if sched else ""
    )
    consumer = huey.create_consumer(
        workers=concurrency,
        worker_type="thread",
        periodic=False,
        graceful_signal="TERM",
        shutdown_timeout=shutdown_timeout,
        initial_delay=0.05,
        max_delay=1.0,
        check_worker_health=True,
    )
    # Huey installs its handlers only once its threads run; a SIGTERM in between must stop gracefully too
    signal.signal(signal.SIGTERM, consumer._handle_signal)
    watchers = MailWatchers(hub) if scheduler else None  # IMAP IDLE: e-mail orders within seconds
    if sched:
        sched.start()
    if watchers is not None:  # made with the scheduler
        watchers.start()
    try:
        consumer.run()
    finally:
        if sched:
            sched.stop()
        if watchers is not None:
            watchers.stop()
        log.info("worker %s stopped", ident)

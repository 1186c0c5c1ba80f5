"""At most one sync per connection at a time, across threads and processes: a lease row in the database.

A lease expires by itself, so a worker killed mid-sync never blocks its connection for longer than the TTL;
a live worker renews it after every page. A holder on this host whose process is gone is taken over at once.
A worker that finds its lease gone when renewing (it stalled past the TTL and another took over) stops:
:func:`renew` raises :class:`LeaseLost`, so two syncs of one connection never run on.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import timedelta

from sqlalchemy import or_, select, update

from ..domain.timeutil import utcnow
from ..store.models import Connection
from .hub import Hub

LEASE_TTL = timedelta(minutes=2)


class LeaseLost(Exception):
    """This worker's lease on a connection expired and another worker holds it now."""


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def acquire(hub: Hub, connection_id: int, owner: str, ttl: timedelta = LEASE_TTL) -> bool:
    now = utcnow()
    with hub.db.session() as s:
        result = s.execute(
            update(Connection)
            .where(
                Connection.id == connection_id,
                or_(
                    Connection.sync_lease_until.is_(None),
                    Connection.sync_lease_until < now,
                    Connection.sync_lease_owner == owner,
                ),
            )
            .values(sync_lease_until=now + ttl, sync_lease_owner=owner)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
            return True
    return take_over_if_dead(hub, connection_id, owner, ttl)


def owner_is_dead(owner: str | None) -> bool:
    """True when the lease holder was a process on this host that no longer exists (killed mid-sync)."""
    if not owner or owner.count(":") < 2:
        return False
    host, pid, _ = owner.split(":", 2)
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def take_over_if_dead(hub: Hub, connection_id: int, owner: str, ttl: timedelta = LEASE_TTL) -> bool:
    with hub.db.session() as s:
        holder = s.scalar(select(Connection.sync_lease_owner).where(Connection.id == connection_id))
        if not owner_is_dead(holder):
            return False
        return (
            s.execute(
                update(Connection)  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
                .where(Connection.id == connection_id, Connection.sync_lease_owner == holder)
                .values(sync_lease_until=utcnow() + ttl, sync_lease_owner=owner)
            ).rowcount
            == 1
        )


def renew(hub: Hub, connection_id: int, owner: str, ttl: timedelta = LEASE_TTL) -> bool:
    with hub.db.session() as s:
        result = s.execute(
            update(Connection)
            .where(Connection.id == connection_id, Connection.sync_lease_owner == owner)
            .values(sync_lease_until=utcnow() + ttl)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
            raise LeaseLost(f"connection {connection_id}: the sync lease of {owner} expired and was taken over")
        return True


def release(hub: Hub, connection_id: int, owner: str) -> None:
    with hub.db.session() as s:
        s.execute(
            update(Connection)
            .where(Connection.id == connection_id, Connection.sync_lease_owner == owner)
            .values(sync_lease_until=None, sync_lease_owner=None)
        )

"""At most one sync per connection at a time, across threads and processes: a lease row in the database.

A lease expires by itself, so a worker killed mid-sync never blocks its connection for longer than the TTL;
a live worker renews it after every page.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import timedelta

from sqlalchemy import or_, update

from ..domain.timeutil import utcnow
from ..store.models import Connection
from .hub import Hub

LEASE_TTL = timedelta(minutes=2)


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def acquire(hub: Hub, connection_id: int, owner: str, ttl: timedelta = LEASE_TTL) -> bool:
    now = utcnow()
    with hub.db.session() as s:
        result = s.execute(
            update(Connection)
            .where(Connection.id == connection_id,
                   or_(Connection.sync_lease_until.is_(None), Connection.sync_lease_until < now,
                       Connection.sync_lease_owner == owner))
            .values(sync_lease_until=now + ttl, sync_lease_owner=owner))
        return result.rowcount == 1


def renew(hub: Hub, connection_id: int, owner: str, ttl: timedelta = LEASE_TTL) -> bool:
    with hub.db.session() as s:
        result = s.execute(update(Connection)
                           .where(Connection.id == connection_id, Connection.sync_lease_owner == owner)
                           .values(sync_lease_until=utcnow() + ttl))
        return result.rowcount == 1


def release(hub: Hub, connection_id: int, owner: str) -> None:
    with hub.db.session() as s:
        s.execute(update(Connection)
                  .where(Connection.id == connection_id, Connection.sync_lease_owner == owner)
                  .values(sync_lease_until=None, sync_lease_owner=None))

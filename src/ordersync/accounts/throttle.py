"""Login throttling: failed attempts per e-mail and per client address slow further attempts down.

After ``FREE_FAILURES`` failures in the window (counted since the last success for that e-mail), every
further failure doubles the wait, capped at ``MAX_WAIT``. An address that fails across many e-mails (a
password spray) is slowed the same way with a higher allowance. Waiting, not locking out: a locked-out
owner is a denial of service an attacker could cause at will.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from ..domain.timeutil import utcnow
from ..hub import Hub
from ..store.models_accounts import LoginAttempt

WINDOW = timedelta(minutes=15)
FREE_FAILURES = 5
FREE_FAILURES_PER_IP = 20
MAX_WAIT = 900.0
KEEP = timedelta(days=1)


def _delay(failures: int, free: int) -> float:
    if failures < free:
        return 0.0
    return min(MAX_WAIT, 2.0 ** (failures - free))


def login_wait(hub: Hub, email: str, ip: str) -> float:
    """Seconds the caller must wait before the next attempt for this e-mail from this address (0 = now)."""
    address = (email or "").strip().lower()
    now = utcnow()
    since = now - WINDOW
    with hub.db.session() as s:
        last_ok = s.scalar(
            select(func.max(LoginAttempt.at)).where(LoginAttempt.email == address, LoginAttempt.ok.is_(True))
        )
        start = max(since, last_ok) if last_ok else since
        waits = []
        for column, value, free, start_at in (
            (LoginAttempt.email, address, FREE_FAILURES, start),
            (LoginAttempt.ip, ip or "", FREE_FAILURES_PER_IP, since),
        ):
            failures, last = s.execute(
                select(func.count(), func.max(LoginAttempt.at)).where(
                    column == value, LoginAttempt.ok.is_(False), LoginAttempt.at > start_at
                )
            ).one()
            if failures and last is not None:
                waits.append(_delay(failures, free) - (now - last).total_seconds())
    return round(max([0.0, *waits]), 1)


def record_login(hub: Hub, email: str, ip: str, ok: bool) -> None:
    now = utcnow()
    with hub.db.session() as s:
        s.add(LoginAttempt(email=(email or "").strip().lower()[:255], ip=(ip or "")[:64], at=now, ok=ok))
        s.execute(delete(LoginAttempt).where(LoginAttempt.at < now - KEEP))

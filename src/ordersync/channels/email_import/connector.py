"""E-mail import: order mails of Jimdo, WIX and Avocadostore read from an IMAP folder (seed mode 2).

Where the mails are is the import's whole state, so no table is needed:

- The order folder is the queue. Every run reads the mails in it that are older than the minimum order
  age, hands their orders (or, for a mail that cannot be read, a quarantine record with the reason) to the
  engine, and files each mail away: imported ones into the "imported" folder, unreadable ones into the
  "failed" folder. Nothing is deleted that was not appended to another folder first.
- Filing a mail stamps it with the time it was filed (its INTERNALDATE in the target folder; MOVE would
  keep the arrival time). That stamp is the record's modification time in the engine's sense: every run
  also re-reads the filed mails stamped inside its window (since, until]. The engine moves its cursor only
  after every page of a window is committed, so a run that died between filing a mail and committing its
  order is repaired by the next run, which reads that mail again from the folder it was filed into.
- Idempotency is the order itself: its external id is shop + order number, unique per connection, so a
  re-read, re-delivered, forwarded or copied mail updates (or leaves unchanged) the one order and never
  creates a second; a mail without a readable order number is quarantined under its Message-ID, so copies
  of a broken mail are one quarantine entry. UIDs are used only within one selection of a folder and
  checked against UIDVALIDITY before a mail is filed: a folder recreated meanwhile stops the run before
  anything is filed, and the next run reads it afresh.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from ...domain.timeutil import utcnow
from ..sdk.capabilities import Capability, Mode, declare
from ..sdk.connector import Connector, ConnectorContext
from ..sdk.errors import ChannelError, RecordError, TransientError
from ..sdk.records import ConnectionTestResult, OrderPage, Page, Quarantined, Window
from .mailbox import Mailbox, MailRef
from .message import mail_key, read_mail
from .parsers import ParseOptions, parse_mail
from .setup import GUIDE, SETTINGS

PAGE_SIZE = 50
MAX_RAW_KEPT = 256 * 1024  # the quarantine keeps the start of a mail; the whole mail stays in the mailbox


class EmailConnector(Connector):
    system = "email"
    display_name = "E-mail import (Jimdo, WIX, Avocadostore)"
    group = "files"
    capabilities = (
        declare(
            Capability.IMPORT_ORDERS,
            Mode.EMAIL_IMPORT,
            note="order mails of Jimdo, WIX and Avocadostore from an IMAP folder; IDLE where offered",
        ),
    )
    settings_schema = SETTINGS
    guide = GUIDE
    poll_interval = 300

    def __init__(self, settings: Mapping[str, Any], context: ConnectorContext | None = None) -> None:
        super().__init__(settings, context)
        self.config = cfg = SETTINGS.parse(self.settings)
        self.options = ParseOptions(shop=cfg["shop"], paypal_paid=cfg["paypal_paid"])
        self.min_age = timedelta(minutes=max(0, cfg["min_age_minutes"]))
        self.now: Callable[[], datetime] = utcnow

    def mailbox(self) -> Mailbox:
        c = self.config
        return Mailbox(
            c["host"],
            c["port"],
            c["username"],
            c["password"],
            security=c["security"],
            verify_tls=c["verify_tls"],
            ca_pem=c["ca_bundle"],
            timeout=c["timeout"],
        )

    # lifecycle -------------------------------------------------------------------------------------------
    @classmethod
    def watch_changes(cls, wake, build, stop, *, interval: float) -> None:
        """The engine's change watchers (jobs/mailwatch.py) call this for any connector that has it: wait in
        IMAP IDLE and call ``wake()`` when mail arrives, until ``stop`` is set."""
        from .watch import watch

        watch(wake, build, stop, interval=interval)

    def test_connection(self) -> ConnectionTestResult:
        folder = self.config["folder"]
        try:
            with self.mailbox() as mb:
                mb.select(folder, readonly=True)
                waiting = len(mb.list())
                features = ", ".join(f for f in ("IDLE", "UIDPLUS", "MOVE") if f in mb.capabilities)
        except ChannelError as exc:
            return ConnectionTestResult(False, str(exc))
        return ConnectionTestResult(
            True,
            f"Logged in; folder {folder!r} has {waiting} mail(s).",
            {
                "folder": folder,
                "mails": str(waiting),
                "features": features or "none",
                "new mail": "immediately (IDLE)" if "IDLE" in features else "by polling",
            },
        )

    # import ----------------------------------------------------------------------------------------------
    def fetch_orders(self, window: Window) -> Iterator[OrderPage]:
        c = self.config
        with self.mailbox() as mb:
            for folder in (c["processed_folder"], c["failed_folder"]):
                mb.ensure_folder(folder)
            number = 0
            # 1. mails filed within the window: re-read, so an uncommitted run loses nothing
            for folder in (c["processed_folder"], c["failed_folder"]):
                mb.select(folder, readonly=True)
                refs = mb.list(since=window.since)
                for start in range(0, len(refs), PAGE_SIZE):
                    number += 1
                    yield self._page(mb, refs[start : start + PAGE_SIZE], number)[0]
            # 2. the queue: mails old enough are read and filed away
            validity = mb.select(c["folder"])
            now = self.now()
            refs = mb.list()
            due = [r for r in refs if r.internaldate <= now - self.min_age]  # the rest waits (min. age)
            for start in range(0, len(due), PAGE_SIZE):
                number += 1
                page, outcome = self._page(mb, due[start : start + PAGE_SIZE], number)
                yield page
                self._file(mb, validity, outcome)

    def _page(self, mb: Mailbox, refs: list[MailRef], number: int) -> tuple[OrderPage, list[tuple[int, bytes, bool]]]:
        raws = mb.fetch([r.uid for r in refs])
        page: OrderPage = Page(number=number)
        outcome: list[tuple[int, bytes, bool]] = []
        for ref in refs:
            raw = raws.get(ref.uid)
            if raw is None:
                continue  # expunged by someone else since it was listed: nothing of ours to lose
            ok = self._read(raw, ref, page)
            outcome.append((ref.uid, raw, ok))
        return page, outcome

    def _read(self, raw: bytes, ref: MailRef, page: OrderPage) -> bool:
        message_id = ""
        try:
            mail = read_mail(raw)
            message_id = mail.message_id
            page.records.append(parse_mail(mail, self.options, received=ref.internaldate))
            return True
        except RecordError as exc:
            key = mail_key(raw, message_id)
            label = f"mail {message_id or key} received {ref.internaldate:%Y-%m-%d %H:%M} UTC"
            page.quarantined.append(
                Quarantined(
                    external_id=("mail:" + key)[:100],
                    raw=raw[:MAX_RAW_KEPT].decode("utf-8", "replace"),
                    reason=str(exc),
                    hint=f"{exc.hint} ({label}; the mail is in the folder {self.config['failed_folder']!r})".strip(),
                )
            )
            return False

    def _file(self, mb: Mailbox, validity: int, outcome: list[tuple[int, bytes, bool]]) -> None:
        c = self.config
        mb.select(c["folder"])
        if mb.uidvalidity != validity:
            raise TransientError(
                f"the folder {c['folder']!r} was recreated while it was read (UIDVALIDITY "
                f"{validity} → {mb.uidvalidity}); nothing was filed, the next run reads it again"
            )
        stamp = self.now()
        for uid, raw, ok in outcome:
            mb.file_away(uid, raw, c["processed_folder"] if ok else c["failed_folder"], stamp)

    # waiting for mail ------------------------------------------------------------------------------------
    def wait_for_mail(
        self, timeout: float, stop: threading.Event | None = None, on_idling: Callable[[], None] | None = None
    ) -> bool:
        """Block until new mail arrives in the order folder (IDLE, where the server offers it), a waiting
        mail reaches the minimum age, ``timeout`` passes or ``stop`` is set. True when there is something to
        import. Without IDLE this only waits, and the caller polls."""
        with self.mailbox() as mb:
            mb.select(self.config["folder"], readonly=True)
            now = self.now()
            ages = [r.internaldate + self.min_age for r in mb.list()]
            if any(a <= now for a in ages):
                return True
            pending = [a for a in ages if a > now]
            if pending:
                timeout = min(timeout, (min(pending) - now).total_seconds() + 1)
            if not mb.can_idle:
                (stop or threading.Event()).wait(timeout)
                return bool(pending)
            return mb.idle(timeout, stop, on_idling) or bool(pending and min(pending) <= self.now())

"""The e-mail import's IMAP client: IMAPClient over TLS (implicit TLS or STARTTLS), IDLE included.

IMAPClient does the protocol (folder names in modified UTF-7, response parsing, IDLE per RFC 2177); this
wraps it so that every failure is a ChannelError saying what and where (login refused: AuthError; folder
missing: NotFoundError; network: TransientError).

The TCP connection goes through the SDK's URL guard (:func:`..sdk.urlguard.connect_socket`): a seller
cannot point the import at the hub's own network, and every failure to connect reads the same ("could not
connect to HOST:PORT"), so a connection test tells nothing about which ports are open. IMAPClient makes its
imaplib connection in ``_create_IMAP4``; the guarded subclass below hands it imaplib objects whose socket
comes from the guard (the one place that relies on IMAPClient's internals; tests/channels/email_import
covers it against a real Dovecot).
"""

from __future__ import annotations

import builtins
import imaplib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from ..sdk.errors import AuthError, ChannelError, NotFoundError, PermanentError, TransientError
from ..sdk.tls import CaBundleError, check_ca_bundle
from ..sdk.urlguard import UrlRefused, connect_socket

FETCH_BATCH = 50
DATES_BATCH = 500


@dataclass(frozen=True, slots=True)
class MailRef:
    uid: int
    internaldate: datetime
    flags: tuple[str, ...] = ()


class _GuardedIMAP4(imaplib.IMAP4):
    """imaplib's client, connected through the URL guard to a checked address of its host."""

    def _create_socket(self, timeout: float | None) -> socket.socket:
        return connect_socket(self.host, self.port, timeout)


class _GuardedIMAP4_SSL(imaplib.IMAP4_SSL):
    """Implicit TLS over the guarded socket; the certificate is still checked against the host name.
    (imaplib's ``IMAP4_SSL._create_socket`` calls ``IMAP4._create_socket`` by name, so this one replaces
    it instead of relying on the class order.)"""

    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock = connect_socket(self.host, self.port, timeout)
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


class _GuardedClient(IMAPClient):
    def _create_IMAP4(self) -> imaplib.IMAP4:
        timeout = getattr(self._timeout, "connect", None)
        if self.ssl:
            return _GuardedIMAP4_SSL(self.host, self.port, ssl_context=self.ssl_context, timeout=timeout)
        return _GuardedIMAP4(self.host, self.port, timeout=timeout)


class Mailbox:
    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        password: str,
        *,
        security: str = "tls",
        verify_tls: bool = True,
        ca_pem: str = "",
        timeout: float = 30.0,
    ) -> None:
        self.host, self.port, self.username = host, port, username
        self._password = password
        self.security, self.timeout = security, timeout
        self._ctx = ssl.create_default_context()
        if ca_pem:
            try:
                self._ctx.load_verify_locations(cadata=check_ca_bundle(ca_pem))
            except (CaBundleError, ssl.SSLError) as exc:
                raise PermanentError(f"the CA bundle of the mail server {host}:{port} does not load: {exc}") from None
        self._ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        if not verify_tls:
            self._ctx.check_hostname = False
            self._ctx.verify_mode = ssl.CERT_NONE
        self.conn: IMAPClient | None = None
        self.capabilities: frozenset[str] = frozenset()
        self.selected: str = ""
        self.uidvalidity: int | None = None

    # connection ---------------------------------------------------------------------------------------
    def open(self) -> Mailbox:
        where = f"{self.host}:{self.port}"
        try:
            conn = _GuardedClient(
                self.host, self.port, ssl=self.security != "starttls", ssl_context=self._ctx, timeout=self.timeout
            )
            if self.security == "starttls":
                if not conn.has_capability("STARTTLS"):
                    conn.shutdown()
                    raise PermanentError(f"the mail server {where} does not offer STARTTLS; use security 'tls'")
                conn.starttls(self._ctx)
        except (UrlRefused, ChannelError):
            raise
        except ssl.SSLCertVerificationError as exc:
            raise PermanentError(f"the TLS certificate of {where} is not trusted: {exc.verify_message}") from None
        except (OSError, imaplib.IMAP4.abort, imaplib.IMAP4.error):
            # refused, unreachable, timed out, not TLS, not IMAP: one message, so no port scanning by test
            raise TransientError(f"could not connect to {where} (check host, port and encryption)") from None
        conn.normalise_times = False  # INTERNALDATE with its zone, never the hub's local time
        try:
            conn.login(self.username, self._password)
        except (LoginError, IMAPClientError) as exc:
            conn.shutdown()
            raise AuthError(
                f"the mail server {where} refused the login of {self.username!r}: {_said(exc)}. "
                "Check user name and password (an app password where the provider needs one)."
            ) from None
        self.conn = conn
        # the capabilities before login are a subset; IMAPClient asks again after login (UIDPLUS, MOVE, IDLE)
        with self._errors("capability"):
            self.capabilities = frozenset(_str(c).upper() for c in conn.capabilities())
        return self

    def close(self) -> None:
        if self.conn is None:
            return
        try:
            if self.selected:
                self.conn.close_folder()
            self.conn.logout()
        except (OSError, imaplib.IMAP4.error, imaplib.IMAP4.abort):
            pass
        self.conn = None

    def __enter__(self) -> Mailbox:
        return self.open() if self.conn is None else self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _errors(self, what: str) -> Iterator[IMAPClient]:
        """The open connection, with IMAP and network failures turned into ChannelErrors naming ``what``."""
        assert self.conn is not None, "mailbox not open"
        try:
            yield self.conn
        except (IMAPClientAbortError, imaplib.IMAP4.abort) as exc:
            raise TransientError(f"{what}: the connection to {self.host} broke ({_said(exc)})") from None
        except (OSError, ssl.SSLError) as exc:
            raise TransientError(f"{what}: {exc}") from None
        except (IMAPClientError, imaplib.IMAP4.error) as exc:
            raise PermanentError(f"{what}: the server answered {_said(exc)}") from None

    # folders ------------------------------------------------------------------------------------------
    def folders(self) -> list[str]:
        with self._errors("list folders") as conn:
            return [name for _flags, _delimiter, name in conn.list_folders()]

    def ensure_folder(self, folder: str) -> None:
        with self._errors(f"create folder {folder!r}") as conn:
            if not conn.folder_exists(folder):
                conn.create_folder(folder)

    def delete_folder(self, folder: str) -> None:
        with self._errors(f"delete folder {folder!r}") as conn:
            conn.delete_folder(folder)

    def select(self, folder: str, *, readonly: bool = False) -> int:
        """Select a folder and return its UIDVALIDITY."""
        assert self.conn is not None, "mailbox not open"
        try:
            info = self.conn.select_folder(folder, readonly=readonly)
        except (IMAPClientAbortError, imaplib.IMAP4.abort, OSError) as exc:
            raise TransientError(f"select {folder!r}: the connection broke ({_said(exc)})") from None
        except IMAPClientError as exc:
            raise NotFoundError(
                f"the folder {folder!r} does not exist in the mailbox of {self.username!r} "
                f"({_said(exc)}); folders: {', '.join(self.folders())}"
            ) from None
        self.selected = folder
        validity = info.get(b"UIDVALIDITY")
        self.uidvalidity = int(validity) if validity else None
        return self.uidvalidity or 0

    # messages -----------------------------------------------------------------------------------------
    def list(self, since: datetime | None = None) -> list[MailRef]:
        """UIDs, arrival times (INTERNALDATE) and flags of the selected folder's undeleted mails; with
        ``since`` only those that arrived after it (SEARCH SINCE counts whole days in the server's zone, so
        a day earlier is asked and the exact time compared here)."""
        criteria: list = ["UNDELETED"]
        if since is not None:
            criteria += ["SINCE", (since - timedelta(days=1)).date()]
        with self._errors("search") as conn:
            uids = sorted(conn.search(criteria))
        refs: list[MailRef] = []
        for start in range(0, len(uids), DATES_BATCH):
            with self._errors("fetch dates") as conn:
                found = conn.fetch(uids[start : start + DATES_BATCH], ["INTERNALDATE", "FLAGS"])
            for uid, data in found.items():
                when = data.get(b"INTERNALDATE")
                if isinstance(when, datetime):
                    refs.append(MailRef(int(uid), _aware(when), tuple(_str(f) for f in data.get(b"FLAGS", ()))))
        refs.sort(key=lambda r: r.uid)
        if since is not None:
            refs = [r for r in refs if r.internaldate > since]
        return refs

    def fetch(self, uids: builtins.list[int]) -> dict[int, bytes]:  # builtins: ``list`` is a method here
        """The full mails without setting \\Seen (BODY.PEEK)."""
        result: dict[int, bytes] = {}
        for start in range(0, len(uids), FETCH_BATCH):
            with self._errors("fetch mails") as conn:
                found = conn.fetch(uids[start : start + FETCH_BATCH], ["BODY.PEEK[]"])
            for uid, data in found.items():
                body = data.get(b"BODY[]")
                if isinstance(body, bytes):
                    result[int(uid)] = body
        return result

    def file_away(self, uid: int, raw: bytes, folder: str, when: datetime) -> None:
        """Put the mail into ``folder`` with ``when`` as its INTERNALDATE, then remove it here.

        MOVE and COPY keep the arrival time; the import needs the time it filed the mail (the engine's
        window runs on it, see connector.py), so the mail is appended anew. Removal is a UID EXPUNGE of
        this one UID where the server has UIDPLUS, so mails the user marked deleted are not expunged."""
        self.append(folder, raw, when)
        with self._errors("flag as deleted") as conn:
            conn.delete_messages([uid], silent=True)
        with self._errors("expunge") as conn:
            if "UIDPLUS" in self.capabilities:
                conn.uid_expunge([uid])
            else:
                conn.expunge()

    def append(self, folder: str, raw: bytes, when: datetime | None = None) -> None:
        with self._errors(f"append to {folder!r}") as conn:
            conn.append(folder, raw, flags=(), msg_time=when)

    # IDLE ---------------------------------------------------------------------------------------------
    @property
    def can_idle(self) -> bool:
        return "IDLE" in self.capabilities

    def idle(
        self, timeout: float, stop: threading.Event | None = None, on_idling: Callable[[], None] | None = None
    ) -> bool:
        """Wait in IDLE until the server reports new mail (True), ``timeout`` passes or ``stop`` is set
        (False). The selected folder must be the one to watch."""
        assert self.conn is not None and self.selected, "select a folder before IDLE"
        if not self.can_idle:
            raise PermanentError(f"the mail server {self.host} does not offer IDLE")
        with self._errors(f"IDLE on {self.host}") as conn:
            conn.idle()
            if on_idling is not None:
                on_idling()
            news = False
            deadline = time.monotonic() + timeout
            while not news and time.monotonic() < deadline and not (stop and stop.is_set()):
                wait = min(1.0, max(0.0, deadline - time.monotonic()))
                news = any(len(r) >= 2 and r[1] in (b"EXISTS", b"RECENT") for r in conn.idle_check(timeout=wait))
            conn.idle_done()
            return news


def _aware(when: datetime) -> datetime:
    """INTERNALDATE carries its zone; a server that leaves it out is read as UTC."""
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


def _str(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _said(exc: BaseException) -> str:
    return _str(exc.args[0]) if exc.args else type(exc).__name__


__all__ = ["ChannelError", "MailRef", "Mailbox"]

"""A small IMAP client over TLS (implicit TLS or STARTTLS) for the e-mail import.

imaplib does the protocol; this wraps it so that every failure is a ChannelError saying what and where
(login refused: AuthError; folder missing: NotFoundError; network: TransientError), and adds what imaplib
of Python 3.11 lacks: IDLE (RFC 2177), read from the socket directly so a timeout never poisons imaplib's
buffered reader.

The TCP connection goes through the SDK's URL guard (:func:`..sdk.urlguard.connect_socket`): a seller
cannot point the import at the hub's own network, and every failure to connect reads the same ("could not
connect to HOST:PORT"), so a connection test tells nothing about which ports are open.
"""

from __future__ import annotations

import imaplib
import re
import select
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..sdk.errors import AuthError, ChannelError, NotFoundError, PermanentError, TransientError
from ..sdk.tls import CaBundleError, check_ca_bundle
from ..sdk.urlguard import UrlRefused, connect_socket

FETCH_BATCH = 50


@dataclass(frozen=True, slots=True)
class MailRef:
    uid: int
    internaldate: datetime
    flags: tuple[str, ...] = ()


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(data) -> str:
    parts = data if isinstance(data, list) else [data]
    return " ".join(p.decode("utf-8", "replace") if isinstance(p, bytes) else str(p) for p in parts if p)


class GuardedIMAP4(imaplib.IMAP4):
    """imaplib's client, connected through the URL guard to a checked address of its host."""

    def _create_socket(self, timeout):  # type: ignore[no-untyped-def]
        return connect_socket(self.host, self.port, timeout)


class GuardedIMAP4_SSL(imaplib.IMAP4_SSL):
    """Implicit TLS over the guarded socket; the certificate is still checked against the host name.
    (imaplib's own ``IMAP4_SSL._create_socket`` calls ``IMAP4._create_socket`` by name, so this one
    replaces it instead of relying on the class order.)"""

    def _create_socket(self, timeout):  # type: ignore[no-untyped-def]
        sock = connect_socket(self.host, self.port, timeout)
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


class Mailbox:
    def __init__(self, host: str, port: int, username: str, password: str, *, security: str = "tls",
                 verify_tls: bool = True, ca_pem: str = "", timeout: float = 30.0) -> None:
        self.host, self.port, self.username = host, port, username
        self._password = password
        self.security, self.timeout = security, timeout
        self._ctx = ssl.create_default_context()
        if ca_pem:
            try:
                self._ctx.load_verify_locations(cadata=check_ca_bundle(ca_pem))
            except (CaBundleError, ssl.SSLError) as exc:
                raise PermanentError(f"the CA bundle of the mail server {host}:{port} does not load: {exc}") \
                    from None
        self._ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        if not verify_tls:
            self._ctx.check_hostname = False
            self._ctx.verify_mode = ssl.CERT_NONE
        self.conn: imaplib.IMAP4 | None = None
        self.capabilities: frozenset[str] = frozenset()
        self.selected: str = ""
        self.uidvalidity: int | None = None

    # connection ---------------------------------------------------------------------------------------
    def open(self) -> "Mailbox":
        where = f"{self.host}:{self.port}"
        try:
            if self.security == "starttls":
                conn = GuardedIMAP4(self.host, self.port, timeout=self.timeout)
                if "STARTTLS" not in conn.capabilities:
                    conn.shutdown()
                    raise PermanentError(f"the mail server {where} does not offer STARTTLS; use security 'tls'")
                conn.starttls(ssl_context=self._ctx)
            else:
                conn = GuardedIMAP4_SSL(self.host, self.port, ssl_context=self._ctx, timeout=self.timeout)
        except UrlRefused:
            raise
        except ssl.SSLCertVerificationError as exc:
            raise PermanentError(f"the TLS certificate of {where} is not trusted: {exc.verify_message}") from None
        except (OSError, imaplib.IMAP4.abort, imaplib.IMAP4.error):
            # refused, unreachable, timed out, not TLS, not IMAP: one message, so no port scanning by test
            raise TransientError(f"could not connect to {where} (check host, port and encryption)") from None
        try:
            conn.login(self.username, self._password)
        except imaplib.IMAP4.error as exc:
            conn.shutdown()
            raise AuthError(f"the mail server {where} refused the login of {self.username!r}: {exc}. "
                            "Check user name and password (an app password where the provider needs one).") \
                from None
        self.conn = conn
        # the capabilities before login are a subset; ask again now (UIDPLUS, MOVE, IDLE come after login)
        data = self._call("capability", conn.capability)
        self.capabilities = frozenset(_text(data).upper().split()) | frozenset(c.upper() for c in conn.capabilities)
        return self

    def close(self) -> None:
        if self.conn is None:
            return
        try:
            if self.selected:
                self.conn.close()
            self.conn.logout()
        except (OSError, imaplib.IMAP4.error, imaplib.IMAP4.abort):
            pass
        self.conn = None

    def __enter__(self) -> "Mailbox":
        return self.open() if self.conn is None else self

    def __exit__(self, *exc) -> None:
        self.close()

    def _call(self, what: str, fn, *args):
        assert self.conn is not None, "mailbox not open"
        try:
            typ, data = fn(*args)
        except imaplib.IMAP4.abort as exc:
            raise TransientError(f"{what}: the connection to {self.host} broke ({exc})") from None
        except (OSError, ssl.SSLError) as exc:
            raise TransientError(f"{what}: {exc}") from None
        except imaplib.IMAP4.error as exc:
            raise PermanentError(f"{what}: the server answered {exc}") from None
        if typ != "OK":
            raise PermanentError(f"{what}: the server answered {typ} {_text(data)}")
        return data

    # folders ------------------------------------------------------------------------------------------
    def folders(self) -> list[str]:
        data = self._call("list folders", self.conn.list)
        names = []
        for line in data:
            if not isinstance(line, bytes):
                continue
            m = re.match(rb'\((?P<flags>[^)]*)\) (?:"[^"]*"|NIL) (?P<name>.+)$', line)
            if m:
                name = m["name"].decode("utf-8", "replace")
                names.append(name[1:-1].replace('\\"', '"') if name.startswith('"') else name)
        return names

    def ensure_folder(self, folder: str) -> None:
        if folder not in self.folders():
            self._call(f"create folder {folder!r}", self.conn.create, _quote(folder))

    def select(self, folder: str, *, readonly: bool = False) -> int:
        """Select a folder and return its UIDVALIDITY."""
        assert self.conn is not None, "mailbox not open"
        try:
            typ, data = self.conn.select(_quote(folder), readonly=readonly)
        except imaplib.IMAP4.abort as exc:
            raise TransientError(f"select {folder!r}: the connection broke ({exc})") from None
        if typ != "OK":
            raise NotFoundError(f"the folder {folder!r} does not exist in the mailbox of {self.username!r} "
                                f"({_text(data)}); folders: {', '.join(self.folders())}")
        self.selected = folder
        validity = self.conn.untagged_responses.get("UIDVALIDITY", [None])[-1]
        self.uidvalidity = int(validity) if validity else None
        return self.uidvalidity or 0

    # messages -----------------------------------------------------------------------------------------
    def list(self, since: datetime | None = None) -> list[MailRef]:
        """UIDs, arrival times (INTERNALDATE) and flags of the selected folder's undeleted mails; with
        ``since`` only those that arrived after it."""
        criteria = ["UNDELETED"]
        if since is not None:
            criteria += ["SINCE", (since - timedelta(days=1)).strftime("%d-%b-%Y")]
        data = self._call("search", self.conn.uid, "SEARCH", *criteria)
        uids = [int(u) for u in _text(data).split() if u.isdigit()]
        refs: list[MailRef] = []
        for start in range(0, len(uids), 500):
            chunk = ",".join(str(u) for u in uids[start:start + 500])
            for item in self._call("fetch dates", self.conn.uid, "FETCH", chunk, "(UID INTERNALDATE FLAGS)"):
                line = item[0] if isinstance(item, tuple) else item
                if not isinstance(line, bytes):
                    continue
                uid = re.search(rb"UID (\d+)", line)
                when = imaplib.Internaldate2tuple(line)
                flags = re.search(rb"FLAGS \(([^)]*)\)", line)
                if uid and when:
                    date = datetime.fromtimestamp(_mktime(when), tz=UTC)
                    refs.append(MailRef(int(uid[1]), date,
                                        tuple(flags[1].decode().split()) if flags else ()))
        refs.sort(key=lambda r: r.uid)
        if since is not None:
            refs = [r for r in refs if r.internaldate > since]
        return refs

    def fetch(self, uids: list[int]) -> dict[int, bytes]:
        """The full mails without setting \\Seen (BODY.PEEK)."""
        result: dict[int, bytes] = {}
        for start in range(0, len(uids), FETCH_BATCH):
            chunk = ",".join(str(u) for u in uids[start:start + FETCH_BATCH])
            for item in self._call("fetch mails", self.conn.uid, "FETCH", chunk, "(UID BODY.PEEK[])"):
                if isinstance(item, tuple) and len(item) == 2:
                    uid = re.search(rb"UID (\d+)", item[0])
                    if uid:
                        result[int(uid[1])] = item[1]
        return result

    def file_away(self, uid: int, raw: bytes, folder: str, when: datetime) -> None:
        """Put the mail into ``folder`` with ``when`` as its INTERNALDATE, then remove it here.

        MOVE and COPY keep the arrival time; the import needs the time it filed the mail (the engine's
        window runs on it, see connector.py), so the mail is appended anew. Removal is a UID EXPUNGE of
        this one UID where the server has UIDPLUS, so mails the user marked deleted are not expunged."""
        self._call(f"append to {folder!r}", self.conn.append, _quote(folder), None,
                   imaplib.Time2Internaldate(when.timestamp()), raw)
        self._call("flag as deleted", self.conn.uid, "STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)")
        if "UIDPLUS" in self.capabilities:
            self._call("expunge", self.conn.uid, "EXPUNGE", str(uid))
        else:
            self._call("expunge", self.conn.expunge)

    def append(self, folder: str, raw: bytes, when: datetime | None = None) -> None:
        date = imaplib.Time2Internaldate(when.timestamp()) if when else None
        self._call(f"append to {folder!r}", self.conn.append, _quote(folder), None, date, raw)

    # IDLE ---------------------------------------------------------------------------------------------
    @property
    def can_idle(self) -> bool:
        return "IDLE" in self.capabilities

    def idle(self, timeout: float, stop: threading.Event | None = None,
             on_idling: Callable[[], None] | None = None) -> bool:
        """Wait in IDLE until the server reports new mail (True), ``timeout`` passes or ``stop`` is set
        (False). The selected folder must be the one to watch."""
        assert self.conn is not None and self.selected, "select a folder before IDLE"
        if not self.can_idle:
            raise PermanentError(f"the mail server {self.host} does not offer IDLE")
        sock = self.conn.sock
        tag = self.conn._new_tag()
        reader = _LineReader(sock)
        try:
            sock.sendall(tag + b" IDLE\r\n")
            first = reader.line(self.timeout)
            if not first.startswith(b"+"):
                raise PermanentError(f"IDLE refused by {self.host}: {first.decode('utf-8', 'replace').strip()}")
            if on_idling is not None:
                on_idling()
            news = False
            deadline = _monotonic() + timeout
            while not news and _monotonic() < deadline and not (stop and stop.is_set()):
                line = reader.line(min(1.0, max(0.0, deadline - _monotonic())))
                if re.match(rb"\* \d+ (?:EXISTS|RECENT)", line):
                    news = True
            sock.sendall(b"DONE\r\n")
            while True:
                line = reader.line(self.timeout)
                if not line:
                    raise TransientError(f"IDLE: {self.host} did not finish IDLE")
                if line.startswith(tag):
                    break
            return news
        except (OSError, ssl.SSLError) as exc:
            raise TransientError(f"IDLE on {self.host}: {exc}") from None


def _monotonic() -> float:
    import time
    return time.monotonic()


def _mktime(t) -> float:
    import time
    return time.mktime(t)


class _LineReader:
    """Lines from a (TLS) socket with a timeout per read, without imaplib's buffered file."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.buf = sock, b""

    def line(self, timeout: float) -> bytes:
        """One line, or b"" when none completed within ``timeout``."""
        end = _monotonic() + timeout
        while b"\n" not in self.buf:
            pending = self.sock.pending() if isinstance(self.sock, ssl.SSLSocket) else 0
            if not pending:
                left = end - _monotonic()
                if left <= 0:
                    return b""
                ready, _, _ = select.select([self.sock], [], [], left)
                if not ready:
                    return b""
            try:
                chunk = self.sock.recv(65536)
            except ssl.SSLWantReadError:
                continue
            if not chunk:
                raise TransientError("the mail server closed the connection")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line + b"\n"


__all__ = ["ChannelError", "MailRef", "Mailbox"]

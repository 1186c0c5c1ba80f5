"""SMTP per account: settings (password sealed with the hub's secret box) and sending one message.

TLS is always verified. A relay with a self-signed or private CA is trusted by giving its CA certificate
(``ca_pem``), never by switching verification off. Failures are classified like channel failures, so the
outbox retries a greylisting 4xx or a dropped connection and dead-letters a refused login or recipient.

The connection goes through the SDK's URL guard (a checked address of the host, never the hub's own
network unless the operator allows it), and every failure to reach an SMTP server reads the same ("could
not connect to HOST:PORT"), so a connection test cannot scan ports. Changing the host requires the
password again: a stored password is never sent to a host it was not entered for.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr

from sqlalchemy.orm import Session

from ..channels.sdk.errors import (
    AuthError,
    ChannelError,
    PermanentError,
    TransientError,
)
from ..channels.sdk.urlguard import UrlRefused, connect_socket
from ..domain.timeutil import utcnow
from ..hub import Hub, HubError
from ..store.models_messaging import SmtpSettings

SECURITY = ("starttls", "tls")
TIMEOUT = 30.0


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str
    username: str
    password: str
    from_address: str
    from_name: str = ""
    reply_to: str = ""
    ca_pem: str = ""
    language: str = "de"
    notify_buyer_by_mail: bool = False

    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.ca_pem:
            try:
                context.load_verify_locations(cadata=self.ca_pem)
            except ssl.SSLError as exc:
                raise HubError(f"SMTP settings: the CA certificate does not load: {exc}") from None
        return context


def check_address(value: str, what: str) -> str:
    value = value.strip()
    _name, addr = parseaddr(value)
    if not addr or "@" not in addr or addr != value or " " in addr or "\n" in value:
        raise HubError(f"{what}: {value!r} is not an e-mail address")
    return value


def save(
    hub: Hub,
    *,
    host: str,
    port: int | None,
    security: str,
    username: str,
    password: str | None,
    from_address: str,
    from_name: str = "",
    reply_to: str = "",
    ca_pem: str | None = None,
    language: str | None = None,
    notify_buyer_by_mail: bool | None = None,
    account: str | None = None,
) -> SmtpConfig:
    """Create or replace the account's SMTP settings; ``None`` keeps the stored password/CA/choices."""
    security = security.lower()
    if security not in SECURITY:
        raise HubError(f"SMTP security {security!r}: use starttls (port 587) or tls (port 465)")
    if not host.strip():
        raise HubError("SMTP host is empty")
    port = port or (587 if security == "starttls" else 465)
    if not 0 < port < 65536:
        raise HubError(f"SMTP port {port} is out of range")
    check_address(from_address, "SMTP from address")
    if reply_to:
        check_address(reply_to, "SMTP reply-to address")
    if language is not None and language not in ("de", "en"):
        raise HubError(f"language {language!r}: use de or en")
    if ca_pem:
        try:
            ssl.create_default_context().load_verify_locations(cadata=ca_pem)
        except ssl.SSLError as exc:
            raise HubError(f"SMTP CA certificate does not load: {exc}") from None
    with hub.db.session() as s:
        account_id = hub.account_id(account, s)
        row = s.get(SmtpSettings, account_id)
        old = hub.secrets.open(row.secrets) if row else {}
        if (
            row is not None
            and password is None
            and old.get("password")
            and (row.host.strip().lower(), row.port) != (host.strip().lower(), port)
        ):
            raise HubError(
                f"SMTP settings: the server changed from {row.host}:{row.port} to {host.strip()}:{port}; "
                "enter the password (field 'password') again, it is not sent to a new server"
            )
        if row is None:
            row = SmtpSettings(account_id=account_id, language="de", notify_buyer_by_mail=False, ca_pem="")
            s.add(row)
        row.host, row.port, row.security, row.username = host.strip(), port, security, username
        row.from_address, row.from_name, row.reply_to = from_address.strip(), from_name, reply_to
        if ca_pem is not None:
            row.ca_pem = ca_pem
        if language is not None:
            row.language = language
        if notify_buyer_by_mail is not None:
            row.notify_buyer_by_mail = notify_buyer_by_mail
        row.secrets = hub.secrets.seal({"password": old.get("password", "") if password is None else password})
        row.updated_at = utcnow()
        s.flush()
        return _config(hub, row)


def load(hub: Hub, s: Session, account_id: int) -> SmtpConfig | None:
    row = s.get(SmtpSettings, account_id)
    return _config(hub, row) if row is not None else None


def require(hub: Hub, s: Session, account_id: int) -> SmtpConfig:
    config = load(hub, s, account_id)
    if config is None:
        raise HubError("no SMTP server is set up for this account; set one with `ordersync mail smtp set`")
    return config


def _config(hub: Hub, row: SmtpSettings) -> SmtpConfig:
    return SmtpConfig(
        row.host,
        row.port,
        row.security,
        row.username,
        hub.secrets.open(row.secrets).get("password", ""),
        row.from_address,
        row.from_name,
        row.reply_to,
        row.ca_pem,
        row.language,
        row.notify_buyer_by_mail,
    )


class GuardedSMTP(smtplib.SMTP):
    """smtplib's client, connected through the URL guard to a checked address of its host."""

    def _get_socket(self, host, port, timeout):
        return connect_socket(host, port, timeout)


class GuardedSMTP_SSL(smtplib.SMTP_SSL):
    """Implicit TLS over the guarded socket; the certificate is still checked against the host name."""

    def _get_socket(self, host, port, timeout):
        return self.context.wrap_socket(connect_socket(host, port, timeout), server_hostname=self._host)


def _open(config: SmtpConfig, context: ssl.SSLContext) -> smtplib.SMTP:
    """Connected and greeted; every way of not reaching an SMTP server is one TransientError."""
    try:
        if config.security == "tls":
            return GuardedSMTP_SSL(config.host, config.port, timeout=TIMEOUT, context=context)
        return GuardedSMTP(config.host, config.port, timeout=TIMEOUT)
    except (UrlRefused, ssl.SSLCertVerificationError):
        raise
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError):
        raise TransientError(
            f"SMTP: could not connect to {config.host}:{config.port} (check host, port and encryption)"
        ) from None


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    context = config.ssl_context()
    client = _open(config, context)
    if config.security != "tls":
        client.ehlo()
        if not client.has_extn("starttls"):
            client.close()
            raise PermanentError(
                f"SMTP {config.host}:{config.port} does not offer STARTTLS; "
                "ordersync never sends a password or mail unencrypted"
            )
        client.starttls(context=context)
        client.ehlo()
    if config.username:
        _login(client, config)
    return client


def _login(client: smtplib.SMTP, config: SmtpConfig) -> None:
    """One AUTH attempt with PLAIN (else LOGIN), always inside TLS. ``smtplib.login`` would try every
    mechanism in turn after a refusal, costing a server's lockout counter several failures per try."""
    client.ehlo_or_helo_if_needed()
    offered = client.esmtp_features.get("auth", "").upper().split()
    client.user, client.password = config.username, config.password
    for mechanism in ("PLAIN", "LOGIN"):
        if mechanism in offered:
            client.auth(mechanism, getattr(client, f"auth_{mechanism.lower()}"))
            return
    client.close()
    raise PermanentError(
        f"SMTP {config.host}:{config.port} offers no AUTH PLAIN or LOGIN (offered: {' '.join(offered) or 'none'})"
    )


def send(config: SmtpConfig, message: EmailMessage) -> str:
    """Send one message; returns the server's reply. Raises a classified ChannelError."""
    where = f"SMTP {config.host}:{config.port}"
    try:
        client = _connect(config)
        try:
            refused = client.send_message(message)
            reply = "accepted"
            if refused:
                raise PermanentError(f"{where}: recipients refused: {refused}")
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()
        return reply
    except ChannelError:
        raise
    except Exception as exc:
        raise classify(exc, where) from exc


def verify(config: SmtpConfig) -> str:
    """Connect, start TLS and log in, without sending anything (`ordersync mail smtp test`)."""
    where = f"SMTP {config.host}:{config.port}"
    try:
        client = _connect(config)
        client.quit()
        return f"{where}: connected ({config.security}), " + ("logged in" if config.username else "no login")
    except ChannelError:
        raise
    except Exception as exc:
        raise classify(exc, where) from exc


def classify(exc: BaseException, where: str) -> ChannelError:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return AuthError(f"{where}: login refused ({exc.smtp_code} {_text(exc.smtp_error)})")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return PermanentError(f"{where}: recipients refused: {exc.recipients}")
    if isinstance(exc, smtplib.SMTPResponseException):
        kind = TransientError if 400 <= exc.smtp_code < 500 else PermanentError
        return kind(f"{where}: {exc.smtp_code} {_text(exc.smtp_error)}")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return PermanentError(
            f"{where}: the server's TLS certificate is not trusted ({exc.verify_message}); "
            "give its CA with `ordersync mail smtp set --ca-file`"
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return PermanentError(f"{where}: {exc}")
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, socket.timeout, OSError)):
        return TransientError(f"{where}: {type(exc).__name__}: {exc}")
    if isinstance(exc, smtplib.SMTPException):
        return TransientError(f"{where}: {type(exc).__name__}: {exc}")
    return PermanentError(f"{where}: {type(exc).__name__}: {exc}")


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

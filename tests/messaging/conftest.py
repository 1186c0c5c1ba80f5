"""Real SMTP servers on loopback (aiosmtpd: STARTTLS, and implicit TLS) with AUTH and a self-signed
certificate made per test run, plus an HTTP receiver that checks forward signatures."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from engine.memshop import MemShop

from ordersync.channels.sdk.serving import free_port, read_body, serve_in_thread
from ordersync.forwarding import signing

USER, PASSWORD = "shop@example.test", "s3cret-smtp-pass"


@dataclass
class Certs:
    cert_pem: str
    cert_file: str
    key_file: str


@pytest.fixture(scope="session")
def certs(tmp_path_factory) -> Certs:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ordersync test relay")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("certs")
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    (folder / "cert.pem").write_text(cert_pem)
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return Certs(cert_pem, str(folder / "cert.pem"), str(folder / "key.pem"))


@dataclass
class Mailbox:
    host: str
    port: int
    security: str
    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    fail_next: list[str] = field(default_factory=list)  # SMTP replies to give instead of 250

    async def handle_DATA(self, server, session, envelope):
        if self.fail_next:
            return self.fail_next.pop(0)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        raw = (envelope.original_content or envelope.content).replace(b"\r\n", b"\n")
        self.received.append(message_from_bytes(raw, policy=policy.default))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == USER
            and auth_data.password.decode() == PASSWORD
        )
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)


def _server_context(certs: Certs) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(certs.cert_file, certs.key_file)
    return ctx


def _start(certs: Certs, security: str):
    port = free_port()
    box = Mailbox("127.0.0.1", port, security)
    kwargs = dict(authenticator=box.authenticate, auth_required=True, auth_require_tls=True)
    if security == "starttls":
        controller = Controller(
            box, hostname="127.0.0.1", port=port, tls_context=_server_context(certs), require_starttls=True, **kwargs
        )
    else:
        # aiosmtpd only counts STARTTLS as TLS for auth_require_tls; the whole session is TLS here
        controller = Controller(
            box,
            hostname="127.0.0.1",
            port=port,
            ssl_context=_server_context(certs),
            **kwargs | {"auth_require_tls": False},
        )
    controller.start()
    return controller, box


@pytest.fixture
def starttls_server(certs):
    controller, box = _start(certs, "starttls")
    yield box
    controller.stop()


@pytest.fixture
def tls_server(certs):
    controller, box = _start(certs, "tls")
    yield box
    controller.stop()


def smtp_settings(box: Mailbox, certs: Certs, **extra) -> dict:
    return (
        dict(
            host=box.host,
            port=box.port,
            security=box.security,
            username=USER,
            password=PASSWORD,
            from_address="shop@example.test",
            from_name="Teeladen Müller",
            ca_pem=certs.cert_pem,
        )
        | extra
    )


class Receiver:
    """An HTTP endpoint on loopback that verifies the forward signature like a supplier's service would."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.accepted: list[dict] = []
        self.rejected: list[str] = []
        self.respond: list[int] = []  # statuses to answer before accepting
        self.hang: threading.Event | None = None  # set: the next request never answers in time
        self.lock = threading.Lock()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        status, reply = 200, {"ok": True}
        with self.lock:
            forced = self.respond.pop(0) if self.respond else None
            hang = self.hang
            self.hang = None
        if hang is not None:
            import asyncio

            await asyncio.sleep(3)
        if forced is not None:
            status, reply = forced, {"error": "receiver unavailable"}
        elif not signing.verify(
            self.secret, headers.get("x-ordersync-timestamp"), headers.get("x-ordersync-signature"), body
        ):
            self.rejected.append(headers.get("x-ordersync-signature", ""))
            status, reply = 401, {"error": "bad signature"}
        else:
            with self.lock:
                self.accepted.append({"headers": headers, "json": json.loads(body)})
        payload = json.dumps(reply).encode()
        headers = [(b"content-type", b"application/json")]
        if status == 429:
            headers.append((b"retry-after", b"120"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


@pytest.fixture
def receiver():
    app = Receiver("a-long-shared-signing-secret-1234")
    with serve_in_thread(app) as server:
        app.url = server.base_url + "/orders/in"
        yield app


@pytest.fixture
def memshop(hub):
    """The engine's test channel: status, tracking and stock by API, but no messaging API."""
    from ordersync.channels import registry
    from ordersync.sync.connections import add_connection

    MemShop.reset()
    registry.register(MemShop, replace=True)
    yield add_connection(hub, "memshop", "mem", {"token": "t0ps3cret"})
    registry.unregister("memshop")
    MemShop.reset()


@pytest.fixture
def nomsg(hub):
    """A channel with neither messaging, status nor tracking API: every notice goes by mail."""
    from ordersync.channels import registry
    from ordersync.channels.sdk.capabilities import Capability, Mode, declare
    from ordersync.sync.connections import add_connection

    class MailOnlyShop(MemShop):
        system = "mailonly"
        display_name = "Mail-only shop (tests)"
        capabilities = (declare(Capability.IMPORT_ORDERS, Mode.POLL),)

    MemShop.reset()
    registry.register(MailOnlyShop, replace=True)
    yield add_connection(hub, "mailonly", "kleinshop", {"token": "t"})
    registry.unregister("mailonly")
    MemShop.reset()

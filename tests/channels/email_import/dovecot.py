"""A real Dovecot IMAP server for the tests: own config, TLS certificate, users and maildirs in a temp dir.

Dovecot runs in the foreground (-F) as a child process on free loopback ports, one with implicit TLS and
one with STARTTLS (TLS required before login, TLS 1.2 minimum); each user has a passwd-file of its own (the path holds %u), written when a test asks for a user,
so each test gets a fresh mailbox without restarting the server.
"""

from __future__ import annotations

import datetime as dt
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ordersync.channels.sdk.serving import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
MAIL_USER = "nobody"  # Dovecot refuses to access mail as root


def dovecot_missing() -> str | None:
    if not os.path.exists(DOVECOT):
        return "dovecot is not installed (Debian package dovecot-imapd; .ci/run installs it)"
    if os.geteuid() != 0:
        return "the Dovecot fixture starts dovecot as root (it switches to its own users)"
    return None


def _certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return cert_path, key_path


_CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users/%u
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {starttls_port}
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
protocol imap {{
  imap_idle_notify_interval = 1 secs
}}
"""


class Dovecot:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ordersync-dovecot-"))
        self.root.chmod(0o755)
        self.port = free_port()  # implicit TLS
        self.starttls_port = free_port()  # plain IMAP that must be upgraded with STARTTLS before login
        self.cert, self.key = _certificate(self.root)
        user = pwd.getpwnam(MAIL_USER)
        for sub in ("run", "state", "mail", "home"):
            (self.root / sub).mkdir()
        for sub in ("mail", "home"):
            os.chown(self.root / sub, user.pw_uid, user.pw_gid)
        (self.root / "users").mkdir()
        self.config = self.root / "dovecot.conf"
        self.config.write_text(
            _CONFIG.format(
                root=self.root,
                cert=self.cert,
                key=self.key,
                port=self.port,
                starttls_port=self.starttls_port,
                uid=user.pw_uid,
                gid=user.pw_gid,
            )
        )
        self.process: subprocess.Popen | None = None

    @property
    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self) -> Dovecot:
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                out = self.process.stdout.read().decode(errors="replace")
                raise RuntimeError(f"dovecot exited with {self.process.returncode}: {out}\n{self.log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not listen on {self.port}:\n{self.log}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def add_user(self, password: str = "s3cret-mail") -> tuple[str, str]:
        name = f"shop-{uuid.uuid4().hex[:10]}"
        (self.root / "users" / name).write_text(f"{name}:{{PLAIN}}{password}\n")
        return name, password

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))

    def client(self, user: str, password: str) -> imaplib.IMAP4_SSL:
        conn = imaplib.IMAP4_SSL("localhost", self.port, ssl_context=self.ssl_context(), timeout=30)
        conn.login(user, password)
        return conn

    def settings(self, user: str, password: str, **extra) -> dict:
        return {
            "host": "localhost",
            "port": self.port,
            "username": user,
            "password": password,
            "ca_bundle": self.cert.read_text(),
            **extra,
        }

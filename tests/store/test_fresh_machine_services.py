"""`make test` on a fresh Debian/Ubuntu machine: PostgreSQL there refuses a password-less TCP login, and
scripts/test_services.py must give the tests a role of their own.

Proved against a second PostgreSQL cluster started here on another port, with the distribution's default
authentication (peer on the local socket, scram-sha-256 for host logins): the script creates the role as the
postgres system user, stores its URL, and the tests' discovery finds it; a migrated hub database can be
created with it. It needs initdb and a way to act as the postgres user: it skips where they are missing,
except under CI=true, which runs on a machine that scripts/system-deps.sh has given PostgreSQL.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from conftest import REPO_ROOT, require_or_skip, services
from sqlalchemy import create_engine, text

from ordersync.store.db import upgrade

SCRIPT = REPO_ROOT / "scripts" / "test_services.py"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*cmd: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *cmd], check=True, capture_output=True, timeout=120)


@pytest.fixture
def fresh_cluster():
    """A second cluster with Debian's default pg_hba (pg_createcluster's: peer locally, scram over TCP)."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    require_or_skip(bool(bins), "initdb not found under /usr/lib/postgresql/*/bin (package postgresql)")
    require_or_skip(
        os.getuid() == 0 and shutil.which("runuser") is not None,
        "starting a cluster as the postgres user needs root (runuser)",
    )
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        require_or_skip(False, "there is no postgres system user")
    bin_dir = Path(bins[0]).parent
    root = Path(tempfile.mkdtemp(prefix="ordersync-pg-"))  # not under pytest's 0700 tmp: postgres must enter
    shutil.chown(root, "postgres", "postgres")
    data, sockets, port = root / "data", root / "sock", _free_port()
    sockets.mkdir()
    shutil.chown(sockets, "postgres", "postgres")
    _as_postgres(
        str(bin_dir / "initdb"),
        "-D",
        str(data),
        "-U",
        "postgres",
        "--auth-local=peer",
        "--auth-host=scram-sha-256",
        "--no-sync",
    )
    _as_postgres(
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(root / "log"),
        "-w",
        "-o",
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off",
        "start",
    )
    try:
        yield port, str(sockets)
    finally:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=120,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


def _run_script(state: Path, port: int, sockets: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("ORDERSYNC_TEST_PG", "ORDERSYNC_TEST_REDIS")}
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--strict",
            "--no-redis",
            "--state",
            str(state),
            "--pg-port",
            str(port),
            "--pg-socket",
            sockets,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_the_script_gives_the_tests_a_role_on_a_fresh_cluster(fresh_cluster, tmp_path, monkeypatch):
    port, sockets = fresh_cluster
    state = tmp_path / "checkout" / ".ordersync-test"
    default = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    assert services.pg_problem(default) is not None  # what the tests used to do fails here

    done = _run_script(state, port, sockets)
    assert done.returncode == 0, done.stderr
    stored = state / "pg-url"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600  # it holds a password
    monkeypatch.delenv("ORDERSYNC_TEST_PG", raising=False)
    url = services.pg_url(state)
    assert url == stored.read_text().strip() and url != default

    # what the fixtures of tests/conftest.py do with it: create, migrate and drop a database
    name = f"ordersync_fresh_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        upgrade(url.rsplit("/", 1)[0] + f"/{name}")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()

    again = _run_script(state, port, sockets)  # the next `make test` keeps the role and its password
    assert again.returncode == 0 and stored.read_text().strip() == url, again.stderr

    monkeypatch.setenv("ORDERSYNC_TEST_PG", "postgresql+psycopg://someone@db.example/postgres")
    assert services.pg_url(state) == "postgresql+psycopg://someone@db.example/postgres"  # an explicit URL wins


@pytest.fixture
def redis_with_password(tmp_path):
    """A second Redis on another port with `requirepass` in its configuration file, as an admin sets it."""
    server = shutil.which("redis-server")
    require_or_skip(server is not None, "redis-server not found (package redis-server)")
    port, password = _free_port(), "s3cret/with:odd@chars"
    conf = tmp_path / "redis.conf"
    conf.write_text(f'bind 127.0.0.1\nport {port}\nrequirepass "{password}"\nsave ""\nappendonly no\ndir {tmp_path}\n')
    proc = subprocess.Popen([server, str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port, password=password)
        for _ in range(300):  # until it listens
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert proc.poll() is None, "redis-server stopped"
                time.sleep(0.1)
        client.close()
        yield port, conf
    finally:
        proc.kill()
        proc.wait()


def test_the_script_finds_the_redis_password(redis_with_password, tmp_path, monkeypatch):
    port, conf = redis_with_password
    state = tmp_path / "checkout" / ".ordersync-test"
    assert "auth" in (services.redis_problem(f"redis://127.0.0.1:{port}/0") or "").lower()
    env = {k: v for k, v in os.environ.items() if k not in ("ORDERSYNC_TEST_PG", "ORDERSYNC_TEST_REDIS")}
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--strict",
            "--no-pg",
            "--state",
            str(state),
            "--redis-port",
            str(port),
            "--redis-conf",
            str(conf),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((state / "redis-url").stat().st_mode) == 0o600
    monkeypatch.delenv("ORDERSYNC_TEST_REDIS", raising=False)
    url = services.redis_url(state)
    assert url.endswith(f"@127.0.0.1:{port}/0") and services.redis_problem(url) is None

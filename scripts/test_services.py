"""Test database access that works by itself on a fresh machine; `make test` runs this before pytest.

The tests use PostgreSQL and Redis. Where ORDERSYNC_TEST_PG / ORDERSYNC_TEST_REDIS are set, they win and
nothing is done. Otherwise the default URLs are tried (postgres without a password on 127.0.0.1:5432, Redis
without one on 127.0.0.1:6379). A fresh Debian/Ubuntu PostgreSQL refuses that login (scram-sha-256 for TCP),
so this script then creates, as the `postgres` system user through the local socket, a role ordersync_test_*
with a generated password and CREATEDB, and stores its URL in .ordersync-test/pg-url (untracked, 0600). A
Redis with `requirepass` gets its password from redis.conf into .ordersync-test/redis-url. tests/conftest.py
and bench/*.py read the URLs in the same order through :func:`pg_url` and :func:`redis_url`.

It never fails `make test`: what it cannot set up it says on stderr, and the tests skip (or fail under
CI=true) with the reason.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
STATE = REPO / ".ordersync-test"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def role_for(state: Path) -> str:
    """One role per checkout: re-creating it in one checkout changes its password, which must not lock out
    another checkout's tests running on the same server."""
    return "ordersync_test_" + hashlib.sha256(str(state.resolve()).encode()).hexdigest()[:8]


def _stored(state: Path, name: str) -> str | None:
    try:
        return (state / name).read_text().strip() or None
    except OSError:
        return None


def pg_url(state: Path = STATE) -> str:
    """The PostgreSQL admin URL of the tests: ORDERSYNC_TEST_PG, else the stored one, else the default."""
    return os.environ.get("ORDERSYNC_TEST_PG") or _stored(state, "pg-url") or DEFAULT_PG


def redis_url(state: Path = STATE) -> str:
    """The Redis URL of the tests: ORDERSYNC_TEST_REDIS, else the stored one, else the default."""
    return os.environ.get("ORDERSYNC_TEST_REDIS") or _stored(state, "redis-url") or DEFAULT_REDIS


def shown(url: str) -> str:
    """``url`` without its password, for messages (a stored URL carries one)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{netloc[-1]}"))


def pg_problem(url: str) -> str | None:
    """None when ``url`` logs in, else why not."""
    import psycopg

    try:
        psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), connect_timeout=5).close()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure is reported as the reason
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"


def redis_problem(url: str) -> str | None:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        client.ping()
        client.close()
        return None
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"


def _store(state: Path, name: str, url: str) -> None:
    state.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = state / name
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # it holds a password
    with os.fdopen(fd, "w") as fh:
        fh.write(url + "\n")


def _as_postgres(cmd: list[str]) -> list[str] | None:
    """``cmd`` run as the postgres system user: directly, through runuser (root) or sudo without a prompt."""
    import pwd

    if pwd.getpwuid(os.getuid()).pw_name == "postgres":
        return cmd
    if os.getuid() == 0 and shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *cmd]
    if shutil.which("sudo"):
        return ["sudo", "-n", "-u", "postgres", "--", *cmd]
    return None


def _psql() -> str:
    found = shutil.which("psql") or next(
        iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"), reverse=True)), None
    )
    return str(found or "psql")


def setup_pg(state: Path, host: str, port: int, socket_dir: str) -> str:
    if os.environ.get("ORDERSYNC_TEST_PG"):
        return "PostgreSQL: ORDERSYNC_TEST_PG is set, used as it is"
    stored = _stored(state, "pg-url")
    if stored and pg_problem(stored) is None:
        return f"PostgreSQL: the stored role in {state / 'pg-url'} logs in"
    default = f"postgresql+psycopg://postgres@{host}:{port}/postgres"
    problem = pg_problem(default)
    if problem is None:
        (state / "pg-url").unlink(missing_ok=True)  # a stale file must not shadow a default that works
        return f"PostgreSQL: {default} logs in"
    role = role_for(state)
    password = secrets.token_urlsafe(24)  # URL-safe: no quoting needed in SQL or in the URL
    sql = (
        f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
        f"ALTER ROLE {role} WITH LOGIN CREATEDB PASSWORD '{password}'; ELSE "
        f"CREATE ROLE {role} WITH LOGIN CREATEDB PASSWORD '{password}'; END IF; END $$;\n"
    )
    cmd = _as_postgres(
        [_psql(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socket_dir, "-p", str(port), "-d", "postgres", "-f", "-"]
    )
    if cmd is None:
        raise SystemExit(
            f"PostgreSQL: {default} cannot log in ({problem}), and neither runuser nor sudo "
            "can act as the postgres user; set ORDERSYNC_TEST_PG"
        )
    done = subprocess.run(cmd, input=sql, text=True, capture_output=True, timeout=60, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(
            f"PostgreSQL: {default} cannot log in ({problem}), and creating the role {role} as "
            f"the postgres user failed: {done.stderr.strip()}; set ORDERSYNC_TEST_PG"
        )
    url = f"postgresql+psycopg://{role}:{password}@{host}:{port}/postgres"
    again = pg_problem(url)
    if again is not None:
        raise SystemExit(f"PostgreSQL: the new role {role} cannot log in either ({again}); set ORDERSYNC_TEST_PG")
    _store(state, "pg-url", url)
    return f"PostgreSQL: created the role {role} (CREATEDB); its URL is in {state / 'pg-url'}"


def _requirepass(conf: Path) -> str | None:
    try:
        text = conf.read_text()
    except PermissionError:
        cmd = (
            ["runuser", "-u", "redis", "--", "cat", str(conf)] if os.getuid() == 0 else ["sudo", "-n", "cat", str(conf)]
        )
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)  # noqa: S603
        text = done.stdout if done.returncode == 0 else ""
    except OSError:
        return None
    for line in text.splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2 and parts[0].lower() == "requirepass":
            return parts[1].strip().strip('"')
    return None


def setup_redis(state: Path, conf: Path, port: int = 6379) -> str:
    if os.environ.get("ORDERSYNC_TEST_REDIS"):
        return "Redis: ORDERSYNC_TEST_REDIS is set, used as it is"
    stored = _stored(state, "redis-url")
    if stored and redis_problem(stored) is None:
        return f"Redis: the stored URL in {state / 'redis-url'} works"
    default = f"redis://127.0.0.1:{port}/0"
    problem = redis_problem(default)
    if problem is None:
        (state / "redis-url").unlink(missing_ok=True)
        return f"Redis: {default} answers"
    if "auth" not in problem.lower():
        raise SystemExit(f"Redis: {default} does not answer ({problem}); set ORDERSYNC_TEST_REDIS")
    password = _requirepass(conf)
    if not password:
        raise SystemExit(
            f"Redis: {default} needs a password and {conf} has no readable requirepass; set ORDERSYNC_TEST_REDIS"
        )
    url = f"redis://:{quote(password, safe='')}@127.0.0.1:{port}/0"
    again = redis_problem(url)
    if again is not None:
        raise SystemExit(f"Redis: the password from {conf} does not work ({again}); set ORDERSYNC_TEST_REDIS")
    _store(state, "redis-url", url)
    return f"Redis: the password from {conf} is in {state / 'redis-url'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--state", type=Path, default=STATE, help="where the URLs are stored")
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--pg-socket", default="/var/run/postgresql", help="the server's Unix socket directory")
    parser.add_argument("--redis-port", type=int, default=6379)
    parser.add_argument("--redis-conf", type=Path, default=Path("/etc/redis/redis.conf"))
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-redis", action="store_true")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a service cannot be set up")
    args = parser.parse_args(argv)
    ok = True
    steps = []
    if not args.no_pg:
        steps.append(lambda: setup_pg(args.state, args.pg_host, args.pg_port, args.pg_socket))
    if not args.no_redis:
        steps.append(lambda: setup_redis(args.state, args.redis_conf, args.redis_port))
    for step in steps:
        try:
            print(step())
        except (SystemExit, Exception) as exc:  # noqa: BLE001 - reported; the tests then skip with the reason
            ok = False
            print(f"test services: {exc}", file=sys.stderr)
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())

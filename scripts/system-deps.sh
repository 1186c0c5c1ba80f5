#!/usr/bin/env bash
# What the test suite needs from the operating system, installed from Debian's packages where missing and
# started where stopped. Idempotent and quick when everything is there; `make test` runs it first.
#   chromium          the browser the end-to-end tests drive through Playwright (never downloaded by Playwright)
#   dovecot-imapd     the real IMAP server the e-mail import tests start on loopback
#   redis-server      the queue and shared rate budgets of the scale-out tests
#   postgresql        the second database every store test runs on
set -euo pipefail

need=()
command -v chromium >/dev/null || need+=(chromium)
[ -x /usr/sbin/dovecot ] || need+=(dovecot-core dovecot-imapd)
command -v redis-server >/dev/null || need+=(redis-server)
ls /etc/postgresql/*/main >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing system packages: ${need[*]} (run: sudo apt-get install ${need[*]})" >&2
  else
    echo "installing from Debian: ${need[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

if [ "$(id -u)" = 0 ]; then
  if ! (command -v pg_isready >/dev/null && pg_isready -h 127.0.0.1 -p 5432 -q); then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
  fi
fi

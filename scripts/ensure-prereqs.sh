#!/usr/bin/env bash
# Makes sure what the tests need is on this machine: Debian packages (build tools for better-sqlite3, skopeo, podman,
# chromium, a CJK font so 简体中文 screenshots show their characters, docker-registry and apache2-utils' htpasswd as
# a remote registry for the registry-endpoint and v2-client tests, slapd and ldap-utils for the LDAP tests) and a Postgres answering on 127.0.0.1:5432 with a
# `test` database. As root it installs and starts what is missing; otherwise it names what is missing and fails: a
# skipped test is not a passed test.
set -euo pipefail

packages=(g++ make python3 skopeo podman uidmap chromium fonts-wqy-zenhei docker-registry apache2-utils slapd ldap-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done

as_root() { [ "$(id -u)" = 0 ]; }

if [ ${#missing[@]} -gt 0 ]; then
  if as_root; then
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

pg_answers() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

if ! pg_answers; then
  if ! as_root; then
    echo "no PostgreSQL on 127.0.0.1:5432: install and start Debian's postgresql (trust auth, database test)" >&2
    exit 1
  fi
  if ! dpkg -s postgresql >/dev/null 2>&1; then
    echo "installing postgresql"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  version=$(ls /etc/postgresql | sort -V | tail -1)
  hba=/etc/postgresql/$version/main/pg_hba.conf
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster --skip-systemctl-redirect "$version" main restart
  for _ in $(seq 1 30); do pg_answers && break; sleep 1; done
fi

if ! psql -h 127.0.0.1 -U postgres -d test -tAc 'select 1' >/dev/null 2>&1; then
  psql -h 127.0.0.1 -U postgres -d postgres -tAc 'create database test' >/dev/null 2>&1 \
    || su postgres -c "psql -tAc 'create database test'" >/dev/null
fi
psql -h 127.0.0.1 -U postgres -d test -tAc 'select 1' >/dev/null || { echo "cannot reach database test on 127.0.0.1:5432 as postgres" >&2; exit 1; }

# The job tests run on BullMQ as well as on the database: a Redis on 127.0.0.1:6379 (override: WHARF_TEST_REDIS_URL).
redis_answers() { (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }

if [ -z "${WHARF_TEST_REDIS_URL:-}" ] && ! redis_answers; then
  if ! as_root; then
    echo "no Redis on 127.0.0.1:6379: install and start Debian's redis-server (or set WHARF_TEST_REDIS_URL)" >&2
    exit 1
  fi
  if ! dpkg -s redis-server >/dev/null 2>&1; then
    echo "installing redis-server"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  fi
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' >/dev/null
  for _ in $(seq 1 30); do redis_answers && break; sleep 1; done
fi

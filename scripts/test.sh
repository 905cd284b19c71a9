#!/usr/bin/env bash
# Runs every test (`make test` calls it after the linters), in up to three passes, each
# spread over the machine's cores (pytest-xdist: every worker has its own test database,
# Redis database, live server and browser):
#   1. the unit tests on the defaults: SQLite and each process's own memory, as on a fresh
#      machine (and the browser journeys too when PostgreSQL and Redis do not answer);
#   2. the unit tests again and the browser journeys (once per run) on PostgreSQL and
#      Redis, when they answer (by default the machine's own at 127.0.0.1;
#      TEST_POSTGRES_URL / TEST_REDIS_URL point elsewhere), with test databases that
#      pytest creates and drops, and Redis databases 13 and up;
#   3. the scale-out and fault tests (core/tests/test_scale_out.py), which start
#      production servers and stop and start PostgreSQL and Redis: only where this
#      machine runs those services itself, alone, with their own database and Redis db 12.
# Without the services, passes 2 and 3 are skipped with a note. BOARD_CI=1 (set by
# .ci/run) makes that a failure: CI must run them.
#
# `scripts/test.sh unit` runs pass 1's unit tests only: the quick loop while working.
set -euo pipefail
cd "$(dirname "$0")/.."
pytest=(.venv/bin/pytest -n "${TEST_WORKERS:-auto}" --dist worksteal)
postgres=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
redis=${TEST_REDIS_URL:-redis://127.0.0.1:6379}
unit=(accounts articles core)

skip_or_fail() {
  if [ -n "${BOARD_CI:-}" ]; then
    echo "error: $1 (BOARD_CI is set, so this is a failure)" >&2
    exit 1
  fi
  echo "note: $1; skipped."
}

services_answer() {
  .venv/bin/python - "$postgres/postgres" "$redis/0" <<'PY'
import sys

import psycopg
import redis

try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
    redis.Redis.from_url(sys.argv[2], socket_connect_timeout=3).ping()
except Exception as error:
    print(f"  ({type(error).__name__}: {error})")
    sys.exit(1)
PY
}

services_are_ours() {
  command -v pg_ctlcluster >/dev/null && command -v pg_isready >/dev/null \
    && command -v redis-server >/dev/null && command -v redis-cli >/dev/null \
    && [ -d /etc/postgresql ] && [ "$(id -u)" = 0 ] \
    && [[ $postgres == *@127.0.0.1:5432 && $redis == redis://127.0.0.1:6379 ]]
}

without_services=(env -u DATABASE_URL -u REDIS_URL -u REDIS_PAGES_URL)

if [ "${1:-}" = unit ]; then
  echo "== Unit tests on SQLite and local memory"
  exec "${without_services[@]}" "${pytest[@]}" "${unit[@]}"
fi

with_services=true
echo "== Checking for PostgreSQL ($postgres) and Redis ($redis)"
services_answer || with_services=false

if $with_services; then
  echo "== Pass 1 of 3: the unit tests on SQLite and local memory"
  "${without_services[@]}" "${pytest[@]}" "${unit[@]}"
else
  echo "== Pass 1 of 3: every test on SQLite and local memory"
  "${without_services[@]}" "${pytest[@]}"
fi

echo "== Pass 2 of 3: the unit tests and the browser journeys on PostgreSQL and Redis"
if ! $with_services; then
  skip_or_fail "PostgreSQL or Redis does not answer (the journeys ran in pass 1)"
  exit 0
fi
env -u REDIS_PAGES_URL DATABASE_URL="$postgres/board" REDIS_URL="$redis/13" \
  BOARD_REQUIRE_SERVICES=1 "${pytest[@]}" -p no:cacheprovider

echo "== Pass 3 of 3: two production servers, with PostgreSQL and Redis restarted"
if ! services_are_ours; then
  skip_or_fail "the fault tests restart PostgreSQL and Redis, which this machine does not run itself"
  exit 0
fi
env -u REDIS_PAGES_URL DATABASE_URL="$postgres/board" REDIS_URL="$redis/12" \
  BOARD_REQUIRE_SERVICES=1 .venv/bin/pytest -p no:cacheprovider -m faults core/tests/test_scale_out.py

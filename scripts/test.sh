#!/usr/bin/env bash
# Runs every test (`make test` calls it after the linters), in up to three passes:
#   1. on the defaults: SQLite and each process's own memory, as on a fresh machine;
#   2. the whole suite again on PostgreSQL and Redis, when they answer (by default the
#      machine's own at 127.0.0.1; TEST_POSTGRES_URL / TEST_REDIS_URL point elsewhere),
#      with a test database that pytest creates and drops, and Redis db 11;
#   3. the scale-out and fault tests (core/tests/test_scale_out.py), which start
#      production servers and stop and start PostgreSQL and Redis: only where this
#      machine runs those services itself, with their own database and Redis db 12.
# Without the services, passes 2 and 3 are skipped with a note. BOARD_CI=1 (set by
# .ci/run) makes that a failure: CI must run them.
set -euo pipefail
cd "$(dirname "$0")/.."
pytest=.venv/bin/pytest
postgres=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
redis=${TEST_REDIS_URL:-redis://127.0.0.1:6379}

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

echo "== Pass 1 of 3: SQLite and local memory"
env -u DATABASE_URL -u REDIS_URL -u REDIS_PAGES_URL "$pytest"

echo "== Pass 2 of 3: PostgreSQL ($postgres) and Redis ($redis)"
if ! services_answer; then
  skip_or_fail "PostgreSQL or Redis does not answer"
  exit 0
fi
env -u REDIS_PAGES_URL DATABASE_URL="$postgres/board" REDIS_URL="$redis/11" BOARD_REQUIRE_SERVICES=1 \
  "$pytest" -p no:cacheprovider

echo "== Pass 3 of 3: two production servers, with PostgreSQL and Redis restarted"
if ! services_are_ours; then
  skip_or_fail "the fault tests restart PostgreSQL and Redis, which this machine does not run itself"
  exit 0
fi
env -u REDIS_PAGES_URL DATABASE_URL="$postgres/board" REDIS_URL="$redis/12" BOARD_REQUIRE_SERVICES=1 \
  "$pytest" -p no:cacheprovider -m faults core/tests/test_scale_out.py

#!/usr/bin/env bash
# `make bench`: load-test the production server (bench/management/commands/benchmark.py,
# a command that only bench/settings.py installs: production has no such command).
# The database is DATABASE_URL (point it at a throwaway PostgreSQL database to measure
# PostgreSQL), else a throwaway SQLite file; REDIS_URL is used when set. Arguments go to
# the command: scripts/bench.sh --small, scripts/bench.sh --only list.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/venv.sh requirements-bench.txt
if ! command -v wrk >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing wrk (Debian's package) for the load"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "error: the benchmark needs wrk; install it (Debian: sudo apt-get install wrk)." >&2
    exit 1
  fi
fi
export DATABASE_URL=${DATABASE_URL:-sqlite:////tmp/board-bench.sqlite3}
.venv/bin/python manage.py migrate --noinput -v0
export DJANGO_SETTINGS_MODULE=bench.settings
exec .venv/bin/python manage.py benchmark "$@"

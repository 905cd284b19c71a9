"""The path beyond one machine: PostgreSQL and Redis, when DATABASE_URL / REDIS_URL say so.

These run where the services are configured (scripts/test.sh runs the whole suite a
second time against the machine's PostgreSQL and Redis) and skip elsewhere.
"""

import os
import subprocess
import sys
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from support import BASE_DIR

DATABASE_URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.slow


def manage(*args, env=None, background=False):
    command = [sys.executable, "manage.py", *args]
    options = {"cwd": BASE_DIR, "env": {**os.environ, **(env or {})}, "text": True}
    if background:
        return subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **options
        )
    return subprocess.run(command, capture_output=True, timeout=180, check=False, **options)


@pytest.mark.redis
def test_rate_limits_are_shared_through_redis_by_two_processes():
    identity = f"shared-{uuid.uuid4()}"
    count = f"from core import ratelimit; print(ratelimit.hit('signup-ip', '{identity}'))"
    env = {"DJANGO_SIGNUP_LIMIT_PER_HOUR": "2"}

    first = manage("shell", "--no-imports", "-c", f"{count}; {count}", env=env)
    second = manage("shell", "--no-imports", "-c", count, env=env)

    assert first.stdout.split() == ["False", "False"], first.stderr
    # The other process already counted two: this third request is one too many.
    assert second.stdout.split() == ["True"], second.stderr


@pytest.fixture
def fresh_postgresql_database():
    """An empty database on the configured PostgreSQL server, dropped afterwards."""
    name = f"board_migrations_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(DATABASE_URL)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_migrations_apply_on_postgresql_from_two_servers_starting_at_once(
    fresh_postgresql_database,
):
    env = {"DATABASE_URL": fresh_postgresql_database}
    starts = [manage("migrate", "--noinput", env=env, background=True) for _ in range(2)]
    outputs = [start.communicate(timeout=180)[0] for start in starts]

    assert [start.returncode for start in starts] == [0, 0], outputs
    # One applied everything; the other, waiting its turn, found nothing left to do.
    assert sum("Applying accounts.0001_initial... OK" in output for output in outputs) == 1
    assert manage("migrate", "--check", env=env).returncode == 0
    with psycopg.connect(fresh_postgresql_database) as db:
        tables = {row[0] for row in db.execute("SELECT tablename FROM pg_tables")}
    assert {"accounts_user", "accounts_usersession", "articles_article"} <= tables


def test_settings_read_a_postgresql_url():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://u:p@db.example.org:5432/board"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"

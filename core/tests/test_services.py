"""The path beyond one machine: PostgreSQL and Redis, when DATABASE_URL / REDIS_URL say so.

These run only where the services are configured (our CI machines have both; set
DATABASE_URL=postgres://postgres@127.0.0.1:5432/test and REDIS_URL=redis://127.0.0.1:6379/0)
and skip cleanly elsewhere.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches

from core import ratelimit

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")
DATABASE_URL = os.environ.get("DATABASE_URL", "")


@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set")
def test_rate_limits_are_shared_through_redis(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    settings.RATE_LIMITS = {"probe": (2, 60)}
    caches["default"].clear()
    identity = f"test-{os.getpid()}"
    assert not ratelimit.exceeded("probe", identity)
    assert not ratelimit.exceeded("probe", identity)
    assert ratelimit.exceeded("probe", identity)
    caches["default"].clear()


@pytest.mark.skipif(
    not DATABASE_URL.startswith("postgres"), reason="DATABASE_URL is not a PostgreSQL URL"
)
def test_migrations_apply_and_check_on_postgresql():
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--plan"],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": DATABASE_URL},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


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

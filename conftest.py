import os

import pytest

# pytest-django's live server and Playwright's sync API share a thread with a running
# event loop; Django must be told that this is deliberate (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# A failed browser test also keeps the HTML of its pages (next to its trace and screenshot).
pytest_plugins = ["e2e.artifacts"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests hash many passwords and measure nothing about it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits live in the cache: each test starts with none counted.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()

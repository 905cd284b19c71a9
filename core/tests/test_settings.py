import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
# Each test starts manage.py with its own environment.
pytestmark = pytest.mark.slow


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "tests-only-Qm3v9Zx1Lp8Rw2Kd7Tf4Hs6Jb0Nc5Yg-a8Ue3Wr7Pd2Vn",
    "DJANGO_ALLOWED_HOSTS": "board.example.org",
    "EMAIL_HOST": "smtp.example.org",
}


def run_check(*options, **env):
    return run_manage("check", *options, **env)


def run_manage(*arguments, **env):
    """manage.py in a process of its own, configured by `env` alone."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    for name in ("DATABASE_URL", "REDIS_URL", "REDIS_PAGES_URL", "EMAIL_HOST"):
        environment.pop(name, None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_development_starts_with_no_configuration():
    result = run_check()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        ({"DJANGO_DEBUG": "0"}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "short"}, "at least 50 characters"),
        (
            {"DJANGO_DEBUG": "off", "DJANGO_SECRET_KEY": "k" * 50, "DJANGO_ALLOWED_HOSTS": ""},
            "DJANGO_ALLOWED_HOSTS must list",
        ),
        ({"DJANGO_ALLOWED_HOSTS": "a.org b.org"}, "separate the values with commas"),
        ({"DATABASE_URL": "nosuchdb://x/y"}, "DATABASE_URL='nosuchdb://x/y' is not a database URL"),
        ({"DJANGO_PROXY_COUNT": "-1"}, "DJANGO_PROXY_COUNT must be 0 or more"),
        ({**PRODUCTION, "EMAIL_HOST": ""}, "EMAIL_HOST must be set when DJANGO_DEBUG is off"),
        ({"DJANGO_PROXY_COUNT": "one"}, "DJANGO_PROXY_COUNT='one' is not a whole number"),
    ],
)
def test_bad_configuration_stops_the_start_with_a_clear_message(env, message):
    result = run_check(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_starts_with_what_it_needs():
    result = run_check(**PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deployment_check_without_a_warning():
    result = run_check("--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout


def test_production_without_a_mail_server_starts_only_when_the_console_is_asked_for():
    env = {**PRODUCTION, "EMAIL_HOST": "", "DJANGO_EMAIL_CONSOLE": "true"}
    result = run_check("--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stderr


def test_a_plain_http_trial_is_reported_by_the_deployment_check():
    result = run_check("--deploy", "--fail-level", "WARNING", **PRODUCTION, DJANGO_HTTPS="false")
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


def production_setting(name, **env):
    code = f"from django.conf import settings; print(repr(getattr(settings, {name!r}, None)))"
    environment = {"PATH": os.environ["PATH"], **PRODUCTION, **env}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_production_redirects_to_https_and_sends_hsts_for_a_year():
    assert production_setting("SECURE_SSL_REDIRECT") == "True"
    assert production_setting("SECURE_HSTS_SECONDS") == str(365 * 24 * 60 * 60)
    assert production_setting("SECURE_HSTS_INCLUDE_SUBDOMAINS") == "False"
    assert (
        production_setting("SECURE_HSTS_INCLUDE_SUBDOMAINS", DJANGO_HSTS_INCLUDE_SUBDOMAINS="1")
        == "True"
    )
    assert production_setting("SECURE_HSTS_PRELOAD", DJANGO_HSTS_PRELOAD="1") == "True"
    assert production_setting("SESSION_COOKIE_SECURE") == "True"


def test_the_signup_limit_raises_the_live_checks_with_it():
    limits = production_setting("RATE_LIMITS")
    assert "'signup-ip': (10, 3600)" in limits
    assert "'signup-check-ip': (100, 3600)" in limits  # ten checks per sign-up allowed
    raised = production_setting("RATE_LIMITS", DJANGO_SIGNUP_LIMIT_PER_HOUR="40")
    assert "'signup-ip': (40, 3600)" in raised
    assert "'signup-check-ip': (400, 3600)" in raised


def test_the_forwarded_scheme_is_trusted_only_behind_a_declared_proxy():
    assert production_setting("SECURE_PROXY_SSL_HEADER") == "None"
    trusted = production_setting("SECURE_PROXY_SSL_HEADER", DJANGO_PROXY_COUNT="1")
    assert trusted == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_pages_are_cached_with_the_rest_unless_redis_pages_url_names_their_own_redis():
    main, pages = "redis://cache.internal:6379/0", "redis://pages.internal:6379/0"
    assert production_setting("REDIS_PAGES_URL") == "''"
    assert production_setting("ANONYMOUS_PAGE_CACHE") == "False"
    assert production_setting("REDIS_PAGES_URL", REDIS_URL=main) == repr(main)
    caches = production_setting("CACHES", REDIS_URL=main, REDIS_PAGES_URL=pages)
    assert caches.index(repr(main)) < caches.index("'pages'") < caches.index(repr(pages))
    assert production_setting("ANONYMOUS_PAGE_CACHE", REDIS_PAGES_URL=pages) == "True"


def test_sqlite_is_set_up_for_several_writing_processes(tmp_path):
    code = (
        "from django.db import connection; "
        "cursor = connection.cursor(); "
        "print(cursor.execute('PRAGMA journal_mode').fetchone()[0], "
        "cursor.execute('PRAGMA busy_timeout').fetchone()[0], connection.transaction_mode)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["wal", "20000", "IMMEDIATE"]


def help_for_benchmark(**env):
    return run_manage("help", "benchmark", **env)


def test_the_benchmark_command_exists_with_the_benchmarks_settings_only():
    """`make bench` (scripts/bench.sh) runs manage.py benchmark with bench/settings.py:
    the app's settings with bench/ installed. The app's own, as in production, lack it."""
    benchmarking = help_for_benchmark(DJANGO_SETTINGS_MODULE="bench.settings")
    assert benchmarking.returncode == 0, benchmarking.stderr
    assert "--no-plain" in benchmarking.stdout
    app = help_for_benchmark()
    assert app.returncode != 0
    assert "Unknown command: 'benchmark'" in app.stderr

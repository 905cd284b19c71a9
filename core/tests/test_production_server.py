"""The production command (scripts/serve.sh) as an operator runs it, on the default SQLite.

Each test starts real gunicorn processes and talks to them over HTTP.
"""

import sqlite3
import subprocess
import uuid

import pytest
import requests

from support import BASE_DIR
from support.ports import free_port
from support.production import GUNICORN_ONLY, SERVE, ProductionServer, server_environment
from support.races import all_at_once
from support.visitor import Visitor

pytestmark = pytest.mark.slow


@pytest.fixture
def sqlite_env(tmp_path, mail_server):
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": tmp_path / "static",
        **mail_server.env,
    }


def test_production_command_serves_the_app_with_debug_off(tmp_path, sqlite_env):
    with ProductionServer(tmp_path / "server.log", **sqlite_env) as server:
        ready = requests.get(server.url + "/readyz", timeout=5)
        page = requests.get(server.url + "/articles/", timeout=5)
        stylesheet = requests.get(server.url + "/static/css/app.css", timeout=5)
        missing = requests.get(server.url + "/no-such-page/", timeout=5)

    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok"}
    assert page.status_code == 200
    assert "<title>Articles · Board</title>" in page.text
    assert page.headers["Server"] == "gunicorn"
    # WhiteNoise serves the collected files; with debug off, the 404 is the app's page.
    assert stylesheet.status_code == 200
    assert missing.status_code == 404
    assert "There is nothing here" in missing.text
    assert "Traceback" not in missing.text
    assert "URLconf" not in missing.text


def test_production_is_https_only_behind_its_declared_proxy(tmp_path, sqlite_env):
    env = {"DJANGO_HTTPS": "true", "DJANGO_PROXY_COUNT": "1", **sqlite_env}
    https = {"X-Forwarded-Proto": "https"}
    with ProductionServer(tmp_path / "server.log", **env) as server:
        plain = requests.get(server.url + "/articles/", allow_redirects=False, timeout=5)
        health = requests.get(server.url + "/healthz", allow_redirects=False, timeout=5)
        secure = requests.get(server.url + "/articles/", headers=https, timeout=5)
        # A form's page sets the CSRF cookie; a language link sets the language cookie.
        form = requests.get(server.url + "/accounts/login/", headers=https, timeout=5)
        language = requests.get(
            server.url + "/language/ko/", headers=https, allow_redirects=False, timeout=5
        )

    assert plain.status_code == 301
    assert plain.headers["Location"] == f"https://127.0.0.1:{server.port}/articles/"
    assert health.status_code == 200  # load balancers probe over plain http
    assert secure.status_code == 200
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Secure" in form.headers["Set-Cookie"]
    assert "Secure" in language.headers["Set-Cookie"]


def test_production_command_can_be_run_again_on_the_same_database(tmp_path, sqlite_env):
    for run in range(2):
        with ProductionServer(tmp_path / f"server{run}.log", **sqlite_env) as server:
            assert requests.get(server.url + "/readyz", timeout=5).status_code == 200


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS must list"),
        ("EMAIL_HOST", "EMAIL_HOST must be set"),
    ],
)
def test_production_command_refuses_to_start_without_what_it_needs(
    tmp_path, sqlite_env, missing, message
):
    env = server_environment(**sqlite_env)
    env[missing] = ""
    result = subprocess.run(
        SERVE, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_health_checks_answer_any_host_without_cookies(tmp_path, sqlite_env):
    with ProductionServer(tmp_path / "server.log", **sqlite_env) as server:
        # Load balancers ask by IP address, which is not an allowed host.
        health = requests.get(server.url + "/healthz", headers={"Host": "10.0.0.7:8000"}, timeout=5)
        ready = requests.get(server.url + "/readyz", headers={"Host": "10.0.0.7:8000"}, timeout=5)
        page = requests.get(server.url + "/articles/", headers={"Host": "10.0.0.7:8000"}, timeout=5)

    assert (health.status_code, ready.status_code) == (200, 200)
    assert "Set-Cookie" not in health.headers
    assert "Set-Cookie" not in ready.headers
    assert health.headers["Cache-Control"] == "no-store"
    assert page.status_code == 400  # everything else still checks the host


def test_unreachable_database_gives_503_pages_and_readiness_but_liveness_stays_up(tmp_path):
    # A PostgreSQL address where nothing listens: every connection is refused.
    unreachable = f"postgres://postgres@127.0.0.1:{free_port()}/board"
    server = ProductionServer(
        tmp_path / "server.log",
        command=GUNICORN_ONLY,  # the start's migrations would stop at the database
        DATABASE_URL=unreachable,
        DJANGO_STATIC_ROOT=tmp_path / "static",
        DJANGO_EMAIL_CONSOLE="true",
    )
    collectstatic = [".venv/bin/python", "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(collectstatic, cwd=BASE_DIR, env=server.env, check=True, timeout=120)
    visitor = Visitor()
    with server:
        health = visitor.get(server.url + "/healthz")
        ready = visitor.get(server.url + "/readyz")
        page = visitor.get(server.url + "/articles/")
        fragment = visitor.get(server.url + "/articles/", headers={"HX-Request": "true"})
        # A signed-in visitor's session lives in the database too.
        visitor.http.cookies.set("sessionid", "z" * 32)
        private = visitor.get(server.url + "/accounts/update/")
        korean = visitor.get(server.url + "/articles/", headers={"Accept-Language": "ko"})
        log = server.log()

    assert health.status_code == 200
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "unavailable"}
    assert ready.headers["Retry-After"]
    for response in (page, private):
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "30"
        assert "Temporarily unavailable" in response.text
        assert "<html" in response.text
    assert korean.status_code == 503
    assert "잠시 이용할 수 없습니다" in korean.text
    assert fragment.status_code == 503
    # Only the message, an alert for the messages area: no page around it.
    assert fragment.text.startswith("<div")
    assert 'role="alert"' in fragment.text
    assert "We cannot reach our database" in fragment.text
    assert "Temporarily unavailable" not in fragment.text
    assert " 500 " not in log


def test_sqlite_takes_concurrent_writes_from_several_workers(tmp_path, sqlite_env):
    """Sign-ups, articles and failed logins (lockout records) at once from 4 worker
    processes on one SQLite file: every write lands, none is refused as locked."""
    writers, articles_each, failures_each = 8, 5, 6
    env = {"WEB_CONCURRENCY": 4, "DJANGO_PROXY_COUNT": 1, **sqlite_env}
    with ProductionServer(tmp_path / "server.log", **env) as server:
        visitors = [Visitor() for _ in range(writers)]
        names = [f"writer{i}" for i in range(writers)]
        signups = all_at_once(writers, lambda i: visitors[i].sign_up(server.url, names[i]))

        def write_and_fail(i):
            statuses = []
            form = visitors[i].csrf_token(server.url + "/articles/create/")
            # Each intruder from an address of its own (as a proxy reports it), so that
            # only the per-account lockout, not the per-address limit, stops them.
            intruder, address = Visitor(), {"X-Forwarded-For": f"203.0.113.{i + 1}"}
            login = intruder.csrf_token(server.url + "/accounts/login/")
            for n in range(max(articles_each, failures_each)):
                if n < articles_each:
                    data = {
                        "csrfmiddlewaretoken": form,
                        "title": f"{names[i]} article {n}",
                        "content": "Written at the same time as the others.",
                        "submission_key": str(uuid.uuid4()),
                    }
                    response = visitors[i].post(server.url + "/articles/create/", data)
                    statuses.append(("article", response.status_code))
                if n < failures_each:
                    data = {"csrfmiddlewaretoken": login, "username": names[i], "password": "no"}
                    response = intruder.post(server.url + "/accounts/login/", data, headers=address)
                    statuses.append(("failed login", response.status_code))
            return statuses

        results = all_at_once(writers, write_and_fail)
        log = server.log()

    assert [r.status_code for r in signups] == [302] * writers
    for result in results:
        assert not isinstance(result, Exception), result
    articles = [status for result in results for kind, status in result if kind == "article"]
    failures = [status for result in results for kind, status in result if kind == "failed login"]
    assert articles == [302] * writers * articles_each
    # The fifth failure locks the account for that client (429), and it stays locked.
    assert failures == ([422] * 4 + [429] * 2) * writers
    assert "database is locked" not in log
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        (count,) = db.execute("SELECT count(*) FROM articles_article").fetchone()
        (locked,) = db.execute(
            "SELECT count(*) FROM axes_accessattempt WHERE failures_since_start >= 5"
        ).fetchone()
    assert count == writers * articles_each
    assert locked == writers

"""Two production servers sharing one PostgreSQL database and one Redis, under faults.

Each server is the production command (scripts/serve.sh: gunicorn, two workers), on a
port of its own, as two machines behind a load balancer would run it. The tests talk to
them only over HTTP, and stop and start the machine's real PostgreSQL cluster and Redis.

They run on their own, after the rest of the suite (scripts/test.sh: `pytest -m
faults`), on a machine whose services they may restart (ours and CI's; see the README).
Whatever happens, PostgreSQL and Redis are running again afterwards, the database and
the Redis db they used are dropped, and only the processes they started are stopped.
"""

import os
import re
import subprocess
import threading
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
import requests
from django.conf import settings

from accounts.tests.factories import PASSWORD
from core import ratelimit
from support.production import ProductionServer
from support.races import all_at_once
from support.servers import wait_until
from support.smtp import Inbox, body, start_server
from support.visitor import Visitor

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.redis]

DATABASE_NAME = "board_faults"
WORKERS_PER_SERVER = 2
TAKEN = "A user with that username already exists."
SERVER_ERROR = re.compile(r'HTTP/1\.[01]" 500 ')


# The machine's services (see the README, "Tests"): started again whatever happens.


def postgresql(action):
    if action == "start" and postgresql_answers():
        return
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]
    subprocess.run(command, check=True, timeout=120, capture_output=True)
    if action != "stop":
        wait_until(postgresql_answers)


def postgresql_answers():
    ready = subprocess.run(["pg_isready", "-h", "127.0.0.1"], capture_output=True, check=False)
    return ready.returncode == 0


def redis_server(action):
    if action == "stop":
        subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], check=False, timeout=30)
        return
    if redis_answers():
        return
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "-::1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            "/var/lib/redis",
            "--logfile",
            "/var/log/redis/ci.log",
        ],
        check=True,
        timeout=30,
    )
    wait_until(redis_answers)


def redis_answers():
    result = subprocess.run(
        ["redis-cli", "-p", "6379", "ping"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() == "PONG"


@pytest.fixture(autouse=True)
def _services_always_restarted():
    yield
    postgresql("start")
    redis_server("start")


# Two servers, one database, one Redis, one mail server.


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    database = urlsplit(os.environ["DATABASE_URL"])
    admin_url = urlunsplit(database._replace(path="/postgres"))
    database_url = urlunsplit(database._replace(path=f"/{DATABASE_NAME}"))
    redis_url = os.environ["REDIS_URL"]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    inbox = Inbox()
    mail = start_server(inbox)
    logs = tmp_path_factory.mktemp("servers")
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": mail.port,
        "DJANGO_STATIC_ROOT": logs / "static",
        "WEB_CONCURRENCY": WORKERS_PER_SERVER,
    }
    servers = []
    try:
        # One after the other, as a rolling deploy would: the first applies the migrations.
        for name in ("a", "b"):
            servers.append(ProductionServer(logs / f"{name}.log", **env).start())
        yield SimpleNamespace(
            a=servers[0], b=servers[1], env=env, logs=logs, inbox=inbox, database_url=database_url
        )
    finally:
        for server in servers:
            server.stop()
        mail.stop()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')
        redis.Redis.from_url(redis_url).flushdb()


def query(cluster, sql, *params):
    with psycopg.connect(cluster.database_url) as db:
        return db.execute(sql, params).fetchall()


def assert_no_server_error_logged(*servers):
    for server in servers:
        errors = [line for line in server.log().splitlines() if SERVER_ERROR.search(line)]
        assert not errors, "\n".join(errors[:10])


def signed_up(server_url, username, email=""):
    visitor = Visitor()
    assert visitor.sign_up(server_url, username, email).status_code == 302
    return visitor


# 1


def test_a_session_from_one_server_works_on_the_other_and_logout_ends_it_on_both(cluster):
    visitor = signed_up(cluster.a.url, "traveller")
    assert visitor.is_logged_in(cluster.b.url)

    other = Visitor()
    assert other.log_in(cluster.b.url, "traveller").status_code == 302
    assert other.is_logged_in(cluster.a.url)

    assert visitor.log_out(cluster.b.url).status_code == 302
    assert not visitor.is_logged_in(cluster.a.url)
    assert not visitor.is_logged_in(cluster.b.url)
    assert other.is_logged_in(cluster.a.url)  # logging out ends only that session
    assert_no_server_error_logged(cluster.a, cluster.b)


# 2


def test_articles_written_at_once_through_both_servers_are_all_saved_once(cluster):
    writers, each = 20, 10
    servers = [cluster.a.url, cluster.b.url]
    visitors = [signed_up(servers[i % 2], f"writer{i}") for i in range(writers)]
    tokens = [v.csrf_token(f"{servers[i % 2]}/articles/create/") for i, v in enumerate(visitors)]

    def write(i):
        statuses = []
        for n in range(each):
            data = {
                "csrfmiddlewaretoken": tokens[i],
                "title": f"scale-out {i}-{n}",
                "content": "Written through one of two servers at once.",
                "submission_key": str(uuid.uuid4()),
            }
            statuses.append(
                visitors[i].post(f"{servers[(i + n) % 2]}/articles/create/", data).status_code
            )
        return statuses

    results = all_at_once(writers, write)

    assert results == [[302] * each] * writers
    rows = query(
        cluster,
        "SELECT title, count(*) FROM articles_article"
        " WHERE title LIKE 'scale-out %%' GROUP BY title",
    )
    assert len(rows) == writers * each
    assert {count for _, count in rows} == {1}
    assert_no_server_error_logged(cluster.a, cluster.b)


# 3


def test_simultaneous_signups_of_one_name_make_one_account_and_form_errors(cluster):
    servers = [cluster.a.url, cluster.b.url]
    visitors = [Visitor() for _ in range(10)]
    tokens = [v.csrf_token(f"{servers[i % 2]}/accounts/signup/") for i, v in enumerate(visitors)]

    def sign_up(i):
        data = {
            "csrfmiddlewaretoken": tokens[i],
            "username": "contested",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
        return visitors[i].post(f"{servers[i % 2]}/accounts/signup/", data)

    responses = all_at_once(10, sign_up)

    assert sorted(r.status_code for r in responses) == [302] + [422] * 9
    assert all(TAKEN in r.text for r in responses if r.status_code == 422)
    assert query(cluster, "SELECT count(*) FROM accounts_user WHERE username = 'contested'") == [
        (1,)
    ]
    assert_no_server_error_logged(cluster.a, cluster.b)


# 5 (before 4: PostgreSQL's restart comes last among the shared-cluster tests)


def test_with_redis_stopped_people_still_sign_in_and_accounts_stay_protected(cluster):
    a, b = cluster.a.url, cluster.b.url
    member = signed_up(a, "member")
    signed_up(a, "victim")
    forgetful = signed_up(b, "forgetful", "forgetful@example.org")
    # Only a confirmed address gets reset links: confirm it through its link first.
    confirmation = body(cluster.inbox.wait_for_message("forgetful@example.org"))
    link = re.search(r"https?://\S+/accounts/email/confirm/[^/\s]+/", confirmation)[0]
    assert forgetful.post_form(link, {}).status_code == 302
    cluster.inbox.messages.clear()
    responses = []

    redis_server("stop")
    try:
        ready = requests.get(f"{a}/readyz", timeout=10)
        assert ready.status_code == 503
        assert ready.json() == {"status": "unavailable", "database": "ok", "redis": "unavailable"}
        assert requests.get(f"{b}/healthz", timeout=10).status_code == 200

        # Logged-in people stay logged in, pages show, and every account form works.
        assert member.is_logged_in(a)
        assert member.is_logged_in(b)
        responses.append(member.get(f"{b}/articles/"))
        # Anonymous pages, cached in Redis when it answers, are rendered meanwhile.
        responses.append(anonymous := requests.get(f"{a}/articles/", timeout=10))
        assert anonymous.status_code == 200
        responses.append(login := Visitor().log_in(b, "member"))
        assert login.status_code == 302
        responses.append(signup := Visitor().sign_up(a, "newcomer"))
        assert signup.status_code == 302
        responses.append(
            reset := Visitor().post_form(
                f"{b}/accounts/password/reset/", {"email": "forgetful@example.org"}
            )
        )
        assert reset.status_code == 302
        assert cluster.inbox.wait_for_message("forgetful@example.org")

        # The lockout lives in the database: five wrong passwords still lock the account.
        attacker = Visitor()
        wrong = [attacker.log_in((a, b)[n % 2], "victim", "wrong").status_code for n in range(6)]
        assert wrong == [422] * 4 + [429] * 2
    finally:
        redis_server("start")

    assert all(response.status_code < 500 for response in responses)
    warnings = [
        line
        for server in (cluster.a, cluster.b)
        for line in server.log().splitlines()
        if "Rate limits are off" in line
    ]
    # Logged once per interval by each worker that met the outage, not once per request.
    assert 1 <= len(warnings) <= 2 * WORKERS_PER_SERVER

    # Redis is back: once the workers' pause is over, the limits apply again.
    wait_until(lambda: requests.get(f"{a}/readyz", timeout=10).status_code == 200)
    time.sleep(ratelimit.RETRY_AFTER)
    limited = Visitor()
    limit, _window = settings.RATE_LIMITS["password-reset-ip"]
    statuses = [
        limited.post_form(
            f"{(a, b)[n % 2]}/accounts/password/reset/", {"email": f"x{n}@example.org"}
        ).status_code
        for n in range(limit + 1)
    ]
    # Reset requests per client address, counted across both servers.
    assert statuses == [302] * limit + [429]
    assert_no_server_error_logged(cluster.a, cluster.b)


# 4


def test_postgresql_restart_mid_run_loses_nothing_committed_and_ends_no_session(cluster):
    a, b = cluster.a.url, cluster.b.url
    writers = [signed_up((a, b)[i % 2], f"steady{i}") for i in range(4)]
    tokens = [w.csrf_token(f"{a}/articles/create/") for w in writers]
    outcomes, stop = [], threading.Event()
    outage = SimpleNamespace(started=None, ended=None, ready=[], pages=[])

    def keep_writing(i):
        n = 0
        while not stop.is_set():
            n += 1
            title = f"restart {i}-{n}"
            data = {
                "csrfmiddlewaretoken": tokens[i],
                "title": title,
                "content": "Written while the database restarts.",
                "submission_key": str(uuid.uuid4()),
            }
            started = time.monotonic()
            try:
                status = writers[i].post(f"{(a, b)[n % 2]}/articles/create/", data).status_code
            except requests.RequestException as error:
                status = repr(error)
            outcomes.append((started, title, status))

    load = [threading.Thread(target=keep_writing, args=(i,)) for i in range(len(writers))]
    for thread in load:
        thread.start()
    try:
        time.sleep(1)
        outage.started = time.monotonic()
        postgresql("stop")
        for url in (a, b, a, b):
            outage.ready.append(requests.get(f"{url}/readyz", timeout=10))
            outage.pages.append(requests.get(f"{url}/articles/", timeout=10))
        assert requests.get(f"{a}/healthz", timeout=10).status_code == 200
        time.sleep(1)
        postgresql("start")
        outage.ended = time.monotonic()
        time.sleep(3)
    finally:
        stop.set()
        for thread in load:
            thread.join(timeout=60)

    # During the outage: not ready, and the app's own 503 page with Retry-After.
    assert {r.status_code for r in outage.ready} == {503}
    assert all(r.json()["database"] == "unavailable" for r in outage.ready)
    assert {r.status_code for r in outage.pages} == {503}
    assert all(
        r.headers["Retry-After"] and "Temporarily unavailable" in r.text for r in outage.pages
    )
    # Only successes and 503s: never a 500, never a dropped connection.
    assert {status for _, _, status in outcomes} <= {302, 503}, outcomes
    after = [status for started, _, status in outcomes if started > outage.ended]
    assert after.count(302) >= 4
    assert len(after) - after.count(302) <= 2 * WORKERS_PER_SERVER  # one per worker at most
    # Everything the servers said was saved is there, once.
    saved = {title for _, title, status in outcomes if status == 302}
    rows = query(cluster, "SELECT title FROM articles_article WHERE title LIKE 'restart %%'")
    assert saved <= {title for (title,) in rows}
    assert len(rows) == len({title for (title,) in rows})
    # Sessions live in the database, which kept them.
    assert all(writer.is_logged_in((a, b)[i % 2]) for i, writer in enumerate(writers))
    assert requests.get(f"{a}/readyz", timeout=10).status_code == 200
    assert_no_server_error_logged(cluster.a, cluster.b)


# 6


def test_a_killed_server_leaves_the_other_serving_the_same_session(cluster):
    doomed = ProductionServer(cluster.logs / "c.log", **cluster.env).start()
    try:
        visitor = signed_up(doomed.url, "survivor")
        assert visitor.is_logged_in(doomed.url)
    finally:
        doomed.kill()

    with pytest.raises(requests.ConnectionError):
        requests.get(f"{doomed.url}/healthz", timeout=5)
    assert visitor.is_logged_in(cluster.b.url)
    assert requests.get(f"{cluster.b.url}/readyz", timeout=10).status_code == 200
    assert not Path(f"/proc/{doomed.process.pid}").exists()
    assert_no_server_error_logged(cluster.a, cluster.b, doomed)


# 7


def test_what_one_server_publishes_is_on_the_other_servers_cached_pages_at_once(cluster):
    """Anonymous pages come from the shared Redis (core/pagecache.py), but a change made
    through either server retires them on both, even while readers keep them busy."""
    a, b = cluster.a.url, cluster.b.url
    writers = [signed_up((a, b)[i % 2], f"publisher{i}") for i in range(4)]
    tokens = [w.csrf_token(f"{(a, b)[i % 2]}/articles/create/") for i, w in enumerate(writers)]
    member = signed_up(b, "member-reader")  # members share the list's rows in Redis
    for server in (a, b):  # the caches are filled
        assert requests.get(f"{server}/articles/", timeout=10).status_code == 200
        assert member.get(f"{server}/articles/").status_code == 200
    stop = threading.Event()
    read_statuses = []

    def read(i):
        while not stop.is_set():
            read_statuses.append(requests.get(f"{(a, b)[i % 2]}/articles/", timeout=30).status_code)

    readers = [threading.Thread(target=read, args=(i,)) for i in range(4)]
    for reader in readers:
        reader.start()
    try:

        def publish(i):
            titles = []
            for n in range(5):
                title = f"cached {i}-{n}"
                data = {"csrfmiddlewaretoken": tokens[i], "title": title, "content": "Fresh."}
                response = writers[i].post(f"{(a, b)[i % 2]}/articles/create/", data)
                assert response.status_code == 302, response.status_code
                titles.append(title)
            return titles

        published = all_at_once(len(writers), publish)
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=60)
    titles = [title for result in published for title in result]
    assert len(titles) == 20, published
    # The next anonymous visit to either server shows every article just published.
    for server in (a, b):
        listed = requests.get(f"{server}/articles/", timeout=10).text
        assert all(title in listed for title in titles)
        listed = member.get(f"{server}/articles/").text
        assert all(title in listed for title in titles)
    # An edit through one server is what the other shows at once.
    first = query(cluster, "SELECT id FROM articles_article WHERE title = 'cached 0-0'")[0][0]
    detail = f"/articles/{first}/"
    assert "cached 0-0" in requests.get(f"{b}{detail}", timeout=10).text
    edit = writers[0].post(
        f"{a}/articles/{first}/update/",
        {"csrfmiddlewaretoken": tokens[0], "title": "edited through a", "content": "Changed."},
    )
    assert edit.status_code == 302
    shown = requests.get(f"{b}{detail}", timeout=10).text
    assert "edited through a" in shown
    assert "cached 0-0" not in shown
    assert read_statuses
    assert set(read_statuses) == {200}
    assert_no_server_error_logged(cluster.a, cluster.b)

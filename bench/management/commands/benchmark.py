"""`make bench`: the app's speed under load, against its own floor, in one run.

1. Seeds a data set (100,000 articles by 10,000 users; `--small`: 2,000 by 200) in the
   database of DATABASE_URL (PostgreSQL when it points there, else SQLite). Seeding is
   kept: a second run adds only what is missing.
2. Starts the production server (scripts/serve.sh: DJANGO_DEBUG=false, gunicorn) on a
   free port of 127.0.0.1, with REDIS_URL when it is set.
3. Drives each scenario with wrk (bench/wrk.lua) at 16 connections, then counts the SQL
   queries of the same request in this process.
4. Then stops it and starts, with the same gunicorn settings on the same database, a
   plain Django app written the way tutorials write it (bench/plain/: no htmx, no i18n,
   no CSP, no session tracking, no compression, default database sessions), signs the
   same member in, and drives the same pages at it (`--no-plain` skips this).
5. Reports requests/s, p50/p99 latency, bytes on the wire and queries per request, each
   page's rate as a share of /healthz's rate in the same run (the cheapest answer the
   server can give: it answers before any middleware) and of /robots.txt's (a short
   text through the whole middleware stack: the framework floor as the issue measured
   it), and its rate against the plain app's for the same path
   (the htmx fragments against the plain app's full page). Writes
   bench-results/benchmark.json and benchmark.md, and draws docs/benchmark.png.

Speed is measured here, never asserted in tests (tests assert query counts).
"""

import contextlib
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from core import pagecache
from support.ports import free_port
from support.servers import NotAnswering, ServerProcess

BASE_DIR = Path(settings.BASE_DIR)
PASSWORD = "bench-password-1234"  # the seeded users' shared password
USER_PREFIX = "bench-user-"
READER, WRITER = f"{USER_PREFIX}0", f"{USER_PREFIX}2"
WARM_UP_SECONDS = 1
# The yardsticks of the README: each page's rate as a share of /healthz's rate.
TARGETS = {
    "article list": 0.40,
    "article list, logged in": 0.30,
    "article detail": 0.40,
    "login form": 0.40,
    "signup form": 0.40,
}
PLAIN_APP = (
    "bench/plain/, written the way tutorials write a Django app (generic views, Django's "
    "default middleware; no htmx, no i18n, no CSP, no session tracking, no compression, "
    "no cache, default database sessions), serving the same tables and data with the same "
    "gunicorn settings"
)
# The framework floor as the issue measured it: a short text answer through the whole
# middleware stack (/healthz answers before any middleware).
FLOOR = "robots.txt (whole middleware stack)"
FLOORS = ("healthz", FLOOR)
TIMES = "\N{MULTIPLICATION SIGN}"  # after a ratio: this app's rate over the plain app's
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """A cookie jar over HTTP (urllib), to sign in and read a form's CSRF token."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def open(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base_url + path, body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:  # a redirect (NoRedirect) or an error
            return error.code, error.read().decode(errors="replace")

    def csrf_token(self, path):
        status, html = self.open(path)
        match = _CSRF_INPUT.search(html)
        if status != 200 or not match:
            raise CommandError(f"GET {path} answered {status} without a form token")
        return match.group(1)

    def cookie_header(self):
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Command(BaseCommand):
    help = "Load-test the production server with wrk and report each page against /healthz."

    def add_arguments(self, parser):
        parser.add_argument("--small", action="store_true", help="2,000 articles, 3 s each")
        parser.add_argument("--articles", type=int, help="default 100,000 (--small: 2,000)")
        parser.add_argument("--users", type=int, help="default 10,000 (--small: 200)")
        parser.add_argument("--duration", type=int, help="seconds per scenario (default 10)")
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument("--only", help="run only the scenarios whose name contains this")
        parser.add_argument(
            "--no-plain", action="store_true", help="skip the plain Django app (bench/plain/)"
        )
        parser.add_argument(
            "--runs",
            type=int,
            default=1,
            help="measure every page this many times, ours and the plain app's back to back, "
            "and report the median with the spread (one run moves by about ±15%%)",
        )
        parser.add_argument(
            "--page-cache",
            choices=["on", "off"],
            help="the shared page cache (DJANGO_PAGE_CACHE); default: on with REDIS_URL, "
            "off without",
        )
        parser.add_argument("--out", default=str(BASE_DIR / "bench-results"))
        parser.add_argument("--chart", default=str(BASE_DIR / "docs" / "benchmark.png"))

    def handle(self, *args, **options):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed (Debian: apt-get install wrk).")
        small = options["small"]
        articles = options["articles"] or (2_000 if small else 100_000)
        users = options["users"] or (200 if small else 10_000)
        duration = options["duration"] or (3 if small else 10)
        self.seed(articles, users)
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        runs = max(1, options["runs"])
        page_cache = options["page_cache"]
        with contextlib.ExitStack() as stack:
            server = stack.enter_context(
                serving(production_server(out / "server.log", options["workers"], page_cache))
            )
            plain = None
            if not options["no_plain"]:
                # Both servers run for the whole measurement, each idle while the other is
                # measured, so that each page is measured on both back to back.
                plain = stack.enter_context(
                    serving(plain_server(out / "plain-server.log", options["workers"]))
                )
            scenarios = self.scenarios(server.url, articles)
            if options["only"]:
                scenarios = [
                    s for s in scenarios if s["name"] in FLOORS or options["only"] in s["name"]
                ]
            plain_members = {}
            if plain:
                plain_members = {
                    username: self.signed_in(plain.url, username)
                    for username in {s["client"] for s in scenarios if s["client"]}
                }
            ours_runs = {s["name"]: [] for s in scenarios}
            plain_runs = {s["name"]: [] for s in scenarios if plain and s["plain"]}
            for run in range(runs):
                if runs > 1:
                    self.stdout.write(f"Run {run + 1} of {runs}:")
                for scenario in scenarios:
                    ours_runs[scenario["name"]].append(
                        self.measure(scenario, duration, options["connections"], out)
                    )
                    if scenario["name"] in plain_runs:
                        plain_scenario = self.on_plain_app(scenario, plain, plain_members)
                        plain_runs[scenario["name"]].append(
                            self.measure(plain_scenario, duration, options["connections"], out)
                        )
            results = []
            for scenario in scenarios:
                result = median_run(ours_runs[scenario["name"]])
                result["queries"] = self.count_queries(scenario)
                results.append(result)
        plain_results = {name: median_run(each) for name, each in plain_runs.items()}
        healthz = next(r for r in results if r["name"] == "healthz")["rate"]
        floor = next(r for r in results if r["name"] == FLOOR)["rate"]
        for result in results:
            result["of_healthz"] = result["rate"] / healthz
            result["of_floor"] = result["rate"] / floor
            result["target"] = TARGETS.get(result["name"])
            plain_result = plain_results.get(result["name"])
            result["plain_rate"] = plain_result["rate"] if plain_result else None
            result["plain_spread"] = plain_result["spread"] if plain_result else None
            result["vs_plain"] = (
                result["rate"] / result["plain_rate"] if result["plain_rate"] else None
            )
        report = {
            "date": timezone.now().isoformat(timespec="seconds"),
            "machine": machine(),
            "settings": {
                "database": connection.vendor,
                "cache": "redis" if os.environ.get("REDIS_URL") else "local memory",
                "page_cache": page_cache_setting(page_cache),
                "runs": runs,
                "server": f"gunicorn, {options['workers']} sync workers, DJANGO_DEBUG=false",
                "load": f"wrk, {options['connections']} connections, {duration} s per page",
                "articles": Article.objects.count(),
                "users": get_user_model().objects.count(),
            },
            "password_checks_per_second": password_check_rates(),
            "results": results,
            "plain": {"app": PLAIN_APP, "results": list(plain_results.values())}
            if plain_results
            else None,
        }
        (out / "benchmark.json").write_text(json.dumps(report, indent=2) + "\n")
        table = markdown(report)
        (out / "benchmark.md").write_text(table)
        draw(report, Path(options["chart"]))
        self.stdout.write("\n" + table)
        self.stdout.write(
            f"Written: {out / 'benchmark.json'}, {out / 'benchmark.md'}, {options['chart']}"
        )
        failed = [r["name"] for r in results if r["errors"]]
        failed += [f"{name} (plain app)" for name, r in plain_results.items() if r["errors"]]
        if failed:
            logs = [str(out / "server.log")] + [str(out / "plain-server.log")] * bool(plain_results)
            raise CommandError(f"Requests failed in: {', '.join(failed)} (see {', '.join(logs)})")

    def measure(self, scenario, duration, connections, out):
        self.stdout.write(f"  {scenario['name']}…", ending="")
        self.stdout.flush()
        if scenario["method"] == "GET":
            # A second of the same load first, not counted: every worker has served the
            # page and the cache holds it, so the run measures the steady state.
            self.load(scenario, WARM_UP_SECONDS, connections, out)
        result = self.load(scenario, duration, connections, out)
        self.stdout.write(f" {result['rate']:.0f} requests/s")
        return result

    def on_plain_app(self, scenario, plain, members):
        """The plain app's page that `scenario` is compared with (for an htmx fragment, its
        whole page), for the same member."""
        compared = scenario["plain_path"]
        headers = {}
        if scenario["client"]:
            headers["Cookie"] = members[scenario["client"]].cookie_header()
        return {
            **scenario,
            "name": f"{scenario['name']}, plain app",
            "url": plain.url + compared,
            "path": compared,
            "headers": headers,
        }

    # -- the data set ------------------------------------------------------------------

    def seed(self, articles, users):
        User = get_user_model()
        existing = User.objects.filter(username__startswith=USER_PREFIX).count()
        if existing < users:
            password = make_password(PASSWORD)  # hashed once: a hash per user takes hours
            User.objects.bulk_create(
                (
                    User(
                        username=f"{USER_PREFIX}{i}",
                        email=f"{USER_PREFIX}{i}@example.com",
                        password=password,
                    )
                    for i in range(existing, users)
                ),
                batch_size=2000,
            )
        # Everyone writes but READER, the member whose visits the benchmark measures as a
        # reader's (a member's own articles are rendered with their delete buttons).
        authors = list(
            User.objects.filter(username__startswith=USER_PREFIX)
            .exclude(username=READER)
            .values_list("pk", flat=True)
        )
        missing = articles - Article.objects.count()
        if missing > 0:
            self.stdout.write(f"Seeding {missing:,} articles…")
            start = timezone.now() - datetime.timedelta(minutes=missing)
            field = Article._meta.get_field("created_at")
            field.auto_now_add = False  # keep the spread-out dates given here
            try:
                batch = []
                for i in range(missing):
                    batch.append(
                        Article(
                            title=f"Benchmark article {i}: notes on a page that loads fast",
                            content="Lorem ipsum dolor sit amet, consectetur adipiscing elit. "
                            * 30,
                            author_id=authors[i % len(authors)],
                            created_at=start + datetime.timedelta(minutes=i),
                        )
                    )
                    if len(batch) == 5000:
                        Article.objects.bulk_create(batch)
                        batch = []
                Article.objects.bulk_create(batch)
            finally:
                field.auto_now_add = True
        # The author's list: the newest page is WRITER's own (the article create POST adds
        # more of theirs during the run, so every run finds the same page).
        per_page = settings.ARTICLES_PER_PAGE
        writer = User.objects.get(username=WRITER)
        newest = Article.objects.order_by("-created_at", "-id")[:per_page]
        if any(author != writer.pk for author in newest.values_list("author_id", flat=True)):
            Article.objects.bulk_create(
                Article(
                    title=f"An article of the author's own page, {i}",
                    content="Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 30,
                    author=writer,
                )
                for i in range(per_page)
            )
        if connection.vendor == "postgresql":
            # What autovacuum does in time on a real database: statistics for the
            # planner, and the visibility map that lets the list's ids be read from the
            # index alone.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        pagecache.content_changed()  # bulk_create sends no signals

    # -- the scenarios -----------------------------------------------------------------

    def scenarios(self, base_url, articles):
        index = reverse("articles:index")
        last_page = max(1, Article.objects.count() // settings.ARTICLES_PER_PAGE)
        late_page = min(5000, last_page)
        article = Article.objects.order_by("-created_at", "-id").first()
        login, signup, create = (
            reverse("accounts:login"),
            reverse("accounts:signup"),
            reverse("articles:create"),
        )
        # A member who reads (the list's newest articles are not theirs), and one who
        # wrote the whole first page and writes more during the run.
        member, writer = self.signed_in(base_url, READER), self.signed_in(base_url, WRITER)
        write_token = writer.csrf_token(create)
        signed_in = {"Cookie": member.cookie_header()}
        as_author = {"Cookie": writer.cookie_header()}
        visitor = Browser(base_url)
        login_token = visitor.csrf_token(login)
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        fragment = {"HX-Request": "true", "HX-Target": "main", "HX-Current-URL": base_url + index}

        def scenario(name, path, headers=None, method="GET", body=None, client=None, plain=None):
            return {
                "name": name,
                "url": base_url + path,
                "path": path,
                "method": method,
                "headers": headers or {},
                "body": body,
                "client": client,
                # The path of the plain app's page this one is compared with (None: no such
                # page there), asked for by the same member.
                "plain": plain is not None,
                "plain_path": plain,
            }

        def page(name, path, headers=None, client=None):
            return scenario(name, path, headers, client=client, plain=path)

        late = f"list page {late_page:,}"
        detail = article.get_absolute_url()
        return [
            page("healthz", "/healthz"),
            # The plain app's /healthz is its view through its whole middleware stack.
            scenario(FLOOR, reverse("robots_txt"), plain="/healthz"),
            page("article list", index),
            page("article list, logged in", index, signed_in, client=READER),
            # A member whose own articles fill the page (rendered for them, with buttons).
            page("article list, its author", index, as_author, client=WRITER),
            page(late, f"{index}?page={late_page}"),
            page(f"{late}, logged in", f"{index}?page={late_page}", signed_in, client=READER),
            scenario("list fragment (htmx)", index, fragment, plain=index),
            page("article detail", detail),
            scenario("detail fragment (htmx)", detail, fragment, plain=detail),
            page("login form", login),
            page("signup form", signup),
            scenario(
                "login POST",
                login,
                {**form, "Cookie": visitor.cookie_header()},
                "POST",
                urllib.parse.urlencode(
                    {
                        "csrfmiddlewaretoken": login_token,
                        "username": f"{USER_PREFIX}1",
                        "password": PASSWORD,
                    }
                ),
            ),
            scenario(
                "article create POST",
                create,
                {**form, "Cookie": writer.cookie_header()},
                "POST",
                urllib.parse.urlencode(
                    {
                        "csrfmiddlewaretoken": write_token,
                        "title": "Written under load",
                        "content": "Fast enough?",
                    }
                )
                + "&submission_key={uuid}",
                client=WRITER,
            ),
        ]

    def signed_in(self, base_url, username):
        browser = Browser(base_url)
        token = browser.csrf_token(reverse("accounts:login"))
        data = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        status, _ = browser.open(reverse("accounts:login"), data)
        if status != 302:
            raise CommandError(f"Signing in as {username} answered {status}, not a redirect")
        # Then the page it leads to, as a browser does: it shows (and so ends) the
        # "Welcome back" message, which would otherwise wait in every measured request.
        browser.open(reverse("articles:index"))
        if "messages" in {cookie.name for cookie in browser.cookies}:
            raise CommandError(f"A message still waits for {username} after signing in")
        return browser

    def load(self, scenario, duration, connections, out):
        result_path = out / "wrk-result.json"
        headers = {"Accept-Encoding": "gzip, br", "Accept-Language": "en", **scenario["headers"]}
        env = {
            **os.environ,
            "BENCH_METHOD": scenario["method"],
            "BENCH_BODY": scenario["body"] or "",
            "BENCH_HEADERS": "\n".join(f"{name}: {value}" for name, value in headers.items()),
            "BENCH_OUT": str(result_path),
        }
        command = [
            "wrk",
            "--threads", "2",
            "--connections", str(connections),
            "--duration", f"{duration}s",
            "--timeout", "10s",
            "--script", str(BASE_DIR / "bench" / "wrk.lua"),
            scenario["url"],
        ]  # fmt: skip
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=duration + 60)  # noqa: S603
        raw = json.loads(result_path.read_text())
        seconds = raw["duration_us"] / 1e6
        errors = sum(raw["errors"].values())
        return {
            "name": scenario["name"],
            "method": scenario["method"],
            "path": scenario["path"],
            "rate": raw["requests"] / seconds,
            "requests": raw["requests"],
            "p50_ms": raw["latency_us"]["p50"] / 1000,
            "p99_ms": raw["latency_us"]["p99"] / 1000,
            "bytes_per_request": raw["bytes"] / max(raw["requests"], 1),
            "errors": errors,
        }

    def count_queries(self, scenario):
        """The SQL queries of the scenario's request, run a second time in this process
        (the first may fill a cache)."""
        if scenario["name"] in FLOORS:
            return 0
        User = get_user_model()
        client = Client(headers={"accept-language": "en"})
        if scenario["client"]:
            client.force_login(User.objects.get(username=scenario["client"]))
        headers = {k: v for k, v in scenario["headers"].items() if k.startswith("HX-")}
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            for _attempt in range(2):
                with CaptureQueriesContext(connection) as queries:
                    if scenario["method"] == "GET":
                        client.get(scenario["path"], headers=headers)
                    elif scenario["name"] == "login POST":
                        Client().post(
                            scenario["path"], {"username": f"{USER_PREFIX}1", "password": PASSWORD}
                        )
                    else:
                        client.post(scenario["path"], {"title": "Counted", "content": "Queries."})
        return len(queries)


def server_environment(port, workers, page_cache=None):
    """Production mode on 127.0.0.1:`port` over plain HTTP, with a throwaway secret key,
    on this run's database (DATABASE_URL, else the SQLite file this process uses);
    `page_cache` "on" or "off" sets DJANGO_PAGE_CACHE (else the default)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    if page_cache:
        env["DJANGO_PAGE_CACHE"] = "true" if page_cache == "on" else "false"
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_HTTPS="false",  # no TLS proxy in front of this run
        DJANGO_EMAIL_CONSOLE="true",
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
        GUNICORN_LOG_LEVEL="warning",
    )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{settings.DATABASES['default']['NAME']}"
    return env


def production_server(log_path, workers, page_cache=None):
    """scripts/serve.sh on a free port, ready once /readyz answers."""
    port = free_port()
    return ServerProcess(
        [str(BASE_DIR / "scripts" / "serve.sh")],
        port=port,
        env=server_environment(port, workers, page_cache),
        cwd=BASE_DIR,
        log_path=log_path,
        ready_path="/readyz",
        name="The server",
        stop_timeout=30,
    )


def plain_server(log_path, workers):
    """The plain app (bench/plain/) on a free port, under gunicorn with our server's
    settings (core/gunicorn.py: the same sync workers, preloading, keep-alive and access
    log), its own process group, the same database, a throwaway secret key.

    It needs no migrations: its user and article models are mapped onto our tables
    (`managed = False`), and the tables of the contrib apps it installs (auth, contenttypes,
    sessions: django_session) are there already, because our project installs the same
    apps and scripts/bench.sh runs our migrations before this command.
    """
    port = free_port()
    return ServerProcess(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(BASE_DIR / "core" / "gunicorn.py"),
            "bench.plain.wsgi:application",  # instead of the configuration's wsgi_app
        ],
        port=port,
        env={**server_environment(port, workers), "DJANGO_SETTINGS_MODULE": "bench.plain.settings"},
        cwd=BASE_DIR,
        log_path=log_path,
        ready_path="/healthz",  # through its whole middleware stack
        name="The plain app's server",
        stop_timeout=30,
    )


def median_run(runs):
    """The run with the median rate (its latencies and sizes too), with the spread of the
    rates over all runs: (highest - lowest) / median."""
    ordered = sorted(runs, key=lambda r: r["rate"])
    median = statistics.median(r["rate"] for r in runs)
    result = dict(ordered[(len(ordered) - 1) // 2], rate=median)
    result["runs"] = [r["rate"] for r in runs]
    result["spread"] = (ordered[-1]["rate"] - ordered[0]["rate"]) / median if median else 0.0
    result["errors"] = sum(r["errors"] for r in runs)
    return result


def page_cache_setting(option):
    """What the measured server did with its shared page cache."""
    if option:
        return option
    return "on (REDIS_URL)" if os.environ.get("REDIS_URL") else "off (no REDIS_URL)"


@contextmanager
def serving(server):
    """The server started (its log begun anew) until the block ends, then stopped."""
    server.log_path.unlink(missing_ok=True)
    try:
        server.start(timeout=120)
    except NotAnswering as error:
        raise CommandError(f"{server.name} {error}: see {server.log_path}") from None
    try:
        yield server
    finally:
        server.stop()


def machine():
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def password_check_rates():
    """How many password checks one process makes per second: the configured hasher
    (what a login POST pays) and Django's default, PBKDF2."""
    rates = {}
    for label, hasher in (
        ("configured", get_hasher("default")),
        ("pbkdf2 (Django's default)", PBKDF2PasswordHasher()),
    ):
        encoded = hasher.encode(PASSWORD, hasher.salt())
        checks, start = 0, time.perf_counter()
        while time.perf_counter() - start < 2:
            hasher.verify(PASSWORD, encoded)
            checks += 1
        rates[f"{label}: {hasher.algorithm}"] = checks / (time.perf_counter() - start)
    return rates


def markdown(report):
    settings_ = report["settings"]
    runs = settings_.get("runs", 1)
    lines = [
        f"Measured {report['date']} on {report['machine']['cores']} cores "
        f"({report['machine']['cpu']}), {settings_['database']}, cache: {settings_['cache']}, "
        f"page cache {settings_['page_cache']}; {settings_['server']}; {settings_['load']}; "
        f"{settings_['articles']:,} articles, {settings_['users']:,} users."
        + (f" Median of {runs} runs, ± the spread: (highest - lowest) / median." * (runs > 1)),
        "",
        "| scenario | requests/s | p50 ms | p99 ms | bytes/request | queries "
        "| of /healthz | target | of floor² | plain Django¹ | vs plain |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        target = f"≥ {r['target']:.0%}" if r["target"] else ""
        rate = f"{r['rate']:,.0f}" + (f" ±{r['spread']:.0%}" if runs > 1 else "")
        plain = ""
        if r.get("plain_rate"):
            plain = f"{r['plain_rate']:,.0f}" + (f" ±{r['plain_spread']:.0%}" if runs > 1 else "")
        versus = f"{r['vs_plain']:.2f}{TIMES}" if r.get("vs_plain") else ""
        lines.append(
            f"| {r['name']} | {rate} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
            f"{r['bytes_per_request']:,.0f} | {r['queries']} | {r['of_healthz']:.0%} | {target} "
            f"| {r['of_floor']:.0%} | {plain} | {versus} |"
        )
    lines.append("")
    if report.get("plain"):
        lines.append(
            "¹ Requests/s of the same path on a plain Django app, measured right after ours in "
            "each run (for the htmx fragments: its full page; for robots.txt: its /healthz "
            "through its middleware), and this app's rate divided by it. The plain app is "
            f"{report['plain']['app']}."
        )
    else:
        lines.append("¹ The plain Django app (bench/plain/) was not measured in this run.")
    lines.append(
        f"² The rate as a share of {FLOOR}'s: a short text answer through this app's whole "
        "middleware stack, the framework floor. /healthz answers before any middleware."
    )
    lines.append("")
    lines.append(
        "Password checks per second in one process: "
        + ", ".join(
            f"{name} {rate:,.1f}" for name, rate in report["password_checks_per_second"].items()
        )
        + "."
    )
    return "\n".join(lines) + "\n"


def draw(report, path):
    """Each page's rate as a share of /healthz's, and under it, thinner and grey, the
    plain app's rate for the same path as a share of the same /healthz rate."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    results = [r for r in report["results"] if r["name"] != "healthz"][::-1]
    healthz = next(r for r in report["results"] if r["name"] == "healthz")
    plain = any(r.get("plain_rate") for r in results)
    figure, axes = pyplot.subplots(figsize=(9, 6.5 if plain else 5.5), dpi=110)
    # Ours on the upper part of each row, the plain app's thinner bar under it.
    ours_y = [i + (0.14 if plain else 0) for i in range(len(results))]
    height = 0.5 if plain else 0.8
    shares = [r["of_healthz"] * 100 for r in results]
    bars = axes.barh(ours_y, shares, height=height, color="#0d6efd")
    widest = max(shares, default=0)
    for bar, r in zip(bars, results, strict=True):
        axes.text(
            bar.get_width() + 0.5,
            bar.get_y() + bar.get_height() / 2,
            f"{r['rate']:,.0f}/s",
            va="center",
            fontsize=8,
        )
        if r["target"]:
            y = bar.get_y()
            axes.plot(
                [r["target"] * 100] * 2, [y, y + bar.get_height()], color="#dc3545", linewidth=2
            )
    for i, r in enumerate(results):
        if not r.get("plain_rate"):
            continue
        share = r["plain_rate"] / healthz["rate"] * 100
        widest = max(widest, share)
        axes.barh(i - 0.24, share, height=0.22, color="#adb5bd")
        axes.text(
            share + 0.5,
            i - 0.24,
            f"plain {r['plain_rate']:,.0f}/s (this app {r['vs_plain']:.2f}{TIMES})",
            va="center",
            fontsize=7,
            color="#6c757d",
        )
    axes.set_yticks(range(len(results)), [r["name"] for r in results])
    axes.set_ylim(-0.6, len(results) - 0.4)
    axes.set_xlabel("requests/s as % of this app's /healthz in the same run")
    legend = [Patch(color="#0d6efd", label="this app")]
    if plain:
        legend.append(Patch(color="#adb5bd", label="plain Django app (bench/plain/)"))
    legend.append(Line2D([], [], color="#dc3545", linewidth=2, label="target"))
    # Under the axis, where it covers no bar.
    axes.legend(
        handles=legend,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.09),
        ncols=len(legend),
        fontsize=8,
        frameon=False,
    )
    machine_ = report["machine"]
    plain_healthz = healthz.get("plain_rate")
    axes.set_title(
        f"{report['date'][:10]} · {machine_['cores']} cores · {report['settings']['database']}, "
        f"{report['settings']['cache']} · {report['settings']['server']}\n"
        f"/healthz {healthz['rate']:,.0f}/s"
        + (f" (plain app's: {plain_healthz:,.0f}/s)" if plain_healthz else ""),
        fontsize=9,
    )
    axes.set_xlim(0, max(50, widest + 32))  # room for the labels after the bars
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    pyplot.close(figure)

"""`make bench`: the app's speed under load, against its own floor, in one run.

1. Seeds a data set (100,000 articles by 10,000 users; `--small`: 2,000 by 200) in the
   database of DATABASE_URL (PostgreSQL when it points there, else SQLite). Seeding is
   kept: a second run adds only what is missing.
2. Starts the production server (scripts/serve.sh: DJANGO_DEBUG=false, gunicorn) on a
   free port of 127.0.0.1, with REDIS_URL when it is set.
3. Drives each scenario with wrk (bench/wrk.lua) at 16 connections, then counts the SQL
   queries of the same request in this process.
4. Reports requests/s, p50/p99 latency, bytes on the wire and queries per request, and
   each page's rate as a share of /healthz's rate in the same run (the floor: the
   cheapest answer the server can give). Writes bench-results/benchmark.json and
   benchmark.md, and draws docs/benchmark.png.

Speed is measured here, never asserted in tests (tests assert query counts).
"""

import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
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

BASE_DIR = Path(settings.BASE_DIR)
PASSWORD = "bench-password-1234"  # the seeded users' shared password
USER_PREFIX = "bench-user-"
READER, WRITER = f"{USER_PREFIX}0", f"{USER_PREFIX}2"
# The yardsticks of the README: each page's rate as a share of /healthz's rate.
TARGETS = {
    "article list": 0.40,
    "article list, logged in": 0.30,
    "article detail": 0.40,
    "login form": 0.40,
    "signup form": 0.40,
}
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
        with ProductionServer(out / "server.log", workers=options["workers"]) as server:
            scenarios = self.scenarios(server.url, articles)
            if options["only"]:
                scenarios = [
                    s for s in scenarios if s["name"] == "healthz" or options["only"] in s["name"]
                ]
            results = []
            for scenario in scenarios:
                self.stdout.write(f"  {scenario['name']}…", ending="")
                self.stdout.flush()
                result = self.load(scenario, duration, options["connections"], out)
                result["queries"] = self.count_queries(scenario)
                results.append(result)
                self.stdout.write(f" {result['rate']:.0f} requests/s")
        floor = next(r for r in results if r["name"] == "healthz")["rate"]
        for result in results:
            result["of_healthz"] = result["rate"] / floor
            result["target"] = TARGETS.get(result["name"])
        report = {
            "date": timezone.now().isoformat(timespec="seconds"),
            "machine": machine(),
            "settings": {
                "database": connection.vendor,
                "cache": "redis" if os.environ.get("REDIS_URL") else "local memory",
                "server": f"gunicorn, {options['workers']} sync workers, DJANGO_DEBUG=false",
                "load": f"wrk, {options['connections']} connections, {duration} s per page",
                "articles": Article.objects.count(),
                "users": get_user_model().objects.count(),
            },
            "password_checks_per_second": password_check_rates(),
            "results": results,
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
        if failed:
            raise CommandError(
                f"Requests failed in: {', '.join(failed)} (see {out / 'server.log'})"
            )

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
        # writes during the run.
        member, writer = self.signed_in(base_url, READER), self.signed_in(base_url, WRITER)
        write_token = writer.csrf_token(create)
        signed_in = {"Cookie": member.cookie_header()}
        visitor = Browser(base_url)
        login_token = visitor.csrf_token(login)
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        fragment = {"HX-Request": "true", "HX-Target": "main", "HX-Current-URL": base_url + index}

        def scenario(name, path, headers=None, method="GET", body=None, client=None):
            return {
                "name": name,
                "url": base_url + path,
                "path": path,
                "method": method,
                "headers": headers or {},
                "body": body,
                "client": client,
            }

        return [
            scenario("healthz", "/healthz"),
            scenario("article list", index),
            scenario("article list, logged in", index, signed_in, client=READER),
            scenario(f"list page {late_page:,}", f"{index}?page={late_page}"),
            scenario(
                f"list page {late_page:,}, logged in",
                f"{index}?page={late_page}",
                signed_in,
                client=READER,
            ),
            scenario("list fragment (htmx)", index, fragment),
            scenario("article detail", article.get_absolute_url()),
            scenario("detail fragment (htmx)", article.get_absolute_url(), fragment),
            scenario("login form", login),
            scenario("signup form", signup),
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
        if scenario["name"] == "healthz":
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


class ProductionServer:
    """scripts/serve.sh on a free port, with a throwaway secret key, over plain HTTP."""

    def __init__(self, log_path, workers):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_HTTPS="false",  # no TLS proxy in front of this run
            DJANGO_EMAIL_CONSOLE="true",
            BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY=str(workers),
            GUNICORN_LOG_LEVEL="warning",
        )
        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and not env.get(
            "DATABASE_URL"
        ):
            env["DATABASE_URL"] = f"sqlite:///{settings.DATABASES['default']['NAME']}"
        self.env = env
        self.process = None

    def __enter__(self):
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603
            [str(BASE_DIR / "scripts" / "serve.sh")],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"The server exited at start: see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=1) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise CommandError(f"The server did not answer in 120 s: see {self.log_path}")

    def __exit__(self, *exc_info):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


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
    lines = [
        f"Measured {report['date']} on {report['machine']['cores']} cores "
        f"({report['machine']['cpu']}), {settings_['database']}, cache: {settings_['cache']}; "
        f"{settings_['server']}; {settings_['load']}; {settings_['articles']:,} articles, "
        f"{settings_['users']:,} users.",
        "",
        "| scenario | requests/s | p50 ms | p99 ms | bytes/request | queries "
        "| of /healthz | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        target = f"≥ {r['target']:.0%}" if r["target"] else ""
        lines.append(
            f"| {r['name']} | {r['rate']:,.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
            f"{r['bytes_per_request']:,.0f} | {r['queries']} | {r['of_healthz']:.0%} | {target} |"
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
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    results = [r for r in report["results"] if r["name"] != "healthz"]
    names = [r["name"] for r in results][::-1]
    shares = [r["of_healthz"] * 100 for r in results][::-1]
    figure, axes = pyplot.subplots(figsize=(9, 5.5), dpi=110)
    bars = axes.barh(names, shares, color="#0d6efd")
    for bar, r in zip(bars, results[::-1], strict=True):
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
    axes.set_xlabel("requests/s as % of /healthz in the same run (red: target)")
    healthz = next(r for r in report["results"] if r["name"] == "healthz")
    machine_ = report["machine"]
    axes.set_title(
        f"{report['date'][:10]} · {machine_['cores']} cores · {report['settings']['database']}, "
        f"{report['settings']['cache']} · {report['settings']['server']} · "
        f"/healthz {healthz['rate']:,.0f}/s",
        fontsize=9,
    )
    axes.set_xlim(0, max(50, max(shares) + 15))
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    pyplot.close(figure)

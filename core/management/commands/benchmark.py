"""Measure how fast the main pages answer, in-process (no network), on the configured database.

    make bench                      # a throwaway SQLite database with 2,000 articles
    manage.py benchmark --requests 200

Prints the median and 95th percentile per page, and the queries each page makes. Speed is
measured here, never asserted in tests (tests assert query counts instead).
"""

import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from articles.models import Article


class Command(BaseCommand):
    help = "Time the main pages (median and p95 over N requests) and count their queries."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=100)
        parser.add_argument("--articles", type=int, default=2000)

    def handle(self, *args, **options):
        User = get_user_model()
        author, _ = User.objects.get_or_create(username="bench-author")
        missing = options["articles"] - Article.objects.count()
        if missing > 0:
            Article.objects.bulk_create(
                Article(title=f"Benchmark article {i}", content="Lorem ipsum " * 80, author=author)
                for i in range(missing)
            )
        article = Article.objects.first()
        anonymous, member = Client(), Client()
        member.force_login(author)
        hx = {"HX-Request": "true"}
        index = reverse("articles:index")
        pages = [
            ("article list", anonymous, index, {}),
            ("article list, page 50", anonymous, f"{index}?page=50", {}),
            ("article list, htmx fragment", anonymous, index, hx),
            ("article detail", anonymous, article.get_absolute_url(), {}),
            ("login page", anonymous, reverse("accounts:login"), {}),
            ("article list, logged in", member, index, {}),
            ("write form, logged in", member, reverse("articles:create"), {}),
            ("sessions page, logged in", member, reverse("accounts:sessions"), {}),
        ]
        self.stdout.write(
            f"{options['requests']} requests per page, {Article.objects.count()} articles"
        )
        self.stdout.write(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        with override_settings(DEBUG=True, ALLOWED_HOSTS=["testserver"]):
            for name, client, url, headers in pages:
                timings = []
                for _ in range(options["requests"]):
                    reset_queries()
                    start = time.perf_counter()
                    response = client.get(url, headers=headers)
                    timings.append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
                queries = len(connection.queries)
                p95 = statistics.quantiles(timings, n=20)[-1]
                median = statistics.median(timings)
                self.stdout.write(f"{name:32} {median:10.2f} {p95:8.2f} {queries:8}")
        self.stdout.write(f"database: {settings.DATABASES['default']['ENGINE']}")

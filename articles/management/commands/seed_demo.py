from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-password-2026"

ARTICLES = [
    (
        "Welcome to the board",
        "This is a demo article. Log in as the demo user to edit or delete it,\n"
        "or sign up and write your own.",
    ),
    (
        "How sessions work here",
        "Changing your password keeps you signed in here and signs out your other sessions.",
    ),
    (
        "Works without JavaScript",
        "Every page and form works as plain HTML. With JavaScript, htmx swaps only\n"
        "what changes, like a single-page app.",
    ),
]


class Command(BaseCommand):
    help = "Create the demo user and a few articles (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=DEMO_USERNAME)
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
        for title, content in ARTICLES:
            Article.objects.get_or_create(author=user, title=title, defaults={"content": content})
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login: username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r} "
                "at http://127.0.0.1:8000/accounts/login/"
            )
        )

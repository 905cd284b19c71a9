"""`manage.py seed_demo`: the demo login and articles of `make run`."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_demo_login_and_articles_and_can_run_twice(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    demo = get_user_model().objects.get(username="demo")
    assert demo.check_password("demo-password-2026")
    assert Article.objects.filter(author=demo).count() == 3
    assert "Demo login: username 'demo'" in capsys.readouterr().out

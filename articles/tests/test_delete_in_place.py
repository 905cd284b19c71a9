"""With htmx, deleting an article from the list removes its row; from its page, goes to the list."""

import json

import pytest
from django.test import Client

from articles.models import Article
from articles.tests.factories import make_article
from core.tests.helpers import HX

pytestmark = pytest.mark.django_db


def test_htmx_delete_from_the_list_removes_only_the_row():
    article = make_article(title="Going")
    client = Client()
    client.force_login(article.author)
    headers = {**HX, "HX-Target": f"article-{article.pk}"}
    response = client.post(f"/articles/{article.pk}/delete/", headers=headers)
    content = response.content.decode()
    assert response.status_code == 200
    assert f'id="article-{article.pk}"' not in content
    assert content.lstrip().startswith('<nav id="navbar"')  # nothing but the out-of-band parts
    assert "“Going” has been deleted." in content
    assert 'hx-swap-oob="innerHTML"' in content
    assert not Article.objects.exists()


def test_htmx_delete_from_the_article_page_goes_to_the_list():
    article = make_article()
    client = Client()
    client.force_login(article.author)
    response = client.post(f"/articles/{article.pk}/delete/", headers=HX)
    assert json.loads(response["HX-Location"]) == {"path": "/articles/", "target": "#main"}


def test_list_rows_carry_an_in_place_delete_with_confirmation_for_the_author():
    article = make_article()
    client = Client()
    client.force_login(article.author)
    content = client.get("/articles/").content.decode()
    assert f'id="article-{article.pk}"' in content
    assert 'hx-target="closest li"' in content
    assert "hx-confirm=" in content

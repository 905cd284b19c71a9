"""With htmx, deleting an article asks first in place (no browser dialog), in the list
row or among the article's buttons; Cancel puts them back. Deleting from the list
removes the row; from the article's page, goes to the list."""

import json

import pytest

from articles.models import Article
from support.client import HX

pytestmark = pytest.mark.django_db


def test_htmx_delete_from_the_list_removes_only_the_row(authored):
    article, client = authored(title="Going")
    headers = {**HX, "HX-Target": f"article-{article.pk}"}
    response = client.post(f"/articles/{article.pk}/delete/", headers=headers)
    content = response.content.decode()
    assert response.status_code == 200
    assert f'id="article-{article.pk}"' not in content
    assert content.lstrip().startswith('<nav id="navbar"')  # nothing but the out-of-band parts
    assert "“Going” has been deleted." in content
    assert 'hx-swap-oob="innerHTML"' in content
    assert not Article.objects.exists()


def test_htmx_delete_from_the_article_page_goes_to_the_list(authored):
    article, client = authored()
    response = client.post(f"/articles/{article.pk}/delete/", headers=HX)
    assert json.loads(response["HX-Location"]) == {"path": "/articles/", "target": "#main"}


def test_list_rows_carry_an_in_place_delete_for_the_author_without_a_browser_dialog(authored):
    article, client = authored()
    content = client.get("/articles/").content.decode()
    assert f'id="article-{article.pk}"' in content
    assert f'hx-get="/articles/{article.pk}/delete/" hx-target="closest li"' in content
    assert "hx-confirm=" not in content
    # Without JavaScript the same link leads to the confirmation page, and back here.
    assert f'href="/articles/{article.pk}/delete/?next=/articles/"' in content


def asked_in_place(client, article, target):
    headers = {**HX, "HX-Target": target, "HX-Current-URL": "http://testserver/articles/?page=1"}
    return client.get(f"/articles/{article.pk}/delete/", headers=headers).content.decode()


def test_the_list_row_turns_into_its_confirmation_and_cancel_puts_it_back(authored):
    article, client = authored(title="Maybe")
    row = asked_in_place(client, article, f"article-{article.pk}")
    assert row.lstrip().startswith(f'<li id="article-{article.pk}" class="list-group-item')
    assert "Delete “Maybe”? This cannot be undone." in row
    assert f'hx-post="/articles/{article.pk}/delete/" hx-target="closest li"' in row
    cancel = f'hx-get="/articles/{article.pk}/?focus=delete" hx-target="#article-{article.pk}"'
    assert cancel in row
    assert "autofocus>Cancel" in row
    assert Article.objects.filter(pk=article.pk).exists()

    headers = {
        **HX,
        "HX-Target": f"article-{article.pk}",
        "HX-Current-URL": "http://testserver/articles/?page=1",
    }
    back = client.get(f"/articles/{article.pk}/?focus=delete", headers=headers)
    back = back.content.decode()
    assert back.lstrip().startswith('<li class="list-group-item')
    assert f'href="/articles/{article.pk}/delete/?next=/articles/%3Fpage%3D1"' in back
    assert "This cannot be undone" not in back
    assert 'hx-swap="outerHTML" autofocus>Delete<' in back  # the focus back on Delete


def test_the_article_buttons_turn_into_the_confirmation_and_cancel_puts_them_back(authored):
    article, client = authored(title="Maybe")
    buttons = asked_in_place(client, article, "article-actions")
    assert buttons.lstrip().startswith('<div id="article-actions" class="mt-4">')
    assert "Delete “Maybe”? This cannot be undone." in buttons
    cancel = f'hx-get="/articles/{article.pk}/?focus=delete" hx-target="#article-actions"'
    assert cancel in buttons

    headers = {**HX, "HX-Target": "article-actions"}
    back = client.get(f"/articles/{article.pk}/?focus=delete", headers=headers)
    back = back.content.decode()
    assert back.lstrip().startswith(
        '<div class="d-flex flex-wrap gap-2 mt-4" id="article-actions">'
    )
    assert f'hx-get="/articles/{article.pk}/delete/" hx-target="#article-actions"' in back
    assert 'hx-swap="outerHTML" autofocus>Delete<' in back  # the focus back on Delete
    # A page loaded whole puts the focus nowhere in particular.
    assert "autofocus" not in client.get(f"/articles/{article.pk}/").text


def test_the_row_confirmation_reads_as_a_small_row_and_names_what_it_deletes(authored):
    article, client = authored(title="Maybe")
    row = asked_in_place(client, article, f"article-{article.pk}")
    question = (
        f'<p class="mb-0 fw-semibold text-break" id="article-{article.pk}-question">'
        "Delete “Maybe”? This cannot be undone.</p>"
    )
    assert question in row
    button = (
        '<button type="submit" class="btn btn-danger btn-sm">'
        'Delete<span class="visually-hidden"> Maybe</span></button>'
    )
    assert button in row
    # Without JavaScript, Cancel leads back to the page the reader was on.
    assert '<a class="btn btn-outline-secondary btn-sm" href="/articles/?page=1"' in row


def test_the_confirmation_page_without_javascript_is_titled_by_the_article(authored):
    article, client = authored(title="Maybe")
    page = client.get(f"/articles/{article.pk}/delete/").content.decode()
    assert "<title>Delete · Maybe · Board</title>" in page
    assert 'id="article-actions-question">Delete “Maybe”? This cannot be undone.</h1>' in page
    button = 'class="btn btn-danger">Delete<span class="visually-hidden"> Maybe</span></button>'
    assert button in page

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.tests.factories import PASSWORD, make_user
from articles.models import Article
from articles.tests.factories import make_article
from support.client import logged_in_client

pytestmark = pytest.mark.django_db

INDEX = "/articles/"


# Public pages


def test_root_redirects_to_the_article_list(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == INDEX


def test_article_list_is_public_and_newest_first(client):
    old, new = make_article(title="Old"), make_article(title="New")
    response = client.get(INDEX)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [new, old]
    content = response.content.decode()
    assert content.index("New") < content.index("Old")
    assert old.author.username in content


def test_article_list_shows_twenty_a_page(client):
    author = make_user()
    Article.objects.bulk_create(
        Article(title=f"T{i}", content="c", author=author) for i in range(45)
    )
    first = client.get(INDEX)
    assert len(first.context["page"].object_list) == 20
    third = client.get(INDEX, {"page": 3})
    assert len(third.context["page"].object_list) == 5
    assert b'href="/articles/?page=2"' in third.content


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999999"])
def test_article_list_with_a_bad_page_number_still_answers(client, page):
    make_article()
    response = client.get(INDEX, {"page": page})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1


def test_article_list_query_count_does_not_grow_with_the_page(client, django_assert_num_queries):
    author = make_user()
    Article.objects.bulk_create(
        Article(title=f"T{i}", content="c", author=make_user() if i % 2 else author)
        for i in range(25)
    )
    # One COUNT for the paginator and one SELECT joining the authors.
    with django_assert_num_queries(2):
        client.get(INDEX)


def test_article_list_query_count_for_a_logged_in_user(django_assert_num_queries):
    user = make_user()
    for _ in range(5):
        make_article(author=make_user())
    client = logged_in_client(user)
    # Session, user, COUNT, SELECT.
    with django_assert_num_queries(4):
        client.get(INDEX)


def test_article_detail_is_public(client, django_assert_num_queries):
    article = make_article(title="Hello", content="Line one\nLine two")
    with django_assert_num_queries(1):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert b"Line one<br>Line two" in response.content


def test_missing_article_is_404(client):
    assert client.get("/articles/999/").status_code == 404


def test_article_content_is_escaped(client):
    article = make_article(
        title="<script>alert(1)</script>", content="<img src=x onerror=alert(1)>"
    )
    for url in (INDEX, article.get_absolute_url()):
        content = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in content
        assert "<img src=x" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_article_list_rejects_post(client):
    assert client.post(INDEX).status_code == 405


# Creating


def test_create_needs_login(client):
    response = client.get(reverse("articles:create"))
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/articles/create/"


def test_anonymous_create_post_creates_nothing(client):
    response = client.post(reverse("articles:create"), {"title": "T", "content": "C"})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not Article.objects.exists()


def test_create_publishes_with_the_logged_in_author():
    user, someone_else = make_user(), make_user()
    client = logged_in_client(user)
    data = {"title": "Mine", "content": "Body", "author": someone_else.pk}
    response = client.post(reverse("articles:create"), data)
    article = Article.objects.get()
    assert article.author == user
    assert response.status_code == 302
    assert response.url == article.get_absolute_url()


def test_create_with_a_too_long_title_is_refused():
    client = logged_in_client(make_user())
    response = client.post(reverse("articles:create"), {"title": "x" * 201, "content": "Body"})
    assert response.status_code == 422
    assert "title" in response.context["form"].errors
    assert "x" * 201 in response.content.decode()  # what was typed is kept
    assert not Article.objects.exists()


def test_create_with_empty_fields_is_refused():
    response = logged_in_client(make_user()).post(reverse("articles:create"), {})
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"title", "content"}


# Editing


def test_author_can_edit():
    article = make_article()
    client = logged_in_client(article.author)
    response = client.post(article.get_absolute_url() + "update/", {"title": "New", "content": "C"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "New"


def test_edit_form_is_prefilled_for_the_author():
    article = make_article(title="Prefilled")
    response = logged_in_client(article.author).get(reverse("articles:update", args=[article.pk]))
    assert response.status_code == 200
    assert b'value="Prefilled"' in response.content


def test_other_user_cannot_open_the_edit_form():
    article = make_article()
    response = logged_in_client(make_user()).get(reverse("articles:update", args=[article.pk]))
    assert response.status_code == 403


def test_other_user_cannot_edit_article():
    article = make_article(title="Original")
    client = logged_in_client(make_user())
    url = reverse("articles:update", args=[article.pk])
    response = client.post(url, {"title": "Hacked", "content": "Hacked"})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Original"


def test_editing_a_missing_article_is_404():
    response = logged_in_client(make_user()).get(reverse("articles:update", args=[999]))
    assert response.status_code == 404


def test_edit_and_delete_controls_only_for_the_author(client):
    article = make_article()
    edit_url = reverse("articles:update", args=[article.pk]).encode()
    assert edit_url in logged_in_client(article.author).get(article.get_absolute_url()).content
    assert edit_url not in logged_in_client(make_user()).get(article.get_absolute_url()).content
    assert edit_url not in client.get(article.get_absolute_url()).content


# Deleting


def test_author_can_delete():
    article = make_article()
    response = logged_in_client(article.author).post(reverse("articles:delete", args=[article.pk]))
    assert response.status_code == 302
    assert response.url == INDEX
    assert not Article.objects.exists()


def test_delete_by_get_asks_first_and_deletes_nothing():
    article = make_article(title="Keep <me>")
    url = reverse("articles:delete", args=[article.pk])
    response = logged_in_client(article.author).get(url)
    assert response.status_code == 200
    assert "Delete “Keep &lt;me&gt;”? This cannot be undone." in response.text
    assert f'<form method="post" action="{url}"' in response.text
    assert f'href="/articles/{article.pk}/" autofocus>Cancel</a>' in response.text
    assert Article.objects.filter(pk=article.pk).exists()


def test_the_confirmation_returns_to_a_same_site_next_only():
    article = make_article()
    client = logged_in_client(article.author)
    url = reverse("articles:delete", args=[article.pk])
    back = client.get(url, {"next": "/articles/?page=2"}).text
    assert 'href="/articles/?page=2" autofocus>Cancel</a>' in back
    elsewhere = client.get(url, {"next": "https://evil.example/"}).text
    assert 'href="https://evil.example/"' not in elsewhere
    assert f'href="/articles/{article.pk}/" autofocus>Cancel</a>' in elsewhere


def test_only_the_author_is_asked_and_others_are_refused(client):
    article = make_article()
    url = reverse("articles:delete", args=[article.pk])
    assert logged_in_client(make_user()).get(url).status_code == 403
    assert client.get(url)["Location"].startswith("/accounts/login/?next=")
    assert logged_in_client(article.author).put(url).status_code == 405
    assert Article.objects.filter(pk=article.pk).exists()


def test_other_user_cannot_delete_article():
    article = make_article()
    response = logged_in_client(make_user()).post(reverse("articles:delete", args=[article.pk]))
    assert response.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_anonymous_delete_goes_to_login_with_the_article_page_as_next(client):
    article = make_article()
    response = client.post(reverse("articles:delete", args=[article.pk]))
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next=/articles/{article.pk}/"
    assert Article.objects.filter(pk=article.pk).exists()


def test_after_login_the_anonymous_delete_ends_on_the_article_not_a_405(client):
    article = make_article()
    next_url = client.post(reverse("articles:delete", args=[article.pk])).url.split("next=")[1]
    data = {"username": article.author.username, "password": PASSWORD, "next": next_url}
    response = client.post(reverse("accounts:login"), data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == article.get_absolute_url()
    assert Article.objects.filter(pk=article.pk).exists()


def test_anonymous_post_uses_the_same_site_referer_as_next(client):
    article = make_article()
    url = reverse("articles:delete", args=[article.pk])
    response = client.post(url, headers={"Referer": "http://testserver/articles/?page=2"})
    assert response.url == "/accounts/login/?next=/articles/%3Fpage%3D2"


def test_anonymous_post_ignores_an_off_site_referer(client):
    article = make_article()
    url = reverse("articles:delete", args=[article.pk])
    response = client.post(url, headers={"Referer": "https://example.com/articles/"})
    assert response.url == f"/accounts/login/?next=/articles/{article.pk}/"
    assert SESSION_KEY not in client.session


def test_an_author_of_several_articles_edits_and_deletes_exactly_the_one_asked_for():
    author = make_user()
    first, second = make_article(author=author), make_article(author=author, title="Second")
    client = logged_in_client(author)
    response = client.post(f"/articles/{second.pk}/update/", {"title": "Edited", "content": "C"})
    assert response.url == second.get_absolute_url()
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.title == "Edited"
    assert first.title != "Edited"
    client.post(f"/articles/{first.pk}/delete/")
    assert list(Article.objects.all()) == [second]


def test_the_page_number_is_text_between_the_previous_and_next_links(client):
    author = make_user()
    Article.objects.bulk_create(
        Article(title=f"T{i}", content="c", author=author) for i in range(45)
    )
    html = client.get(INDEX, {"page": 2}).text
    nav = re.search(r'<nav class="[^"]*" aria-label="Pages">(.*?)</nav>', html, re.S)[1]
    links = re.findall(r'<a [^>]*rel="(prev|next)"[^>]*>(\w+)</a>', nav)
    assert links == [("prev", "Previous"), ("next", "Next")]
    # Where the reader is: plain text, neither a link nor a button.
    label = re.search(r"<span[^>]*>(Page 2 of 3)</span>", nav)
    assert label
    assert "btn" not in label[0]
    assert "page-link" not in nav


@pytest.mark.parametrize(
    ("url", "back"),
    [("/articles/create/", "/articles/"), ("/articles/{pk}/update/", "/articles/{pk}/")],
)
def test_the_write_and_edit_forms_have_a_cancel_link_back(url, back):
    author = make_user()
    article = make_article(author=author)
    url = url.format(pk=article.pk)
    html = logged_in_client(author).get(url).text
    form = re.search(rf'<form method="post" action="{url}".*?</form>', html, re.S)[0]
    back = back.format(pk=article.pk)
    assert re.search(rf'<a class="btn btn-outline-secondary" href="{back}"[^>]*>Cancel</a>', form)

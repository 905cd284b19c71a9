"""The list's rows, rendered once per process for what they show ({% kept %},
core/templatetags/kept.py): never a row older than its article, its author's name or
the language, and never one member's buttons in another's list."""

from datetime import timedelta

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client

from accounts.tests.factories import make_user
from articles.models import Article
from articles.tests.factories import make_article
from core.templatetags.kept import KeptBodies, kept_bodies
from support.client import logged_in_client

pytestmark = pytest.mark.django_db

INDEX = "/articles/"


@pytest.fixture(autouse=True)
def _rendered_every_time(settings):
    """Every visit renders its page (with Redis the page cache would serve a copy, and
    the rows would not be asked for): these tests are about rendering."""
    settings.ANONYMOUS_PAGE_CACHE = False


def row_of(response, article):
    html = response.content.decode()
    start = html.index(f'id="article-{article.pk}"')
    return html[start : html.index("</li>", start)]


def test_each_row_is_kept_once_and_served_again_as_it_was(client):
    articles = [make_article() for _ in range(3)]
    first = client.get(INDEX)
    assert len(kept_bodies) == 3
    second = client.get(INDEX)
    assert len(kept_bodies) == 3
    for article in articles:
        assert row_of(second, article) == row_of(first, article)


def test_a_title_changed_without_a_save_is_shown_at_once(client):
    # A queryset update() leaves updated_at as it was: the title itself is in the key.
    article = make_article(title="Before")
    assert "Before" in row_of(client.get(INDEX), article)
    Article.objects.filter(pk=article.pk).update(title="After")
    row = row_of(client.get(INDEX), article)
    assert "After" in row
    assert "Before" not in row


def test_an_edit_is_marked_on_a_row_kept_before(client):
    article = make_article()
    assert "edited" not in row_of(client.get(INDEX), article)
    Article.objects.filter(pk=article.pk).update(updated_at=article.created_at + timedelta(hours=1))
    assert "edited" in row_of(client.get(INDEX), article)


def test_a_renamed_author_is_shown_by_the_new_name(client):
    author = make_user(username="ada")
    article = make_article(author=author)
    assert "by ada" in row_of(client.get(INDEX), article)
    author.first_name, author.last_name = "Ada", "Lovelace"
    author.save()
    assert "by Ada Lovelace" in row_of(client.get(INDEX), article)


def test_rows_are_kept_per_language():
    article = make_article()
    english = Client(headers={"accept-language": "en"}).get(INDEX)
    korean = Client(headers={"accept-language": "ko"}).get(INDEX)
    assert "by " in row_of(english, article)
    assert "작성자" in row_of(korean, article)
    assert "작성자" not in row_of(Client(headers={"accept-language": "en"}).get(INDEX), article)


def test_only_the_author_gets_a_delete_button_on_a_row_whoever_saw_it_first(client):
    author, reader = make_user(), make_user()
    article = make_article(author=author)
    assert "Delete" not in row_of(client.get(INDEX), article)  # kept for everyone else
    assert "Delete" in row_of(logged_in_client(author).get(INDEX), article)
    assert "Delete" not in row_of(logged_in_client(reader).get(INDEX), article)
    assert "Delete" not in row_of(client.get(INDEX), article)


def test_a_row_kept_while_its_author_looked_gives_nobody_else_their_button(client):
    author = make_user()
    article = make_article(author=author)
    assert "Delete" in row_of(logged_in_client(author).get(INDEX), article)
    assert len(kept_bodies) == 1
    assert "Delete" not in row_of(client.get(INDEX), article)


def test_in_development_rows_are_rendered_every_time(client, settings):
    settings.DEBUG = True
    make_article()
    client.get(INDEX)
    assert len(kept_bodies) == 0


def test_the_least_recently_used_body_goes_first_when_full():
    bodies = KeptBodies(2)
    bodies.put("a", "A")
    bodies.put("b", "B")
    assert bodies.get("a") == "A"  # now "b" is the least recently used
    bodies.put("c", "C")
    assert len(bodies) == 2
    assert bodies.get("b") is None
    assert (bodies.get("a"), bodies.get("c")) == ("A", "C")


def test_the_same_values_in_another_kept_part_are_another_key():
    template = Template(
        '{% load kept %}{% kept "one" n %}one {{ n }}{% endkept %}'
        '{% kept "two" n %}two {{ n }}{% endkept %}'
    )
    assert template.render(Context({"n": 1})) == "one 1two 1"


@pytest.mark.parametrize(
    "source",
    [
        "{% kept %}x{% endkept %}",
        '{% kept "name" %}x{% endkept %}',
        "{% kept name value %}x{% endkept %}",
    ],
)
def test_a_kept_part_needs_a_quoted_name_and_the_values_it_shows(source):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load kept %}" + source)
